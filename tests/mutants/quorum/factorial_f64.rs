//! Correct, with the textbook formula in floating point: C(n, k) = n! / (k!·(n − k)!)
//! with the factorials as f64 from a table. f64 does not overflow until 171!, and each
//! factorial is within n ulps of the true value, so C(n, k) is within about 1e-14
//! relative for n ≤ 50 and every answer well inside the kata's 1e-12. (Integer
//! factorials are the bug: u64 overflows at 21!, u128 at 35!.) Above n = 170 it
//! switches to summing logarithms of the factorials.

use crate::harness::Expect;
use replication_katas::katas::quorum::prelude::*;

pub const EXPECT: Expect = Expect::Pass;

pub struct Quorums {
    factorials: Vec<f64>,
}

impl Quorums {
    pub fn new() -> Self {
        let mut factorials = vec![1.0];
        for i in 1..=170 {
            let last = factorials[i - 1];
            factorials.push(last * i as f64);
        }
        Quorums { factorials }
    }

    fn choose(&self, n: u32, k: u32) -> f64 {
        if k > n {
            return 0.0;
        }
        let (n, k) = (n as usize, k as usize);
        if n < self.factorials.len() {
            self.factorials[n] / (self.factorials[k] * self.factorials[n - k])
        } else {
            let ln_fact = |m: usize| (2..=m).map(|i| (i as f64).ln()).sum::<f64>();
            (ln_fact(n) - ln_fact(k) - ln_fact(n - k)).exp()
        }
    }

    fn stale(&self, n: u32, w: u32, r: u32) -> f64 {
        self.choose(n - w, r) / self.choose(n, r)
    }
}

fn check(n: u32, w: u32, r: u32) -> Result<(), QuorumError> {
    if n == 0 {
        return Err(QuorumError::NoNodes);
    }
    if w == 0 || r == 0 {
        return Err(QuorumError::EmptyQuorum);
    }
    if w > n || r > n {
        return Err(QuorumError::QuorumLargerThanCluster);
    }
    Ok(())
}

impl Quorum for Quorums {
    fn overlaps(&self, n: u32, w: u32, r: u32) -> Result<bool, QuorumError> {
        check(n, w, r).map(|()| r > n - w)
    }

    fn tolerated_failures(&self, n: u32, w: u32, r: u32) -> Result<Tolerance, QuorumError> {
        check(n, w, r).map(|()| Tolerance {
            reads: n - r,
            writes: n - w,
        })
    }

    fn smallest_overlapping_r(&self, n: u32, w: u32) -> Result<u32, QuorumError> {
        check(n, w, 1).map(|()| n - w + 1)
    }

    fn availability(&self, n: u32, k: u32, p: f64) -> Result<f64, QuorumError> {
        if n == 0 {
            return Err(QuorumError::NoNodes);
        }
        if !(0.0..=1.0).contains(&p) || k == 0 || k > n {
            return Err(QuorumError::OutOfRange);
        }
        let q = 1.0 - p;
        Ok((k..=n)
            .map(|i| self.choose(n, i) * p.powi(i as i32) * q.powi((n - i) as i32))
            .sum())
    }

    fn stale_read_probability(&self, n: u32, w: u32, r: u32) -> Result<f64, QuorumError> {
        check(n, w, r)?;
        Ok(self.stale(n, w, r))
    }

    fn k_staleness(&self, n: u32, w: u32, r: u32, k: u32) -> Result<f64, QuorumError> {
        check(n, w, r)?;
        if k == 0 {
            return Err(QuorumError::OutOfRange);
        }
        Ok(1.0 - self.stale(n, w, r).powf(f64::from(k)))
    }

    fn resolve(&mut self, responses: &[Response]) -> Resolution {
        let version = responses.iter().filter_map(|r| r.version).max();
        let mut repair: Vec<Node> = responses
            .iter()
            .filter(|r| r.version < version)
            .map(|r| r.node)
            .collect();
        repair.sort();
        repair.dedup();
        Resolution { version, repair }
    }
}
