//! The allowed loss hard-coded as 100 writes ("a hundred is acceptable") instead of
//! `view.max_data_loss`. Where the operator allows fewer, a promotion that loses
//! between that limit and 100 acknowledged writes goes ahead.

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
        const MAX_LOSS: u64 = 100;
        match base::writes_lost(view, promotion) {
            Some(lost) if lost <= MAX_LOSS => Ok(()),
            _ => Err(Refusal(format!("{} is too far behind", promotion.node))),
        }
    }
}
