//! Affinity by memory instead of by hash: each user goes back to the replica that last
//! served them, unconditionally, and if it does not answer, to the other up replicas
//! (unconditionally), then the primary; new users start in rotation. Wrong: the sticky
//! replica can go back in time (restore from backup), and after a failover to another
//! replica or the primary the user is moved to a node whose position has nothing to do
//! with what they saw — a later move back to a lagging replica goes backwards.

use crate::harness::Expect;
use replication_katas::katas::taskflow::prelude::*;
use std::collections::BTreeMap;

pub const EXPECT: Expect = Expect::Fail("monotonic-reads");

pub struct Router {
    home: BTreeMap<UserId, NodeId>,
    next: usize,
}

impl Router {
    pub fn new() -> Self {
        Router {
            home: BTreeMap::new(),
            next: 0,
        }
    }
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
        self.next = self.next.wrapping_add(1);
        let mut plan = ReadPlan::new();
        let mut order: Vec<ReplicaId> = Vec::new();
        if let Some(NodeId::Replica(id)) = self.home.get(&read.user) {
            order.push(*id);
        }
        for i in 0..up.len() {
            let id = up[(self.next + i) % up.len()];
            if !order.contains(&id) {
                order.push(id);
            }
        }
        for id in order.into_iter().take(MAX_ATTEMPTS - 1) {
            plan = plan.replica(id);
        }
        plan.primary()
    }

    fn on_read_served(&mut self, receipt: &ReadReceipt, _cluster: &ClusterView<'_>) {
        self.home.insert(receipt.user, receipt.node);
    }
}
