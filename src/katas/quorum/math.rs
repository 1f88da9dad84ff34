//! The exact answers the grader compares the learner's quorum math against.
//!
//! Binomial coefficients are computed in `u128` (exact for n ≤ 100), so the
//! probabilities below carry no factorial overflow and lose precision only in the
//! final floating-point products and sums: within 1e-13 relative for n ≤ 50, far
//! inside the [`RELATIVE_TOLERANCE`] the grader allows.

use super::api::QuorumError;

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

/// The error the contract on [`QuorumError`] requires for N, and W and R where the
/// function has them (`None` for a function without one), or `None` when they are
/// valid. Steps 1 to 3 of the contract, in its order.
pub fn config_error(n: u32, w: Option<u32>, r: Option<u32>) -> Option<QuorumError> {
    let (w, r) = (w.unwrap_or(1), r.unwrap_or(1));
    if n == 0 {
        Some(QuorumError::NoNodes)
    } else if w == 0 || r == 0 {
        Some(QuorumError::EmptyQuorum)
    } else if w > n || r > n {
        Some(QuorumError::QuorumLargerThanCluster)
    } else {
        None
    }
}

/// The error `availability(n, k, p)` must return, if any: N first, then k (a node
/// count, 1..=n) and p (a probability; NaN is not one).
pub fn availability_error(n: u32, k: u32, p: f64) -> Option<QuorumError> {
    config_error(n, None, None).or_else(|| {
        (k == 0 || k > n || !(0.0..=1.0).contains(&p)).then_some(QuorumError::OutOfRange)
    })
}

