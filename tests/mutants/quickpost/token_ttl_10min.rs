//! Per-user tokens with conditional reads — but tokens expire 10 min after the post ("by
//! then every replica has it"), to keep the session store small. After expiry the
//! user's reads go to any replica unconditionally. Wrong: lag has no upper bound. While
//! a replica lags more than 10 min (a spike, a stall, growing lag) or after it is
//! restored from an older backup, an own-profile read after the expiry misses the post.

use crate::harness::Expect;
use replication_katas::katas::quickpost::prelude::*;
use std::collections::BTreeMap;

pub const EXPECT: Expect = Expect::Fail("read-your-writes");

const TTL: Millis = 600_000;

pub struct Router {
    /// Newest post's LSN, and when it was acknowledged.
    tokens: BTreeMap<UserId, (Lsn, Millis)>,
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
    fn on_write_acked(&mut self, ack: &WriteAck, cluster: &ClusterView<'_>) {
        let now = cluster.now();
        let e = self.tokens.entry(ack.user).or_insert((Lsn::ZERO, now));
        *e = (e.0.max(ack.lsn), now);
    }

    fn route_read(&mut self, read: &ProfileRead, cluster: &ClusterView<'_>) -> ReadPlan {
        let now = cluster.now();
        self.tokens.retain(|_, (_, at)| now < *at + TTL);
        let up: Vec<ReplicaId> = cluster
            .replicas()
            .iter()
            .filter(|r| r.is_up())
            .map(|r| r.id)
            .collect();
        self.next = self.next.wrapping_add(1);
        let token = match self.tokens.get(&read.user) {
            Some(&(t, _)) if read.is_own_profile() => Some(t),
            _ => None,
        };
        let mut plan = ReadPlan::new();
        for i in 0..up.len().min(MAX_ATTEMPTS - 1) {
            let id = up[(self.next + i) % up.len()];
            plan = match token {
                Some(t) => plan.replica_at_least(id, t),
                None => plan.replica(id),
            };
        }
        plan.primary()
    }
}
