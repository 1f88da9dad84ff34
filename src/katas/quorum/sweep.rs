//! Sweeps: one of the learner's functions against the exact answers over a systematic
//! set of parameters — every N up to a bound with every W, R and k, then the N where
//! fixed-width arithmetic breaks ([`math::boundary_ns`]) with W, R and k at their
//! boundaries, at small and large p — and every invalid input against the error the
//! contract on `QuorumError` names. The coordinator's sweep hands `resolve` every
//! sequence of answers of a small scope, in every order.

use super::api::{Node, Quorum, QuorumError, Resolution, Response, Tolerance, Version};
use super::math;
use super::scenario::{Function, Sweep};
use super::sim::RESOLVE;
use crate::checkers::{Guarantee, Violation};
use crate::grader::{Guard, LearnerFault, LearnerFn};

static AVAILABILITY: LearnerFn = LearnerFn::new("Quorum::availability");
static K_STALENESS: LearnerFn = LearnerFn::new("Quorum::k_staleness");
static OVERLAPS: LearnerFn = LearnerFn::new("Quorum::overlaps");
static SMALLEST_OVERLAPPING_R: LearnerFn = LearnerFn::new("Quorum::smallest_overlapping_r");
static STALE_READ_PROBABILITY: LearnerFn = LearnerFn::new("Quorum::stale_read_probability");
static TOLERATED_FAILURES: LearnerFn = LearnerFn::new("Quorum::tolerated_failures");

/// A value a quorum function returns, printed for a learner: probabilities with the
/// same significant digits as the exact answer they are compared with.
trait Shown {
    fn shown(&self) -> String;
}

impl Shown for bool {
    fn shown(&self) -> String {
        self.to_string()
    }
}

impl Shown for u32 {
    fn shown(&self) -> String {
        self.to_string()
    }
}

impl Shown for f64 {
    fn shown(&self) -> String {
        math::sig(*self)
    }
}

impl Shown for Tolerance {
    fn shown(&self) -> String {
        format!("{{ reads: {}, writes: {} }}", self.reads, self.writes)
    }
}

impl<T: Shown> Shown for Result<T, QuorumError> {
    fn shown(&self) -> String {
        match self {
            Ok(v) => v.shown(),
            Err(e) => format!("Err({e:?})"),
        }
    }
}

fn violation(guarantee: Guarantee, explanation: String) -> Violation {
    Violation {
        guarantee,
        at_ms: 0,
        user: String::new(),
        node: None,
        operations: Vec::new(),
        explanation,
    }
}

/// The sweep's state: the learner's code, and what it got wrong so far.
struct Sweeper<'q, 'g> {
    q: &'q mut dyn Quorum,
    guard: &'g Guard,
    out: Vec<Violation>,
    calls: u64,
}

impl Sweeper<'_, '_> {
    /// An exact (integer or boolean) answer.
    fn exact<T: Shown + PartialEq>(
        &mut self,
        call: impl FnOnce() -> String,
        got: Result<T, QuorumError>,
        want: T,
        why: impl FnOnce() -> String,
    ) {
        if got.as_ref().ok() != Some(&want) {
            self.out.push(violation(
                Guarantee::QuorumMath,
                format!(
                    "{} returned {}; the exact answer is {}{}.",
                    call(),
                    got.shown(),
                    want.shown(),
                    why()
                ),
            ));
        }
    }

    /// A probability, to [`math::RELATIVE_TOLERANCE`].
    fn probability(
        &mut self,
        call: impl FnOnce() -> String,
        got: Result<f64, QuorumError>,
        want: f64,
        why: impl FnOnce() -> String,
    ) {
        if got.as_ref().is_ok_and(|g| math::close(*g, want)) {
            return;
        }
        let off = match got {
            Ok(g) if g.is_finite() && want != 0.0 => format!(
                " — a relative error of {:.1e}, where {:.0e} is allowed",
                ((g - want) / want).abs(),
                math::RELATIVE_TOLERANCE
            ),
            _ => String::new(),
        };
        self.out.push(violation(
            Guarantee::QuorumMath,
            format!(
                "{} returned {}; the exact answer is {}{off}{}.",
                call(),
                got.shown(),
                want.shown(),
                why()
            ),
        ));
    }

