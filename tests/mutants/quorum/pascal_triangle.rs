//! Correct, with the binomial coefficients of a row taken from Pascal's triangle,
//! C(n, i) = C(n − 1, i − 1) + C(n − 1, i), built in f64: additions only, exact while
//! the entries stay below 2⁵³ (n ≤ 56) and within an ulp or two beyond. The binomial sum
//! runs from i = n down to k, and the checks are written as a chain of early returns.
//! The coordinator sorts the responses by version instead of scanning for a maximum.

use crate::harness::Expect;
use replication_katas::katas::quorum::prelude::*;

pub const EXPECT: Expect = Expect::Pass;

pub struct Quorums;

impl Quorums {
    pub fn new() -> Self {
        Quorums
    }
}

/// Row n of Pascal's triangle.
fn pascal_row(n: u32) -> Vec<f64> {
    let mut row = vec![1.0];
    for _ in 0..n {
        let mut next = Vec::with_capacity(row.len() + 1);
        next.push(1.0);
        for pair in row.windows(2) {
            next.push(pair[0] + pair[1]);
        }
        next.push(1.0);
        row = next;
    }
    row
}

fn choose(n: u32, k: u32) -> f64 {
    if k > n {
        0.0
    } else {
        pascal_row(n)[k as usize]
    }
}

fn nwr(n: u32, w: u32, r: u32) -> Result<(), QuorumError> {
    if n < 1 {
        return Err(QuorumError::NoNodes);
    }
    if w < 1 || r < 1 {
        return Err(QuorumError::EmptyQuorum);
    }
    if w.max(r) > n {
        return Err(QuorumError::QuorumLargerThanCluster);
    }
    Ok(())
}

#[allow(clippy::neg_cmp_op_on_partial_ord, clippy::nonminimal_bool)]
fn is_probability(p: f64) -> bool {
    // Written so that NaN, which compares false with everything, is not a probability.
    !(!(p >= 0.0) || !(p <= 1.0))
}

fn stale(n: u32, w: u32, r: u32) -> f64 {
    choose(n - w, r) / choose(n, r)
}

impl Quorum for Quorums {
    fn overlaps(&self, n: u32, w: u32, r: u32) -> Result<bool, QuorumError> {
        nwr(n, w, r)?;
        Ok(n - r < w)
    }

    fn tolerated_failures(&self, n: u32, w: u32, r: u32) -> Result<Tolerance, QuorumError> {
        nwr(n, w, r)?;
        Ok(Tolerance {
            writes: n - w,
            reads: n - r,
        })
    }

    fn smallest_overlapping_r(&self, n: u32, w: u32) -> Result<u32, QuorumError> {
        nwr(n, w, 1)?;
        Ok(n + 1 - w)
    }

    fn availability(&self, n: u32, k: u32, p: f64) -> Result<f64, QuorumError> {
        if n < 1 {
            return Err(QuorumError::NoNodes);
        }
        if !is_probability(p) || k < 1 || k > n {
            return Err(QuorumError::OutOfRange);
        }
        let row = pascal_row(n);
        let mut sum = 0.0;
        for i in (k..=n).rev() {
            sum += row[i as usize] * p.powi(i as i32) * (1.0 - p).powi((n - i) as i32);
        }
        Ok(sum)
    }

    fn stale_read_probability(&self, n: u32, w: u32, r: u32) -> Result<f64, QuorumError> {
        nwr(n, w, r)?;
        Ok(stale(n, w, r))
    }

    fn k_staleness(&self, n: u32, w: u32, r: u32, k: u32) -> Result<f64, QuorumError> {
        nwr(n, w, r)?;
        if k < 1 {
            return Err(QuorumError::OutOfRange);
        }
        let p = stale(n, w, r);
        let mut all_stale = 1.0;
        let mut left = k;
        // pᵏ by squaring, for any k.
        let mut base = p;
        while left > 0 {
            if left & 1 == 1 {
                all_stale *= base;
            }
            base *= base;
            left >>= 1;
        }
        Ok(1.0 - all_stale)
    }

    fn resolve(&mut self, responses: &[Response]) -> Resolution {
        let mut sorted: Vec<Response> = responses.to_vec();
        sorted.sort_by_key(|r| std::cmp::Reverse(r.version));
        let version = sorted.first().and_then(|r| r.version);
        let repair = sorted
            .iter()
            .rev()
            .take_while(|r| r.version < version)
            .map(|r| r.node)
            .collect();
        Resolution { version, repair }
    }
}
