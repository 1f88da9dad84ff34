//! C(a, b) = a! / (b!·(a − b)!) with factorials over i64 ranges; for R > N − W the
//! factorial of the negative a − b is the empty product, 1, so C(N − W, R) is not 0 and
//! overlapping configurations get a positive stale-read probability.

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

fn factorial(n: i64) -> f64 {
    (1..=n).map(|i| i as f64).product()
}

fn choose(a: i64, b: i64) -> f64 {
    factorial(a) / (factorial(b) * factorial(a - b))
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
        base::validate(n, w, r)?;
        let (n, w, r) = (i64::from(n), i64::from(w), i64::from(r));
        Ok(choose(n - w, r) / choose(n, r))
    }

    fn k_staleness(&self, n: u32, w: u32, r: u32, k: u32) -> Result<f64, QuorumError> {
        base::k_staleness(n, w, r, k)
    }

    fn resolve(&mut self, responses: &[Response]) -> Resolution {
        base::resolve(responses)
    }
}
