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

/// What `grade <kata>` grades, without the counterexample (`kata list` only needs the
/// verdict and the figures): the curated scenarios, the default random batch and the
/// kata's exhaustive scope.
/// `kata list` grades exactly this, so the two cannot disagree on the same seed — and
/// a verdict that changed with the seed would be a grader defect.
pub fn list_request(seed: u64) -> GradeRequest {
    let mut request = GradeRequest::new(Target::Learner, seed);
    request.explain = false;
    request
}

/// The learner's status on one kata, as `kata list` shows it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Status {
    pub verdict: Verdict,
    /// "passed", "failing", "not started", "panics", "hangs", "crashes", "cannot grade".
    pub label: String,
    /// "3 read-your-writes violations" or "primary reads 1.1%"; may be empty.
    pub summary: String,
}

pub const STATUS_HANG: Duration = Duration::from_secs(2);

/// The learner's status on a kata, computed live rather than read from a progress
/// file: their code is graded as `grade` would grade it ([`list_request`]). It runs in
/// a supervised child, like a grade: a learner's `process::exit` or stack overflow
/// shows as a status, not as the end of the listing.
pub fn status(registry: &Arc<Registry>, name: &'static str, seed: u64) -> Status {
    let Some(kata) = registry.find(name) else {
        return Status {
            verdict: Verdict::Fail,
            label: "cannot grade".to_string(),
            summary: format!("no kata named {name}"),
        };
    };
    let request = list_request(seed);
    let job = Job {
        task: Task::Status {
            kata: name.to_string(),
            seed,
        },
        color: colored::control::SHOULD_COLORIZE.should_colorize(),
        hang_limit_ms: STATUS_HANG.as_millis() as u64,
    };
    let limits = Limits::new(supervise::DEFAULT_MEMORY_MIB, 0, STATUS_HANG);
    match super::grade::supervised(registry, kata, &request, job, &limits) {
        Ended::Replied(reply) => serde_json::from_value(reply.data).unwrap_or(Status {
            verdict: Verdict::Fail,
            label: "cannot grade".to_string(),
            summary: String::new(),
        }),
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
            Status {
                verdict: Verdict::Fail,
                label: what.to_string(),
                summary: "grade it to see where".to_string(),
            }
        }
    }
}

/// The child's side of a status.
pub(super) fn execute_status(
    registry: &Arc<Registry>,
    name: &str,
    seed: u64,
    hang: Duration,
) -> Reply {
    let status = status_here(registry, name, seed, hang);
    Reply {
        data: serde_json::to_value(status).expect("statuses serialize"),
        ..Reply::default()
    }
}

/// A status graded in this process, as the supervised child does it (and as a test
/// with a registry of its own can).
pub fn status_here(registry: &Arc<Registry>, name: &str, seed: u64, hang: Duration) -> Status {
    let worker = Arc::clone(registry);
    let kata_name = name.to_string();
    let result = run_watched(hang, move |guard| {
        let kata = worker.find(&kata_name).expect("kata is registered");
        kata.grade(&list_request(seed), &guard)
    });
    status_of(result.map(|r| {
        r.map(|mut report| {
            supervise::stray_panic(&mut report);
            report
        })
    }))
}

fn status_of(
    result: Result<Result<GradeReport, crate::grader::GradeError>, LearnerFault>,
) -> Status {
    let (verdict, label, summary) = match result {
        Ok(Ok(report)) => {
            let (label, summary) = match report.verdict {
                Verdict::Pass => ("passed", pass_summary(&report)),
                Verdict::NotImplemented => ("not started", String::new()),
                Verdict::Fail if report.learner_fault.is_some() => {
                    ("panics", "grade it to see where".to_string())
                }
                Verdict::Fail => ("failing", fail_summary(&report)),
            };
            (report.verdict, label, summary)
        }
        Ok(Err(e)) => (Verdict::Fail, "cannot grade", e.to_string()),
        Err(_) => (Verdict::Fail, "hangs", String::new()),
    };
    Status {
        verdict,
        label: label.to_string(),
        summary,
    }
}

/// 2000 → "2,000".
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn colored_label(status: &Status) -> String {
    match status.verdict {
        Verdict::Pass => status.label.as_str().green().to_string(),
        Verdict::NotImplemented => status.label.as_str().yellow().to_string(),
        Verdict::Fail => status.label.as_str().red().to_string(),
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

pub fn list(registry: &Arc<Registry>, state: &std::path::Path, seed: u64) -> ExitCode {
    let (progress, warning) = crate::progress::load(state);
    if let Some(w) = warning {
        eprintln!("warning: {w}");
    }
    println!("{}", "The katas, in order".bold());
    // The topic column is as wide as the longest topic, so a kata added with a long
    // one does not push its own row out of line.
    let topic_width = registry
        .all()
        .map(|k| k.info().topic.chars().count())
        .max()
        .unwrap_or(0);
    let mut next: Option<&'static str> = None;
    let mut failing = false;
    for kata in registry.all() {
        let info = kata.info();
        let status = status(registry, info.name, seed);
        let mut summary = status.summary.clone();
        if let Some(score) = super::quiz::list_note(&progress, info.name) {
            if !summary.is_empty() {
                summary.push_str(" · ");
            }
            summary.push_str(&score);
        }
        if status.verdict != Verdict::Pass && next.is_none() {
            next = Some(info.name);
        }
        failing |= status.verdict == Verdict::Fail;
        let status = colored_label(&status);
        println!(
            "  {:<11} {:<topic_width$} {:<4} {}",
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
    let ran = format!(
        "Each status is a full grade, as `grade` runs it: the curated scenarios, {} random \
         ones and the exhaustive scope, seed {seed}.",
        thousands(crate::grader::DEFAULT_RANDOM_SCENARIOS)
    );
    println!("\n{}", crate::term::wrap(&ran, 96, 0).dimmed());
    if failing {
        println!(
            "{}",
            format!("See a failure with `cargo run -- grade <kata> --seed {seed}`.").dimmed()
        );
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
