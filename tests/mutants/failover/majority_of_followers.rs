//! The majority computed over the followers (followers / 2 + 1) instead of the whole
//! cluster. Same number for odd cluster sizes, one short for even ones: with 4 nodes, 2
//! reachable followers elect although 2 of 4 is no majority.

use super::base;
use crate::harness::Expect;
use replication_katas::katas::failover::prelude::*;

pub const EXPECT: Expect = Expect::Fail("majority-election");

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
        if view.reachable().count() < view.followers.len() / 2 + 1 {
            return None;
        }
        base::freshest(view).map(|f| Promotion {
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
