//! What happened in the lab, as one line each: for `--no-tui` (printed as they
//! happen, for scripts and logs) and for the live view (the last ones kept).

use crate::model::Millis;
use std::collections::VecDeque;
use std::io::Write;
use std::sync::Mutex;

/// How many events the live view keeps.
const KEEP: usize = 200;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    Write,
    Read,
    /// A session guarantee broken, found by the grader's checker.
    Violation,
    /// A fault injected at run time.
    Fault,
    /// The learner's router failed (panic, crash, hang…).
    RouterFault,
    Info,
}

impl EventKind {
    /// The tag of an event line: fixed width, so lines line up.
    pub fn tag(self) -> &'static str {
        match self {
            EventKind::Write => "write    ",
            EventKind::Read => "read     ",
            EventKind::Violation => "VIOLATION",
            EventKind::Fault => "fault    ",
            EventKind::RouterFault => "ROUTER   ",
            EventKind::Info => "lab      ",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabEvent {
    /// Wall-clock time of day (UTC), for people reading along.
    pub clock: String,
    /// Milliseconds since the lab started: the time of the live history (`t=`).
    pub at_ms: Millis,
    pub kind: EventKind,
    pub text: String,
}

impl LabEvent {
    pub fn line(&self) -> String {
        format!("{} {} {}", self.clock, self.kind.tag(), self.text)
    }
}

/// Where events go.
#[derive(Debug)]
pub struct Events {
    print: bool,
    recent: Mutex<VecDeque<LabEvent>>,
}

impl Events {
    /// `print`: write every event to stdout as a line (`--no-tui`).
    pub fn new(print: bool) -> Self {
        Events {
            print,
            recent: Mutex::new(VecDeque::with_capacity(KEEP)),
        }
    }

    pub fn push(&self, at_ms: Millis, kind: EventKind, text: String) {
        let event = LabEvent {
            clock: clock_now(),
            at_ms,
            kind,
            text,
        };
        if self.print {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{}", event.line());
            let _ = out.flush();
        }
        let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        if recent.len() == KEEP {
            recent.pop_front();
        }
        recent.push_back(event);
    }

    /// The last `n` events, oldest first.
    pub fn last(&self, n: usize) -> Vec<LabEvent> {
        let recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        recent
            .iter()
            .skip(recent.len().saturating_sub(n))
            .cloned()
            .collect()
    }

    /// The last `n` events of one kind, oldest first.
    pub fn last_of(&self, kind: EventKind, n: usize) -> Vec<LabEvent> {
        let recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        let of: Vec<&LabEvent> = recent.iter().filter(|e| e.kind == kind).collect();
        of[of.len().saturating_sub(n)..]
            .iter()
            .map(|e| (*e).clone())
            .collect()
    }
}

/// The time of day, UTC, `HH:MM:SS.mmm` (the lab is a live system; the wall clock is
/// only ever shown, never decided on).
fn clock_now() -> String {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let s = since.as_secs() % 86_400;
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        s / 3600,
        s / 60 % 60,
        s % 60,
        since.subsec_millis()
    )
}
