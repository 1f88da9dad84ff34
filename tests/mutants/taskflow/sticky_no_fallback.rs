//! Session affinity done "safely": each user reads replica `hash(user) mod N` (over all
//! known replicas) with a conditional read at their high-water mark — and nothing else.
//! Monotonic reads holds, but the plan has no fallback: when the user's replica
//! crashes, or is restored from a backup and refuses the mark, every read of those
//! users fails; the failed-reads budget is zero.

use crate::harness::Expect;
use replication_katas::katas::taskflow::prelude::*;
use std::collections::BTreeMap;

pub const EXPECT: Expect = Expect::Fail("budget:failed_reads");

pub struct Router {
    marks: BTreeMap<UserId, Lsn>,
}

impl Router {
    pub fn new() -> Self {
        Router {
            marks: BTreeMap::new(),
        }
    }
}

fn hash(u: UserId) -> usize {
    let mut x = u64::from(u.0).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 29;
    x as usize
}

impl MonotonicReadsRouter for Router {
    fn on_write_acked(&mut self, _write: &BoardWrite, _cluster: &ClusterView<'_>) {}

    fn route_read(&mut self, read: &BoardRead, cluster: &ClusterView<'_>) -> ReadPlan {
        let replicas = cluster.replicas();
        if replicas.is_empty() {
            return ReadPlan::new().primary();
        }
        let mark = self.marks.get(&read.user).copied().unwrap_or(Lsn::ZERO);
        ReadPlan::new().replica_at_least(replicas[hash(read.user) % replicas.len()].id, mark)
    }

    fn on_read_served(&mut self, receipt: &ReadReceipt, _cluster: &ClusterView<'_>) {
        let m = self.marks.entry(receipt.user).or_insert(Lsn::ZERO);
        *m = (*m).max(receipt.observed);
    }
}
