//! `watch <kata>`: re-grade every time the kata file is saved.
//!
//! The kata is compiled into the binary, so each re-grade runs `cargo run -- grade` as a
//! child process: cargo rebuilds the small binary crate, and compile errors show as
//! cargo prints them. File events come from `notify`, debounced (editors save in
//! several writes); `--manual` ignores them and re-grades only on Enter, for file
//! systems where events are unreliable (network mounts, some containers).

use super::{EXIT_FAIL, EXIT_PASS, find};
use crate::katas::Registry;
use colored::Colorize;
use notify::{RecursiveMode, Watcher};
use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::mpsc;
use std::time::Duration;

const STATUS: &str = "watching {file} · save to re-grade · Enter or r re-runs · q quits";
const STATUS_MANUAL: &str = "{file} · Enter or r re-grades · q quits (file events off: --manual)";

/// Set to run the current executable instead of `cargo run` (the project's tests use
/// it: they cannot call cargo while cargo runs them).
const SELF_GRADE_ENV: &str = "REPLICATION_KATAS_WATCH_SELF";

enum Trigger {
    Saved,
    Rerun,
    Quit,
}

fn grade_command(root: &Path, kata: &str) -> Command {
    let color = if std::io::stdout().is_terminal() {
        "always"
    } else {
        "never"
    };
    let mut cmd = if std::env::var_os(SELF_GRADE_ENV).is_some() {
        Command::new(std::env::current_exe().unwrap_or_else(|_| PathBuf::from("replication-katas")))
    } else {
        let mut c = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        c.args(["run", "-q", "--"]);
        c
    };
    cmd.current_dir(root)
        .args(["grade", kata, "--color", color]);
    cmd
}

fn run_grade(root: &Path, kata: &str, file: &str, manual: bool) {
    if std::io::stdout().is_terminal() {
        // Clear the screen and move home, so each run starts on a clean page.
        print!("\u{1b}[2J\u{1b}[H");
    }
    let status = grade_command(root, kata).status();
    let line = match status.map(|s| s.code()) {
        Ok(Some(0)) => "✓ passes".green().bold().to_string(),
        Ok(Some(1)) => "✗ not passing yet".red().bold().to_string(),
        Ok(Some(101)) => "✗ does not compile — see cargo's errors above"
            .red()
            .bold()
            .to_string(),
        Ok(code) => format!("grade exited with {code:?}"),
        Err(e) => format!("could not run the grader: {e}"),
    };
    let help = if manual { STATUS_MANUAL } else { STATUS };
    println!("\n{line} · {}", help.replace("{file}", file).dimmed());
}

pub fn watch(
    registry: &Registry,
    root: &Path,
    name: &str,
    manual: bool,
    debounce: Duration,
) -> ExitCode {
    let kata = match find(registry, name) {
        Ok(k) => k,
        Err(code) => return code,
    };
    let file = kata.info().file;
    let path = root.join(file);
    let (tx, rx) = mpsc::channel();

    let _watcher = if manual {
        None
    } else {
        let events = tx.clone();
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            if event.is_ok_and(|e| e.kind.is_modify() || e.kind.is_create()) {
                let _ = events.send(Trigger::Saved);
            }
        })
        .and_then(|mut w| w.watch(&path, RecursiveMode::NonRecursive).map(|()| w));
        match watcher {
            Ok(w) => Some(w),
            Err(e) => {
                eprintln!(
                    "warning: cannot watch {file} ({e}); re-grade with Enter, or use --manual"
                );
                None
            }
        }
    };

    let keys = tx;
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let trigger = match line.as_deref().map(str::trim) {
                Ok("q") | Ok("quit") => Trigger::Quit,
                Ok(_) => Trigger::Rerun,
                Err(_) => break,
            };
            if keys.send(trigger).is_err() {
                break;
            }
        }
        // Input closed: in manual mode nothing else can trigger a grade.
        if manual {
            let _ = keys.send(Trigger::Quit);
        }
    });

    run_grade(root, name, file, manual);
    while let Ok(trigger) = rx.recv() {
        match trigger {
            Trigger::Quit => return ExitCode::from(EXIT_PASS),
            Trigger::Rerun => {}
            Trigger::Saved => {
                // Editors save in bursts; wait until the file has been quiet a moment.
                while let Ok(t) = rx.recv_timeout(debounce) {
                    if let Trigger::Quit = t {
                        return ExitCode::from(EXIT_PASS);
                    }
                }
            }
        }
        run_grade(root, name, file, manual);
    }
    ExitCode::from(EXIT_FAIL)
}
