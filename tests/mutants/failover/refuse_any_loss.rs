//! Refuses any failover that loses a single write, ignoring `max_data_loss`. With
//! asynchronous replication a crashed leader usually had a few writes no follower got;
//! the allowed loss is there so that the cluster comes back: this leaves it down.

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
            Some(0) => Ok(()),
            _ => Err(Refusal(format!("{} would lose writes", promotion.node))),
        }
    }
}
