//! `compare <kata>`: the learner's implementation, the instructor's solution and every
//! naive strategy, graded on the same seeds, side by side. The point is the trade-off,
//! in numbers: stronger guarantees cost primary load, round trips, balance.

use super::supervise::{self, Ended, Job, Limits, Reply, Task};
use super::{EXIT_PASS, EXIT_USAGE, Format, find, input_error_text};
use crate::grader::{GradeRequest, INSTRUCTOR, LearnerFault, Target, run_watched};
use crate::katas::Registry;
use crate::report::{GradeReport, Source, Unit, Verdict, fmt_value};
use colored::Colorize;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

const SOURCE_HIDDEN: &str = "The instructor's source is shown here once your implementation \
passes\n(`cargo run -- grade {kata}`), or now with `--reveal`.";

/// One implementation's figures over all the scenarios it was graded on.
#[derive(Debug, Serialize, Deserialize)]
struct Row {
    implementation: String,
    verdict: Verdict,
    scenarios: usize,
    failed: usize,
    /// Violations per guarantee, summed over scenarios.
    violations: BTreeMap<String, usize>,
    /// Budgets missed, per metric, counted in scenarios.
    budgets_missed: BTreeMap<String, usize>,
    /// Metrics over scenarios: counts summed, shares and averages averaged, ratios at
    /// their worst.
    metrics: BTreeMap<String, f64>,
    /// Why the grade stopped early, if it did.
    fault: Option<String>,
}

#[derive(Debug, Serialize)]
struct Comparison {
    kata: &'static str,
    seed: u64,
    random: usize,
    implementations: Vec<Row>,
}

fn row(report: &GradeReport, units: &mut BTreeMap<String, Unit>) -> Row {
    let mut violations = BTreeMap::new();
    let mut budgets_missed = BTreeMap::new();
    let mut sums: BTreeMap<String, (f64, usize, Unit)> = BTreeMap::new();
    for s in &report.scenarios {
        for (g, n) in &s.violations_by_guarantee {
            *violations.entry(g.name().to_string()).or_insert(0) += n;
        }
        for b in s.missed_budgets() {
            *budgets_missed.entry(b.metric.to_string()).or_insert(0) += 1;
        }
        // A default grade lists the exhaustive schedules that failed, and only those:
        // their violations and missed budgets count, but figures averaged over them
        // would describe the failures, not the implementation.
        if s.source == Source::Exhaustive {
            continue;
        }
        for m in &s.metrics {
            let e = sums.entry(m.name.to_string()).or_insert((0.0, 0, m.unit));
            e.0 = match m.unit {
                Unit::Ratio => e.0.max(m.value),
                _ => e.0 + m.value,
            };
            e.1 += 1;
        }
    }
    let metrics = sums
        .into_iter()
        .map(|(name, (total, n, unit))| {
            units.insert(name.clone(), unit);
            let value = match unit {
                Unit::Count | Unit::Ratio => total,
                _ => total / n.max(1) as f64,
            };
            (name, value)
        })
        .collect();
    Row {
        implementation: report.implementation.clone(),
        verdict: report.verdict,
        scenarios: report.stats.scenarios,
        failed: report.failed().count(),
        violations,
        budgets_missed,
        metrics,
        fault: report.learner_fault.as_ref().map(|f| match f {
            LearnerFault::NotImplemented { function, .. } => format!("{function} not implemented"),
            LearnerFault::Panicked { function, .. } => format!("{function} panicked"),
            LearnerFault::Hung { function, .. } => format!("{function} hung"),
            LearnerFault::Nondeterministic { .. } => "nondeterministic".to_string(),
            LearnerFault::Crashed {
                stack_overflow: true,
                ..
            } => "stack overflow".to_string(),
            LearnerFault::Crashed { .. } => "crashed".to_string(),
            LearnerFault::Exited { code, .. } => format!("exited the process ({code})"),
            LearnerFault::OutOfMemory { .. } => "out of memory".to_string(),
            LearnerFault::TimedOut { .. } => "out of time".to_string(),
            LearnerFault::ThreadPanicked { .. } => "a thread it spawned panicked".to_string(),
        }),
    }
}

/// A right-aligned cell of `width` columns, one of them a separating space.
fn cell(s: &str, width: usize) -> String {
    let inner = width - 1;
    let s: String = s.chars().take(inner).collect();
    format!(" {s:>inner$}")
}

pub struct CompareArgs {
    pub kata: String,
    pub seed: u64,
    pub random: usize,
    pub format: Format,
    pub reveal: bool,
    pub hang_limit: Duration,
}

/// The child's side of one row of `compare`.
pub(super) fn execute_row(
    registry: &Arc<Registry>,
    name: &str,
    request: &GradeRequest,
    hang: Duration,
) -> Reply {
    let worker = Arc::clone(registry);
    let work = request.clone();
    let kata_name = name.to_string();
    let result = run_watched(hang, move |guard| {
        worker
            .find(&kata_name)
            .expect("kata is registered")
            .grade(&work, &guard)
    });
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
        Err(fault) => super::grade::fault_report(kata, request, fault, None),
    };
    supervise::stray_panic(&mut report);
    let mut units = BTreeMap::new();
    let row = row(&report, &mut units);
    Reply {
        data: serde_json::to_value((row, units)).expect("rows serialize"),
        ..Reply::default()
    }
}

