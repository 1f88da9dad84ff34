//! `grade` and `replay`.

use super::supervise::{self, Ended, Job, Limits, Reply, Task};
use super::{
    EXIT_FAIL, EXIT_PASS, EXIT_USAGE, Format, GradeArgs, ReplayArgs, find, input_error_text,
};
use crate::grader::{GradeRequest, LearnerFault, Target, replay_command, run_watched, splitmix64};
use crate::katas::{KataRunner, Registry};
use crate::report::filter::{ReplayFilter, parse_time};
use crate::report::{GradeReport, Printed, Stats, Verdict, human, json};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A fresh seed for a grade without `--seed`. The wall clock is read here, at the
/// edge, and never inside the simulation; the seed is printed with the report.
pub(super) fn fresh_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    splitmix64(nanos ^ u64::from(std::process::id())) % 1_000_000
}

fn check_dir(dir: Option<&Path>) -> Result<(), ExitCode> {
    match dir {
        Some(d) if !d.is_dir() => {
            eprintln!(
                "error: --scenarios {}: no such directory. Give a directory of scenario \
                 files (*.yaml); see docs/scenarios.md.",
                d.display()
            );
            Err(ExitCode::from(EXIT_USAGE))
        }
        _ => Ok(()),
    }
}

fn exit_for(verdict: Verdict) -> u8 {
    match verdict {
        Verdict::Pass => EXIT_PASS,
        Verdict::Fail | Verdict::NotImplemented => EXIT_FAIL,
    }
}

/// The report of a grade cut short before it could report itself: a hang, or a
/// supervised child that died.
pub(super) fn fault_report(
    kata: &dyn KataRunner,
    request: &GradeRequest,
    fault: LearnerFault,
    output: Option<Printed>,
) -> GradeReport {
    let info = kata.info();
    GradeReport {
        kata: info.name,
        topic: info.topic,
        implementation: match &request.target {
            Target::Learner => "learner".to_string(),
            Target::Solution(s) => s.clone(),
        },
        file: matches!(request.target, Target::Learner).then_some(info.file),
        verdict: Verdict::Fail,
        seed: request.seed,
        scenarios: Vec::new(),
        learner_fault: Some(fault),
        learner_output: output,
        counterexample: None,
        stats: Stats::default(),
    }
}

/// Whether the child was killed from outside (Ctrl-C, `kill`): not worth a second run.
fn killed(fault: &LearnerFault) -> bool {
    matches!(fault, LearnerFault::Crashed { signal: Some(s), .. }
        if s.starts_with("SIGKILL") || s.starts_with("SIGTERM") || s.starts_with("SIGINT"))
}

/// Runs `job` supervised, naming scenarios of `request` in crash reports.
pub(super) fn supervised(
    registry: &Arc<Registry>,
    kata: &dyn KataRunner,
    request: &GradeRequest,
    job: Job,
    limits: &Limits,
) -> Ended {
    let name = kata.info().name;
    let run = |job: Job| {
        supervise::run(
            registry,
            job,
            limits,
            name,
            &|i| kata.scenario_name(request, i),
            &|scenario| replay_command(name, request, scenario),
        )
    };
    let retry = job.single_threaded();
    match run(job) {
        // With several grading threads, which one crashes first is a race: grade again
        // on one thread, so that the report names the first scenario that crashes, the
        // same on every run.
        Ended::Died { fault, .. } if fault.is_crash() && !killed(&fault) && retry.is_some() => {
            run(retry.expect("checked"))
        }
        ended => ended,
    }
}

pub fn grade(registry: Arc<Registry>, args: GradeArgs) -> ExitCode {
    let kata = match find(&registry, &args.kata) {
        Ok(k) => k,
        Err(code) => return code,
    };
    if let Err(code) = check_dir(args.implementation.scenarios.as_deref()) {
        return code;
    }
    let name = kata.info().name;
    let mut request = GradeRequest::new(
        args.implementation.target(),
        args.seed.unwrap_or_else(fresh_seed),
    );
    request.random = args.random;
    request.scenario_dir = args.implementation.scenarios.clone();
    request.exhaustive = args.exhaustive;
    request.jobs = args.jobs;
    if args.format == Format::Human {
        // The report is indented by two columns.
        request.timeline_width = crate::report::timeline::terminal_width(4);
    }
    let limits = Limits::new(
        args.limits.memory_limit,
        args.limits.time_limit,
        Duration::from_millis(args.hang_limit_ms),
    );
    request.time_limit_ms = supervise::time_limit_ms(&limits);
    let job = Job {
        task: Task::Grade {
            kata: name.to_string(),
            request: request.clone(),
            format: args.format,
            timings: args.timings,
        },
        color: colored::control::SHOULD_COLORIZE.should_colorize(),
        hang_limit_ms: args.hang_limit_ms,
    };
    match supervised(&registry, kata, &request, job, &limits) {
        Ended::Replied(reply) => reply.emit(),
        Ended::Died { fault, output } => {
            let report = fault_report(kata, &request, fault, output);
            let text = match args.format {
                Format::Json => json::grade(&report),
                Format::Human => human::grade(&report),
            };
            Reply {
                stdout: text,
                exit: EXIT_FAIL,
                ..Reply::default()
            }
            .emit()
        }
    }
}

