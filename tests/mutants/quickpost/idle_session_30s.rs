//! Per-user tokens with conditional reads, kept in a session store that drops a session
//! after 30 s without any activity (no post, no read), like a web session timeout.
//! Wrong: the token must outlive the session's idleness as long as some replica could
//! still lack the post. A user who posts, goes idle for over 30 s and comes back while a
//! replica still lags (a long spike or stall, growing lag, a restore) reads a profile
//! without the post.

use crate::harness::Expect;
use replication_katas::katas::quickpost::prelude::*;
use std::collections::BTreeMap;

pub const EXPECT: Expect = Expect::Fail("read-your-writes");

const IDLE: Millis = 30_000;

struct Session {
    token: Lsn,
    last_seen: Millis,
}

pub struct Router {
    sessions: BTreeMap<UserId, Session>,
    next: usize,
}

impl Router {
    pub fn new() -> Self {
        Router {
            sessions: BTreeMap::new(),
            next: 0,
        }
    }
}

impl ReadYourWritesRouter for Router {
    fn on_write_acked(&mut self, ack: &WriteAck, cluster: &ClusterView<'_>) {
        let now = cluster.now();
        let s = self.sessions.entry(ack.user).or_insert(Session {
            token: Lsn::ZERO,
            last_seen: now,
        });
        s.token = s.token.max(ack.lsn);
        s.last_seen = now;
    }

    fn route_read(&mut self, read: &ProfileRead, cluster: &ClusterView<'_>) -> ReadPlan {
        let now = cluster.now();
        let expired = self
            .sessions
            .get(&read.user)
            .is_some_and(|s| now >= s.last_seen + IDLE);
        if expired {
            self.sessions.remove(&read.user);
        }
        let token = match self.sessions.get_mut(&read.user) {
            Some(s) => {
                s.last_seen = now;
                Some(s.token).filter(|_| read.is_own_profile())
            }
            None => None,
        };
        let up: Vec<ReplicaId> = cluster
            .replicas()
            .iter()
            .filter(|r| r.is_up())
            .map(|r| r.id)
            .collect();
        self.next = self.next.wrapping_add(1);
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
