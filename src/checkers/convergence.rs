//! Convergence (strong eventual consistency; DDIA ch. 5, "converging toward a
//! consistent state"): once the network has healed and every message has been
//! delivered, every replica holds the same state — whatever order the updates reached
//! them in.
//!
//! A multi-leader or leaderless store that merges in arrival order ("the last one to
//! arrive wins") breaks it: two regions that received the same two writes in opposite
//! orders keep different ones, for ever, and nothing will ever tell them apart.

use super::{Guarantee, Violation};
use crate::model::{Millis, fmt_time};
use std::fmt::Display;

/// Flags every replica whose final state differs from the first replica's, at `at`
/// (when replication had drained). Each replica is `(name, state, op)`: `op` is the
/// operation number standing for its final observation, for the timeline's mark.
pub fn convergence<T: PartialEq + Display>(
    user: &str,
    at: Millis,
    replicas: &[(String, T, usize)],
) -> Vec<Violation> {
    let Some((first, first_state, first_op)) = replicas.first() else {
        return Vec::new();
    };
    replicas[1..]
        .iter()
        .filter(|(_, state, _)| state != first_state)
        .map(|(name, state, op)| Violation {
            guarantee: Guarantee::Convergence,
            at_ms: at,
            user: user.to_string(),
            node: None,
            operations: vec![*first_op, *op],
            explanation: format!(
                "after every partition healed and replication drained (t={}), {first} holds \
                 {first_state} but {name} holds {state}: the regions received the same \
                 updates and kept different ones, and nothing will ever reconcile them.",
                fmt_time(at)
            ),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_states_converge_and_a_different_one_is_named() {
        let same = [("nyc".to_string(), "a", 1), ("london".to_string(), "a", 2)];
        assert!(convergence("alice", 5_000, &same).is_empty());
        let apart = [
            ("nyc".to_string(), "a", 1),
            ("london".to_string(), "a", 2),
            ("sgp".to_string(), "b", 3),
        ];
        let v = convergence("alice", 5_000, &apart);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].operations, vec![1, 3]);
        assert!(v[0].explanation.contains("nyc holds a but sgp holds b"));
    }
}
