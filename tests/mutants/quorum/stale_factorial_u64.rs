//! C(a, b) from u64 factorials in the stale-read probability. Right up to N = 20; 21!
//! overflows a u64, so from N = 21 on this panics in a debug build and returns a wrapped,
//! wrong ratio in a release build. Nothing in the API limits N to 20.

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

fn factorial(n: u32) -> u64 {
    (1..=u64::from(n)).product()
}

fn choose(a: u32, b: u32) -> u64 {
    if b > a {
        0
    } else {
        factorial(a) / (factorial(b) * factorial(a - b))
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
        base::validate(n, w, r)?;
        Ok(choose(n - w, r) as f64 / choose(n, r) as f64)
    }

    fn k_staleness(&self, n: u32, w: u32, r: u32, k: u32) -> Result<f64, QuorumError> {
        base::k_staleness(n, w, r, k)
    }

    fn resolve(&mut self, responses: &[Response]) -> Resolution {
        base::resolve(responses)
    }
}
