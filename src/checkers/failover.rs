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
    /// The deposed leader's term.
    pub old_term: u64,
    /// The promoted node's last log position (LSN) that the deposed leader's history
    /// shares: what the new term is built on.
    pub lsn: u64,
    /// Writes up to this LSN had been acknowledged to clients when the deposed leader
    /// was cut off.
    pub acked: u64,
    /// Followers the coordinator could reach (the candidate included).
    pub reachable_nodes: u32,
    /// The most of the acknowledged history any follower the coordinator could reach
    /// had (LSN).
    pub best_reachable_lsn: u64,
}

/// Two leaders taking writes, and no newer term between them to fence either.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TwoLeaders {
    pub at: Millis,
    /// The node that kept (or went back to) leading.
    pub old: u32,
    /// The node the coordinator promoted.
    pub new: u32,
    pub term: u64,
}

/// What the failover checkers read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailoverRecord {
    pub cluster_size: u32,
    pub max_data_loss: u64,
    pub promotions: Vec<PromotionRecord>,
    pub two_leaders: Option<TwoLeaders>,
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
    r.promotions.iter().filter_map(|p| lost_by(r, p)).collect()
}

fn lost_by(r: &FailoverRecord, p: &PromotionRecord) -> Option<Violation> {
    let kept = p.lsn.min(p.acked);
    let lost = p.acked - kept;
    if lost == 0 {
        return None;
    }
    let avoidable = p.best_reachable_lsn.min(p.acked) > kept;
    let explanation = if avoidable {
        format!(
            "node-{} was promoted at t={} with its log at LSN {}; the writes {} had been \
             acknowledged to clients, and a reachable follower had them up to LSN {}. \
             They are lost: promote the freshest follower.",
            p.node,
            fmt_time(p.at),
            p.lsn,
            lsns(kept + 1, p.acked),
            p.best_reachable_lsn.min(p.acked)
        )
    } else if lost > r.max_data_loss {
        format!(
            "node-{} was promoted at t={} and {lost} acknowledged writes ({}) are lost, \
             more than the {} an automatic failover may lose. Refuse, and page a human.",
            p.node,
            fmt_time(p.at),
            lsns(kept + 1, p.acked),
            r.max_data_loss
        )
    } else {
        return None;
    };
    Some(Violation {
        guarantee: Guarantee::NoLostAcknowledgedWrites,
        at_ms: p.at,
        user: String::new(),
        node: None,
        operations: Vec::new(),
        explanation,
    })
}

/// Two leaders accepting writes with no newer term between them: nothing can fence
/// the old one.
pub fn single_writable_leader(r: &FailoverRecord) -> Vec<Violation> {
    let Some(two) = &r.two_leaders else {
        return Vec::new();
    };
    let promoted = r
        .promotions
        .iter()
        .rev()
        .find(|p| p.node == two.new && p.at <= two.at);
    let how = promoted.map_or(String::new(), |p| {
        format!(
            "node-{} was promoted at t={} under term {}, not newer than the old leader's \
             term {}; ",
            p.node,
            fmt_time(p.at),
            p.term,
            p.old_term
        )
    });
    vec![Violation {
        guarantee: Guarantee::SingleWritableLeader,
        at_ms: two.at,
        user: String::new(),
        node: None,
        operations: Vec::new(),
        explanation: format!(
            "{how}at t={} node-{} was still accepting writes as leader in term {}. Two \
             leaders, and no newer term to tell them apart: no node can tell which writes \
             to reject (split brain). Start a new term when promoting.",
            fmt_time(two.at),
            two.old,
            two.term
        ),
    }]
}

/// The smallest majority of a cluster of `cluster_size` nodes: two majorities always
/// share a node, so two sides of a partition can never both elect.
pub fn majority(cluster_size: u32) -> u32 {
    cluster_size / 2 + 1
}

/// A promotion decided by a minority of the cluster.
pub fn majority_election(r: &FailoverRecord) -> Vec<Violation> {
    let majority = majority(r.cluster_size);
    r.promotions
        .iter()
        .filter(|p| p.reachable_nodes < majority)
        .take(1)
        .map(|p| Violation {
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
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(promoted_lsn: u64, best: u64, acked: u64) -> FailoverRecord {
        FailoverRecord {
            cluster_size: 4,
            max_data_loss: 10,
            promotions: vec![PromotionRecord {
                at: 30_000,
                node: 2,
                term: 2,
                old_term: 1,
                lsn: promoted_lsn,
                acked,
                reachable_nodes: 3,
                best_reachable_lsn: best,
            }],
            two_leaders: None,
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
        assert!(single_writable_leader(&r).is_empty());
        r.promotions[0].term = 1;
        r.two_leaders = Some(TwoLeaders {
            at: 40_000,
            old: 1,
            new: 2,
            term: 1,
        });
        let v = single_writable_leader(&r);
        assert_eq!(v.len(), 1);
        assert!(
            v[0].explanation.contains("under term 1"),
            "{}",
            v[0].explanation
        );
        assert!(majority_election(&r).is_empty());
        r.promotions[0].reachable_nodes = 2;
        assert_eq!(majority_election(&r).len(), 1);
    }
}
