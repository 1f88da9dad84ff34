//! The grader: runs an implementation against every curated scenario and a random
//! batch, applies the checkers and budgets, and builds the report.
//!
//! It is generic over [`Kata`]: nothing here knows about QuickPost or any other kata,
//! so adding a kata never edits this file.

pub mod capture;
mod guard;
pub mod shrink;

pub use crate::report::{GradeReport, ReplayReport};
pub use guard::{
    Guard, LearnerFault, LearnerFn, Phase, RegionSnapshot, SHARED_SLOTS, SharedRegion,
    SlotSnapshot, mark_grader_thread, run_watched, take_stray_panic,
};
pub use shrink::{Signature, removals};

use crate::katas::{Kata, KataEntry, KataScenario, ScenarioRun};
use crate::report::{
    BudgetCheck, Counterexample, MAX_LISTED_VIOLATIONS, Relative, ScenarioResult, Source, Stats,
    TraceEvent, Unit, Verdict,
};
use crate::scenario::{self, ScenarioError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use thiserror::Error;

/// Random scenarios per grade unless `--random N` says otherwise.
pub const DEFAULT_RANDOM_SCENARIOS: usize = 2_000;

/// The name given to the reference solution.
pub const INSTRUCTOR: &str = "instructor";

/// Whose code to grade.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Target {
    /// The learner's file in `katas/`.
    Learner,
    /// A solution from `solutions/`: `instructor` or a naive strategy's name.
    Solution(String),
}

/// What to grade, and how.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GradeRequest {
    pub target: Target,
    pub seed: u64,
    /// Random scenarios to add to the curated ones.
    pub random: usize,
    /// Extra scenario files; a file with the name of a curated scenario replaces it.
    pub scenario_dir: Option<PathBuf>,
    /// Explore the kata's whole bounded scope instead of curated + random scenarios.
    pub exhaustive: bool,
    /// Grading threads; 0 means one per core (at most four). The result is the same
    /// whatever the number.
    pub jobs: usize,
    /// Build a counterexample (determinism check, shrinking, timeline) for the first
    /// failure. `compare` turns it off: it only wants the numbers.
    pub explain: bool,
    /// How wide the counterexample's timeline may be: the terminal's width for a
    /// person, [`crate::report::timeline::WIDTH`] otherwise (JSON, pipes).
    pub timeline_width: usize,
    /// Stop grading new scenarios after this long (milliseconds) and report what was
    /// graded; `None` for no limit. The supervisor also kills a child that runs past
    /// it, since one scenario can be slow too.
    pub time_limit_ms: Option<u64>,
}

impl GradeRequest {
    pub fn new(target: Target, seed: u64) -> Self {
        GradeRequest {
            target,
            seed,
            random: DEFAULT_RANDOM_SCENARIOS,
            scenario_dir: None,
            exhaustive: false,
            jobs: 0,
            explain: true,
            timeline_width: crate::report::timeline::WIDTH,
            time_limit_ms: None,
        }
    }
}

/// Grading could not start: bad input from the command line or a scenario file.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum GradeError {
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error("{kata} has no solution named `{name}`; the solutions are: {available}")]
    UnknownSolution {
        kata: &'static str,
        name: String,
        available: String,
    },
    #[error("{kata} has no exhaustive mode yet")]
    NoExhaustiveMode { kata: &'static str },
    #[error(
        "{kata} has no scenario named `{name}`; curated ones are: {available} (random ones are \
         named random-0, random-1, …)"
    )]
    UnknownScenario {
        kata: &'static str,
        name: String,
        available: String,
    },
}

/// Makes a fresh implementation of a kata's learner-facing trait.
pub type Make<K> = fn() -> Box<<K as Kata>::Subject>;

