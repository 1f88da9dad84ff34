//! Grade reports: the data, and its two renderings (human text and JSON).
//!
//! The report is plain data built by the grader; rendering is kept apart so the
//! same result can be shown colored on a terminal, plain in a pipe, or as JSON for an
//! instructor's tooling. Nothing here reads the clock: the same seed gives the same
//! bytes. (The one measured figure, `stats.elapsed_ms`, is filled only on request.)

pub mod filter;
pub mod human;
pub mod json;
pub mod timeline;

use crate::checkers::{Guarantee, Violation};
use crate::grader::LearnerFault;
use crate::model::{Lsn, Millis, fmt_time};
use crate::sim::AttemptRecord;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The overall or per-scenario outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Fail,
    NotImplemented,
}

/// How a metric's value reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum Unit {
    Count,
    /// A fraction in 0..=1, shown as a percentage.
    Share,
    Millis,
    /// An average per read.
    PerRead,
    /// A dimensionless ratio, shown as `1.23×`.
    Ratio,
}

/// One measured quantity of a scenario run.
#[derive(Clone, Debug, PartialEq)]
pub struct Metric {
    pub name: Cow<'static, str>,
    pub value: f64,
    pub unit: Unit,
}

impl Metric {
    pub fn new(name: &'static str, value: f64, unit: Unit) -> Self {
        Metric {
            name: Cow::Borrowed(name),
            value,
            unit,
        }
    }

    /// A metric whose name is built at run time (e.g. per replica).
    pub fn named(name: String, value: f64, unit: Unit) -> Self {
        Metric {
            name: Cow::Owned(name),
            value,
            unit,
        }
    }

    /// The value as people read it: `12.5%`, `3`, `41 ms`, `1.25`.
    pub fn display(&self) -> String {
        fmt_value(self.value, self.unit)
    }
}

pub fn fmt_value(value: f64, unit: Unit) -> String {
    match unit {
        Unit::Count => format!("{}", value.round() as i64),
        Unit::Share => format!("{:.1}%", value * 100.0),
        Unit::Millis if value >= 1_000.0 => crate::model::fmt_time(value.round() as u64),
        Unit::Millis => format!("{:.1} ms", value),
        Unit::PerRead => format!("{value:.2}"),
        Unit::Ratio => format!("{value:.2}×"),
    }
}

/// Rounds for JSON so that output is short and stable.
pub(crate) fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// A budget: a metric must not exceed a limit. Correct but wasteful is not a pass.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BudgetCheck {
    pub metric: &'static str,
    #[serde(serialize_with = "ser_round")]
    pub limit: f64,
    #[serde(serialize_with = "ser_round")]
    pub actual: f64,
    pub met: bool,
    /// Where the limit comes from, e.g. "unavoidable 6.3% + 15 points of slack".
    pub basis: String,
    /// The scenario was too small for this budget to mean anything on its own: it is
    /// judged over all the grade's small scenarios together (the `pooled` result), and
    /// `met` here says nothing.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub pooled: bool,
    #[serde(skip)]
    pub unit: Unit,
    /// The counts behind a budget judged against the best possible implementation, so
    /// that small scenarios can be pooled.
    #[serde(skip)]
    pub relative: Option<Relative>,
}

fn ser_round<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(round4(*x))
}

/// A budget judged against what the best possible implementation achieves on the same
/// scenario, in counted units (reads, say), with slack that is both relative and
/// absolute: `limit = best + max(relative × base, absolute)`.
///
/// Why both: a relative slack alone is noise on a small sample (two avoidable primary
/// reads are 15 points of a 13-read scenario), an absolute one alone is nothing on a
/// large one. Counts rather than shares, so scenarios too small to judge alone can be
/// added up and judged together.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Relative {
    /// What the implementation spent (e.g. primary reads).
    pub actual: f64,
    /// What the best possible implementation would have spent on the same scenario.
    pub best: f64,
    /// What the relative slack is a fraction of (e.g. all reads, or `best`).
    pub base: f64,
    pub relative: f64,
    pub absolute: f64,
    /// Counts are shown divided by this (reads, for a share; the fair load, for a
    /// ratio).
    pub per: f64,
    /// The sample: scenarios with fewer than `min_sample` of it are pooled.
    pub sample: f64,
}

