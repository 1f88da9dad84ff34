//! Own-profile reads go to the up replica with the highest reported LSN ("the
//! freshest one surely has the post"), unconditionally, then the primary; others'
//! profiles are spread over the replicas. Wrong: being the freshest says nothing about
//! having the post. Right after a post every replica may still be behind it, and a
//! restored replica's stale-high report makes it look freshest while it has lost
//! everything since its backup.

use crate::harness::Expect;
use replication_katas::katas::quickpost::prelude::*;

pub const EXPECT: Expect = Expect::Fail("read-your-writes");

pub struct Router {
    next: usize,
}

impl Router {
    pub fn new() -> Self {
        Router { next: 0 }
    }
}

impl ReadYourWritesRouter for Router {
    fn on_write_acked(&mut self, _ack: &WriteAck, _cluster: &ClusterView<'_>) {}

    fn route_read(&mut self, read: &ProfileRead, cluster: &ClusterView<'_>) -> ReadPlan {
        let up: Vec<&ReplicaView> = cluster.replicas().iter().filter(|r| r.is_up()).collect();
        if read.is_own_profile() {
            if let Some(best) = up.iter().max_by_key(|r| r.reported_lsn()) {
                return ReadPlan::new().replica(best.id).primary();
            }
            return ReadPlan::new().primary();
        }
        self.next = self.next.wrapping_add(1);
        let mut plan = ReadPlan::new();
        for i in 0..up.len().min(MAX_ATTEMPTS - 1) {
            plan = plan.replica(up[(self.next + i) % up.len()].id);
        }
        plan.primary()
    }
}