fn implementation<K: Kata>(
    entry: &KataEntry<K>,
    target: &Target,
) -> Result<(String, Make<K>), GradeError> {
    match target {
        Target::Learner => Ok(("learner".to_string(), entry.learner)),
        Target::Solution(name) => entry
            .solutions
            .iter()
            .find(|s| s.name == name)
            .map(|s| (s.name.to_string(), s.make))
            .ok_or_else(|| GradeError::UnknownSolution {
                kata: entry.kata.info().name,
                name: name.clone(),
                available: entry
                    .solutions
                    .iter()
                    .map(|s| s.name)
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
    }
}

/// The curated scenarios (embedded), with those of `--scenarios DIR` added or
/// replacing same-named ones; each validated.
fn curated<K: Kata>(
    kata: &K,
    dir: Option<&PathBuf>,
) -> Result<Vec<(Source, K::Scenario)>, GradeError> {
    let name = kata.info().name;
    let mut out: Vec<(Source, K::Scenario)> = Vec::new();
    let mut add = |source: Source, path: &str, text: &str| -> Result<(), GradeError> {
        let Some(s) = scenario::parse::<K::Scenario>(path, text, name)? else {
            return Ok(());
        };
        kata.validate(&s)
            .map_err(|message| ScenarioError::Invalid {
                path: path.to_string(),
                message,
            })?;
        if s.name().starts_with("random-") {
            return Err(ScenarioError::Invalid {
                path: path.to_string(),
                message: "names starting with `random-` are reserved for random scenarios".into(),
            }
            .into());
        }
        match out.iter_mut().find(|(_, o)| o.name() == s.name()) {
            Some((Source::File(other), _)) => {
                return Err(ScenarioError::Invalid {
                    path: path.to_string(),
                    message: format!(
                        "{other} is also named `{}`: rename one of them (a file may replace \
                         a curated scenario, but two files cannot have the same name)",
                        s.name()
                    ),
                }
                .into());
            }
            Some(slot) if matches!(source, Source::File(_)) => *slot = (source, s),
            Some(_) => {
                return Err(ScenarioError::Invalid {
                    path: path.to_string(),
                    message: format!("another scenario is already named `{}`", s.name()),
                }
                .into());
            }
            None => out.push((source, s)),
        }
        Ok(())
    };
    for (path, text) in scenario::embedded(name) {
        add(Source::Curated, path, text)?;
    }
    if let Some(dir) = dir {
        for (path, text) in scenario::read_dir(dir)? {
            add(Source::File(path.clone()), &path, &text)?;
        }
    }
    Ok(out)
}

/// Seeds each scenario from the grade's seed and the scenario's name, so a scenario
/// behaves the same whether it is graded in a batch or replayed alone.
pub fn scenario_seed(seed: u64, name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    splitmix64(seed ^ h)
}

/// SplitMix64, the standard way to derive well-spread seeds from related inputs.
pub fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn result_of(name: String, source: Source, run: &ScenarioRun) -> ScenarioResult {
    let pass = run.violations.is_empty() && run.budgets.iter().all(|b| b.met);
    ScenarioResult {
        name,
        source,
        verdict: if pass { Verdict::Pass } else { Verdict::Fail },
        violations: run
            .violations
            .iter()
            .take(MAX_LISTED_VIOLATIONS)
            .cloned()
            .collect(),
        violation_count: run.violations.len(),
        violations_by_guarantee: run.violations.iter().fold(BTreeMap::new(), |mut by, v| {
            *by.entry(v.guarantee).or_insert(0) += 1;
            by
        }),
        metrics: run.metrics.clone(),
        budgets: run.budgets.clone(),
        notes: run.notes.clone(),
        lesson: pass.then(|| run.lesson.clone()).flatten(),
        events: run.events,
    }
}

/// Runs one scenario against a fresh implementation, seeded from the grade's seed and
/// the scenario's name.
pub fn run_one<K: Kata>(
    kata: &K,
    make: Make<K>,
    scenario: &K::Scenario,
    seed: u64,
    guard: &Guard,
    trace: bool,
) -> Result<ScenarioRun, LearnerFault> {
    guard.at_time(0);
    let mut subject = guard.call(&kata.info().constructor, make)?;
    kata.run(
        scenario,
        &mut *subject,
        scenario_seed(seed, scenario.name()),
        guard,
        trace,
    )
}

/// Grading threads: as asked, or one per core (at most four).
fn workers(jobs: usize) -> usize {
    if jobs > 0 {
        return jobs;
    }
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

type Outcome = Result<ScenarioResult, LearnerFault>;

/// Runs every scenario, spread over the cores, and returns the outcomes in scenario
/// order up to and including the first learner fault — exactly what one thread going
/// through them in order would have found. Scenario `i` goes to worker `i mod n`, so
/// when a worker stops at a fault, every scenario before it has been run.
fn run_all<K: Kata>(
    kata: &K,
    make: Make<K>,
    scenarios: &[(Source, K::Scenario)],
    request: &GradeRequest,
    guard: &Guard,
) -> Vec<(usize, Outcome)> {
    let seed = request.seed;
    let n = workers(request.jobs).min(scenarios.len()).max(1);
    let deadline = request
        .time_limit_ms
        .map(|ms| Instant::now() + Duration::from_millis(ms));
    let work = |guard: Guard, first: usize| {
        let mut out = Vec::new();
        for i in (first..scenarios.len()).step_by(n) {
            if deadline.is_some_and(|d| Instant::now() >= d) {
                // Filled in by `grade`, which knows how many were graded in order.
                out.push((i, Err(timed_out(request, 0, scenarios.len(), None))));
                break;
            }
            let (source, scenario) = &scenarios[i];
            guard.at_scenario(i, Phase::Grading);
            let outcome = run_one(kata, make, scenario, seed, &guard, false)
                .map(|run| result_of(scenario.name().to_string(), source.clone(), &run));
            guard.scenario_done();
            let stop = outcome.is_err();
            out.push((i, outcome));
            if stop {
                break;
            }
        }
        out
    };
    let mut outcomes: Vec<(usize, Outcome)> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..n)
            .map(|first| {
                let guard = guard.fork();
                std::thread::Builder::new()
                    .stack_size(16 << 20)
                    .spawn_scoped(scope, move || {
                        mark_grader_thread();
                        work(guard, first)
                    })
                    .expect("spawning a grading thread")
            })
            .collect();
        let mut all = work(guard.clone(), 0);
        for h in helpers {
            all.extend(h.join().expect("a grading thread stopped without a result"));
        }
        all
    });
    outcomes.sort_by_key(|(i, _)| *i);
    if let Some(stop) = outcomes.iter().position(|(_, o)| o.is_err()) {
        outcomes.truncate(stop + 1);
    }
    outcomes
}

