//! Quorum — the quorum-math kata (SPEC §5.4): exact quorum arithmetic and a read
//! coordinator for a leaderless store.
//!
//! Files of this kata: the learner's skeleton `katas/quorum.rs`, the solutions in
//! `solutions/quorum*.rs`, the curated scenarios in `scenarios/quorum/`.

mod api;
pub mod math;
mod random;
mod scenario;
mod sim;
mod sweep;
mod text;

pub use api::{Node, Quorum, QuorumError, Resolution, Response, Tolerance, Version};
pub use scenario::{Function, QuorumScenario, Simulation, Sweep};

use crate::grader::{Guard, LearnerFault, LearnerFn, removals};
use crate::katas::{Kata, KataInfo, ScenarioRun};
use crate::report::{Metric, Unit};

/// Everything a quorum implementation needs, in one `use`.
pub mod prelude {
    pub use super::{Node, Quorum, QuorumError, Resolution, Response, Tolerance, Version};
}

static INFO: KataInfo = KataInfo {
    name: "quorum",
    title: "Quorum",
    topic: "quorum math",
    difficulty: 2,
    file: "katas/quorum.rs",
    summary: text::SUMMARY,
    story: text::STORY,
    implement: text::IMPLEMENT,
    hints: text::HINTS,
    legend: text::LEGEND,
    constructor: LearnerFn::new("Quorums::new"),
    skeleton: include_str!("../../../skeletons/quorum.rs"),
};

/// The quorum kata.
pub struct QuorumKata;

registry_entry!(QuorumKata, dyn Quorum);

/// The bounded-exhaustive scope: every function over every N ≤ 20 with every W, R and
/// k (availability and the smallest R over every N ≤ 50), then the boundary N up to
/// 50; every invalid input; and the coordinator on every sequence of up to 4 answers
/// with versions from nothing, v1, …, v4, in every order.
fn exhaustive() -> Vec<QuorumScenario> {
    use scenario::Function::*;
    [
        (Overlaps, 20),
        (ToleratedFailures, 20),
        (SmallestOverlappingR, 50),
        (Availability, 50),
        (StaleReadProbability, 20),
        (KStaleness, 20),
        (InvalidParameters, 50),
        (CheckValues, 1),
        (Resolve, 4),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (function, every))| QuorumScenario {
        schema: crate::scenario::SCHEMA_VERSION,
        kata: "quorum".into(),
        name: format!("exhaustive-{i}"),
        description: "the bounded-exhaustive scope".into(),
        sweep: Some(Sweep {
            function,
            max_n: if function == Resolve { 4 } else { 50 },
            exhaustive_up_to: every,
            p: scenario::default_ps()
                .into_iter()
                .chain([0.95, 0.9999])
                .collect(),
            k: vec![1, 2, 3, 4, 5, 10],
            versions: 4,
        }),
        simulation: None,
    })
    .collect()
}

impl Kata for QuorumKata {
    type Scenario = QuorumScenario;
    type Subject = dyn Quorum;

    fn info(&self) -> &'static KataInfo {
        &INFO
    }

    fn validate(&self, s: &QuorumScenario) -> Result<(), String> {
        scenario::validate(s)
    }

    fn random_scenario(&self, seed: u64, index: usize) -> QuorumScenario {
        random::scenario(seed, index)
    }

    fn size(&self, s: &QuorumScenario) -> usize {
        s.simulation
            .as_ref()
            .map_or(1, |sim| sim.ops.len() + sim.faults.len())
    }

    fn shrink<'s>(&self, s: &'s QuorumScenario) -> Box<dyn Iterator<Item = QuorumScenario> + 's> {
        let Some(sim) = &s.simulation else {
            return Box::new(std::iter::empty());
        };
        let with = move |sim: Simulation| QuorumScenario {
            simulation: Some(sim),
            ..s.clone()
        };
        let fewer_ops = removals(&sim.ops).map(move |ops| with(Simulation { ops, ..sim.clone() }));
        let fewer_faults = removals(&sim.faults).map(move |faults| {
            with(Simulation {
                faults,
                ..sim.clone()
            })
        });
        Box::new(fewer_ops.chain(fewer_faults))
    }

    fn exhaustive(&self) -> Vec<QuorumScenario> {
        exhaustive()
    }

    fn run(
        &self,
        s: &QuorumScenario,
        subject: &mut Self::Subject,
        seed: u64,
        guard: &Guard,
        trace: bool,
    ) -> Result<ScenarioRun, LearnerFault> {
        if let Some(sim) = &s.simulation {
            return sim::run(sim, subject, seed, guard, trace);
        }
        let sweep = s
            .sweep
            .as_ref()
            .expect("validated: a sweep or a simulation");
        let (violations, calls, lesson) = sweep::run(sweep, subject, guard)?;
        Ok(ScenarioRun {
            metrics: vec![
                Metric::new("calls", calls as f64, Unit::Count),
                Metric::new("wrong_answers", violations.len() as f64, Unit::Count),
            ],
            violations,
            budgets: Vec::new(),
            events: calls,
            trace: Vec::new(),
            notes: Vec::new(),
            lesson,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_scenarios_are_valid_and_reproducible() {
        for i in 0..300 {
            let s = random::scenario(42, i);
            scenario::validate(&s).unwrap_or_else(|e| panic!("random-{i}: {e}"));
            assert_eq!(s, random::scenario(42, i));
        }
        for s in exhaustive() {
            scenario::validate(&s).unwrap();
        }
    }
}