/// The child's side of `grade`: grade in-process, render, reply.
pub(super) fn execute(
    registry: &Arc<Registry>,
    name: &str,
    request: &GradeRequest,
    format: Format,
    timings: bool,
    hang: Duration,
) -> Reply {
    let started = Instant::now();
    let worker = Arc::clone(registry);
    let work = request.clone();
    let kata_name = name.to_string();
    let result = run_watched(hang, move |guard| {
        worker
            .find(&kata_name)
            .expect("kata is registered")
            .grade(&work, &guard)
    });
    let elapsed = started.elapsed();
    let kata = registry.find(name).expect("kata is registered");
    let mut report = match result {
        Ok(Ok(report)) => report,
        Ok(Err(e)) => {
            return Reply {
                stderr: input_error_text(&e),
                exit: EXIT_USAGE,
                ..Reply::default()
            };
        }
        Err(fault) => fault_report(kata, request, fault, crate::grader::capture::tail()),
    };
    supervise::stray_panic(&mut report);
    if timings {
        report.stats.elapsed_ms = Some(elapsed.as_millis() as u64);
    }
    let mut reply = Reply {
        exit: exit_for(report.verdict),
        ..Reply::default()
    };
    match format {
        Format::Json => reply.stdout = json::grade(&report),
        Format::Human => {
            reply.stdout = human::grade(&report);
            if timings && report.learner_fault.is_none() {
                reply.stderr = format!(
                    "graded {} scenarios ({} simulated events) in {:.2} s\n",
                    report.stats.scenarios,
                    report.stats.events,
                    elapsed.as_secs_f64()
                );
            }
        }
    }
    reply
}

/// The replay's filters from the command line, or the usage error to print.
fn replay_filter(args: &ReplayArgs) -> Result<ReplayFilter, String> {
    let around = match &args.around {
        Some(t) => {
            let at = parse_time(t).map_err(|e| format!("--around: {e}"))?;
            let window = parse_time(&args.window).map_err(|e| format!("--window: {e}"))?;
            Some((at, window))
        }
        None => None,
    };
    Ok(ReplayFilter {
        all: args.all,
        user: args.user.clone(),
        around,
        violations: args.violations,
    })
}

pub fn replay(registry: Arc<Registry>, args: ReplayArgs) -> ExitCode {
    let kata = match find(&registry, &args.kata) {
        Ok(k) => k,
        Err(code) => return code,
    };
    let filter = match replay_filter(&args) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    if let Err(code) = check_dir(args.implementation.scenarios.as_deref()) {
        return code;
    }
    let name = kata.info().name;
    let mut request = GradeRequest::new(args.implementation.target(), args.seed);
    request.scenario_dir = args.implementation.scenarios.clone();
    let limits = Limits::new(
        args.limits.memory_limit,
        args.limits.time_limit,
        Duration::from_millis(args.hang_limit_ms),
    );
    let job = Job {
        task: Task::Replay {
            kata: name.to_string(),
            request: request.clone(),
            scenario: args.scenario.clone(),
            lines: args.lines,
            filter,
            width: crate::report::timeline::terminal_width(0),
        },
        color: colored::control::SHOULD_COLORIZE.should_colorize(),
        hang_limit_ms: args.hang_limit_ms,
    };
    let scenario = args.scenario.clone();
    let ended = supervise::run(
        &registry,
        job,
        &limits,
        name,
        &|_| Some(scenario.clone()),
        &|s| replay_command(name, &request, s),
    );
    match ended {
        Ended::Replied(reply) => reply.emit(),
        Ended::Died { fault, output } => {
            let report = fault_report(kata, &request, fault, output);
            Reply {
                stdout: human::grade(&report),
                exit: EXIT_FAIL,
                ..Reply::default()
            }
            .emit()
        }
    }
}

/// The child's side of `replay`.
#[allow(clippy::too_many_arguments)]
pub(super) fn execute_replay(
    registry: &Arc<Registry>,
    name: &str,
    request: &GradeRequest,
    scenario: &str,
    lines: bool,
    filter: &ReplayFilter,
    width: usize,
    hang: Duration,
) -> Reply {
    let worker = Arc::clone(registry);
    let work = request.clone();
    let kata_name = name.to_string();
    let scenario_name = scenario.to_string();
    let result = run_watched(hang, move |guard| {
        worker
            .find(&kata_name)
            .expect("kata is registered")
            .replay(&work, &scenario_name, &guard)
    });
    let kata = registry.find(name).expect("kata is registered");
    match result {
        Ok(Ok(report)) => {
            let users = crate::report::filter::users(&report.trace);
            if let Some(user) = &filter.user
                && report.learner_fault.is_none()
                && !users.contains(user)
            {
                let stderr = if users.is_empty() {
                    format!(
                        "error: --user {user}: {} has no client operations to filter; replay \
                         it without --user.\n",
                        report.result.name
                    )
                } else {
                    format!(
                        "error: --user {user}: nobody of that name acts in {}; its users are: \
                         {}.\n",
                        report.result.name,
                        users.join(", ")
                    )
                };
                return Reply {
                    stderr,
                    exit: EXIT_USAGE,
                    ..Reply::default()
                };
            }
            Reply {
                stdout: human::replay(&report, lines, filter, width),
                exit: exit_for(report.result.verdict),
                ..Reply::default()
            }
        }
        Ok(Err(e)) => Reply {
            stderr: input_error_text(&e),
            exit: EXIT_USAGE,
            ..Reply::default()
        },
        Err(fault) => {
            let report = fault_report(kata, request, fault, crate::grader::capture::tail());
            Reply {
                stdout: human::grade(&report),
                exit: EXIT_FAIL,
                ..Reply::default()
            }
        }
    }
}
