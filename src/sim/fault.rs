//! The fault kinds a scenario can inject into a single-leader cluster.
//!
//! Each kind is a way real replicas fall behind or misbehave, taken from production
//! incidents and the literature: a lag *spike* (a long-running query or a vacuum on
//! the replica), a *stall* (replication stopped, e.g. a full disk), steady *growth*
//! (the replica cannot keep up with the write rate — GitLab's replica was gigabytes
//! behind in January 2017), *jitter*, a *crash* and restart, a network *partition*, a
//! *restore* from an old backup (the applied position goes backwards), and a replica
//! *added* mid-run from a snapshot.

use crate::model::{Millis, ReplicaId};
use serde::Deserialize;

/// One fault, as written in a scenario file:
/// `{ at_ms: 5000, replica: 1, kind: spike, lag_ms: 90000, duration_ms: 60000 }`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Fault {
    /// When the fault starts, in virtual milliseconds.
    pub at_ms: Millis,
    /// The replica it hits (1-based, as `replica-1`).
    pub replica: u32,
    #[serde(flatten)]
    pub kind: FaultKind,
}

impl Fault {
    pub fn replica_id(&self) -> ReplicaId {
        ReplicaId(self.replica)
    }

    /// When the fault's effect ends, if it ends.
    pub fn end_ms(&self) -> Option<Millis> {
        self.kind.duration_ms().map(|d| self.at_ms + d)
    }
}

/// What happens to the replica. The `kind` field of a fault selects the variant.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum FaultKind {
    /// Lag jumps to `lag_ms` for `duration_ms`, then returns to the base lag.
    Spike { lag_ms: Millis, duration_ms: Millis },
    /// Replication stops for `duration_ms`: the replica serves reads but applies
    /// nothing; afterwards it catches up to its base lag at once.
    Stall { duration_ms: Millis },
    /// Lag grows by `rate_ms_per_s` every second for `duration_ms`, then recovers.
    /// A rate of 1000 or more means the replica falls further behind every second.
    Growth {
        rate_ms_per_s: Millis,
        duration_ms: Millis,
    },
    /// For `duration_ms`, every `every_ms` the lag is redrawn between the base lag and
    /// base + `max_ms` (from the scenario's seed).
    Jitter {
        max_ms: Millis,
        #[serde(default = "default_jitter_every")]
        every_ms: Millis,
        duration_ms: Millis,
    },
    /// The replica process dies: unreachable, applies nothing, sends no reports.
    /// It restarts after `duration_ms`, with the data it had; never if omitted.
    Crash { duration_ms: Option<Millis> },
    /// The replica is cut off from the primary and from the proxy for `duration_ms`.
    Partition { duration_ms: Millis },
    /// The replica is restored from a backup taken `backup_age_ms` ago: its applied
    /// position goes *backwards*, and it replays the archive for `catch_up_ms` before
    /// it resumes streaming. Its last report, sent before the restore, is now
    /// stale-*high*: it claims data the replica no longer has.
    Restore {
        backup_age_ms: Millis,
        #[serde(default)]
        catch_up_ms: Millis,
    },
    /// A new replica joins from a snapshot taken `snapshot_age_ms` ago, replays for
    /// `catch_up_ms`, then streams with `lag_ms` of lag. `replica` must be the next
    /// free number.
    AddReplica {
        snapshot_age_ms: Millis,
        #[serde(default)]
        catch_up_ms: Millis,
        #[serde(default)]
        lag_ms: Millis,
    },
    /// The primary fails and `replica` — the synchronous replica, which has every
    /// acknowledged write — is promoted under a new term. Routers keep sending primary
    /// reads to "the primary", now that node; the other replicas are re-pointed at it
    /// and stream on. The old primary takes the promoted replica's place: down for
    /// `downtime_ms` (it restarts and rejoins as a replica, nothing to truncate), then a
    /// replica with that slot's lag.
    Failover { downtime_ms: Millis },
}

fn default_jitter_every() -> Millis {
    250
}