impl Relative {
    /// The most the implementation may spend.
    pub fn limit(&self) -> f64 {
        self.best + (self.relative * self.base).max(self.absolute)
    }

    /// Adds another scenario's counts (the slack rule is the same for both).
    pub fn add(&mut self, other: &Relative) {
        self.actual += other.actual;
        self.best += other.best;
        self.base += other.base;
        self.per += other.per;
        self.sample += other.sample;
    }
}

impl BudgetCheck {
    /// `actual` must be at most `limit`.
    pub fn at_most(
        metric: &'static str,
        actual: f64,
        limit: f64,
        unit: Unit,
        basis: String,
    ) -> Self {
        BudgetCheck {
            metric,
            limit,
            actual,
            met: actual <= limit + 1e-9,
            basis,
            pooled: false,
            unit,
            relative: None,
        }
    }

    /// A budget judged against the best possible implementation (see [`Relative`]);
    /// `pooled` when the scenario is too small to judge it alone.
    pub fn relative(
        metric: &'static str,
        unit: Unit,
        counts: Relative,
        pooled: bool,
        basis: String,
    ) -> Self {
        let per = if counts.per > 0.0 { counts.per } else { 1.0 };
        let actual = counts.actual / per;
        let limit = counts.limit() / per;
        BudgetCheck {
            metric,
            limit,
            actual,
            met: pooled || counts.actual <= counts.limit() + 1e-9,
            basis,
            pooled,
            unit,
            relative: Some(counts),
        }
    }

    /// "primary read share 100.0% is over its budget of 21.3% by 78.7 points
    /// (unavoidable 6.3% + 15 points of slack)". Enough digits that the figures differ
    /// when the verdict depends on their difference: never "1.50× is over 1.50×".
    pub fn describe(&self) -> String {
        let digits = distinguishing_digits(self.actual, self.limit, self.unit);
        let show = |x: f64| fmt_value_digits(x, self.unit, digits);
        let by = match self.unit {
            Unit::Share => format!("{:.*} points", digits, (self.actual - self.limit) * 100.0),
            u => fmt_value_digits(self.actual - self.limit, u, digits),
        };
        let verdict = if self.pooled {
            format!(
                "not judged alone (too small a sample): counted with the other small \
                 scenarios against {}",
                show(self.limit)
            )
        } else if self.met {
            format!("within its budget of {}", show(self.limit))
        } else {
            format!("over its budget of {} by {by}", show(self.limit))
        };
        format!(
            "{} {} is {verdict} ({})",
            self.metric.replace('_', " "),
            show(self.actual),
            self.basis
        )
    }
}

/// The decimals a value needs so that `a` and `b` print differently when they differ
/// noticeably (and the unit's usual precision otherwise), at most six.
fn distinguishing_digits(a: f64, b: f64, unit: Unit) -> usize {
    let usual = match unit {
        Unit::Share => 1,
        Unit::PerRead | Unit::Ratio => 2,
        Unit::Count | Unit::Millis => 0,
    };
    let scale = if unit == Unit::Share { 100.0 } else { 1.0 };
    let (a, b) = (a * scale, b * scale);
    if (a - b).abs() < 1e-9 {
        return usual;
    }
    (usual..=6)
        .find(|&d| format!("{a:.d$}") != format!("{b:.d$}"))
        .unwrap_or(6)
}

/// [`fmt_value`] with at least `digits` decimals for shares, ratios and per-read values.
pub fn fmt_value_digits(value: f64, unit: Unit, digits: usize) -> String {
    match unit {
        Unit::Share => format!("{:.*}%", digits.max(1), value * 100.0),
        Unit::PerRead | Unit::Ratio if digits > 2 => {
            let s = format!("{value:.digits$}");
            if unit == Unit::Ratio {
                format!("{s}×")
            } else {
                s
            }
        }
        Unit::Count if value.fract().abs() > 1e-9 => format!("{value:.digits$}"),
        _ => fmt_value(value, unit),
    }
}

