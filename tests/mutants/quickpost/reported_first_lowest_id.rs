//! Correct for read-your-writes, wasteful for load: for an own-profile read, the up
//! replicas whose *report* already covers the token come first (lowest id first), then
//! the rest (lowest id first), every attempt conditional at the token, then the
//! primary. Others' reads rotate over the up replicas, then the primary. Once the
//! token is old and every replica reports it, every own-profile read goes to replica-1
//! while the others idle: about 5 times its fair share, over the load-imbalance budget
//! (as TaskFlow's `freshest_reported_conditional`). Written as a correct design at first
//! ("a different tie-break"); the tie-break is the whole order once reports agree.

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
