//! Every refresh goes to the up replica with the highest reported LSN (ties: lowest
//! id), unconditionally, then the primary: "always read the freshest copy". Wrong: the
//! freshest by report is not the freshest in fact — after a restore from backup the
//! stale-high report sends everyone to a replica that has gone back in time, and when
//! two replicas swap places between reports a read can land on the one that fell behind.

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
        let best = cluster
            .replicas()
            .iter()
            .filter(|r| r.is_up())
            .max_by_key(|r| (r.reported_lsn(), std::cmp::Reverse(r.id)));
        match best {
            Some(r) => ReadPlan::new().replica(r.id).primary(),
            None => ReadPlan::new().primary(),
        }
    }

    fn on_read_served(&mut self, _receipt: &ReadReceipt, _cluster: &ClusterView<'_>) {}
}
