//! Grades mutants and checks each verdict against what the mutant declares.

use replication_katas::grader::{GradeRequest, Guard, Target};
use replication_katas::katas::{KataRunner, Solution};
use replication_katas::report::{GradeReport, Verdict};
use std::fmt::Write as _;

/// What a mutant must do under the default grade, on every seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// A correct design: passes on every seed.
    Pass,
    /// A bug: fails on every seed, and among the reasons the grade gives is this one —
    /// a guarantee's name (`read-your-writes`), a budget as `budget:<metric>`
    /// (`budget:primary_read_share`), or a learner fault as `fault:<kind>`
    /// (`fault:panicked`).
    Fail(&'static str),
}

/// One implementation in the suite.
pub struct Mutant<S: ?Sized> {
    pub name: &'static str,
    pub expect: Expect,
    pub make: fn() -> Box<S>,
}

/// The seeds every mutant is graded on: 1..=20 unless `MUTANT_SEEDS` says otherwise.
pub fn seeds() -> Vec<u64> {
    let n = std::env::var("MUTANT_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    (1..=n).collect()
}

fn selected(name: &str) -> bool {
    std::env::var("MUTANT_FILTER").map_or(true, |f| f.split(',').any(|f| name.contains(f)))
}

/// Every reason a grade failed: violated guarantees, missed budgets, learner faults.
pub fn reasons(report: &GradeReport) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in report.failed() {
        for g in s.violations_by_guarantee.keys() {
            out.push(g.name().to_string());
        }
        for b in s.missed_budgets() {
            out.push(format!("budget:{}", b.metric));
        }
    }
    if let Some(f) = &report.learner_fault {
        let kind = serde_json::to_value(f).expect("a fault serializes")["kind"]
            .as_str()
            .unwrap_or("unknown")
            .to_string();
        out.push(format!("fault:{kind}"));
    }
    out.sort();
    out.dedup();
    out
}

/// The outcome of one mutant over all seeds.
struct Row {
    name: &'static str,
    expect: Expect,
    /// Seeds on which the verdict disagreed with the declaration, with what was seen.
    wrong: Vec<(u64, String)>,
}

/// Grades every mutant of a kata on every seed; panics with the list of wrong verdicts.
///
/// `entry` builds the kata's runner from a list of solutions: the mutants are graded as
/// named solutions, next to the instructor's, which the grader may use as its
/// reference.
///
/// `gaps` names the mutants the grader is known to get wrong today, each with the
/// reason and the issue that will close it. They are reported, not hidden: the matrix
/// counts them as not killed (or falsely failed), and the test fails if one of them
/// starts to get the right verdict on every seed, so the list cannot go stale.
pub fn check<S: ?Sized + 'static>(
    kata: &str,
    entry: impl Fn(Vec<Solution<S>>) -> Box<dyn KataRunner>,
    instructor: Solution<S>,
    mutants: Vec<Mutant<S>>,
    gaps: &[(&str, &str)],
) {
    let mutants: Vec<Mutant<S>> = mutants.into_iter().filter(|m| selected(m.name)).collect();
    let mut solutions = vec![instructor];
    for m in &mutants {
        solutions.push(Solution {
            name: m.name,
            flaw: "",
            make: m.make,
            source: "",
        });
    }
    let runner = entry(solutions);
    let guard = Guard::new();
    let seeds = seeds();
    let mut rows = Vec::new();
    for m in &mutants {
        let mut wrong = Vec::new();
        let started = std::time::Instant::now();
        for &seed in &seeds {
            let request = GradeRequest::new(Target::Solution(m.name.to_string()), seed);
            let report = runner
                .grade(&request, &guard)
                .unwrap_or_else(|e| panic!("{kata}/{}: grading failed: {e}", m.name));
            if let Ok(metric) = std::env::var("MUTANT_MARGIN") {
                print_margin(kata, m.name, seed, &report, &metric);
            }
            let reasons = reasons(&report);
            let ok = match m.expect {
                Expect::Pass => report.verdict == Verdict::Pass,
                Expect::Fail(reason) => {
                    report.verdict != Verdict::Pass && reasons.iter().any(|r| r == reason)
                }
            };
            if !ok && wrong.is_empty() && std::env::var("MUTANT_SHOW").is_ok() {
                println!(
                    "--- {kata}/{} seed {seed}:\n{}",
                    m.name,
                    replication_katas::report::human::grade(&report)
                );
            }
            if !ok {
                let seen = if report.verdict == Verdict::Pass {
                    "pass".to_string()
                } else {
                    format!("fail: {}", reasons.join(", "))
                };
                wrong.push((seed, seen));
            }
        }
        if std::env::var("MUTANT_ALL").is_ok() {
            println!(
                "TIME {kata}/{}: {:.1} s",
                m.name,
                started.elapsed().as_secs_f64()
            );
        }
        rows.push(Row {
            name: m.name,
            expect: m.expect,
            wrong,
        });
    }
    let bugs = rows.iter().filter(|r| r.expect != Expect::Pass).count();
    let killed = rows
        .iter()
        .filter(|r| r.expect != Expect::Pass && r.wrong.is_empty())
        .count();
    let correct = rows.len() - bugs;
    let false_fails = rows
        .iter()
        .filter(|r| r.expect == Expect::Pass && !r.wrong.is_empty())
        .count();
    let mut text = format!(
        "{kata}: bugs killed on every seed {killed}/{bugs}; correct designs failed on some \
         seed {false_fails}/{correct}; {} seeds\n",
        seeds.len()
    );
    if std::env::var("MUTANT_ALL").is_ok() {
        for r in rows.iter().filter(|r| !r.wrong.is_empty()) {
            for (seed, seen) in &r.wrong {
                let _ = writeln!(text, "  ALL {} seed {seed}: {seen}", r.name);
            }
        }
    }
    for r in rows.iter().filter(|r| !r.wrong.is_empty()) {
        let _ = writeln!(
            text,
            "  {} (expects {:?}): wrong on {}/{} seeds, e.g. seed {}: {}",
            r.name,
            r.expect,
            r.wrong.len(),
            seeds.len(),
            r.wrong[0].0,
            r.wrong[0].1
        );
    }
    let gap = |name: &str| gaps.iter().find(|(g, _)| *g == name).map(|(_, why)| *why);
    let mut problems = Vec::new();
    for r in &rows {
        match (gap(r.name), r.wrong.is_empty()) {
            (Some(why), false) => {
                let _ = writeln!(text, "  known gap: {} — {why}", r.name);
            }
            (Some(_), true) => problems.push(format!(
                "{} is listed as a known gap but now gets the right verdict on every seed: \
                 remove it from the gaps list",
                r.name
            )),
            (None, false) => problems.push(format!("{} gets the wrong verdict", r.name)),
            (None, true) => {}
        }
    }
    for (g, _) in gaps {
        if selected(g) && !rows.iter().any(|r| r.name == *g) {
            problems.push(format!("the gaps list names {g}, which is not a mutant"));
        }
    }
    println!("{text}");
    assert!(problems.is_empty(), "{}\n\n{text}", problems.join("\n"));
}

