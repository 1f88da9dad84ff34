//! `lab`: a live replicated cluster on 127.0.0.1 with the learner's router in front
//! (see `crate::lab` and docs/lab.md).
//!
//! The learner's router runs the way grading runs it: in a long-lived supervised
//! child of this binary (`__child`, task `LabRouter`), which receives router calls on
//! a pipe of its own and answers on fd 3. A panic, a crash, an `exit`, a hang or
//! running out of memory in the router becomes an HTTP 500 naming the fault, and the
//! child is replaced — the lab itself never goes down with it.

use super::supervise::{self, Limits};
use super::{EXIT_FAIL, EXIT_PASS, EXIT_USAGE};
use crate::grader::{Guard, INSTRUCTOR, LearnerFault};
use crate::katas::Registry;
use crate::lab::events::Events;
use crate::lab::host::{HostFault, InProcess, RouterHost, call_in_slot};
use crate::lab::server::{LabConfig, Ports, StartError};

use crate::lab::wire::{RouterAnswer, RouterCall};
use crate::lab::{demo, parse_duration, router_maker, view};
use crate::model::{Millis, fmt_time};
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// Default first port: the workshop's primary listened on 13000.
pub const DEFAULT_PORT: u16 = 13_000;

#[derive(Debug, clap::Args)]
pub(crate) struct LabArgs {
    /// How many replicas to start (default 2, or as many as --delays lists).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=32))]
    replicas: Option<u32>,
    /// The replication delay of every replica: 5s, 500ms, 1.5s.
    #[arg(long, default_value = "5s", value_name = "DURATION", value_parser = parse_duration)]
    delay: Millis,
    /// One delay per replica, replica-1 first: --delays 2s,5s.
    #[arg(long, value_name = "D1,D2,…", value_delimiter = ',', value_parser = parse_duration, conflicts_with = "delay")]
    delays: Option<Vec<Millis>>,
    /// The primary's port; replicas take the next ones and the router port is
    /// PORT+100. 0: free ports, printed at start.
    #[arg(long, default_value_t = DEFAULT_PORT)]
    port: u16,
    /// Run a solution from solutions/ in the router instead of your kata file: the
    /// instructor's (no value) or a naive strategy by name, e.g. always-replica.
    #[arg(long, num_args = 0..=1, default_missing_value = INSTRUCTOR, value_name = "NAME")]
    solution: Option<String>,
    /// Print events as lines instead of the live view (for scripts and logs).
    #[arg(long)]
    no_tui: bool,
    /// Walk through the workshop's micro-challenge on its own, with the curl commands.
    #[arg(long)]
    demo: bool,
    /// How long one router call may take before it counts as a hang.
    #[arg(long, default_value_t = 2_000, value_name = "MS")]
    hang_limit_ms: u64,
    /// Memory (address space) the router's process may use, in MiB (0: no limit).
    #[arg(long, default_value_t = supervise::DEFAULT_MEMORY_MIB, value_name = "MIB")]
    memory_limit: u64,
}

/// What runs in the router, in words.
fn implementation(solution: Option<&str>) -> String {
    match solution {
        None => "your router (katas/quickpost.rs)".into(),
        Some(INSTRUCTOR) => "the instructor's solution".into(),
        Some(name) => format!("the naive strategy `{name}`"),
    }
}

