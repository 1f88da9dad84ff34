//! Session affinity: each user reads replica `hash(user) mod N` over the up replicas,
//! unconditionally; if it does not answer, the next ones around the ring, then the
//! primary. Wrong: affinity is only as monotonic as the pinned replica. When N changes
//! (a crash noticed, a replica added, a restart) users move to a replica that can be
//! further behind; a restore from backup moves the pinned replica itself back in time;
//! a fallback to the fresh primary followed by a return to the replica goes backwards.

use crate::harness::Expect;
use replication_katas::katas::taskflow::prelude::*;

pub const EXPECT: Expect = Expect::Fail("monotonic-reads");

pub struct Router;

impl Router {
    pub fn new() -> Self {
        Router
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
        let up: Vec<ReplicaId> = cluster
            .replicas()
            .iter()
            .filter(|r| r.is_up())
            .map(|r| r.id)
            .collect();
        let start = hash(read.user);
        let mut plan = ReadPlan::new();
        for i in 0..up.len().min(MAX_ATTEMPTS - 1) {
            plan = plan.replica(up[(start + i) % up.len()]);
        }
        plan.primary()
    }

    fn on_read_served(&mut self, _receipt: &ReadReceipt, _cluster: &ClusterView<'_>) {}
}
