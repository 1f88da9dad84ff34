//! "When in doubt, page a human": refuses every failover while any follower is
//! unreachable. A partition that leaves the coordinator with a majority and a follower
//! holding every acknowledged write is exactly when an automatic failover is safe and
//! needed; refusing it leaves the majority side without a writable leader.

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
        if let Some(missing) = view.followers.iter().find(|f| !f.reachable) {
            return Err(Refusal(format!(
                "{} is unreachable: cannot be sure promoting {} is safe",
                missing.node, promotion.node
            )));
        }
        base::validate_safe_failover(view, promotion)
    }
}
