//! Correct, with terms drawn from the clock: a promotion's term is the current time in
//! milliseconds, or the current term + 1 if that is larger. Terms need not be
//! consecutive, only strictly increasing — nodes reject writes of any *older* term —
//! and virtual time only moves forward, so each promotion's term is newer than every
//! term before it.

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
        let mut promotion = base::elect_new_leader(view)?;
        promotion.term = Term(view.now.max(view.term.0 + 1));
        Some(promotion)
    }

    fn validate_safe_failover(
        &mut self,
        view: &FailoverView,
        promotion: &Promotion,
    ) -> Result<(), Refusal> {
        base::validate_safe_failover(view, promotion)
    }
}
