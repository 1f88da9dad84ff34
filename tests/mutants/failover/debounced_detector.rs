//! Correct, with a debounced failure detector, as production detectors often are: the
//! leader is dead after 7 consecutive checks (3 s at one check every 500 ms) that each
//! saw at least 22 s of silence — 25 to 25.5 s of silence in all, about the hint's
//! timeout — and a heartbeat in between starts the count again. The count resets by
//! itself once the new leader heartbeats. The majority test is written as
//! 2 · reachable > N, which is reachable ≥ N/2 + 1 for integers.

use crate::harness::Expect;
use replication_katas::katas::failover::prelude::*;

pub const EXPECT: Expect = Expect::Pass;

const SUSPECT_AFTER_MS: Millis = 22_000;
const CONFIRMATIONS: u32 = 7;

pub struct Coordinator {
    suspicious_checks: u32,
}

impl Coordinator {
    pub fn new() -> Self {
        Coordinator {
            suspicious_checks: 0,
        }
    }
}

impl FailoverCoordinator for Coordinator {
    fn leader_is_dead(&mut self, view: &FailoverView) -> bool {
        if view.silence_ms >= SUSPECT_AFTER_MS {
            self.suspicious_checks += 1;
        } else {
            self.suspicious_checks = 0;
        }
        self.suspicious_checks >= CONFIRMATIONS
    }

    fn elect_new_leader(&mut self, view: &FailoverView) -> Option<Promotion> {
        let reachable: Vec<&FollowerView> = view.reachable().collect();
        if reachable.len() * 2 <= view.cluster_size as usize {
            return None;
        }
        let best = reachable.iter().max_by_key(|f| (f.position, f.sync))?;
        Some(Promotion {
            node: best.node,
            term: Term(view.term.0 + 1),
        })
    }

    fn validate_safe_failover(
        &mut self,
        view: &FailoverView,
        promotion: &Promotion,
    ) -> Result<(), Refusal> {
        let acked = match view.followers.iter().find(|f| f.sync) {
            Some(sync) => sync.position.lsn,
            None => view.leader_position.lsn,
        };
        let candidate = view
            .followers
            .iter()
            .find(|f| f.node == promotion.node)
            .ok_or_else(|| Refusal(format!("{} is not a follower", promotion.node)))?;
        let lost = acked.0.saturating_sub(candidate.position.lsn.0);
        if lost > view.max_data_loss {
            Err(Refusal(format!(
                "{} is {lost} acknowledged writes behind; the limit is {}",
                candidate.node, view.max_data_loss
            )))
        } else {
            Ok(())
        }
    }
}
