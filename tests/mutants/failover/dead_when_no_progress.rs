//! Liveness judged by progress: the leader is "dead" when its log position has not moved
//! for 25 s. A leader with no writes to take is alive and idle; this fails it over.

use super::base;
use crate::harness::Expect;
use replication_katas::katas::failover::prelude::*;

pub const EXPECT: Expect = Expect::Fail("budget:needless_failovers");

pub struct Coordinator {
    last_progress: Option<(Lsn, Millis)>,
}

impl Coordinator {
    pub fn new() -> Self {
        Coordinator {
            last_progress: None,
        }
    }
}

impl FailoverCoordinator for Coordinator {
    fn leader_is_dead(&mut self, view: &FailoverView) -> bool {
        match self.last_progress {
            Some((lsn, _)) if lsn != view.leader_position.lsn => {
                self.last_progress = Some((view.leader_position.lsn, view.now));
                false
            }
            Some((_, since)) => view.now - since >= base::TIMEOUT_MS,
            None => {
                self.last_progress = Some((view.leader_position.lsn, view.now));
                false
            }
        }
    }

    fn elect_new_leader(&mut self, view: &FailoverView) -> Option<Promotion> {
        base::elect_new_leader(view)
    }

    fn validate_safe_failover(
        &mut self,
        view: &FailoverView,
        promotion: &Promotion,
    ) -> Result<(), Refusal> {
        base::validate_safe_failover(view, promotion)
    }
}
