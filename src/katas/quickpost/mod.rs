//! QuickPost — the read-your-writes kata (SPEC §5.1).
//!
//! Files of this kata: the learner's skeleton `katas/quickpost.rs`, the solutions in
//! `solutions/quickpost*.rs`, the curated scenarios in `scenarios/quickpost/`.

mod api;
mod driver;
mod random;
mod scenario;
mod text;

pub use api::{ProfileRead, ReadYourWritesRouter, WriteAck};
/// The router's functions as fault reports name them (the lab calls them too).
pub(crate) use driver::{ON_WRITE_ACKED, ROUTE_READ};
pub use scenario::{Budgets, OpKind, OpSpec, QuickPostScenario, Traffic};

use crate::grader::{Guard, LearnerFault, LearnerFn};
use crate::katas::{Kata, KataInfo, ScenarioRun};

/// Everything a QuickPost implementation needs, in one `use`.
pub mod prelude {
    pub use super::{ProfileRead, ReadYourWritesRouter, WriteAck};
    pub use crate::model::{DeviceId, Lsn, Millis, NodeId, ReplicaId, UserId};
    pub use crate::sim::{
        ClusterView, Health, MAX_ATTEMPTS, PositionReport, ReadPlan, ReplicaView,
    };
}

static INFO: KataInfo = KataInfo {
    name: "quickpost",
    title: "QuickPost",
    topic: "read-your-writes",
    difficulty: 1,
    file: "katas/quickpost.rs",
    summary: text::SUMMARY,
    story: text::STORY,
    implement: text::IMPLEMENT,
    hints: text::HINTS,
    legend: text::LEGEND,
    constructor: LearnerFn::new("Router::new"),
    skeleton: include_str!("../../../skeletons/quickpost.rs"),
};

/// The QuickPost kata.
pub struct QuickPost;

registry_entry!(QuickPost, dyn ReadYourWritesRouter);

impl Kata for QuickPost {
    type Scenario = QuickPostScenario;
    type Subject = dyn ReadYourWritesRouter;

    fn info(&self) -> &'static KataInfo {
        &INFO
    }

    fn validate(&self, scenario: &QuickPostScenario) -> Result<(), String> {
        scenario::validate(scenario)
    }

    fn random_scenario(&self, seed: u64, index: usize) -> QuickPostScenario {
        random::scenario(seed, index)
    }

    fn materialize(&self, scenario: &QuickPostScenario, seed: u64) -> QuickPostScenario {
        scenario::materialize(scenario, seed)
    }

    fn size(&self, scenario: &QuickPostScenario) -> usize {
        crate::scenario::size(scenario)
    }

    fn shrink<'s>(
        &self,
        scenario: &'s QuickPostScenario,
    ) -> Box<dyn Iterator<Item = QuickPostScenario> + 's> {
        crate::scenario::proposals(scenario)
    }

    fn exhaustive(&self) -> Vec<QuickPostScenario> {
        scenario::exhaustive()
    }

    fn run(
        &self,
        scenario: &QuickPostScenario,
        subject: &mut Self::Subject,
        seed: u64,
        guard: &Guard,
        trace: bool,
    ) -> Result<ScenarioRun, LearnerFault> {
        driver::run(scenario, subject, seed, guard, trace)
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
        assert_ne!(random::scenario(42, 0), random::scenario(43, 0));
    }

    /// The exhaustive scope: its size, and that it has what bugs hide behind — two
    /// users, posts and views from both devices, a crash, a restore, a replica joining.
    #[test]
    fn the_exhaustive_scope_is_wide_and_valid() {
        let all = scenario::exhaustive();
        // 132 sequences of up to three operations × 9 lag pairs × 4 troubles, and 448
        // of four of alice's operations × 9 lag pairs.
        assert_eq!(all.len(), 132 * 9 * 4 + 448 * 9);
        for s in &all {
            scenario::validate(s).unwrap_or_else(|e| panic!("{}: {e}", s.name));
        }
        let has = |f: &dyn Fn(&QuickPostScenario) -> bool| all.iter().any(f);
        let some = |s: &QuickPostScenario, user: &str, device: &str, op: OpKind| {
            s.ops
                .iter()
                .any(|o| o.user == user && o.device == device && o.op == op)
        };
        for device in ["phone", "laptop"] {
            assert!(has(&|s| some(s, "alice", device, OpKind::Post)), "{device}");
            assert!(has(&|s| some(s, "bob", device, OpKind::Post)), "{device}");
        }
        // Posted from one device, viewed from the other.
        assert!(has(&|s| {
            some(s, "alice", "laptop", OpKind::Post)
                && some(s, "alice", "phone", OpKind::ViewProfile)
        }));
        assert!(has(&|s| {
            some(s, "alice", "phone", OpKind::Post) && some(s, "bob", "laptop", OpKind::Post)
        }));
        for kind in ["crash", "restore", "add_replica"] {
            assert!(
                has(&|s| s.faults.iter().any(|f| f.kind.name() == kind)),
                "{kind}"
            );
        }
    }
}
