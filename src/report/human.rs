//! The human rendering of a grade: short lines (under 100 columns), colored when the
//! terminal allows, and always ending with what to do next.

use super::filter::ReplayFilter;
use super::timeline::{PRINT_MARK, PrintLine};
use super::{GradeReport, Printed, ReplayReport, ScenarioResult, Source, Verdict};
use crate::grader::LearnerFault;
use crate::model::fmt_time;
use colored::Colorize;
use std::fmt::Write as _;

const NEXT_WHEN_NOT_IMPLEMENTED: &str = "Next: open the file, replace the todo!()s with your code, and grade again. \
Stuck? `cargo run -- hint {kata}` shows the next hint.";

const NEXT_WHEN_PANICKED: &str = "Your code panicked, so the grade stopped there. Fix the panic (the \
location above points at it) and grade again.";

const NEXT_WHEN_HUNG: &str = "A call into your code did not return. Look for a loop that never ends \
(a `while` whose condition never changes, a retry without a limit).";

const NEXT_WHEN_CRASHED: &str = "The grader ran your code in a separate process, which died, so \
the grade stopped there. Replay the scenario with the command above to see it alone.";

const NEXT_WHEN_OVERFLOWED: &str = "Look for recursion without a base case, or one that goes as \
deep as the input is long (replace it with a loop).";

const NEXT_WHEN_EXITED: &str = "Your code must return its answer, never end the program: remove the \
`std::process::exit` (or whatever ended the process).";

const NEXT_WHEN_OOM: &str = "Look for a collection that grows on every call and is never \
trimmed, or one sized from an input without a bound. `--memory-limit MIB` changes the limit.";

const NEXT_WHEN_TIMED_OUT: &str = "Your code is slow: look for work repeated on every call (a \
sort, a scan of all history, a sleep). `--time-limit SECONDS` changes the budget.";

const NEXT_WHEN_THREAD_PANICKED: &str = "The router must answer on the caller's thread; a thread \
it starts is not supervised. Do the work in the call itself.";

const NEXT_WHEN_FAILING: &str = "Replay the failure step by step with the command above; \
`cargo run -- hint {kata}` if you are stuck.";

const RANDOM_LISTED: usize = 5;

fn mark(v: Verdict) -> colored::ColoredString {
    match v {
        Verdict::Pass => "✓".green().bold(),
        Verdict::Fail => "✗".red().bold(),
        Verdict::NotImplemented => "…".yellow().bold(),
    }
}

/// One line per scenario: what failed, or the headline figures when it passed.
fn scenario_line(s: &ScenarioResult) -> String {
    let detail = if s.verdict == Verdict::Pass {
        s.budgets
            .iter()
            .map(|b| {
                format!(
                    "{} {}",
                    b.metric.replace('_', " "),
                    super::fmt_value(b.actual, b.unit)
                )
            })
            .collect::<Vec<_>>()
            .join(" · ")
    } else {
        let mut parts: Vec<String> = Vec::new();
        for (g, &n) in &s.violations_by_guarantee {
            parts.push(format!(
                "{n} {g} violation{}",
                if n == 1 { "" } else { "s" }
            ));
        }
        for b in s.missed_budgets() {
            parts.push(format!(
                "{} {} over budget {}",
                b.metric.replace('_', " "),
                super::fmt_value(b.actual, b.unit),
                super::fmt_value(b.limit, b.unit)
            ));
        }
        parts.join(" · ")
    };
    format!("  {} {:<26} {}", mark(s.verdict), s.name, detail.dimmed())
}

