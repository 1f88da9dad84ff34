//! Correct for read-your-writes, wasteful for load: each user starts at up replica
//! `hash(user) mod N` (their "home" replica, good for caches) and continues around the
//! ring; own-profile reads are conditional at the user's token on every attempt, then
//! the primary; others' reads are unconditional, around the ring, then the primary.
//! The load follows the users: under hot users (a few users reading far more than the
//! rest) their home replicas serve 2.8–3.4 times their fair share while any caught-up
//! replica could have served them. The load-imbalance budget is exceeded, as for
//! TaskFlow's `hash_sticky_conditional`. (Written as a correct design at first, when
//! "users are many, so hashing balances load" was the reasoning; hot users refute it.)

use crate::harness::Expect;
use replication_katas::katas::quickpost::prelude::*;
use std::collections::BTreeMap;

pub const EXPECT: Expect = Expect::Fail("budget:load_imbalance");

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
    let mut x = u64::from(u.0).wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (x ^ (x >> 31)) as usize
}

impl ReadYourWritesRouter for Router {
    fn on_write_acked(&mut self, ack: &WriteAck, _cluster: &ClusterView<'_>) {
        let t = self.tokens.entry(ack.user).or_insert(Lsn::ZERO);
        *t = (*t).max(ack.lsn);
    }

    fn route_read(&mut self, read: &ProfileRead, cluster: &ClusterView<'_>) -> ReadPlan {
        let up: Vec<ReplicaId> = cluster
            .replicas()
            .iter()
            .filter(|r| r.is_up())
            .map(|r| r.id)
            .collect();
        let start = hash(read.user);
        let token = self
            .tokens
            .get(&read.user)
            .copied()
            .filter(|_| read.is_own_profile());
        let mut plan = ReadPlan::new();
        for i in 0..up.len().min(MAX_ATTEMPTS - 1) {
            let id = up[(start + i) % up.len()];
            plan = match token {
                Some(t) => plan.replica_at_least(id, t),
                None => plan.replica(id),
            };
        }
        plan.primary()
    }
}
