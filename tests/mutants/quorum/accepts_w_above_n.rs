//! No W > N / R > N check: "a bigger quorum is just safer". overlaps(3, 5, 1) says yes,
//! the tolerances saturate at 0, and nothing is refused. A quorum larger than the
//! cluster can never be gathered: `QuorumLargerThanCluster`.

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
    } else {
        Ok(())
    }
}

impl Quorum for Quorums {
    fn overlaps(&self, n: u32, w: u32, r: u32) -> Result<bool, QuorumError> {
        validate(n, w, r)?;
        Ok(r + w > n)
    }

    fn tolerated_failures(&self, n: u32, w: u32, r: u32) -> Result<Tolerance, QuorumError> {
        validate(n, w, r)?;
        Ok(Tolerance {
            reads: n.saturating_sub(r),
            writes: n.saturating_sub(w),
        })
    }

    fn smallest_overlapping_r(&self, n: u32, w: u32) -> Result<u32, QuorumError> {
        validate(n, w, 1)?;
        Ok((n + 1).saturating_sub(w).max(1))
    }

    fn availability(&self, n: u32, k: u32, p: f64) -> Result<f64, QuorumError> {
        base::availability(n, k, p)
    }

    fn stale_read_probability(&self, n: u32, w: u32, r: u32) -> Result<f64, QuorumError> {
        validate(n, w, r)?;
        if r + w > n {
            return Ok(0.0);
        }
        base::stale_read_probability(n, w, r)
    }

    fn k_staleness(&self, n: u32, w: u32, r: u32, k: u32) -> Result<f64, QuorumError> {
        validate(n, w, r)?;
        if k == 0 {
            return Err(QuorumError::OutOfRange);
        }
        let p = self.stale_read_probability(n, w, r)?;
        Ok(1.0 - p.powi(k as i32))
    }

    fn resolve(&mut self, responses: &[Response]) -> Resolution {
        base::resolve(responses)
    }
}