/// Where a scenario came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Shipped with the binary.
    Curated,
    /// Loaded with `--scenarios DIR`.
    File(String),
    /// Drawn by the random generator.
    Random,
    /// A schedule of the bounded-exhaustive scope.
    Exhaustive,
    /// Not a scenario: the budgets of every scenario too small to judge them alone,
    /// added up and judged together.
    Pooled,
}

/// One scenario's outcome.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScenarioResult {
    pub name: String,
    pub source: Source,
    pub verdict: Verdict,
    /// The first violations (at most [`MAX_LISTED_VIOLATIONS`]).
    pub violations: Vec<Violation>,
    pub violation_count: usize,
    /// Every violation counted per guarantee (the list above is capped; this is not).
    pub violations_by_guarantee: BTreeMap<Guarantee, usize>,
    #[serde(serialize_with = "ser_metrics")]
    pub metrics: Vec<Metric>,
    pub budgets: Vec<BudgetCheck>,
    /// Facts worth knowing that are not violations.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// What passing this scenario teaches, in the learner's own numbers; shown under a
    /// passing grade.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lesson: Option<String>,
    #[serde(skip)]
    pub events: u64,
}

/// Reports list this many violations per scenario; the count says how many there were.
pub const MAX_LISTED_VIOLATIONS: usize = 5;

fn ser_metrics<S: serde::Serializer>(metrics: &[Metric], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(metrics.len()))?;
    for m in metrics {
        match m.unit {
            Unit::Count => map.serialize_entry(&m.name, &(m.value.round() as i64))?,
            _ => map.serialize_entry(&m.name, &round4(m.value))?,
        }
    }
    map.end()
}

impl ScenarioResult {
    /// Budgets that were not met.
    pub fn missed_budgets(&self) -> impl Iterator<Item = &BudgetCheck> {
        self.budgets.iter().filter(|b| !b.met)
    }

    pub fn metric(&self, name: &str) -> Option<f64> {
        self.metrics
            .iter()
            .find(|m| m.name == name)
            .map(|m| m.value)
    }
}

/// What a lane of the timeline is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lane {
    /// A user on a device (the client side).
    Client { user: String, device: String },
    /// A cluster node.
    Node(String),
}

/// One line of a trace: what happened when, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceEvent {
    pub at: Millis,
    pub lane: Lane,
    pub text: String,
    /// Set on the operation that violated a guarantee.
    pub violates: Option<Guarantee>,
    /// The history's operation number, for client operations.
    pub op: Option<usize>,
    /// The budget (metric name) this operation counts against needlessly, e.g. a
    /// read served by the primary that a replica could have served.
    pub wastes: Option<&'static str>,
    /// A few words for the timeline's cell ("post", "view own", "crash").
    pub label: String,
    /// For reads: each attempt of the plan and how it went.
    pub attempts: Vec<AttemptRecord>,
    /// For writes: the LSN the primary gave it.
    pub wrote: Option<Lsn>,
    /// More cells for this row, as (lane, text): every responder of a quorum read and
    /// the version it returned, each follower's position at a promotion.
    pub cells: Vec<(String, String)>,
    /// A sentence drawn under the row: at a failing read, what the router was told
    /// (reports, failure detector) next to the true positions — the lesson is often in
    /// the difference.
    pub detail: Option<String>,
}

impl TraceEvent {
    /// An event on a lane, with nothing yet attached (no attempts, no write, no marks).
    pub fn new(at: Millis, lane: Lane, text: String, label: impl Into<String>) -> Self {
        TraceEvent {
            at,
            lane,
            text,
            violates: None,
            op: None,
            wastes: None,
            label: label.into(),
            attempts: Vec::new(),
            wrote: None,
            cells: Vec::new(),
            detail: None,
        }
    }

