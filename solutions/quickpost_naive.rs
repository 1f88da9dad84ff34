//! QuickPost — naive strategies. Each is a design people really ship, and each fails
//! one of the grader's scenarios for a reason worth understanding. Grade one with
//! `cargo run -- grade quickpost --solution NAME`.

use replication_katas::katas::quickpost::prelude::*;
use std::collections::BTreeMap;

/// Rotates over the replicas the failure detector believes are up; primary when none.
fn any_replica(next: &mut usize, cluster: &ClusterView<'_>) -> ReadPlan {
    let up: Vec<&ReplicaView> = cluster.replicas().iter().filter(|r| r.is_up()).collect();
    if up.is_empty() {
        return ReadPlan::new().primary();
    }
    *next = next.wrapping_add(1);
    ReadPlan::new().replica(up[*next % up.len()].id).primary()
}

/// `always-replica`: every read to a replica, no questions asked. Fast and balanced —
/// and users do not see their own posts while the replica lags.
pub struct AlwaysReplica {
    next: usize,
}

impl AlwaysReplica {
    pub fn new() -> Self {
        AlwaysReplica { next: 0 }
    }
}

impl ReadYourWritesRouter for AlwaysReplica {
    fn on_write_acked(&mut self, _ack: &WriteAck, _cluster: &ClusterView<'_>) {}

    fn route_read(&mut self, _read: &ProfileRead, cluster: &ClusterView<'_>) -> ReadPlan {
        any_replica(&mut self.next, cluster)
    }
}

/// `always-primary`: every read to the primary. Never stale — and the replicas sit
/// idle while the primary carries every read: over the primary-load budget.
pub struct AlwaysPrimary;

impl ReadYourWritesRouter for AlwaysPrimary {
    fn on_write_acked(&mut self, _ack: &WriteAck, _cluster: &ClusterView<'_>) {}

    fn route_read(&mut self, _read: &ProfileRead, _cluster: &ClusterView<'_>) -> ReadPlan {
        ReadPlan::new().primary()
    }
}

/// The window of `primary-window-60s`.
const WINDOW_MS: Millis = 60_000;

/// `primary-window-60s`: own-profile reads go to the primary for 60 s after the user's
/// last post (DDIA's "for one minute after the last update"). Lag has no upper bound:
/// a spike or a growing lag outlasts the window.
pub struct PrimaryWindow {
    last_post: BTreeMap<UserId, Millis>,
    next: usize,
}

impl PrimaryWindow {
    pub fn new() -> Self {
        PrimaryWindow {
            last_post: BTreeMap::new(),
            next: 0,
        }
    }
}

impl ReadYourWritesRouter for PrimaryWindow {
    fn on_write_acked(&mut self, ack: &WriteAck, _cluster: &ClusterView<'_>) {
        self.last_post.insert(ack.user, ack.at);
    }

    fn route_read(&mut self, read: &ProfileRead, cluster: &ClusterView<'_>) -> ReadPlan {
        let recent = self
            .last_post
            .get(&read.user)
            .is_some_and(|&t| read.at.saturating_sub(t) < WINDOW_MS);
        if read.is_own_profile() && recent {
            ReadPlan::new().primary()
        } else {
            any_replica(&mut self.next, cluster)
        }
    }
}

/// `per-device-token`: the right idea — a consistency token and conditional reads —
/// kept in the wrong place, per device (like a cookie). A post from the phone leaves
/// the laptop without a token.
pub struct PerDeviceToken {
    tokens: BTreeMap<(UserId, DeviceId), Lsn>,
    next: usize,
}

impl PerDeviceToken {
    pub fn new() -> Self {
        PerDeviceToken {
            tokens: BTreeMap::new(),
            next: 0,
        }
    }
}

impl ReadYourWritesRouter for PerDeviceToken {
    fn on_write_acked(&mut self, ack: &WriteAck, _cluster: &ClusterView<'_>) {
        self.tokens.insert((ack.user, ack.device), ack.lsn);
    }

    fn route_read(&mut self, read: &ProfileRead, cluster: &ClusterView<'_>) -> ReadPlan {
        match self.tokens.get(&(read.user, read.device)) {
            Some(&token) if read.is_own_profile() => cluster
                .replicas()
                .iter()
                .filter(|r| r.is_up())
                .fold(ReadPlan::new(), |plan, r| {
                    plan.replica_at_least(r.id, token)
                })
                .primary(),
            _ => any_replica(&mut self.next, cluster),
        }
    }
}

/// `trust-reported-lsn`: a token per user, but instead of a conditional read it
/// trusts the replicas' *reported* positions and reads unconditionally from one that
/// claims to have the token. Reports are stale — and after a restore from an old
/// backup they are stale-high: the replica no longer has what it reported.
pub struct TrustReportedLsn {
    tokens: BTreeMap<UserId, Lsn>,
    next: usize,
}

impl TrustReportedLsn {
    pub fn new() -> Self {
        TrustReportedLsn {
            tokens: BTreeMap::new(),
            next: 0,
        }
    }
}

impl ReadYourWritesRouter for TrustReportedLsn {
    fn on_write_acked(&mut self, ack: &WriteAck, _cluster: &ClusterView<'_>) {
        self.tokens.insert(ack.user, ack.lsn);
    }

    fn route_read(&mut self, read: &ProfileRead, cluster: &ClusterView<'_>) -> ReadPlan {
        let Some(&token) = self
            .tokens
            .get(&read.user)
            .filter(|_| read.is_own_profile())
        else {
            return any_replica(&mut self.next, cluster);
        };
        let fresh = cluster
            .replicas()
            .iter()
            .find(|r| r.is_up() && r.reported_lsn() >= token);
        match fresh {
            Some(r) => ReadPlan::new().replica(r.id).primary(),
            None => ReadPlan::new().primary(),
        }
    }
}
