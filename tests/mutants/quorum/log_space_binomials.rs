//! Correct, with every probability computed in log space: ln C(n, i) as a sum of
//! ln((n − k + j) / j), terms exp(ln C + i·ln p + (n − i)·ln(1 − p)). Nothing overflows
//! for any n, and the error of each term is a few hundred ulps of the exponent —
//! about 1e-13 relative at n = 50, inside the kata's 1e-12. The edge cases log space
//! cannot take (p = 0 and p = 1: 0·ln 0 is NaN; C(a, b) with b > a) are answered
//! exactly before any logarithm is taken.

use crate::harness::Expect;
use replication_katas::katas::quorum::prelude::*;

pub const EXPECT: Expect = Expect::Pass;

pub struct Quorums;

impl Quorums {
    pub fn new() -> Self {
        Quorums
    }
}

fn check(n: u32, w: u32, r: u32) -> Result<(), QuorumError> {
    match (n, w, r) {
        (0, _, _) => Err(QuorumError::NoNodes),
        (_, 0, _) | (_, _, 0) => Err(QuorumError::EmptyQuorum),
        (n, w, r) if w > n || r > n => Err(QuorumError::QuorumLargerThanCluster),
        _ => Ok(()),
    }
}

/// ln C(n, k), for k ≤ n.
fn ln_choose(n: u32, k: u32) -> f64 {
    let k = k.min(n - k);
    (1..=k)
        .map(|j| (f64::from(n - k + j) / f64::from(j)).ln())
        .sum()
}

fn stale(n: u32, w: u32, r: u32) -> f64 {
    if r > n - w {
        return 0.0;
    }
    (ln_choose(n - w, r) - ln_choose(n, r)).exp()
}

impl Quorum for Quorums {
    fn overlaps(&self, n: u32, w: u32, r: u32) -> Result<bool, QuorumError> {
        check(n, w, r)?;
        Ok(u64::from(r) + u64::from(w) > u64::from(n))
    }

    fn tolerated_failures(&self, n: u32, w: u32, r: u32) -> Result<Tolerance, QuorumError> {
        check(n, w, r)?;
        Ok(Tolerance {
            reads: n - r,
            writes: n - w,
        })
    }

    fn smallest_overlapping_r(&self, n: u32, w: u32) -> Result<u32, QuorumError> {
        check(n, w, n)?;
        Ok(n - w + 1)
    }

    fn availability(&self, n: u32, k: u32, p: f64) -> Result<f64, QuorumError> {
        if n == 0 {
            return Err(QuorumError::NoNodes);
        }
        if !(0.0..=1.0).contains(&p) || !(1..=n).contains(&k) {
            return Err(QuorumError::OutOfRange);
        }
        if p == 0.0 {
            return Ok(0.0); // k ≥ 1 nodes can never be up
        }
        if p == 1.0 {
            return Ok(1.0);
        }
        let (lp, lq) = (p.ln(), (-p).ln_1p());
        Ok((k..=n)
            .rev()
            .map(|i| (ln_choose(n, i) + f64::from(i) * lp + f64::from(n - i) * lq).exp())
            .sum())
    }

    fn stale_read_probability(&self, n: u32, w: u32, r: u32) -> Result<f64, QuorumError> {
        check(n, w, r)?;
        Ok(stale(n, w, r))
    }

    fn k_staleness(&self, n: u32, w: u32, r: u32, k: u32) -> Result<f64, QuorumError> {
        check(n, w, r)?;
        if k == 0 {
            return Err(QuorumError::OutOfRange);
        }
        let p = stale(n, w, r);
        if p == 0.0 {
            return Ok(1.0);
        }
        Ok(1.0 - (f64::from(k) * p.ln()).exp())
    }

    fn resolve(&mut self, responses: &[Response]) -> Resolution {
        let version = responses.iter().filter_map(|r| r.version).max();
        Resolution {
            version,
            repair: responses
                .iter()
                .filter(|r| r.version < version)
                .map(|r| r.node)
                .collect(),
        }
    }
}
