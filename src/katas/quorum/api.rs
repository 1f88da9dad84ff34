//! What the learner's quorum code implements: exact quorum math, and a read
//! coordinator for a leaderless (Dynamo-style) store.

pub use crate::model::Node;
use std::fmt;

/// The error contract of the quorum functions, stated once. `QuorumError`'s
/// documentation is this text, `kata show quorum` prints it, and the skeleton, the
/// hints and the grader's messages point here; the grader checks it with
/// `math::config_error`, `math::availability_error` and `math::k_staleness_error`.
/// A macro, not a `const`, so that `#[doc = …]` and `concat!`
/// can both use it.
macro_rules! error_contract {
    () => {
        "Invalid input is an error, never a number and never a panic. The checks run in
this order, and the first that applies is returned:

1. N = 0 → `NoNodes`
2. W = 0 or R = 0 → `EmptyQuorum`
3. W > N or R > N → `QuorumLargerThanCluster`
4. `OutOfRange`: p outside [0, 1] or NaN; `availability`'s k outside 1..=n (there
   k counts nodes); `k_staleness`'s k = 0 (there k counts versions: every k ≥ 1 is
   valid, k > N included, and gives 1 − pᵏ).

A function without a W or an R skips those checks for it: `availability` has
neither, `smallest_overlapping_r` has no R."
    };
}
pub(crate) use error_contract;

/// Why the learner's quorum function refuses its input.
///
#[doc = error_contract!()]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuorumError {
    /// N = 0: no nodes (step 1 of the contract above).
    NoNodes,
    /// W or R is 0: a quorum of nobody (step 2).
    EmptyQuorum,
    /// W or R is larger than N (step 3).
    QuorumLargerThanCluster,
    /// A p or a k outside its range (step 4, last). The two k differ:
    /// `availability`'s counts nodes (1..=n), `k_staleness`'s counts versions (≥ 1).
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
    /// with probability `p`. Here `k` counts nodes: 1..=n (see [`QuorumError`]).
    fn availability(&self, n: u32, k: u32, p: f64) -> Result<f64, QuorumError>;

    /// The probability that a read quorum of R nodes, chosen uniformly at random,
    /// misses a write that reached exactly W of the N nodes.
    fn stale_read_probability(&self, n: u32, w: u32, r: u32) -> Result<f64, QuorumError>;

    /// The probability that a read returns one of the last `k` versions. Here `k`
    /// counts versions: any k ≥ 1 is valid, k > N included (see [`QuorumError`]).
    fn k_staleness(&self, n: u32, w: u32, r: u32, k: u32) -> Result<f64, QuorumError>;

    /// Coordinate a read: given the responses of R replicas (in the order they
    /// arrived), return the value and name the replicas to repair.
    fn resolve(&mut self, responses: &[Response]) -> Resolution;
}