/// The scenarios a grade runs, in order: with `--exhaustive`, the exhaustive scope
/// alone; otherwise the curated ones (with `--scenarios DIR`), the random batch, and
/// the kata's exhaustive scope if it has one — a complete search of a small scope
/// catches what no seed may draw, so the default verdict does not depend on luck.
pub fn scenarios<K: Kata>(
    kata: &K,
    request: &GradeRequest,
) -> Result<Vec<(Source, K::Scenario)>, GradeError> {
    if request.exhaustive {
        let all = kata.exhaustive();
        if all.is_empty() {
            return Err(GradeError::NoExhaustiveMode {
                kata: kata.info().name,
            });
        }
        return Ok(all.into_iter().map(|s| (Source::Exhaustive, s)).collect());
    }
    let mut all = curated(kata, request.scenario_dir.as_ref())?;
    all.extend(
        (0..request.random).map(|i| (Source::Random, kata.random_scenario(request.seed, i))),
    );
    all.extend(
        kata.exhaustive()
            .into_iter()
            .map(|s| (Source::Exhaustive, s)),
    );
    Ok(all)
}

/// Grades one implementation of one kata.
pub fn grade<K: Kata>(
    entry: &KataEntry<K>,
    request: &GradeRequest,
    guard: &Guard,
) -> Result<GradeReport, GradeError> {
    let kata = &entry.kata;
    let info = kata.info();
    let (implementation, make) = implementation(entry, &request.target)?;
    let scenarios = scenarios(kata, request)?;
    guard.set_total(scenarios.len());
    let sample = if request.explain {
        // Not from `--scenarios DIR`: a file may generate a million operations, and
        // the check runs each sampled scenario three more times. Not the exhaustive
        // scope's schedules either: a handful of operations each, too few for an
        // iteration order or a clock to show.
        let eligible: Vec<usize> = (0..scenarios.len())
            .filter(|&i| !matches!(scenarios[i].0, Source::File(_) | Source::Exhaustive))
            .collect();
        determinism_sample(request.seed, eligible.len())
            .into_iter()
            .map(|k| eligible[k])
            .collect()
    } else {
        Vec::new()
    };
    // The sample, run first, before anything else has run in this process: what the
    // code does from a fresh state, to compare with the grade's runs later.
    let fresh: Vec<(usize, Option<ScenarioResult>)> = sample
        .iter()
        .map(|&i| {
            let (source, scenario) = &scenarios[i];
            guard.at_scenario(i, Phase::DeterminismCheck);
            let run = run_one(kata, make, scenario, request.seed, guard, false).ok();
            let result = run.map(|r| result_of(scenario.name().to_string(), source.clone(), &r));
            (i, result)
        })
        .collect();
    let mut sampled = Vec::new();
    let mut results = Vec::new();
    let mut events = 0;
    let mut schedules = 0;
    let mut fault = None;
    let mut pool = Pool::default();
    for (i, outcome) in run_all(kata, make, &scenarios, request, guard) {
        match outcome {
            Ok(result) => {
                events += result.events;
                schedules += 1;
                pool.add(i, &result);
                if sample.contains(&i) {
                    sampled.push((i, result.clone()));
                }
                // Exhaustive schedules are listed only when they fail, in every grade.
                if result.source != Source::Exhaustive || result.verdict != Verdict::Pass {
                    results.push(result);
                }
            }
            Err(LearnerFault::TimedOut {
                limit_ms, total, ..
            }) => {
                fault = Some(LearnerFault::TimedOut {
                    limit_ms,
                    graded: schedules,
                    total,
                    scenario: scenarios.get(i).map(|(_, s)| s.name().to_string()),
                });
                break;
            }
            Err(f) => {
                debug_assert!(i < scenarios.len());
                fault = Some(f);
                break;
            }
        }
    }
    if fault.is_none() && request.explain {
        fault = check_determinism(kata, make, &scenarios, &fresh, &sampled, request, guard).err();
    }

    // Listed like the scenarios: always, except that an exhaustive grade lists only
    // what failed.
    if fault.is_none()
        && let Some(pooled) = pool.result()
        && (!request.exhaustive || pooled.verdict != Verdict::Pass)
    {
        results.push(pooled);
    }

    // Violated guarantees explain more than missed budgets, and a scenario's own
    // budgets more than the pooled ones: show one of those first.
    let first_failure = results
        .iter()
        .find(|r| r.verdict == Verdict::Fail && r.violation_count > 0)
        .or_else(|| {
            results
                .iter()
                .find(|r| r.verdict == Verdict::Fail && r.source != Source::Pooled)
        });
    let mut counterexample = None;
    if fault.is_none() && request.explain {
        let explained = match first_failure {
            Some(failed) => {
                if let Some(i) = scenarios.iter().position(|(_, s)| s.name() == failed.name) {
                    guard.at_scenario(i, Phase::Explaining);
                }
                Some(self::counterexample(entry, request, make, failed, guard)?)
            }
            None => match pool.worst_failing(&results) {
                Some((index, check)) => {
                    let (_, scenario) = &scenarios[index];
                    guard.at_scenario(index, Phase::Explaining);
                    Some(pooled_counterexample(
                        kata, request, make, scenario, &check, guard,
                    ))
                }
                None => None,
            },
        };
        match explained {
            Some(Ok(c)) => counterexample = Some(c),
            Some(Err(f)) => fault = Some(f),
            None => {}
        }
    }
    let verdict = match &fault {
        Some(f) if f.is_not_implemented() => Verdict::NotImplemented,
        Some(_) => Verdict::Fail,
        None if results.iter().all(|r| r.verdict == Verdict::Pass) => Verdict::Pass,
        None => Verdict::Fail,
    };
    Ok(GradeReport {
        kata: info.name,
        topic: info.topic,
        file: matches!(request.target, Target::Learner).then_some(info.file),
        implementation,
        verdict,
        seed: request.seed,
        stats: Stats {
            scenarios: schedules,
            events,
            elapsed_ms: None,
            schedules: request.exhaustive.then_some(schedules),
        },
        scenarios: results,
        learner_output: fault.as_ref().and_then(|_| capture::tail()),
        learner_fault: fault,
        counterexample,
    })
}

