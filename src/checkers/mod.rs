//! Checkers: pure functions over a recorded [`History`](crate::history::History), each
//! named after the guarantee it checks, with the definitions of Terry et al., "Session
//! Guarantees for Weakly Consistent Replicated Data" (1994), and DDIA ch. 5.
//!
//! A violation explains itself in words a learner understands: who, what they wrote,
//! what they read, which node served it and how far that node had got.

mod consistent_prefix;
mod convergence;
pub mod failover;
mod monotonic_reads;
pub mod quorum;
mod read_your_writes;
mod updates;

pub use consistent_prefix::{CausalWrite, Observation, consistent_prefix};
pub use convergence::convergence;
pub use monotonic_reads::monotonic_reads;
pub use read_your_writes::read_your_writes;
pub use updates::{
    StateSeen, Update, UpdateKind, causality, no_silently_lost_update, spurious_siblings,
};

use crate::model::{Millis, NodeId};
use serde::Serialize;
use std::fmt;

/// The guarantees the checkers know.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Guarantee {
    /// A read includes every write its own session had acknowledged before the read
    /// began (Terry et al.: "read your writes"; DDIA: read-after-write consistency).
    ReadYourWrites,
    /// A read includes every write that was relevant to an earlier read of the same
    /// session: a session's view never goes back in time (Terry et al.: "monotonic
    /// reads").
    MonotonicReads,
    /// An observer never sees a write without the writes that causally precede it
    /// (DDIA: consistent prefix reads).
    ConsistentPrefix,
    /// A quorum read whose quorum included the latest acknowledged write returns it
    /// (R + W > N promises the overlap; the coordinator must use it).
    QuorumIntersection,
    /// After read repair, every replica the read saw holds the returned version; after
    /// a multi-leader network heals and replication drains, every region holds the
    /// same state (strong eventual consistency).
    Convergence,
    /// Every acknowledged update is in the final state, superseded by an update that
    /// happened after it, or kept as a sibling: none vanishes without anyone being told
    /// (what last-write-wins does to concurrent writes).
    NoSilentlyLostUpdate,
    /// An update is never overwritten by one that happened before it (Lamport's
    /// happened-before), and version vectors order writes exactly as causality does.
    Causality,
    /// Every write acknowledged to a client survives a failover, when a surviving node
    /// had it; and no automatic failover loses more than the configured maximum.
    NoLostAcknowledgedWrites,
    /// At most one node accepts writes in a way the others cannot fence: no split
    /// brain.
    SingleWritableLeader,
    /// A new leader is elected only by a majority of the cluster.
    MajorityElection,
    /// A quorum-math function returns the exact answer, and refuses invalid input.
    #[serde(rename = "exact-quorum-math")]
    QuorumMath,
}

impl Guarantee {
    pub fn name(self) -> &'static str {
        match self {
            Guarantee::ReadYourWrites => "read-your-writes",
            Guarantee::MonotonicReads => "monotonic-reads",
            Guarantee::ConsistentPrefix => "consistent-prefix",
            Guarantee::QuorumIntersection => "quorum-intersection",
            Guarantee::Convergence => "convergence",
            Guarantee::NoSilentlyLostUpdate => "no-silently-lost-update",
            Guarantee::Causality => "causality",
            Guarantee::QuorumMath => "exact-quorum-math",
            Guarantee::NoLostAcknowledgedWrites => "no-lost-acknowledged-writes",
            Guarantee::SingleWritableLeader => "single-writable-leader",
            Guarantee::MajorityElection => "majority-election",
        }
    }
}

impl fmt::Display for Guarantee {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One violation of a guarantee, with the operations involved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub guarantee: Guarantee,
    /// When the violating operation began.
    pub at_ms: Millis,
    pub user: String,
    /// The node that served the violating read, if any.
    pub node: Option<NodeId>,
    /// Operation numbers involved, earliest first (e.g. the write, then the read).
    pub operations: Vec<usize>,
    /// The explanation, in plain words.
    pub explanation: String,
}
