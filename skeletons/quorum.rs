//! # Quorum — quorum math and a read coordinator
//!
//! A leaderless (Dynamo-style) store keeps N replicas of every key. A write goes to all
//! of them and succeeds once **W** acknowledge; a read asks **R** of them. If
//! **R + W > N**, every read quorum shares at least one node with every write quorum,
//! so a read can find the latest acknowledged write — if the coordinator looks for it.
//!
//! ## Part 1: the numbers, exactly
//!
//! * Overlap: R + W > N. Watch the boundary.
//! * Failures tolerated: reads need R of N nodes up, writes need W.
//! * Availability: P(at least k of n nodes up), each up independently with probability
//!   p, is the binomial sum Σ_{i=k..n} C(n,i)·pⁱ·(1−p)ⁿ⁻ⁱ. (The source notes claim 99.9%
//!   for n = 5, k = 3, p = 0.99. Compute it.)
//! * Staleness (Bailis et al., "Probabilistically Bounded Staleness", VLDB 2012): a read
//!   quorum of R chosen uniformly misses a write that reached exactly W of N nodes with
//!   probability C(N−W, R) / C(N, R); it returns one of the last k versions with
//!   probability 1 − pᵏ.
//! * Invalid input is `Err(QuorumError::…)`, never a number and never a panic — and
//!   *which* error, checked in which order, is fixed by the error contract on
//!   `QuorumError` (`cargo run -- kata show quorum` prints it). Note its two k's:
//!   `availability`'s k counts nodes, `k_staleness`'s k counts versions.
//!
//! ## Part 2: the read coordinator
//!
//! `resolve` gets the R responses in the order they arrived — which can be any order.
//! Return the newest version, and name every responder that answered with something
//! older (or nothing) for **read repair**, so replicas converge.
//!
//! Grade with `cargo run -- grade quorum`; stuck? `cargo run -- hint quorum`.

use replication_katas::katas::quorum::prelude::*;

/// Your quorum functions and read coordinator.
pub struct Quorums {
    // TODO (optional): state for the coordinator, if you want any.
}

impl Quorums {
    pub fn new() -> Self {
        Quorums {}
    }
}

impl Quorum for Quorums {
    fn overlaps(&self, n: u32, w: u32, r: u32) -> Result<bool, QuorumError> {
        // TODO: validate, then decide whether read and write quorums must meet.
        todo!()
    }

    fn tolerated_failures(&self, n: u32, w: u32, r: u32) -> Result<Tolerance, QuorumError> {
        // TODO
        todo!()
    }

    fn smallest_overlapping_r(&self, n: u32, w: u32) -> Result<u32, QuorumError> {
        // TODO
        todo!()
    }

    fn availability(&self, n: u32, k: u32, p: f64) -> Result<f64, QuorumError> {
        // TODO: the binomial sum, without overflowing a factorial. k counts nodes.
        todo!()
    }

    fn stale_read_probability(&self, n: u32, w: u32, r: u32) -> Result<f64, QuorumError> {
        // TODO: C(N−W, R) / C(N, R).
        todo!()
    }

    fn k_staleness(&self, n: u32, w: u32, r: u32, k: u32) -> Result<f64, QuorumError> {
        // TODO: 1 − pᵏ. k counts versions: any k ≥ 1, k > n too.
        todo!()
    }

    fn resolve(&mut self, responses: &[Response]) -> Resolution {
        // TODO: the newest version, and the replicas to repair.
        todo!()
    }
}
