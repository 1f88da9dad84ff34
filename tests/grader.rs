//! The grader against learner code that misbehaves, driven through the library with
//! implementations written here: not implemented, panicking, hanging — and the
//! determinism of a run.

use replication_katas::grader::{GradeRequest, LearnerFault, Target, run_watched};
use replication_katas::katas::quickpost::QuickPost;
use replication_katas::katas::quickpost::prelude::*;
use replication_katas::katas::{KataEntry, KataRunner, Solution};
use replication_katas::report::Verdict;
use std::time::Duration;

type Router = Box<dyn ReadYourWritesRouter>;

struct Todo;
impl ReadYourWritesRouter for Todo {
    fn on_write_acked(&mut self, _ack: &WriteAck, _cluster: &ClusterView<'_>) {}
    fn route_read(&mut self, _read: &ProfileRead, _cluster: &ClusterView<'_>) -> ReadPlan {
        todo!()
    }
}

struct Panics;
impl ReadYourWritesRouter for Panics {
    fn on_write_acked(&mut self, _ack: &WriteAck, _cluster: &ClusterView<'_>) {}
    fn route_read(&mut self, read: &ProfileRead, _cluster: &ClusterView<'_>) -> ReadPlan {
        let replicas: Vec<ReplicaId> = Vec::new();
        ReadPlan::new().replica(replicas[read.user.0 as usize])
    }
}

/// Loops forever on the first read of one's own profile (sleeping, so the leaked
/// thread costs nothing while the rest of the tests run).
struct Hangs;
impl ReadYourWritesRouter for Hangs {
    fn on_write_acked(&mut self, _ack: &WriteAck, _cluster: &ClusterView<'_>) {}
    fn route_read(&mut self, read: &ProfileRead, _cluster: &ClusterView<'_>) -> ReadPlan {
        while read.is_own_profile() {
            std::thread::sleep(Duration::from_millis(50));
        }
        ReadPlan::new().primary()
    }
}

/// Reads the primary when it holds the user's post, else the first replica: correct
/// only by luck, but deterministic.
#[derive(Default)]
struct FirstReplica;
impl ReadYourWritesRouter for FirstReplica {
    fn on_write_acked(&mut self, _ack: &WriteAck, _cluster: &ClusterView<'_>) {}
    fn route_read(&mut self, _read: &ProfileRead, cluster: &ClusterView<'_>) -> ReadPlan {
        match cluster.replicas().first() {
            Some(r) => ReadPlan::new().replica(r.id).primary(),
            None => ReadPlan::new().primary(),
        }
    }
}

fn entry(learner: fn() -> Router) -> KataEntry<QuickPost> {
    KataEntry {
        kata: QuickPost,
        learner,
        solutions: vec![Solution {
            name: "first-replica",
            flaw: "",
            make: || -> Router { Box::new(FirstReplica) },
            source: "",
        }],
    }
}

fn grade_learner(learner: fn() -> Router, limit: Duration) -> Result<Verdict, LearnerFault> {
    let entry = entry(learner);
    let result = run_watched(limit, move |guard| {
        let mut request = GradeRequest::new(Target::Learner, 11);
        request.random = 20;
        entry.grade(&request, &guard).expect("grades")
    })?;
    match result.learner_fault {
        Some(f) => Err(f),
        None => Ok(result.verdict),
    }
}

#[test]
fn todo_reads_as_not_implemented_naming_function_and_place() {
    let err = grade_learner(|| -> Router { Box::new(Todo) }, Duration::from_secs(5)).unwrap_err();
    match err {
        LearnerFault::NotImplemented { function, location } => {
            assert_eq!(function, "ReadYourWritesRouter::route_read");
            assert!(location.starts_with("tests/grader.rs:"), "{location}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_panic_is_reported_with_its_message_not_a_crash() {
    let err = grade_learner(|| -> Router { Box::new(Panics) }, Duration::from_secs(5)).unwrap_err();
    match err {
        LearnerFault::Panicked {
            function,
            message,
            location,
        } => {
            assert_eq!(function, "ReadYourWritesRouter::route_read");
            assert!(message.contains("index out of bounds"), "{message}");
            assert!(location.contains("grader.rs"), "{location}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_call_that_never_returns_is_reported_as_a_hang() {
    let err =
        grade_learner(|| -> Router { Box::new(Hangs) }, Duration::from_millis(300)).unwrap_err();
    assert_eq!(
        err,
        LearnerFault::Hung {
            function: "ReadYourWritesRouter::route_read".into(),
            limit_ms: 300
        }
    );
}

#[test]
fn a_constructor_that_panics_is_reported_too() {
    let err = grade_learner(|| -> Router { todo!() }, Duration::from_secs(5)).unwrap_err();
    assert!(
        matches!(&err, LearnerFault::NotImplemented { function, .. } if function == "Router::new"),
        "{err:?}"
    );
}

#[test]
fn same_seed_same_history_different_seed_different_history() {
    let entry = entry(|| -> Router { Box::new(FirstReplica) });
    let guard = replication_katas::grader::Guard::new();
    let request = |seed| GradeRequest::new(Target::Solution("first-replica".into()), seed);
    // Jitter and background traffic come from the seed: replaying random-3 twice gives
    // the same trace, and another seed gives another one.
    let a = entry.replay(&request(5), "random-3", &guard).unwrap();
    let b = entry.replay(&request(5), "random-3", &guard).unwrap();
    let c = entry.replay(&request(6), "random-3", &guard).unwrap();
    assert!(!a.trace.is_empty());
    assert_eq!(a.trace, b.trace);
    assert_eq!(a.result, b.result);
    assert_ne!(a.trace, c.trace);
    let curated_a = entry.replay(&request(5), "steady-lag", &guard).unwrap();
    let curated_b = entry.replay(&request(5), "steady-lag", &guard).unwrap();
    assert_eq!(curated_a.trace, curated_b.trace);
}

#[test]
fn a_budget_miss_says_which_budget_and_by_how_much() {
    let entry = entry(|| -> Router { Box::new(FirstReplica) });
    let guard = replication_katas::grader::Guard::new();
    let request = GradeRequest::new(Target::Solution("first-replica".into()), 5);
    let replay = entry.replay(&request, "replica-crash", &guard).unwrap();
    // First-replica sends every read to replica-1, which crashes: reads fall back to
    // the primary for twenty seconds.
    let budget = replay
        .result
        .budgets
        .iter()
        .find(|b| b.metric == "primary_read_share")
        .unwrap();
    assert!(!budget.met);
    let text = budget.describe();
    assert!(text.contains("over its budget of"), "{text}");
    assert!(text.contains("points"), "{text}");
}
