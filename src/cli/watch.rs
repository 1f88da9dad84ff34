//! `watch <kata>`: re-grade every time the kata file is saved.
//!
//! The kata is compiled into the binary, so each re-grade runs `cargo run -- grade` as a
//! child process: cargo rebuilds the small binary crate, and compile errors show as
//! cargo prints them. File events come from `notify`, debounced (editors save in
//! several writes); `--manual` ignores them and re-grades only on Enter, for file
//! systems where events are unreliable (network mounts, some containers).
//!
//! The *directory* is watched, not the file: vim, many IDEs, `sed -i` and Python's
//! `os.replace` save by writing a temporary file and renaming it over the original,
//! which replaces the file a file watch was attached to — every later save went
//! unnoticed. Events are kept when they name the kata file.
//!
//! On a terminal, keys act at once (q quits, r or Enter re-runs): the terminal is put
//! in non-canonical mode and restored on exit, on panic and on Ctrl-C.

use super::{EXIT_FAIL, EXIT_PASS, find};
use crate::katas::Registry;
use colored::Colorize;
use notify::{RecursiveMode, Watcher};
use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::mpsc;
use std::time::Duration;

const STATUS: &str = "watching {file} · save to re-grade · Enter or r re-runs · q quits · {seed}";
const STATUS_MANUAL: &str =
    "{file} · Enter or r re-grades · q quits (file events off: --manual) · {seed}";

/// Set to run the current executable instead of `cargo run` (the project's tests use
/// it: they cannot call cargo while cargo runs them).
const SELF_GRADE_ENV: &str = "REPLICATION_KATAS_WATCH_SELF";

enum Trigger {
    Saved,
    Rerun,
    Quit,
}

fn grade_command(root: &Path, kata: &str, seed: Option<u64>) -> Command {
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
    if let Some(seed) = seed {
        cmd.args(["--seed", &seed.to_string()]);
    }
    cmd
}

/// What the status line says about seeds.
fn seed_note(seed: Option<u64>) -> String {
    match seed {
        Some(seed) => format!("seed {seed}: every run grades the same scenarios"),
        None => "a fresh seed each run (--seed N fixes one)".to_string(),
    }
}

fn run_grade(root: &Path, kata: &str, file: &str, manual: bool, seed: Option<u64>) {
    if std::io::stdout().is_terminal() {
        // Clear the screen and move home, so each run starts on a clean page.
        print!("\u{1b}[2J\u{1b}[H");
    }
    let status = grade_command(root, kata, seed).status();
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
    let help = help
        .replace("{file}", file)
        .replace("{seed}", &seed_note(seed));
    println!("\n{line} · {}", help.dimmed());
}

pub fn watch(
    registry: &Registry,
    root: &Path,
    name: &str,
    manual: bool,
    debounce: Duration,
    seed: Option<u64>,
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
        let dir = path.parent().unwrap_or(root).to_path_buf();
        let target = path.file_name().map(|n| n.to_os_string());
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            let Ok(event) = event else { return };
            let saved = event.kind.is_modify() || event.kind.is_create();
            let ours = event
                .paths
                .iter()
                .any(|p| p.file_name().map(|n| n.to_os_string()) == target);
            if saved && ours {
                let _ = events.send(Trigger::Saved);
            }
        })
        .and_then(|mut w| w.watch(&dir, RecursiveMode::NonRecursive).map(|()| w));
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
    // Single keys on a terminal; whole lines otherwise (pipes, tests).
    let raw = keys::RawMode::enter();
    let single_keys = raw.is_some();
    std::thread::spawn(move || {
        if single_keys {
            keys::read_keys(&keys);
        } else {
            read_lines(&keys);
        }
        // Input closed: in manual mode nothing else can trigger a grade.
        if manual {
            let _ = keys.send(Trigger::Quit);
        }
    });

    run_grade(root, name, file, manual, seed);
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
        run_grade(root, name, file, manual, seed);
    }
    ExitCode::from(EXIT_FAIL)
}

/// Line input: `q` (or `quit`) quits, any other line re-runs.
fn read_lines(keys: &mpsc::Sender<Trigger>) {
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
}

/// Single-key input on a terminal.
mod keys {
    use super::Trigger;
    use std::io::Read;
    use std::sync::mpsc;

    /// `q` quits; `r`, Enter and space re-run; other keys are ignored.
    pub fn read_keys(keys: &mpsc::Sender<Trigger>) {
        let mut stdin = std::io::stdin().lock();
        let mut byte = [0u8; 1];
        while let Ok(1) = stdin.read(&mut byte) {
            let trigger = match byte[0] {
                b'q' | b'Q' => Trigger::Quit,
                b'r' | b'R' | b'\n' | b'\r' | b' ' => Trigger::Rerun,
                _ => continue,
            };
            if keys.send(trigger).is_err() {
                break;
            }
        }
    }

    #[cfg(unix)]
    pub use unix::RawMode;

    #[cfg(unix)]
    mod unix {
        use std::io::IsTerminal;
        use std::sync::OnceLock;

        /// The terminal's settings before watch changed them, for every way out.
        static ORIGINAL: OnceLock<libc::termios> = OnceLock::new();

        fn restore() {
            if let Some(original) = ORIGINAL.get() {
                // SAFETY: restores settings read from this same descriptor.
                unsafe {
                    libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, original);
                }
            }
        }

        extern "C" fn on_signal(signal: libc::c_int) {
            restore();
            // SAFETY: async-signal-safe calls only: restore the default action and
            // re-raise, so the process ends as the signal intended.
            unsafe {
                libc::signal(signal, libc::SIG_DFL);
                libc::raise(signal);
            }
        }

        /// Keys without Enter: canonical mode and echo off (signals stay on, so
        /// Ctrl-C works). Restored when dropped, on panic and on SIGINT/SIGTERM.
        pub struct RawMode;

        impl RawMode {
            /// `None` when standard input is not a terminal (a pipe, a test).
            pub fn enter() -> Option<RawMode> {
                if !std::io::stdin().is_terminal() {
                    return None;
                }
                // SAFETY: a zeroed termios is a valid buffer for tcgetattr to fill.
                let mut settings: libc::termios = unsafe { std::mem::zeroed() };
                // SAFETY: stdin is a terminal; tcgetattr writes into `settings`.
                if unsafe { libc::tcgetattr(libc::STDIN_FILENO, &mut settings) } != 0 {
                    return None;
                }
                let _ = ORIGINAL.set(settings);
                let previous = std::panic::take_hook();
                std::panic::set_hook(Box::new(move |info| {
                    restore();
                    previous(info);
                }));
                // SAFETY: installing a handler that only makes async-signal-safe calls.
                unsafe {
                    libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
                    libc::signal(libc::SIGTERM, on_signal as *const () as libc::sighandler_t);
                }
                settings.c_lflag &= !(libc::ICANON | libc::ECHO);
                settings.c_cc[libc::VMIN] = 1;
                settings.c_cc[libc::VTIME] = 0;
                // SAFETY: applies settings derived from the terminal's own.
                if unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &settings) } != 0 {
                    return None;
                }
                Some(RawMode)
            }
        }

        impl Drop for RawMode {
            fn drop(&mut self) {
                restore();
            }
        }
    }

    #[cfg(not(unix))]
    pub struct RawMode;

    #[cfg(not(unix))]
    impl RawMode {
        pub fn enter() -> Option<RawMode> {
            None
        }
    }
}
