//! What the benchmark and the `profile_sim` example share: the instructor's solutions,
//! and a kata's scenarios (curated + 200 random, seed 7) loaded once, so that a run
//! measures the simulation — cluster, learner calls, checkers, budgets — and not the
//! YAML parser or the random generator.

#[allow(dead_code, clippy::new_without_default)]
#[path = "../../solutions/cartsync.rs"]
mod cartsync_solution;
#[allow(dead_code, clippy::new_without_default)]
#[path = "../../solutions/failover.rs"]
mod failover_solution;
#[allow(dead_code, clippy::new_without_default)]
#[path = "../../solutions/quickpost.rs"]
mod quickpost_solution;
#[allow(dead_code, clippy::new_without_default)]
#[path = "../../solutions/quorum.rs"]
mod quorum_solution;
#[allow(dead_code, clippy::new_without_default)]
#[path = "../../solutions/taskflow.rs"]
mod taskflow_solution;

use replication_katas::grader::{self, GradeRequest, Guard, Make, Target, run_one};
use replication_katas::katas::Kata;
use replication_katas::katas::cartsync::{CartSync, ConflictResolver};
use replication_katas::katas::failover::{Failover, FailoverCoordinator};
use replication_katas::katas::quickpost::{QuickPost, ReadYourWritesRouter};
use replication_katas::katas::quorum::{Quorum, QuorumKata};
use replication_katas::katas::taskflow::{MonotonicReadsRouter, TaskFlow};
use replication_katas::report::Source;

pub const QUICKPOST: Make<QuickPost> =
    || -> Box<dyn ReadYourWritesRouter> { Box::new(quickpost_solution::Router::new()) };
pub const TASKFLOW: Make<TaskFlow> =
    || -> Box<dyn MonotonicReadsRouter> { Box::new(taskflow_solution::Router::new()) };
pub const QUORUM: Make<QuorumKata> =
    || -> Box<dyn Quorum> { Box::new(quorum_solution::Quorums::new()) };
pub const CARTSYNC: Make<CartSync> =
    || -> Box<dyn ConflictResolver> { Box::new(cartsync_solution::Resolver::new()) };
pub const FAILOVER: Make<Failover> =
    || -> Box<dyn FailoverCoordinator> { Box::new(failover_solution::Coordinator::new()) };

/// A grading request as `grade` makes it, with a fixed seed.
pub fn request(target: Target, random: usize, exhaustive: bool) -> GradeRequest {
    let mut r = GradeRequest::new(target, 7);
    r.random = random;
    r.exhaustive = exhaustive;
    r
}

/// A kata's scenarios, loaded once, and the instructor's solution to run them with.
pub struct Preloaded<K: Kata> {
    kata: K,
    make: Make<K>,
    scenarios: Vec<(Source, K::Scenario)>,
    seed: u64,
    guard: Guard,
}

impl<K: Kata> Preloaded<K> {
    pub fn new(kata: K, make: Make<K>) -> Self {
        let req = request(Target::Learner, 200, false);
        let scenarios = grader::scenarios(&kata, &req).expect("the curated scenarios load");
        Preloaded {
            kata,
            make,
            scenarios,
            seed: req.seed,
            guard: Guard::new(),
        }
    }

    /// Runs every scenario once on this thread; returns the simulated events.
    pub fn run(&self) -> u64 {
        self.scenarios
            .iter()
            .map(|(_, s)| {
                run_one(&self.kata, self.make, s, self.seed, &self.guard, false)
                    .expect("the instructor's solution runs")
                    .events
            })
            .sum()
    }
}
