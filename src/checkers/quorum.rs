//! Checkers for leaderless quorum reads: quorum intersection (SPEC §4) and
//! convergence after read repair.

use super::{Guarantee, Violation};
use crate::model::{Millis, fmt_time};
use std::ops::Range;

/// A quorum read as the checkers see it. Nodes are numbers (`node-3` is 3). Its
/// responses and repairs are kept in the [`QuorumHistory`] it belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuorumRead<'k> {
    pub op: usize,
    pub at: Millis,
    pub key: &'k str,
    /// The newest version acknowledged to a writer before the read began.
    pub latest_acked: Option<u64>,
    /// The version the coordinator returned.
    pub returned: Option<u64>,
    responses: Range<usize>,
    repaired: Range<usize>,
}

impl<'k> QuorumRead<'k> {
    pub fn new(
        op: usize,
        at: Millis,
        key: &'k str,
        latest_acked: Option<u64>,
        returned: Option<u64>,
    ) -> Self {
        QuorumRead {
            op,
            at,
            key,
            latest_acked,
            returned,
            responses: 0..0,
            repaired: 0..0,
        }
    }
}

/// Every quorum read of a run, in order. The responses and repairs of all reads share
/// two vectors and a read holds its ranges: recording a read allocates nothing once
/// the vectors have grown (a run records thousands).
#[derive(Clone, Debug, Default)]
pub struct QuorumHistory<'k> {
    reads: Vec<QuorumRead<'k>>,
    responses: Vec<(u32, Option<u64>)>,
    repaired: Vec<u32>,
}

impl<'k> QuorumHistory<'k> {
    /// Room for `reads` reads of `quorum` responses each, allocated once.
    pub fn with_capacity(reads: usize, quorum: usize) -> Self {
        QuorumHistory {
            reads: Vec::with_capacity(reads),
            responses: Vec::with_capacity(reads * quorum),
            repaired: Vec::new(),
        }
    }

    /// Records `read`, with each responder and the version it held, and the nodes the
    /// coordinator repaired.
    pub fn push(
        &mut self,
        mut read: QuorumRead<'k>,
        responses: impl IntoIterator<Item = (u32, Option<u64>)>,
        repaired: impl IntoIterator<Item = u32>,
    ) {
        let start = self.responses.len();
        self.responses.extend(responses);
        read.responses = start..self.responses.len();
        let start = self.repaired.len();
        self.repaired.extend(repaired);
        read.repaired = start..self.repaired.len();
        self.reads.push(read);
    }

    pub fn reads(&self) -> &[QuorumRead<'k>] {
        &self.reads
    }

    /// Each responder of `read` and the version it held, in arrival order.
    pub fn responses(&self, read: &QuorumRead) -> &[(u32, Option<u64>)] {
        &self.responses[read.responses.clone()]
    }

    /// The nodes the coordinator repaired after `read`.
    pub fn repaired(&self, read: &QuorumRead) -> &[u32] {
        &self.repaired[read.repaired.clone()]
    }
}

fn v(version: Option<u64>) -> String {
    version.map_or("nothing".into(), |v| format!("v{v}"))
}

/// A read whose quorum *contained* the latest acknowledged write must return it (or
/// something newer). When no responder had it — R + W ≤ N, or a sloppy quorum whose
/// writes landed on fallback nodes — the read is stale but the coordinator is not at
/// fault; the kata counts those reads separately.
pub fn quorum_intersection(history: &QuorumHistory) -> Vec<Violation> {
    history
        .reads()
        .iter()
        .filter_map(|read| {
            let latest = read.latest_acked?;
            let responses = history.responses(read);
            let holder = responses
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
                    responses
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
pub fn convergence(history: &QuorumHistory) -> Vec<Violation> {
    let mut out = Vec::new();
    for read in history.reads() {
        let Some(returned) = read.returned else {
            continue;
        };
        let repaired = history.repaired(read);
        let left: Vec<String> = history
            .responses(read)
            .iter()
            .filter(|(n, ver)| ver.is_none_or(|x| x < returned) && !repaired.contains(n))
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

    /// A history of one read of `cart`.
    fn read(
        responses: Vec<(u32, Option<u64>)>,
        latest: Option<u64>,
        returned: Option<u64>,
        repaired: Vec<u32>,
    ) -> QuorumHistory<'static> {
        let mut history = QuorumHistory::default();
        let read = QuorumRead::new(1, 100, "cart", latest, returned);
        history.push(read, responses, repaired);
        history
    }

    #[test]
    fn returning_an_older_version_than_the_quorum_held_violates_intersection() {
        let r = read(vec![(1, Some(4)), (2, Some(5))], Some(5), Some(4), vec![]);
        let v = quorum_intersection(&r);
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
        assert!(quorum_intersection(&r).is_empty());
        let ok = read(vec![(1, Some(4)), (2, Some(5))], Some(5), Some(5), vec![1]);
        assert!(quorum_intersection(&ok).is_empty());
    }

    #[test]
    fn stale_responders_must_be_repaired() {
        let r = read(
            vec![(1, Some(4)), (2, Some(5)), (3, None)],
            Some(5),
            Some(5),
            vec![1],
        );
        let v = convergence(&r);
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
        assert!(convergence(&fixed).is_empty());
    }

    #[test]
    fn each_read_keeps_its_own_responses_and_repairs() {
        let mut history = QuorumHistory::default();
        history.push(
            QuorumRead::new(1, 100, "cart", Some(5), Some(5)),
            [(1, Some(5)), (2, Some(4))],
            [2],
        );
        history.push(
            QuorumRead::new(2, 200, "cart", Some(5), Some(5)),
            [(3, Some(5)), (4, None)],
            [],
        );
        let [first, second] = history.reads() else {
            panic!("two reads");
        };
        assert_eq!(history.responses(first), [(1, Some(5)), (2, Some(4))]);
        assert_eq!(history.repaired(first), [2]);
        assert_eq!(history.responses(second), [(3, Some(5)), (4, None)]);
        assert!(history.repaired(second).is_empty());
        // The second read left node-4 behind; the first repaired what it found stale.
        let v = convergence(&history);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].operations, [2]);
    }
}
