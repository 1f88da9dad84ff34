//! Correct, with a different order: the up replicas whose *report* already shows the
//! session's mark come first, then the others, each group in a rotation that runs
//! *downwards* through the ids; every attempt is conditional at the mark (reports only
//! order the attempts — a stale-high report after a restore costs a refusal), then the
//! primary. The mark is the newest write to the board at or below `observed`.

use crate::harness::Expect;
use replication_katas::katas::taskflow::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

pub const EXPECT: Expect = Expect::Pass;

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
        let up: Vec<&ReplicaView> = cluster.replicas().iter().filter(|r| r.is_up()).collect();
        self.next = self.next.wrapping_add(1);
        let n = up.len();
        let mut order: Vec<&ReplicaView> =
            (0..n).map(|i| up[n - 1 - (self.next + i) % n]).collect();
        // Stable: caught-up-by-report first, the rotation kept within each group.
        order.sort_by_key(|r| r.reported_lsn() < need);
        let mut plan = ReadPlan::new();
        for r in order.iter().take(MAX_ATTEMPTS - 1) {
            plan = plan.replica_at_least(r.id, need);
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
