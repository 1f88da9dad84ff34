//! Picks the candidate with `.unwrap()` before checking anything, "there is always a
//! follower". When no follower is reachable (the coordinator is cut off from all of
//! them) it panics.

use super::base;
use crate::harness::Expect;
use replication_katas::katas::failover::prelude::*;

pub const EXPECT: Expect = Expect::Fail("fault:panicked");

pub struct Coordinator;

impl Coordinator {
    pub fn new() -> Self {
        Coordinator
    }
}

impl FailoverCoordinator for Coordinator {
    fn leader_is_dead(&mut self, view: &FailoverView) -> bool {
        base::leader_is_dead(view)
    }

    fn elect_new_leader(&mut self, view: &FailoverView) -> Option<Promotion> {
        let best = view.reachable().max_by_key(|f| (f.position, f.sync)).unwrap();
        if view.reachable().count() < base::majority(view.cluster_size) {
            return None;
        }
        Some(Promotion {
            node: best.node,
            term: base::next_term(view),
        })
    }

    fn validate_safe_failover(
        &mut self,
        view: &FailoverView,
        promotion: &Promotion,
    ) -> Result<(), Refusal> {
        base::validate_safe_failover(view, promotion)
    }
}
