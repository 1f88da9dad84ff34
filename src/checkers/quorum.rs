//! Checkers for leaderless quorum reads: quorum intersection (SPEC §4) and
//! convergence after read repair.

use super::{Guarantee, Violation};
use crate::model::{Millis, fmt_time};

/// A quorum read as the checkers see it. Nodes are numbers (`node-3` is 3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuorumRead {
    pub op: usize,
    pub at: Millis,
    pub key: String,
    /// Each responder and the version it held.
    pub responses: Vec<(u32, Option<u64>)>,
    /// The newest version acknowledged to a writer before the read began.
    pub latest_acked: Option<u64>,
    /// The version the coordinator returned.
    pub returned: Option<u64>,
    /// The nodes the coordinator repaired.
    pub repaired: Vec<u32>,
}

fn v(version: Option<u64>) -> String {
    version.map_or("nothing".into(), |v| format!("v{v}"))
}

/// A read whose quorum *contained* the latest acknowledged write must return it (or
/// something newer). When no responder had it — R + W ≤ N, or a sloppy quorum whose
/// writes landed on fallback nodes — the read is stale but the coordinator is not at
/// fault; the kata counts those reads separately.
pub fn quorum_intersection(reads: &[QuorumRead]) -> Vec<Violation> {
    reads
        .iter()
        .filter_map(|read| {
            let latest = read.latest_acked?;
            let holder = read
                .responses
                .iter()
                .find(|(_, version)| version.is_some_and(|x| x >= latest))?;
            if read.returned.is_some_and(|r| r >= latest) {
                return None;
            }
            Some(Violation {
                guarantee: Guarantee::QuorumIntersection,
                at_ms: read.at,
                user: String::new(),
                node: None,
                operations: vec![read.op],
                explanation: format!(
                    "the read of {} at t={} asked {}; node-{} answered {} — the latest \
                     acknowledged write is v{latest} — yet the coordinator returned {}. The \
                     quorums overlapped; the coordinator must return the newest version it \
                     was given.",
                    read.key,
                    fmt_time(read.at),
                    read.responses
                        .iter()
                        .map(|(n, ver)| format!("node-{n} ({})", v(*ver)))
                        .collect::<Vec<_>>()
                        .join(", "),
                    holder.0,
                    v(holder.1),
                    v(read.returned),
                ),
            })
        })
        .collect()
}

/// Every responder that answered with an older version than the one returned must be
/// repaired; otherwise it stays behind until some later write reaches it.
pub fn convergence(reads: &[QuorumRead]) -> Vec<Violation> {
    let mut out = Vec::new();
    for read in reads {
        let Some(returned) = read.returned else {
            continue;
        };
        let left: Vec<String> = read
            .responses
            .iter()
            .filter(|(n, ver)| ver.is_none_or(|x| x < returned) && !read.repaired.contains(n))
            .map(|(n, ver)| format!("node-{n} ({})", v(*ver)))
            .collect();
        if !left.is_empty() {
            out.push(Violation {
                guarantee: Guarantee::Convergence,
                at_ms: read.at,
                user: String::new(),
                node: None,
                operations: vec![read.op],
                explanation: format!(
                    "the read of {} at t={} returned v{returned} but left {} stale: read \
                     repair should have sent them v{returned}.",
                    read.key,
                    fmt_time(read.at),
                    left.join(", ")
                ),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(
        responses: Vec<(u32, Option<u64>)>,
        latest: Option<u64>,
        returned: Option<u64>,
        repaired: Vec<u32>,
    ) -> QuorumRead {
        QuorumRead {
            op: 1,
            at: 100,
            key: "cart".into(),
            responses,
            latest_acked: latest,
            returned,
            repaired,
        }
    }

    #[test]
    fn returning_an_older_version_than_the_quorum_held_violates_intersection() {
        let r = read(vec![(1, Some(4)), (2, Some(5))], Some(5), Some(4), vec![]);
        let v = quorum_intersection(&[r]);
        assert_eq!(v.len(), 1);
        assert!(
            v[0].explanation.contains("node-2 answered v5"),
            "{}",
            v[0].explanation
        );
    }

    #[test]
    fn a_quorum_that_missed_the_write_is_not_the_coordinators_fault() {
        // Sloppy quorum: the latest write is on fallback nodes only.
        let r = read(vec![(1, Some(4)), (2, Some(4))], Some(5), Some(4), vec![]);
        assert!(quorum_intersection(&[r]).is_empty());
        let ok = read(vec![(1, Some(4)), (2, Some(5))], Some(5), Some(5), vec![1]);
        assert!(quorum_intersection(&[ok]).is_empty());
    }

    #[test]
    fn stale_responders_must_be_repaired() {
        let r = read(
            vec![(1, Some(4)), (2, Some(5)), (3, None)],
            Some(5),
            Some(5),
            vec![1],
        );
        let v = convergence(&[r]);
        assert_eq!(v.len(), 1);
        assert!(
            v[0].explanation.contains("node-3 (nothing)"),
            "{}",
            v[0].explanation
        );
        let fixed = read(
            vec![(1, Some(4)), (2, Some(5)), (3, None)],
            Some(5),
            Some(5),
            vec![1, 3],
        );
        assert!(convergence(&[fixed]).is_empty());
    }
}
