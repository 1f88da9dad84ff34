//! High-water marks with conditional reads, but the receipt's `observed` is ignored:
//! the mark is raised to the serving replica's last *reported* position ("what the
//! proxy knows it had"). Wrong: reports are a few hundred ms old, usually lower than
//! what the replica served, so the mark misses the newest updates the user saw; a
//! later read can go to a replica between the report and the observed position.

use crate::harness::Expect;
use replication_katas::katas::taskflow::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

pub const EXPECT: Expect = Expect::Fail("monotonic-reads");

pub struct Router {
    /// Per session (user): the newest write any of their reads has shown them.
    marks: BTreeMap<UserId, Lsn>,
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
        let mark = self.marks.get(&read.user).copied().unwrap_or(Lsn::ZERO);
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
        let seen = match receipt.node {
            NodeId::Replica(id) => cluster.replica(id).map_or(Lsn::ZERO, |r| r.reported_lsn()),
            NodeId::Primary => cluster.primary_lsn(),
        };
        let m = self.marks.entry(receipt.user).or_insert(Lsn::ZERO);
        *m = (*m).max(seen);
    }
}
