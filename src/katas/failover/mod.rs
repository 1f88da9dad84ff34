//! Failover — the leader-election kata (SPEC §5.3).
//!
//! Files of this kata: the learner's skeleton `katas/failover.rs`, the solutions in
//! `solutions/failover*.rs`, the curated scenarios in `scenarios/failover/`.

mod api;
mod random;
mod scenario;
mod sim;
mod text;
mod trace;

pub use api::{FailoverCoordinator, FailoverView, FollowerView, Node, Promotion, Refusal, Term};
pub use scenario::{FailoverScenario, FollowerSpec, Trouble};

use crate::grader::{Guard, LearnerFault, LearnerFn};
use crate::katas::{Kata, KataInfo, ScenarioRun};

/// Everything a failover implementation needs, in one `use`.
pub mod prelude {
    pub use super::{
        FailoverCoordinator, FailoverView, FollowerView, Node, Promotion, Refusal, Term,
    };
    pub use crate::model::{Lsn, Millis};
}

static INFO: KataInfo = KataInfo {
    name: "failover",
    title: "Failover",
    topic: "leader election",
    difficulty: 3,
    file: "katas/failover.rs",
    summary: text::SUMMARY,
    story: text::STORY,
    implement: text::IMPLEMENT,
    hints: text::HINTS,
    legend: trace::LEGEND,
    constructor: LearnerFn::new("Coordinator::new"),
    skeleton: include_str!("../../../skeletons/failover.rs"),
};

/// The failover kata.
pub struct Failover;

registry_entry!(Failover, dyn FailoverCoordinator);

impl Kata for Failover {
    type Scenario = FailoverScenario;
    type Subject = dyn FailoverCoordinator;

    fn info(&self) -> &'static KataInfo {
        &INFO
    }

    fn validate(&self, s: &FailoverScenario) -> Result<(), String> {
        scenario::validate(s)
    }

    fn random_scenario(&self, seed: u64, index: usize) -> FailoverScenario {
        random::scenario(seed, index)
    }

    fn size(&self, s: &FailoverScenario) -> usize {
        s.followers.len() + 1
    }

    /// The shrinker drops followers: what it counts is nodes.
    fn size_unit(&self) -> (&'static str, &'static str) {
        ("node", "nodes")
    }

    /// Followers can be dropped (one at a time, from the last, keeping the sync one).
    fn shrink<'s>(
        &self,
        s: &'s FailoverScenario,
    ) -> Box<dyn Iterator<Item = FailoverScenario> + 's> {
        Box::new((0..s.followers.len()).rev().filter_map(move |i| {
            let mut smaller = s.clone();
            smaller.followers.remove(i);
            if let Trouble::Partition { leader_side, .. } = &mut smaller.trouble {
                let node = i as u32 + 2;
                leader_side.retain(|&x| x != node);
                for x in leader_side.iter_mut() {
                    if *x > node {
                        *x -= 1;
                    }
                }
            }
            (!smaller.followers.is_empty()).then_some(smaller)
        }))
    }

    fn exhaustive(&self) -> Vec<FailoverScenario> {
        scenario::exhaustive()
    }

    fn run(
        &self,
        s: &FailoverScenario,
        subject: &mut Self::Subject,
        _seed: u64,
        guard: &Guard,
        trace: bool,
    ) -> Result<ScenarioRun, LearnerFault> {
        sim::run(s, subject, guard, trace)
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
        let all = scenario::exhaustive();
        // 2 followers: 4² positions × 3 sync choices; 3 followers: 4³ × 4; × 4 troubles.
        assert_eq!(all.len(), (16 * 3 + 64 * 4) * 4);
        for s in &all {
            scenario::validate(s).unwrap();
        }
    }
}
