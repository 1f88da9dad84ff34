//! What the graded code printed.
//!
//! In a supervised child (see `cli/supervise.rs`) the process's stdout and stderr are
//! one file that the supervisor created: nothing learner code prints reaches the
//! terminal or the report's own output. The grader reads that file back to attach
//! what the code printed to a counterexample ([`during`]) or to a learner fault
//! ([`tail`]). In-process (the test suites, the Windows fallback) capture is off and
//! both return `None`.
//!
//! A file rather than a pipe: it keeps stdout and stderr in the order they were
//! written with no thread draining anything, the child can read back what it printed
//! a moment ago, and what it printed survives its death for the supervisor to read.
//! Its size is bounded by the supervisor (`RLIMIT_FSIZE`).

use crate::report::Printed;
use std::fs::File;
use std::io::Write;
use std::sync::OnceLock;

static OUTPUT: OnceLock<File> = OnceLock::new();

/// Turns capture on: `file` is (a handle to) the file stdout and stderr write to.
pub fn enable(file: File) {
    let _ = OUTPUT.set(file);
}

/// Whether capture is on.
pub fn enabled() -> bool {
    OUTPUT.get().is_some()
}

fn len(file: &File) -> u64 {
    let _ = std::io::stdout().flush();
    file.metadata().map_or(0, |m| m.len())
}

/// Bytes `[start, end)` of `file`, at most `limit` of them from the start, and the
/// number of lines in the whole range.
fn read_range(file: &File, start: u64, end: u64, limit: usize) -> (Vec<u8>, usize) {
    let mut kept = Vec::new();
    let mut lines = 0;
    let mut buf = vec![0u8; 64 * 1024];
    let mut at = start;
    let mut last = b'\n';
    while at < end {
        let want = buf.len().min((end - at) as usize);
        let n = match read_at(file, &mut buf[..want], at) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let chunk = &buf[..n];
        lines += chunk.iter().filter(|&&b| b == b'\n').count();
        last = chunk[n - 1];
        if kept.len() < limit {
            kept.extend_from_slice(&chunk[..n.min(limit - kept.len())]);
        }
        at += n as u64;
    }
    if at > start && last != b'\n' {
        lines += 1;
    }
    (kept, lines)
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, at)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> std::io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, at)
}

#[cfg(not(any(unix, windows)))]
fn read_at(_file: &File, _buf: &mut [u8], _at: u64) -> std::io::Result<usize> {
    Ok(0)
}

/// Runs `f` and returns what was printed meanwhile: its first lines and how many
/// more there were.
pub fn during<T>(f: impl FnOnce() -> T) -> (T, Option<Printed>) {
    let Some(file) = OUTPUT.get() else {
        return (f(), None);
    };
    let start = len(file);
    let value = f();
    let end = len(file);
    let (head, lines) = read_range(file, start, end, 64 * 1024);
    (value, Printed::head(&head, Some(lines)))
}

/// The last lines printed so far in `file`, and how many came before them.
pub fn tail_of(file: &File) -> Option<Printed> {
    let end = file.metadata().map_or(0, |m| m.len());
    let (_, lines) = read_range(file, 0, end, 0);
    let from = end.saturating_sub(16 * 1024);
    let (mut bytes, _) = read_range(file, from, end, 16 * 1024);
    if from > 0 {
        // Drop the partial first line.
        if let Some(nl) = bytes.iter().position(|&b| b == b'\n') {
            bytes.drain(..=nl);
        }
    }
    Printed::tail(&bytes, lines)
}

/// The last lines this process printed so far (for a learner fault).
pub fn tail() -> Option<Printed> {
    let file = OUTPUT.get()?;
    let _ = std::io::stdout().flush();
    tail_of(file)
}
