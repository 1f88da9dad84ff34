//! Reads go to the primary for 2 min after the user's post, to any replica otherwise.
//! Wrong: a window only works while lag stays under it. Any lag over 2 min (a spike, a
//! stall, a slowly growing lag) makes an own-profile read 2 min after the post land on
//! a replica that has not applied it: read-your-writes is violated. A restore from a
//! backup older than the post un-applies it on a replica too, at any time after the
//! window.

use crate::harness::Expect;
use replication_katas::katas::quickpost::prelude::*;
use std::collections::BTreeMap;

pub const EXPECT: Expect = Expect::Fail("read-your-writes");

pub struct Router {
    last_post: BTreeMap<UserId, Millis>,
    next: usize,
}

impl Router {
    pub fn new() -> Self {
        Router {
            last_post: BTreeMap::new(),
            next: 0,
        }
    }
}

impl ReadYourWritesRouter for Router {
    fn on_write_acked(&mut self, ack: &WriteAck, _cluster: &ClusterView<'_>) {
        self.last_post.insert(ack.user, ack.at);
    }

    fn route_read(&mut self, read: &ProfileRead, cluster: &ClusterView<'_>) -> ReadPlan {
        let recent = self
            .last_post
            .get(&read.user)
            .is_some_and(|t| read.at < t + 120_000);
        if read.is_own_profile() && recent {
            return ReadPlan::new().primary();
        }
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
}
