//! For an own-profile read, picks a replica whose last *reported* LSN covers the user's
//! token and reads it unconditionally; the primary if none does. Wrong: a report is old
//! news. Right after a replica is restored from an old backup its last report is
//! stale-high: the replica says it has the post but has lost it, and the read misses it.

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
        let need = if read.is_own_profile() {
            self.tokens.get(&read.user).copied().unwrap_or(Lsn::ZERO)
        } else {
            Lsn::ZERO
        };
        let ok: Vec<ReplicaId> = cluster
            .replicas()
            .iter()
            .filter(|r| r.is_up() && r.reported_lsn() >= need)
            .map(|r| r.id)
            .collect();
        self.next = self.next.wrapping_add(1);
        let mut plan = ReadPlan::new();
        for i in 0..ok.len().min(MAX_ATTEMPTS - 1) {
            plan = plan.replica(ok[(self.next + i) % ok.len()]);
        }
        plan.primary()
    }
}
