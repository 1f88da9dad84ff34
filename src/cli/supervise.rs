//! Supervised execution: every command that runs learner code (grade, replay, compare,
//! kata list; watch re-runs `grade`) runs it in a child process, so that nothing the
//! code does — `process::exit`, `abort`, a stack overflow, a failed allocation, a
//! `println!` in a hot loop, a hang — can end, fool, flood or stall the grader.
//!
//! The child is this same binary with the hidden subcommand [`CHILD_COMMAND`]. It gets
//! its [`Job`] in an environment variable, runs the same in-process grading as the
//! test suites do (`KataRunner::grade`), renders the report itself, and sends the
//! [`Reply`] back as one JSON line on file descriptor 3: a pipe that learner code
//! does not write to by accident (stdout and stderr are not it). The child's stdout
//! and stderr go to a file the supervisor created and never copies to the terminal;
//! the grader reads it back to show what the code printed (see `grader::capture`).
//!
//! When the child ends without a reply, the supervisor builds the learner fault
//! itself, from the exit status, the end of what was printed (Rust's "has overflowed
//! its stack" and "memory allocation of … failed") and a small shared-memory region
//! where the child's guards keep the function being called and the scenario being run
//! (fd 4; see `grader::SharedRegion`).
//!
//! Limits: address space (`--memory-limit`, `RLIMIT_AS`), printed output
//! (`RLIMIT_FSIZE` on the output file), the per-call hang limit (the child's watchdog
//! reports it; the supervisor kills a child whose watchdog cannot), and an overall
//! time budget (`--time-limit`: the child stops starting scenarios and reports what it
//! graded; the supervisor kills it a little later if one scenario runs on).
//!
//! On platforms other than Unix the job runs in-process, as before: panics and hangs
//! are still caught by the guard, crashes are not (documented fallback).

use super::{EXIT_USAGE, Format};
use crate::grader::{GradeRequest, LearnerFault};
use crate::katas::Registry;
use crate::report::Printed;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// The hidden subcommand a supervised child runs.
pub(crate) const CHILD_COMMAND: &str = "__child";

/// The environment variable that carries the child's job.
const JOB_ENV: &str = "REPLICATION_KATAS_JOB";

/// Default address-space limit of a child, in MiB.
pub(crate) const DEFAULT_MEMORY_MIB: u64 = 1024;
/// Default overall time budget of a grade, in seconds.
pub(crate) const DEFAULT_TIME_LIMIT_S: u64 = 60;
/// Most bytes the graded code may print in one child (stdout and stderr together);
/// past it, printing fails (the print panics, and the report says where).
#[cfg(unix)]
const OUTPUT_LIMIT_BYTES: u64 = 64 << 20;

/// What a child does.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum Task {
    Grade {
        kata: String,
        request: GradeRequest,
        format: Format,
        timings: bool,
    },
    Replay {
        kata: String,
        request: GradeRequest,
        scenario: String,
        lines: bool,
        filter: crate::report::filter::ReplayFilter,
        /// The parent's terminal width: the child's output is not a terminal.
        width: usize,
    },
    /// `kata list`'s status of one kata.
    Status { kata: String, seed: u64 },
    /// One row of `compare`.
    CompareRow { kata: String, request: GradeRequest },
    /// The lab's router: a long-lived child that answers router calls, one JSON line
    /// each way (requests on [`REQUEST_FD`](unix), answers on fd 3), until its
    /// request pipe closes. `solution`: `None` for the learner's router.
    LabRouter { solution: Option<String> },
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Job {
    pub task: Task,
    /// Whether to color the output (decided by the parent, which has the terminal).
    pub color: bool,
    pub hang_limit_ms: u64,
}

impl Job {
    /// The same job on one grading thread, if it uses more.
    pub fn single_threaded(&self) -> Option<Job> {
        let request = match &self.task {
            Task::Grade { request, .. } | Task::CompareRow { request, .. } => request,
            Task::Replay { .. } | Task::Status { .. } | Task::LabRouter { .. } => return None,
        };
        if request.jobs == 1 {
            return None;
        }
        let mut task: Task =
            serde_json::from_value(serde_json::to_value(&self.task).expect("tasks serialize"))
                .expect("tasks deserialize");
        match &mut task {
            Task::Grade { request, .. } | Task::CompareRow { request, .. } => request.jobs = 1,
            Task::Replay { .. } | Task::Status { .. } | Task::LabRouter { .. } => {}
        }
        Some(Job {
            task,
            color: self.color,
            hang_limit_ms: self.hang_limit_ms,
        })
    }
}

