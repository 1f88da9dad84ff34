//! Allows one write more than `max_data_loss` ("up to and including the next one"): a
//! failover that loses max_data_loss + 1 acknowledged writes goes ahead.

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
        base::elect_new_leader(view)
    }

    fn validate_safe_failover(
        &mut self,
        view: &FailoverView,
        promotion: &Promotion,
    ) -> Result<(), Refusal> {
        match base::writes_lost(view, promotion) {
            Some(lost) if lost <= view.max_data_loss + 1 => Ok(()),
            _ => Err(Refusal(format!("{} is too far behind", promotion.node))),
        }
    }
}
