//! What the learner's quorum code implements: exact quorum math, and a read
//! coordinator for a leaderless (Dynamo-style) store.

pub use crate::model::Node;
use std::fmt;

/// A quorum configuration the learner's functions must reject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuorumError {
    /// N = 0: no nodes.
    NoNodes,
    /// W or R is 0: a quorum of nobody.
    EmptyQuorum,
    /// W or R is larger than N.
    QuorumLargerThanCluster,
    /// A probability outside [0, 1], or k outside 1..=n.
    OutOfRange,
}

impl fmt::Display for QuorumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            QuorumError::NoNodes => "N must be at least 1",
            QuorumError::EmptyQuorum => "W and R must be at least 1",
            QuorumError::QuorumLargerThanCluster => "W and R cannot exceed N",
            QuorumError::OutOfRange => "a parameter is out of range",
        })
    }
}

/// How many node failures a configuration survives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tolerance {
    /// Reads still find R nodes while at most this many are down.
    pub reads: u32,
    /// Writes still find W nodes while at most this many are down.
    pub writes: u32,
}

/// A version of a key's value. Versions of one key are totally ordered: a higher
/// number was written later.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(pub u64);

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}", self.0)
    }
}

/// One replica's answer to a quorum read: its version of the key, if it has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Response {
    pub node: Node,
    pub version: Option<Version>,
}

/// What the coordinator answers and which replicas it repairs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resolution {
    /// The version returned to the client (`None` if no replica had the key).
    pub version: Option<Version>,
    /// Replicas to send the returned version to (read repair).
    pub repair: Vec<Node>,
}

/// The learner's job in the quorum kata.
pub trait Quorum {
    /// Does every read quorum of size R overlap every write quorum of size W among N
    /// nodes?
    fn overlaps(&self, n: u32, w: u32, r: u32) -> Result<bool, QuorumError>;

    /// How many node failures reads and writes each tolerate.
    fn tolerated_failures(&self, n: u32, w: u32, r: u32) -> Result<Tolerance, QuorumError>;

    /// The smallest R that guarantees overlap with write quorums of size W.
    fn smallest_overlapping_r(&self, n: u32, w: u32) -> Result<u32, QuorumError>;

    /// The probability that at least `k` of `n` independent nodes are up, each up
    /// with probability `p`.
    fn availability(&self, n: u32, k: u32, p: f64) -> Result<f64, QuorumError>;

    /// The probability that a read quorum of R nodes, chosen uniformly at random,
    /// misses a write that reached exactly W of the N nodes.
    fn stale_read_probability(&self, n: u32, w: u32, r: u32) -> Result<f64, QuorumError>;

    /// The probability that a read returns one of the last `k` versions.
    fn k_staleness(&self, n: u32, w: u32, r: u32, k: u32) -> Result<f64, QuorumError>;

    /// Coordinate a read: given the responses of R replicas (in the order they
    /// arrived), return the value and name the replicas to repair.
    fn resolve(&mut self, responses: &[Response]) -> Resolution;
}
