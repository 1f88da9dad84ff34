//! The loss computed as candidate − leader with a saturating subtraction ("no negative
//! numbers"): always 0, so nothing is ever refused and the GitLab case loses its
//! writes.

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
        let candidate = base::candidate_lsn(view, promotion).unwrap_or(Lsn::ZERO);
        let lost = candidate.0.saturating_sub(base::acknowledged(view).0);
        if lost > view.max_data_loss {
            return Err(Refusal(format!("would lose {lost} writes")));
        }
        Ok(())
    }
}
