//! High-water marks with conditional reads, in a bounded session store: at most 64
//! users' marks, the least recently *active* evicted first. Wrong: an evicted user's
//! next refresh has no mark and may go to any replica, behind what they saw. It bites
//! only with many active users (more than 64 others reading between two of a user's
//! refreshes) and lags that differ.

use crate::harness::Expect;
use replication_katas::katas::taskflow::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

pub const EXPECT: Expect = Expect::Fail("monotonic-reads");

const CAPACITY: usize = 64;

pub struct Router {
    marks: BTreeMap<UserId, Lsn>,
    /// Activity order: a counter per user, and users by counter.
    active: BTreeMap<UserId, u64>,
    by_activity: BTreeMap<u64, UserId>,
    clock: u64,
    writes: BTreeMap<Key, BTreeSet<Lsn>>,
    next: usize,
}

impl Router {
    pub fn new() -> Self {
        Router {
            marks: BTreeMap::new(),
            active: BTreeMap::new(),
            by_activity: BTreeMap::new(),
            clock: 0,
            writes: BTreeMap::new(),
            next: 0,
        }
    }
}

impl Router {
    fn touch(&mut self, user: UserId) {
        self.clock += 1;
        if let Some(old) = self.active.insert(user, self.clock) {
            self.by_activity.remove(&old);
        }
        self.by_activity.insert(self.clock, user);
        if self.active.len() > CAPACITY
            && let Some((_, victim)) = self.by_activity.pop_first()
        {
            self.active.remove(&victim);
            self.marks.remove(&victim);
        }
    }
}

impl MonotonicReadsRouter for Router {
    fn on_write_acked(&mut self, write: &BoardWrite, _cluster: &ClusterView<'_>) {
        self.writes
            .entry(write.board)
            .or_default()
            .insert(write.lsn);
    }

    fn route_read(&mut self, read: &BoardRead, cluster: &ClusterView<'_>) -> ReadPlan {
        self.touch(read.user);
        let mark = self.marks.get(&read.user).copied().unwrap_or(Lsn::ZERO);
        let up: Vec<ReplicaId> = cluster
            .replicas()
            .iter()
            .filter(|r| r.is_up())
            .map(|r| r.id)
            .collect();
        self.next = self.next.wrapping_add(1);
        let mut plan = ReadPlan::new();
        for i in 0..up.len().min(MAX_ATTEMPTS - 1) {
            plan = plan.replica_at_least(up[(self.next + i) % up.len()], mark);
        }
        plan.primary()
    }

    fn on_read_served(&mut self, receipt: &ReadReceipt, _cluster: &ClusterView<'_>) {
        let seen = self
            .writes
            .get(&receipt.board)
            .and_then(|w| w.range(..=receipt.observed).next_back().copied())
            .unwrap_or(Lsn::ZERO);
        let m = self.marks.entry(receipt.user).or_insert(Lsn::ZERO);
        *m = (*m).max(seen);
    }
}
