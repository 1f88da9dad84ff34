//! Calling untrusted learner code.
//!
//! The learner's router is ordinary Rust compiled into the binary, so it can panic
//! (`todo!()` is a panic), loop forever, or be slow. Every call goes through a
//! [`Guard`], which turns a panic into a [`LearnerFault`] naming the function, the
//! message and the source location, and lets a watchdog on another thread notice a
//! call that never returns. The grader never crashes because of learner code.

use serde::Serialize;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, Once, OnceLock};
use std::time::{Duration, Instant};

/// Why the learner's code could not be graded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LearnerFault {
    /// A `todo!()` was reached: the function is still the shipped skeleton.
    NotImplemented { function: String, location: String },
    /// The code panicked.
    Panicked {
        function: String,
        message: String,
        location: String,
    },
    /// A call did not return within the limit.
    Hung { function: String, limit_ms: u64 },
    /// The same scenario and seed gave different histories.
    Nondeterministic {
        scenario: String,
        difference: String,
        likely_causes: String,
    },
}

impl LearnerFault {
    pub fn is_not_implemented(&self) -> bool {
        matches!(self, LearnerFault::NotImplemented { .. })
    }
}

thread_local! {
    static IN_LEARNER_CALL: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<(String, String)>> = const { RefCell::new(None) };
}

static HOOK: Once = Once::new();

/// Installs (once per process) a panic hook that stays silent for panics inside learner
/// calls — they are reported properly instead — and defers to the previous hook for
/// everything else.
fn install_hook() {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if IN_LEARNER_CALL.with(Cell::get) {
                let message = if let Some(s) = info.payload().downcast_ref::<&str>() {
                    (*s).to_string()
                } else if let Some(s) = info.payload().downcast_ref::<String>() {
                    s.clone()
                } else {
                    "(a panic without a message)".to_string()
                };
                let location = info
                    .location()
                    .map(|l| format!("{}:{}:{}", tidy_path(l.file()), l.line(), l.column()))
                    .unwrap_or_else(|| "unknown location".to_string());
                LAST_PANIC.with(|p| *p.borrow_mut() = Some((message, location)));
            } else {
                previous(info);
            }
        }));
    });
}

/// `src/../katas/quickpost.rs` → `katas/quickpost.rs`: the path the learner edits.
fn tidy_path(file: &str) -> String {
    let file = file.replace('\\', "/");
    match file.find("katas/") {
        Some(i) if file[..i].ends_with("../") || i == 0 => file[i..].to_string(),
        _ => match file.find("solutions/") {
            Some(i) => file[i..].to_string(),
            None => file,
        },
    }
}

/// Shared between the grading thread and its watchdog.
#[derive(Debug, Default)]
struct CallState {
    calls: AtomicU64,
    in_call: AtomicBool,
    /// The function being called, as an index into [`FUNCTION_NAMES`].
    function: AtomicUsize,
}

/// Names of the learner functions registered so far, so that a call records a number,
/// not a string, and the watchdog can still name the function that hangs.
static FUNCTION_NAMES: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());

/// A learner function the guard calls, e.g. `MonotonicReadsRouter::route_read`,
/// declared once as a `static`: its number in the registry is looked up on the first
/// call, and every later call costs one load instead of a search (a run makes hundreds
/// of thousands of calls).
#[derive(Debug)]
pub struct LearnerFn {
    name: &'static str,
    index: OnceLock<usize>,
}

impl LearnerFn {
    pub const fn new(name: &'static str) -> Self {
        LearnerFn {
            name,
            index: OnceLock::new(),
        }
    }

    fn index(&self) -> usize {
        *self.index.get_or_init(|| {
            let mut names = FUNCTION_NAMES.lock().unwrap_or_else(|e| e.into_inner());
            names
                .iter()
                .position(|n| *n == self.name)
                .unwrap_or_else(|| {
                    names.push(self.name);
                    names.len() - 1
                })
        })
    }
}

fn function_name(index: usize) -> &'static str {
    let names = FUNCTION_NAMES.lock().unwrap_or_else(|e| e.into_inner());
    names.get(index).copied().unwrap_or("?")
}

/// Wraps every call into learner code. Cheap: a few atomic stores and a thread-local
/// flag per call; no allocation unless the call panics.
///
/// One guard per grading thread ([`Guard::fork`]); all the guards of a family are
/// watched by the same watchdog.
#[derive(Clone, Debug)]
pub struct Guard {
    state: Arc<CallState>,
    family: Arc<Mutex<Vec<Arc<CallState>>>>,
}

impl Default for Guard {
    fn default() -> Self {
        Guard::new()
    }
}

impl Guard {
    pub fn new() -> Self {
        install_hook();
        let state = Arc::new(CallState::default());
        Guard {
            family: Arc::new(Mutex::new(vec![Arc::clone(&state)])),
            state,
        }
    }

