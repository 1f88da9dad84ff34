//! Each parameter checked on its own, W completely before R: for (N, W, R) = (3, 4, 0)
//! W's "larger than the cluster" comes before R's "empty quorum". The contract checks
//! emptiness of both before size: `EmptyQuorum`.

use super::base;
use crate::harness::Expect;
use replication_katas::katas::quorum::prelude::*;

pub const EXPECT: Expect = Expect::Fail("exact-quorum-math");

pub struct Quorums;

impl Quorums {
    pub fn new() -> Self {
        Quorums
    }
}

fn check_quorum(n: u32, q: u32) -> Result<(), QuorumError> {
    if q == 0 {
        Err(QuorumError::EmptyQuorum)
    } else if q > n {
        Err(QuorumError::QuorumLargerThanCluster)
    } else {
        Ok(())
    }
}

fn validate(n: u32, w: u32, r: u32) -> Result<(), QuorumError> {
    if n == 0 {
        return Err(QuorumError::NoNodes);
    }
    check_quorum(n, w)?;
    check_quorum(n, r)
}

impl Quorum for Quorums {
    fn overlaps(&self, n: u32, w: u32, r: u32) -> Result<bool, QuorumError> {
        validate(n, w, r)?;
        Ok(r > n - w)
    }

    fn tolerated_failures(&self, n: u32, w: u32, r: u32) -> Result<Tolerance, QuorumError> {
        validate(n, w, r)?;
        base::tolerated_failures(n, w, r)
    }

    fn smallest_overlapping_r(&self, n: u32, w: u32) -> Result<u32, QuorumError> {
        base::smallest_overlapping_r(n, w)
    }

    fn availability(&self, n: u32, k: u32, p: f64) -> Result<f64, QuorumError> {
        base::availability(n, k, p)
    }

    fn stale_read_probability(&self, n: u32, w: u32, r: u32) -> Result<f64, QuorumError> {
        validate(n, w, r)?;
        base::stale_read_probability(n, w, r)
    }

    fn k_staleness(&self, n: u32, w: u32, r: u32, k: u32) -> Result<f64, QuorumError> {
        validate(n, w, r)?;
        base::k_staleness(n, w, r, k)
    }

    fn resolve(&mut self, responses: &[Response]) -> Resolution {
        base::resolve(responses)
    }
}
