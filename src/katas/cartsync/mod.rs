//! CartSync — the multi-leader conflicts kata (SPEC §5.5): version vectors, siblings
//! for a single-value field, and an add-wins cart.
//!
//! Files of this kata: the learner's skeleton `katas/cartsync.rs`, the solutions in
//! `solutions/cartsync*.rs`, the curated scenarios in `scenarios/cartsync/`. The
//! multi-leader network it runs on is the shared model's `crate::sim::multileader`.

mod api;
mod driver;
mod exhaustive;
mod random;
mod scenario;
pub mod text;

pub use api::{Cart, Causality, ConflictResolver, Dot, Region, Version, VersionVector, WriteId};
pub use driver::{true_compare, true_merge};
pub use scenario::{CartSyncScenario, Operation, VectorPair};

use crate::grader::{Guard, LearnerFault, LearnerFn, removals};
use crate::katas::{Kata, KataInfo, ScenarioRun};

/// Everything a conflict resolver needs, in one `use`.
pub mod prelude {
    pub use super::{
        Cart, Causality, ConflictResolver, Dot, Region, Version, VersionVector, WriteId,
    };
    pub use std::collections::{BTreeMap, BTreeSet};
}

static INFO: KataInfo = KataInfo {
    name: "cartsync",
    title: "CartSync",
    topic: "multi-leader conflicts",
    difficulty: 3,
    file: "katas/cartsync.rs",
    summary: text::SUMMARY,
    story: text::STORY,
    implement: text::IMPLEMENT,
    hints: text::HINTS,
    legend: text::LEGEND,
    constructor: LearnerFn::new("Resolver::new"),
    skeleton: include_str!("../../../skeletons/cartsync.rs"),
};

/// The cartsync kata.
pub struct CartSync;

registry_entry!(CartSync, dyn ConflictResolver);

impl Kata for CartSync {
    type Scenario = CartSyncScenario;
    type Subject = dyn ConflictResolver;

    fn info(&self) -> &'static KataInfo {
        &INFO
    }

    fn validate(&self, s: &CartSyncScenario) -> Result<(), String> {
        scenario::validate(s)
    }

    fn random_scenario(&self, seed: u64, index: usize) -> CartSyncScenario {
        random::scenario(seed, index)
    }

    fn size(&self, s: &CartSyncScenario) -> usize {
        s.operations.len() + s.partitions.len() + s.vectors.len()
    }

    fn size_unit(&self) -> (&'static str, &'static str) {
        (
            "operation, partition or vector pair",
            "operations, partitions and vector pairs",
        )
    }

    /// Drops vector pairs, partitions and operations (halves first, then single ones).
    fn shrink<'s>(
        &self,
        s: &'s CartSyncScenario,
    ) -> Box<dyn Iterator<Item = CartSyncScenario> + 's> {
        let vectors = removals(&s.vectors).map(move |vectors| CartSyncScenario {
            vectors,
            ..s.clone()
        });
        let partitions = removals(&s.partitions).map(move |partitions| CartSyncScenario {
            partitions,
            ..s.clone()
        });
        let operations = removals(&s.operations).map(move |operations| CartSyncScenario {
            operations,
            ..s.clone()
        });
        Box::new(vectors.chain(partitions).chain(operations))
    }

    fn exhaustive(&self) -> Vec<CartSyncScenario> {
        exhaustive::scenarios()
    }

    fn run(
        &self,
        s: &CartSyncScenario,
        subject: &mut Self::Subject,
        _seed: u64,
        guard: &Guard,
        trace: bool,
    ) -> Result<ScenarioRun, LearnerFault> {
        driver::run(s, subject, guard, trace)
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

    #[test]
    fn the_exhaustive_scope_is_valid_and_sweeps_every_small_vector_pair() {
        let all = exhaustive::scenarios();
        // 1 sweep + (6 + 6·6·2 + 6·6·6·4 sequences) × 4 conditions.
        assert_eq!(all.len(), 1 + (6 + 72 + 864) * 4);
        for s in &all {
            scenario::validate(s).unwrap_or_else(|e| panic!("{}: {e}", s.name));
        }
        assert_eq!(all[0].vectors.len(), 27 * 27);
    }

    /// The textbook's examples, answered by the definitions the grader checks with.
    #[test]
    fn the_reference_vector_arithmetic_matches_the_textbook() {
        let v =
            |a, b, c| VersionVector::from_entries([(Region(0), a), (Region(1), b), (Region(2), c)]);
        assert_eq!(
            true_compare(&v(1, 0, 0), &v(0, 1, 0)),
            Causality::Concurrent
        );
        assert_eq!(true_compare(&v(1, 0, 0), &v(1, 1, 2)), Causality::Before);
        assert_eq!(true_compare(&v(1, 1, 2), &v(1, 0, 0)), Causality::After);
        assert_eq!(true_compare(&v(1, 0, 0), &v(1, 0, 0)), Causality::Equal);
        assert_eq!(v(1, 0, 0), VersionVector::from_entries([(Region(0), 1)]));
        assert_eq!(true_merge(&v(1, 0, 0), &v(0, 1, 0)), v(1, 1, 0));
    }
}