/// What a child sends back: the rendered output, the exit code, and for the commands
/// that combine several children (kata list, compare) their data.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Reply {
    pub stdout: String,
    pub stderr: String,
    pub exit: u8,
    pub data: serde_json::Value,
}

impl Reply {
    /// Prints the reply and returns its exit code. A failed write (stdout closed, a
    /// full disk) is an error, exit 2, not a panic.
    pub fn emit(&self) -> ExitCode {
        let out = std::io::stdout().write_all(self.stdout.as_bytes());
        let _ = std::io::stderr().write_all(self.stderr.as_bytes());
        match out.and_then(|()| std::io::stdout().flush()) {
            Ok(()) => ExitCode::from(self.exit),
            Err(e) => {
                eprintln!("error: cannot write the report to stdout: {e}");
                ExitCode::from(EXIT_USAGE)
            }
        }
    }
}

/// Limits of one child.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    pub memory_mib: u64,
    /// Overall budget; `None` for none.
    pub time: Option<Duration>,
    pub hang: Duration,
}

impl Limits {
    pub fn new(memory_mib: u64, time_limit_s: u64, hang: Duration) -> Self {
        Limits {
            memory_mib,
            time: (time_limit_s > 0).then(|| Duration::from_secs(time_limit_s)),
            hang,
        }
    }
}

/// How a supervised job ended.
pub(crate) enum Ended {
    Replied(Reply),
    /// The child ended without a reply (or was killed): the fault, and what the code
    /// printed last.
    Died {
        fault: LearnerFault,
        output: Option<Printed>,
    },
}

/// Runs a job the safest way this platform allows. `label` names it in the progress
/// line (e.g. "quickpost"); `name_scenario` turns a scenario index into its name.
pub(crate) fn run(
    registry: &Arc<Registry>,
    job: Job,
    limits: &Limits,
    label: &str,
    name_scenario: &dyn Fn(usize) -> Option<String>,
    replay_of: &dyn Fn(&str) -> String,
) -> Ended {
    #[cfg(unix)]
    {
        unix::run(registry, &job, limits, label, name_scenario, replay_of)
    }
    #[cfg(not(unix))]
    {
        let _ = (limits, label, name_scenario, replay_of);
        Ended::Replied(execute(registry, &job))
    }
}

/// Runs a job in this process (the child's side, or the fallback).
pub(crate) fn execute(registry: &Arc<Registry>, job: &Job) -> Reply {
    let hang = Duration::from_millis(job.hang_limit_ms);
    match &job.task {
        Task::Grade {
            kata,
            request,
            format,
            timings,
        } => super::grade::execute(registry, kata, request, *format, *timings, hang),
        Task::Replay {
            kata,
            request,
            scenario,
            lines,
            filter,
            width,
        } => super::grade::execute_replay(
            registry, kata, request, scenario, *lines, filter, *width, hang,
        ),
        Task::Status { kata, seed } => super::kata::execute_status(registry, kata, *seed, hang),
        Task::CompareRow { kata, request } => {
            super::compare::execute_row(registry, kata, request, hang)
        }
        Task::LabRouter { .. } => Reply {
            stderr: "error: the lab's router runs only as a long-lived child\n".into(),
            exit: EXIT_USAGE,
            ..Reply::default()
        },
    }
}

/// If a thread the learner's code spawned panicked during a grade that otherwise had
/// no fault, the grade fails with it. Only in a supervised child (see
/// `grader::take_stray_panic`).
pub(crate) fn stray_panic(report: &mut crate::report::GradeReport) {
    if !crate::grader::capture::enabled() || report.learner_fault.is_some() {
        return;
    }
    if let Some(fault) = crate::grader::take_stray_panic() {
        report.learner_fault = Some(fault);
        report.verdict = crate::report::Verdict::Fail;
        report.learner_output = crate::grader::capture::tail();
    }
}

