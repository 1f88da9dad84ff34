//! Correct, with another tie-break: the highest reported LSN, and among followers at
//! the same LSN the lowest node id, whether or not one of them is the sync follower.
//! Two followers at the same position hold the same prefix of the log, so either has
//! every acknowledged write the other has; by the time a leader has been silent for
//! 25 s the followers' reports have caught up with what they hold. The election sorts
//! the candidates instead of taking a maximum.

use super::base;
use crate::harness::Expect;
use replication_katas::katas::failover::prelude::*;
use std::cmp::Reverse;

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
        let mut candidates: Vec<&FollowerView> = view.reachable().collect();
        if candidates.len() < view.cluster_size as usize / 2 + 1 {
            return None;
        }
        candidates.sort_by_key(|f| (Reverse(f.position), f.node));
        candidates.first().map(|f| Promotion {
            node: f.node,
            term: Term(view.term.0 + 1),
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
