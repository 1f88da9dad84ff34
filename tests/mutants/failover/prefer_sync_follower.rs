//! Correct, with a different election rule: with semi-synchronous replication, promote
//! the synchronous follower whenever it is reachable, even when an asynchronous one
//! reports a higher LSN. The leader acknowledged a write only once the sync follower
//! had it, so the sync follower holds every acknowledged write; what an asynchronous
//! follower has beyond it was never acknowledged, and losing it is allowed. Without a
//! reachable sync follower: the freshest reachable one.

use super::base;
use crate::harness::Expect;
use replication_katas::katas::failover::prelude::*;

pub const EXPECT: Expect = Expect::Pass;

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
        let candidate = view
            .reachable()
            .find(|f| f.sync)
            .or_else(|| view.reachable().max_by_key(|f| f.position))?;
        Some(Promotion {
            node: candidate.node,
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
