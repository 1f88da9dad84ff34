//! Correct, balancing by recency instead of a counter: the router remembers when it
//! last sent a read to each replica and orders the up replicas least recently used
//! first (ties by id). Own-profile reads are conditional at the user's token on every
//! attempt, then the primary; others' reads are unconditional with the same order and
//! the primary last.

use crate::harness::Expect;
use replication_katas::katas::quickpost::prelude::*;
use std::collections::BTreeMap;

pub const EXPECT: Expect = Expect::Pass;

pub struct Router {
    tokens: BTreeMap<UserId, Lsn>,
    /// Per replica: a sequence number of the last read it was first in line for.
    last_used: BTreeMap<ReplicaId, u64>,
    seq: u64,
}

impl Router {
    pub fn new() -> Self {
        Router {
            tokens: BTreeMap::new(),
            last_used: BTreeMap::new(),
            seq: 0,
        }
    }
}

impl ReadYourWritesRouter for Router {
    fn on_write_acked(&mut self, ack: &WriteAck, _cluster: &ClusterView<'_>) {
        let t = self.tokens.entry(ack.user).or_insert(Lsn::ZERO);
        *t = (*t).max(ack.lsn);
    }

    fn route_read(&mut self, read: &ProfileRead, cluster: &ClusterView<'_>) -> ReadPlan {
        let mut up: Vec<ReplicaId> = cluster
            .replicas()
            .iter()
            .filter(|r| r.is_up())
            .map(|r| r.id)
            .collect();
        up.sort_by_key(|id| (self.last_used.get(id).copied().unwrap_or(0), *id));
        self.seq += 1;
        if let Some(first) = up.first() {
            self.last_used.insert(*first, self.seq);
        }
        let token = self
            .tokens
            .get(&read.user)
            .copied()
            .filter(|_| read.is_own_profile());
        let mut plan = ReadPlan::new();
        for &id in up.iter().take(MAX_ATTEMPTS - 1) {
            plan = match token {
                Some(t) => plan.replica_at_least(id, t),
                None => plan.replica(id),
            };
        }
        plan.primary()
    }
}
