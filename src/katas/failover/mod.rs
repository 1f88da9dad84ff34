//! Failover — the leader-election kata (SPEC §5.3).
//!
//! Files of this kata: the learner's skeleton `katas/failover.rs`, the solutions in
//! `solutions/failover*.rs`, the curated scenarios in `scenarios/failover/`.

mod api;
mod driver;
mod random;
mod scenario;
mod text;
mod trace;

pub use api::{
    FailoverCoordinator, FailoverView, FollowerView, Node, Position, Promotion, Refusal, Term,
};
pub use driver::{CHECK_MS, DOWNTIME_SLACK_MS, FAILOVER_TIMEOUT_MS};
pub use scenario::{FailoverScenario, FollowerSpec, LagFault, SCHEMA, Start, Trouble};

use crate::grader::{Guard, LearnerFault, LearnerFn};
use crate::katas::{Kata, KataInfo, ScenarioRun};

/// Everything a failover implementation needs, in one `use`.
pub mod prelude {
    pub use super::{
        FailoverCoordinator, FailoverView, FollowerView, Node, Position, Promotion, Refusal, Term,
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
        s.followers.len() + 1 + s.troubles.len() + s.lag_faults.len()
    }

    /// What the shrinker counts: nodes, troubles and lag faults.
    fn size_unit(&self) -> (&'static str, &'static str) {
        (
            "node, trouble or lag fault",
            "nodes, troubles and lag faults",
        )
    }

    /// Troubles after the first, lag faults and followers can be dropped (one at a
    /// time; the nodes after a dropped follower are renumbered).
    fn shrink<'s>(
        &self,
        s: &'s FailoverScenario,
    ) -> Box<dyn Iterator<Item = FailoverScenario> + 's> {
        let troubles = (1..s.troubles.len()).rev().map(move |i| {
            let mut smaller = s.clone();
            smaller.troubles.remove(i);
            smaller
        });
        let lag_faults = (0..s.lag_faults.len()).rev().map(move |i| {
            let mut smaller = s.clone();
            smaller.lag_faults.remove(i);
            smaller
        });
        let followers = (0..s.followers.len())
            .rev()
            .filter_map(move |i| without_follower(s, i as u32 + 2));
        Box::new(
            troubles
                .chain(lag_faults)
                .chain(followers)
                .filter(|c| scenario::validate(c).is_ok()),
        )
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
        driver::run(s, subject, guard, trace)
    }
}

/// The scenario without follower `node`: later nodes are renumbered, troubles and lag
/// faults aimed at it are dropped.
fn without_follower(s: &FailoverScenario, node: u32) -> Option<FailoverScenario> {
    if s.followers.len() < 2 {
        return None;
    }
    let mut smaller = s.clone();
    smaller.followers.remove(node as usize - 2);
    let renumber = |x: u32| if x > node { x - 1 } else { x };
    smaller.lag_faults.retain(|f| f.node != node);
    for f in &mut smaller.lag_faults {
        f.node = renumber(f.node);
    }
    smaller.troubles.retain(|t| match t {
        Trouble::Crash { node: n, .. }
        | Trouble::Pause { node: n, .. }
        | Trouble::Partition { node: n, .. } => *n != Some(node),
    });
    for t in &mut smaller.troubles {
        match t {
            Trouble::Crash { node: n, .. } | Trouble::Pause { node: n, .. } => *n = n.map(renumber),
            Trouble::Partition { node: n, with, .. } => {
                *n = n.map(renumber);
                with.retain(|&x| x != node);
                for x in with.iter_mut() {
                    *x = renumber(*x);
                }
            }
        }
    }
    (!smaller.troubles.is_empty()).then_some(smaller)
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
        // 2 followers: 4² positions × 3 sync choices; 3 followers: 4³ × 4; × 5 troubles.
        assert_eq!(all.len(), (16 * 3 + 64 * 4) * 5);
        for s in &all {
            scenario::validate(s).unwrap();
        }
    }
}
