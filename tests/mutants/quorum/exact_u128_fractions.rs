//! Correct, with exact integer arithmetic as far as it goes: the stale-read probability
//! as the fraction C(N − W, R) / C(N, R) in u128, reduced by its gcd, then converted and
//! divided in f64 (three roundings at most); powers pⁱ and (1 − p)ⁿ⁻ⁱ from tables built
//! by repeated multiplication rather than `powi`; k-staleness's pᵏ by a loop for small
//! k. Validation runs the three kinds of error in order with `?` on small helpers.

use crate::harness::Expect;
use replication_katas::katas::quorum::prelude::*;

pub const EXPECT: Expect = Expect::Pass;

pub struct Quorums {}

impl Quorums {
    pub fn new() -> Self {
        Quorums {}
    }
}

fn nodes(n: u32) -> Result<(), QuorumError> {
    if n > 0 {
        Ok(())
    } else {
        Err(QuorumError::NoNodes)
    }
}

fn nonempty(w: u32, r: u32) -> Result<(), QuorumError> {
    if w > 0 && r > 0 {
        Ok(())
    } else {
        Err(QuorumError::EmptyQuorum)
    }
}

fn fits(n: u32, w: u32, r: u32) -> Result<(), QuorumError> {
    if w <= n && r <= n {
        Ok(())
    } else {
        Err(QuorumError::QuorumLargerThanCluster)
    }
}

fn valid(n: u32, w: u32, r: u32) -> Result<(), QuorumError> {
    nodes(n)?;
    nonempty(w, r)?;
    fits(n, w, r)
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

fn choose(n: u32, k: u32) -> u128 {
    if k > n {
        return 0;
    }
    let mut c = 1u128;
    for i in 1..=u128::from(k.min(n - k)) {
        c = c * (u128::from(n) + 1 - i) / i;
    }
    c
}

fn stale(n: u32, w: u32, r: u32) -> f64 {
    let (num, den) = (choose(n - w, r), choose(n, r));
    if num == 0 {
        return 0.0;
    }
    let g = gcd(num, den);
    (num / g) as f64 / (den / g) as f64
}

fn powers(x: f64, n: u32) -> Vec<f64> {
    let mut out = Vec::with_capacity(n as usize + 1);
    let mut acc = 1.0;
    for _ in 0..=n {
        out.push(acc);
        acc *= x;
    }
    out
}

impl Quorum for Quorums {
    fn overlaps(&self, n: u32, w: u32, r: u32) -> Result<bool, QuorumError> {
        valid(n, w, r)?;
        Ok(w > n - r)
    }

    fn tolerated_failures(&self, n: u32, w: u32, r: u32) -> Result<Tolerance, QuorumError> {
        valid(n, w, r)?;
        Ok(Tolerance {
            reads: n - r,
            writes: n - w,
        })
    }

    fn smallest_overlapping_r(&self, n: u32, w: u32) -> Result<u32, QuorumError> {
        nodes(n)?;
        nonempty(w, 1)?;
        fits(n, w, 1)?;
        Ok(n - w + 1)
    }

    fn availability(&self, n: u32, k: u32, p: f64) -> Result<f64, QuorumError> {
        nodes(n)?;
        if !(0.0..=1.0).contains(&p) || k == 0 || k > n {
            return Err(QuorumError::OutOfRange);
        }
        let up = powers(p, n);
        let down = powers(1.0 - p, n);
        let mut sum = 0.0;
        for i in k..=n {
            sum += choose(n, i) as f64 * up[i as usize] * down[(n - i) as usize];
        }
        Ok(sum)
    }

    fn stale_read_probability(&self, n: u32, w: u32, r: u32) -> Result<f64, QuorumError> {
        valid(n, w, r)?;
        Ok(stale(n, w, r))
    }

    fn k_staleness(&self, n: u32, w: u32, r: u32, k: u32) -> Result<f64, QuorumError> {
        valid(n, w, r)?;
        if k == 0 {
            return Err(QuorumError::OutOfRange);
        }
        let p = stale(n, w, r);
        if k > 64 {
            return Ok(1.0 - p.powf(f64::from(k)));
        }
        let mut pk = 1.0;
        for _ in 0..k {
            pk *= p;
        }
        Ok(1.0 - pk)
    }

    fn resolve(&mut self, responses: &[Response]) -> Resolution {
        let mut version = None;
        for r in responses {
            if r.version > version {
                version = r.version;
            }
        }
        let mut repair = Vec::new();
        for r in responses {
            if r.version != version {
                repair.push(r.node);
            }
        }
        Resolution { version, repair }
    }
}
