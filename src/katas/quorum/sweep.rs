//! Sweeps: one of the learner's functions against the exact answers, over every N up
//! to a bound with every W and R (and several p and k), and over invalid inputs.

use super::api::{Quorum, QuorumError, Tolerance};
use super::math;
use super::scenario::{Function, Sweep};
use crate::checkers::{Guarantee, Violation};
use crate::grader::{Guard, LearnerFault, LearnerFn};

static AVAILABILITY: LearnerFn = LearnerFn::new("Quorum::availability");
static K_STALENESS: LearnerFn = LearnerFn::new("Quorum::k_staleness");
static OVERLAPS: LearnerFn = LearnerFn::new("Quorum::overlaps");
static SMALLEST_OVERLAPPING_R: LearnerFn = LearnerFn::new("Quorum::smallest_overlapping_r");
static STALE_READ_PROBABILITY: LearnerFn = LearnerFn::new("Quorum::stale_read_probability");
static TOLERATED_FAILURES: LearnerFn = LearnerFn::new("Quorum::tolerated_failures");

/// A wrong answer, explained.
fn wrong(call: String, got: String, want: String, why: String) -> Violation {
    Violation {
        guarantee: Guarantee::QuorumMath,
        at_ms: 0,
        user: String::new(),
        node: None,
        operations: Vec::new(),
        explanation: format!("{call} returned {got}; the exact answer is {want}{why}."),
    }
}

fn show<T: std::fmt::Debug>(r: &Result<T, QuorumError>) -> String {
    match r {
        Ok(v) => format!("{v:?}"),
        Err(e) => format!("an error ({e})"),
    }
}

