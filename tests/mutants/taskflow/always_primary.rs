//! Every refresh goes to the primary, which is always ahead of everything a session saw.
//! Monotonic reads holds trivially, but the replicas sit idle and the primary carries
//! the whole read load: the primary-load budget is blown.

use crate::harness::Expect;
use replication_katas::katas::taskflow::prelude::*;

pub const EXPECT: Expect = Expect::Fail("budget:primary_read_share");

pub struct Router;

impl Router {
    pub fn new() -> Self {
        Router
    }
}

impl MonotonicReadsRouter for Router {
    fn on_write_acked(&mut self, _write: &BoardWrite, _cluster: &ClusterView<'_>) {}

    fn route_read(&mut self, _read: &BoardRead, _cluster: &ClusterView<'_>) -> ReadPlan {
        ReadPlan::new().primary()
    }

    fn on_read_served(&mut self, _receipt: &ReadReceipt, _cluster: &ClusterView<'_>) {}
}
