//! Correct, unusual bookkeeping: tokens are stored per (user, device) — as a client
//! would keep them — but a read uses the *maximum* over all of the user's devices, so a
//! post from the phone protects the laptop's reads too. Own-profile reads go
//! conditionally to every up replica in rotation, then the primary; others' reads are
//! spread unconditionally with other replicas and the primary as fallbacks.

use crate::harness::Expect;
use replication_katas::katas::quickpost::prelude::*;
use std::collections::BTreeMap;

pub const EXPECT: Expect = Expect::Pass;

pub struct Router {
    tokens: BTreeMap<(UserId, DeviceId), Lsn>,
    next: usize,
}

impl Router {
    pub fn new() -> Self {
        Router {
            tokens: BTreeMap::new(),
            next: 0,
        }
    }

    fn session_token(&self, user: UserId) -> Option<Lsn> {
        self.tokens
            .range((user, DeviceId(0))..=(user, DeviceId(u32::MAX)))
            .map(|(_, &t)| t)
            .max()
    }
}

impl ReadYourWritesRouter for Router {
    fn on_write_acked(&mut self, ack: &WriteAck, _cluster: &ClusterView<'_>) {
        let t = self
            .tokens
            .entry((ack.user, ack.device))
            .or_insert(Lsn::ZERO);
        *t = (*t).max(ack.lsn);
    }

    fn route_read(&mut self, read: &ProfileRead, cluster: &ClusterView<'_>) -> ReadPlan {
        let up: Vec<ReplicaId> = cluster
            .replicas()
            .iter()
            .filter(|r| r.is_up())
            .map(|r| r.id)
            .collect();
        self.next = self.next.wrapping_add(1);
        let token = if read.is_own_profile() {
            self.session_token(read.user)
        } else {
            None
        };
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
