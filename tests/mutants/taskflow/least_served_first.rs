//! Correct, balancing by what actually happened: the router counts the reads each
//! replica served (from the receipts) and tries the up replicas least-served first
//! (ties by id), each conditional at the session's high-water mark, then the primary.
//! The mark is the newest write to the board at or below `observed`.

use crate::harness::Expect;
use replication_katas::katas::taskflow::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

pub const EXPECT: Expect = Expect::Pass;

pub struct Router {
    /// Per session (user): the newest write any of their reads has shown them.
    marks: BTreeMap<UserId, Lsn>,
    /// Every write's LSN, per board.
    writes: BTreeMap<Key, BTreeSet<Lsn>>,
    served: BTreeMap<ReplicaId, u64>,
}

impl Router {
    pub fn new() -> Self {
        Router {
            marks: BTreeMap::new(),
            writes: BTreeMap::new(),
            served: BTreeMap::new(),
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
        let mut up: Vec<ReplicaId> = cluster
            .replicas()
            .iter()
            .filter(|r| r.is_up())
            .map(|r| r.id)
            .collect();
        up.sort_by_key(|id| (self.served.get(id).copied().unwrap_or(0), *id));
        let mut plan = ReadPlan::new();
        for &id in up.iter().take(MAX_ATTEMPTS - 1) {
            plan = plan.replica_at_least(id, need);
        }
        plan.primary()
    }

    fn on_read_served(&mut self, receipt: &ReadReceipt, _cluster: &ClusterView<'_>) {
        if let NodeId::Replica(id) = receipt.node {
            *self.served.entry(id).or_insert(0) += 1;
        }
        let seen = self
            .writes
            .get(&receipt.board)
            .and_then(|w| w.range(..=receipt.observed).next_back().copied())
            .unwrap_or(Lsn::ZERO);
        let m = self.marks.entry(receipt.user).or_insert(Lsn::ZERO);
        *m = (*m).max(seen);
    }
}
