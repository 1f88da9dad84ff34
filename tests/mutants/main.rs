//! The mutation suite: realistic wrong implementations (mutants) and correct but
//! unusual designs of every kata, each graded with the default grade on many seeds.
//!
//! A grader is only as good as the bugs it catches and the correct designs it lets
//! through. Each file in `tests/mutants/<kata>/` is one implementation, written from the
//! learner-facing API and the story alone, that declares what it must do: fail, naming
//! a guarantee or a budget, or pass. The test grades it on every seed and fails if any
//! verdict disagrees — a verdict that flips with the seed is a grader defect.
//!
//! Run: `cargo test --release --test mutants -- --nocapture` (prints the matrix).
//! `MUTANT_SEEDS=5` grades on fewer seeds while writing mutants; `MUTANT_FILTER=name`
//! keeps only the mutants whose file name contains `name` (or one of `a,b,c`). `MUTANT_SHOW=1` prints the
//! full grade report of each disagreeing mutant's first wrong seed (the counterexample);
//! `MUTANT_ALL=1` lists every wrong seed and how long each mutant took to grade.
//! `MUTANT_MARGIN=<metric>` prints, per mutant and seed, the scenario where that budget
//! was closest to (or furthest over) its limit: how far a verdict is from flipping.

mod harness;

mod cartsync;
mod failover;
mod quickpost;
mod quorum;
mod taskflow;