/// Declares a kata's suite: one module per mutant file (each defines `EXPECT` and the
/// kata's implementation type with a `new()`, as the skeleton does), the instructor's
/// solution as the reference, and the test that grades them all.
#[macro_export]
macro_rules! suite {
    (
        kata: $kata:literal,
        entry: $entry:path,
        subject: $subject:ty,
        implementation: $imp:ident,
        instructor: $instructor:path,
        mutants: [$($name:ident),* $(,)?]
        $(, gaps: [$(($gap:ident, $why:literal)),* $(,)?])? $(,)?
    ) => {
        $(mod $name;)*

        #[test]
        fn graded_on_every_seed() {
            let mutants: Vec<$crate::harness::Mutant<$subject>> = vec![$(
                $crate::harness::Mutant {
                    name: stringify!($name),
                    expect: $name::EXPECT,
                    make: || -> Box<$subject> { Box::new($name::$imp::new()) },
                },
            )*];
            let instructor = replication_katas::katas::Solution {
                name: "instructor",
                flaw: "",
                make: || -> Box<$subject> { Box::new(<$instructor>::new()) },
                source: "",
            };
            $crate::harness::check(
                $kata,
                |solutions| $entry(|| -> Box<$subject> { unreachable!("the suite grades named solutions") }, solutions),
                instructor,
                mutants,
                &[$($((stringify!($gap), $why)),*)?],
            );
        }
    };
}

/// For `MUTANT_MARGIN=<metric>`: the scenario where the metric came closest to its
/// budget (or went furthest over it), to see how far a verdict is from flipping.
fn print_margin(kata: &str, mutant: &str, seed: u64, report: &GradeReport, metric: &str) {
    let worst = report
        .scenarios
        .iter()
        .flat_map(|s| s.budgets.iter().map(move |b| (s, b)))
        .filter(|(_, b)| b.metric == metric && !b.pooled && b.limit > 0.0)
        .max_by(|a, b| (a.1.actual / a.1.limit).total_cmp(&(b.1.actual / b.1.limit)));
    if let Some((s, b)) = worst {
        let best = b.relative.as_ref().map_or(f64::NAN, |r| r.best);
        let actual = b.relative.as_ref().map_or(b.actual, |r| r.actual);
        println!(
            "MARGIN {kata}/{mutant} seed {seed}: {:.3} of budget in {} ({} vs best {})",
            b.actual / b.limit,
            s.name,
            actual,
            best
        );
    }
}
