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
//!
//! The file keeps byte order only; where in the scenario something was printed comes
//! from the guard: while [`during`] runs, every learner call that printed leaves a
//! mark — how far the file reached when the call returned, the simulated time the
//! driver last gave the guard (`Guard::at_time`), the function — so each line gets the
//! point of the call it was printed in, and `replay` draws it between the events.

use crate::report::{PrintPoint, Printed};
use std::cell::{Cell, RefCell};
use std::fs::File;
use std::io::Write;
use std::sync::OnceLock;

static OUTPUT: OnceLock<File> = OnceLock::new();

/// Bytes of output [`during`] reads back (and marks calls for) at most.
const HEAD_BYTES: usize = 64 * 1024;

/// A learner call that printed, while [`during`] runs.
struct Mark {
    /// The output file's length when the call returned.
    end: u64,
    at_ms: u64,
    function: &'static str,
}

/// The marks of one [`during`].
struct Marking {
    start: u64,
    /// Bytes from `start` that will be read back: past them, nothing needs a mark.
    head_bytes: u64,
    /// The file's length at the last mark (or the start).
    last: u64,
    marks: Vec<Mark>,
}

thread_local! {
    /// Whether the guard should call [`mark`] after each call: a flag of its own so
    /// that the check costs one thread-local load when nothing is marked.
    static MARKING_ON: Cell<bool> = const { Cell::new(false) };
    static MARKING: RefCell<Option<Marking>> = const { RefCell::new(None) };
}

/// Whether calls on this thread are being marked (see [`mark`]).
pub fn marking() -> bool {
    MARKING_ON.with(Cell::get)
}

/// Called by the guard after each learner call while [`marking`]: if the call
/// printed, remembers where its output ended and the call's point in the scenario.
/// A stat of the output file per call, only while a single scenario is replayed for
/// its output, and only until the part of the output a report can show is covered.
pub fn mark(at_ms: u64, function: &'static str) {
    let Some(file) = OUTPUT.get() else {
        return;
    };
    let end = len(file);
    MARKING.with(|m| {
        let mut m = m.borrow_mut();
        let Some(m) = m.as_mut() else {
            return;
        };
        if end > m.last {
            m.marks.push(Mark {
                end,
                at_ms,
                function,
            });
            m.last = end;
            if end - m.start >= m.head_bytes {
                // Lines past this are never listed: no need to place them.
                MARKING_ON.with(|c| c.set(false));
            }
        }
    });
}

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

/// Runs `f` and returns what was printed meanwhile: its first lines, where in the
/// scenario each was printed, and how many more there were. `f` runs learner code on
/// this thread (the marks are per thread).
pub fn during<T>(f: impl FnOnce() -> T) -> (T, Option<Printed>) {
    during_with(f, HEAD_BYTES, Printed::MAX_LINES)
}

/// Lines [`during_long`] keeps.
pub const LONG_LINES: usize = 2_000;

/// As [`during`], keeping up to [`LONG_LINES`] lines (of the first MiB), for a replay
/// to choose the ones printed where its timeline looks (`Printed::choose`).
pub fn during_long<T>(f: impl FnOnce() -> T) -> (T, Option<Printed>) {
    during_with(f, 1 << 20, LONG_LINES)
}

fn during_with<T>(
    f: impl FnOnce() -> T,
    head_bytes: usize,
    max_lines: usize,
) -> (T, Option<Printed>) {
    let Some(file) = OUTPUT.get() else {
        return (f(), None);
    };
    let start = len(file);
    MARKING.with(|m| {
        *m.borrow_mut() = Some(Marking {
            start,
            head_bytes: head_bytes as u64,
            last: start,
            marks: Vec::new(),
        })
    });
    MARKING_ON.with(|c| c.set(true));
    let value = f();
    MARKING_ON.with(|c| c.set(false));
    let marks = MARKING
        .with(|m| m.borrow_mut().take())
        .map_or_else(Vec::new, |m| m.marks);
    let end = len(file);
    let (head, lines) = read_range(file, start, end, head_bytes);
    // A line belongs to the first call that returned after it began: the call that
    // printed it (or, for bytes a thread of the code's own wrote between calls, the
    // next call). After the last call: no point.
    let point_of = |offset: usize| {
        let at = start + offset as u64;
        let i = marks.partition_point(|m| m.end <= at);
        marks.get(i).map(|m| PrintPoint {
            at_ms: m.at_ms,
            function: m.function.to_string(),
        })
    };
    let printed = Printed::head_placed(&head, Some(lines), max_lines, Some(point_of));
    (value, printed)
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
