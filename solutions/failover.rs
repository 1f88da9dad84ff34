//! Failover — the instructor's solution.
//!
//! * Dead after 25 s of silence: longer than the GC pauses the cluster sees (20 s),
//!   well inside the 60 s downtime budget.
//! * Elect only with a majority reachable; the freshest reachable follower by reported
//!   position (term first, then LSN), ties to the sync follower (it has every
//!   acknowledged write), under a new term (the fencing token).
//! * Refuse when the promotion would lose more acknowledged writes than allowed.

use replication_katas::katas::failover::prelude::*;

/// Silence after which the leader is declared dead.
pub const TIMEOUT_MS: Millis = 25_000;

pub struct Coordinator {
    timeout_ms: Millis,
}

impl Coordinator {
    pub fn new() -> Self {
        Coordinator::with_timeout(TIMEOUT_MS)
    }

    pub fn with_timeout(timeout_ms: Millis) -> Self {
        Coordinator { timeout_ms }
    }
}

/// Nodes needed for a majority of the cluster.
pub fn majority(view: &FailoverView) -> usize {
    view.cluster_size as usize / 2 + 1
}

/// The last acknowledged write: with semi-synchronous replication, what the sync
/// follower reports; otherwise everything the leader had at its last heartbeat.
pub fn acknowledged(view: &FailoverView) -> Lsn {
    view.followers
        .iter()
        .find(|f| f.sync)
        .map_or(view.leader_position.lsn, |f| f.position.lsn)
}

impl FailoverCoordinator for Coordinator {
    fn leader_is_dead(&mut self, view: &FailoverView) -> bool {
        view.silence_ms >= self.timeout_ms
    }

    fn elect_new_leader(&mut self, view: &FailoverView) -> Option<Promotion> {
        if view.reachable().count() < majority(view) {
            return None;
        }
        let best = view
            .reachable()
            .max_by_key(|f| (f.position, f.sync, std::cmp::Reverse(f.node)))?;
        Some(Promotion {
            node: best.node,
            term: Term(view.term.0 + 1),
        })
    }

    fn validate_safe_failover(
        &mut self,
        view: &FailoverView,
        p: &Promotion,
    ) -> Result<(), Refusal> {
        let candidate = view
            .follower(p.node)
            .ok_or_else(|| Refusal(format!("{} is not a follower", p.node)))?;
        let lost = acknowledged(view)
            .0
            .saturating_sub(candidate.position.lsn.0);
        if lost > view.max_data_loss {
            return Err(Refusal(format!(
                "promoting {} would lose {lost} acknowledged writes (limit {})",
                p.node, view.max_data_loss
            )));
        }
        if view.reachable().count() < majority(view) {
            return Err(Refusal("no majority reachable".into()));
        }
        Ok(())
    }
}
