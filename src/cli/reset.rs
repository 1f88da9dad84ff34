//! `kata reset <kata>`: put the shipped skeleton back.

use super::{EXIT_FAIL, EXIT_PASS, EXIT_USAGE, find};
use crate::katas::Registry;
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

const NEEDS_CONFIRMATION: &str = "error: refusing to overwrite {file} without confirmation, and \
there is no terminal to ask on. Run `cargo run -- kata reset {kata} --yes` to reset it.";

const QUESTION: &str =
    "Overwrite {file} with the shipped skeleton? Your changes will be lost. [y/N] ";

pub fn reset(registry: &Registry, root: &Path, name: &str, yes: bool) -> ExitCode {
    let kata = match find(registry, name) {
        Ok(k) => k,
        Err(code) => return code,
    };
    let info = kata.info();
    let path = root.join(info.file);
    if std::fs::read_to_string(&path).is_ok_and(|text| text == info.skeleton) {
        println!(
            "{} is already the shipped skeleton; nothing to do.",
            info.file
        );
        return ExitCode::from(EXIT_PASS);
    }
    if !yes {
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            eprintln!(
                "{}",
                NEEDS_CONFIRMATION
                    .replace("{file}", info.file)
                    .replace("{kata}", name)
            );
            return ExitCode::from(EXIT_USAGE);
        }
        print!("{}", QUESTION.replace("{file}", info.file));
        let _ = std::io::stdout().flush();
        let mut answer = String::new();
        let _ = stdin.lock().read_line(&mut answer);
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            println!("Left {} as it was.", info.file);
            return ExitCode::from(EXIT_FAIL);
        }
    }
    // Atomically: a reader never sees half a file.
    let tmp = path.with_extension("rs.reset-tmp");
    let written = std::fs::write(&tmp, info.skeleton).and_then(|()| std::fs::rename(&tmp, &path));
    match written {
        Ok(()) => {
            println!(
                "{} is the shipped skeleton again. Start with `cargo run -- kata show {name}`.",
                info.file
            );
            ExitCode::from(EXIT_PASS)
        }
        Err(e) => {
            eprintln!("error: could not write {}: {e}", path.display());
            ExitCode::from(EXIT_FAIL)
        }
    }
}
