//! Correct for read-your-writes, wasteful for load: a token per user; an own-profile
//! read lists the up replicas freshest reported first (ties in id order), each with
//! `replica_at_least(id, token)`, then the primary; every other read starts at the next
//! replica in rotation, lists the others after it unconditionally, then the primary.
//! Own-profile reads are never rotated, so whenever several replicas have the token the
//! freshest serves them all while the others idle: the load-imbalance budget is exceeded.
//! (The kata's last hint used to describe exactly this design as one that passes; the
//! hint now rotates over the replicas whose report shows the token.)

use crate::harness::Expect;
use replication_katas::katas::quickpost::prelude::*;
use std::collections::BTreeMap;

pub const EXPECT: Expect = Expect::Fail("budget:load_imbalance");

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
        let mut up: Vec<&ReplicaView> = cluster.replicas().iter().filter(|r| r.is_up()).collect();
        if let (true, Some(&t)) = (read.is_own_profile(), self.tokens.get(&read.user)) {
            up.sort_by_key(|r| std::cmp::Reverse(r.reported_lsn()));
            let mut plan = ReadPlan::new();
            for r in up.iter().take(MAX_ATTEMPTS - 1) {
                plan = plan.replica_at_least(r.id, t);
            }
            return plan.primary();
        }
        if up.is_empty() {
            return ReadPlan::new().primary();
        }
        self.next = self.next.wrapping_add(1);
        let start = self.next % up.len();
        let mut plan = ReadPlan::new();
        for i in 0..up.len().min(MAX_ATTEMPTS - 1) {
            plan = plan.replica(up[(start + i) % up.len()].id);
        }
        plan.primary()
    }
}
