//! TaskFlow — the monotonic-reads kata (SPEC §5.2).
//!
//! Files of this kata: the learner's skeleton `katas/taskflow.rs`, the solutions in
//! `solutions/taskflow*.rs`, the curated scenarios in `scenarios/taskflow/`.

mod api;
mod driver;
mod random;
mod scenario;
mod text;

pub use api::{BoardRead, BoardWrite, MonotonicReadsRouter, ReadReceipt};
pub use scenario::{Budgets, OpKind, OpSpec, TaskFlowScenario, Traffic};

use crate::grader::{Guard, LearnerFault, LearnerFn};
use crate::katas::{Kata, KataInfo, ScenarioRun};

/// Everything a TaskFlow implementation needs, in one `use`.
pub mod prelude {
    pub use super::{BoardRead, BoardWrite, MonotonicReadsRouter, ReadReceipt};
    pub use crate::model::{DeviceId, Key, Lsn, Millis, NodeId, ReplicaId, UserId};
    pub use crate::sim::{
        ClusterView, Health, MAX_ATTEMPTS, PositionReport, ReadPlan, ReplicaView,
    };
}

static INFO: KataInfo = KataInfo {
    name: "taskflow",
    title: "TaskFlow",
    topic: "monotonic reads",
    difficulty: 2,
    file: "katas/taskflow.rs",
    summary: text::SUMMARY,
    story: text::STORY,
    implement: text::IMPLEMENT,
    hints: text::HINTS,
    legend: text::LEGEND,
    constructor: LearnerFn::new("Router::new"),
    skeleton: include_str!("../../../skeletons/taskflow.rs"),
};

/// The TaskFlow kata.
pub struct TaskFlow;

registry_entry!(TaskFlow, dyn MonotonicReadsRouter);

impl Kata for TaskFlow {
    type Scenario = TaskFlowScenario;
    type Subject = dyn MonotonicReadsRouter;

    fn info(&self) -> &'static KataInfo {
        &INFO
    }

    fn validate(&self, scenario: &TaskFlowScenario) -> Result<(), String> {
        scenario::validate(scenario)
    }

    fn random_scenario(&self, seed: u64, index: usize) -> TaskFlowScenario {
        random::scenario(seed, index)
    }

    fn materialize(&self, scenario: &TaskFlowScenario, seed: u64) -> TaskFlowScenario {
        scenario::materialize(scenario, seed)
    }

    fn size(&self, scenario: &TaskFlowScenario) -> usize {
        crate::scenario::size(scenario)
    }

    fn shrink<'s>(
        &self,
        scenario: &'s TaskFlowScenario,
    ) -> Box<dyn Iterator<Item = TaskFlowScenario> + 's> {
        crate::scenario::proposals(scenario)
    }

    fn exhaustive(&self) -> Vec<TaskFlowScenario> {
        scenario::exhaustive()
    }

    fn run(
        &self,
        scenario: &TaskFlowScenario,
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
    }

    #[test]
    fn background_traffic_is_as_large_as_validation_counts_it() {
        let mut with_traffic = 0;
        for i in 0..50 {
            let s = random::scenario(42, i);
            let Some(t) = s.traffic.as_ref() else {
                continue;
            };
            with_traffic += 1;
            let (_, ops) = scenario::expand(&s, 7);
            let background = ops.len() - s.ops.len();
            assert_eq!(background as u64, t.operations(), "random-{i}");
            let updates = ops.iter().filter(|o| o.update).count();
            let scripted = s.ops.iter().filter(|o| o.op == OpKind::Update).count();
            assert_eq!((updates - scripted) as u64, t.updates(), "random-{i}");
            assert!(ops.is_sorted_by_key(|o| o.at), "random-{i}: sorted by time");
        }
        assert!(
            with_traffic >= 30,
            "{with_traffic} of 50 have background traffic"
        );
    }

    /// The exhaustive scope: its size, and that it has what bugs hide behind — two
    /// readers, both devices, two boards, a crash, a restore, a replica joining.
    #[test]
    fn the_exhaustive_scope_is_wide_and_valid() {
        use crate::sim::FaultKind;
        const TURNS: usize = 32;
        let all = scenario::exhaustive();
        // 32 sequences of up to three operations × 9 lag pairs × 4 troubles, 768 of
        // four operations with bob the only reader × 9 lag pairs, and those of four
        // with bob and alice taking turns × 9 lag pairs × 2 troubles.
        assert_eq!(all.len(), 32 * 9 * 4 + 768 * 9 + TURNS * 9 * 2);
        for s in &all {
            scenario::validate(s).unwrap_or_else(|e| panic!("{}: {e}", s.name));
        }
        let has = |f: &dyn Fn(&TaskFlowScenario) -> bool| all.iter().any(f);
        let reads = |s: &TaskFlowScenario, pick: &dyn Fn(&OpSpec) -> bool| {
            s.ops
                .iter()
                .filter(|o| o.op == OpKind::ViewBoard && pick(o))
                .count()
        };
        assert!(has(&|s| {
            reads(s, &|o| o.user == "alice") >= 2 && reads(s, &|o| o.user == "bob") >= 1
        }));
        assert!(has(&|s| {
            reads(s, &|o| o.board == "launch") > 0 && reads(s, &|o| o.board == "ops") > 0
        }));
        assert!(has(&|s| {
            reads(s, &|o| o.device == "phone") > 0 && reads(s, &|o| o.device == "laptop") > 0
        }));
        for kind in ["crash", "restore", "add_replica"] {
            assert!(
                has(&|s| s.faults.iter().any(|f| f.kind.name() == kind)),
                "{kind}"
            );
        }
        assert!(has(&|s| s
            .faults
            .iter()
            .any(|f| f.kind == FaultKind::Crash { duration_ms: None })));
    }
}
