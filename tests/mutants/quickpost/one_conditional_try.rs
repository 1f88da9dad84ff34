//! Correct and minimal: an own-profile read with a token makes a single conditional
//! attempt, at the next up replica in rotation, and goes to the primary if that replica
//! refuses. It sends a few more own reads to the primary than trying every replica
//! would (only when the one replica tried is behind), but never a stale one. Others'
//! reads rotate over the up replicas with the rest as fallbacks, then the primary.
//!
//! Reclassified by the lead: one conditional attempt, then the primary, sends a read to
//! the primary whenever the single replica tried is behind even though others had the
//! post: over the primary budget in the systematic batch's lagging scenarios on every
//! seed.

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
        if up.is_empty() {
            return ReadPlan::new().primary();
        }
        if let (true, Some(&t)) = (read.is_own_profile(), self.tokens.get(&read.user)) {
            return ReadPlan::new()
                .replica_at_least(up[self.next % up.len()], t)
                .primary();
        }
        let mut plan = ReadPlan::new();
        for i in 0..up.len().min(MAX_ATTEMPTS - 1) {
            plan = plan.replica(up[(self.next + i) % up.len()]);
        }
        plan.primary()
    }
}
