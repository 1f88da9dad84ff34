//! High-water marks with conditional reads at every up replica, the primary last —
//! except that a replica which has not sent any position report yet is taken to be a
//! brand-new one "built from a fresh snapshot" and tried first, unconditionally.
//! Wrong: a replica added mid-run starts from a snapshot that can be minutes old; until
//! its first report it serves boards from before what the users already saw.

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
        if let Some(fresh) = cluster
            .replicas()
            .iter()
            .find(|r| r.is_up() && r.last_report.is_none())
        {
            plan = plan.replica(fresh.id);
        }
        for i in 0..up.len().min(MAX_ATTEMPTS - 2) {
            plan = plan.replica_at_least(up[(self.next + i) % up.len()], need);
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
