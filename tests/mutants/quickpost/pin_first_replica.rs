//! Every read goes to the first replica in the list (`replicas()[0]`): own-profile
//! reads conditionally at the user's token, then the primary; others' profiles
//! unconditionally, with no fallback ("replica-1 is our read replica"). Read-your-writes
//! holds, but when replica-1 crashes every read of someone else's profile fails — the
//! plan has nowhere else to go, up or down — and the failed-reads budget is zero.

use crate::harness::Expect;
use replication_katas::katas::quickpost::prelude::*;
use std::collections::BTreeMap;

pub const EXPECT: Expect = Expect::Fail("budget:failed_reads");

pub struct Router {
    tokens: BTreeMap<UserId, Lsn>,
}

impl Router {
    pub fn new() -> Self {
        Router {
            tokens: BTreeMap::new(),
        }
    }
}

impl ReadYourWritesRouter for Router {
    fn on_write_acked(&mut self, ack: &WriteAck, _cluster: &ClusterView<'_>) {
        let t = self.tokens.entry(ack.user).or_insert(Lsn::ZERO);
        *t = (*t).max(ack.lsn);
    }

    fn route_read(&mut self, read: &ProfileRead, cluster: &ClusterView<'_>) -> ReadPlan {
        let Some(first) = cluster.replicas().first() else {
            return ReadPlan::new().primary();
        };
        match self.tokens.get(&read.user) {
            Some(&t) if read.is_own_profile() => {
                ReadPlan::new().replica_at_least(first.id, t).primary()
            }
            _ => ReadPlan::new().replica(first.id),
        }
    }
}
