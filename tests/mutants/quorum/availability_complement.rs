//! Availability as one minus the probability of fewer than k up, 1 − Σ_{i<k} C(n, i)·pⁱ·(1 − p)ⁿ⁻ⁱ,
//! "fewer terms when k is small". Subtracting from 1 cancels: when the answer is small
//! (high k, low p) the rounding error of the near-1 sum, ~1e-16, is all that is left,
//! so the relative error is far past the kata's 1e-12.

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
        let below: f64 = (0..k)
            .map(|i| {
                base::binomial(n, i) as f64 * p.powi(i as i32) * (1.0 - p).powi((n - i) as i32)
            })
            .sum();
        Ok(1.0 - below)
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
