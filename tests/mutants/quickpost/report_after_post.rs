//! Reasons in time instead of LSNs: a replica that sent a position report *after* the
//! user's post was acknowledged "has caught up", so own-profile reads go there
//! unconditionally; if none has reported since, the primary. Wrong: a report sent after
//! the post says where the replica was then — with a few seconds of lag, that is before
//! the post. Any lag longer than the report interval shows a stale profile.

use crate::harness::Expect;
use replication_katas::katas::quickpost::prelude::*;
use std::collections::BTreeMap;

pub const EXPECT: Expect = Expect::Fail("read-your-writes");

pub struct Router {
    posted_at: BTreeMap<UserId, Millis>,
    next: usize,
}

impl Router {
    pub fn new() -> Self {
        Router {
            posted_at: BTreeMap::new(),
            next: 0,
        }
    }
}

impl ReadYourWritesRouter for Router {
    fn on_write_acked(&mut self, ack: &WriteAck, _cluster: &ClusterView<'_>) {
        self.posted_at.insert(ack.user, ack.at);
    }

    fn route_read(&mut self, read: &ProfileRead, cluster: &ClusterView<'_>) -> ReadPlan {
        let up: Vec<&ReplicaView> = cluster.replicas().iter().filter(|r| r.is_up()).collect();
        self.next = self.next.wrapping_add(1);
        if let (true, Some(&posted)) = (read.is_own_profile(), self.posted_at.get(&read.user)) {
            let caught_up: Vec<ReplicaId> = up
                .iter()
                .filter(|r| r.last_report.is_some_and(|rep| rep.at > posted))
                .map(|r| r.id)
                .collect();
            if caught_up.is_empty() {
                return ReadPlan::new().primary();
            }
            return ReadPlan::new()
                .replica(caught_up[self.next % caught_up.len()])
                .primary();
        }
        let mut plan = ReadPlan::new();
        for i in 0..up.len().min(MAX_ATTEMPTS - 1) {
            plan = plan.replica(up[(self.next + i) % up.len()].id);
        }
        plan.primary()
    }
}
