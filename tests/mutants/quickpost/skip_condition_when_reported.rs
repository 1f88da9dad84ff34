//! Per-user tokens, every up replica in rotation, the primary last — and an
//! optimization: a replica whose last *report* already covers the token gets a plain
//! read ("it has the post; why pay for a check?"), only the others a conditional one.
//! Wrong: right after a restore from an old backup, the replica's last report is
//! stale-high; the plain read is served from the restored state, without the post.

use crate::harness::Expect;
use replication_katas::katas::quickpost::prelude::*;
use std::collections::BTreeMap;

pub const EXPECT: Expect = Expect::Fail("read-your-writes");

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
        let up: Vec<&ReplicaView> = cluster.replicas().iter().filter(|r| r.is_up()).collect();
        self.next = self.next.wrapping_add(1);
        let token = self
            .tokens
            .get(&read.user)
            .copied()
            .filter(|_| read.is_own_profile());
        let mut plan = ReadPlan::new();
        for i in 0..up.len().min(MAX_ATTEMPTS - 1) {
            let r = up[(self.next + i) % up.len()];
            plan = match token {
                Some(t) if r.reported_lsn() < t => plan.replica_at_least(r.id, t),
                _ => plan.replica(r.id),
            };
        }
        plan.primary()
    }
}
