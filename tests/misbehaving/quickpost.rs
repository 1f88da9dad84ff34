//! QuickPost implementations that misbehave the way learners' code does — exit the
//! process, overflow the stack, print in a hot loop — for `tests/isolation.rs`.
//!
//! Why here and not as learner files: putting one into `katas/quickpost.rs` means a
//! rebuild of the binary per case (minutes on a busy machine) and a test that edits
//! the learner's file. Instead the binary compiles these in debug builds only
//! (`cfg(debug_assertions)`, which `cargo test` and `cargo run` use) and registers them
//! as solutions named `test-…` only when `REPLICATION_KATAS_MISBEHAVING=1` is set, so
//! learners never see them. They go through exactly the path learner code does: the
//! registry's `make`, the guard, the supervised child.
//!
//! Each wraps the instructor's router (so it is correct apart from the misbehaviour)
//! or a naive one, and misbehaves on the third read it routes.

use crate::quickpost_naive::AlwaysReplica;
use crate::quickpost_solution::Router as Instructor;
use replication_katas::katas::Solution;
use replication_katas::katas::quickpost::prelude::*;
use std::collections::{BTreeMap, HashSet};
use std::sync::Mutex;

type Boxed = Box<dyn ReadYourWritesRouter>;

/// What a [`Misbehaving`] router does on its third read.
#[derive(Clone, Copy)]
enum How {
    StackOverflow,
    Abort,
    Exit(i32),
    AllocateForever,
    Loop,
    Sleep,
    PrintALot,
    ThreadPanic,
    /// A panic while a value whose `Drop` panics is being unwound: Rust aborts.
    PanicInDrop,
    /// A thread, never joined, that panics after the call that started it returned:
    /// the next call waits until it has (see [`POLLER_DOWN`]), so the panic lands
    /// between calls on every run, however fast the machine.
    LateThreadPanic,
}

/// Set once the poller thread of [`How::LateThreadPanic`] has panicked.
static POLLER_DOWN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Sets [`POLLER_DOWN`] while the poller unwinds: the panic hook (which records the
/// stray panic) runs before unwinding drops this, so a call that sees the flag knows
/// the grader has seen the panic.
struct PollerDown;

impl Drop for PollerDown {
    fn drop(&mut self) {
        POLLER_DOWN.store(true, std::sync::atomic::Ordering::Release);
    }
}

/// Panics when dropped, as cleanup code that assumes too much does.
struct Flusher;

impl Drop for Flusher {
    fn drop(&mut self) {
        panic!("flush failed while unwinding");
    }
}

struct Misbehaving {
    inner: Instructor,
    how: How,
    reads: usize,
}

/// Recursion without a base case the optimizer could remove.
#[allow(unconditional_recursion)]
fn deeper(n: u64) -> u64 {
    let frame = std::hint::black_box([n; 32]);
    deeper(n + 1).wrapping_add(frame[7])
}

impl ReadYourWritesRouter for Misbehaving {
    fn on_write_acked(&mut self, ack: &WriteAck, cluster: &ClusterView<'_>) {
        self.inner.on_write_acked(ack, cluster);
    }

    fn route_read(&mut self, read: &ProfileRead, cluster: &ClusterView<'_>) -> ReadPlan {
        self.reads += 1;
        match self.how {
            How::PrintALot => {
                println!("route_read #{} for {:?}", self.reads, read.user);
                if self.reads.is_multiple_of(10) {
                    eprintln!("debug: {} reads so far", self.reads);
                }
            }
            How::Sleep => std::thread::sleep(std::time::Duration::from_millis(50)),
            How::LateThreadPanic if self.reads > 3 => {
                let start = std::time::Instant::now();
                while !POLLER_DOWN.load(std::sync::atomic::Ordering::Acquire)
                    && start.elapsed() < std::time::Duration::from_secs(10)
                {
                    std::thread::yield_now();
                }
            }
            _ if self.reads != 3 => {}
            How::StackOverflow => {
                std::hint::black_box(deeper(0));
            }
            How::Abort => std::process::abort(),
            How::Exit(code) => std::process::exit(code),
            How::AllocateForever => {
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    hoard.push(vec![1u8; 1 << 20]);
                    std::hint::black_box(&hoard);
                }
            }
            #[allow(clippy::empty_loop)]
            How::Loop => loop {},
            How::ThreadPanic => {
                let worker = std::thread::Builder::new()
                    .name("background-refresh".into())
                    .spawn(|| panic!("refresh failed: replica list is empty"))
                    .expect("spawns");
                // Wait for it, as code that "handles" the error by ignoring it would.
                let _ = worker.join();
            }
            How::PanicInDrop => {
                let _flusher = Flusher;
                panic!("route_read gave up");
            }
            How::LateThreadPanic => {
                // Once per process, as a background poller would be started.
                static POLLER: std::sync::Once = std::sync::Once::new();
                POLLER.call_once(|| {
                    std::thread::Builder::new()
                        .name("lag-poller".into())
                        .spawn(|| {
                            let _down = PollerDown;
                            panic!("poller lost its connection");
                        })
                        .expect("spawns");
                });
            }
        }
        self.inner.route_read(read, cluster)
    }
}

/// Every user's token, in a `static`: state that outlives the router that wrote it
/// and leaks into the next scenario.
static SHARED_TOKENS: Mutex<BTreeMap<UserId, Lsn>> = Mutex::new(BTreeMap::new());

struct StaticState;

