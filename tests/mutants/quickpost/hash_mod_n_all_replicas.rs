//! Sticky routing: each user reads from replica `hash(user) mod N`, N counting every
//! replica the proxy knows, up or down; own-profile reads conditionally at the token,
//! and every read falls back to the primary. Read-your-writes holds, but the failure
//! detector's opinion is ignored: while a replica is down (a long crash, or one that
//! never restarts), all the reads of the users hashed to it pay a timeout and then go
//! to the primary — a third of all reads with three replicas — far beyond the reads
//! that had to go there: the primary-load budget is blown.

use crate::harness::Expect;
use replication_katas::katas::quickpost::prelude::*;
use std::collections::BTreeMap;

pub const EXPECT: Expect = Expect::Fail("budget:primary_read_share");

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

fn hash(u: UserId) -> usize {
    let mut x = u64::from(u.0).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 31;
    x as usize
}

impl ReadYourWritesRouter for Router {
    fn on_write_acked(&mut self, ack: &WriteAck, _cluster: &ClusterView<'_>) {
        let t = self.tokens.entry(ack.user).or_insert(Lsn::ZERO);
        *t = (*t).max(ack.lsn);
    }

    fn route_read(&mut self, read: &ProfileRead, cluster: &ClusterView<'_>) -> ReadPlan {
        let replicas = cluster.replicas();
        if replicas.is_empty() {
            return ReadPlan::new().primary();
        }
        let mine = replicas[hash(read.user) % replicas.len()].id;
        match self.tokens.get(&read.user) {
            Some(&t) if read.is_own_profile() => {
                ReadPlan::new().replica_at_least(mine, t).primary()
            }
            _ => ReadPlan::new().replica(mine).primary(),
        }
    }
}
