//! Correct, with different data structures: each board's write LSNs in a sorted `Vec`
//! (writes are acknowledged in log order; a binary search finds the newest one at or
//! below `observed`), one high-water mark per user, and a starting replica chosen by
//! hashing (user, their read count) — spread like random, but reproducible per
//! session. Every attempt is conditional at the mark, up replicas all listed, then the
//! primary.

use crate::harness::Expect;
use replication_katas::katas::taskflow::prelude::*;
use std::collections::BTreeMap;

pub const EXPECT: Expect = Expect::Pass;

struct Session {
    mark: Lsn,
    reads: u64,
}

pub struct Router {
    sessions: BTreeMap<UserId, Session>,
    writes: BTreeMap<Key, Vec<Lsn>>,
}

impl Router {
    pub fn new() -> Self {
        Router {
            sessions: BTreeMap::new(),
            writes: BTreeMap::new(),
        }
    }
}

fn mix(a: u64, b: u64) -> usize {
    let mut x = a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.wrapping_add(0xD1B5_4A32_D192_ED03);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (x ^ (x >> 31)) as usize
}

impl MonotonicReadsRouter for Router {
    fn on_write_acked(&mut self, write: &BoardWrite, _cluster: &ClusterView<'_>) {
        let log = self.writes.entry(write.board).or_default();
        // Keep it sorted even if acknowledgements were ever reordered.
        let at = log.partition_point(|&l| l < write.lsn);
        if log.get(at) != Some(&write.lsn) {
            log.insert(at, write.lsn);
        }
    }

    fn route_read(&mut self, read: &BoardRead, cluster: &ClusterView<'_>) -> ReadPlan {
        let s = self.sessions.entry(read.user).or_insert(Session {
            mark: Lsn::ZERO,
            reads: 0,
        });
        s.reads += 1;
        let up: Vec<ReplicaId> = cluster
            .replicas()
            .iter()
            .filter(|r| r.is_up())
            .map(|r| r.id)
            .collect();
        let start = mix(u64::from(read.user.0), s.reads);
        let mut plan = ReadPlan::new();
        for i in 0..up.len().min(MAX_ATTEMPTS - 1) {
            plan = plan.replica_at_least(up[(start + i) % up.len()], s.mark);
        }
        plan.primary()
    }

    fn on_read_served(&mut self, receipt: &ReadReceipt, _cluster: &ClusterView<'_>) {
        let seen = self.writes.get(&receipt.board).map_or(Lsn::ZERO, |log| {
            let n = log.partition_point(|&l| l <= receipt.observed);
            if n == 0 { Lsn::ZERO } else { log[n - 1] }
        });
        let s = self.sessions.entry(receipt.user).or_insert(Session {
            mark: Lsn::ZERO,
            reads: 0,
        });
        s.mark = s.mark.max(seen);
    }
}
