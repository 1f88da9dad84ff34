//! Reads go to the primary for 30 s after the user's post, to any replica otherwise.
//! Wrong: lag has no upper bound; a spike longer than 30 s shows a stale profile.

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
    fn on_write_acked(&mut self, ack: &WriteAck, cluster: &ClusterView<'_>) {
        self.last_post.insert(ack.user, cluster.now());
    }

    fn route_read(&mut self, read: &ProfileRead, cluster: &ClusterView<'_>) -> ReadPlan {
        let recent = self
            .last_post
            .get(&read.user)
            .is_some_and(|t| cluster.now() < *t + 30_000);
        if read.is_own_profile() && recent {
            return ReadPlan::new().primary();
        }
        let replicas = cluster.replicas();
        self.next = self.next.wrapping_add(1);
        let mut plan = ReadPlan::new();
        for i in 0..replicas.len() {
            let r = &replicas[(self.next + i) % replicas.len()];
            plan = plan.replica(r.id);
        }
        plan.primary()
    }
}