/// The budgets of scenarios too small to judge them alone, added up per metric, and
/// which scenario spent the most over the best possible implementation.
#[derive(Default)]
struct Pool {
    metrics: BTreeMap<&'static str, Pooled>,
}

/// One metric's pool.
struct Pooled {
    unit: Unit,
    /// The counts of every pooled scenario, added up (the slack rule is the first's).
    counts: Relative,
    scenarios: usize,
    /// The scenario (index into the grade's) that spent the most over the best
    /// possible, with that excess: the pooled counterexample.
    worst: Option<(usize, f64)>,
}

impl Pool {
    fn add(&mut self, index: usize, result: &ScenarioResult) {
        // The exhaustive scope's schedules (a handful of operations each) are there to
        // find guarantee violations; thousands of them would swamp the pooled sample
        // with the scope's own traffic shape, so they do not count towards budgets.
        if result.source == Source::Exhaustive {
            return;
        }
        for b in result.budgets.iter().filter(|b| b.pooled) {
            let Some(counts) = b.relative else { continue };
            let excess = counts.actual - counts.best;
            let pool = self.metrics.entry(b.metric).or_insert(Pooled {
                unit: b.unit,
                counts: Relative {
                    actual: 0.0,
                    best: 0.0,
                    base: 0.0,
                    per: 0.0,
                    sample: 0.0,
                    ..counts
                },
                scenarios: 0,
                worst: None,
            });
            pool.counts.add(&counts);
            pool.scenarios += 1;
            if pool.worst.is_none_or(|(_, worst)| excess > worst) {
                pool.worst = Some((index, excess));
            }
        }
    }

