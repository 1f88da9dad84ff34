//! Quorum — the instructor's solution.
//!
//! The math is exact: binomial coefficients as a running product in u128 (C(50, 25) is
//! about 1.3·10¹⁴; 50! would overflow any integer type), and every function validates
//! its parameters first, in the order of the error contract on `QuorumError`. The coordinator compares versions instead of trusting arrival
//! order, and repairs every responder that is behind.

use replication_katas::katas::quorum::prelude::*;

pub struct Quorums;

impl Quorums {
    pub fn new() -> Self {
        Quorums
    }
}

/// Steps 1–3 of the error contract: N, then an empty quorum, then one larger than N.
fn check(n: u32, w: u32, r: u32) -> Result<(), QuorumError> {
    if n == 0 {
        Err(QuorumError::NoNodes)
    } else if w == 0 || r == 0 {
        Err(QuorumError::EmptyQuorum)
    } else if w > n || r > n {
        Err(QuorumError::QuorumLargerThanCluster)
    } else {
        Ok(())
    }
}

/// C(n, k) exactly; 0 when k > n.
fn choose(n: u32, k: u32) -> u128 {
    if k > n {
        return 0;
    }
    let k = k.min(n - k);
    (0..k).fold(1u128, |c, i| c * u128::from(n - i) / u128::from(i + 1))
}

impl Quorum for Quorums {
    fn overlaps(&self, n: u32, w: u32, r: u32) -> Result<bool, QuorumError> {
        check(n, w, r)?;
        Ok(r + w > n)
    }

    fn tolerated_failures(&self, n: u32, w: u32, r: u32) -> Result<Tolerance, QuorumError> {
        check(n, w, r)?;
        Ok(Tolerance {
            reads: n - r,
            writes: n - w,
        })
    }

    fn smallest_overlapping_r(&self, n: u32, w: u32) -> Result<u32, QuorumError> {
        check(n, w, 1)?;
        Ok(n - w + 1)
    }

    fn availability(&self, n: u32, k: u32, p: f64) -> Result<f64, QuorumError> {
        if n == 0 {
            return Err(QuorumError::NoNodes);
        }
        // k counts nodes; `contains` is false for NaN.
        if k == 0 || k > n || !(0.0..=1.0).contains(&p) {
            return Err(QuorumError::OutOfRange);
        }
        // The terms themselves, never 1 minus the others: at n = 50, p = 0.001 the
        // answer is about 1e-150, which a complement would round to 0.
        let sum: f64 = (k..=n)
            .map(|i| choose(n, i) as f64 * p.powi(i as i32) * (1.0 - p).powi((n - i) as i32))
            .sum();
        Ok(sum.min(1.0))
    }

    fn stale_read_probability(&self, n: u32, w: u32, r: u32) -> Result<f64, QuorumError> {
        check(n, w, r)?;
        Ok(choose(n - w, r) as f64 / choose(n, r) as f64)
    }

    fn k_staleness(&self, n: u32, w: u32, r: u32, k: u32) -> Result<f64, QuorumError> {
        let p = self.stale_read_probability(n, w, r)?;
        // k counts versions: any k ≥ 1, k > n too. powf, because `k as i32` is negative
        // above i32::MAX.
        if k == 0 {
            return Err(QuorumError::OutOfRange);
        }
        Ok(1.0 - p.powf(f64::from(k)))
    }

    fn resolve(&mut self, responses: &[Response]) -> Resolution {
        let newest = responses.iter().filter_map(|r| r.version).max();
        let repair = responses
            .iter()
            .filter(|r| r.version < newest)
            .map(|r| r.node)
            .collect();
        Resolution {
            version: newest,
            repair,
        }
    }
}