pub fn compare(registry: Arc<Registry>, args: CompareArgs) -> ExitCode {
    let kata = match find(&registry, &args.kata) {
        Ok(k) => k,
        Err(code) => return code,
    };
    let info = kata.info();
    let name = info.name;
    let targets: Vec<Target> = std::iter::once(Target::Learner)
        .chain(
            kata.solutions()
                .iter()
                .map(|s| Target::Solution(s.name.to_string())),
        )
        .collect();
    let mut units = BTreeMap::new();
    let mut rows = Vec::new();
    for target in targets {
        let mut request = GradeRequest::new(target.clone(), args.seed);
        request.random = args.random;
        request.explain = false;
        let limits = Limits::new(
            supervise::DEFAULT_MEMORY_MIB,
            supervise::DEFAULT_TIME_LIMIT_S,
            args.hang_limit,
        );
        request.time_limit_ms = supervise::time_limit_ms(&limits);
        let job = Job {
            task: Task::CompareRow {
                kata: name.to_string(),
                request: request.clone(),
            },
            color: false,
            hang_limit_ms: args.hang_limit.as_millis() as u64,
        };
        match super::grade::supervised(&registry, kata, &request, job, &limits) {
            Ended::Replied(reply) if reply.exit == EXIT_USAGE => return reply.emit(),
            Ended::Replied(reply) => {
                let Ok((r, u)) =
                    serde_json::from_value::<(Row, BTreeMap<String, Unit>)>(reply.data)
                else {
                    eprintln!("error: the grader's child process sent an unreadable row");
                    return ExitCode::from(EXIT_USAGE);
                };
                units.extend(u);
                rows.push(r);
            }
            Ended::Died { fault, output } => {
                let report = super::grade::fault_report(kata, &request, fault, output);
                rows.push(row(&report, &mut units));
            }
        }
    }
    let learner_passed = rows.first().is_some_and(|r| r.verdict == Verdict::Pass);
    let comparison = Comparison {
        kata: name,
        seed: args.seed,
        random: args.random,
        implementations: rows,
    };
    match args.format {
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&comparison).expect("serializes");
            text.push('\n');
            print!("{text}");
        }
        Format::Human => print!("{}", table(&comparison, &units)),
    }
    if args.format == Format::Human {
        let instructor = kata.solutions().into_iter().find(|s| s.name == INSTRUCTOR);
        match instructor {
            Some(s) if args.reveal || learner_passed => {
                println!("\n{}\n", "The instructor's solution:".bold());
                print!("{}", s.source);
            }
            _ => println!("\n{}", SOURCE_HIDDEN.replace("{kata}", name).dimmed()),
        }
    }
    ExitCode::from(EXIT_PASS)
}

/// The headline columns: violations per guarantee, then the metrics that have
/// budgets, then cost.
fn columns(c: &Comparison) -> (Vec<String>, Vec<String>) {
    let mut guarantees: Vec<String> = Vec::new();
    let mut metrics: Vec<String> = Vec::new();
    for r in &c.implementations {
        for g in r.violations.keys() {
            if !guarantees.contains(g) {
                guarantees.push(g.clone());
            }
        }
    }
    for m in [
        "primary_read_share",
        "failed_reads",
        "load_imbalance",
        "round_trips_per_read",
        "stale_reads",
        "repairs",
        "downtime",
        "acknowledged_writes_lost",
        "needless_failovers",
        "spurious_siblings",
    ] {
        if c.implementations.iter().any(|r| r.metrics.contains_key(m)) {
            metrics.push(m.to_string());
        }
    }
    (guarantees, metrics)
}

fn short(name: &str) -> String {
    match name {
        "primary_read_share" => "primary".into(),
        "failed_reads" => "err reads".into(),
        "load_imbalance" => "imbalance".into(),
        "round_trips_per_read" => "trips/read".into(),
        "mean_read_latency" => "latency".into(),
        "read-your-writes" => "RYW viol".into(),
        "monotonic-reads" => "MR viol".into(),
        "quorum-intersection" => "QI viol".into(),
        "convergence" => "conv viol".into(),
        "causality" => "causal viol".into(),
        "consistent-prefix" => "prefix viol".into(),
        "no-silently-lost-update" => "lost upd".into(),
        "spurious_siblings" => "spurious".into(),
        "exact-quorum-math" => "wrong".into(),
        "no-lost-acknowledged-writes" => "lost viol".into(),
        "single-writable-leader" => "2 leaders".into(),
        "majority-election" => "minority".into(),
        "stale_reads" => "stale".into(),
        "acknowledged_writes_lost" => "lost acks".into(),
        "needless_failovers" => "needless".into(),
        other => other.replace('_', " "),
    }
}