    fn checks(&self) -> Vec<BudgetCheck> {
        self.metrics
            .iter()
            .map(|(&metric, pool)| {
                let Pooled {
                    unit,
                    counts,
                    scenarios,
                    ..
                } = pool;
                let basis = format!(
                    "{scenarios} scenarios too small to judge alone, added up: {} here \
                     against {} for the best possible, + slack of {:.0}% or {}, whichever is \
                     larger",
                    counts.actual,
                    counts.best,
                    counts.relative * 100.0,
                    counts.absolute
                );
                BudgetCheck::relative(metric, *unit, *counts, false, basis)
            })
            .collect()
    }

    /// The pooled result, if any scenario was too small to judge alone.
    fn result(&self) -> Option<ScenarioResult> {
        if self.metrics.is_empty() {
            return None;
        }
        let budgets = self.checks();
        let pass = budgets.iter().all(|b| b.met);
        Some(ScenarioResult {
            name: POOLED.to_string(),
            source: Source::Pooled,
            verdict: if pass { Verdict::Pass } else { Verdict::Fail },
            violations: Vec::new(),
            violation_count: 0,
            violations_by_guarantee: BTreeMap::new(),
            metrics: Vec::new(),
            budgets,
            notes: Vec::new(),
            lesson: None,
            events: 0,
        })
    }

    /// The first pooled budget missed, with the scenario that spent the most over the
    /// best possible on it.
    fn worst_failing(&self, results: &[ScenarioResult]) -> Option<(usize, BudgetCheck)> {
        let pooled = results.iter().find(|r| r.source == Source::Pooled)?;
        let missed = pooled.missed_budgets().next()?;
        let pool = self.metrics.get(missed.metric)?;
        pool.worst.map(|(index, _)| (index, missed.clone()))
    }
}

/// A run's trace as timeline rows, and which rows show a violation; nothing when there
/// is nothing to draw (a sweep of pure functions).
fn drawn(run: &ScenarioRun, width: usize) -> (Vec<String>, Vec<usize>) {
    if run.trace.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let rows = crate::report::timeline::render(&run.trace, width);
    let violating = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.violation)
        .map(|(i, _)| i)
        .collect();
    (rows.into_iter().map(|row| row.text).collect(), violating)
}

/// What a kata's scenario sizes count, for `size` of them.
fn size_unit<K: Kata>(kata: &K, size: usize) -> String {
    let (one, many) = kata.size_unit();
    if size == 1 { one } else { many }.to_string()
}

/// The name of the pooled result in reports.
pub const POOLED: &str = "small scenarios, pooled";

/// A counterexample for a pooled budget: the small scenario that spent the most over
/// the best possible, replayed as it is — shrinking a sample that is already too small
/// to judge alone would show nothing.
fn pooled_counterexample<K: Kata>(
    kata: &K,
    request: &GradeRequest,
    make: Make<K>,
    scenario: &K::Scenario,
    missed: &BudgetCheck,
    guard: &Guard,
) -> Result<Counterexample, LearnerFault> {
    let (run, output) =
        capture::during(|| run_one(kata, make, scenario, request.seed, guard, true));
    let run = run?;
    let here = run
        .budgets
        .iter()
        .find(|b| b.metric == missed.metric)
        .map(BudgetCheck::describe)
        .unwrap_or_default();
    let size = kata.size(scenario);
    let (timeline, violating_rows) = drawn(&run, request.timeline_width);
    Ok(Counterexample {
        scenario: scenario.name().to_string(),
        guarantee: missed.metric.to_string(),
        budget: true,
        explanation: format!(
            "{} Of those scenarios, {} spent the most over the best possible: {here}.",
            missed.describe(),
            scenario.name()
        ),
        events: run.trace.iter().map(TraceEvent::line).collect(),
        timeline,
        violating_rows,
        legend: kata.info().legend.to_string(),
        shrunk_from: size,
        shrunk_to: size,
        original: None,
        shrunk_unit: size_unit(kata, size),
        minimal: false,
        shrink_stopped_early: false,
        replay: replay_command(kata.info().name, request, scenario.name()),
        output,
    })
}

/// The name of the `index`-th scenario [`scenarios`] returns, without generating the
/// random ones: `random-N` and `exhaustive-N` are what [`find_scenario`] accepts.
pub fn scenario_name<K: Kata>(kata: &K, request: &GradeRequest, index: usize) -> Option<String> {
    if request.exhaustive {
        return Some(format!("exhaustive-{index}"));
    }
    let curated = curated(kata, request.scenario_dir.as_ref()).ok()?;
    match curated.get(index) {
        Some((_, s)) => Some(s.name().to_string()),
        None if index - curated.len() < request.random => {
            Some(format!("random-{}", index - curated.len()))
        }
        None => None,
    }
}