impl FaultKind {
    /// The name used in scenario files and reports.
    pub fn name(&self) -> &'static str {
        match self {
            FaultKind::Spike { .. } => "spike",
            FaultKind::Stall { .. } => "stall",
            FaultKind::Growth { .. } => "growth",
            FaultKind::Jitter { .. } => "jitter",
            FaultKind::Crash { .. } => "crash",
            FaultKind::Partition { .. } => "partition",
            FaultKind::Restore { .. } => "restore",
            FaultKind::AddReplica { .. } => "add_replica",
            FaultKind::Failover { .. } => "failover",
        }
    }

    /// How long the fault lasts; `None` for instantaneous or permanent ones.
    pub fn duration_ms(&self) -> Option<Millis> {
        match *self {
            FaultKind::Spike { duration_ms, .. }
            | FaultKind::Stall { duration_ms }
            | FaultKind::Growth { duration_ms, .. }
            | FaultKind::Jitter { duration_ms, .. }
            | FaultKind::Partition { duration_ms }
            | FaultKind::Failover {
                downtime_ms: duration_ms,
            } => Some(duration_ms),
            FaultKind::Crash { duration_ms } => duration_ms,
            FaultKind::Restore { catch_up_ms, .. } | FaultKind::AddReplica { catch_up_ms, .. } => {
                Some(catch_up_ms)
            }
        }
    }

    /// Every time parameter, named as in a scenario file: validation bounds them all,
    /// so that the simulation's arithmetic on times cannot overflow.
    pub fn times_ms(&self) -> Vec<(&'static str, Millis)> {
        match *self {
            FaultKind::Spike {
                lag_ms,
                duration_ms,
            } => vec![("lag_ms", lag_ms), ("duration_ms", duration_ms)],
            FaultKind::Stall { duration_ms } | FaultKind::Partition { duration_ms } => {
                vec![("duration_ms", duration_ms)]
            }
            FaultKind::Failover { downtime_ms } => vec![("downtime_ms", downtime_ms)],
            FaultKind::Growth {
                rate_ms_per_s,
                duration_ms,
            } => vec![
                ("rate_ms_per_s", rate_ms_per_s),
                ("duration_ms", duration_ms),
            ],
            FaultKind::Jitter {
                max_ms,
                every_ms,
                duration_ms,
            } => vec![
                ("max_ms", max_ms),
                ("every_ms", every_ms),
                ("duration_ms", duration_ms),
            ],
            FaultKind::Crash { duration_ms } => duration_ms
                .map(|d| ("duration_ms", d))
                .into_iter()
                .collect(),
            FaultKind::Restore {
                backup_age_ms,
                catch_up_ms,
            } => vec![
                ("backup_age_ms", backup_age_ms),
                ("catch_up_ms", catch_up_ms),
            ],
            FaultKind::AddReplica {
                snapshot_age_ms,
                catch_up_ms,
                lag_ms,
            } => vec![
                ("snapshot_age_ms", snapshot_age_ms),
                ("catch_up_ms", catch_up_ms),
                ("lag_ms", lag_ms),
            ],
        }
    }

    /// A one-line description for timelines and reports.
    pub fn describe(&self) -> String {
        use crate::model::fmt_time as t;
        match *self {
            FaultKind::Spike {
                lag_ms,
                duration_ms,
            } => format!("lag spike to {} for {}", t(lag_ms), t(duration_ms)),
            FaultKind::Stall { duration_ms } => {
                format!("replication stalls for {}", t(duration_ms))
            }
            FaultKind::Growth {
                rate_ms_per_s,
                duration_ms,
            } => format!(
                "lag grows by {rate_ms_per_s} ms every second for {}",
                t(duration_ms)
            ),
            FaultKind::Jitter {
                max_ms,
                duration_ms,
                ..
            } => format!("lag jitters up to +{} for {}", t(max_ms), t(duration_ms)),
            FaultKind::Crash {
                duration_ms: Some(d),
            } => format!("crashes, restarts after {}", t(d)),
            FaultKind::Crash { duration_ms: None } => "crashes for good".to_string(),
            FaultKind::Partition { duration_ms } => {
                format!("partitioned away for {}", t(duration_ms))
            }
            FaultKind::Restore {
                backup_age_ms,
                catch_up_ms,
            } => format!(
                "restored from a backup {} old (replays for {})",
                t(backup_age_ms),
                t(catch_up_ms)
            ),
            FaultKind::AddReplica {
                snapshot_age_ms, ..
            } => format!("joins from a snapshot {} old", t(snapshot_age_ms)),
            FaultKind::Failover { downtime_ms } => format!(
                "promoted to primary under a new term; the old primary takes its place, \
                 down for {}",
                t(downtime_ms)
            ),
        }
    }
}
