//! The coordinator numbers terms itself, 1, 2, 3, … from the promotions *it* made,
//! ignoring `view.term`. A cluster that starts in term 1 (or that another coordinator
//! already moved on) gets a promotion under a term that is not newer than the old
//! leader's, so the old leader is not fenced.

use super::base;
use crate::harness::Expect;
use replication_katas::katas::failover::prelude::*;

pub const EXPECT: Expect = Expect::Fail("single-writable-leader");

pub struct Coordinator {
    promotions: u64,
}

impl Coordinator {
    pub fn new() -> Self {
        Coordinator { promotions: 0 }
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
        let f = base::freshest(view)?;
        self.promotions += 1;
        Some(Promotion {
            node: f.node,
            term: Term(self.promotions),
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
