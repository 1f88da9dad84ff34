//! The katas, and what makes something a kata.
//!
//! A kata is a [`Kata`] implementation (its story, hints, scenario schema, random
//! scenario generator and the driver that runs a scenario against the learner's code),
//! plus files outside `src/`: the skeleton in `katas/`, the solutions in `solutions/`
//! and the curated scenarios in `scenarios/<kata>/`. The grader core only ever sees the
//! [`Kata`] trait, so adding a kata adds files and one registry entry in `main.rs`.

/// Defines a kata's `entry(learner, solutions)`, which the binary's registry calls.
///
/// The `KataEntry` is built here, in the library, so that the grader's generic code
/// is compiled once with the library, and an edit to a kata file recompiles only the
/// learner's code in the binary.
macro_rules! registry_entry {
    ($kata:expr, $subject:ty) => {
        /// The kata with its implementations, ready for the registry.
        pub fn entry(
            learner: fn() -> Box<$subject>,
            solutions: Vec<$crate::katas::Solution<$subject>>,
        ) -> Box<dyn $crate::katas::KataRunner> {
            Box::new($crate::katas::KataEntry {
                kata: $kata,
                learner,
                solutions,
            })
        }
    };
}

pub mod belief;
pub mod cartsync;
pub mod failover;
pub mod quickpost;
pub mod quorum;
pub mod reads;
pub mod taskflow;

use crate::checkers::Violation;
use crate::grader::{
    self, GradeError, GradeReport, GradeRequest, Guard, LearnerFault, LearnerFn, ReplayReport,
};
use crate::report::{BudgetCheck, Metric, TraceEvent};
use serde::de::DeserializeOwned;

/// What `kata list`, `kata show` and `hint` print.
#[derive(Debug)]
pub struct KataInfo {
    /// The name used on the command line: `grade quickpost`.
    pub name: &'static str,
    /// The app in the story.
    pub title: &'static str,
    /// The guarantee or skill the kata teaches.
    pub topic: &'static str,
    /// 1 (first kata) to 3.
    pub difficulty: u8,
    /// The file the learner edits, relative to the repository root.
    pub file: &'static str,
    /// One line for `kata list`.
    pub summary: &'static str,
    /// The story, for `kata show`.
    pub story: &'static str,
    /// What to implement, one item per function.
    pub implement: &'static [&'static str],
    /// Progressive hints: the first nudges, the last nearly gives the design.
    pub hints: &'static [&'static str],
    /// What the symbols of this kata's timelines mean, in one line under 100 columns.
    pub legend: &'static str,
    /// What the learner's implementation is constructed with: the first guarded call
    /// of every scenario, named in the report if it panics.
    pub constructor: LearnerFn,
    /// The shipped skeleton, for `kata reset`. Kept in `skeletons/`, apart from
    /// `katas/`, because `katas/` holds the learner's edits; CI checks the two match
    /// in the repository.
    pub skeleton: &'static str,
}

/// One of a kata's reference implementations.
pub struct Solution<S: ?Sized> {
    /// `instructor` for the reference solution, otherwise the naive strategy's name.
    pub name: &'static str,
    /// For naive strategies: why it fails, in one line.
    pub flaw: &'static str,
    pub make: fn() -> Box<S>,
    /// The source file, for `compare --reveal`; empty for naive strategies.
    pub source: &'static str,
}

/// A kata's scenario type: deserialized from YAML, validated, named.
pub trait KataScenario: Clone + DeserializeOwned + Send + Sync + 'static {
    fn name(&self) -> &str;
}

/// The result of running one scenario against one implementation.
#[derive(Clone, Debug, Default)]
pub struct ScenarioRun {
    pub violations: Vec<Violation>,
    pub metrics: Vec<Metric>,
    pub budgets: Vec<BudgetCheck>,
    /// Simulated events processed (cluster events and client operations).
    pub events: u64,
    /// Everything that happened, in order; only filled when tracing was asked for.
    pub trace: Vec<TraceEvent>,
    /// Facts worth reporting that are not violations ("acknowledged writes lost: LSN
    /// 1009 to LSN 1010, which no surviving node had").
    pub notes: Vec<String>,
    /// What passing this scenario teaches, with the learner's own numbers; shown under
    /// a passing grade (the quorum kata answers its own question this way).
    pub lesson: Option<String>,
}

impl ScenarioRun {
    /// Marks, in the trace, the operation that completed each violation (the last of
    /// its operations: the read that saw too little). Client operations keep their
    /// detail (what the router was told) only where they violate: on every read it
    /// would bury the timeline.
    ///
    /// One pass over the trace, not one per violation: a large scenario has hundreds
    /// of thousands of both, and the search per violation took minutes.
    pub fn mark_violations(&mut self) {
        if self.trace.is_empty() {
            return;
        }
        let mut first_event: std::collections::BTreeMap<usize, usize> = Default::default();
        for (i, e) in self.trace.iter().enumerate() {
            if let Some(op) = e.op {
                first_event.entry(op).or_insert(i);
            }
        }
        for v in &self.violations {
            if let Some(&i) = v.operations.last().and_then(|op| first_event.get(op)) {
                self.trace[i].violates = Some(v.guarantee);
            }
        }
        for e in &mut self.trace {
            if e.op.is_some() && e.violates.is_none() {
                e.detail = None;
            }
        }
    }
}

