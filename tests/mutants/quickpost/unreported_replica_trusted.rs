//! Per-user tokens with conditional reads at every up replica, then the primary — with
//! one shortcut: a replica that has not sent any position report yet is taken to be a
//! brand-new one "built from a fresh snapshot" and is tried first, unconditionally.
//! Wrong: a replica added mid-run starts from a snapshot that can be minutes old and
//! lacks recent posts; until its first report it serves own-profile reads without them.

use crate::harness::Expect;
use replication_katas::katas::quickpost::prelude::*;
use std::collections::BTreeMap;

pub const EXPECT: Expect = Expect::Fail("read-your-writes");

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
        let token = self
            .tokens
            .get(&read.user)
            .copied()
            .filter(|_| read.is_own_profile());
        let mut plan = ReadPlan::new();
        let mut attempts = 0;
        if token.is_some()
            && let Some(fresh) = up.iter().find(|r| r.last_report.is_none())
        {
            plan = plan.replica(fresh.id);
            attempts += 1;
        }
        for i in 0..up.len() {
            if attempts == MAX_ATTEMPTS - 1 {
                break;
            }
            let id = up[(self.next + i) % up.len()].id;
            plan = match token {
                Some(t) => plan.replica_at_least(id, t),
                None => plan.replica(id),
            };
            attempts += 1;
        }
        plan.primary()
    }
}
