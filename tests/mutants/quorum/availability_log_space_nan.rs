//! Terms summed in log space, exp(ln C(n, i) + i·ln p + (n − i)·ln(1 − p)), without
//! the edge cases: at p = 0 or p = 1 a term is exp(0·(−∞)) = NaN, so the answer for a
//! cluster whose nodes are always (or never) up is NaN instead of 1 or 0.

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

fn ln_choose(n: u32, k: u32) -> f64 {
    (1..=k)
        .map(|i| (f64::from(n - k + i) / f64::from(i)).ln())
        .sum()
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
        let (lp, lq) = (p.ln(), (1.0 - p).ln());
        Ok((k..=n)
            .map(|i| (ln_choose(n, i) + f64::from(i) * lp + f64::from(n - i) * lq).exp())
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
