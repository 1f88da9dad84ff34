//! Correct own-profile routing (per-user token, conditional reads at every up replica,
//! then the primary), but each read of someone else's profile is a single attempt at
//! the next up replica in rotation, with no fallback ("friends' reads need no
//! guarantee, so no care"). Wrong on availability: the failure detector is slow, so for
//! a while after a crash the dead replica still looks up; every read rotated onto it
//! fails, and the failed-reads budget is zero.

use crate::harness::Expect;
use replication_katas::katas::quickpost::prelude::*;
use std::collections::BTreeMap;

pub const EXPECT: Expect = Expect::Fail("budget:failed_reads");

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
        match self.tokens.get(&read.user) {
            Some(&t) if read.is_own_profile() => {
                let mut plan = ReadPlan::new();
                for i in 0..up.len().min(MAX_ATTEMPTS - 1) {
                    plan = plan.replica_at_least(up[(self.next + i) % up.len()], t);
                }
                plan.primary()
            }
            _ => ReadPlan::new().replica(up[self.next % up.len()]),
        }
    }
}