fn fault_text(fault: &LearnerFault, kata: &str) -> String {
    match fault {
        LearnerFault::NotImplemented { function, location } => format!(
            "{} `{function}` is not implemented yet: it still reaches the todo!() at {location}.\n\n{}",
            "NOT IMPLEMENTED YET".yellow().bold(),
            NEXT_WHEN_NOT_IMPLEMENTED.replace("{kata}", kata)
        ),
        LearnerFault::Panicked {
            function,
            message,
            location,
        } => format!(
            "{} `{function}` panicked at {location}:\n    {message}\n\n{NEXT_WHEN_PANICKED}",
            "PANICKED".red().bold()
        ),
        LearnerFault::Hung { function, limit_ms } => format!(
            "{} `{function}` did not return within {limit_ms} ms.\n\n{NEXT_WHEN_HUNG}",
            "HUNG".red().bold()
        ),
        LearnerFault::Crashed {
            function,
            scenario,
            signal,
            stack_overflow,
            replay,
        } => {
            let what = if *stack_overflow {
                "overflowed its stack".to_string()
            } else {
                match signal {
                    Some(s) => format!("crashed the process ({s})"),
                    None => "crashed the process".to_string(),
                }
            };
            format!(
                "{} {} {what}{}.{}\n\n{}",
                if *stack_overflow {
                    "STACK OVERFLOW"
                } else {
                    "CRASHED"
                }
                .red()
                .bold(),
                who_called(function),
                in_scenario(scenario),
                replay_line(replay),
                if *stack_overflow {
                    NEXT_WHEN_OVERFLOWED
                } else {
                    NEXT_WHEN_CRASHED
                }
            )
        }
        LearnerFault::Exited {
            function,
            scenario,
            code,
            replay,
        } => format!(
            "{} {} ended the grader's process with exit code {code}{}, before the grade \
             finished: a grade never passes that way.{}\n\n{NEXT_WHEN_EXITED}",
            "EXITED".red().bold(),
            who_called(function),
            in_scenario(scenario),
            replay_line(replay),
        ),
        LearnerFault::OutOfMemory {
            function,
            scenario,
            limit_mib,
            replay,
        } => format!(
            "{} {} used more than the {limit_mib} MiB memory limit{}.{}\n\n{NEXT_WHEN_OOM}",
            "OUT OF MEMORY".red().bold(),
            who_called(function),
            in_scenario(scenario),
            replay_line(replay),
        ),
        LearnerFault::TimedOut {
            limit_ms,
            graded,
            total,
            scenario,
        } => format!(
            "{} the grade did not finish within its {} s budget: {}.\n\n{NEXT_WHEN_TIMED_OUT}",
            "OUT OF TIME".red().bold(),
            limit_ms / 1000,
            match scenario {
                // Everything graded: the time went on explaining a failure (re-runs
                // and shrinking of a large scenario).
                Some(s) if graded == total => format!(
                    "all {total} scenarios were graded; explaining the failure of {s} \
                     (re-running and shrinking it) took the rest"
                ),
                Some(s) => format!("{graded} of {total} scenarios graded, {s} was running"),
                None => format!("{graded} of {total} scenarios graded"),
            }
        ),
        LearnerFault::ThreadPanicked {
            thread,
            message,
            location,
        } => format!(
            "{} a thread your code started (`{thread}`) panicked at {location}:\n    \
             {message}\n\n{NEXT_WHEN_THREAD_PANICKED}",
            "THREAD PANICKED".red().bold()
        ),
        LearnerFault::Nondeterministic {
            scenario,
            difference,
            likely_causes,
        } => format!(
            "{} scenario {scenario} ran twice with the same seed and your code decided \
             differently:\n{}\n\nLikely causes: {likely_causes}.",
            "NONDETERMINISTIC".red().bold(),
            difference
                .lines()
                .map(|l| format!("    {l}"))
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

/// "`Router::route_read`" or "your code".
fn who_called(function: &Option<String>) -> String {
    match function {
        Some(f) => format!("`{f}`"),
        None => "your code".to_string(),
    }
}

fn in_scenario(scenario: &Option<String>) -> String {
    match scenario {
        Some(s) => format!(" in scenario {s}"),
        None => String::new(),
    }
}

fn replay_line(replay: &Option<String>) -> String {
    match replay {
        Some(r) => format!("\n\n  Replay it: {}", r.cyan()),
        None => String::new(),
    }
}

/// What the code printed, as lines to draw among a replay's events: each at the
/// simulated time of the call that printed it, and the count of lines left out after
/// the last one listed (at that line's time).
fn print_lines(p: &Printed) -> Vec<PrintLine> {
    let mut lines: Vec<PrintLine> = p
        .lines
        .iter()
        .enumerate()
        .map(|(i, text)| PrintLine {
            at: p
                .points
                .get(i)
                .and_then(|point| point.as_ref())
                .map(|point| point.at_ms),
            text: text.clone(),
        })
        .collect();
    if p.omitted_after > 0 {
        let at = lines.last().and_then(|l| l.at);
        lines.push(PrintLine {
            at,
            text: format!("… {} more lines", p.omitted_after),
        });
    }
    lines
}

/// What the code printed, indented, with the lines left out counted.
pub fn printed(p: &Printed, heading: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "\n  {}", heading.bold());
    if p.omitted_before > 0 {
        let _ = writeln!(
            out,
            "    {}",
            format!("… {} earlier lines", p.omitted_before).dimmed()
        );
    }
    for line in &p.lines {
        let _ = writeln!(out, "    {line}");
    }
    if p.omitted_after > 0 {
        let _ = writeln!(
            out,
            "    {}",
            format!("… {} more lines", p.omitted_after).dimmed()
        );
    }
    out
}

fn who(report: &GradeReport) -> String {
    match report.file {
        Some(file) => format!("your implementation in {file}"),
        None if report.implementation == crate::grader::INSTRUCTOR => {
            "the instructor's solution".to_string()
        }
        None => format!("the naive strategy `{}`", report.implementation),
    }
}

/// Renders a grade for people.
/// A batch of generated scenarios (random, or the exhaustive scope's schedules): its
/// heading, how many of those that ran passed, and the first failures.
fn batch(out: &mut String, title: &str, ran: usize, unit: &str, failed: &[&ScenarioResult]) {
    let verdict = if failed.is_empty() {
        Verdict::Pass
    } else {
        Verdict::Fail
    };
    let _ = writeln!(out, "\n{}", title.bold());
    let _ = writeln!(
        out,
        "  {} {} of {ran} {unit}passed",
        mark(verdict),
        ran - failed.len()
    );
    for s in failed.iter().take(RANDOM_LISTED) {
        let _ = writeln!(out, "{}", scenario_line(s));
    }
    if failed.len() > RANDOM_LISTED {
        let _ = writeln!(out, "    … and {} more", failed.len() - RANDOM_LISTED);
    }
}

pub fn grade(report: &GradeReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} · {} · grading {} · seed {}",
        report.kata.bold(),
        report.topic,
        who(report),
        report.seed
    );
    if let Some(fault) = &report.learner_fault {
        let _ = writeln!(out, "\n{}", fault_text(fault, report.kata));
        if let Some(p) = &report.learner_output {
            out.push_str(&printed(p, "What your code printed last:"));
        }
        if matches!(fault, LearnerFault::TimedOut { .. }) && !report.scenarios.is_empty() {
            let failed: Vec<&ScenarioResult> = report.failed().collect();
            let _ = writeln!(
                out,
                "\n{} {} graded before the time ran out, {} failed",
                "Graded:".bold(),
                report.stats.scenarios,
                failed.len()
            );
            for s in failed.iter().take(RANDOM_LISTED) {
                let _ = writeln!(out, "{}", scenario_line(s));
            }
        }
        return out;
    }

    if let Some(schedules) = report.stats.schedules {
        let failed: Vec<&ScenarioResult> = report.scenarios.iter().collect();
        batch(
            &mut out,
            "Exhaustive scope",
            schedules,
            "schedules ",
            &failed,
        );
    }
    let curated: Vec<&ScenarioResult> = report
        .scenarios
        .iter()
        .filter(|s| matches!(s.source, Source::Curated | Source::File(_)))
        .collect();
    let random: Vec<&ScenarioResult> = report
        .scenarios
        .iter()
        .filter(|s| s.source == Source::Random)
        .collect();
    if report.stats.schedules.is_none() {
        let _ = writeln!(out, "\n{}", "Curated scenarios".bold());
    }
    for s in &curated {
        let _ = writeln!(out, "{}", scenario_line(s));
    }
    if !random.is_empty() {
        let failed: Vec<&ScenarioResult> = random
            .iter()
            .copied()
            .filter(|s| s.verdict != Verdict::Pass)
            .collect();
        batch(&mut out, "Random scenarios", random.len(), "", &failed);
    }

    // A default grade also runs the exhaustive scope, and lists only its failing
    // schedules (thousands pass): say how many ran, so that the totals below add up.
    if report.stats.schedules.is_none() {
        let listed = report
            .scenarios
            .iter()
            .filter(|s| !matches!(s.source, Source::Exhaustive | Source::Pooled))
            .count();
        let ran = report.stats.scenarios.saturating_sub(listed);
        if ran > 0 {
            let failed: Vec<&ScenarioResult> = report
                .scenarios
                .iter()
                .filter(|s| s.source == Source::Exhaustive)
                .collect();
            batch(&mut out, "Exhaustive scope", ran, "schedules ", &failed);
        }
    }

    if let Some(pooled) = report.scenarios.iter().find(|s| s.source == Source::Pooled) {
        let _ = writeln!(out, "\n{}", "Small scenarios, pooled".bold());
        let _ = writeln!(
            out,
            "  Scenarios with too few reads to judge a share alone are judged together:"
        );
        for b in &pooled.budgets {
            let _ = writeln!(
                out,
                "  {} {}",
                mark(if b.met { Verdict::Pass } else { Verdict::Fail }),
                crate::term::wrap(&b.describe(), 96, 4)
            );
        }
    }

    if let Some(c) = &report.counterexample {
        // A budget's counterexample names its metric: say so, in words, as the budget
        // lines do ("budget: primary read share"), not as an identifier.
        let what = if c.budget {
            format!("budget: {}", c.guarantee.replace('_', " "))
        } else {
            c.guarantee.clone()
        };
        let _ = writeln!(
            out,
            "\n{} {} — {}",
            "First failure:".bold(),
            c.scenario,
            what.red().bold()
        );
        let _ = writeln!(out, "  {}", crate::term::wrap(&c.explanation, 96, 2));
        if let Some(original) = &c.original {
            let _ = writeln!(
                out,
                "  Before shrinking, the whole scenario:\n    {}",
                crate::term::wrap(original, 94, 4)
            );
        }
        // Sweeps of pure functions have no events to draw; their explanation says it all.
        if !c.timeline.is_empty() {
            let size = if c.minimal {
                format!(
                    "Already minimal at {} {} — nothing could be removed and still fail",
                    c.shrunk_to, c.shrunk_unit
                )
            } else if c.shrunk_from == c.shrunk_to {
                format!("The scenario as it ran ({} {})", c.shrunk_to, c.shrunk_unit)
            } else {
                format!(
                    "Shrunk from {} to {} {}",
                    c.shrunk_from, c.shrunk_to, c.shrunk_unit
                )
            };
            let stopped = if c.shrink_stopped_early {
                " (as far as the shrinking budget allowed, so maybe not minimal)"
            } else {
                ""
            };
            let _ = writeln!(out, "\n  {size}{stopped}:\n");
            for (i, row) in c.timeline.iter().enumerate() {
                let row = if c.violating_rows.contains(&i) {
                    row.red().bold().to_string()
                } else if i == 0 {
                    row.dimmed().to_string()
                } else {
                    row.clone()
                };
                let _ = writeln!(out, "  {row}");
            }
            let _ = writeln!(out, "  {}", crate::term::wrap(&c.legend, 96, 2).dimmed());
        }
        if let Some(p) = &c.output {
            out.push_str(&printed(p, "Your code printed, in this scenario:"));
        }
        let _ = writeln!(out, "\n  Replay it: {}", c.replay.cyan());
    }

    let failed = report.failed().count();
    let total = report.stats.scenarios;
    let _ = writeln!(out);
    match report.verdict {
        Verdict::Pass => {
            let _ = writeln!(
                out,
                "{} all {total} scenarios: no violations, every budget met.",
                "PASS".green().bold()
            );
            for lesson in report.scenarios.iter().filter_map(|s| s.lesson.as_deref()) {
                let _ = writeln!(out, "\n{}", crate::term::wrap(lesson, 96, 0));
            }
            if report.file.is_some() {
                let _ = writeln!(
                    out,
                    "\nWell done. Compare your design with the instructor's and the naive \
                     strategies', side by side: `cargo run -- compare {}` (it shows the \
                     instructor's source too).",
                    report.kata
                );
            }
        }
        _ => {
            let _ = writeln!(
                out,
                "{} {failed} of {total} scenarios failed.",
                "FAIL".red().bold()
            );
            if report.file.is_some() {
                let _ = writeln!(out, "{}", NEXT_WHEN_FAILING.replace("{kata}", report.kata));
            }
        }
    }
    out
}

