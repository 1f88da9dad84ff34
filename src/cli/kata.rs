//! `kata list` and `kata show`.

use super::{EXIT_PASS, find};
use crate::grader::{GradeRequest, Target, run_watched};
use crate::katas::{KataRunner, Registry};
use crate::report::Verdict;
use colored::Colorize;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// The learner's status on a kata, computed live: their code is graded against the
/// curated scenarios (no random batch), which takes a fraction of a second and can
/// never disagree with a stale progress file.
fn status(registry: &Arc<Registry>, name: &'static str) -> (Verdict, String) {
    let registry = Arc::clone(registry);
    let result = run_watched(Duration::from_secs(2), move |guard| {
        let kata = registry.find(name).expect("kata is registered");
        let mut request = GradeRequest::new(Target::Learner, 1);
        request.random = 0;
        kata.grade(&request, &guard)
    });
    match result {
        Ok(Ok(report)) => {
            let failed = report.failed().count();
            let text = match report.verdict {
                Verdict::Pass => "passed".green().to_string(),
                Verdict::NotImplemented => "not started".yellow().to_string(),
                Verdict::Fail if report.learner_fault.is_some() => "panics".red().to_string(),
                Verdict::Fail => format!("failing {failed} of {}", report.scenarios.len())
                    .red()
                    .to_string(),
            };
            (report.verdict, text)
        }
        Ok(Err(e)) => (Verdict::Fail, format!("cannot grade: {e}")),
        Err(_) => (Verdict::Fail, "hangs".red().to_string()),
    }
}

pub fn list(registry: &Arc<Registry>) -> ExitCode {
    println!("{}", "The katas, in order".bold());
    let mut next: Option<&'static str> = None;
    for kata in registry.all() {
        let info = kata.info();
        let (verdict, status) = status(registry, info.name);
        if verdict != Verdict::Pass && next.is_none() {
            next = Some(info.name);
        }
        println!(
            "  {:<11} {:<18} {:<4} {:<22} {}",
            info.name.bold(),
            info.topic,
            "★".repeat(info.difficulty as usize),
            status,
            info.summary.dimmed()
        );
    }
    match next {
        Some(name) => println!("\nNext: `cargo run -- kata show {name}`."),
        None => println!("\nEvery kata passes. Well done."),
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
