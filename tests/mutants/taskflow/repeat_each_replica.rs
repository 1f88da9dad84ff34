//! High-water marks with conditional reads, tried twice per replica ("it may catch up
//! in a moment"), then the primary. Wrong: a plan is cut after `MAX_ATTEMPTS` (8)
//! attempts and the retries are immediate. With four or more up replicas the primary
//! falls past the cut, and a read no replica can serve yet fails instead of reaching
//! the primary.

use crate::harness::Expect;
use replication_katas::katas::taskflow::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

pub const EXPECT: Expect = Expect::Fail("budget:failed_reads");

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
        for i in 0..up.len() {
            let id = up[(self.next + i) % up.len()];
            plan = plan.replica_at_least(id, need).replica_at_least(id, need);
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
