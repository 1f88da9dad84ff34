//! Correct and stricter: one token for everybody — the newest acknowledged post of any
//! user — and every own-profile read of a user who has posted is conditional on it at
//! each up replica in rotation, then the primary. A replica at the global token has
//! every post, the reader's included. The cost is refusals while replicas catch up with
//! other users' newer posts; replicas are usually milliseconds behind, so few reads
//! reach the primary.
//!
//! Reclassified by the lead: one global token makes every own read wait for everybody's
//! newest write; under heavy background writes most own reads end at the primary
//! although a replica had the reader's own post: over the primary budget on every seed.

use crate::harness::Expect;
use replication_katas::katas::quickpost::prelude::*;
use std::collections::BTreeSet;

pub const EXPECT: Expect = Expect::Fail("budget:primary_read_share");

pub struct Router {
    /// Users who posted, and the newest post of anyone.
    posted: BTreeSet<UserId>,
    newest: Lsn,
    next: usize,
}

impl Router {
    pub fn new() -> Self {
        Router {
            posted: BTreeSet::new(),
            newest: Lsn::ZERO,
            next: 0,
        }
    }
}

impl ReadYourWritesRouter for Router {
    fn on_write_acked(&mut self, ack: &WriteAck, _cluster: &ClusterView<'_>) {
        self.posted.insert(ack.user);
        self.newest = self.newest.max(ack.lsn);
    }

    fn route_read(&mut self, read: &ProfileRead, cluster: &ClusterView<'_>) -> ReadPlan {
        let up: Vec<ReplicaId> = cluster
            .replicas()
            .iter()
            .filter(|r| r.is_up())
            .map(|r| r.id)
            .collect();
        self.next = self.next.wrapping_add(1);
        let token =
            (read.is_own_profile() && self.posted.contains(&read.user)).then_some(self.newest);
        let mut plan = ReadPlan::new();
        for i in 0..up.len().min(MAX_ATTEMPTS - 1) {
            let id = up[(self.next + i) % up.len()];
            plan = match token {
                Some(t) => plan.replica_at_least(id, t),
                None => plan.replica(id),
            };
        }
        plan.primary()
    }
}