/// The child's side: read the job, set up capture and the shared region, run, reply.
pub(crate) fn child_main(registry: Arc<Registry>) -> ExitCode {
    let job: Job = match std::env::var(JOB_ENV)
        .ok()
        .and_then(|j| serde_json::from_str(&j).ok())
    {
        Some(job) => job,
        None => {
            eprintln!(
                "error: `{CHILD_COMMAND}` is the grader's internal child process; run \
                 `cargo run -- grade <kata>` instead."
            );
            return ExitCode::from(EXIT_USAGE);
        }
    };
    #[cfg(unix)]
    unix::child_setup();
    crate::grader::mark_grader_thread();
    colored::control::set_override(job.color);
    #[cfg(unix)]
    if let Task::LabRouter { solution } = &job.task {
        let (requests, answers) = unix::lab_pipes();
        super::lab::child_loop(&registry, solution.as_deref(), requests, answers);
        // The request pipe closed: the lab is gone.
        // SAFETY: _exit ends the process without running anything else.
        unsafe { libc::_exit(0) }
    }
    let reply = execute(&registry, &job);
    let mut line = serde_json::to_string(&reply).expect("replies serialize");
    line.push('\n');
    #[cfg(unix)]
    unix::reply_and_exit(line.as_bytes());
    #[cfg(not(unix))]
    {
        let _ = line;
        ExitCode::from(super::EXIT_FAIL)
    }
}

/// The request's time limit, for a child's cooperative stop.
pub(crate) fn time_limit_ms(limits: &Limits) -> Option<u64> {
    limits.time.map(|t| t.as_millis() as u64)
}

/// The name of a signal, for the report.
#[cfg(unix)]
fn signal_name(signal: i32) -> String {
    match signal {
        libc::SIGABRT => "SIGABRT (abort)".into(),
        libc::SIGSEGV => "SIGSEGV (invalid memory access)".into(),
        libc::SIGBUS => "SIGBUS (bus error)".into(),
        libc::SIGILL => "SIGILL (illegal instruction)".into(),
        libc::SIGFPE => "SIGFPE (arithmetic error)".into(),
        libc::SIGKILL => "SIGKILL (killed)".into(),
        libc::SIGTERM => "SIGTERM (terminated)".into(),
        libc::SIGXFSZ => "SIGXFSZ (output too large)".into(),
        libc::SIGXCPU => "SIGXCPU (CPU time limit)".into(),
        other => format!("signal {other}"),
    }
}

#[cfg(unix)]
pub(crate) use unix::LabChild;

#[cfg(unix)]
mod unix {
    use super::*;
    use crate::grader::{Phase, RegionSnapshot, SharedRegion, capture};
    use std::fs::File;
    use std::io::{IsTerminal, Read, Write};
    use std::os::fd::{AsRawFd, FromRawFd, RawFd};
    use std::os::unix::process::{CommandExt, ExitStatusExt};
    use std::process::{Command, Stdio};
    use std::time::Instant;

    const PROTOCOL_FD: RawFd = 3;
    const REGION_FD: RawFd = 4;
    /// A lab router child's requests (see [`Task::LabRouter`]).
    const REQUEST_FD: RawFd = 5;

