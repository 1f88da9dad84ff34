//! Treats monotonic reads like read-your-writes with a window: for 10 s after the
//! user's own update their refreshes go to the primary; otherwise to any up replica in
//! rotation, unconditionally. Wrong twice: what a user sees is mostly others' updates,
//! so two refreshes on replicas with different lags can go backwards with no own update
//! involved; and the primary read during the window shows updates that the replica read
//! right after the window may not have.

use crate::harness::Expect;
use replication_katas::katas::taskflow::prelude::*;
use std::collections::BTreeMap;

pub const EXPECT: Expect = Expect::Fail("monotonic-reads");

pub struct Router {
    last_update: BTreeMap<UserId, Millis>,
    next: usize,
}

impl Router {
    pub fn new() -> Self {
        Router {
            last_update: BTreeMap::new(),
            next: 0,
        }
    }
}

impl MonotonicReadsRouter for Router {
    fn on_write_acked(&mut self, write: &BoardWrite, _cluster: &ClusterView<'_>) {
        self.last_update.insert(write.user, write.at);
    }

    fn route_read(&mut self, read: &BoardRead, cluster: &ClusterView<'_>) -> ReadPlan {
        if self
            .last_update
            .get(&read.user)
            .is_some_and(|t| read.at < t + 10_000)
        {
            return ReadPlan::new().primary();
        }
        let up: Vec<ReplicaId> = cluster
            .replicas()
            .iter()
            .filter(|r| r.is_up())
            .map(|r| r.id)
            .collect();
        self.next = self.next.wrapping_add(1);
        let mut plan = ReadPlan::new();
        for i in 0..up.len().min(MAX_ATTEMPTS - 1) {
            plan = plan.replica(up[(self.next + i) % up.len()]);
        }
        plan.primary()
    }

    fn on_read_served(&mut self, _receipt: &ReadReceipt, _cluster: &ClusterView<'_>) {}
}
