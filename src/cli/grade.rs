//! `grade` and `replay`.

use super::{EXIT_FAIL, EXIT_PASS, EXIT_USAGE, Format, GradeArgs, ReplayArgs, find, input_error};
use crate::grader::{GradeRequest, LearnerFault, Target, run_watched, splitmix64};
use crate::katas::{KataRunner, Registry};
use crate::report::filter::{ReplayFilter, parse_time};
use crate::report::{GradeReport, ReplayReport, Stats, Verdict, human, json};
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

fn exit_for(verdict: Verdict) -> ExitCode {
    ExitCode::from(match verdict {
        Verdict::Pass => EXIT_PASS,
        Verdict::Fail | Verdict::NotImplemented => EXIT_FAIL,
    })
}

/// The report of a grade cut short by a hang.
fn hung(kata: &dyn KataRunner, request: &GradeRequest, fault: LearnerFault) -> GradeReport {
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
        counterexample: None,
        stats: Stats::default(),
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

    let started = Instant::now();
    let worker = Arc::clone(&registry);
    let work = request.clone();
    let result = run_watched(Duration::from_millis(args.hang_limit_ms), move |guard| {
        worker
            .find(name)
            .expect("kata is registered")
            .grade(&work, &guard)
    });
    let elapsed = started.elapsed();
    let mut report = match result {
        Ok(Ok(report)) => report,
        Ok(Err(e)) => {
            return input_error(&e);
        }
        Err(fault) => hung(kata, &request, fault),
    };
    if args.timings {
        report.stats.elapsed_ms = Some(elapsed.as_millis() as u64);
    }
    match args.format {
        Format::Json => print!("{}", json::grade(&report)),
        Format::Human => {
            print!("{}", human::grade(&report));
            if args.timings && report.learner_fault.is_none() {
                eprintln!(
                    "graded {} scenarios ({} simulated events) in {:.2} s",
                    report.stats.scenarios,
                    report.stats.events,
                    elapsed.as_secs_f64()
                );
            }
        }
    }
    exit_for(report.verdict)
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
    let worker = Arc::clone(&registry);
    let work = request.clone();
    let scenario = args.scenario.clone();
    let result = run_watched(Duration::from_millis(args.hang_limit_ms), move |guard| {
        worker
            .find(name)
            .expect("kata is registered")
            .replay(&work, &scenario, &guard)
    });
    let report: ReplayReport = match result {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => {
            return input_error(&e);
        }
        Err(fault) => {
            let report = hung(kata, &request, fault);
            print!("{}", human::grade(&report));
            return ExitCode::from(EXIT_FAIL);
        }
    };
    let users = crate::report::filter::users(&report.trace);
    if let Some(user) = &filter.user
        && report.learner_fault.is_none()
        && !users.contains(user)
    {
        if users.is_empty() {
            eprintln!(
                "error: --user {user}: {} has no client operations to filter; replay it \
                 without --user.",
                report.result.name
            );
        } else {
            eprintln!(
                "error: --user {user}: nobody of that name acts in {}; its users are: {}.",
                report.result.name,
                users.join(", ")
            );
        }
        return ExitCode::from(EXIT_USAGE);
    }
    let width = crate::report::timeline::terminal_width(0);
    print!("{}", human::replay(&report, args.lines, &filter, width));
    exit_for(report.result.verdict)
}