    /// `t=20.100 s  alice@phone  reads …` as one plain line.
    pub fn line(&self) -> String {
        let lane = match &self.lane {
            Lane::Client { user, device } => format!("{user}@{device}"),
            Lane::Node(n) => n.clone(),
        };
        let mark = match (self.violates, self.wastes) {
            (Some(g), _) => format!("  ✗ {g} violated"),
            (None, Some(_)) => "  (avoidable: a replica had it)".to_string(),
            (None, None) => String::new(),
        };
        format!(
            "t={:<16} {:<14} {}{}",
            fmt_time(self.at),
            lane,
            self.text,
            mark
        )
    }
}

/// The failure a learner should look at first, and how to see it again.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Counterexample {
    pub scenario: String,
    /// The violated guarantee's name, or the budget's metric.
    pub guarantee: String,
    /// Whether `guarantee` names a missed budget's metric rather than a guarantee.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub budget: bool,
    /// The explanation of the first violation or missed budget.
    pub explanation: String,
    /// The events of the shrunk scenario, one line each.
    pub events: Vec<String>,
    /// The shrunk scenario as a timeline, one row per line (header first); empty when
    /// there is nothing to draw (a sweep of pure functions).
    pub timeline: Vec<String>,
    /// Rows of the timeline (the header is row 0) that show a violation.
    #[serde(skip)]
    pub violating_rows: Vec<usize>,
    /// The kata's legend for the timeline's symbols.
    #[serde(skip)]
    pub legend: String,
    /// Size (operations and faults) of the failing scenario before and after shrinking.
    pub shrunk_from: usize,
    pub shrunk_to: usize,
    /// For a missed budget: the original scenario's figures, before shrinking.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original: Option<String>,
    /// What the sizes count, e.g. "operations and faults" or "nodes".
    pub shrunk_unit: String,
    /// The shrinker ran and could remove nothing (unlike a scenario shown as it ran).
    #[serde(skip)]
    pub minimal: bool,
    /// True when shrinking stopped at its time or run limit ("shrunk as far as the
    /// budget allowed"): the scenario fails the same way but may not be minimal.
    /// Absent from JSON when false.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub shrink_stopped_early: bool,
    /// The one command that replays it.
    pub replay: String,
    /// What the code printed (stdout and stderr) while the shrunk scenario ran, when
    /// it printed anything and ran in a supervised child.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<Printed>,
}

/// Lines printed by the graded code, clipped: the report shows a few, says how many
/// more there were, and is never flooded.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Printed {
    pub lines: Vec<String>,
    /// Lines left out before the first one listed (when the last lines are shown).
    pub omitted_before: usize,
    /// Lines left out after the last one listed (when the first lines are shown).
    pub omitted_after: usize,
    /// Where in the scenario each listed line was printed, one per line (`None` when
    /// it came after the last learner call): what lets `replay` draw the prints
    /// between the timeline's events instead of under them. Empty when not recorded
    /// (the end of the output before a crash); absent from JSON then.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub points: Vec<Option<PrintPoint>>,
}

/// The learner call during which a line was printed: the simulated time of the
/// scenario's step, and the function called.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PrintPoint {
    pub at_ms: Millis,
    pub function: String,
}

impl Printed {
    /// Lines shown at most.
    pub const MAX_LINES: usize = 20;

    /// At most `n` of the lines, chosen by `keep(index, point)` when any is (else the
    /// first ones), with the rest counted as left out after them.
    pub fn choose(&self, n: usize, keep: impl Fn(Option<&PrintPoint>) -> bool) -> Printed {
        let total = self.lines.len() + self.omitted_after;
        let point = |i: usize| self.points.get(i).and_then(Option::as_ref);
        let mut picked: Vec<usize> = (0..self.lines.len()).filter(|&i| keep(point(i))).collect();
        if picked.is_empty() {
            picked = (0..self.lines.len()).collect();
        }
        picked.truncate(n);
        Printed {
            lines: picked.iter().map(|&i| self.lines[i].clone()).collect(),
            omitted_before: self.omitted_before,
            omitted_after: total - picked.len(),
            points: if self.points.is_empty() {
                Vec::new()
            } else {
                picked.iter().map(|&i| point(i).cloned()).collect()
            },
        }
    }
    /// Characters shown per line at most.
    pub const MAX_LINE_CHARS: usize = 200;

