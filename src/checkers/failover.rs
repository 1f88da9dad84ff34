//! Checkers for failover: no lost acknowledged writes, a single writable leader, and
//! elections only with a majority.

use super::{Guarantee, Violation};
use crate::model::{Millis, fmt_time};

/// A promotion as it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PromotionRecord {
    pub at: Millis,
    pub node: u32,
    pub term: u64,
    /// The promoted node's last log position.
    pub lsn: u64,
    /// Nodes on the coordinator's side of the network, the candidate included.
    pub reachable_nodes: u32,
    /// The freshest position among the followers the coordinator could reach.
    pub best_reachable_lsn: u64,
}

/// What the failover checkers read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailoverRecord {
    pub cluster_size: u32,
    /// Writes up to this LSN had been acknowledged to clients when the leader failed.
    pub acked: u64,
    pub old_term: u64,
    pub max_data_loss: u64,
    pub promotion: Option<PromotionRecord>,
    /// When the old leader accepted writes again after the promotion, if it did, and
    /// whether its side of the network still had a majority.
    pub old_leader_writes_after: Option<Millis>,
}

fn lsns(from: u64, to: u64) -> String {
    let listed: Vec<String> = (from..=to).take(10).map(|l| format!("LSN {l}")).collect();
    let more = (to + 1 - from).saturating_sub(10);
    if more > 0 {
        format!("{} … and {more} more", listed.join(", "))
    } else {
        listed.join(", ")
    }
}

/// Acknowledged writes the winner lacks, when a reachable survivor had them — or more
/// of them than the configured maximum, when refusing was possible.
pub fn no_lost_acknowledged_writes(r: &FailoverRecord) -> Vec<Violation> {
    let Some(p) = &r.promotion else {
        return Vec::new();
    };
    let kept = p.lsn.min(r.acked);
    let lost = r.acked - kept;
    if lost == 0 {
        return Vec::new();
    }
    let avoidable = p.best_reachable_lsn.min(r.acked) > kept;
    let explanation = if avoidable {
        format!(
            "node-{} was promoted at t={} with its log at LSN {}; the writes {} had been \
             acknowledged to clients, and a reachable follower had them up to LSN {}. \
             They are lost: promote the freshest follower.",
            p.node,
            fmt_time(p.at),
            p.lsn,
            lsns(kept + 1, r.acked),
            p.best_reachable_lsn.min(r.acked)
        )
    } else if lost > r.max_data_loss {
        format!(
            "node-{} was promoted at t={} and {lost} acknowledged writes ({}) are lost, \
             more than the {} an automatic failover may lose. Refuse, and page a human.",
            p.node,
            fmt_time(p.at),
            lsns(kept + 1, r.acked),
            r.max_data_loss
        )
    } else {
        return Vec::new();
    };
    vec![Violation {
        guarantee: Guarantee::NoLostAcknowledgedWrites,
        at_ms: p.at,
        user: String::new(),
        node: None,
        operations: Vec::new(),
        explanation,
    }]
}

/// Two leaders accepting writes under the same term: nothing can fence the old one.
pub fn single_writable_leader(r: &FailoverRecord) -> Vec<Violation> {
    match (&r.promotion, r.old_leader_writes_after) {
        (Some(p), Some(at)) if p.term <= r.old_term => vec![Violation {
            guarantee: Guarantee::SingleWritableLeader,
            at_ms: at,
            user: String::new(),
            node: None,
            operations: Vec::new(),
            explanation: format!(
                "node-{} was promoted at t={} under term {}, the old leader's own term; at \
                 t={} node-1 was still accepting writes in term {}. Two leaders, one \
                 term: no node can tell which writes to reject (split brain). Start a new \
                 term when promoting.",
                p.node,
                fmt_time(p.at),
                p.term,
                fmt_time(at),
                r.old_term
            ),
        }],
        _ => Vec::new(),
    }
}

/// A promotion decided by a minority of the cluster.
pub fn majority_election(r: &FailoverRecord) -> Vec<Violation> {
    let majority = r.cluster_size / 2 + 1;
    match &r.promotion {
        Some(p) if p.reachable_nodes < majority => vec![Violation {
            guarantee: Guarantee::MajorityElection,
            at_ms: p.at,
            user: String::new(),
            node: None,
            operations: Vec::new(),
            explanation: format!(
                "node-{} was promoted at t={} by a coordinator that could reach only {} of {} \
                 nodes; a majority is {majority}. The other side may still have a working \
                 leader: now there are two.",
                p.node,
                fmt_time(p.at),
                p.reachable_nodes,
                r.cluster_size
            ),
        }],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(promoted_lsn: u64, best: u64, acked: u64) -> FailoverRecord {
        FailoverRecord {
            cluster_size: 4,
            acked,
            old_term: 1,
            max_data_loss: 10,
            promotion: Some(PromotionRecord {
                at: 30_000,
                node: 2,
                term: 2,
                lsn: promoted_lsn,
                reachable_nodes: 3,
                best_reachable_lsn: best,
            }),
            old_leader_writes_after: None,
        }
    }

    #[test]
    fn promoting_a_staler_follower_loses_writes_someone_had() {
        let v = no_lost_acknowledged_writes(&record(1090, 1100, 1100));
        assert_eq!(v.len(), 1);
        assert!(
            v[0].explanation.contains("LSN 1091"),
            "{}",
            v[0].explanation
        );
        assert!(no_lost_acknowledged_writes(&record(1100, 1100, 1100)).is_empty());
    }

    #[test]
    fn unavoidable_small_losses_are_not_violations_but_large_ones_are() {
        // Leader 1010, best follower 1008: 1009 and 1010 are gone whatever we do.
        assert!(no_lost_acknowledged_writes(&record(1008, 1008, 1010)).is_empty());
        let gitlab = no_lost_acknowledged_writes(&record(1200, 1200, 5000));
        assert_eq!(gitlab.len(), 1);
        assert!(gitlab[0].explanation.contains("page a human"));
    }

    #[test]
    fn same_term_is_split_brain_and_minorities_do_not_elect() {
        let mut r = record(1100, 1100, 1100);
        r.old_leader_writes_after = Some(40_000);
        assert!(
            single_writable_leader(&r).is_empty(),
            "term 2 fences term 1"
        );
        r.promotion.as_mut().unwrap().term = 1;
        assert_eq!(single_writable_leader(&r).len(), 1);
        r.promotion.as_mut().unwrap().reachable_nodes = 2;
        assert_eq!(majority_election(&r).len(), 1);
    }
}
