//! Calling untrusted learner code.
//!
//! The learner's router is ordinary Rust compiled into the binary, so it can panic
//! (`todo!()` is a panic), loop forever, or be slow. Every call goes through a
//! [`Guard`], which turns a panic into a [`LearnerFault`] naming the function, the
//! message and the source location, and lets a watchdog on another thread notice a
//! call that never returns. The grader never crashes because of learner code.
//!
//! What a guard cannot catch in-process — a stack overflow, an abort, `process::exit`,
//! a failed allocation — is caught one level up: the command line runs grading in a
//! supervised child process (`cli/supervise.rs`). For that supervisor to name the
//! function and the scenario after the child died, the guard's per-call state can live
//! in a [`SharedRegion`], a small file both processes map: the same stores as
//! in-process, only to memory that outlives the child.

use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, Once, OnceLock};
use std::time::{Duration, Instant};

/// Why the learner's code could not be graded. (Deserialize: the lab's router child
/// sends faults back over its pipe.)
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
    /// The process running the code died: killed by a signal, aborted (a panic while
    /// panicking, `process::abort`), or its stack overflowed (unbounded recursion).
    Crashed {
        /// The learner function being called, when the supervisor could tell.
        function: Option<String>,
        /// The scenario being run, when known.
        scenario: Option<String>,
        /// `SIGABRT`, `SIGSEGV`, … or `None` for an unusual exit status.
        signal: Option<String>,
        stack_overflow: bool,
        /// The command that runs the scenario alone.
        replay: Option<String>,
    },
    /// The code ended the whole process with `std::process::exit(code)` (or the
    /// process stopped without reporting a result).
    Exited {
        function: Option<String>,
        scenario: Option<String>,
        code: i32,
        replay: Option<String>,
    },
    /// An allocation failed: the code used more memory than the limit allows.
    OutOfMemory {
        function: Option<String>,
        scenario: Option<String>,
        limit_mib: u64,
        replay: Option<String>,
    },
    /// The grade did not finish within its overall time budget.
    TimedOut {
        limit_ms: u64,
        /// Scenarios graded before the time ran out, of `total`.
        graded: usize,
        total: usize,
        /// The scenario running when the time ran out, when known.
        scenario: Option<String>,
    },
    /// A thread the code spawned panicked (the grader's own threads are watched by the
    /// guard; a panic elsewhere would otherwise go unnoticed).
    ThreadPanicked {
        thread: String,
        message: String,
        location: String,
    },
}

impl LearnerFault {
    pub fn is_not_implemented(&self) -> bool {
        matches!(self, LearnerFault::NotImplemented { .. })
    }

    /// Whether the process running the code died (crashed, exited, ran out of memory).
    pub fn is_crash(&self) -> bool {
        matches!(
            self,
            LearnerFault::Crashed { .. }
                | LearnerFault::Exited { .. }
                | LearnerFault::OutOfMemory { .. }
        )
    }
}

thread_local! {
    static IN_LEARNER_CALL: Cell<bool> = const { Cell::new(false) };
    /// Set on the grader's own threads: a panic outside a learner call on any other
    /// thread happened on a thread the learner's code spawned.
    static GRADER_THREAD: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<(String, String)>> = const { RefCell::new(None) };
    /// Whether the current call's first panic was printed, because another followed it
    /// while unwinding.
    static UNWINDING_PANIC_SHOWN: Cell<bool> = const { Cell::new(false) };
}

static HOOK: Once = Once::new();

/// The first panic seen on a thread the grader did not start: (thread, message,
/// location).
static STRAY_PANIC: Mutex<Option<(String, String, String)>> = Mutex::new(None);

/// Marks the current thread as one of the grader's own (see [`take_stray_panic`]).
pub fn mark_grader_thread() {
    GRADER_THREAD.with(|g| g.set(true));
}

/// The first panic on a thread that learner code spawned, if there was one: the
/// guard cannot catch it (it is not inside a call), so the supervisor asks after the
/// grade. Only meaningful in a process that runs nothing else (the supervised child):
/// in a test binary, a failing test's thread counts as "not the grader's" too.
pub fn take_stray_panic() -> Option<LearnerFault> {
    STRAY_PANIC
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take()
        .map(|(thread, message, location)| LearnerFault::ThreadPanicked {
            thread,
            message,
            location,
        })
}

fn payload_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic without a message)".to_string()
    }
}