    /// A file nobody else can open: created with a unique name, then unlinked.
    fn anonymous_file(what: &str) -> std::io::Result<File> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir();
        for _ in 0..100 {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            let path = dir.join(format!(
                "replication-katas-{what}-{}-{nanos}-{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            ));
            match std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(file) => {
                    let _ = std::fs::remove_file(&path);
                    return Ok(file);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(std::io::Error::other("no unique temporary file name"))
    }

    /// A mapping of the shared region, unmapped on drop.
    struct Mapping {
        ptr: *mut u8,
        len: usize,
    }

    impl Mapping {
        fn new(file: &File) -> std::io::Result<Mapping> {
            let len = SharedRegion::SIZE.next_multiple_of(4096);
            file.set_len(len as u64)?;
            // SAFETY: a fresh shared mapping of a file we own, `len` bytes long.
            let ptr = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    len,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_SHARED,
                    file.as_raw_fd(),
                    0,
                )
            };
            if ptr == libc::MAP_FAILED {
                return Err(std::io::Error::last_os_error());
            }
            Ok(Mapping {
                ptr: ptr as *mut u8,
                len,
            })
        }

        fn snapshot(&self) -> RegionSnapshot {
            // SAFETY: the mapping is SIZE bytes or more, zero-filled by the kernel and
            // written only with atomics by the child.
            unsafe { SharedRegion::snapshot(self.ptr) }
        }
    }

    impl Drop for Mapping {
        fn drop(&mut self) {
            // SAFETY: unmapping what `new` mapped.
            unsafe {
                libc::munmap(self.ptr as *mut libc::c_void, self.len);
            }
        }
    }

    /// Why the supervisor killed the child.
    enum Kill {
        TimedOut,
        Hung(Option<String>),
    }

    /// The progress line on stderr (a terminal only), rewritten in place.
    struct Progress {
        on: bool,
        shown: bool,
        last: Instant,
    }

    impl Progress {
        fn update(&mut self, label: &str, snapshot: &RegionSnapshot, started: Instant) {
            if !self.on || started.elapsed() < Duration::from_secs(1) {
                return;
            }
            if self.last.elapsed() < Duration::from_millis(250) {
                return;
            }
            self.last = Instant::now();
            let doing = match snapshot.slots.first().map(|s| s.phase) {
                Some(Phase::Explaining) => "explaining the first failure".to_string(),
                Some(Phase::DeterminismCheck) => "checking determinism".to_string(),
                _ if snapshot.total > 0 => {
                    format!("{} of {} scenarios", snapshot.done, snapshot.total)
                }
                _ => "starting".to_string(),
            };
            eprint!(
                "\r\x1b[2K{label}: {doing} · {} s",
                started.elapsed().as_secs()
            );
            self.shown = true;
        }

        fn clear(&mut self) {
            if self.shown {
                eprint!("\r\x1b[2K");
                self.shown = false;
            }
        }
    }

    pub(super) fn run(
        registry: &Arc<Registry>,
        job: &Job,
        limits: &Limits,
        label: &str,
        name_scenario: &dyn Fn(usize) -> Option<String>,
        replay_of: &dyn Fn(&str) -> String,
    ) -> Ended {
        match spawn_and_wait(job, limits, label, name_scenario, replay_of) {
            Ok(ended) => ended,
            Err(e) => {
                // The child could not even start (no temp dir, no fork): say so, but
                // grade anyway, in-process, rather than refuse.
                eprintln!(
                    "warning: cannot start the grader's child process ({e}); grading \
                     in-process, without crash isolation"
                );
                Ended::Replied(super::execute(registry, job))
            }
        }
    }

    /// A started child: its process, the pipe it answers on, the request pipe (lab
    /// children only), the file its stdout and stderr go to, and the shared region.
    pub(super) struct Spawned {
        pub child: std::process::Child,
        pub from_child: File,
        pub to_child: Option<File>,
        pub output: File,
        region: Mapping,
    }

    /// Starts `job` in a child: this binary's [`CHILD_COMMAND`] with the protocol
    /// pipe on fd 3, the shared region on fd 4 and, when `requests` is set, a request
    /// pipe on [`REQUEST_FD`]; the memory and output limits; killed if we die.
    pub(super) fn spawn_child(
        job: &Job,
        memory_mib: u64,
        requests: bool,
    ) -> std::io::Result<Spawned> {
        let output = anonymous_file("output")?;
        let region_file = anonymous_file("region")?;
        let region = Mapping::new(&region_file)?;
        let (from_child, to_child) = pipe()?;
        let (request_read, request_write) = if requests {
            let (r, w) = pipe()?;
            (Some(r), Some(w))
        } else {
            (None, None)
        };
        let write_fd = to_child.as_raw_fd();
        let region_fd = region_file.as_raw_fd();
        let request_fd = request_read.as_ref().map_or(-1, |f| f.as_raw_fd());
        let memory = memory_mib.saturating_mul(1 << 20);

        let mut command = Command::new(std::env::current_exe()?);
        command
            .arg(CHILD_COMMAND)
            .env(JOB_ENV, serde_json::to_string(job).expect("jobs serialize"))
            .stdin(Stdio::null())
            .stdout(Stdio::from(output.try_clone()?))
            .stderr(Stdio::from(output.try_clone()?));
        // SAFETY: only async-signal-safe calls between fork and exec: dup2, setrlimit,
        // signal, prctl, on values computed before the fork.
        unsafe {
            command.pre_exec(move || {
                // Out of the way first (any may already sit on 3, 4 or 5), then into
                // place; dup2 clears close-on-exec on the copies.
                let w = libc::fcntl(write_fd, libc::F_DUPFD_CLOEXEC, 10);
                let r = libc::fcntl(region_fd, libc::F_DUPFD_CLOEXEC, 10);
                if w < 0 || r < 0 || libc::dup2(w, PROTOCOL_FD) < 0 || libc::dup2(r, REGION_FD) < 0
                {
                    return Err(std::io::Error::last_os_error());
                }
                if request_fd >= 0 {
                    let q = libc::fcntl(request_fd, libc::F_DUPFD_CLOEXEC, 10);
                    if q < 0 || libc::dup2(q, REQUEST_FD) < 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                let limit = |resource, bytes: u64| {
                    let rl = libc::rlimit {
                        rlim_cur: bytes as libc::rlim_t,
                        rlim_max: bytes as libc::rlim_t,
                    };
                    libc::setrlimit(resource, &rl);
                };
                if memory > 0 {
                    limit(libc::RLIMIT_AS, memory);
                }
                limit(libc::RLIMIT_FSIZE, OUTPUT_LIMIT_BYTES);
                // Past the output limit, a write fails (and the print panics, which the
                // report shows) instead of killing the child with SIGXFSZ.
                libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
                #[cfg(target_os = "linux")]
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let child = command.spawn()?;
        drop(to_child);
        drop(request_read);
        drop(command);
        Ok(Spawned {
            child,
            from_child,
            to_child: request_write,
            output,
            region,
        })
    }

    /// A pipe, both ends close-on-exec: (read, write).
    fn pipe() -> std::io::Result<(File, File)> {
        let mut fds = [0 as RawFd; 2];
        // SAFETY: `fds` has room for the two descriptors pipe writes. (Not pipe2,
        // which macOS lacks; only this thread starts processes, so nothing can inherit
        // them before FD_CLOEXEC is set.)
        unsafe {
            if libc::pipe(fds.as_mut_ptr()) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            libc::fcntl(fds[0], libc::F_SETFD, libc::FD_CLOEXEC);
            libc::fcntl(fds[1], libc::F_SETFD, libc::FD_CLOEXEC);
        }
        // SAFETY: pipe just returned these, and nothing else owns them.
        Ok(unsafe { (File::from_raw_fd(fds[0]), File::from_raw_fd(fds[1])) })
    }

    /// Why a child that ended on its own (not killed by us) ended: a stack overflow
    /// or a failed allocation (from what it printed last), a signal, or an exit.
    pub(super) fn exit_fault(
        status: std::process::ExitStatus,
        printed: &str,
        function: Option<String>,
        scenario: Option<String>,
        replay: Option<String>,
        memory_mib: u64,
    ) -> LearnerFault {
        if printed.contains("has overflowed its stack") {
            return LearnerFault::Crashed {
                function,
                scenario,
                signal: status.signal().map(signal_name),
                stack_overflow: true,
                replay,
            };
        }
        if printed.contains("memory allocation of") {
            return LearnerFault::OutOfMemory {
                function,
                scenario,
                limit_mib: memory_mib,
                replay,
            };
        }
        match (status.signal(), status.code()) {
            (Some(signal), _) => LearnerFault::Crashed {
                function,
                scenario,
                signal: Some(signal_name(signal)),
                stack_overflow: false,
                replay,
            },
            (None, code) => LearnerFault::Exited {
                function,
                scenario,
                code: code.unwrap_or(0),
                replay,
            },
        }
    }

    fn spawn_and_wait(
        job: &Job,
        limits: &Limits,
        label: &str,
        name_scenario: &dyn Fn(usize) -> Option<String>,
        replay_of: &dyn Fn(&str) -> String,
    ) -> std::io::Result<Ended> {
        let Spawned {
            mut child,
            mut from_child,
            output,
            region,
            ..
        } = spawn_child(job, limits.memory_mib, false)?;

        let started = Instant::now();
        let hard_deadline = limits.time.map(|t| {
            started + t + limits.hang.max(Duration::from_secs(2)) + Duration::from_secs(3)
        });
        let mut progress = Progress {
            on: std::io::stderr().is_terminal(),
            shown: false,
            last: Instant::now(),
        };
        let mut reply = Vec::new();
        let mut buf = vec![0u8; 64 * 1024];
        // Per slot: calls last seen, and since when they have not moved.
        let mut seen: Vec<(u64, Instant)> = Vec::new();
        let mut kill: Option<Kill> = None;
        let mut exited = None;
        loop {
            let mut poll = libc::pollfd {
                fd: from_child.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd.
            let ready = unsafe { libc::poll(&mut poll, 1, 100) };
            if ready > 0 {
                match from_child.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        reply.extend_from_slice(&buf[..n]);
                        continue;
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(_) => break,
                }
            }
            // A quiet moment: is the child still alive, in time, and moving?
            if let Some(status) = child.try_wait()? {
                // Its descriptor may live on in a process it started; do not wait for it.
                exited = Some(status);
                break;
            }
            let snapshot = region.snapshot();
            progress.update(label, &snapshot, started);
            if hard_deadline.is_some_and(|d| Instant::now() >= d) {
                kill = Some(Kill::TimedOut);
                break;
            }
            seen.resize(snapshot.slots.len(), (u64::MAX, Instant::now()));
            // The child's own watchdog reports a hang after the hang limit; this is for
            // a child too wedged to do it.
            let grace = limits.hang + Duration::from_secs(2);
            for (slot, (calls, since)) in snapshot.slots.iter().zip(seen.iter_mut()) {
                if slot.calls != *calls || !slot.in_call {
                    *calls = slot.calls;
                    *since = Instant::now();
                } else if since.elapsed() >= grace {
                    kill = Some(Kill::Hung(slot.function.clone()));
                }
            }
            if kill.is_some() {
                break;
            }
        }
        progress.clear();
        if kill.is_some() {
            let _ = child.kill();
        }
        let status = match exited {
            Some(s) => s,
            None => child.wait()?,
        };
        let snapshot = region.snapshot();

        if kill.is_none()
            && status.success()
            && let Some(line) = reply.strip_suffix(b"\n")
            && let Ok(reply) = serde_json::from_slice::<Reply>(line)
        {
            return Ok(Ended::Replied(reply));
        }

        // No reply: why did it end, and where was it?
        let printed = capture::tail_of(&output);
        let text = printed
            .as_ref()
            .map(|p| p.lines.join("\n"))
            .unwrap_or_default();
        let at = snapshot
            .slots
            .iter()
            .find(|s| s.in_call)
            .or(snapshot.slots.first());
        let function = at.and_then(|s| s.in_call.then(|| s.function.clone()).flatten());
        let scenario = at.and_then(|s| s.scenario).and_then(name_scenario);
        let replay = scenario.as_deref().map(replay_of);
        let fault = match kill {
            Some(Kill::TimedOut) => LearnerFault::TimedOut {
                limit_ms: limits.time.map_or(0, |t| t.as_millis() as u64),
                graded: snapshot.done,
                total: snapshot.total,
                scenario,
            },
            Some(Kill::Hung(function)) => LearnerFault::Hung {
                function: function.unwrap_or_else(|| "?".into()),
                limit_ms: limits.hang.as_millis() as u64,
            },
            None => exit_fault(status, &text, function, scenario, replay, limits.memory_mib),
        };
        Ok(Ended::Died {
            fault,
            output: printed,
        })
    }

    /// In the child: map the shared region, turn on output capture, and keep the
    /// protocol's descriptors from leaking into processes the learner's code starts.
    pub(super) fn child_setup() {
        // SAFETY: F_SETFD on descriptors we were given (failures are harmless).
        unsafe {
            libc::fcntl(PROTOCOL_FD, libc::F_SETFD, libc::FD_CLOEXEC);
            libc::fcntl(REGION_FD, libc::F_SETFD, libc::FD_CLOEXEC);
            libc::fcntl(REQUEST_FD, libc::F_SETFD, libc::FD_CLOEXEC);
        }
        // SAFETY: REGION_FD is the region file the supervisor created, SIZE bytes or
        // more; the mapping lives until the process ends.
        unsafe {
            let len = SharedRegion::SIZE.next_multiple_of(4096);
            let ptr = libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                REGION_FD,
                0,
            );
            if ptr != libc::MAP_FAILED {
                SharedRegion::install(ptr as *mut u8);
            }
        }
        // SAFETY: dup of our own stdout, owned by the File from here on.
        let out = unsafe { libc::dup(1) };
        if out >= 0 {
            // SAFETY: `out` is a fresh descriptor nothing else owns.
            capture::enable(unsafe { File::from_raw_fd(out) });
        }
    }

    /// In the child: send the reply and end the process at once, whatever threads the
    /// learner's code left running (a hung call, a thread of its own).
    pub(super) fn reply_and_exit(bytes: &[u8]) -> ! {
        // SAFETY: PROTOCOL_FD is the pipe the supervisor gave us; the File is never
        // dropped (the process ends below).
        let mut pipe = std::mem::ManuallyDrop::new(unsafe { File::from_raw_fd(PROTOCOL_FD) });
        let code = if pipe.write_all(bytes).is_ok() { 0 } else { 3 };
        // SAFETY: _exit ends the process without running anything else.
        unsafe { libc::_exit(code) }
    }

    /// In a lab router child: its request pipe and its answer pipe. Never closed by
    /// us: the process ends with `_exit`.
    pub(super) fn lab_pipes() -> (File, File) {
        // SAFETY: the supervisor put the request pipe on REQUEST_FD and the answer pipe
        // on PROTOCOL_FD; nothing else in this process owns them.
        unsafe {
            (
                File::from_raw_fd(REQUEST_FD),
                File::from_raw_fd(PROTOCOL_FD),
            )
        }
    }

    /// The lab's router, in a long-lived supervised child: one call at a time, one
    /// JSON line each way. A child that dies, or does not answer within the hang
    /// limit, is reported as the fault it was (named with the function being called)
    /// and replaced by a fresh one on the next call.
    pub(crate) struct LabChild {
        job: Job,
        limits: Limits,
        running: Option<Spawned>,
    }

    /// Why a call got no answer.
    pub(crate) struct LabChildFault {
        pub fault: LearnerFault,
        /// The last lines the child printed.
        pub output: Vec<String>,
    }

    impl LabChild {
        pub(crate) fn new(job: Job, limits: Limits) -> Self {
            LabChild {
                job,
                limits,
                running: None,
            }
        }

        /// Starts the child now, rather than on the first call.
        pub(crate) fn start(&mut self) -> std::io::Result<()> {
            if self.running.is_none() {
                self.running = Some(spawn_child(&self.job, self.limits.memory_mib, true)?);
            }
            Ok(())
        }

        /// Sends `line` (one JSON line, newline included) and waits for the answer.
        pub(crate) fn call(
            &mut self,
            line: &[u8],
            function: &str,
        ) -> Result<Result<Vec<u8>, LabChildFault>, std::io::Error> {
            self.start()?;
            let running = self.running.as_mut().expect("started above");
            let sent = running
                .to_child
                .as_mut()
                .expect("lab children have a request pipe")
                .write_all(line);
            let started = Instant::now();
            let mut answer = Vec::new();
            let mut buf = [0u8; 8192];
            let mut hung = false;
            if sent.is_ok() {
                loop {
                    if let Some(end) = answer.iter().position(|b| *b == b'\n') {
                        answer.truncate(end);
                        return Ok(Ok(answer));
                    }
                    if started.elapsed() >= self.limits.hang {
                        hung = true;
                        break;
                    }
                    let mut poll = libc::pollfd {
                        fd: running.from_child.as_raw_fd(),
                        events: libc::POLLIN,
                        revents: 0,
                    };
                    // SAFETY: one valid pollfd.
                    let ready = unsafe { libc::poll(&mut poll, 1, 50) };
                    if ready > 0 {
                        match running.from_child.read(&mut buf) {
                            Ok(0) => break,
                            Ok(n) => answer.extend_from_slice(&buf[..n]),
                            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                            Err(_) => break,
                        }
                    } else if running.child.try_wait()?.is_some() {
                        break;
                    }
                }
            }
            // No answer: the child died, or hangs and is ended here.
            let mut running = self.running.take().expect("running");
            if hung {
                let _ = running.child.kill();
            }
            let status = running.child.wait()?;
            let printed = capture::tail_of(&running.output);
            let output = printed.map(|p| p.lines).unwrap_or_default();
            let fault = if hung {
                LearnerFault::Hung {
                    function: function.to_string(),
                    limit_ms: self.limits.hang.as_millis() as u64,
                }
            } else {
                exit_fault(
                    status,
                    &output.join("\n"),
                    Some(function.to_string()),
                    None,
                    None,
                    self.limits.memory_mib,
                )
            };
            Ok(Err(LabChildFault { fault, output }))
        }
    }

    impl Drop for LabChild {
        fn drop(&mut self) {
            if let Some(mut running) = self.running.take() {
                // Closing the request pipe ends it; kill in case its code is stuck.
                drop(running.to_child.take());
                let _ = running.child.kill();
                let _ = running.child.wait();
            }
        }
    }
}
