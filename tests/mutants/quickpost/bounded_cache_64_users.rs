//! Per-user tokens with conditional reads, in a bounded cache: at most 64 users, the
//! oldest-inserted evicted first ("a small LRU-ish map in the proxy"). Wrong: an
//! evicted user's next own-profile read is unconditional. When more than 64 other users
//! post between a user's post and their profile check (busy traffic, many users), the
//! token is gone while a replica may still lack the post.

use crate::harness::Expect;
use replication_katas::katas::quickpost::prelude::*;
use std::collections::{BTreeMap, VecDeque};

pub const EXPECT: Expect = Expect::Fail("read-your-writes");

const CAPACITY: usize = 64;

pub struct Router {
    tokens: BTreeMap<UserId, Lsn>,
    order: VecDeque<UserId>,
    next: usize,
}

impl Router {
    pub fn new() -> Self {
        Router {
            tokens: BTreeMap::new(),
            order: VecDeque::new(),
            next: 0,
        }
    }
}

impl ReadYourWritesRouter for Router {
    fn on_write_acked(&mut self, ack: &WriteAck, _cluster: &ClusterView<'_>) {
        if let Some(t) = self.tokens.get_mut(&ack.user) {
            *t = (*t).max(ack.lsn);
            return;
        }
        if self.tokens.len() == CAPACITY
            && let Some(old) = self.order.pop_front()
        {
            self.tokens.remove(&old);
        }
        self.tokens.insert(ack.user, ack.lsn);
        self.order.push_back(ack.user);
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
