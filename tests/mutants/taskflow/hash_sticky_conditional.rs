//! Session affinity with a safety net: each user reads replica `hash(user) mod N` over
//! the up replicas, conditionally at their high-water mark (the newest write their reads
//! showed), then the primary. Monotonic reads holds — the condition catches restores,
//! reshuffles and new replicas — but the load follows the users: the few hot users who
//! refresh far more than the rest pin all their reads on "their" replica while others
//! idle, though any caught-up replica could have served them. The load-imbalance budget
//! is exceeded (the kata's story warns of exactly this).

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

fn hash(u: UserId) -> usize {
    let mut x = u64::from(u.0).wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (x ^ (x >> 31)) as usize
}

impl MonotonicReadsRouter for Router {
    fn on_write_acked(&mut self, write: &BoardWrite, _cluster: &ClusterView<'_>) {
        self.writes
            .entry(write.board)
            .or_default()
            .insert(write.lsn);
    }

    fn route_read(&mut self, read: &BoardRead, cluster: &ClusterView<'_>) -> ReadPlan {
        let up: Vec<ReplicaId> = cluster
            .replicas()
            .iter()
            .filter(|r| r.is_up())
            .map(|r| r.id)
            .collect();
        let mark = self.marks.get(&read.user).copied().unwrap_or(Lsn::ZERO);
        if up.is_empty() {
            return ReadPlan::new().primary();
        }
        ReadPlan::new()
            .replica_at_least(up[hash(read.user) % up.len()], mark)
            .primary()
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
