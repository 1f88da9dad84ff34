//! Looks correct: the binomial sum built term by
//! term, the first term C(n, k)·pᵏ·(1 − p)ⁿ⁻ᵏ computed directly, each next one by the
//! ratio (n − i)/(i + 1) · p/(1 − p). Wrong: the first term can underflow to 0 while
//! the later ones are large. availability(60, 1, 0.999999) starts from
//! 60·(10⁻⁶)⁵⁹ = 0, multiplies 0 by every ratio, and answers 0 instead of 1. (Found by
//! checking this design against exact rational answers; written as a correct design
//! at first.)

use crate::harness::Expect;
use replication_katas::katas::quorum::prelude::*;

pub const EXPECT: Expect = Expect::Fail("exact-quorum-math");

pub struct Quorums;

impl Quorums {
    pub fn new() -> Self {
        Quorums
    }
}

fn check(n: u32, w: u32, r: u32) -> Result<(), QuorumError> {
    if n == 0 {
        Err(QuorumError::NoNodes)
    } else if w.min(r) == 0 {
        Err(QuorumError::EmptyQuorum)
    } else if w.max(r) > n {
        Err(QuorumError::QuorumLargerThanCluster)
    } else {
        Ok(())
    }
}

fn choose(n: u32, k: u32) -> u128 {
    if k > n {
        return 0;
    }
    (0..k.min(n - k)).fold(1u128, |c, i| c * u128::from(n - i) / u128::from(i + 1))
}

fn stale(n: u32, w: u32, r: u32) -> f64 {
    choose(n - w, r) as f64 / choose(n, r) as f64
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
        check(n, w, 1)?;
        Ok(n - w + 1)
    }

    fn availability(&self, n: u32, k: u32, p: f64) -> Result<f64, QuorumError> {
        if n == 0 {
            return Err(QuorumError::NoNodes);
        }
        if p.is_nan() || !(0.0..=1.0).contains(&p) || k == 0 || k > n {
            return Err(QuorumError::OutOfRange);
        }
        if p == 0.0 {
            return Ok(0.0);
        }
        if p == 1.0 {
            return Ok(1.0);
        }
        let odds = p / (1.0 - p);
        let mut term = choose(n, k) as f64 * p.powi(k as i32) * (1.0 - p).powi((n - k) as i32);
        let mut sum = term;
        for i in k..n {
            term *= f64::from(n - i) / f64::from(i + 1) * odds;
            sum += term;
        }
        Ok(sum)
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
        Ok(1.0 - stale(n, w, r).powf(f64::from(k)))
    }

    fn resolve(&mut self, responses: &[Response]) -> Resolution {
        let mut newest: Option<Version> = None;
        let mut at_newest: Vec<Node> = Vec::new();
        let mut behind: Vec<Node> = Vec::new();
        for (i, r) in responses.iter().enumerate() {
            if i == 0 || r.version > newest {
                behind.append(&mut at_newest);
                newest = r.version;
                at_newest.push(r.node);
            } else if r.version == newest {
                at_newest.push(r.node);
            } else {
                behind.push(r.node);
            }
        }
        Resolution {
            version: newest,
            repair: behind,
        }
    }
}