pub(crate) fn lab(registry: Arc<Registry>, args: LabArgs) -> ExitCode {
    let delays = match (&args.delays, args.replicas) {
        (Some(d), Some(n)) if d.len() != n as usize => {
            eprintln!(
                "error: --delays lists {} delays but --replicas is {n}: give one delay per \
                 replica, or leave out --replicas",
                d.len()
            );
            return ExitCode::from(EXIT_USAGE);
        }
        (Some(d), _) if d.is_empty() || d.len() > 32 => {
            eprintln!("error: --delays takes 1 to 32 delays, one per replica: --delays 2s,5s");
            return ExitCode::from(EXIT_USAGE);
        }
        (Some(d), _) => d.clone(),
        (None, n) => vec![args.delay; n.unwrap_or(2) as usize],
    };
    if args.port != 0 && u32::from(args.port) + 100 > u32::from(u16::MAX) {
        eprintln!(
            "error: --port {} leaves no room for the router port (PORT+100): choose a port \
             up to 65435, or 0 for free ports",
            args.port
        );
        return ExitCode::from(EXIT_USAGE);
    }
    let solution = args.solution.as_deref();
    let make = match router_maker(&registry, solution) {
        Ok(make) => make,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let limits = Limits::new(
        args.memory_limit,
        0,
        Duration::from_millis(args.hang_limit_ms.max(1)),
    );
    let owned_solution = solution.map(str::to_string);
    let host: crate::lab::server::HostFactory =
        Box::new(move || router_host(make, owned_solution.as_deref(), limits));
    let tui = !args.no_tui && !args.demo && std::io::stdout().is_terminal();
    let config = LabConfig {
        ports: Ports::from_base(args.port, delays.len()),
        delays_ms: delays,
        implementation: implementation(solution),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the lab's runtime: {e}");
            return ExitCode::from(EXIT_FAIL);
        }
    };
    let code = runtime.block_on(async move {
        let mut signals = StopSignals::listen();
        let events = Events::new(!tui && !args.demo);
        let lab = match crate::lab::server::start(config.clone(), host, events).await {
            Ok(lab) => lab,
            Err(e @ StartError::PortInUse { .. }) | Err(e @ StartError::Bind { .. }) => {
                eprintln!("error: {e}");
                return ExitCode::from(EXIT_USAGE);
            }
        };
        print_banner(&lab, &config);
        let cluster = Arc::clone(&lab.cluster);
        let code = if args.demo {
            tokio::select! {
                code = demo::run(Arc::clone(&cluster)) => code,
                _ = signals.wait() => ExitCode::from(EXIT_PASS),
            }
        } else if tui {
            let (done_tx, done_rx) = tokio::sync::oneshot::channel();
            let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
            let view_stop = Arc::clone(&stop);
            let view_cluster = Arc::clone(&cluster);
            std::thread::spawn(move || {
                let result = view::run(view_cluster, &view_stop);
                let _ = done_tx.send(result);
            });
            let result = tokio::select! {
                r = done_rx => r.unwrap_or(Ok(())),
                _ = signals.wait() => {
                    stop.store(true, std::sync::atomic::Ordering::Relaxed);
                    Ok(())
                }
            };
            // Let the view restore the terminal before anything else prints.
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(150)).await;
            match result {
                Ok(()) => ExitCode::from(EXIT_PASS),
                Err(e) => {
                    eprintln!("error: the live view failed ({e}); run with --no-tui");
                    ExitCode::from(EXIT_FAIL)
                }
            }
        } else {
            signals.wait().await;
            ExitCode::from(EXIT_PASS)
        };
        let (requests, violations) = {
            let live = cluster.live.lock().unwrap_or_else(|e| e.into_inner());
            (
                live.history().writes.len() + live.history().reads.len(),
                live.violations().len(),
            )
        };
        lab.stop().await;
        println!(
            "lab stopped: {requests} router operations, {violations} read-your-writes \
             violation{}",
            if violations == 1 { "" } else { "s" }
        );
        code
    });
    runtime.shutdown_timeout(Duration::from_secs(1));
    code
}

/// Ctrl-C or SIGTERM, listened for from the start (before the banner says the lab
/// is ready, so a script that stops it at once is heard).
struct StopSignals {
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
}

