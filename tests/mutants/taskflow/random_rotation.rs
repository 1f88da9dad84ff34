//! Spreads every refresh over the up replicas in rotation, unconditionally, with the
//! others and then the primary as fallbacks; remembers nothing. Perfect balance, but
//! with lags that differ, two consecutive refreshes land on two replicas and the second
//! can be further behind: a task the user saw in Done is back In Progress.

use crate::harness::Expect;
use replication_katas::katas::taskflow::prelude::*;

pub const EXPECT: Expect = Expect::Fail("monotonic-reads");

pub struct Router {
    next: usize,
}

impl Router {
    pub fn new() -> Self {
        Router { next: 0 }
    }
}

impl MonotonicReadsRouter for Router {
    fn on_write_acked(&mut self, _write: &BoardWrite, _cluster: &ClusterView<'_>) {}

    fn route_read(&mut self, _read: &BoardRead, cluster: &ClusterView<'_>) -> ReadPlan {
        let up: Vec<ReplicaId> = cluster
            .replicas()
            .iter()
            .filter(|r| r.is_up())
            .map(|r| r.id)
            .collect();
        self.next = self.next.wrapping_add(1);
        let mut plan = ReadPlan::new();
        for i in 0..up.len().min(MAX_ATTEMPTS - 1) {
            plan = plan.replica(up[(self.next + i) % up.len()]);
        }
        plan.primary()
    }

    fn on_read_served(&mut self, _receipt: &ReadReceipt, _cluster: &ClusterView<'_>) {}
}
