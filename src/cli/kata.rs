//! `kata list` and `kata show`.

use super::supervise::{self, Ended, Job, Limits, Reply, Task};
use super::{EXIT_PASS, find};
use crate::grader::{GradeRequest, LearnerFault, Target, run_watched};
use crate::katas::{KataRunner, Registry};
use crate::report::{GradeReport, Verdict};
use colored::Colorize;
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// The request behind a kata's status: the curated scenarios only.
fn status_request() -> GradeRequest {
    let mut request = GradeRequest::new(Target::Learner, 1);
    request.random = 0;
    request.explain = false;
    request
}

const STATUS_HANG: Duration = Duration::from_secs(2);

/// The learner's status on a kata, computed live rather than read from a progress
/// file: their code is graded against the curated scenarios (no random batch), which
/// takes a fraction of a second and can never disagree with what `grade` would say.
/// It runs in a supervised child, like a grade: a learner's `process::exit` or stack
/// overflow shows as a status, not as the end of the listing.
fn status(registry: &Arc<Registry>, kata: &dyn KataRunner) -> (Verdict, String, String) {
    let name = kata.info().name;
    let request = status_request();
    let job = Job {
        task: Task::Status {
            kata: name.to_string(),
        },
        color: colored::control::SHOULD_COLORIZE.should_colorize(),
        hang_limit_ms: STATUS_HANG.as_millis() as u64,
    };
    let limits = Limits::new(supervise::DEFAULT_MEMORY_MIB, 0, STATUS_HANG);
    match super::grade::supervised(registry, kata, &request, job, &limits) {
        Ended::Replied(reply) => serde_json::from_value(reply.data).unwrap_or((
            Verdict::Fail,
            "cannot grade".red().to_string(),
            String::new(),
        )),
        Ended::Died { fault, .. } => {
            let what = match fault {
                LearnerFault::Crashed {
                    stack_overflow: true,
                    ..
                } => "overflows its stack",
                LearnerFault::Crashed { .. } => "crashes",
                LearnerFault::Exited { .. } => "exits the process",
                LearnerFault::OutOfMemory { .. } => "runs out of memory",
                LearnerFault::Hung { .. } | LearnerFault::TimedOut { .. } => "hangs",
                _ => "fails",
            };
            (
                Verdict::Fail,
                what.red().to_string(),
                "grade it to see where".to_string(),
            )
        }
    }
}

/// The child's side of a status.
pub(super) fn execute_status(registry: &Arc<Registry>, name: &str, hang: Duration) -> Reply {
    let worker = Arc::clone(registry);
    let kata_name = name.to_string();
    let result = run_watched(hang, move |guard| {
        let kata = worker.find(&kata_name).expect("kata is registered");
        kata.grade(&status_request(), &guard)
    });
    let status = status_of(result.map(|r| {
        r.map(|mut report| {
            supervise::stray_panic(&mut report);
            report
        })
    }));
    Reply {
        data: serde_json::to_value(status).expect("statuses serialize"),
        ..Reply::default()
    }
}

fn status_of(
    result: Result<Result<GradeReport, crate::grader::GradeError>, LearnerFault>,
) -> (Verdict, String, String) {
    match result {
        Ok(Ok(report)) => {
            let (status, summary) = match report.verdict {
                Verdict::Pass => ("passed".green().to_string(), pass_summary(&report)),
                Verdict::NotImplemented => ("not started".yellow().to_string(), String::new()),
                Verdict::Fail if report.learner_fault.is_some() => (
                    "panics".red().to_string(),
                    "grade it to see where".to_string(),
                ),
                Verdict::Fail => ("failing".red().to_string(), fail_summary(&report)),
            };
            (report.verdict, status, summary)
        }
        Ok(Err(e)) => (
            Verdict::Fail,
            "cannot grade".red().to_string(),
            e.to_string(),
        ),
        Err(_) => (Verdict::Fail, "hangs".red().to_string(), String::new()),
    }
}

/// "2 read-your-writes violations · primary read share over budget in 1 scenario".
fn fail_summary(report: &GradeReport) -> String {
    let mut violations: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut budgets: BTreeMap<&'static str, usize> = BTreeMap::new();
    for s in &report.scenarios {
        for (g, n) in &s.violations_by_guarantee {
            *violations.entry(g.name()).or_insert(0) += n;
        }
        for b in s.missed_budgets() {
            *budgets.entry(b.metric).or_insert(0) += 1;
        }
    }
    let mut parts: Vec<String> = violations
        .iter()
        .map(|(g, n)| format!("{n} {g} violation{}", if *n == 1 { "" } else { "s" }))
        .collect();
    parts.extend(budgets.iter().map(|(m, n)| {
        format!(
            "{} over budget in {n} scenario{}",
            m.replace('_', " "),
            if *n == 1 { "" } else { "s" }
        )
    }));
    parts.join(" · ")
}

/// "passed · primary reads 3.1%": the cost of the passing design.
fn pass_summary(report: &GradeReport) -> String {
    let shares: Vec<f64> = report
        .scenarios
        .iter()
        .filter_map(|s| s.metric("primary_read_share"))
        .collect();
    if shares.is_empty() {
        return String::new();
    }
    let mean = shares.iter().sum::<f64>() / shares.len() as f64;
    format!("primary reads {:.1}%", mean * 100.0)
}

pub fn list(registry: &Arc<Registry>, state: &std::path::Path) -> ExitCode {
    let (progress, warning) = crate::progress::load(state);
    if let Some(w) = warning {
        eprintln!("warning: {w}");
    }
    println!("{}", "The katas, in order".bold());
    let mut next: Option<&'static str> = None;
    for kata in registry.all() {
        let info = kata.info();
        let (verdict, status, mut summary) = status(registry, kata);
        if let Some(score) = super::quiz::list_note(&progress, info.name) {
            if !summary.is_empty() {
                summary.push_str(" · ");
            }
            summary.push_str(&score);
        }
        if verdict != Verdict::Pass && next.is_none() {
            next = Some(info.name);
        }
        println!(
            "  {:<11} {:<18} {:<4} {}",
            info.name.bold(),
            info.topic,
            "★".repeat(info.difficulty as usize),
            if summary.is_empty() {
                status
            } else {
                format!("{status} · {summary}")
            }
        );
        println!("  {:<11} {}", "", info.summary.dimmed());
    }
    match next {
        Some(name) => println!("\nNext: {name}. Read it with `cargo run -- kata show {name}`."),
        None => println!(
            "\nEvery kata passes. Compare your designs with `cargo run -- compare <kata>`."
        ),
    }
    ExitCode::from(EXIT_PASS)
}

pub fn show(registry: &Registry, name: &str) -> ExitCode {
    let kata: &dyn KataRunner = match find(registry, name) {
        Ok(k) => k,
        Err(code) => return code,
    };
    let info = kata.info();
    println!("{} — {}\n", info.title.bold(), info.topic);
    println!("{}\n", info.story);
    println!("{} {}", "Edit:".bold(), info.file);
    println!("{}", "Implement:".bold());
    for item in info.implement {
        println!("  • {item}");
    }
    println!(
        "\n{}",
        "Naive strategies the grader can show you failing:".bold()
    );
    for s in kata.solutions().iter().filter(|s| !s.flaw.is_empty()) {
        println!("  • {:<20} {}", s.name, s.flaw.dimmed());
    }
    println!(
        "\n{} edit {}, then `cargo run -- grade {name}`. Stuck? `cargo run -- hint {name}`.",
        "Next:".bold(),
        info.file
    );
    ExitCode::from(EXIT_PASS)
}
