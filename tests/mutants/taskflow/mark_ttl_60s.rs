//! High-water marks with conditional reads, but a mark is forgotten 60 s after it was
//! last raised ("after a minute every replica has caught up anyway"). Wrong: lag has no
//! bound, and replicas go backwards on a restore. A user who saw an update and comes
//! back after a minute while a replica is still more than that behind can be sent
//! there unconditionally — the update vanishes.

use crate::harness::Expect;
use replication_katas::katas::taskflow::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

pub const EXPECT: Expect = Expect::Fail("monotonic-reads");

pub struct Router {
    /// Per session (user): the newest write any of their reads has shown them.
    marks: BTreeMap<UserId, (Lsn, Millis)>,
    /// Every write's LSN, per board.
    writes: BTreeMap<Key, BTreeSet<Lsn>>,
    next: usize,
}

impl Router {
    pub fn new() -> Self {
        Router {
            marks: BTreeMap::new(),
            writes: BTreeMap::new(),
            next: 0,
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
        let now = cluster.now();
        let mark = match self.marks.get(&read.user) {
            Some(&(m, at)) if now < at + 60_000 => m,
            _ => Lsn::ZERO,
        };
        let need = mark;
        let up: Vec<ReplicaId> = cluster
            .replicas()
            .iter()
            .filter(|r| r.is_up())
            .map(|r| r.id)
            .collect();
        self.next = self.next.wrapping_add(1);
        let mut plan = ReadPlan::new();
        for i in 0..up.len().min(MAX_ATTEMPTS - 1) {
            plan = plan.replica_at_least(up[(self.next + i) % up.len()], need);
        }
        plan.primary()
    }

    fn on_read_served(&mut self, receipt: &ReadReceipt, cluster: &ClusterView<'_>) {
        let seen = self
            .writes
            .get(&receipt.board)
            .and_then(|w| w.range(..=receipt.observed).next_back().copied())
            .unwrap_or(Lsn::ZERO);
        let now = cluster.now();
        let m = self.marks.entry(receipt.user).or_insert((Lsn::ZERO, now));
        if now >= m.1 + 60_000 {
            *m = (Lsn::ZERO, now);
        }
        if seen > m.0 {
            *m = (seen, now);
        }
    }
}
