//! Knows reports are stale, so it adds a safety margin: an own-profile read goes
//! unconditionally to a replica whose report is at least 50 LSNs past the user's token,
//! else to the primary. Wrong: the margin protects against nothing that matters. A
//! replica restored from an old backup reports its pre-restore position (far past any
//! margin) until its next report, while it has actually lost the post.

use crate::harness::Expect;
use replication_katas::katas::quickpost::prelude::*;
use std::collections::BTreeMap;

pub const EXPECT: Expect = Expect::Fail("read-your-writes");

const MARGIN: u64 = 50;

pub struct Router {
    tokens: BTreeMap<UserId, Lsn>,
    next: usize,
}

impl Router {
    pub fn new() -> Self {
        Router {
            tokens: BTreeMap::new(),
            next: 0,
        }
    }
}

impl ReadYourWritesRouter for Router {
    fn on_write_acked(&mut self, ack: &WriteAck, _cluster: &ClusterView<'_>) {
        let t = self.tokens.entry(ack.user).or_insert(Lsn::ZERO);
        *t = (*t).max(ack.lsn);
    }

    fn route_read(&mut self, read: &ProfileRead, cluster: &ClusterView<'_>) -> ReadPlan {
        let up: Vec<&ReplicaView> = cluster.replicas().iter().filter(|r| r.is_up()).collect();
        self.next = self.next.wrapping_add(1);
        let token = self.tokens.get(&read.user).copied();
        match token {
            Some(t) if read.is_own_profile() => {
                let safe: Vec<ReplicaId> = up
                    .iter()
                    .filter(|r| r.reported_lsn().0 >= t.0 + MARGIN)
                    .map(|r| r.id)
                    .collect();
                if safe.is_empty() {
                    ReadPlan::new().primary()
                } else {
                    ReadPlan::new()
                        .replica(safe[self.next % safe.len()])
                        .primary()
                }
            }
            _ => {
                let mut plan = ReadPlan::new();
                for i in 0..up.len().min(MAX_ATTEMPTS - 1) {
                    plan = plan.replica(up[(self.next + i) % up.len()].id);
                }
                plan.primary()
            }
        }
    }
}
