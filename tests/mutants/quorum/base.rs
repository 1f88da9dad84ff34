//! A plain, correct learner implementation in pieces, written from the skeleton, the
//! hints and the error contract. Most bug mutants change one function and take the
//! rest from here, so that each one fails for exactly the reason its file states; the
//! correct-but-unusual designs are written out in full instead.
//!
//! The error contract: the first that applies wins. N = 0 → `NoNodes`; W = 0 or R = 0 →
//! `EmptyQuorum`; W > N or R > N → `QuorumLargerThanCluster`; then `OutOfRange` for p
//! outside [0, 1] or NaN, for `availability`'s k outside 1..=n, and for `k_staleness`'s
//! k = 0 (k > n is valid there: it counts versions, not nodes).

use replication_katas::katas::quorum::prelude::*;

/// Checks N, W and R in the contract's order.
pub fn validate(n: u32, w: u32, r: u32) -> Result<(), QuorumError> {
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

/// Checks a probability: NaN fails both comparisons, so test for membership instead.
pub fn check_p(p: f64) -> Result<(), QuorumError> {
    if (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(QuorumError::OutOfRange)
    }
}

/// C(n, k) as a running product in u128: every intermediate C(n, i) is an integer, and
/// the product C(n, i)·(n − i) stays far below u128::MAX for the n this kata uses.
pub fn binomial(n: u32, k: u32) -> u128 {
    if k > n {
        return 0;
    }
    let k = k.min(n - k);
    let mut c: u128 = 1;
    for i in 0..k {
        c = c * u128::from(n - i) / u128::from(i + 1);
    }
    c
}

pub fn overlaps(n: u32, w: u32, r: u32) -> Result<bool, QuorumError> {
    validate(n, w, r)?;
    Ok(r > n - w)
}

pub fn tolerated_failures(n: u32, w: u32, r: u32) -> Result<Tolerance, QuorumError> {
    validate(n, w, r)?;
    Ok(Tolerance {
        reads: n - r,
        writes: n - w,
    })
}

pub fn smallest_overlapping_r(n: u32, w: u32) -> Result<u32, QuorumError> {
    validate(n, w, 1)?;
    Ok(n - w + 1)
}

/// The binomial sum from k to n.
pub fn availability(n: u32, k: u32, p: f64) -> Result<f64, QuorumError> {
    if n == 0 {
        return Err(QuorumError::NoNodes);
    }
    check_p(p)?;
    if k == 0 || k > n {
        return Err(QuorumError::OutOfRange);
    }
    Ok((k..=n)
        .map(|i| binomial(n, i) as f64 * p.powi(i as i32) * (1.0 - p).powi((n - i) as i32))
        .sum())
}

/// C(N − W, R) / C(N, R); C(a, b) = 0 when b > a, so overlapping quorums give 0.
pub fn stale_read_probability(n: u32, w: u32, r: u32) -> Result<f64, QuorumError> {
    validate(n, w, r)?;
    Ok(binomial(n - w, r) as f64 / binomial(n, r) as f64)
}

/// 1 − pᵏ, p being the stale-read probability; k ≥ 1 versions, any size.
pub fn k_staleness(n: u32, w: u32, r: u32, k: u32) -> Result<f64, QuorumError> {
    let p = stale_read_probability(n, w, r)?;
    if k == 0 {
        return Err(QuorumError::OutOfRange);
    }
    Ok(1.0 - p.powi(k.min(i32::MAX as u32) as i32))
}

/// The newest version; every responder with something older, or nothing, is repaired.
pub fn resolve(responses: &[Response]) -> Resolution {
    let version = responses.iter().filter_map(|r| r.version).max();
    let repair = responses
        .iter()
        .filter(|r| r.version < version)
        .map(|r| r.node)
        .collect();
    Resolution { version, repair }
}
