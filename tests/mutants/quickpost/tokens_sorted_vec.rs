//! Correct, with other data structures and numerics: the tokens live in a `Vec` of
//! (user, LSN) pairs kept sorted by user (binary search), raised with `max` so that an
//! acknowledgement arriving late never lowers a token. An own-profile read tries the up
//! replicas in a rotation that starts at a different place every read, those whose
//! report already shows the token before the others (a stable partition of the
//! rotation), each conditional at the token, then the primary. Others' reads: the same
//! rotation, unconditional, then the primary.

use crate::harness::Expect;
use replication_katas::katas::quickpost::prelude::*;

pub const EXPECT: Expect = Expect::Pass;

pub struct Router {
    tokens: Vec<(UserId, Lsn)>,
    turn: u64,
}

impl Router {
    pub fn new() -> Self {
        Router {
            tokens: Vec::new(),
            turn: 0,
        }
    }

    fn token(&self, user: UserId) -> Option<Lsn> {
        self.tokens
            .binary_search_by_key(&user, |&(u, _)| u)
            .ok()
            .map(|i| self.tokens[i].1)
    }
}

impl ReadYourWritesRouter for Router {
    fn on_write_acked(&mut self, ack: &WriteAck, _cluster: &ClusterView<'_>) {
        match self.tokens.binary_search_by_key(&ack.user, |&(u, _)| u) {
            Ok(i) => self.tokens[i].1 = self.tokens[i].1.max(ack.lsn),
            Err(i) => self.tokens.insert(i, (ack.user, ack.lsn)),
        }
    }

    fn route_read(&mut self, read: &ProfileRead, cluster: &ClusterView<'_>) -> ReadPlan {
        let up: Vec<&ReplicaView> = cluster.replicas().iter().filter(|r| r.is_up()).collect();
        if up.is_empty() {
            return ReadPlan::new().primary();
        }
        self.turn = self.turn.wrapping_add(1);
        let start = (self.turn % up.len() as u64) as usize;
        let mut rotation: Vec<&ReplicaView> =
            (0..up.len()).map(|i| up[(start + i) % up.len()]).collect();
        let token = if read.is_own_profile() {
            self.token(read.user)
        } else {
            None
        };
        let mut plan = ReadPlan::new();
        match token {
            Some(t) => {
                // Stable: each group keeps the rotation's order.
                rotation.sort_by_key(|r| r.reported_lsn() < t);
                for r in rotation.iter().take(MAX_ATTEMPTS - 1) {
                    plan = plan.replica_at_least(r.id, t);
                }
            }
            None => {
                for r in rotation.iter().take(MAX_ATTEMPTS - 1) {
                    plan = plan.replica(r.id);
                }
            }
        }
        plan.primary()
    }
}
