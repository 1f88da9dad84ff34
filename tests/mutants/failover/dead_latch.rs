//! The failure detector latches: once the leader has been silent for 25 s it is "dead"
//! forever, and the flag is never cleared when a new leader takes over. The next check
//! finds the (healthy) new leader "dead" and fails it over too: needless failovers.

use super::base;
use crate::harness::Expect;
use replication_katas::katas::failover::prelude::*;

pub const EXPECT: Expect = Expect::Fail("budget:needless_failovers");

pub struct Coordinator {
    dead: bool,
}

impl Coordinator {
    pub fn new() -> Self {
        Coordinator { dead: false }
    }
}

impl FailoverCoordinator for Coordinator {
    fn leader_is_dead(&mut self, view: &FailoverView) -> bool {
        if view.silence_ms >= base::TIMEOUT_MS {
            self.dead = true;
        }
        self.dead
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
