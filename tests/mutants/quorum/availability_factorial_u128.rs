//! C(n, i) from u128 factorials, following "use u128" without the running product.
//! 35! does not fit in a u128: from n = 35 on the factorial overflows — a panic in a
//! debug build, a wrapped, wrong coefficient in a release build.

use super::base;
use crate::harness::Expect;
use replication_katas::katas::quorum::prelude::*;

pub const EXPECT: Expect = if cfg!(debug_assertions) {
    Expect::Fail("fault:panicked")
} else {
    Expect::Fail("exact-quorum-math")
};

pub struct Quorums;

impl Quorums {
    pub fn new() -> Self {
        Quorums
    }
}

fn factorial(n: u32) -> u128 {
    (1..=u128::from(n)).product()
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
        let mut sum = 0.0;
        for i in k..=n {
            let c = factorial(n) / (factorial(i) * factorial(n - i));
            sum += c as f64 * p.powi(i as i32) * (1.0 - p).powi((n - i) as i32);
        }
        Ok(sum)
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
