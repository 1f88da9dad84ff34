//! Correct, load balancing by the "power of two choices": each refresh draws two up
//! replicas at random (seeded ChaCha8) and tries first the one that has served fewer
//! reads so far (counted from the receipts), then the other, then the remaining up
//! replicas, each conditional at the session's high-water mark (the newest write to the
//! board at or below `observed`), then the primary.

use crate::harness::Expect;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use replication_katas::katas::taskflow::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

pub const EXPECT: Expect = Expect::Pass;

pub struct Router {
    marks: BTreeMap<UserId, Lsn>,
    writes: BTreeMap<Key, BTreeSet<Lsn>>,
    served: BTreeMap<ReplicaId, u64>,
    rng: ChaCha8Rng,
}

impl Router {
    pub fn new() -> Self {
        Router {
            marks: BTreeMap::new(),
            writes: BTreeMap::new(),
            served: BTreeMap::new(),
            rng: ChaCha8Rng::seed_from_u64(2),
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
        if up.len() >= 2 {
            let a = self.rng.random_range(0..up.len());
            let mut b = self.rng.random_range(0..up.len() - 1);
            if b >= a {
                b += 1;
            }
            let load = |id: &ReplicaId| self.served.get(id).copied().unwrap_or(0);
            let (first, second) = if load(&up[b]) < load(&up[a]) {
                (up[b], up[a])
            } else {
                (up[a], up[b])
            };
            up.retain(|id| *id != first && *id != second);
            up.insert(0, second);
            up.insert(0, first);
        }
        let mut plan = ReadPlan::new();
        for &id in up.iter().take(MAX_ATTEMPTS - 1) {
            plan = plan.replica_at_least(id, mark);
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