/// The error `k_staleness(n, w, r, k)` must return, if any: the configuration first,
/// then k, which counts versions (k ≥ 1; k > N is valid).
pub fn k_staleness_error(n: u32, w: u32, r: u32, k: u32) -> Option<QuorumError> {
    config_error(n, Some(w), Some(r)).or_else(|| (k == 0).then_some(QuorumError::OutOfRange))
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
///
/// The terms are summed directly, never as 1 − P(fewer than k up): every term is
/// positive, so the sum keeps its relative precision even when it is 1e-150 (n = 50,
/// k = 50, p = 0.001), where a complement would round to 0.
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
/// of missing one write. `powf`, because k is any `u32`: `powi(k as i32)` would turn
/// k > i32::MAX negative.
pub fn k_staleness(n: u32, w: u32, r: u32, k: u32) -> f64 {
    1.0 - stale_read(n, w, r).powf(f64::from(k))
}

/// How close a learner's probability must be to the exact one, relative to it.
///
/// Relative, because the answers span 300 orders of magnitude: availability at
/// p = 0.001 is about 1e-150, and an absolute tolerance would accept 0 there. 1e-9
/// leaves room for every sound way to compute (running products, logarithms and
/// `exp`, `f64` factorials, another summation order: all within 1e-12 for N ≤ 50)
/// and none for a result that lost its digits to cancellation or overflow.
pub const RELATIVE_TOLERANCE: f64 = 1e-9;

/// Whether `got` equals the exact `want` to [`RELATIVE_TOLERANCE`]. An exact 0 must be
/// answered with 0: every sound method gives exactly 0 there (a factor C(N−W, R) = 0,
/// or p = 0). Below f64's normal range (2.2e-308) numbers keep fewer digits than the
/// tolerance asks, so there any two answers that are both that small are equal — a
/// sweep over a scenario file's own tiny p cannot fail a sound method on rounding.
pub fn close(got: f64, want: f64) -> bool {
    got.is_finite()
        && ((got - want).abs() <= RELATIVE_TOLERANCE * want.abs()
            || (got.abs() < f64::MIN_POSITIVE && want.abs() < f64::MIN_POSITIVE))
}

/// `x` with 12 significant digits — fixed notation from 1e-4 to 1e6, scientific
/// outside — so that an expected and an actual value printed side by side differ
/// exactly where the numbers do.
pub fn sig(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let exponent = x.abs().log10().floor() as i32;
    if (-4..6).contains(&exponent) {
        format!("{x:.*}", (11 - exponent) as usize)
    } else {
        format!("{x:.11e}")
    }
}

/// The N above `above` (up to `max_n`) that a sweep visits besides the N it covers
/// exhaustively: where computing in a fixed-width number stops being exact.
///
/// For each width a learner might compute in — the integers of f32 and f64 (2²⁴ and
/// 2⁵³), i32, u32, i64, u64, i128, u128 — and for each quantity that grows with N —
/// N!, the central binomial C(N, N/2), and the running product's intermediate
/// C(N, i)·(N − i) before its division — the last N at which it still fits and the
/// first at which it does not; then the top of the range, `max_n − 1` and `max_n`.
/// For N ≤ 50: 13, 18–21, 23, 24, 26, 27, 29–31, 33–35, 49, 50.
pub fn boundary_ns(above: u32, max_n: u32) -> Vec<u32> {
    const WIDTHS: [u128; 8] = [
        1 << 24,
        i32::MAX as u128,
        u32::MAX as u128,
        1 << 53,
        i64::MAX as u128,
        u64::MAX as u128,
        i128::MAX as u128,
        u128::MAX,
    ];
    fn factorial(n: u32) -> Option<u128> {
        (1..=n).try_fold(1u128, |f, i| f.checked_mul(u128::from(i)))
    }
    fn central(n: u32) -> Option<u128> {
        Some(choose(n, n / 2))
    }
    fn running(n: u32) -> Option<u128> {
        (0..n).try_fold(0u128, |most, i| {
            choose(n, i)
                .checked_mul(u128::from(n - i))
                .map(|x| most.max(x))
        })
    }
    let mut ns = vec![max_n.saturating_sub(1), max_n];
    for quantity in [factorial as fn(u32) -> Option<u128>, central, running] {
        for width in WIDTHS {
            // Each quantity grows with N: the N that fit are a prefix.
            let fits = (1..=max_n)
                .take_while(|&n| quantity(n).is_some_and(|v| v <= width))
                .last();
            if let Some(last) = fits.filter(|&last| last < max_n) {
                ns.extend([last, last + 1]);
            }
        }
    }
    ns.retain(|&n| n > above && n >= 1);
    ns.sort_unstable();
    ns.dedup();
    ns
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

    /// Each invalid input maps to the error the contract names, the first in its order.
    #[test]
    fn each_invalid_input_maps_to_its_contract_error() {
        use QuorumError::*;
        let config = [
            // (n, w, r) → error
            ((0, 0, 0), Some(NoNodes)),
            ((0, 1, 1), Some(NoNodes)),
            ((0, 5, 5), Some(NoNodes)),
            ((3, 0, 1), Some(EmptyQuorum)),
            ((3, 1, 0), Some(EmptyQuorum)),
            ((3, 0, 4), Some(EmptyQuorum)),
            ((3, 4, 0), Some(EmptyQuorum)),
            ((3, 4, 1), Some(QuorumLargerThanCluster)),
            ((3, 1, 4), Some(QuorumLargerThanCluster)),
            ((3, u32::MAX, u32::MAX), Some(QuorumLargerThanCluster)),
            ((3, 3, 3), None),
            ((1, 1, 1), None),
        ];
        for ((n, w, r), want) in config {
            assert_eq!(config_error(n, Some(w), Some(r)), want, "n={n} w={w} r={r}");
            // k_staleness: the configuration first, then k.
            assert_eq!(k_staleness_error(n, w, r, 2), want, "k=2 n={n} w={w} r={r}");
            let k0 = want.clone().or(Some(OutOfRange));
            assert_eq!(k_staleness_error(n, w, r, 0), k0, "k=0 n={n} w={w} r={r}");
        }
        // smallest_overlapping_r has no R.
        assert_eq!(config_error(0, Some(0), None), Some(NoNodes));
        assert_eq!(config_error(3, Some(0), None), Some(EmptyQuorum));
        assert_eq!(
            config_error(3, Some(4), None),
            Some(QuorumLargerThanCluster)
        );
        assert_eq!(config_error(3, Some(3), None), None);
        let availability = [
            ((0, 1, 0.5), Some(NoNodes)),
            ((0, 0, f64::NAN), Some(NoNodes)),
            ((3, 0, 0.5), Some(OutOfRange)),
            ((3, 4, 0.5), Some(OutOfRange)),
            ((3, u32::MAX, 0.5), Some(OutOfRange)),
            ((3, 2, -0.1), Some(OutOfRange)),
            ((3, 2, 1.0 + f64::EPSILON), Some(OutOfRange)),
            ((3, 2, f64::NAN), Some(OutOfRange)),
            ((3, 2, f64::INFINITY), Some(OutOfRange)),
            ((3, 2, 0.0), None),
            ((3, 2, 1.0), None),
            ((3, 3, 0.5), None),
            ((3, 1, 0.5), None),
        ];
        for ((n, k, p), want) in availability {
            assert_eq!(availability_error(n, k, p), want, "n={n} k={k} p={p}");
        }
    }

    /// k = 0 is an error for both functions; k > N is an error only where k counts nodes.
    #[test]
    fn k_counts_nodes_for_availability_and_versions_for_k_staleness() {
        assert_eq!(availability_error(5, 0, 0.9), Some(QuorumError::OutOfRange));
        assert_eq!(k_staleness_error(5, 1, 1, 0), Some(QuorumError::OutOfRange));
        assert_eq!(availability_error(5, 6, 0.9), Some(QuorumError::OutOfRange));
        assert_eq!(k_staleness_error(5, 1, 1, 6), None);
        assert_eq!(k_staleness_error(5, 1, 1, u32::MAX), None);
        // k > N: 1 − pᵏ, and k beyond i32::MAX does not turn the power negative.
        let p = stale_read(5, 1, 1);
        assert!(close(k_staleness(5, 1, 1, 6), 1.0 - p.powi(6)));
        assert_eq!(k_staleness(5, 1, 1, u32::MAX), 1.0);
    }

    /// Σ_{i=k..50} C(50, i)·999^(50−i) / 1000^50 — availability(50, k, 0.001) — in
    /// exact integer arithmetic, rounded once by Rust's correctly rounded parser.
    fn exact_availability_50_at_one_in_a_thousand(k: u32) -> f64 {
        const BASE: u128 = 1_000_000_000;
        fn mul(a: &mut Vec<u128>, m: u128) {
            let mut carry = 0;
            for limb in a.iter_mut() {
                let x = *limb * m + carry;
                *limb = x % BASE;
                carry = x / BASE;
            }
            while carry > 0 {
                a.push(carry % BASE);
                carry /= BASE;
            }
        }
        fn add(a: &mut Vec<u128>, b: &[u128]) {
            let mut carry = 0;
            for i in 0..a.len().max(b.len()) {
                if i == a.len() {
                    a.push(0);
                }
                let x = a[i] + b.get(i).copied().unwrap_or(0) + carry;
                a[i] = x % BASE;
                carry = x / BASE;
            }
            if carry > 0 {
                a.push(carry);
            }
        }
        let mut sum = vec![0];
        for i in k..=50 {
            let mut term = vec![choose(50, i)];
            for _ in 0..50 - i {
                mul(&mut term, 999);
            }
            add(&mut sum, &term);
        }
        let mut digits = sum.last().unwrap().to_string();
        for limb in sum.iter().rev().skip(1) {
            digits.push_str(&format!("{limb:09}"));
        }
        format!("{digits}e-150").parse().unwrap()
    }

    /// At n = 50 and p = 0.001 the answers run from 0.049 down to 1e-150: the exact
    /// answers are right to far better than the tolerance at every k, and the tolerance
    /// accepts an answer right to 1e-10 relative but not one off by 1e-8, nor 0.
    #[test]
    fn precision_at_fifty_nodes_and_small_p() {
        for k in 1..=50 {
            let exact = exact_availability_50_at_one_in_a_thousand(k);
            let ours = availability(50, k, 0.001);
            assert!(
                ((ours - exact) / exact).abs() < 1e-13,
                "k={k}: {ours:e} vs {exact:e}"
            );
            assert!(close(exact * (1.0 + 1e-10), ours), "k={k}");
            assert!(!close(exact * (1.0 + 1e-8), ours), "k={k}");
            assert!(!close(0.0, ours), "k={k}");
            // 1 − P(fewer than k up) rounds the small answers away.
            let term = |i: u32| {
                choose(50, i) as f64 * 0.001f64.powi(i as i32) * 0.999f64.powi(50 - i as i32)
            };
            let complement = 1.0 - (0..k).map(term).sum::<f64>();
            if k >= 10 {
                assert!(!close(complement, ours), "k={k}: {complement:e}");
            }
        }
        assert_eq!(exact_availability_50_at_one_in_a_thousand(50), 1e-150);
    }

    #[test]
    fn exact_zeros_and_ones_need_exact_answers() {
        assert_eq!(availability(50, 1, 0.0), 0.0);
        assert_eq!(availability(50, 50, 1.0), 1.0);
        assert_eq!(stale_read(5, 3, 3), 0.0);
        assert!(close(0.0, 0.0) && !close(1e-300, 0.0) && !close(f64::NAN, 0.5));
        // Below the normal range, f64 itself has fewer digits than the tolerance.
        assert!(close(0.0, 1e-310) && close(3e-320, 1e-310) && !close(0.0, 3e-308));
    }

    #[test]
    fn boundary_ns_are_where_fixed_width_arithmetic_breaks() {
        assert_eq!(
            boundary_ns(12, 50),
            [
                13, 18, 19, 20, 21, 23, 24, 26, 27, 29, 30, 31, 33, 34, 35, 49, 50
            ]
        );
        assert_eq!(boundary_ns(20, 50)[..3], [21, 23, 24]);
        assert_eq!(boundary_ns(12, 12), Vec::<u32>::new());
        assert_eq!(boundary_ns(0, 5), [4, 5]);
    }

    #[test]
    fn expected_and_actual_print_with_the_same_significant_digits() {
        assert_eq!(sig(0.5), "0.500000000000");
        assert_eq!(sig(0.999_990_149_5), "0.999990149500");
        assert_eq!(sig(1e-150), "1.00000000000e-150");
        assert_eq!(sig(123.0), "123.000000000");
        assert_eq!(sig(0.0), "0");
        assert_eq!(sig(f64::NAN), "NaN");
    }
}
