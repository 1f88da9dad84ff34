//! Correct, with a different order and tie-break: for an own-profile read, the up
//! replicas whose *report* already covers the token come first (lowest id first), then
//! the rest (lowest id first), every attempt conditional at the token, then the
//! primary. Reports only order the attempts; the condition makes each replica prove it
//! has the post, so stale-high reports after a restore cost a refusal, not a stale read.
//! Others' reads rotate over the up replicas, then the primary.

use crate::harness::Expect;
use replication_katas::katas::quickpost::prelude::*;
use std::collections::BTreeMap;

pub const EXPECT: Expect = Expect::Pass;

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
        if let (true, Some(&t)) = (read.is_own_profile(), self.tokens.get(&read.user)) {
            let mut order: Vec<&ReplicaView> = up.clone();
            // Stable sort: covering replicas first, each group in id order.
            order.sort_by_key(|r| (r.reported_lsn() < t, r.id));
            let mut plan = ReadPlan::new();
            for r in order.iter().take(MAX_ATTEMPTS - 1) {
                plan = plan.replica_at_least(r.id, t);
            }
            return plan.primary();
        }
        self.next = self.next.wrapping_add(1);
        let mut plan = ReadPlan::new();
        for i in 0..up.len().min(MAX_ATTEMPTS - 1) {
            plan = plan.replica(up[(self.next + i) % up.len()].id);
        }
        plan.primary()
    }
}
