//! High-water marks (`observed` of each receipt), but instead of conditional reads it
//! picks, in rotation, an up replica whose *reported* LSN is at or past the mark and
//! reads it unconditionally; the primary if none. Wrong: reports are old news. Right
//! after a restore from an old backup, a replica's last report is stale-high — it
//! claims positions it has lost — and the read goes back in time.

use crate::harness::Expect;
use replication_katas::katas::taskflow::prelude::*;
use std::collections::BTreeMap;

pub const EXPECT: Expect = Expect::Fail("monotonic-reads");

pub struct Router {
    marks: BTreeMap<UserId, Lsn>,
    next: usize,
}

impl Router {
    pub fn new() -> Self {
        Router {
            marks: BTreeMap::new(),
            next: 0,
        }
    }
}

impl MonotonicReadsRouter for Router {
    fn on_write_acked(&mut self, _write: &BoardWrite, _cluster: &ClusterView<'_>) {}

    fn route_read(&mut self, read: &BoardRead, cluster: &ClusterView<'_>) -> ReadPlan {
        let mark = self.marks.get(&read.user).copied().unwrap_or(Lsn::ZERO);
        let ok: Vec<ReplicaId> = cluster
            .replicas()
            .iter()
            .filter(|r| r.is_up() && r.reported_lsn() >= mark)
            .map(|r| r.id)
            .collect();
        self.next = self.next.wrapping_add(1);
        let mut plan = ReadPlan::new();
        for i in 0..ok.len().min(MAX_ATTEMPTS - 1) {
            plan = plan.replica(ok[(self.next + i) % ok.len()]);
        }
        plan.primary()
    }

    fn on_read_served(&mut self, receipt: &ReadReceipt, _cluster: &ClusterView<'_>) {
        let m = self.marks.entry(receipt.user).or_insert(Lsn::ZERO);
        *m = (*m).max(receipt.observed);
    }
}
