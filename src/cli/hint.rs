//! `hint <kata>`: the next hint, progressively.

use super::{EXIT_PASS, EXIT_USAGE, find};
use crate::katas::Registry;
use crate::progress;
use colored::Colorize;
use std::path::Path;
use std::process::ExitCode;

pub fn hint(
    registry: &Registry,
    file: &Path,
    name: &str,
    number: Option<usize>,
    all: bool,
) -> ExitCode {
    let kata = match find(registry, name) {
        Ok(k) => k,
        Err(code) => return code,
    };
    let hints = kata.info().hints;
    let show = |i: usize| {
        println!(
            "{} {}\n{}\n",
            format!("Hint {} of {}", i + 1, hints.len()).bold(),
            format!("({name})").dimmed(),
            crate::term::wrap(hints[i], 88, 0)
        );
    };
    if all {
        (0..hints.len()).for_each(show);
        return ExitCode::from(EXIT_PASS);
    }
    if let Some(n) = number {
        if n == 0 || n > hints.len() {
            eprintln!("error: {name} has hints 1 to {}.", hints.len());
            return ExitCode::from(EXIT_USAGE);
        }
        show(n - 1);
        return ExitCode::from(EXIT_PASS);
    }
    let (mut state, warning) = progress::load(file);
    if let Some(w) = warning {
        eprintln!("warning: {w}");
    }
    let seen = state.hints_seen.get(name).copied().unwrap_or(0);
    let next = seen.min(hints.len() - 1);
    // Saved before printing: a reader that stops early (`| head`) closes the pipe, and
    // printing into a closed pipe ends the command before it could count the hint.
    state.hints_seen.insert(name.to_string(), next + 1);
    if let Err(e) = progress::save(file, &state) {
        eprintln!(
            "warning: could not save hint progress to {}: {e}",
            file.display()
        );
    }
    show(next);
    if next + 1 < hints.len() {
        println!(
            "{}",
            format!("Run it again for hint {}.", next + 2).dimmed()
        );
    } else {
        println!(
            "{}",
            "That was the last hint. `hint <kata> N` shows any of them again.".dimmed()
        );
    }
    ExitCode::from(EXIT_PASS)
}