/// Installs (once per process) a panic hook that stays silent for panics inside learner
/// calls — they are reported properly instead — and defers to the previous hook for
/// everything else.
fn install_hook() {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let location = || {
                info.location()
                    .map(|l| format!("{}:{}:{}", tidy_path(l.file()), l.line(), l.column()))
                    .unwrap_or_else(|| "unknown location".to_string())
            };
            if IN_LEARNER_CALL.with(Cell::get) {
                let message = payload_message(info.payload());
                LAST_PANIC.with(|p| {
                    let mut last = p.borrow_mut();
                    if let Some((first, at)) = last.as_ref() {
                        // A panic before the call's first one was reported: one during
                        // its unwinding (a `Drop` that panics), and Rust is about to
                        // abort the process. Say what happened where the supervisor reads
                        // what was printed last, or the crash report has no message.
                        if !UNWINDING_PANIC_SHOWN.with(|s| s.replace(true)) {
                            eprintln!("panicked at {at}: {first}");
                        }
                        eprintln!(
                            "then, while unwinding, panicked at {}: {message}",
                            location()
                        );
                    }
                    *last = Some((message, location()));
                });
            } else {
                if !GRADER_THREAD.with(Cell::get) {
                    let mut stray = STRAY_PANIC.lock().unwrap_or_else(|e| e.into_inner());
                    if stray.is_none() {
                        let thread = std::thread::current()
                            .name()
                            .unwrap_or("(unnamed)")
                            .to_string();
                        *stray = Some((thread, payload_message(info.payload()), location()));
                    }
                }
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

/// Shared between the grading thread and its watchdog (and, in a supervised child,
/// with the supervisor: see [`SharedRegion`]).
#[derive(Debug, Default)]
#[repr(C)]
pub struct CallState {
    calls: AtomicU64,
    in_call: AtomicBool,
    /// The function being called, as an index into [`FUNCTION_NAMES`].
    function: AtomicUsize,
    /// The scenario being run, as an index into the grade's scenario list, plus one
    /// (0: none yet).
    scenario: AtomicUsize,
    /// What the grader is doing with it: a [`Phase`] as a number.
    phase: AtomicU32,
    /// The simulated time (ms) of the step the scenario is at, as the kata's driver
    /// last said ([`Guard::at_time`]): what a print is placed at in a replay.
    at_ms: AtomicU64,
}

/// What the grader is doing with the scenario it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Phase {
    /// Running it for the grade.
    Grading = 0,
    /// Running it again, to check that the same seed gives the same history.
    DeterminismCheck = 1,
    /// Explaining its failure: re-running, shrinking, drawing the counterexample.
    Explaining = 2,
}

impl Phase {
    fn from_u32(n: u32) -> Phase {
        match n {
            1 => Phase::DeterminismCheck,
            2 => Phase::Explaining,
            _ => Phase::Grading,
        }
    }
}

/// Call states a supervised child can publish; guards beyond these (more than 15
/// grading threads) keep theirs private, and a crash there names no function.
pub const SHARED_SLOTS: usize = 16;
const NAMES_BYTES: usize = 4096;

/// Memory shared between a supervised child and its supervisor (a small file both map
/// with `MAP_SHARED`): each guard's call state, the names of the learner functions,
/// and the grade's progress. Plain atomics, so the child's cost per call is the same
/// stores it makes in-process; everything here survives the child's death.
#[repr(C)]
pub struct SharedRegion {
    slots: [CallState; SHARED_SLOTS],
    next_slot: AtomicUsize,
    /// Scenarios in the grade, and how many are done.
    total: AtomicUsize,
    done: AtomicUsize,
    /// `FUNCTION_NAMES`, newline-separated, `names_len` bytes long.
    names_len: AtomicUsize,
    names: [std::sync::atomic::AtomicU8; NAMES_BYTES],
}

/// The region of this process, when it is a supervised child.
static REGION: OnceLock<&'static SharedRegion> = OnceLock::new();

/// What the supervisor reads from a region after (or while) the child runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegionSnapshot {
    /// Per slot in use: (calls, in a call, function name, scenario index, phase).
    pub slots: Vec<SlotSnapshot>,
    pub total: usize,
    pub done: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotSnapshot {
    pub calls: u64,
    pub in_call: bool,
    pub function: Option<String>,
    pub scenario: Option<usize>,
    pub phase: Phase,
}

impl SharedRegion {
    /// Bytes to map.
    pub const SIZE: usize = std::mem::size_of::<SharedRegion>();

    /// Makes `region` (zeroed shared memory of [`Self::SIZE`] bytes, mapped for the
    /// rest of the process) this process's region: its guards publish their calls
    /// there. Call once, before the first guard.
    ///
    /// # Safety
    /// `ptr` must point to at least `SIZE` bytes of zeroed, writable memory, suitably
    /// aligned, that stays mapped for the life of the process. All-zero bytes are a
    /// valid `SharedRegion` (atomics and arrays of them).
    pub unsafe fn install(ptr: *mut u8) {
        // SAFETY: as the caller promises.
        let region: &'static SharedRegion = unsafe { &*(ptr as *const SharedRegion) };
        let _ = REGION.set(region);
    }

    /// Reads a region written by another process.
    ///
    /// # Safety
    /// As for [`Self::install`]: `ptr` points to a mapped region of `SIZE` bytes.
    pub unsafe fn snapshot(ptr: *const u8) -> RegionSnapshot {
        // SAFETY: as the caller promises.
        let region: &SharedRegion = unsafe { &*(ptr as *const SharedRegion) };
        let len = region.names_len.load(Ordering::Acquire).min(NAMES_BYTES);
        let bytes: Vec<u8> = region.names[..len]
            .iter()
            .map(|b| b.load(Ordering::Relaxed))
            .collect();
        let names: Vec<String> = String::from_utf8_lossy(&bytes)
            .split('\n')
            .map(str::to_string)
            .collect();
        let used = region.next_slot.load(Ordering::Acquire).min(SHARED_SLOTS);
        RegionSnapshot {
            slots: region.slots[..used]
                .iter()
                .map(|s| SlotSnapshot {
                    calls: s.calls.load(Ordering::Relaxed),
                    in_call: s.in_call.load(Ordering::Acquire),
                    function: names.get(s.function.load(Ordering::Relaxed)).cloned(),
                    scenario: s.scenario.load(Ordering::Relaxed).checked_sub(1),
                    phase: Phase::from_u32(s.phase.load(Ordering::Relaxed)),
                })
                .collect(),
            total: region.total.load(Ordering::Relaxed),
            done: region.done.load(Ordering::Relaxed),
        }
    }

    /// A free slot, if any is left.
    fn slot(&'static self) -> Option<&'static CallState> {
        let i = self.next_slot.fetch_add(1, Ordering::AcqRel);
        self.slots.get(i)
    }

    /// Publishes the function names (called with `FUNCTION_NAMES` locked, after a
    /// name was added).
    fn publish_names(&self, names: &[&str]) {
        let joined = names.join("\n");
        let bytes = &joined.as_bytes()[..joined.len().min(NAMES_BYTES)];
        for (slot, b) in self.names.iter().zip(bytes) {
            slot.store(*b, Ordering::Relaxed);
        }
        self.names_len.store(bytes.len(), Ordering::Release);
    }
}

/// A guard's call state: its own, or a slot of the shared region.
#[derive(Clone, Debug)]
enum StateRef {
    Own(Arc<CallState>),
    Shared(&'static CallState),
}

impl std::ops::Deref for StateRef {
    type Target = CallState;
    fn deref(&self) -> &CallState {
        match self {
            StateRef::Own(s) => s,
            StateRef::Shared(s) => s,
        }
    }
}

impl StateRef {
    fn fresh() -> StateRef {
        match REGION.get().and_then(|r| r.slot()) {
            Some(slot) => StateRef::Shared(slot),
            None => StateRef::Own(Arc::new(CallState::default())),
        }
    }
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
                    if let Some(region) = REGION.get() {
                        region.publish_names(&names);
                    }
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
    state: StateRef,
    family: Arc<Mutex<Vec<StateRef>>>,
}

impl Default for Guard {
    fn default() -> Self {
        Guard::new()
    }
}

impl Guard {
    pub fn new() -> Self {
        install_hook();
        let state = StateRef::fresh();
        Guard {
            family: Arc::new(Mutex::new(vec![state.clone()])),
            state,
        }
    }

    /// A guard for another grading thread, watched together with this one.
    pub fn fork(&self) -> Guard {
        let state = StateRef::fresh();
        self.family
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(state.clone());
        Guard {
            state,
            family: Arc::clone(&self.family),
        }
    }

    /// Records which scenario this guard's thread runs now (an index into the grade's
    /// scenario list) and why, so that a supervisor can name it if the process dies.
    /// Two stores.
    pub fn at_scenario(&self, index: usize, phase: Phase) {
        self.state.scenario.store(index + 1, Ordering::Relaxed);
        self.state.phase.store(phase as u32, Ordering::Relaxed);
    }

    /// Records the simulated time of the step the scenario is at, before the driver
    /// calls learner code for it: capture places what those calls print at this time
    /// (see `capture::during`). One store.
    pub fn at_time(&self, at_ms: u64) {
        self.state.at_ms.store(at_ms, Ordering::Relaxed);
    }

    /// Records the size of the grade, for a supervisor's progress line.
    pub fn set_total(&self, scenarios: usize) {
        if let Some(region) = REGION.get() {
            region.total.store(scenarios, Ordering::Relaxed);
            region.done.store(0, Ordering::Relaxed);
        }
    }

    /// Counts one more scenario graded, for a supervisor's progress line.
    pub fn scenario_done(&self) {
        if let Some(region) = REGION.get() {
            region.done.fetch_add(1, Ordering::Relaxed);
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
        if super::capture::marking() {
            super::capture::mark(self.state.at_ms.load(Ordering::Relaxed), function.name);
        }
        result.map_err(|_| {
            UNWINDING_PANIC_SHOWN.with(|s| s.set(false));
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
            mark_grader_thread();
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