impl StopSignals {
    fn listen() -> StopSignals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            StopSignals {
                term: signal(SignalKind::terminate()).ok(),
                interrupt: signal(SignalKind::interrupt()).ok(),
            }
        }
        #[cfg(not(unix))]
        StopSignals {}
    }

    async fn wait(&mut self) {
        #[cfg(unix)]
        {
            let term = async {
                match &mut self.term {
                    Some(s) => s.recv().await,
                    None => std::future::pending().await,
                }
            };
            let interrupt = async {
                match &mut self.interrupt {
                    Some(s) => s.recv().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = term => {}
                _ = interrupt => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

fn print_banner(lab: &crate::lab::server::Lab, config: &LabConfig) {
    let a = lab.addrs();
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "QuickPost lab: a primary and {} replica{} on 127.0.0.1 (guide: docs/lab.md)",
        a.replicas.len(),
        if a.replicas.len() == 1 { "" } else { "s" }
    );
    let _ = writeln!(
        out,
        "  primary    http://{}   POST /write · GET /data/<key>[?min_lsn=N] · GET /status",
        a.primary
    );
    for (i, (addr, delay)) in a.replicas.iter().zip(&config.delays_ms).enumerate() {
        let _ = writeln!(
            out,
            "  replica-{:<2} http://{addr}   delay {} · GET /data/<key>[?min_lsn=N] · GET /status",
            i + 1,
            fmt_time(*delay)
        );
    }
    let _ = writeln!(
        out,
        "  router     http://{}   {} · POST /post · GET /profile/<user> (X-User, X-Device) · \
         POST /admin/replica/<n>/<fault>",
        a.router, config.implementation
    );
    let _ = writeln!(
        out,
        "Try: curl -X POST http://{}/write -H 'Content-Type: application/json' -d \
         '{{\"key\": \"tweet\", \"value\": \"Hello World\"}}'",
        a.primary
    );
    let _ = writeln!(out, "lab ready · Ctrl-C stops it");
    let _ = out.flush();
}

/// The router's host: a supervised child where the platform has one, else in-process.
fn router_host(
    make: crate::lab::host::MakeRouter,
    solution: Option<&str>,
    limits: Limits,
) -> Box<dyn RouterHost> {
    #[cfg(unix)]
    {
        use super::supervise::{Job, Task};
        let job = Job {
            task: Task::LabRouter {
                solution: solution.map(str::to_string),
            },
            color: false,
            hang_limit_ms: limits.hang.as_millis() as u64,
        };
        let mut child = supervise::LabChild::new(job, limits);
        match child.start() {
            Ok(()) => return Box::new(Supervised { child }),
            Err(e) => eprintln!(
                "warning: cannot start the router's child process ({e}); running the router \
                 in-process, without crash isolation"
            ),
        }
    }
    let _ = (solution, limits);
    Box::new(InProcess::new(make))
}

/// The router in its supervised child.
#[cfg(unix)]
struct Supervised {
    child: supervise::LabChild,
}

#[cfg(unix)]
impl RouterHost for Supervised {
    fn call(&mut self, call: &RouterCall) -> Result<RouterAnswer, Box<HostFault>> {
        let mut line = serde_json::to_vec(call).expect("router calls serialize");
        line.push(b'\n');
        let fault = match self.child.call(&line, call.function()) {
            Ok(Ok(answer)) => match serde_json::from_slice::<RouterAnswer>(&answer) {
                Ok(RouterAnswer::Fault(fault)) => HostFault {
                    fault,
                    state_lost: true,
                    output: Vec::new(),
                },
                Ok(answer) => return Ok(answer),
                Err(_) => HostFault {
                    fault: LearnerFault::Exited {
                        function: Some(call.function().into()),
                        scenario: None,
                        code: 0,
                        replay: None,
                    },
                    state_lost: true,
                    output: vec![String::from_utf8_lossy(&answer).into_owned()],
                },
            },
            Ok(Err(died)) => {
                // Have the next router ready before the next request comes.
                let _ = self.child.start();
                HostFault {
                    fault: died.fault,
                    state_lost: true,
                    output: died.output,
                }
            }
            Err(e) => HostFault {
                fault: LearnerFault::Crashed {
                    function: Some(call.function().into()),
                    scenario: None,
                    signal: Some(format!("the router process could not start: {e}")),
                    stack_overflow: false,
                    replay: None,
                },
                state_lost: true,
                output: Vec::new(),
            },
        };
        Err(Box::new(fault))
    }
}

/// The child's side: answer router calls until the request pipe closes.
#[cfg_attr(not(unix), allow(dead_code))]
pub(crate) fn child_loop(
    registry: &Registry,
    solution: Option<&str>,
    requests: std::fs::File,
    mut answers: std::fs::File,
) {
    let Ok(make) = router_maker(registry, solution) else {
        return;
    };
    let guard = Guard::new();
    let mut slot = None;
    for line in std::io::BufReader::new(requests).lines() {
        let Ok(line) = line else { return };
        let Ok(call) = serde_json::from_str::<RouterCall>(&line) else {
            return;
        };
        let answer = call_in_slot(&mut slot, make, &guard, &call);
        let mut out = serde_json::to_vec(&answer).expect("answers serialize");
        out.push(b'\n');
        if answers.write_all(&out).is_err() {
            return;
        }
    }
}