    fn clip_line(line: &[u8]) -> String {
        let text = String::from_utf8_lossy(line);
        let text = text.trim_end_matches('\r');
        let mut out: String = text.chars().take(Self::MAX_LINE_CHARS).collect();
        if text.chars().count() > Self::MAX_LINE_CHARS {
            out.push('…');
        }
        out
    }

    /// Splits bytes into lines, each with the offset it starts at; a last line without
    /// a newline counts; blank lines at the start do not.
    fn split(bytes: &[u8]) -> Vec<(usize, &[u8])> {
        let mut lines: Vec<(usize, &[u8])> = Vec::new();
        let mut start = 0;
        for line in bytes.split(|&b| b == b'\n') {
            lines.push((start, line));
            start += line.len() + 1;
        }
        if lines.last().is_some_and(|(_, l)| l.is_empty()) {
            lines.pop();
        }
        let blank = lines
            .iter()
            .take_while(|(_, l)| l.trim_ascii().is_empty())
            .count();
        lines.split_off(blank)
    }

    /// The first lines of `bytes`, with the count of the rest; `None` for nothing.
    pub fn head(bytes: &[u8], total_lines: Option<usize>) -> Option<Printed> {
        Self::head_placed(
            bytes,
            total_lines,
            Self::MAX_LINES,
            None::<fn(usize) -> Option<PrintPoint>>,
        )
    }

    /// As [`Self::head`], keeping up to `max_lines`, and with `point_of` (given the
    /// offset in `bytes` where a line starts), where each listed line was printed.
    pub fn head_placed(
        bytes: &[u8],
        total_lines: Option<usize>,
        max_lines: usize,
        point_of: Option<impl Fn(usize) -> Option<PrintPoint>>,
    ) -> Option<Printed> {
        let lines = Self::split(bytes);
        if lines.is_empty() {
            return None;
        }
        let total = total_lines.unwrap_or(lines.len()).max(lines.len());
        let shown = &lines[..lines.len().min(max_lines)];
        Some(Printed {
            omitted_after: total - shown.len(),
            lines: shown.iter().map(|(_, l)| Self::clip_line(l)).collect(),
            omitted_before: 0,
            points: point_of.map_or_else(Vec::new, |point_of| {
                shown.iter().map(|&(at, _)| point_of(at)).collect()
            }),
        })
    }

    /// The last lines of `bytes` (the end of what was printed), with the count of the
    /// lines before them; `total_lines` counts every line printed, if more than
    /// `bytes` holds.
    pub fn tail(bytes: &[u8], total_lines: usize) -> Option<Printed> {
        let lines = Self::split(bytes);
        if lines.is_empty() {
            return None;
        }
        let skip = lines.len().saturating_sub(Self::MAX_LINES);
        let shown: Vec<String> = lines[skip..]
            .iter()
            .map(|(_, l)| Self::clip_line(l))
            .collect();
        Some(Printed {
            omitted_before: total_lines.max(lines.len()) - shown.len(),
            lines: shown,
            omitted_after: 0,
            points: Vec::new(),
        })
    }
}

/// Totals of a grade.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Stats {
    pub scenarios: usize,
    pub events: u64,
    /// Wall-clock grading time; `null` unless asked for with `--timings`, so that the
    /// same seed gives byte-identical output.
    pub elapsed_ms: Option<u64>,
    /// Schedules explored, for `--exhaustive` grades.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedules: Option<usize>,
}

