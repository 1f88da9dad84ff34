//! W > N or R > N reported as `OutOfRange` ("a parameter out of range") instead of
//! `QuorumLargerThanCluster`.

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

fn validate(n: u32, w: u32, r: u32) -> Result<(), QuorumError> {
    if n == 0 {
        Err(QuorumError::NoNodes)
    } else if w == 0 || r == 0 {
        Err(QuorumError::EmptyQuorum)
    } else if w > n || r > n {
        Err(QuorumError::OutOfRange)
    } else {
        Ok(())
    }
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
        validate(n, w, 1)?;
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
