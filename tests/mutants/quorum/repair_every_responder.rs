//! Correct, if wasteful: the newest version is returned and read repair is sent to
//! *every* responder, the one that already had it included. Repair of a replica that
//! holds the version already is a no-op — versions are totally ordered, and a replica
//! keeps the newer one — so every stale responder is still repaired and nothing
//! changes for the fresh ones. The skeleton asks to name every responder that answered
//! with something older or nothing; naming more costs traffic, not correctness.

use super::base;
use crate::harness::Expect;
use replication_katas::katas::quorum::prelude::*;

pub const EXPECT: Expect = Expect::Pass;

pub struct Quorums;

impl Quorums {
    pub fn new() -> Self {
        Quorums
    }
}

impl Quorum for Quorums {
    fn overlaps(&self, n: u32, w: u32, r: u32) -> Result<bool, QuorumError> {
        base::overlaps(n, w, r)
    }

    fn tolerated_failures(&self, n: u32, w: u32, r: u32) -> Result<Tolerance, QuorumError> {
        base::tolerated_failures(n, w, r)
    }

    fn smallest_overlapping_r(&self, n: u32, w: u32) -> Result<u32, QuorumError> {
        base::smallest_overlapping_r(n, w)
    }

    fn availability(&self, n: u32, k: u32, p: f64) -> Result<f64, QuorumError> {
        base::availability(n, k, p)
    }

    fn stale_read_probability(&self, n: u32, w: u32, r: u32) -> Result<f64, QuorumError> {
        base::stale_read_probability(n, w, r)
    }

    fn k_staleness(&self, n: u32, w: u32, r: u32, k: u32) -> Result<f64, QuorumError> {
        base::k_staleness(n, w, r, k)
    }

    fn resolve(&mut self, responses: &[Response]) -> Resolution {
        let version = responses.iter().filter_map(|r| r.version).max();
        let repair = if version.is_some() {
            responses.iter().map(|r| r.node).collect()
        } else {
            Vec::new()
        };
        Resolution { version, repair }
    }
}
