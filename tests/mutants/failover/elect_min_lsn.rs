//! `min_by_key` where `max_by_key` was meant: promotes the *stalest* reachable follower,
//! losing every acknowledged write the others had beyond it.

use super::base;
use crate::harness::Expect;
use replication_katas::katas::failover::prelude::*;

pub const EXPECT: Expect = Expect::Fail("no-lost-acknowledged-writes");

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
        if view.reachable().count() < base::majority(view.cluster_size) {
            return None;
        }
        view.reachable().min_by_key(|f| f.position).map(|f| Promotion {
            node: f.node,
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
