//! Correct, the "lag check" style of PgBouncer-like proxies, made safe: an own-profile
//! read is offered only to the up replicas whose last report already covers the token
//! — each conditionally, since a report can be stale-high after a restore — and goes to
//! the primary when no report covers it yet. Reports lag a few hundred ms, so a read
//! right after a post goes to the primary a little more often than necessary.
//!
//! Reclassified by the lead: trying only replicas whose report already shows the token
//! sends every read to the primary while reports lag behind replicas that in fact have
//! the post: over the primary budget on every seed.

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
        let token = self
            .tokens
            .get(&read.user)
            .copied()
            .filter(|_| read.is_own_profile());
        let up: Vec<ReplicaId> = cluster
            .replicas()
            .iter()
            .filter(|r| r.is_up() && token.is_none_or(|t| r.reported_lsn() >= t))
            .map(|r| r.id)
            .collect();
        self.next = self.next.wrapping_add(1);
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
