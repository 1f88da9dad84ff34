//! QuickPost — the instructor's solution.
//!
//! Design: a consistency token per *user* (the LSN of their newest post), and
//! conditional reads that make replicas prove they have it. Reads that read-your-writes
//! does not constrain — other people's profiles, or a user who has not posted — go to
//! replicas unconditionally, rotated for balance, with the primary only as a fallback
//! when a replica does not answer.
//!
//! Why each choice:
//! * token per user, not per device: a session spans devices;
//! * token, not a time window: lag has no upper bound;
//! * `replica_at_least`, not trusting reports: reports are stale, and stale-*high*
//!   after a restore from backup; a refusal costs one round trip, a wrong answer
//!   costs the user's trust;
//! * replicas whose report shows the token first (rotated, for balance), then the
//!   freshest-reported: the likeliest to have the token, which keeps refusals and
//!   primary reads down.

use replication_katas::katas::quickpost::prelude::*;
use std::collections::BTreeMap;

/// Replicas tried with a token before falling back to the primary; the plan keeps
/// one slot for the primary.
const MAX_REPLICA_ATTEMPTS: usize = MAX_ATTEMPTS - 1;

pub struct Router {
    /// Each user's newest acknowledged post: the consistency token of their session.
    tokens: BTreeMap<UserId, Lsn>,
    /// Rotates unconstrained reads over the replicas.
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
        let token = self.tokens.entry(ack.user).or_insert(ack.lsn);
        *token = (*token).max(ack.lsn);
    }

    fn route_read(&mut self, read: &ProfileRead, cluster: &ClusterView<'_>) -> ReadPlan {
        let up: Vec<&ReplicaView> = cluster.replicas().iter().filter(|r| r.is_up()).collect();
        let token = read
            .is_own_profile()
            .then(|| self.tokens.get(&read.user).copied())
            .flatten();
        match token {
            Some(token) => {
                // Replicas whose report already shows the token first, rotated so that
                // one busy user does not load a single replica; then the others,
                // freshest report first (ties keep id order: the sort is stable).
                self.next = self.next.wrapping_add(1);
                let (mut likely, mut others): (Vec<&ReplicaView>, Vec<&ReplicaView>) =
                    up.into_iter().partition(|r| r.reported_lsn() >= token);
                if !likely.is_empty() {
                    let start = self.next % likely.len();
                    likely.rotate_left(start);
                }
                others.sort_by_key(|r| std::cmp::Reverse(r.reported_lsn()));
                likely
                    .iter()
                    .chain(&others)
                    .take(MAX_REPLICA_ATTEMPTS)
                    .fold(ReadPlan::new(), |plan, r| {
                        plan.replica_at_least(r.id, token)
                    })
                    .primary()
            }
            None if up.is_empty() => ReadPlan::new().primary(),
            None => {
                // Start at the next replica in rotation, then try the others in turn.
                self.next = self.next.wrapping_add(1);
                let start = self.next % up.len();
                up.iter()
                    .cycle()
                    .skip(start)
                    .take(up.len().min(MAX_REPLICA_ATTEMPTS))
                    .fold(ReadPlan::new(), |plan, r| plan.replica(r.id))
                    .primary()
            }
        }
    }
}
