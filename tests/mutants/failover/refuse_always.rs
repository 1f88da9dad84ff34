//! Never promotes automatically: every failover is handed to a human. Safe, but a crashed
//! leader leaves the cluster without a writable leader although a follower had every
//! acknowledged write: the downtime budget is blown.

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
        Err(Refusal(format!(
            "{} could take over from {}; a human must confirm",
            promotion.node, view.leader
        )))
    }
}
