//! A plain, correct coordinator in pieces, written from the skeleton and the hints.
//! Most bug mutants change one decision and take the rest from here, so that each one
//! fails for exactly the reason its file states; the correct-but-unusual designs are
//! written out in full instead.

use replication_katas::katas::failover::prelude::*;

/// Longer than a 20 s GC pause (plus a heartbeat interval), well inside the 60 s
/// downtime budget.
pub const TIMEOUT_MS: Millis = 25_000;

pub fn leader_is_dead(view: &FailoverView) -> bool {
    view.silence_ms >= TIMEOUT_MS
}

/// A majority of the whole cluster, the old leader included.
pub fn majority(cluster_size: u32) -> usize {
    cluster_size as usize / 2 + 1
}

/// The freshest reachable follower; among equals, the synchronous one.
pub fn freshest(view: &FailoverView) -> Option<&FollowerView> {
    view.reachable().max_by_key(|f| (f.position, f.sync))
}

pub fn next_term(view: &FailoverView) -> Term {
    Term(view.term.0 + 1)
}

pub fn elect_new_leader(view: &FailoverView) -> Option<Promotion> {
    if view.reachable().count() < majority(view.cluster_size) {
        return None;
    }
    freshest(view).map(|f| Promotion {
        node: f.node,
        term: next_term(view),
    })
}

/// The last acknowledged write: semi-synchronous replication acknowledges only what
/// the sync follower has; asynchronous replication acknowledges all the leader has.
pub fn acknowledged(view: &FailoverView) -> Lsn {
    view.followers
        .iter()
        .find(|f| f.sync)
        .map_or(view.leader_position.lsn, |f| f.position.lsn)
}

/// The candidate's reported position.
pub fn candidate_lsn(view: &FailoverView, promotion: &Promotion) -> Option<Lsn> {
    view.followers
        .iter()
        .find(|f| f.node == promotion.node)
        .map(|f| f.position.lsn)
}

pub fn writes_lost(view: &FailoverView, promotion: &Promotion) -> Option<u64> {
    candidate_lsn(view, promotion).map(|lsn| acknowledged(view).0.saturating_sub(lsn.0))
}

pub fn validate_safe_failover(view: &FailoverView, promotion: &Promotion) -> Result<(), Refusal> {
    match writes_lost(view, promotion) {
        None => Err(Refusal(format!("{} is not a follower", promotion.node))),
        Some(lost) if lost > view.max_data_loss => Err(Refusal(format!(
            "promoting {} would lose {lost} acknowledged writes (at most {} allowed)",
            promotion.node, view.max_data_loss
        ))),
        Some(_) => Ok(()),
    }
}
