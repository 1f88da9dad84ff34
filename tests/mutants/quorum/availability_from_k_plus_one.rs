//! The binomial sum starts at k + 1: "more than k up" instead of "at least k up". The
//! i = k term is missing: availability(5, 5, 0.99) is 0 instead of 0.99⁵.

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
        if n == 0 {
            return Err(QuorumError::NoNodes);
        }
        base::check_p(p)?;
        if k == 0 || k > n {
            return Err(QuorumError::OutOfRange);
        }
        Ok((k + 1..=n)
            .map(|i| {
                base::binomial(n, i) as f64 * p.powi(i as i32) * (1.0 - p).powi((n - i) as i32)
            })
            .sum())
    }

    fn stale_read_probability(&self, n: u32, w: u32, r: u32) -> Result<f64, QuorumError> {
        base::stale_read_probability(n, w, r)
    }

    fn k_staleness(&self, n: u32, w: u32, r: u32, k: u32) -> Result<f64, QuorumError> {
        base::k_staleness(n, w, r, k)
    }

    fn resolve(&mut self, responses: &[Response]) -> Resolution {
        base::resolve(responses)
    }
}
