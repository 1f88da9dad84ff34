//! The exact answers the grader compares the learner's quorum math against.
//!
//! Binomial coefficients are computed in `u128` (exact for n ≤ 100), so the
//! probabilities below carry no factorial overflow and lose precision only in the
//! final floating-point products and sums: far inside the 1e-12 relative tolerance
//! the grader allows for n ≤ 50.

/// C(n, k), exactly. 0 when k > n.
pub fn choose(n: u32, k: u32) -> u128 {
    if k > n {
        return 0;
    }
    let k = k.min(n - k);
    let mut c: u128 = 1;
    for i in 0..k {
        // c·(n−i) is divisible by (i+1) at every step.
        c = c * u128::from(n - i) / u128::from(i + 1);
    }
    c
}

/// Why a quorum configuration is invalid, or `None` if it is valid.
pub fn invalid(n: u32, w: u32, r: u32) -> Option<String> {
    if n == 0 {
        Some("N must be at least 1".into())
    } else if w == 0 || r == 0 {
        Some("W and R must be at least 1".into())
    } else if w > n {
        Some(format!("W = {w} is more than N = {n}"))
    } else if r > n {
        Some(format!("R = {r} is more than N = {n}"))
    } else {
        None
    }
}

/// Every read quorum meets every write quorum iff R + W > N.
pub fn overlap(n: u32, w: u32, r: u32) -> bool {
    r + w > n
}

/// (failures reads survive, failures writes survive): N − R and N − W.
pub fn tolerated(n: u32, w: u32, r: u32) -> (u32, u32) {
    (n - r, n - w)
}

/// The smallest R with R + W > N.
pub fn smallest_r(n: u32, w: u32) -> u32 {
    (n - w + 1).max(1)
}

/// P(at least k of n independent nodes are up), each up with probability p.
pub fn availability(n: u32, k: u32, p: f64) -> f64 {
    (k..=n)
        .map(|i| choose(n, i) as f64 * p.powi(i as i32) * (1.0 - p).powi((n - i) as i32))
        .sum::<f64>()
        .min(1.0)
}

/// P(a read quorum of R, chosen uniformly, misses a write that reached exactly W of N
/// nodes) = C(N−W, R) / C(N, R) (Bailis et al., "Probabilistically Bounded
/// Staleness", VLDB 2012). 0 when R + W > N.
pub fn stale_read(n: u32, w: u32, r: u32) -> f64 {
    choose(n - w, r) as f64 / choose(n, r) as f64
}

/// P(a read returns one of the last k versions) = 1 − p^k, with p the probability
/// of missing one write.
pub fn k_staleness(n: u32, w: u32, r: u32, k: u32) -> f64 {
    1.0 - stale_read(n, w, r).powi(k as i32)
}

/// Whether `got` equals the exact `want` to 1e-12 relative (1e-15 absolute near 0).
pub fn close(got: f64, want: f64) -> bool {
    got.is_finite() && ((got - want).abs() <= 1e-12 * want.abs() || (got - want).abs() <= 1e-15)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binomials_are_exact_and_do_not_overflow() {
        assert_eq!(choose(5, 2), 10);
        assert_eq!(choose(3, 4), 0);
        assert_eq!(choose(50, 25), 126_410_606_437_752);
        assert_eq!(choose(100, 50), 100_891_344_545_564_193_334_812_497_256);
    }

    #[test]
    fn the_source_material_numbers() {
        // N=3, R=W=1: a read misses the write with probability 2/3.
        assert!(close(stale_read(3, 1, 1), 2.0 / 3.0));
        assert!(close(k_staleness(3, 1, 1, 2), 5.0 / 9.0));
        assert!(close(k_staleness(3, 1, 1, 3), 19.0 / 27.0));
        assert!(close(stale_read(3, 2, 1), 1.0 / 3.0));
        assert_eq!(stale_read(3, 2, 2), 0.0);
        // "N=5, 99% per node, P(≥3 up) = 99.9%": the exact value is 99.999%.
        let a = availability(5, 3, 0.99);
        assert!((a - 0.999_990_149_5).abs() < 1e-9, "{a}");
        assert!(overlap(3, 2, 2) && !overlap(4, 2, 2));
        assert_eq!(smallest_r(5, 3), 3);
        assert_eq!(smallest_r(3, 3), 1);
        assert_eq!(tolerated(5, 3, 3), (2, 2));
        assert!(invalid(3, 4, 1).is_some() && invalid(0, 1, 1).is_some());
        assert!(invalid(3, 3, 3).is_none());
    }
}