/// Renders a replay: the events `filter` selects as a timeline `width` columns wide (or,
/// with `lines`, one sentence per event), a line saying what was left out and how to
/// see it, then the violations, the budgets and the verdict.
pub fn replay(r: &ReplayReport, lines: bool, filter: &ReplayFilter, width: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} · replaying {} with `{}` · seed {}\n",
        r.kata.bold(),
        r.result.name,
        r.implementation,
        r.seed
    );
    if let Some(fault) = &r.learner_fault {
        let _ = writeln!(out, "{}", fault_text(fault, r.kata));
        if let Some(p) = r
            .output
            .as_ref()
            .map(|p| p.choose(Printed::MAX_LINES, |_| true))
        {
            out.push_str(&printed(&p, "What your code printed last:"));
        }
        return out;
    }
    let selection = super::filter::select(r, filter);
    let trace: Vec<super::TraceEvent> = selection
        .shown
        .iter()
        .map(|&i| r.trace[i].clone())
        .collect();
    // What the code printed goes between the events, at the time of the call that
    // printed it, when there are events to put it between. A replay holds many lines;
    // when some events are left out, the ones shown are those printed at the times of
    // the events shown (the calls that decided them), else the first.
    let everything = selection.shown.len() == selection.total;
    let times: std::collections::BTreeSet<crate::model::Millis> =
        trace.iter().map(|e| e.at).collect();
    let output = r.output.as_ref().map(|p| {
        p.choose(Printed::MAX_LINES, |point| {
            everything || point.is_some_and(|point| times.contains(&point.at_ms))
        })
    });
    let prints = output.as_ref().map(print_lines).unwrap_or_default();
    let prints_drawn = !prints.is_empty() && !trace.is_empty();
    if lines {
        let mut prints = prints.iter().peekable();
        let printed_line = |p: &PrintLine| {
            // Aligned with the events' sentences (see `TraceEvent::line`).
            let time =
                p.at.map(|t| format!("t={}", fmt_time(t)))
                    .unwrap_or_default();
            format!("{time:<18} {PRINT_MARK} {}", p.text)
        };
        for e in &trace {
            while let Some(p) = prints.next_if(|p| p.at.is_some_and(|t| t <= e.at)) {
                let _ = writeln!(out, "{}", printed_line(p));
            }
            let line = e.line();
            let _ = if e.violates.is_some() {
                writeln!(out, "{}", line.red().bold())
            } else {
                writeln!(out, "{line}")
            };
        }
        if !trace.is_empty() {
            for p in prints {
                let _ = writeln!(out, "{}", printed_line(p));
            }
        }
    } else if !trace.is_empty() {
        for row in crate::report::timeline::render_with(&trace, width, &prints) {
            let _ = if row.violation {
                writeln!(out, "{}", row.text.red().bold())
            } else {
                writeln!(out, "{}", row.text)
            };
        }
        let legend = if prints_drawn {
            format!("{} · {PRINT_MARK} printed by your code", r.legend)
        } else {
            r.legend.to_string()
        };
        let _ = writeln!(
            out,
            "{}",
            crate::term::wrap(&legend, width.max(60), 0).dimmed()
        );
    }
    if selection.shown.len() < selection.total {
        let what = if selection.reason.is_empty() {
            String::new()
        } else {
            format!(": {}", selection.reason)
        };
        let text = format!(
            "Showing {} of {} events{what}. Every event: add --all. Narrow it: --user NAME, \
             --around SECONDS [--window SECONDS], --violations.",
            selection.shown.len(),
            selection.total
        );
        let _ = writeln!(
            out,
            "{}",
            crate::term::wrap(&text, width.max(60), 0).dimmed()
        );
    }
    // With no events to put them between, the prints come in one block.
    if let Some(p) = output.as_ref().filter(|_| !prints_drawn) {
        out.push_str(&printed(p, "Your code printed, during this scenario:"));
    }
    let _ = writeln!(out);
    for v in &r.result.violations {
        let text = crate::term::wrap(&v.explanation, 94 - v.guarantee.name().len(), 2);
        let _ = writeln!(out, "{} {text}", v.guarantee.to_string().red().bold());
    }
    if r.result.violation_count > r.result.violations.len() {
        let _ = writeln!(out, "… {} violations in all", r.result.violation_count);
    }
    for note in &r.result.notes {
        let _ = writeln!(out, "{}", crate::term::wrap(note, 96, 2));
    }
    let figures: Vec<String> = r
        .result
        .metrics
        .iter()
        .map(|m| format!("{} {}", m.name.replace('_', " "), m.display()))
        .collect();
    let _ = writeln!(
        out,
        "{}",
        crate::term::wrap(&figures.join(" · "), 96, 0).dimmed()
    );
    for b in &r.result.budgets {
        let verdict = if b.met { Verdict::Pass } else { Verdict::Fail };
        let _ = writeln!(
            out,
            "{} {}",
            mark(verdict),
            crate::term::wrap(&b.describe(), 94, 2)
        );
    }
    let verdict = match r.result.verdict {
        Verdict::Pass => "PASS".green().bold(),
        _ => "FAIL".red().bold(),
    };
    let _ = writeln!(out, "\n{verdict} {}", r.result.name);
    out
}
