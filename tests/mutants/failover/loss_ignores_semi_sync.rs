//! The loss always measured against the leader's position, even with semi-synchronous
//! replication, where the leader acknowledges only what the sync follower has. Writes
//! the leader took but never acknowledged count as "lost", and a safe promotion of the
//! sync follower is refused when the leader was more than `max_data_loss` ahead of it.

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
        let candidate = base::candidate_lsn(view, promotion).unwrap_or(Lsn::ZERO);
        let lost = view.leader_position.lsn.0.saturating_sub(candidate.0);
        if lost > view.max_data_loss {
            return Err(Refusal(format!("would lose {lost} writes")));
        }
        Ok(())
    }
}
