//! Marks and conditions done right, order done naively: every read tries the up
//! replicas by reported LSN, highest first (ties: lowest id), each conditional at the
//! session's high-water mark, then the primary. Monotonic reads holds, but the freshest
//! replica comes first for *every* read, even when all replicas have caught up with the
//! session: it serves nearly everything while the others idle. The load-imbalance
//! budget is exceeded.

use crate::harness::Expect;
use replication_katas::katas::taskflow::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

pub const EXPECT: Expect = Expect::Fail("budget:load_imbalance");

pub struct Router {
    marks: BTreeMap<UserId, Lsn>,
    writes: BTreeMap<Key, BTreeSet<Lsn>>,
}

impl Router {
    pub fn new() -> Self {
        Router {
            marks: BTreeMap::new(),
            writes: BTreeMap::new(),
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
        let mut up: Vec<&ReplicaView> = cluster.replicas().iter().filter(|r| r.is_up()).collect();
        up.sort_by_key(|r| (std::cmp::Reverse(r.reported_lsn()), r.id));
        let mark = self.marks.get(&read.user).copied().unwrap_or(Lsn::ZERO);
        let mut plan = ReadPlan::new();
        for r in up.iter().take(MAX_ATTEMPTS - 1) {
            plan = plan.replica_at_least(r.id, mark);
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
