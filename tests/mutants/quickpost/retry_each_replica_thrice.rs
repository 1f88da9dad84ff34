//! Per-user tokens and conditional reads, with retries: each up replica is tried three
//! times in a row ("lag is usually milliseconds, a retry will catch it"), then the
//! primary. Wrong: a plan is cut after `MAX_ATTEMPTS` (8) attempts, and the retries are
//! immediate, so they only waste attempts. With three or more up replicas the primary
//! falls past the cut, and an own-profile read that no replica can serve yet fails.

use crate::harness::Expect;
use replication_katas::katas::quickpost::prelude::*;
use std::collections::BTreeMap;

pub const EXPECT: Expect = Expect::Fail("budget:failed_reads");

pub struct Router {
    tokens: BTreeMap<UserId, Lsn>,
    next: usize,
}

impl Router {
    pub fn new() -> Self {
        Router {
            tokens: BTreeMap::new(),
            next: 0,
        }
    }
}

impl ReadYourWritesRouter for Router {
    fn on_write_acked(&mut self, ack: &WriteAck, _cluster: &ClusterView<'_>) {
        let t = self.tokens.entry(ack.user).or_insert(Lsn::ZERO);
        *t = (*t).max(ack.lsn);
    }

    fn route_read(&mut self, read: &ProfileRead, cluster: &ClusterView<'_>) -> ReadPlan {
        let up: Vec<ReplicaId> = cluster
            .replicas()
            .iter()
            .filter(|r| r.is_up())
            .map(|r| r.id)
            .collect();
        self.next = self.next.wrapping_add(1);
        let token = self
            .tokens
            .get(&read.user)
            .copied()
            .filter(|_| read.is_own_profile());
        let mut plan = ReadPlan::new();
        for i in 0..up.len() {
            let id = up[(self.next + i) % up.len()];
            for _retry in 0..3 {
                plan = match token {
                    Some(t) => plan.replica_at_least(id, t),
                    None => plan.replica(id),
                };
            }
        }
        plan.primary()
    }
}
