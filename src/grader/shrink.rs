//! Shrinking: from a failing scenario to a minimal one that fails the same way.
//!
//! Delta debugging, deterministic: the kata proposes smaller variants (drop half the
//! operations, a quarter, …, one; drop a fault; shorten a lag), the shrinker keeps the
//! first that still fails with the same guarantee (or misses the same budget) and starts
//! again, until no proposal keeps the failure. The result is 1-minimal with respect to
//! the kata's proposals: removing any single operation or fault makes it pass.

use super::{Guard, LearnerFault, Make, run_one};
use crate::checkers::Guarantee;
use crate::katas::{Kata, ScenarioRun};

/// How a scenario failed: the guarantee violated, or else the budget missed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signature {
    Violates(Guarantee),
    Misses(&'static str),
}

impl Signature {
    /// The signature of a failing run: its first violation, else its first missed
    /// budget; `None` if the run passed.
    pub fn of(run: &ScenarioRun) -> Option<Signature> {
        if let Some(v) = run.violations.first() {
            return Some(Signature::Violates(v.guarantee));
        }
        run.budgets
            .iter()
            .find(|b| !b.met)
            .map(|b| Signature::Misses(b.metric))
    }

    /// Whether `run` still fails this way.
    pub fn matches(&self, run: &ScenarioRun) -> bool {
        match self {
            Signature::Violates(g) => run.violations.iter().any(|v| v.guarantee == *g),
            Signature::Misses(m) => run.budgets.iter().any(|b| !b.met && b.metric == *m),
        }
    }
}

/// Most scenario runs one shrink may spend; it stops with what it has by then.
pub const MAX_RUNS: usize = 4_000;

/// Longest one shrink may take: a huge scenario (hundreds of thousands of generated
/// operations) took minutes, and the grade has a time budget of its own.
pub const MAX_TIME: std::time::Duration = std::time::Duration::from_secs(10);

/// A shrunk scenario and what it took.
pub struct Shrunk<S> {
    pub scenario: S,
    pub from: usize,
    pub to: usize,
    /// False when the shrink stopped at its run or time limit: the result fails the
    /// same way but may not be minimal.
    pub complete: bool,
}

/// Shrinks `scenario`, which fails with `signature` under `seed`.
///
/// A missed budget must stay a fair counterexample: every smaller scenario kept is
/// one that `reference` (the instructor's solution) passes on that budget, so the
/// learner is never shown a scenario where nobody could have done better. (A
/// scenario too small to judge a budget alone never misses it, so shrinking also
/// never goes below the sample a budget needs.)
pub fn shrink<K: Kata>(
    kata: &K,
    make: Make<K>,
    reference: Option<Make<K>>,
    scenario: &K::Scenario,
    seed: u64,
    signature: &Signature,
    guard: &Guard,
) -> Result<Shrunk<K::Scenario>, LearnerFault> {
    let scenario_seed = super::scenario_seed(seed, crate::katas::KataScenario::name(scenario));
    let mut current = kata.materialize(scenario, scenario_seed);
    let from = kata.size(&current);
    let started = std::time::Instant::now();
    let out_of_budget = |runs: usize| runs >= MAX_RUNS || started.elapsed() >= MAX_TIME;
    let mut runs = 0;
    let mut complete = false;
    'shrinking: while !out_of_budget(runs) {
        let mut smaller = None;
        for candidate in kata.shrink(&current) {
            if kata.validate(&candidate).is_err() {
                continue;
            }
            runs += 1;
            let run = run_one(kata, make, &candidate, seed, guard, false)?;
            if signature.matches(&run) && fair(kata, reference, &candidate, seed, signature) {
                smaller = Some(candidate);
                break;
            }
            if out_of_budget(runs) {
                break 'shrinking;
            }
        }
        match smaller {
            Some(s) => current = s,
            None => {
                // Every proposal tried, none kept the failure: 1-minimal.
                complete = true;
                break;
            }
        }
    }
    Ok(Shrunk {
        to: kata.size(&current),
        scenario: current,
        from,
        complete,
    })
}

/// Whether the reference implementation meets the budget a candidate misses (always
/// true for violations, which no correct implementation commits). The reference is
/// trusted code: a fault in it counts as unfair rather than as the learner's.
fn fair<K: Kata>(
    kata: &K,
    reference: Option<Make<K>>,
    candidate: &K::Scenario,
    seed: u64,
    signature: &Signature,
) -> bool {
    let (Signature::Misses(metric), Some(reference)) = (signature, reference) else {
        return true;
    };
    let guard = Guard::new();
    run_one(kata, reference, candidate, seed, &guard, false)
        .is_ok_and(|run| !run.budgets.iter().any(|b| !b.met && b.metric == *metric))
}

/// Delta-debugging removals of a list: without each half, each quarter, …, each
/// single element — coarse first, so large scenarios shrink in few runs. Lazy: the
/// shrinker usually takes one of the first few.
pub fn removals<T: Clone>(items: &[T]) -> impl Iterator<Item = Vec<T>> + '_ {
    let n = items.len();
    let mut chunks = Vec::new();
    let mut chunk = n.div_ceil(2);
    while chunk > 0 {
        chunks.push(chunk);
        chunk = if chunk == 1 { 0 } else { chunk.div_ceil(2) };
    }
    chunks.into_iter().flat_map(move |chunk| {
        (0..n).step_by(chunk).map(move |start| {
            let end = (start + chunk).min(n);
            let mut kept = items[..start].to_vec();
            kept.extend_from_slice(&items[end..]);
            kept
        })
    })
}

#[cfg(test)]
mod tests {
    use super::removals;

    #[test]
    fn removals_go_from_halves_to_singles() {
        let r: Vec<_> = removals(&[1, 2, 3, 4]).collect();
        assert_eq!(r[0], vec![3, 4]);
        assert_eq!(r[1], vec![1, 2]);
        assert!(
            r.contains(&vec![1, 2, 4]),
            "each single removal is proposed"
        );
        assert_eq!(r.last().unwrap(), &vec![1, 2, 3]);
        assert_eq!(removals::<u8>(&[]).count(), 0);
        assert_eq!(removals(&[7]).collect::<Vec<_>>(), vec![Vec::<i32>::new()]);
    }
}