/// Runs a sweep; returns the wrong answers and the number of calls made.
pub fn run(
    sweep: &Sweep,
    q: &mut dyn Quorum,
    guard: &Guard,
) -> Result<(Vec<Violation>, u64), LearnerFault> {
    let mut out = Vec::new();
    let mut calls = 0u64;
    let valid = |max_n: u32| {
        (1..=max_n).flat_map(move |n| (1..=n).flat_map(move |w| (1..=n).map(move |r| (n, w, r))))
    };
    match sweep.function {
        Function::Overlaps => {
            for (n, w, r) in valid(sweep.max_n) {
                calls += 1;
                let got = guard.call(&OVERLAPS, || q.overlaps(n, w, r))?;
                let want = math::overlap(n, w, r);
                if got != Ok(want) {
                    let why = format!(
                        " (R + W = {} is {}more than N = {n})",
                        r + w,
                        if want { "" } else { "not " }
                    );
                    out.push(wrong(
                        format!("overlaps(n={n}, w={w}, r={r})"),
                        show(&got),
                        format!("{want}"),
                        why,
                    ));
                }
            }
        }
        Function::ToleratedFailures => {
            for (n, w, r) in valid(sweep.max_n) {
                calls += 1;
                let got = guard.call(&TOLERATED_FAILURES, || q.tolerated_failures(n, w, r))?;
                let (reads, writes) = math::tolerated(n, w, r);
                let want = Tolerance { reads, writes };
                if got != Ok(want) {
                    out.push(wrong(
                        format!("tolerated_failures(n={n}, w={w}, r={r})"),
                        show(&got),
                        format!("{want:?}"),
                        " (reads need R of N nodes up, writes W of N)".into(),
                    ));
                }
            }
        }
        Function::SmallestOverlappingR => {
            for n in 1..=sweep.max_n {
                for w in 1..=n {
                    calls += 1;
                    let got =
                        guard.call(&SMALLEST_OVERLAPPING_R, || q.smallest_overlapping_r(n, w))?;
                    let want = math::smallest_r(n, w);
                    if got != Ok(want) {
                        out.push(wrong(
                            format!("smallest_overlapping_r(n={n}, w={w})"),
                            show(&got),
                            format!("{want}"),
                            format!(" (the smallest R with R + {w} > {n})"),
                        ));
                    }
                }
            }
        }
        Function::Availability => {
            for n in 1..=sweep.max_n {
                for k in 1..=n {
                    for &p in &sweep.p {
                        calls += 1;
                        let got = guard.call(&AVAILABILITY, || q.availability(n, k, p))?;
                        let want = math::availability(n, k, p);
                        if !got.as_ref().is_ok_and(|g| math::close(*g, want)) {
                            out.push(wrong(
                                format!("availability(n={n}, k={k}, p={p})"),
                                show(&got),
                                format!("{want:.15}"),
                                " (the sum over i = k..n of C(n, i)·pⁱ·(1−p)ⁿ⁻ⁱ)".into(),
                            ));
                        }
                    }
                }
            }
        }
        Function::StaleReadProbability => {
            for (n, w, r) in valid(sweep.max_n) {
                calls += 1;
                let got = guard.call(&STALE_READ_PROBABILITY, || {
                    q.stale_read_probability(n, w, r)
                })?;
                let want = math::stale_read(n, w, r);
                if !got.as_ref().is_ok_and(|g| math::close(*g, want)) {
                    out.push(wrong(
                        format!("stale_read_probability(n={n}, w={w}, r={r})"),
                        show(&got),
                        format!("{want:.15}"),
                        format!(" (C(N−W, R) / C(N, R) = C({}, {r}) / C({n}, {r}))", n - w),
                    ));
                }
            }
        }
        Function::KStaleness => {
            for (n, w, r) in valid(sweep.max_n) {
                for &k in &sweep.k {
                    calls += 1;
                    let got = guard.call(&K_STALENESS, || q.k_staleness(n, w, r, k))?;
                    let want = math::k_staleness(n, w, r, k);
                    if !got.as_ref().is_ok_and(|g| math::close(*g, want)) {
                        out.push(wrong(
                            format!("k_staleness(n={n}, w={w}, r={r}, k={k})"),
                            show(&got),
                            format!("{want:.15}"),
                            " (1 − pᵏ, with p the probability of missing one write)".into(),
                        ));
                    }
                }
            }
        }
        Function::InvalidParameters => invalid(sweep.max_n.min(8), q, guard, &mut out, &mut calls)?,
        Function::CheckValues => check_values(q, guard, &mut out, &mut calls)?,
    }
    Ok((out, calls))
}

/// Every function must refuse what makes no sense: N = 0, W or R = 0, W > N, R > N,
/// p outside [0, 1], k outside 1..=n.
fn invalid(
    max_n: u32,
    q: &mut dyn Quorum,
    guard: &Guard,
    out: &mut Vec<Violation>,
    calls: &mut u64,
) -> Result<(), LearnerFault> {
    let mut accepted = |call: String, got: String, why: String| {
        out.push(Violation {
            guarantee: Guarantee::QuorumMath,
            at_ms: 0,
            user: String::new(),
            node: None,
            operations: Vec::new(),
            explanation: format!("{call} returned {got} instead of an error: {why}."),
        });
    };
    for n in 0..=max_n {
        for w in 0..=n + 2 {
            for r in 0..=n + 2 {
                let Some(why) = math::invalid(n, w, r) else {
                    continue;
                };
                *calls += 4;
                if let Ok(v) = guard.call(&OVERLAPS, || q.overlaps(n, w, r))? {
                    accepted(
                        format!("overlaps(n={n}, w={w}, r={r})"),
                        format!("{v}"),
                        why.clone(),
                    );
                }
                if let Ok(v) = guard.call(&TOLERATED_FAILURES, || q.tolerated_failures(n, w, r))? {
                    accepted(
                        format!("tolerated_failures(n={n}, w={w}, r={r})"),
                        format!("{v:?}"),
                        why.clone(),
                    );
                }
                if let Ok(v) = guard.call(&STALE_READ_PROBABILITY, || {
                    q.stale_read_probability(n, w, r)
                })? {
                    accepted(
                        format!("stale_read_probability(n={n}, w={w}, r={r})"),
                        format!("{v}"),
                        why.clone(),
                    );
                }
                if let Ok(v) = guard.call(&K_STALENESS, || q.k_staleness(n, w, r, 2))? {
                    accepted(
                        format!("k_staleness(n={n}, w={w}, r={r}, k=2)"),
                        format!("{v}"),
                        why.clone(),
                    );
                }
            }
        }
        for w in [0, n + 1] {
            *calls += 1;
            if let Ok(v) = guard.call(&SMALLEST_OVERLAPPING_R, || q.smallest_overlapping_r(n, w))? {
                let why = math::invalid(n, w, 1).unwrap_or_else(|| "W is out of range".into());
                accepted(
                    format!("smallest_overlapping_r(n={n}, w={w})"),
                    format!("{v}"),
                    why,
                );
            }
        }
    }
    for (n, k, p, why) in [
        (0, 1, 0.9, "N must be at least 1"),
        (3, 0, 0.9, "k must be at least 1"),
        (3, 4, 0.9, "k cannot exceed N"),
        (3, 2, -0.1, "p is a probability"),
        (3, 2, 1.5, "p is a probability"),
        (3, 2, f64::NAN, "p is a probability"),
    ] {
        *calls += 1;
        if let Ok(v) = guard.call(&AVAILABILITY, || q.availability(n, k, p))? {
            accepted(
                format!("availability(n={n}, k={k}, p={p})"),
                format!("{v}"),
                why.into(),
            );
        }
    }
    Ok(())
}