/// Finds a scenario by name: curated, from `--scenarios DIR`, or `random-N`.
fn find_scenario<K: Kata>(
    kata: &K,
    request: &GradeRequest,
    name: &str,
) -> Result<(Source, K::Scenario), GradeError> {
    if let Some(i) = name.strip_prefix("random-").and_then(|n| n.parse().ok()) {
        return Ok((Source::Random, kata.random_scenario(request.seed, i)));
    }
    if let Some(i) = name
        .strip_prefix("exhaustive-")
        .and_then(|n| n.parse::<usize>().ok())
        && let Some(s) = kata.exhaustive().into_iter().nth(i)
    {
        return Ok((Source::Exhaustive, s));
    }
    let curated = curated(kata, request.scenario_dir.as_ref())?;
    let available = curated
        .iter()
        .map(|(_, s)| s.name().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    curated
        .into_iter()
        .find(|(_, s)| s.name() == name)
        .ok_or_else(|| GradeError::UnknownScenario {
            kata: kata.info().name,
            name: name.to_string(),
            available,
        })
}

/// The command that replays one scenario of this grade.
pub fn replay_command(kata: &str, request: &GradeRequest, scenario: &str) -> String {
    let mut cmd = format!(
        "cargo run -- replay {kata} --scenario {scenario} --seed {}",
        request.seed
    );
    if let Target::Solution(name) = &request.target {
        cmd.push_str(" --solution ");
        cmd.push_str(name);
    }
    if let Some(dir) = &request.scenario_dir {
        cmd.push_str(&format!(" --scenarios {}", dir.display()));
    }
    cmd
}

/// What the likely causes of nondeterminism are, for the report.
const NONDETERMINISM_CAUSES: &str = "iterating a HashMap or HashSet (their order changes \
between instances: use BTreeMap/BTreeSet), reading the clock (use the view's `now()`), or \
thread_rng / random numbers without a fixed seed";

fn counterexample<K: Kata>(
    entry: &KataEntry<K>,
    request: &GradeRequest,
    make: Make<K>,
    failed: &ScenarioResult,
    guard: &Guard,
) -> Result<Result<Counterexample, LearnerFault>, GradeError> {
    let kata = &entry.kata;
    let (_, scenario) = find_scenario(kata, request, &failed.name)?;
    let reference = entry
        .solutions
        .iter()
        .find(|s| s.name == INSTRUCTOR)
        .map(|s| s.make);
    Ok(counterexample_of(
        kata, request, make, reference, failed, &scenario, guard,
    ))
}

/// Most simulated events a failing scenario may have for its two determinism re-runs
/// to be traced and compared event by event. Past it they are compared by result: two
/// traces of a 400,000-operation TaskFlow file (every event with its sentence and the
/// router's view) took 700 MB, most of the child's memory limit.
const MAX_TRACED_EVENTS: u64 = 50_000;

fn counterexample_of<K: Kata>(
    kata: &K,
    request: &GradeRequest,
    make: Make<K>,
    reference: Option<Make<K>>,
    failed: &ScenarioResult,
    scenario: &K::Scenario,
    guard: &Guard,
) -> Result<Counterexample, LearnerFault> {
    // The same seed must give the same history. Run the scenario twice more; if the
    // runs disagree with each other or with the grade, the implementation depends on
    // something besides its inputs. Traces are compared when they are small enough to
    // hold two of; a huge scenario's runs are compared by their results instead.
    let first = run_one(kata, make, scenario, request.seed, guard, false)?;
    let traced = first.events <= MAX_TRACED_EVENTS;
    let (first, second) = if traced {
        (
            run_one(kata, make, scenario, request.seed, guard, true)?,
            run_one(kata, make, scenario, request.seed, guard, true)?,
        )
    } else {
        let second = run_one(kata, make, scenario, request.seed, guard, false)?;
        (first, second)
    };
    let results_differ = || {
        let result = |run| result_of(failed.name.clone(), failed.source.clone(), run);
        result(&first) != result(&second)
    };
    if first.trace != second.trace
        || first.violations.len() != failed.violation_count
        || (!traced && results_differ())
    {
        let detail = first
            .trace
            .iter()
            .zip(&second.trace)
            .find(|(a, b)| a != b)
            .map(|(a, b)| format!("first run: {}\nsecond run: {}", a.line(), b.line()))
            .unwrap_or_else(|| "the runs found different violations".to_string());
        return Err(LearnerFault::Nondeterministic {
            scenario: failed.name.clone(),
            difference: detail,
            likely_causes: NONDETERMINISM_CAUSES.to_string(),
        });
    }
    let Some(signature) = Signature::of(&first) else {
        return Err(nondeterministic(
            &failed.name,
            "the scenario failed when graded, then passed when run again on the same seed \
             with a fresh implementation"
                .to_string(),
        ));
    };
    let original = match &signature {
        Signature::Misses(metric) => first
            .budgets
            .iter()
            .find(|b| b.metric == *metric)
            .map(|b| b.describe()),
        Signature::Violates(_) => None,
    };
    let shrunk = shrink::shrink(
        kata,
        make,
        reference,
        scenario,
        request.seed,
        &signature,
        guard,
    )?;
    let (run, output) =
        capture::during(|| run_one(kata, make, &shrunk.scenario, request.seed, guard, true));
    let run = run?;
    let changed = || {
        nondeterministic(
            &failed.name,
            format!(
                "the shrunk scenario ({} events) failed as {} while shrinking, but not when \
                 run again on the same seed",
                shrunk.to,
                match &signature {
                    Signature::Violates(g) => g.name().to_string(),
                    Signature::Misses(m) => format!("the {m} budget"),
                }
            ),
        )
    };
    let budget = matches!(signature, Signature::Misses(_));
    let (guarantee, explanation) = match &signature {
        Signature::Violates(g) => {
            let v = run
                .violations
                .iter()
                .find(|v| v.guarantee == *g)
                .ok_or_else(changed)?;
            (g.name().to_string(), v.explanation.clone())
        }
        Signature::Misses(metric) => {
            let b = run
                .budgets
                .iter()
                .find(|b| b.metric == *metric)
                .ok_or_else(changed)?;
            (metric.to_string(), b.describe())
        }
    };
    let (timeline, violating_rows) = drawn(&run, request.timeline_width);
    Ok(Counterexample {
        scenario: failed.name.clone(),
        guarantee,
        budget,
        explanation,
        events: run.trace.iter().map(TraceEvent::line).collect(),
        timeline,
        violating_rows,
        legend: kata.info().legend.to_string(),
        shrunk_from: shrunk.from,
        shrunk_to: shrunk.to,
        original: original.filter(|_| shrunk.to < shrunk.from),
        shrunk_unit: size_unit(kata, shrunk.to),
        minimal: shrunk.to == shrunk.from && shrunk.complete,
        shrink_stopped_early: !shrunk.complete,
        replay: replay_command(kata.info().name, request, &failed.name),
        output,
    })
}

/// A nondeterminism fault for `scenario`.
fn nondeterministic(scenario: &str, difference: String) -> LearnerFault {
    LearnerFault::Nondeterministic {
        scenario: scenario.to_string(),
        difference,
        likely_causes: NONDETERMINISM_CAUSES.to_string(),
    }
}

/// A time-out fault; `grade` fills in how far it got.
fn timed_out(
    request: &GradeRequest,
    graded: usize,
    total: usize,
    scenario: Option<String>,
) -> LearnerFault {
    LearnerFault::TimedOut {
        limit_ms: request.time_limit_ms.unwrap_or(0),
        graded,
        total,
        scenario,
    }
}

/// Scenarios re-run on every grade, passing or not, to check that the code decides
/// the same way on the same seed.
pub const DETERMINISM_SAMPLE: usize = 8;

/// Which scenarios (indices into the grade's list) the determinism check re-runs:
/// [`DETERMINISM_SAMPLE`] of them, drawn from the seed, so the same seed re-runs the
/// same ones.
pub fn determinism_sample(seed: u64, scenarios: usize) -> Vec<usize> {
    if scenarios == 0 {
        return Vec::new();
    }
    let mut picked: Vec<usize> = (0..DETERMINISM_SAMPLE as u64)
        .map(|k| (splitmix64(seed ^ splitmix64(k + 1)) % scenarios as u64) as usize)
        .collect();
    picked.sort_unstable();
    picked.dedup();
    picked
}

/// Runs each sampled scenario twice more, each time with a fresh implementation, and
/// checks that both runs agree with each other and with the grade. Before, the check
/// ran only after a failure, so code whose decisions depend on `HashSet` order passed
/// on some runs and was reported nondeterministic on others; now it is reported on
/// every run.
///
/// `fresh` holds the sample's results from before anything else ran in the process:
/// a run that disagrees with it after the other scenarios ran means state carried
/// over from them (a `static`, a thread-local), which would make a failure that the
/// grade reports pass when replayed alone.
fn check_determinism<K: Kata>(
    kata: &K,
    make: Make<K>,
    scenarios: &[(Source, K::Scenario)],
    fresh: &[(usize, Option<ScenarioResult>)],
    graded: &[(usize, ScenarioResult)],
    request: &GradeRequest,
    guard: &Guard,
) -> Result<(), LearnerFault> {
    // First the two back-to-back runs: code that decides differently on the same seed
    // is nondeterministic, whatever else is true of it.
    let mut reruns = Vec::new();
    for (i, _) in graded {
        let (source, scenario) = &scenarios[*i];
        guard.at_scenario(*i, Phase::DeterminismCheck);
        let first = run_one(kata, make, scenario, request.seed, guard, true)?;
        let second = run_one(kata, make, scenario, request.seed, guard, true)?;
        let name = scenario.name();
        if let Some((a, b)) = first.trace.iter().zip(&second.trace).find(|(a, b)| a != b) {
            return Err(nondeterministic(
                name,
                format!("first run: {}\nsecond run: {}", a.line(), b.line()),
            ));
        }
        let again = result_of(name.to_string(), source.clone(), &first);
        let rerun = result_of(name.to_string(), source.clone(), &second);
        if first.trace.len() != second.trace.len() || again != rerun {
            return Err(nondeterministic(
                name,
                format!(
                    "first run: {}\nsecond run: {}",
                    summary(&again, &rerun),
                    summary(&rerun, &again)
                ),
            ));
        }
        reruns.push(again);
    }
    // Then the same scenario at three moments of the process: first of all, among the
    // others, at the end. Runs that repeat but depend on the moment read state that
    // outlived the implementation.
    for ((i, result), again) in graded.iter().zip(&reruns) {
        let name = scenarios[*i].1.name();
        let first = fresh
            .iter()
            .find(|(j, _)| j == i)
            .and_then(|(_, r)| r.as_ref());
        let (when, other) = match first {
            Some(first) if first != result => ("run first, in a fresh process", first),
            _ if again != result => ("run again at the end", again),
            _ => continue,
        };
        return Err(LearnerFault::Nondeterministic {
            scenario: name.to_string(),
            difference: format!(
                "{when}: {}\ngraded among the other scenarios: {}",
                summary(other, result),
                summary(result, other)
            ),
            likely_causes: STATE_LEAK_CAUSES.to_string(),
        });
    }
    Ok(())
}

/// What `r` found, in the terms in which it differs from `other`: "3 violations",
/// "primary read share 1.5%", "over budget: primary_read_share".
fn summary(r: &ScenarioResult, other: &ScenarioResult) -> String {
    if r.violation_count != other.violation_count {
        return format!("{} violations", r.violation_count);
    }
    let missed: Vec<&str> = r.missed_budgets().map(|b| b.metric).collect();
    let other_missed: Vec<&str> = other.missed_budgets().map(|b| b.metric).collect();
    if missed != other_missed {
        return if missed.is_empty() {
            "every budget met".to_string()
        } else {
            format!("over budget: {}", missed.join(", "))
        };
    }
    if let Some(m) = r.metrics.iter().find(|m| {
        other
            .metrics
            .iter()
            .any(|o| o.name == m.name && o.value != m.value)
    }) {
        return format!("{} {}", m.name.replace('_', " "), m.display());
    }
    format!("{} violations, {} events", r.violation_count, r.events)
}

/// Why a scenario can behave differently after other scenarios ran.
const STATE_LEAK_CAUSES: &str = "state kept outside the implementation's own fields — a \
`static`, a `thread_local!`, a global counter — lives on from one scenario into the next; \
keep all state in the struct `new()` returns. Or: iterating a HashMap or HashSet, reading \
the clock, unseeded randomness";

/// Runs one scenario with a full trace.
pub fn replay<K: Kata>(
    entry: &KataEntry<K>,
    request: &GradeRequest,
    name: &str,
    guard: &Guard,
) -> Result<ReplayReport, GradeError> {
    let kata = &entry.kata;
    let (implementation, make) = implementation(entry, &request.target)?;
    let (source, scenario) = find_scenario(kata, request, name)?;
    guard.at_scenario(0, Phase::Grading);
    let (outcome, output) =
        capture::during_long(|| run_one(kata, make, &scenario, request.seed, guard, true));
    let (result, trace, learner_fault) = match outcome {
        Ok(run) => (
            result_of(name.to_string(), source, &run),
            run.trace.clone(),
            None,
        ),
        Err(f) => {
            let verdict = if f.is_not_implemented() {
                Verdict::NotImplemented
            } else {
                Verdict::Fail
            };
            let mut r = result_of(name.to_string(), source, &ScenarioRun::default());
            r.verdict = verdict;
            (r, Vec::new(), Some(f))
        }
    };
    Ok(ReplayReport {
        kata: kata.info().name,
        legend: kata.info().legend,
        implementation,
        seed: request.seed,
        result,
        trace,
        learner_fault,
        output,
    })
}