    /// A guard for another grading thread, watched together with this one.
    pub fn fork(&self) -> Guard {
        let state = Arc::new(CallState::default());
        self.family
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Arc::clone(&state));
        Guard {
            state,
            family: Arc::clone(&self.family),
        }
    }

    /// Calls `f`, which runs learner code in `function`.
    pub fn call<T>(&self, function: &LearnerFn, f: impl FnOnce() -> T) -> Result<T, LearnerFault> {
        self.state
            .function
            .store(function.index(), Ordering::Relaxed);
        // Only this guard's thread writes its counter (one guard per thread, see
        // `fork`): a load and a store, without the cost of a locked add.
        let calls = self.state.calls.load(Ordering::Relaxed);
        self.state.calls.store(calls + 1, Ordering::Relaxed);
        self.state.in_call.store(true, Ordering::Release);
        IN_LEARNER_CALL.with(|c| c.set(true));
        let result = panic::catch_unwind(AssertUnwindSafe(f));
        IN_LEARNER_CALL.with(|c| c.set(false));
        self.state.in_call.store(false, Ordering::Release);
        result.map_err(|_| {
            let (message, location) = LAST_PANIC
                .with(|p| p.borrow_mut().take())
                .unwrap_or_else(|| ("(no message)".into(), "unknown location".into()));
            if message.starts_with("not yet implemented") || message.starts_with("not implemented")
            {
                LearnerFault::NotImplemented {
                    function: function.name.to_string(),
                    location,
                }
            } else {
                LearnerFault::Panicked {
                    function: function.name.to_string(),
                    message,
                    location,
                }
            }
        })
    }
}

/// Runs `work` on a separate thread and watches it: if one learner call stays inside
/// learner code for longer than `limit`, gives up and reports a hang. The stuck thread
/// cannot be killed; it is left behind, and the process exits normally when the CLI
/// returns.
pub fn run_watched<T: Send + 'static>(
    limit: Duration,
    work: impl FnOnce(Guard) -> T + Send + 'static,
) -> Result<T, LearnerFault> {
    let guard = Guard::new();
    let family = Arc::clone(&guard.family);
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("grader".into())
        .stack_size(16 << 20)
        .spawn(move || {
            let _ = tx.send(work(guard));
        })
        .expect("spawning the grading thread");
    let tick = (limit / 10).clamp(Duration::from_millis(5), Duration::from_millis(100));
    // Per watched thread: the call count last seen, and since when it has not moved.
    let mut seen: Vec<(u64, Instant)> = Vec::new();
    loop {
        match rx.recv_timeout(tick) {
            Ok(result) => return Ok(result),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                // The grading thread itself panicked: a harness bug, not the learner's.
                panic!("the grading thread stopped without a result");
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let states = family.lock().unwrap_or_else(|e| e.into_inner()).clone();
                seen.resize(states.len(), (u64::MAX, Instant::now()));
                for (state, (last_calls, since)) in states.iter().zip(seen.iter_mut()) {
                    let calls = state.calls.load(Ordering::Relaxed);
                    if calls != *last_calls || !state.in_call.load(Ordering::Acquire) {
                        *last_calls = calls;
                        *since = Instant::now();
                    } else if since.elapsed() >= limit {
                        let function = function_name(state.function.load(Ordering::Relaxed));
                        return Err(LearnerFault::Hung {
                            function: function.to_string(),
                            limit_ms: limit.as_millis() as u64,
                        });
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static F: LearnerFn = LearnerFn::new("f");

    #[test]
    fn todo_is_not_implemented_with_location() {
        let g = Guard::new();
        let r: Result<u32, _> = g.call(&LearnerFn::new("Router::route_read"), || todo!());
        match r {
            Err(LearnerFault::NotImplemented { function, location }) => {
                assert_eq!(function, "Router::route_read");
                assert!(location.contains("guard.rs"), "{location}");
            }
            other => panic!("expected not implemented, got {other:?}"),
        }
    }

    #[test]
    fn panic_message_is_kept() {
        let g = Guard::new();
        let r: Result<u32, _> = g.call(&F, || panic!("index {} out of range", 9));
        assert!(
            matches!(r, Err(LearnerFault::Panicked { message, .. }) if message == "index 9 out of range")
        );
        assert_eq!(g.call(&F, || 5), Ok(5));
    }

    #[test]
    fn a_call_that_never_returns_is_a_hang() {
        let r = run_watched(Duration::from_millis(100), |g| {
            g.call(&LearnerFn::new("Router::route_read"), || {
                loop {
                    std::thread::sleep(Duration::from_millis(20));
                }
            })
        });
        assert!(
            matches!(r, Err(LearnerFault::Hung { function, .. }) if function == "Router::route_read")
        );
    }

    #[test]
    fn a_hang_on_a_forked_guard_is_seen_too() {
        let r = run_watched(Duration::from_millis(400), |g| {
            let worker = g.fork();
            std::thread::spawn(move || {
                worker.call(&LearnerFn::new("Router::on_read_served"), || {
                    loop {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                })
            });
            // The first thread keeps calling quickly; the worker's hang still counts.
            loop {
                g.call(&F, || std::thread::sleep(Duration::from_millis(5)))
                    .unwrap();
            }
        });
        assert!(
            matches!(r, Err(LearnerFault::Hung { function, .. }) if function == "Router::on_read_served")
        );
    }

    #[test]
    fn many_quick_calls_are_not_a_hang() {
        let r = run_watched(Duration::from_millis(50), |g| {
            for _ in 0..20 {
                g.call(&F, || std::thread::sleep(Duration::from_millis(10)))
                    .unwrap();
            }
            7
        });
        assert_eq!(r, Ok(7));
    }

    #[test]
    fn paths_name_the_file_the_learner_edits() {
        assert_eq!(tidy_path("src/../katas/quickpost.rs"), "katas/quickpost.rs");
        assert_eq!(tidy_path("katas/quickpost.rs"), "katas/quickpost.rs");
        assert_eq!(
            tidy_path("src/../solutions/quickpost.rs"),
            "solutions/quickpost.rs"
        );
    }
}