impl ReadYourWritesRouter for StaticState {
    fn on_write_acked(&mut self, ack: &WriteAck, _cluster: &ClusterView<'_>) {
        let mut tokens = SHARED_TOKENS.lock().unwrap();
        let token = tokens.entry(ack.user).or_insert(ack.lsn);
        *token = (*token).max(ack.lsn);
    }

    fn route_read(&mut self, read: &ProfileRead, cluster: &ClusterView<'_>) -> ReadPlan {
        let token = SHARED_TOKENS.lock().unwrap().get(&read.user).copied();
        let up: Vec<&ReplicaView> = cluster.replicas().iter().filter(|r| r.is_up()).collect();
        match token {
            Some(token) if read.is_own_profile() => up
                .iter()
                .fold(ReadPlan::new(), |plan, r| {
                    plan.replica_at_least(r.id, token)
                })
                .primary(),
            _ => up
                .first()
                .map_or(ReadPlan::new(), |r| ReadPlan::new().replica(r.id))
                .primary(),
        }
    }
}

/// The instructor's router, except that reads nobody's guarantee constrains go to
/// the first replica of a `HashSet`: correct, but a different replica on every run.
struct HashSetOrder {
    inner: Instructor,
}

impl ReadYourWritesRouter for HashSetOrder {
    fn on_write_acked(&mut self, ack: &WriteAck, cluster: &ClusterView<'_>) {
        self.inner.on_write_acked(ack, cluster);
    }

    fn route_read(&mut self, read: &ProfileRead, cluster: &ClusterView<'_>) -> ReadPlan {
        if read.is_own_profile() {
            return self.inner.route_read(read, cluster);
        }
        let up: HashSet<ReplicaId> = cluster
            .replicas()
            .iter()
            .filter(|r| r.is_up())
            .map(|r| r.id)
            .collect();
        match up.iter().next() {
            Some(id) => ReadPlan::new().replica(*id).primary(),
            None => ReadPlan::new().primary(),
        }
    }
}

/// The instructor's router, except that reads nobody's guarantee constrains go to
/// the replica the clock picks: correct, and different from run to run.
struct ClockOrder {
    inner: Instructor,
}

impl ReadYourWritesRouter for ClockOrder {
    fn on_write_acked(&mut self, ack: &WriteAck, cluster: &ClusterView<'_>) {
        self.inner.on_write_acked(ack, cluster);
    }

    fn route_read(&mut self, read: &ProfileRead, cluster: &ClusterView<'_>) -> ReadPlan {
        if read.is_own_profile() {
            return self.inner.route_read(read, cluster);
        }
        let up: Vec<ReplicaId> = cluster
            .replicas()
            .iter()
            .filter(|r| r.is_up())
            .map(|r| r.id)
            .collect();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos() as usize);
        match up.get(nanos / 1000 % up.len().max(1)) {
            Some(id) => ReadPlan::new().replica(*id).primary(),
            None => ReadPlan::new().primary(),
        }
    }
}

/// `always-replica`, printing on every read: fails, and prints a lot while failing.
struct PrintingNaive {
    inner: AlwaysReplica,
    reads: usize,
}

impl ReadYourWritesRouter for PrintingNaive {
    fn on_write_acked(&mut self, ack: &WriteAck, cluster: &ClusterView<'_>) {
        println!("ack {:?} lsn {:?}", ack.user, ack.lsn);
        self.inner.on_write_acked(ack, cluster);
    }

    fn route_read(&mut self, read: &ProfileRead, cluster: &ClusterView<'_>) -> ReadPlan {
        self.reads += 1;
        println!("read #{} by {:?}", self.reads, read.user);
        eprintln!("stderr: read #{}", self.reads);
        self.inner.route_read(read, cluster)
    }
}

fn misbehaving(how: How) -> Boxed {
    Box::new(Misbehaving {
        inner: Instructor::new(),
        how,
        reads: 0,
    })
}

macro_rules! solution {
    ($name:expr, $make:expr) => {
        Solution {
            name: $name,
            flaw: "a test of the grader's isolation (tests/misbehaving/)",
            make: $make,
            source: "",
        }
    };
}

/// The misbehaving implementations, as solutions named `test-…`.
pub fn solutions() -> Vec<Solution<dyn ReadYourWritesRouter>> {
    vec![
        solution!("test-stack-overflow", || misbehaving(How::StackOverflow)),
        solution!("test-abort", || misbehaving(How::Abort)),
        solution!("test-exit-0", || misbehaving(How::Exit(0))),
        solution!("test-exit-3", || misbehaving(How::Exit(3))),
        solution!("test-oom", || misbehaving(How::AllocateForever)),
        solution!("test-loop", || misbehaving(How::Loop)),
        solution!("test-sleep", || misbehaving(How::Sleep)),
        solution!("test-print-pass", || misbehaving(How::PrintALot)),
        solution!("test-thread-panic", || misbehaving(How::ThreadPanic)),
        solution!("test-panic-in-drop", || misbehaving(How::PanicInDrop)),
        solution!("test-late-thread-panic", || misbehaving(
            How::LateThreadPanic
        )),
        solution!("test-clock", || Box::new(ClockOrder {
            inner: Instructor::new()
        })),
        solution!("test-static-state", || Box::new(StaticState)),
        solution!("test-hashset", || Box::new(HashSetOrder {
            inner: Instructor::new()
        })),
        solution!("test-print-fail", || Box::new(PrintingNaive {
            inner: AlwaysReplica::new(),
            reads: 0
        })),
    ]
}
