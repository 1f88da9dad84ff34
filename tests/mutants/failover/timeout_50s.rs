//! Correct, with a failure detector at the slow end of what the budget allows: dead
//! after 50 s of silence. A crash costs about 50 s without a writable leader, under the
//! 60 s downtime budget; no pause shorter than 50 s is ever failed over. The election
//! ranks candidates by a single key (sync follower first among equals) with a fold,
//! and validation computes the acknowledged position as the largest sync LSN.

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
        view.silence_ms >= 50_000
    }

    fn elect_new_leader(&mut self, view: &FailoverView) -> Option<Promotion> {
        let majority = view.cluster_size / 2 + 1;
        let mut reachable = 0;
        let mut best: Option<&FollowerView> = None;
        for f in view.followers.iter().filter(|f| f.reachable) {
            reachable += 1;
            let better = match best {
                None => true,
                Some(b) => (f.position, f.sync) > (b.position, b.sync),
            };
            if better {
                best = Some(f);
            }
        }
        if reachable < majority {
            return None;
        }
        best.map(|f| Promotion {
            node: f.node,
            term: Term(view.term.0 + 1),
        })
    }

    fn validate_safe_failover(
        &mut self,
        view: &FailoverView,
        promotion: &Promotion,
    ) -> Result<(), Refusal> {
        let sync_lsn = view.followers.iter().filter(|f| f.sync).map(|f| f.position.lsn).max();
        let acknowledged = sync_lsn.unwrap_or(view.leader_position.lsn);
        let Some(candidate) = view.followers.iter().find(|f| f.node == promotion.node) else {
            return Err(Refusal(format!("no follower {}", promotion.node)));
        };
        let lost = acknowledged.0.saturating_sub(candidate.position.lsn.0);
        if lost <= view.max_data_loss {
            Ok(())
        } else {
            Err(Refusal(format!("{lost} acknowledged writes would be lost")))
        }
    }
}
