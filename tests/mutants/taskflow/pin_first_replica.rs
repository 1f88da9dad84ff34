//! Everyone reads the first replica (`replicas()[0]`) unconditionally, the primary if
//! it does not answer — one replica for all reads is trivially "monotonic". Wrong: when
//! replica-1 crashes, reads fall back to the primary, which is ahead; when it comes back
//! (or is restored from a backup) it is behind what the users saw there. Time goes
//! backwards. (It also leaves every other replica idle.)

use crate::harness::Expect;
use replication_katas::katas::taskflow::prelude::*;

pub const EXPECT: Expect = Expect::Fail("monotonic-reads");

pub struct Router;

impl Router {
    pub fn new() -> Self {
        Router
    }
}

impl MonotonicReadsRouter for Router {
    fn on_write_acked(&mut self, _write: &BoardWrite, _cluster: &ClusterView<'_>) {}

    fn route_read(&mut self, _read: &BoardRead, cluster: &ClusterView<'_>) -> ReadPlan {
        match cluster.replicas().first() {
            Some(r) => ReadPlan::new().replica(r.id).primary(),
            None => ReadPlan::new().primary(),
        }
    }

    fn on_read_served(&mut self, _receipt: &ReadReceipt, _cluster: &ClusterView<'_>) {}
}