/// What a kata provides to the grader core.
pub trait Kata: Send + Sync + 'static {
    type Scenario: KataScenario;
    /// The learner-facing trait object, e.g. `dyn ReadYourWritesRouter`.
    type Subject: ?Sized + 'static;

    fn info(&self) -> &'static KataInfo;

    /// Checks a scenario's internal consistency (replica numbers exist, times make
    /// sense). The message tells the scenario author what to fix.
    fn validate(&self, scenario: &Self::Scenario) -> Result<(), String>;

    /// The `index`-th scenario of a random batch drawn from `seed`, biased towards the
    /// kata's weak spots.
    fn random_scenario(&self, seed: u64, index: usize) -> Self::Scenario;

    /// The scenario with everything generated made explicit (background traffic as
    /// scripted operations), so the shrinker can remove pieces one at a time. Under
    /// the same seed it must behave exactly like the original.
    fn materialize(&self, scenario: &Self::Scenario, _seed: u64) -> Self::Scenario {
        scenario.clone()
    }

    /// The size the shrinker minimizes: operations plus faults.
    fn size(&self, scenario: &Self::Scenario) -> usize;

    /// What [`Kata::size`] counts, singular and plural, for "shrunk from 205 to 3
    /// operations and faults".
    fn size_unit(&self) -> (&'static str, &'static str) {
        ("operation or fault", "operations and faults")
    }

    /// Smaller variants of a scenario, most aggressive first (see
    /// [`crate::grader::removals`]).
    fn shrink<'s>(
        &self,
        scenario: &'s Self::Scenario,
    ) -> Box<dyn Iterator<Item = Self::Scenario> + 's>;

    /// Every schedule of the kata's small bounded scope, for `grade --exhaustive`;
    /// empty if the kata has none.
    fn exhaustive(&self) -> Vec<Self::Scenario> {
        Vec::new()
    }

    /// Runs a scenario against an implementation. Learner code must only be called
    /// through `guard`.
    fn run(
        &self,
        scenario: &Self::Scenario,
        subject: &mut Self::Subject,
        seed: u64,
        guard: &Guard,
        trace: bool,
    ) -> Result<ScenarioRun, LearnerFault>;
}

/// A kata with its implementations: the learner's, the instructor's, the naive ones.
pub struct KataEntry<K: Kata> {
    pub kata: K,
    pub learner: fn() -> Box<K::Subject>,
    pub solutions: Vec<Solution<K::Subject>>,
}

/// Names a naive strategy and its flaw, for listings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SolutionSummary {
    pub name: &'static str,
    pub flaw: &'static str,
    pub source: &'static str,
}

/// A kata with its type erased, so the CLI can hold katas with different learner
/// traits in one registry.
pub trait KataRunner: Send + Sync {
    fn info(&self) -> &'static KataInfo;
    fn solutions(&self) -> Vec<SolutionSummary>;
    fn grade(&self, request: &GradeRequest, guard: &Guard) -> Result<GradeReport, GradeError>;
    fn replay(
        &self,
        request: &GradeRequest,
        scenario: &str,
        guard: &Guard,
    ) -> Result<ReplayReport, GradeError>;
    /// The name of the `index`-th scenario of a grade (for a supervisor that knows
    /// only the index of the scenario its child died in).
    fn scenario_name(&self, request: &GradeRequest, index: usize) -> Option<String>;
    /// The concrete entry, for code that needs one kata's implementations by type
    /// (the lab runs QuickPost routers outside any scenario).
    fn as_any(&self) -> &dyn std::any::Any;
}

impl<K: Kata> KataRunner for KataEntry<K> {
    fn info(&self) -> &'static KataInfo {
        self.kata.info()
    }

    fn solutions(&self) -> Vec<SolutionSummary> {
        self.solutions
            .iter()
            .map(|s| SolutionSummary {
                name: s.name,
                flaw: s.flaw,
                source: s.source,
            })
            .collect()
    }

    fn grade(&self, request: &GradeRequest, guard: &Guard) -> Result<GradeReport, GradeError> {
        grader::grade(self, request, guard)
    }

    fn replay(
        &self,
        request: &GradeRequest,
        scenario: &str,
        guard: &Guard,
    ) -> Result<ReplayReport, GradeError> {
        grader::replay(self, request, scenario, guard)
    }

    fn scenario_name(&self, request: &GradeRequest, index: usize) -> Option<String> {
        grader::scenario_name(&self.kata, request, index)
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Every kata the binary knows, in learning order.
pub struct Registry {
    katas: Vec<Box<dyn KataRunner>>,
}

impl Registry {
    pub fn new(katas: Vec<Box<dyn KataRunner>>) -> Self {
        Registry { katas }
    }

    pub fn find(&self, name: &str) -> Option<&dyn KataRunner> {
        self.katas
            .iter()
            .find(|k| k.info().name == name)
            .map(|k| k.as_ref())
    }

    pub fn all(&self) -> impl Iterator<Item = &dyn KataRunner> {
        self.katas.iter().map(|k| k.as_ref())
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.all().map(|k| k.info().name).collect()
    }
}
