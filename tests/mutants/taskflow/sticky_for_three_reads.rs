//! Correct, a compromise between affinity and balance: a session stays on the replica
//! that last served it for up to three refreshes (warm caches), then moves on to the
//! next replica in rotation. Every attempt — the sticky one too — is conditional at the
//! session's high-water mark (newest write to the board at or below `observed`), the
//! other up replicas follow, then the primary. Hot users cycle through all replicas, so
//! they cannot pin one.

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
    /// Per user: the replica they stick to and how many reads it has had.
    sticky: BTreeMap<UserId, (ReplicaId, u32)>,
}

impl Router {
    pub fn new() -> Self {
        Router {
            marks: BTreeMap::new(),
            writes: BTreeMap::new(),
            next: 0,
            sticky: BTreeMap::new(),
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
        let mut order: Vec<ReplicaId> = Vec::new();
        if let Some(&(id, count)) = self.sticky.get(&read.user)
            && count < 3
            && up.contains(&id)
        {
            order.push(id);
        }
        for i in 0..up.len() {
            let id = up[(self.next + i) % up.len()];
            if !order.contains(&id) {
                order.push(id);
            }
        }
        let mut plan = ReadPlan::new();
        for &id in order.iter().take(MAX_ATTEMPTS - 1) {
            plan = plan.replica_at_least(id, need);
        }
        plan.primary()
    }

    fn on_read_served(&mut self, receipt: &ReadReceipt, _cluster: &ClusterView<'_>) {
        match receipt.node {
            NodeId::Replica(id) => {
                let e = self.sticky.entry(receipt.user).or_insert((id, 0));
                if e.0 == id {
                    e.1 += 1;
                } else {
                    *e = (id, 1);
                }
            }
            NodeId::Primary => {
                self.sticky.remove(&receipt.user);
            }
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
