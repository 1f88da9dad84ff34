//! Correct, with the opposite off-by-one: the condition is `token + 1` (the author
//! thought `replica_at_least` was exclusive). A replica that has applied `token + 1`
//! holds a prefix of the log including the post, so no read is ever stale; the price is
//! that until some later write exists, replicas refuse and the read goes to the primary
//! — bounded by the share of own-profile reads that closely follow a post.
//!
//! Reclassified by the lead: asking for LSN + 1 demands a write later than the user's
//! own, so whenever the user's post is the newest write every replica refuses and the
//! read goes to the primary: needless primary reads, over the budget whenever posts are
//! the latest writes (every seed of the systematic batch).

use crate::harness::Expect;
use replication_katas::katas::quickpost::prelude::*;
use std::collections::BTreeMap;

pub const EXPECT: Expect = Expect::Fail("budget:primary_read_share");

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
        for i in 0..up.len().min(MAX_ATTEMPTS - 1) {
            let id = up[(self.next + i) % up.len()];
            plan = match token {
                Some(t) => plan.replica_at_least(id, Lsn(t.0 + 1)),
                None => plan.replica(id),
            };
        }
        plan.primary()
    }
}
