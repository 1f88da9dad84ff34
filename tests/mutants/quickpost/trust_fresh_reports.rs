//! Trusts a replica's reported LSN only while the report is under a second old: an
//! own-profile read goes unconditionally to an up replica with a fresh report covering
//! the token, else to the primary. Wrong: freshness of the report does not make it true.
//! A restore from an old backup between two reports (they come every ~500 ms) leaves a
//! report a few hundred ms old that still shows the lost post: the read misses it.

use crate::harness::Expect;
use replication_katas::katas::quickpost::prelude::*;
use std::collections::BTreeMap;

pub const EXPECT: Expect = Expect::Fail("read-your-writes");

const FRESH: Millis = 1_000;

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
        let now = cluster.now();
        let up: Vec<&ReplicaView> = cluster.replicas().iter().filter(|r| r.is_up()).collect();
        self.next = self.next.wrapping_add(1);
        if let (true, Some(&t)) = (read.is_own_profile(), self.tokens.get(&read.user)) {
            let fresh = up.iter().find(|r| {
                r.last_report
                    .is_some_and(|rep| now.saturating_sub(rep.at) < FRESH && rep.lsn >= t)
            });
            return match fresh {
                Some(r) => ReadPlan::new().replica(r.id).primary(),
                None => ReadPlan::new().primary(),
            };
        }
        let mut plan = ReadPlan::new();
        for i in 0..up.len().min(MAX_ATTEMPTS - 1) {
            plan = plan.replica(up[(self.next + i) % up.len()].id);
        }
        plan.primary()
    }
}
