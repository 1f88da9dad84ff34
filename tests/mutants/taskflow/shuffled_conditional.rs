//! Correct, randomized: each refresh tries the up replicas in a random order (a seeded
//! ChaCha8 generator, so runs are reproducible), each conditional at the session's
//! high-water mark, then the primary. The mark is raised to the newest write to the
//! board at or below each receipt's `observed`. Random order balances load in
//! expectation, hot users included.

use crate::harness::Expect;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use replication_katas::katas::taskflow::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

pub const EXPECT: Expect = Expect::Pass;

pub struct Router {
    marks: BTreeMap<UserId, Lsn>,
    writes: BTreeMap<Key, BTreeSet<Lsn>>,
    rng: ChaCha8Rng,
}

impl Router {
    pub fn new() -> Self {
        Router {
            marks: BTreeMap::new(),
            writes: BTreeMap::new(),
            rng: ChaCha8Rng::seed_from_u64(7),
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
        let mut up: Vec<ReplicaId> = cluster
            .replicas()
            .iter()
            .filter(|r| r.is_up())
            .map(|r| r.id)
            .collect();
        up.shuffle(&mut self.rng);
        let mut plan = ReadPlan::new();
        for &id in up.iter().take(MAX_ATTEMPTS - 1) {
            plan = plan.replica_at_least(id, mark);
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
