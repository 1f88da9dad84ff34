//! Read plans: how a router answers "where should this read go?".
//!
//! A router does not perform reads itself (it is sans-IO, like a state machine in
//! quinn-proto or Stateright); it returns an ordered plan of attempts. The harness
//! tries them in order — skipping nodes that are unreachable and replicas that refuse
//! a conditional read — and records what each attempt cost. A plan that runs out
//! fails the read, which the learner sees in the failed-reads metric.

use crate::model::{Lsn, NodeId, ReplicaId};
use serde::Serialize;

/// Plans longer than this are cut: a router that tries every node ten times is not
/// routing, it is hoping.
pub const MAX_ATTEMPTS: usize = 8;

/// One attempt: a node, and optionally the minimum position it must have applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attempt {
    pub target: NodeId,
    /// A *conditional read*: a replica that has not applied this LSN refuses at once
    /// (`TooStale`) instead of answering with old data, costing one round trip. This is
    /// how a client waits for its own write without trusting stale reports
    /// (MongoDB's `afterClusterTime`, MySQL's `WAIT_FOR_EXECUTED_GTID_SET`, comparing
    /// `pg_last_wal_replay_lsn()` in PostgreSQL).
    pub min_lsn: Option<Lsn>,
}

/// An ordered list of attempts. Build it with the chaining methods:
///
/// ```
/// # use replication_katas::sim::ReadPlan;
/// # use replication_katas::model::{Lsn, ReplicaId};
/// let plan = ReadPlan::new()
///     .replica_at_least(ReplicaId(2), Lsn(42))
///     .primary();
/// assert_eq!(plan.attempts().len(), 2);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadPlan {
    attempts: Vec<Attempt>,
}

impl ReadPlan {
    /// An empty plan. Returned as is, the read fails.
    #[inline]
    pub fn new() -> Self {
        ReadPlan {
            // Room for every attempt the harness will try: one allocation per plan.
            attempts: Vec::with_capacity(MAX_ATTEMPTS),
        }
    }

    /// Adds an attempt at the primary, which always has every acknowledged write.
    #[inline]
    pub fn primary(mut self) -> Self {
        self.attempts.push(Attempt {
            target: NodeId::Primary,
            min_lsn: None,
        });
        self
    }

    /// Adds an unconditional attempt at a replica: it answers with whatever it has.
    #[inline]
    pub fn replica(mut self, id: ReplicaId) -> Self {
        self.attempts.push(Attempt {
            target: NodeId::Replica(id),
            min_lsn: None,
        });
        self
    }

    /// Adds a conditional attempt: the replica answers only if it has applied `lsn`,
    /// and refuses otherwise.
    #[inline]
    pub fn replica_at_least(mut self, id: ReplicaId, lsn: Lsn) -> Self {
        self.attempts.push(Attempt {
            target: NodeId::Replica(id),
            min_lsn: Some(lsn),
        });
        self
    }

    /// Adds any attempt.
    #[inline]
    pub fn then(mut self, attempt: Attempt) -> Self {
        self.attempts.push(attempt);
        self
    }

    #[inline]
    pub fn attempts(&self) -> &[Attempt] {
        &self.attempts
    }
}

/// What happened to one attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum AttemptOutcome {
    /// The node answered with its state as of `observed`.
    Served { observed: Lsn },
    /// A conditional read refused: the replica had applied only `applied`.
    TooStale { applied: Lsn, wanted: Lsn },
    /// The node did not answer (crashed, partitioned, not yet joined); the proxy waited
    /// for its timeout.
    Unreachable,
    /// Not tried: the plan was longer than [`MAX_ATTEMPTS`].
    Skipped,
}

/// The record of one attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct AttemptRecord {
    pub target: NodeId,
    pub min_lsn: Option<Lsn>,
    #[serde(flatten)]
    pub outcome: AttemptOutcome,
}

/// How a whole plan went.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadExecution {
    pub attempts: Vec<AttemptRecord>,
    /// The node that answered and the position it observed; `None` if the plan ran out.
    pub served: Option<(NodeId, Lsn)>,
    pub round_trips: u32,
    pub latency_ms: u64,
}
