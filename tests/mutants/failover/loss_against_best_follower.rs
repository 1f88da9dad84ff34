//! The loss measured against the freshest follower instead of the acknowledged position:
//! "we lose nothing any follower has". With asynchronous replication the leader
//! acknowledged writes no follower has; when all followers are far behind (GitLab) this
//! sees a loss of 0 and promotes.

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
        let best = view.followers.iter().map(|f| f.position.lsn).max().unwrap_or(Lsn::ZERO);
        let candidate = base::candidate_lsn(view, promotion).unwrap_or(Lsn::ZERO);
        let lost = best.0.saturating_sub(candidate.0);
        if lost > view.max_data_loss {
            return Err(Refusal(format!("would lose {lost} writes")));
        }
        Ok(())
    }
}