/// The numbers of the source material, checked one by one.
fn check_values(
    q: &mut dyn Quorum,
    guard: &Guard,
    out: &mut Vec<Violation>,
    calls: &mut u64,
) -> Result<(), LearnerFault> {
    let mut expect = |call: &str, got: Result<f64, QuorumError>, want: f64, note: &str| {
        *calls += 1;
        if !got.as_ref().is_ok_and(|g| math::close(*g, want)) {
            out.push(wrong(
                call.into(),
                show(&got),
                format!("{want:.12}"),
                note.into(),
            ));
        }
    };
    let got = guard.call(&STALE_READ_PROBABILITY, || {
        q.stale_read_probability(3, 1, 1)
    })?;
    expect(
        "stale_read_probability(n=3, w=1, r=1)",
        got,
        2.0 / 3.0,
        " = 2/3",
    );
    let got = guard.call(&K_STALENESS, || q.k_staleness(3, 1, 1, 2))?;
    expect("k_staleness(n=3, w=1, r=1, k=2)", got, 5.0 / 9.0, " = 5/9");
    let got = guard.call(&K_STALENESS, || q.k_staleness(3, 1, 1, 3))?;
    expect(
        "k_staleness(n=3, w=1, r=1, k=3)",
        got,
        19.0 / 27.0,
        " = 19/27",
    );
    let got = guard.call(&STALE_READ_PROBABILITY, || {
        q.stale_read_probability(3, 2, 1)
    })?;
    expect(
        "stale_read_probability(n=3, w=2, r=1)",
        got,
        1.0 / 3.0,
        " = 1/3",
    );
    let got = guard.call(&AVAILABILITY, || q.availability(5, 3, 0.99))?;
    expect(
        "availability(n=5, k=3, p=0.99)",
        got,
        math::availability(5, 3, 0.99),
        " — 99.999%, not the 99.9% the source notes claim",
    );
    for (n, w, r) in [(3, 2, 2), (4, 2, 2), (5, 3, 3), (5, 2, 3)] {
        *calls += 1;
        let got = guard.call(&OVERLAPS, || q.overlaps(n, w, r))?;
        let want = math::overlap(n, w, r);
        if got != Ok(want) {
            out.push(wrong(
                format!("overlaps(n={n}, w={w}, r={r})"),
                show(&got),
                format!("{want}"),
                String::new(),
            ));
        }
    }
    Ok(())
}
