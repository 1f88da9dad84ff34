//! An "adaptive" timeout: three times the longest gap between heartbeats seen so far
//! (a gap ends when the silence drops back). While the leader is healthy the gaps are
//! about a heartbeat interval, so the timeout settles near 3 s — and a 20 s GC pause is
//! taken for a crash before the detector has ever seen a pause.

use super::base;
use crate::harness::Expect;
use replication_katas::katas::failover::prelude::*;

pub const EXPECT: Expect = Expect::Fail("budget:needless_failovers");

pub struct Coordinator {
    last_silence: Millis,
    longest_gap: Millis,
}

impl Coordinator {
    pub fn new() -> Self {
        Coordinator {
            last_silence: 0,
            longest_gap: 0,
        }
    }
}

impl FailoverCoordinator for Coordinator {
    fn leader_is_dead(&mut self, view: &FailoverView) -> bool {
        if view.silence_ms < self.last_silence {
            self.longest_gap = self.longest_gap.max(self.last_silence);
        }
        self.last_silence = view.silence_ms;
        self.longest_gap > 0 && view.silence_ms > 3 * self.longest_gap
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
