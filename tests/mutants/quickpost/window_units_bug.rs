//! Meant "primary for 60 seconds after a post", but `Millis` is milliseconds: the window
//! is written `at + 60`, so it lasts 60 ms. Wrong twice: any window fails when lag
//! outlasts it, and this one is shorter than ordinary lag — an own-profile read a second
//! after the post reaches a replica that is still a few hundred ms behind and misses
//! the post, violating read-your-writes.

use crate::harness::Expect;
use replication_katas::katas::quickpost::prelude::*;
use std::collections::BTreeMap;

pub const EXPECT: Expect = Expect::Fail("read-your-writes");

/// How long own reads stay on the primary after a post.
const WINDOW: Millis = 60; // "60 seconds"

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
        if read.is_own_profile()
            && self
                .last_post
                .get(&read.user)
                .is_some_and(|t| cluster.now() <= t + WINDOW)
        {
            return ReadPlan::new().primary();
        }
        let replicas = cluster.replicas();
        self.next = self.next.wrapping_add(1);
        let mut plan = ReadPlan::new();
        for i in 0..replicas.len().min(MAX_ATTEMPTS - 1) {
            plan = plan.replica(replicas[(self.next + i) % replicas.len()].id);
        }
        plan.primary()
    }
}
