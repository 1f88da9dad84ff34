//! The quorum kata's words.

use super::api::error_contract;

pub const SUMMARY: &str =
    "exact quorum math, and a read coordinator that returns the newest and repairs the rest";

pub const STORY: &str = concat!(
    "\
A shopping cart lives in a leaderless, Dynamo-style store: N replicas, no leader.
Writes go to every replica and succeed once W of them acknowledge; reads ask R replicas
and take the newest answer. The folklore says R + W > N makes reads see the latest
write, because every read quorum overlaps every write quorum. How far does that go?

First, the numbers — exactly. Does a configuration overlap? How many failures do reads
and writes survive? What is the smallest R for a given W? What is the chance that at
least k of n nodes are up, each up with probability p (the binomial sum)? And when
quorums do not overlap, how likely is a stale read: a random read quorum of R misses a
write that reached exactly W nodes with probability C(N−W, R) / C(N, R) (Bailis et al.,
\"Probabilistically Bounded Staleness\", VLDB 2012), and returns one of the last k
versions with probability 1 − pᵏ. Invalid input is an error, and which error is fixed
by the error contract at the end of this page.

The source notes say that with N = 5 and 99% availability per node, at least 3 nodes are
up 99.9% of the time. Compute it. Who is right?

Then the coordinator. Given the versioned answers of R replicas, in the order they
arrived, return the newest version and name the replicas to repair (read repair). The
grader replays node failures, writes that reached fewer than W nodes (they failed, yet
the nodes they reached keep them), stale replicas, and a sloppy quorum with hinted
handoff — where R + W > N still returns stale data, because the write's W acks came
from fallback nodes that no read quorum asks. It hands your coordinator the same answers
in several orders: stalest first, newest first, shuffled.

The error contract (also the documentation of QuorumError, src/katas/quorum/api.rs):

",
    error_contract!()
);

pub const IMPLEMENT: &[&str] = &[
    "overlaps, tolerated_failures, smallest_overlapping_r — integer quorum math",
    "availability, stale_read_probability, k_staleness — exact probabilities (no factorial overflow)",
    "every function: for invalid input, the Err(QuorumError) the error contract above names",
    "resolve — the newest version among the responses, and the replicas to repair",
];

pub const HINTS: &[&str] = &[
    "Overlap is about counting: a read quorum and a write quorum must share a node when \
     together they are bigger than the cluster. Check your boundary: what happens when \
     R + W = N exactly? For invalid input, return the error the contract at the end of \
     `kata show quorum` names: the first of its checks that fails, in its order (W = 0 \
     with R > N is EmptyQuorum).",
    "Probabilities: the binomial coefficient C(n, k) overflows u64 long before n = 50 if \
     you compute factorials. Build it as a running product (C = C·(n−i)/(i+1)) in u128 \
     or f64, and sum C(n, i)·pⁱ·(1−p)ⁿ⁻ⁱ for i from k to n — the terms themselves, not \
     1 minus the others: at n = 50 and p = 0.001 the answer is about 1e-150, and a \
     complement rounds it to 0. Answers are checked to 1e-9 relative.",
    "The coordinator receives answers in arrival order, and neither the first nor the \
     last answer is reliably the newest: the grader hands every read to you stalest \
     first, newest first and shuffled. Compare versions. And read repair means: every \
     replica that answered with something older (or nothing) gets the newest version.",
    "A design that passes: validate (n, w, r) once in a helper returning \
     Result<(), QuorumError> in the contract's order; overlaps = r + w > n; tolerated = \
     (n − r, n − w); smallest R = n − w + 1; stale = C(n−w, r)/C(n, r) with C in u128 \
     (C(a, b) = 0 for b > a); k-staleness = 1 − staleᵏ for every k ≥ 1 (powf: k as i32 \
     turns negative above i32::MAX). resolve: version = max of the responses' versions; \
     repair = responders whose version is below it.",
];

/// What the quorum timeline's symbols mean.
pub const LEGEND: &str = "+ v written to that node · 1 2 3 answer order, with the version that node \
returned (— none) · ↻ read repair · read → what the coordinator returned";
