//! Correct, by an identity and by counting: the stale-read probability as
//! C(N − R, W) / C(N, W) — choosing the write's W nodes outside a fixed read quorum
//! instead of the read's R nodes outside a fixed write quorum; both equal
//! (N − W)!(N − R)! / (N!(N − W − R)!). Overlap as "no room for R nodes outside the
//! write quorum" (N − W < R), the smallest R and the tolerances by searching instead of
//! by formula. The coordinator repairs in node order, not arrival order, with no
//! duplicates.

use crate::harness::Expect;
use replication_katas::katas::quorum::prelude::*;
use std::collections::BTreeSet;

pub const EXPECT: Expect = Expect::Pass;

pub struct Quorums {
    _stateless: (),
}

impl Quorums {
    pub fn new() -> Self {
        Quorums { _stateless: () }
    }
}

fn validate(n: u32, quorums: &[u32]) -> Result<(), QuorumError> {
    if n == 0 {
        return Err(QuorumError::NoNodes);
    }
    if quorums.contains(&0) {
        return Err(QuorumError::EmptyQuorum);
    }
    if quorums.iter().any(|&q| q > n) {
        return Err(QuorumError::QuorumLargerThanCluster);
    }
    Ok(())
}

fn choose(n: u32, k: u32) -> f64 {
    if k > n {
        return 0.0;
    }
    let k = k.min(n - k);
    let mut c: u128 = 1;
    for i in 0..k {
        c = c * u128::from(n - i) / u128::from(i + 1);
    }
    c as f64
}

fn stale(n: u32, w: u32, r: u32) -> f64 {
    choose(n - r, w) / choose(n, w)
}

/// The smallest x in lo..=hi with `holds(x)`, for a predicate that stays true once it
/// is true (binary search, so a large N costs 32 steps).
fn first(lo: u32, hi: u32, holds: impl Fn(u32) -> bool) -> u32 {
    let (mut lo, mut hi) = (u64::from(lo), u64::from(hi) + 1);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if holds(mid as u32) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo as u32
}

/// How many nodes can fail with `q` of `n` still up: one less than the first number of
/// failures that leaves fewer than q.
fn survivable(n: u32, q: u32) -> u32 {
    first(0, n, |down| n - down < q) - 1
}

impl Quorum for Quorums {
    fn overlaps(&self, n: u32, w: u32, r: u32) -> Result<bool, QuorumError> {
        validate(n, &[w, r])?;
        Ok(n - w < r)
    }

    fn tolerated_failures(&self, n: u32, w: u32, r: u32) -> Result<Tolerance, QuorumError> {
        validate(n, &[w, r])?;
        Ok(Tolerance {
            reads: survivable(n, r),
            writes: survivable(n, w),
        })
    }

    fn smallest_overlapping_r(&self, n: u32, w: u32) -> Result<u32, QuorumError> {
        validate(n, &[w])?;
        Ok(first(1, n, |r| n - w < r))
    }

    fn availability(&self, n: u32, k: u32, p: f64) -> Result<f64, QuorumError> {
        validate(n, &[])?;
        if p.is_nan() || !(0.0..=1.0).contains(&p) || k == 0 || k > n {
            return Err(QuorumError::OutOfRange);
        }
        let mut total = 0.0;
        for up in k..=n {
            total += choose(n, up) * p.powi(up as i32) * (1.0 - p).powi((n - up) as i32);
        }
        Ok(total)
    }

    fn stale_read_probability(&self, n: u32, w: u32, r: u32) -> Result<f64, QuorumError> {
        validate(n, &[w, r])?;
        Ok(stale(n, w, r))
    }

    fn k_staleness(&self, n: u32, w: u32, r: u32, k: u32) -> Result<f64, QuorumError> {
        validate(n, &[w, r])?;
        if k == 0 {
            return Err(QuorumError::OutOfRange);
        }
        Ok(1.0 - stale(n, w, r).powi(k.min(i32::MAX as u32) as i32))
    }

    fn resolve(&mut self, responses: &[Response]) -> Resolution {
        let version = responses.iter().map(|r| r.version).max().flatten();
        let repair: BTreeSet<Node> = responses
            .iter()
            .filter(|r| r.version < version)
            .map(|r| r.node)
            .collect();
        Resolution {
            version,
            repair: repair.into_iter().collect(),
        }
    }
}
