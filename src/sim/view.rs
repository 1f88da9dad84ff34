//! What a proxy in front of the cluster can know — and nothing more.
//!
//! The learner's router decides where reads go using a [`ClusterView`]. It carries the
//! facts a real proxy (PgBouncer with a lag check, ProxySQL, a MongoDB driver) has at
//! hand: the primary's current position, each replica's *last reported* position and
//! when it reported, and the failure detector's opinion of its health. It never
//! carries a replica's true applied position: reports arrive every few hundred
//! milliseconds, so they are stale (usually stale-*low*, and stale-*high* right after a
//! replica is restored from a backup), and the failure detector lags behind crashes
//! and restarts. A strategy that is only right when these facts are fresh is wrong.

use crate::model::{Lsn, Millis, ReplicaId};

/// What the failure detector currently believes about a node. It can be wrong: a
/// crashed replica stays `Up` until the detector notices, a restarted one stays `Down`
/// for a while.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Health {
    Up,
    Down,
}

/// A position report a replica sent: "at time `at` I had applied up to `lsn`".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PositionReport {
    pub lsn: Lsn,
    pub at: Millis,
}

/// The proxy's knowledge of one replica.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReplicaView {
    pub id: ReplicaId,
    /// The last report received, or `None` if the replica has not reported yet.
    pub last_report: Option<PositionReport>,
    /// The failure detector's opinion.
    pub health: Health,
}

impl ReplicaView {
    /// The last reported position, or [`Lsn::ZERO`] if none arrived yet.
    #[inline]
    pub fn reported_lsn(&self) -> Lsn {
        self.last_report.map_or(Lsn::ZERO, |r| r.lsn)
    }

    /// Whether the failure detector believes the replica is up.
    #[inline]
    pub fn is_up(&self) -> bool {
        self.health == Health::Up
    }
}

/// A snapshot of what the proxy knows at the moment of a decision.
#[derive(Clone, Copy, Debug)]
pub struct ClusterView<'a> {
    now: Millis,
    primary_lsn: Lsn,
    replicas: &'a [ReplicaView],
}

impl<'a> ClusterView<'a> {
    pub(crate) fn new(now: Millis, primary_lsn: Lsn, replicas: &'a [ReplicaView]) -> Self {
        ClusterView {
            now,
            primary_lsn,
            replicas,
        }
    }

    /// The current virtual time.
    #[inline]
    pub fn now(&self) -> Millis {
        self.now
    }

    /// The primary's current log position (what `pg_current_wal_lsn()` returns).
    #[inline]
    pub fn primary_lsn(&self) -> Lsn {
        self.primary_lsn
    }

    /// The replicas the proxy knows about, in id order. Replicas added mid-run appear
    /// here once they join.
    #[inline]
    pub fn replicas(&self) -> &'a [ReplicaView] {
        self.replicas
    }

    /// The proxy's view of one replica, if it is known.
    #[inline]
    pub fn replica(&self, id: ReplicaId) -> Option<&'a ReplicaView> {
        self.replicas.iter().find(|r| r.id == id)
    }
}