/// What a column means, for the legend under the table.
fn meaning(name: &str) -> &'static str {
    match name {
        "primary_read_share" => "share of reads served by the primary (it has a budget)",
        "failed_reads" => "reads no node served: an error page for the user",
        "load_imbalance" => "busiest replica's reads over its fair share (1.00× is even)",
        "round_trips_per_read" => "attempts per read, refusals included",
        "mean_read_latency" => "mean simulated read latency",
        "read-your-writes" => "read-your-writes violations: a user's read missed their own write",
        "monotonic-reads" => "monotonic-reads violations: a session's view went back in time",
        "quorum-intersection" => {
            "quorum-intersection violations: a read missed the latest acknowledged write"
        }
        "convergence" => {
            "convergence violations: replicas still differ after read repair or replication"
        }
        "causality" => "causality violations: a write held in place of one that happened after it",
        "consistent-prefix" => {
            "consistent-prefix violations: a write shown without a write it followed"
        }
        "no-silently-lost-update" => {
            "no-silently-lost-update violations: a write neither held nor superseded"
        }
        "spurious_siblings" => {
            "versions shown side by side although one happened after the other, or twice (it has a \
             budget)"
        }
        "exact-quorum-math" => "wrong answers from the quorum functions (overlap, probabilities…)",
        "no-lost-acknowledged-writes" => {
            "no-lost-acknowledged-writes violations: a promotion lost acknowledged writes"
        }
        "single-writable-leader" => "split brain: two leaders accepted writes under one term",
        "majority-election" => "elections by a minority of the cluster",
        "stale_reads" => "reads that returned an older version than the newest acknowledged",
        "repairs" => "replicas sent the newest version by read repair",
        "downtime" => "time without a writable leader, from the trouble to the promotion",
        "acknowledged_writes_lost" => "acknowledged writes the new leader never had",
        "needless_failovers" => {
            "failovers of a leader that was alive (paused, or the majority side)"
        }
        _ => "",
    }
}

fn table(c: &Comparison, units: &BTreeMap<String, Unit>) -> String {
    let (guarantees, metrics) = columns(c);
    let mut out = format!(
        "{} — every implementation on the same seed ({}): curated, {} random, the \
         exhaustive scope\n\n",
        c.kata.bold(),
        c.seed,
        c.random
    );
    // As wide as 100 columns allow.
    // A column is never narrower than its label (and a space), or the label is cut.
    let widest_label = guarantees
        .iter()
        .chain(&metrics)
        .map(|n| short(n).chars().count() + 1)
        .max()
        .unwrap_or(0);
    let width = ((100 - 40) / (guarantees.len() + metrics.len()).max(1))
        .clamp(9, 11)
        .max(widest_label);
    let mut header = format!("{:<20}{:>8}{:>12}", "implementation", "verdict", "failing");
    for g in &guarantees {
        header.push_str(&cell(&short(g), width));
    }
    for m in &metrics {
        header.push_str(&cell(&short(m), width));
    }
    out.push_str(&format!("{}\n", header.dimmed()));
    for r in &c.implementations {
        // Pad first, then color: escape codes must not count towards the width.
        let verdict = match r.verdict {
            Verdict::Pass => format!("{:>8}", "pass").green(),
            Verdict::Fail => format!("{:>8}", "FAIL").red(),
            Verdict::NotImplemented => format!("{:>8}", "todo").yellow(),
        };
        let name = if r.implementation == "learner" {
            "you"
        } else {
            r.implementation.as_str()
        };
        let failing = if r.fault.is_some() {
            "—".to_string()
        } else {
            format!("{}/{}", r.failed, r.scenarios)
        };
        // Wide enough for "10000/10793": a default grade runs the exhaustive scope too.
        let mut line = format!("{name:<20}{verdict}{failing:>12}");
        if let Some(fault) = &r.fault {
            line.push_str(&format!("  {fault}"));
            out.push_str(&line);
            out.push('\n');
            continue;
        }
        for g in &guarantees {
            let n = r.violations.get(g).copied().unwrap_or(0);
            line.push_str(&cell(&n.to_string(), width));
        }
        for m in &metrics {
            let text = r
                .metrics
                .get(m)
                .map(|v| match units.get(m).copied().unwrap_or(Unit::Count) {
                    // Seconds, compactly: the table's cells are narrow.
                    Unit::Millis if *v >= 1_000.0 => format!("{:.1} s", v / 1_000.0),
                    unit => fmt_value(*v, unit),
                })
                .unwrap_or_else(|| "—".into());
            line.push_str(&cell(&text, width));
        }
        out.push_str(&line);
        out.push('\n');
    }
    let mut legend = String::from("\nColumns:\n  failing     scenarios failed of scenarios run\n");
    for name in guarantees.iter().chain(&metrics) {
        legend.push_str(&format!("  {:<11} {}\n", short(name), meaning(name)));
    }
    legend.push_str("Counts are summed over scenarios; shares, averages and durations are means");
    legend.push_str(if metrics.iter().any(|m| m == "load_imbalance") {
        ";\nimbalance is the worst scenario's.\n"
    } else {
        ".\n"
    });
    out.push_str(&legend.dimmed().to_string());
    out
}