/// A whole grade of one implementation of one kata.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GradeReport {
    pub kata: &'static str,
    pub topic: &'static str,
    /// `learner`, `instructor`, or a naive strategy's name.
    pub implementation: String,
    /// The file graded, for the learner's own implementation.
    pub file: Option<&'static str>,
    pub verdict: Verdict,
    pub seed: u64,
    pub scenarios: Vec<ScenarioResult>,
    /// Set when learner code could not be run to the end (not implemented, panic, hang).
    pub learner_fault: Option<LearnerFault>,
    /// What the code printed just before the learner fault (supervised grades only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learner_output: Option<Printed>,
    pub counterexample: Option<Counterexample>,
    pub stats: Stats,
}

impl GradeReport {
    pub fn failed(&self) -> impl Iterator<Item = &ScenarioResult> {
        self.scenarios.iter().filter(|s| s.verdict != Verdict::Pass)
    }

    pub fn scenario(&self, name: &str) -> Option<&ScenarioResult> {
        self.scenarios.iter().find(|s| s.name == name)
    }
}

/// A replay of one scenario: its result and its full trace.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplayReport {
    pub kata: &'static str,
    /// The kata's legend for the timeline's symbols.
    pub legend: &'static str,
    pub implementation: String,
    pub seed: u64,
    pub result: ScenarioResult,
    pub trace: Vec<TraceEvent>,
    pub learner_fault: Option<LearnerFault>,
    /// What the code printed while the scenario ran (supervised replays only).
    pub output: Option<Printed>,
}

#[cfg(test)]
mod budget_tests {
    use super::*;

    fn counts(actual: f64, best: f64, reads: f64) -> Relative {
        Relative {
            actual,
            best,
            base: reads,
            relative: 0.15,
            absolute: 3.0,
            per: reads,
            sample: reads,
        }
    }

    #[test]
    fn slack_is_the_larger_of_relative_and_absolute() {
        // 13 reads: 15 points would be under 2 reads; 3 reads of slack apply.
        let small = BudgetCheck::relative(
            "primary_read_share",
            Unit::Share,
            counts(3.0, 0.0, 13.0),
            false,
            String::new(),
        );
        assert!(small.met, "{}", small.describe());
        let over = BudgetCheck::relative(
            "primary_read_share",
            Unit::Share,
            counts(4.0, 0.0, 13.0),
            false,
            String::new(),
        );
        assert!(!over.met);
        // 1,000 reads: 15 points (150 reads) apply, not 3.
        let large = BudgetCheck::relative(
            "primary_read_share",
            Unit::Share,
            counts(160.0, 10.0, 1000.0),
            false,
            String::new(),
        );
        assert!(large.met);
        assert!((large.limit - 0.16).abs() < 1e-12);
    }

    #[test]
    fn a_pooled_budget_is_not_judged_alone_and_says_so() {
        let b = BudgetCheck::relative(
            "primary_read_share",
            Unit::Share,
            counts(9.0, 0.0, 10.0),
            true,
            "x".into(),
        );
        assert!(b.met && b.pooled);
        assert!(
            b.describe().contains("not judged alone"),
            "{}",
            b.describe()
        );
    }

    #[test]
    fn enough_digits_to_explain_the_verdict() {
        let b = BudgetCheck::at_most("load_imbalance", 1.503, 1.5, Unit::Ratio, "b".into());
        assert_eq!(
            b.describe(),
            "load imbalance 1.503× is over its budget of 1.500× by 0.003× (b)"
        );
        let s = BudgetCheck::at_most(
            "primary_read_share",
            0.21304,
            0.213,
            Unit::Share,
            "b".into(),
        );
        assert!(
            s.describe()
                .starts_with("primary read share 21.304% is over its budget of 21.300%"),
            "{}",
            s.describe()
        );
        let plain = BudgetCheck::at_most("load_imbalance", 2.0, 1.5, Unit::Ratio, "b".into());
        assert!(
            plain
                .describe()
                .starts_with("load imbalance 2.00× is over its budget of 1.50× by 0.50×"),
            "{}",
            plain.describe()
        );
    }
}
