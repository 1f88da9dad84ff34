//! Refuses when the loss is *at least* `max_data_loss` (`>=` for `>`): a failover that
//! loses exactly the allowed number of writes is refused, and the cluster stays down.

use super::base;
use crate::harness::Expect;
use replication_katas::katas::failover::prelude::*;

pub const EXPECT: Expect = Expect::Fail("budget:downtime");

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
        base::elect_new_leader(view)
    }

    fn validate_safe_failover(
        &mut self,
        view: &FailoverView,
        promotion: &Promotion,
    ) -> Result<(), Refusal> {
        match base::writes_lost(view, promotion) {
            Some(lost) if lost < view.max_data_loss => Ok(()),
            _ => Err(Refusal(format!("{} is too far behind", promotion.node))),
        }
    }
}
