//! Consistent prefix (DDIA ch. 5, "consistent prefix reads"; Terry et al.'s
//! writes-follow-reads seen from the reader's side).
//!
//! One replication log cannot break it: a replica holds a prefix of the log, and a
//! write's causes were logged before it. It breaks when related writes live in
//! different logs — partitions, shards, several leaders — that replicate at different
//! speeds: an observer sees the answer before the question. So this checker does not
//! read positions; it takes, for each observation, the set of writes it saw, and for
//! each write the writes that causally precede it.

use super::{Guarantee, Violation};
use crate::model::{Millis, fmt_time};
use std::collections::BTreeSet;

/// A write and the writes it causally depends on (a reply depends on the message it
/// answers).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CausalWrite {
    pub op: usize,
    /// What it is, for the report ("bob's reply").
    pub what: String,
    pub after: Vec<usize>,
}

/// What one read saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observation {
    pub op: usize,
    pub at: Millis,
    /// Who observed, for the report.
    pub observer: String,
    /// Where the read was served.
    pub node: String,
    /// The writes it saw (operation numbers).
    pub seen: Vec<usize>,
}

/// Flags every observation that contains a write but not one of its causes.
pub fn consistent_prefix(writes: &[CausalWrite], observations: &[Observation]) -> Vec<Violation> {
    let what = |op: usize| {
        writes
            .iter()
            .find(|w| w.op == op)
            .map_or_else(|| format!("write #{op}"), |w| w.what.clone())
    };
    let mut out = Vec::new();
    for obs in observations {
        let seen: BTreeSet<usize> = obs.seen.iter().copied().collect();
        for w in writes.iter().filter(|w| seen.contains(&w.op)) {
            if let Some(&cause) = w.after.iter().find(|c| !seen.contains(c)) {
                out.push(Violation {
                    guarantee: Guarantee::ConsistentPrefix,
                    at_ms: obs.at,
                    user: obs.observer.clone(),
                    node: None,
                    operations: vec![cause, w.op, obs.op],
                    explanation: format!(
                        "{}'s read at t={} from {} saw {} but not {}, which it follows: \
                         the effect arrived before its cause.",
                        obs.observer,
                        fmt_time(obs.at),
                        obs.node,
                        w.what,
                        what(cause)
                    ),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// DDIA's example: Mr. Poons asks, Mrs. Cake answers; the two writes sit in
    /// different partitions.
    fn conversation() -> Vec<CausalWrite> {
        vec![
            CausalWrite {
                op: 1,
                what: "Mr. Poons's question".into(),
                after: vec![],
            },
            CausalWrite {
                op: 2,
                what: "Mrs. Cake's answer".into(),
                after: vec![1],
            },
        ]
    }

    fn observe(seen: Vec<usize>) -> Observation {
        Observation {
            op: 3,
            at: 1_500,
            observer: "the observer".into(),
            node: "partition-2".into(),
            seen,
        }
    }

    #[test]
    fn the_answer_without_the_question_is_a_violation() {
        let v = consistent_prefix(&conversation(), &[observe(vec![2])]);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].operations, vec![1, 2, 3]);
        let text = &v[0].explanation;
        assert!(
            text.contains("saw Mrs. Cake's answer but not Mr. Poons's question"),
            "{text}"
        );
        assert!(text.contains("partition-2"), "{text}");
    }

    #[test]
    fn any_causally_closed_view_is_fine() {
        for seen in [vec![], vec![1], vec![1, 2]] {
            assert!(consistent_prefix(&conversation(), &[observe(seen)]).is_empty());
        }
    }

    #[test]
    fn a_prefix_of_one_log_never_violates_it() {
        // Every write depends on the one logged before it: the strictest causality.
        let writes: Vec<CausalWrite> = (1..=20)
            .map(|op| CausalWrite {
                op,
                what: format!("write {op}"),
                after: (1..op).collect(),
            })
            .collect();
        let prefixes: Vec<Observation> = (0..=20).map(|n| observe((1..=n).collect())).collect();
        assert!(consistent_prefix(&writes, &prefixes).is_empty());
        // A gap in the middle is not a prefix, and is caught.
        assert_eq!(consistent_prefix(&writes, &[observe(vec![1, 3])]).len(), 1);
    }
}
