//! Correct, distrusting the failure detector both ways: the up replicas come first in
//! rotation, then the ones believed down (a restarted replica stays "down" for a while
//! but can already answer), every attempt conditional at the token for own-profile
//! reads, then the primary. Capped so the primary is always within `MAX_ATTEMPTS`.

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
        let (up, down): (Vec<&ReplicaView>, Vec<&ReplicaView>) =
            cluster.replicas().iter().partition(|r| r.is_up());
        self.next = self.next.wrapping_add(1);
        let mut order: Vec<ReplicaId> = Vec::new();
        for i in 0..up.len() {
            order.push(up[(self.next + i) % up.len()].id);
        }
        order.extend(down.iter().map(|r| r.id));
        let token = self
            .tokens
            .get(&read.user)
            .copied()
            .filter(|_| read.is_own_profile());
        let mut plan = ReadPlan::new();
        for &id in order.iter().take(MAX_ATTEMPTS - 1) {
            plan = match token {
                Some(t) => plan.replica_at_least(id, t),
                None => plan.replica(id),
            };
        }
        plan.primary()
    }
}