    /// An input the contract refuses with `expected`.
    fn refused<T: Shown>(
        &mut self,
        call: impl FnOnce() -> String,
        got: Result<T, QuorumError>,
        expected: QuorumError,
        why: &str,
    ) {
        if got.as_ref().err() != Some(&expected) {
            self.out.push(violation(
                Guarantee::QuorumMath,
                format!(
                    "{} returned {} where the error contract requires Err({expected:?}): \
                     {why} (the contract is on QuorumError; `cargo run -- kata show quorum` \
                     prints it).",
                    call(),
                    got.shown()
                ),
            ));
        }
    }
}

/// The N a sweep visits, each with whether it is swept exhaustively (every W, R, k) or
/// at its boundaries.
fn ns(sweep: &Sweep) -> impl Iterator<Item = (u32, bool)> {
    let every = sweep.exhaustive_up_to.min(sweep.max_n);
    (1..=every).map(|n| (n, true)).chain(
        math::boundary_ns(every, sweep.max_n)
            .into_iter()
            .map(|n| (n, false)),
    )
}

/// Values of W, R or k at their boundaries in 1..=n: 1, 2, N/2, N/2 + 1, N − 1, N.
fn boundaries(n: u32) -> Vec<u32> {
    let mut v: Vec<u32> = [1, 2, n / 2, n / 2 + 1, n.saturating_sub(1), n]
        .into_iter()
        .filter(|&x| (1..=n).contains(&x))
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// (W, R) pairs for N: every pair, or the boundaries of each and of R + W against N
/// (R + W = N − 1, N, N + 1: just short of overlap, the off-by-one, just enough).
fn wr_pairs(n: u32, exhaustive: bool) -> Vec<(u32, u32)> {
    if exhaustive {
        return (1..=n).flat_map(|w| (1..=n).map(move |r| (w, r))).collect();
    }
    let ws = boundaries(n);
    let mut pairs = Vec::new();
    for &w in &ws {
        let mut rs = ws.clone();
        for sum in [n.saturating_sub(1), n, n + 1] {
            if let Some(r) = sum.checked_sub(w).filter(|r| (1..=n).contains(r)) {
                rs.push(r);
            }
        }
        rs.sort_unstable();
        rs.dedup();
        pairs.extend(rs.into_iter().map(|r| (w, r)));
    }
    pairs
}

/// The k of `k_staleness` for N: the scenario's, and the boundaries of a version
/// count — 1, N/2, N/2 + 1, N, N + 1 (k > N is valid) and 1000. Not `u32::MAX`: a
/// correct design may compute pᵏ by k multiplications, and four billion of them would
/// read as a hang.
fn staleness_ks(n: u32, listed: &[u32]) -> Vec<u32> {
    let mut ks: Vec<u32> = listed
        .iter()
        .copied()
        .chain([1, n / 2, n / 2 + 1, n, n + 1, 1000])
        .filter(|&k| k >= 1)
        .collect();
    ks.sort_unstable();
    ks.dedup();
    ks
}

/// Runs a sweep; returns the wrong answers and the number of calls made.
pub fn run(
    sweep: &Sweep,
    q: &mut dyn Quorum,
    guard: &Guard,
) -> Result<(Vec<Violation>, u64, Option<String>), LearnerFault> {
    let mut lesson = None;
    let mut s = Sweeper {
        q,
        guard,
        out: Vec::new(),
        calls: 0,
    };
    match sweep.function {
        Function::Overlaps => {
            for (n, every) in ns(sweep) {
                for (w, r) in wr_pairs(n, every) {
                    s.calls += 1;
                    let got = guard.call(&OVERLAPS, || s.q.overlaps(n, w, r))?;
                    let want = math::overlap(n, w, r);
                    s.exact(
                        || format!("overlaps(n={n}, w={w}, r={r})"),
                        got,
                        want,
                        || {
                            format!(
                                " (R + W = {} is {}more than N = {n})",
                                r + w,
                                if want { "" } else { "not " }
                            )
                        },
                    );
                }
            }
        }
        Function::ToleratedFailures => {
            for (n, every) in ns(sweep) {
                for (w, r) in wr_pairs(n, every) {
                    s.calls += 1;
                    let got =
                        guard.call(&TOLERATED_FAILURES, || s.q.tolerated_failures(n, w, r))?;
                    let (reads, writes) = math::tolerated(n, w, r);
                    s.exact(
                        || format!("tolerated_failures(n={n}, w={w}, r={r})"),
                        got,
                        Tolerance { reads, writes },
                        || " (reads need R of N nodes up, writes W of N)".into(),
                    );
                }
            }
        }
        Function::SmallestOverlappingR => {
            for (n, every) in ns(sweep) {
                let ws = if every {
                    (1..=n).collect()
                } else {
                    boundaries(n)
                };
                for w in ws {
                    s.calls += 1;
                    let got =
                        guard.call(&SMALLEST_OVERLAPPING_R, || s.q.smallest_overlapping_r(n, w))?;
                    s.exact(
                        || format!("smallest_overlapping_r(n={n}, w={w})"),
                        got,
                        math::smallest_r(n, w),
                        || format!(" (the smallest R with R + {w} > {n})"),
                    );
                }
            }
        }
        Function::Availability => {
            for (n, every) in ns(sweep) {
                let ks = if every {
                    (1..=n).collect()
                } else {
                    boundaries(n)
                };
                for k in ks {
                    for &p in &sweep.p {
                        s.calls += 1;
                        let got = guard.call(&AVAILABILITY, || s.q.availability(n, k, p))?;
                        let want = math::availability(n, k, p);
                        s.probability(
                            || format!("availability(n={n}, k={k}, p={p:?})"),
                            got,
                            want,
                            || {
                                let tiny = if want < 1e-6 {
                                    "; sum these terms themselves: 1 minus the others loses \
                                     an answer this small to rounding"
                                } else {
                                    ""
                                };
                                format!(" (the sum over i = k..n of C(n, i)·pⁱ·(1−p)ⁿ⁻ⁱ{tiny})")
                            },
                        );
                    }
                }
            }
        }
        Function::StaleReadProbability => {
            for (n, every) in ns(sweep) {
                for (w, r) in wr_pairs(n, every) {
                    s.calls += 1;
                    let got = guard.call(&STALE_READ_PROBABILITY, || {
                        s.q.stale_read_probability(n, w, r)
                    })?;
                    s.probability(
                        || format!("stale_read_probability(n={n}, w={w}, r={r})"),
                        got,
                        math::stale_read(n, w, r),
                        || format!(" (C(N−W, R) / C(N, R) = C({}, {r}) / C({n}, {r}))", n - w),
                    );
                }
            }
        }
        Function::KStaleness => {
            for (n, every) in ns(sweep) {
                let ks = staleness_ks(n, &sweep.k);
                for (w, r) in wr_pairs(n, every) {
                    for &k in &ks {
                        s.calls += 1;
                        let got = guard.call(&K_STALENESS, || s.q.k_staleness(n, w, r, k))?;
                        s.probability(
                            || format!("k_staleness(n={n}, w={w}, r={r}, k={k})"),
                            got,
                            math::k_staleness(n, w, r, k),
                            || {
                                let more = if k > n {
                                    "; k counts versions, so k > N is valid"
                                } else {
                                    ""
                                };
                                format!(
                                    " (1 − pᵏ, with p = C(N−W, R) / C(N, R) the probability \
                                     of missing one write{more})"
                                )
                            },
                        );
                    }
                }
            }
        }
        Function::InvalidParameters => invalid(sweep.max_n, &mut s)?,
        Function::CheckValues => lesson = check_values(&mut s)?,
        Function::Resolve => resolve(sweep.max_n, sweep.versions, &mut s)?,
    }
    Ok((s.out, s.calls, lesson))
}

/// Why the contract refuses an input with the error it names, in the contract's order.
fn reason(n: u32, w: Option<u32>, r: Option<u32>, expected: &QuorumError, last: &str) -> String {
    match expected {
        QuorumError::NoNodes => "N = 0, which is checked first".into(),
        QuorumError::EmptyQuorum => {
            let (zero, other) = if w == Some(0) { ("W", r) } else { ("R", w) };
            let both = if other.is_some_and(|x| x > n) {
                ", and an empty quorum is checked before a quorum larger than N"
            } else {
                ""
            };
            format!("{zero} = 0{both}")
        }
        QuorumError::QuorumLargerThanCluster => {
            let (name, x) = match (w, r) {
                (Some(w), _) if w > n => ("W", w),
                (_, Some(r)) => ("R", r),
                _ => ("W", w.unwrap_or(0)),
            };
            format!("{name} = {x} is more than N = {n}")
        }
        QuorumError::OutOfRange => last.into(),
    }
}

/// Every function, on invalid input, must return the error the contract names — the
/// first that applies, in its order: N = 0; W or R = 0; W or R > N; then p, and k (a
/// node count for `availability`, a version count ≥ 1 for `k_staleness`). Small N with
/// every W and R from 0 to N + 2, and the boundary N with W and R at 0, 1, N, N + 1,
/// N + 2; `u32::MAX` everywhere.
fn invalid(max_n: u32, s: &mut Sweeper) -> Result<(), LearnerFault> {
    let ns: Vec<u32> = (0..=max_n.min(8))
        .chain(math::boundary_ns(8, max_n))
        .collect();
    for &n in &ns {
        let mut values: Vec<u32> = if n <= 8 {
            (0..=n + 2).collect()
        } else {
            vec![0, 1, n / 2, n, n + 1, n + 2]
        };
        values.push(u32::MAX);
        for &w in &values {
            for &r in &values {
                let Some(expected) = math::config_error(n, Some(w), Some(r)) else {
                    continue;
                };
                let why = reason(n, Some(w), Some(r), &expected, "");
                let guard = s.guard;
                s.calls += 5;
                let got = guard.call(&OVERLAPS, || s.q.overlaps(n, w, r))?;
                s.refused(
                    || format!("overlaps(n={n}, w={w}, r={r})"),
                    got,
                    expected.clone(),
                    &why,
                );
                let got = guard.call(&TOLERATED_FAILURES, || s.q.tolerated_failures(n, w, r))?;
                s.refused(
                    || format!("tolerated_failures(n={n}, w={w}, r={r})"),
                    got,
                    expected.clone(),
                    &why,
                );
                let got = guard.call(&STALE_READ_PROBABILITY, || {
                    s.q.stale_read_probability(n, w, r)
                })?;
                s.refused(
                    || format!("stale_read_probability(n={n}, w={w}, r={r})"),
                    got,
                    expected.clone(),
                    &why,
                );
                let before_k = format!("{why}; the configuration is checked before k");
                for (k, why) in [(2, &why), (0, &before_k)] {
                    let got = guard.call(&K_STALENESS, || s.q.k_staleness(n, w, r, k))?;
                    s.refused(
                        || format!("k_staleness(n={n}, w={w}, r={r}, k={k})"),
                        got,
                        expected.clone(),
                        why,
                    );
                }
            }
            if let Some(expected) = math::config_error(n, Some(w), None) {
                s.calls += 1;
                let guard = s.guard;
                let got =
                    guard.call(&SMALLEST_OVERLAPPING_R, || s.q.smallest_overlapping_r(n, w))?;
                let why = reason(n, Some(w), None, &expected, "");
                s.refused(
                    || format!("smallest_overlapping_r(n={n}, w={w})"),
                    got,
                    expected,
                    &why,
                );
            }
        }
        // k = 0 on valid configurations: k counts versions, and there are none.
        if n >= 1 {
            let mut valid = vec![(1, 1), (n, n), (1, n), (n, 1)];
            valid.dedup();
            for (w, r) in valid {
                s.calls += 1;
                let guard = s.guard;
                let got = guard.call(&K_STALENESS, || s.q.k_staleness(n, w, r, 0))?;
                s.refused(
                    || format!("k_staleness(n={n}, w={w}, r={r}, k=0)"),
                    got,
                    QuorumError::OutOfRange,
                    "k = 0: k counts versions and must be at least 1",
                );
            }
        }
        // availability: N, then k (a node count, 1..=n) and p (a probability).
        let ps = [
            0.5,
            0.0,
            1.0,
            -0.1,
            -1e-300,
            1.0 + f64::EPSILON,
            1.5,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        let mut ks = vec![0, 1, n / 2, n, n + 1, u32::MAX];
        ks.sort_unstable();
        ks.dedup();
        for k in ks {
            for p in ps {
                let Some(expected) = math::availability_error(n, k, p) else {
                    continue;
                };
                let last = if k == 0 || k > n {
                    format!("k = {k} is not a node count in 1..={n}")
                } else {
                    format!("p = {p:?} is not a probability in [0, 1]")
                };
                let why = reason(n, None, None, &expected, &last);
                s.calls += 1;
                let guard = s.guard;
                let got = guard.call(&AVAILABILITY, || s.q.availability(n, k, p))?;
                s.refused(
                    || format!("availability(n={n}, k={k}, p={p:?})"),
                    got,
                    expected,
                    &why,
                );
            }
        }
    }
    Ok(())
}

/// The numbers of the source material, checked one by one.
/// Returns, when the learner's availability is right, the answer to the kata's
/// question in their own number.
fn check_values(s: &mut Sweeper) -> Result<Option<String>, LearnerFault> {
    let guard = s.guard;
    // (n, w, r, k for k_staleness or none for stale_read_probability, exact, why)
    let cases = [
        (3, 1, 1, None, 2.0 / 3.0, " = 2/3"),
        (3, 1, 1, Some(2), 5.0 / 9.0, " = 5/9"),
        (3, 1, 1, Some(3), 19.0 / 27.0, " = 19/27"),
        (3, 2, 1, None, 1.0 / 3.0, " = 1/3"),
    ];
    for (n, w, r, k, want, note) in cases {
        s.calls += 1;
        let (call, got) = match k {
            None => (
                format!("stale_read_probability(n={n}, w={w}, r={r})"),
                guard.call(&STALE_READ_PROBABILITY, || {
                    s.q.stale_read_probability(n, w, r)
                })?,
            ),
            Some(k) => (
                format!("k_staleness(n={n}, w={w}, r={r}, k={k})"),
                guard.call(&K_STALENESS, || s.q.k_staleness(n, w, r, k))?,
            ),
        };
        s.probability(|| call, got, want, || note.into());
    }
    s.calls += 1;
    let got = guard.call(&AVAILABILITY, || s.q.availability(5, 3, 0.99))?;
    let yours = got.as_ref().ok().copied();
    let exact = math::availability(5, 3, 0.99);
    s.probability(
        || "availability(n=5, k=3, p=0.99)".into(),
        got,
        exact,
        || " — 99.999%, not the 99.9% the source notes claim".into(),
    );
    let four = math::availability(5, 4, 0.99);
    let lesson = yours.filter(|&v| math::close(v, exact)).map(|v| {
        format!(
            "The kata's question, answered by your own code: availability(n=5, k=3, p=0.99) = \
             {}: with 99% per node, at least 3 of 5 nodes are up {:.3}% of the time — five \
             nines, not the 99.9% the source notes claim. Their 99.9% is the chance that at \
             least 4 are up: availability(n=5, k=4, p=0.99) = {} ({:.1}%).",
            math::sig(v),
            v * 100.0,
            math::sig(four),
            four * 100.0,
        )
    });
    for (n, w, r) in [(3, 2, 2), (4, 2, 2), (5, 3, 3), (5, 2, 3)] {
        s.calls += 1;
        let got = guard.call(&OVERLAPS, || s.q.overlaps(n, w, r))?;
        s.exact(
            || format!("overlaps(n={n}, w={w}, r={r})"),
            got,
            math::overlap(n, w, r),
            String::new,
        );
    }
    Ok(lesson)
}

/// The next permutation in lexicographic order, or `false` after the last.
fn next_permutation(v: &mut [u32]) -> bool {
    let Some(i) = (1..v.len()).rev().find(|&i| v[i - 1] < v[i]) else {
        return false;
    };
    let j = (i..v.len()).rev().find(|&j| v[j] > v[i - 1]).unwrap_or(i);
    v.swap(i - 1, j);
    v[i..].reverse();
    true
}

fn answers(responses: &[Response]) -> String {
    responses
        .iter()
        .map(|r| {
            format!(
                "{}: {}",
                r.node,
                r.version.map_or("nothing".into(), |v| v.to_string())
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn version(v: Option<Version>) -> String {
    v.map_or("nothing".into(), |v| v.to_string())
}

/// The coordinator on every sequence of 1 to `max_r` answers from distinct nodes, in
/// every order, with versions from nothing, v1, …, v`versions`: duplicates, ties, all
/// nothing, a single responder. Each sequence is a read whose newest answer is the
/// latest acknowledged write (the quorums overlapped): `resolve` must return exactly
/// that version (quorum intersection) and name every responder that answered with
/// something older or nothing for read repair (convergence).
fn resolve(max_r: u32, versions: u32, s: &mut Sweeper) -> Result<(), LearnerFault> {
    let guard = s.guard;
    let values = versions + 1;
    let mut responses = Vec::with_capacity(max_r as usize);
    for len in 1..=max_r {
        let mut nodes: Vec<u32> = (1..=len).collect();
        loop {
            for code in 0..values.pow(len) {
                responses.clear();
                let mut rest = code;
                for &node in &nodes {
                    let v = rest % values;
                    rest /= values;
                    responses.push(Response {
                        node: Node(node),
                        version: (v > 0).then_some(Version(u64::from(v))),
                    });
                }
                s.calls += 1;
                let Resolution {
                    version: returned,
                    repair,
                } = guard.call(&RESOLVE, || s.q.resolve(&responses))?;
                let newest = responses.iter().filter_map(|r| r.version).max();
                if returned != newest {
                    let because = if returned > newest {
                        "which no replica answered"
                    } else {
                        "older than an answer it was given"
                    };
                    s.out.push(violation(
                        Guarantee::QuorumIntersection,
                        format!(
                            "resolve([{}]) returned {}, {because}; the newest version among \
                             the answers is {}. A quorum that holds the latest write must \
                             return it, in whatever order the answers arrive.",
                            answers(&responses),
                            version(returned),
                            version(newest),
                        ),
                    ));
                    continue;
                }
                let left: Vec<String> = responses
                    .iter()
                    .filter(|r| r.version < newest && !repair.contains(&r.node))
                    .map(|r| format!("{} ({})", r.node, version(r.version)))
                    .collect();
                if !left.is_empty() {
                    s.out.push(violation(
                        Guarantee::Convergence,
                        format!(
                            "resolve([{}]) returned {} but did not repair {}: read repair \
                             sends the newest version to every responder that answered with \
                             something older or nothing.",
                            answers(&responses),
                            version(returned),
                            left.join(", "),
                        ),
                    ));
                }
            }
            if !next_permutation(&mut nodes) {
                break;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::katas::quorum::scenario::default_ps;

    /// A learner's implementation: the exact answers through the contract, with at most
    /// one flaw.
    #[derive(Default)]
    struct Learner {
        flaw: Option<Flaw>,
    }

    #[derive(Clone, Copy, PartialEq)]
    enum Flaw {
        /// availability as 1 − P(fewer than k up).
        Complement,
        /// every invalid input is `OutOfRange`.
        OneVariant,
        /// resolve returns the last answer.
        LastWins,
        /// resolve repairs only the responders that had the key.
        ForgetsNothing,
        /// k = 0 is answered with a number, by both functions that take a k.
        KZero,
    }

    impl Learner {
        fn with(flaw: Flaw) -> Self {
            Learner { flaw: Some(flaw) }
        }

        fn refuse(&self, e: Option<QuorumError>) -> Result<(), QuorumError> {
            match e {
                Some(_) if self.flaw == Some(Flaw::OneVariant) => Err(QuorumError::OutOfRange),
                Some(e) => Err(e),
                None => Ok(()),
            }
        }
    }

    impl Quorum for Learner {
        fn overlaps(&self, n: u32, w: u32, r: u32) -> Result<bool, QuorumError> {
            self.refuse(math::config_error(n, Some(w), Some(r)))?;
            Ok(math::overlap(n, w, r))
        }
        fn tolerated_failures(&self, n: u32, w: u32, r: u32) -> Result<Tolerance, QuorumError> {
            self.refuse(math::config_error(n, Some(w), Some(r)))?;
            let (reads, writes) = math::tolerated(n, w, r);
            Ok(Tolerance { reads, writes })
        }
        fn smallest_overlapping_r(&self, n: u32, w: u32) -> Result<u32, QuorumError> {
            self.refuse(math::config_error(n, Some(w), None))?;
            Ok(math::smallest_r(n, w))
        }
        fn availability(&self, n: u32, k: u32, p: f64) -> Result<f64, QuorumError> {
            if k == 0 && n > 0 && self.flaw == Some(Flaw::KZero) && (0.0..=1.0).contains(&p) {
                return Ok(1.0);
            }
            self.refuse(math::availability_error(n, k, p))?;
            if self.flaw == Some(Flaw::Complement) {
                let below: f64 = (0..k)
                    .map(|i| {
                        math::choose(n, i) as f64
                            * p.powi(i as i32)
                            * (1.0 - p).powi((n - i) as i32)
                    })
                    .sum();
                return Ok(1.0 - below);
            }
            Ok(math::availability(n, k, p))
        }
        fn stale_read_probability(&self, n: u32, w: u32, r: u32) -> Result<f64, QuorumError> {
            self.refuse(math::config_error(n, Some(w), Some(r)))?;
            Ok(math::stale_read(n, w, r))
        }
        fn k_staleness(&self, n: u32, w: u32, r: u32, k: u32) -> Result<f64, QuorumError> {
            if k == 0 && self.flaw == Some(Flaw::KZero) {
                self.refuse(math::config_error(n, Some(w), Some(r)))?;
                return Ok(0.0);
            }
            self.refuse(math::k_staleness_error(n, w, r, k))?;
            Ok(math::k_staleness(n, w, r, k))
        }
        fn resolve(&mut self, responses: &[Response]) -> Resolution {
            let newest = responses.iter().filter_map(|r| r.version).max();
            let version = match self.flaw {
                Some(Flaw::LastWins) => responses.last().and_then(|r| r.version),
                _ => newest,
            };
            let repair = responses
                .iter()
                .filter(|r| r.version < version)
                .filter(|r| self.flaw != Some(Flaw::ForgetsNothing) || r.version.is_some())
                .map(|r| r.node)
                .collect();
            Resolution { version, repair }
        }
    }

    fn sweep(function: Function, learner: &mut Learner) -> Vec<Violation> {
        let sweep = Sweep {
            function,
            max_n: if function == Function::Resolve { 4 } else { 50 },
            exhaustive_up_to: 12,
            p: default_ps(),
            k: vec![1, 2, 3, 5],
            versions: 3,
        };
        let (violations, calls, _) = run(&sweep, learner, &Guard::new()).unwrap();
        assert!(calls > 0);
        violations
    }

    const EVERY: [Function; 9] = [
        Function::Overlaps,
        Function::ToleratedFailures,
        Function::SmallestOverlappingR,
        Function::Availability,
        Function::StaleReadProbability,
        Function::KStaleness,
        Function::InvalidParameters,
        Function::CheckValues,
        Function::Resolve,
    ];

    #[test]
    fn exact_answers_pass_every_sweep() {
        for f in EVERY {
            assert_eq!(sweep(f, &mut Learner::default()), [], "{f:?}");
        }
    }

    /// Each flaw fails exactly the sweep of the function it touches.
    fn fails_only(flaw: Flaw, failing: &[Function]) -> Vec<Violation> {
        let mut found = Vec::new();
        for f in EVERY {
            let v = sweep(f, &mut Learner::with(flaw));
            assert_eq!(!v.is_empty(), failing.contains(&f), "{f:?}");
            found.extend(v);
        }
        found
    }

    #[test]
    fn a_complement_loses_small_availabilities_to_rounding() {
        let v = fails_only(Flaw::Complement, &[Function::Availability]);
        let text = v
            .iter()
            .map(|v| v.explanation.as_str())
            .find(|t| t.starts_with("availability(n=50, k=50, p=0.001)"))
            .expect("the smallest answer of the sweep is judged wrong");
        assert!(
            text.contains("the exact answer is 1.00000000000e-150"),
            "{text}"
        );
        // Small n and large p are right even with a complement.
        assert!(
            v.iter().all(|v| !v.explanation.contains("p=0.5)")),
            "{v:#?}"
        );
    }

    #[test]
    fn the_report_names_the_expected_and_the_returned_error() {
        let v = fails_only(Flaw::OneVariant, &[Function::InvalidParameters]);
        let text = &v
            .iter()
            .find(|v| v.explanation.starts_with("overlaps(n=3, w=0, r=5)"))
            .expect("W = 0 with R > N")
            .explanation;
        assert!(
            text.contains(
                "returned Err(OutOfRange) where the error contract requires Err(EmptyQuorum)"
            ),
            "{text}"
        );
        assert!(text.contains("an empty quorum is checked before"), "{text}");
    }

    #[test]
    fn k_zero_is_refused_by_both_functions() {
        let v = fails_only(Flaw::KZero, &[Function::InvalidParameters]);
        for function in ["availability", "k_staleness"] {
            let text = &v
                .iter()
                .find(|v| v.explanation.starts_with(function))
                .unwrap_or_else(|| panic!("{function} with k = 0"))
                .explanation;
            assert!(text.contains("k=0"), "{text}");
            assert!(
                text.contains("where the error contract requires Err(OutOfRange)"),
                "{text}"
            );
        }
    }

    #[test]
    fn the_coordinator_is_judged_in_every_order() {
        let v = fails_only(Flaw::LastWins, &[Function::Resolve]);
        assert!(
            v.iter()
                .all(|v| v.guarantee == Guarantee::QuorumIntersection)
        );
        assert!(
            v[0].explanation
                .starts_with("resolve([node-1: v1, node-2: nothing]) returned nothing"),
            "{}",
            v[0].explanation
        );
        let v = fails_only(Flaw::ForgetsNothing, &[Function::Resolve]);
        assert!(v.iter().all(|v| v.guarantee == Guarantee::Convergence));
        assert!(
            v[0].explanation.contains("did not repair node-2 (nothing)"),
            "{}",
            v[0].explanation
        );
    }

    #[test]
    fn permutations_are_all_visited_once() {
        let mut v = vec![1, 2, 3, 4];
        let mut seen = vec![v.clone()];
        while next_permutation(&mut v) {
            seen.push(v.clone());
        }
        assert_eq!(seen.len(), 24);
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 24);
    }

    #[test]
    fn boundary_pairs_include_the_overlap_boundary() {
        let pairs = wr_pairs(50, false);
        for (w, r) in [
            (1, 1),
            (50, 50),
            (25, 25),
            (25, 26),
            (1, 49),
            (1, 50),
            (49, 1),
        ] {
            assert!(pairs.contains(&(w, r)), "({w}, {r})");
        }
        assert!(
            pairs
                .iter()
                .all(|&(w, r)| (1..=50).contains(&w) && (1..=50).contains(&r))
        );
        assert_eq!(wr_pairs(3, true).len(), 9);
        assert_eq!(staleness_ks(50, &[3])[..4], [1, 3, 25, 26]);
        assert!(staleness_ks(50, &[]).ends_with(&[50, 51, 1000]));
    }
}
