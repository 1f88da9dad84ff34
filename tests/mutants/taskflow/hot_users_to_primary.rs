//! The correct high-water-mark router, plus load shedding: a user who has made more
//! than 50 reads is "hot" and from then on reads from the primary, so hot users cannot
//! overload a replica. Monotonic reads holds (the primary is ahead of any mark), but a
//! hot user's refreshes are a large share of all reads, none of which had to go to the
//! primary: the primary-load budget is blown.

use crate::harness::Expect;
use replication_katas::katas::taskflow::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

pub const EXPECT: Expect = Expect::Fail("budget:primary_read_share");

const HOT: u64 = 50;

pub struct Router {
    marks: BTreeMap<UserId, Lsn>,
    reads: BTreeMap<UserId, u64>,
    writes: BTreeMap<Key, BTreeSet<Lsn>>,
    next: usize,
}

impl Router {
    pub fn new() -> Self {
        Router {
            marks: BTreeMap::new(),
            reads: BTreeMap::new(),
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
        let count = self.reads.entry(read.user).or_insert(0);
        *count += 1;
        if *count > HOT {
            return ReadPlan::new().primary();
        }
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
