//! Shrinking, timelines, replay, the determinism check and the exhaustive mode, tested
//! against the real solutions (included from `solutions/`) and hand-made scenarios.

#[allow(dead_code, clippy::new_without_default)]
#[path = "../solutions/quickpost_naive.rs"]
mod quickpost_naive;

#[allow(dead_code, clippy::new_without_default)]
#[path = "../solutions/quickpost.rs"]
mod quickpost_solution;

mod common;

use replication_katas::grader::shrink::{Signature, shrink};
use replication_katas::grader::{GradeRequest, Guard, LearnerFault, Target, run_one};
use replication_katas::katas::quickpost::prelude::*;
use replication_katas::katas::quickpost::{QuickPost, QuickPostScenario};
use replication_katas::katas::{Kata, KataEntry, KataRunner, Solution};
use replication_katas::report::timeline;
use replication_katas::scenario;
use std::collections::HashSet;

type Router = Box<dyn ReadYourWritesRouter>;

fn curated(name: &str) -> QuickPostScenario {
    let (path, text) = scenario::embedded("quickpost")
        .find(|(p, _)| p.ends_with(&format!("/{name}.yaml")))
        .expect("curated scenario exists");
    scenario::parse(path, text, "quickpost").unwrap().unwrap()
}

fn yaml(text: &str) -> QuickPostScenario {
    let s: QuickPostScenario = scenario::parse("test.yaml", text, "quickpost")
        .unwrap()
        .unwrap();
    QuickPost.validate(&s).unwrap();
    s
}

/// Shrinks a failing scenario, then checks 1-minimality: removing any one operation or
/// fault of the result makes the failure disappear.
fn shrink_and_check_minimal(
    make: fn() -> Router,
    s: &QuickPostScenario,
    seed: u64,
) -> QuickPostScenario {
    let guard = Guard::new();
    let run = run_one(&QuickPost, make, s, seed, &guard, false).unwrap();
    let signature = Signature::of(&run).expect("the scenario fails");
    let shrunk = shrink(&QuickPost, make, None, s, seed, &signature, &guard).unwrap();
    let small = shrunk.scenario;
    assert!(signature.matches(&run_one(&QuickPost, make, &small, seed, &guard, false).unwrap()));
    for i in 0..small.ops.len() {
        let mut fewer = small.clone();
        fewer.ops.remove(i);
        let run = run_one(&QuickPost, make, &fewer, seed, &guard, false).unwrap();
        assert!(
            !signature.matches(&run),
            "op {i} was not needed: {:#?}",
            small.ops
        );
    }
    for i in 0..small.faults.len() {
        let mut fewer = small.clone();
        fewer.faults.remove(i);
        let run = run_one(&QuickPost, make, &fewer, seed, &guard, false).unwrap();
        assert!(!signature.matches(&run), "fault {i} was not needed");
    }
    assert_eq!(shrunk.to, small.ops.len() + small.faults.len());
    assert!(shrunk.from > shrunk.to);
    small
}

#[test]
fn primary_window_shrinks_to_a_write_a_spike_and_a_read() {
    let make = || -> Router { Box::new(quickpost_naive::PrimaryWindow::new()) };
    let small = shrink_and_check_minimal(make, &curated("lag-spike-90s"), 7);
    assert!(small.ops.len() + small.faults.len() <= 6, "{small:#?}");
    assert_eq!(small.ops.first().map(|o| o.op), Some(OpKindCheck::POST));
    assert!(small.faults.iter().all(|f| f.kind.name() == "spike"));
}

/// `OpKind` re-exported under a name that reads well in asserts.
struct OpKindCheck;
impl OpKindCheck {
    const POST: replication_katas::katas::quickpost::OpKind =
        replication_katas::katas::quickpost::OpKind::Post;
}

#[test]
fn hand_made_cross_device_failure_shrinks_to_two_operations() {
    let make = || -> Router { Box::new(quickpost_naive::PerDeviceToken::new()) };
    let s = yaml(concat!(
        "schema: 1\nkata: quickpost\nname: busy\n",
        "cluster: { replicas: 3, lag_ms: [2000, 3000, 4000] }\n",
        "faults:\n",
        "  - { at_ms: 100, replica: 3, kind: stall, duration_ms: 50000 }\n",
        "  - { at_ms: 200, replica: 2, kind: jitter, max_ms: 500, duration_ms: 9000 }\n",
        "users: [alice, bob]\n",
        "ops:\n",
        "  - { at_ms: 1000, user: bob, device: phone, op: post }\n",
        "  - { at_ms: 1100, user: alice, device: phone, op: post }\n",
        "  - { at_ms: 1200, user: bob, device: laptop, op: view_profile, of: alice }\n",
        "  - { at_ms: 1300, user: alice, device: phone, op: view_profile }\n",
        "  - { at_ms: 1400, user: alice, device: laptop, op: view_profile }\n",
        "  - { at_ms: 1500, user: bob, device: phone, op: view_profile }\n",
        "traffic: { users: 5, duration_ms: 5000, browse_per_s: 10, posts_per_s: 1 }\n",
    ));
    let small = shrink_and_check_minimal(make, &s, 3);
    assert_eq!(small.ops.len(), 2, "{:#?}", small.ops);
    assert_ne!(small.ops[0].device, small.ops[1].device);
}

/// Picks a replica through a fresh `HashSet`: its iteration order differs between
/// instances, so the same seed gives different decisions.
struct HashSetRouter;
impl ReadYourWritesRouter for HashSetRouter {
    fn on_write_acked(&mut self, _ack: &WriteAck, _cluster: &ClusterView<'_>) {}
    fn route_read(&mut self, _read: &ProfileRead, cluster: &ClusterView<'_>) -> ReadPlan {
        let ids: HashSet<ReplicaId> = cluster.replicas().iter().map(|r| r.id).collect();
        match ids.into_iter().next() {
            Some(id) => ReadPlan::new().replica(id).primary(),
            None => ReadPlan::new().primary(),
        }
    }
}

fn grade_learner(learner: fn() -> Router) -> replication_katas::report::GradeReport {
    let entry = KataEntry {
        kata: QuickPost,
        learner,
        solutions: Vec::<Solution<dyn ReadYourWritesRouter>>::new(),
    };
    let mut request = GradeRequest::new(Target::Learner, 4);
    request.random = 0;
    entry.grade(&request, &Guard::new()).unwrap()
}

#[test]
fn nondeterminism_is_detected_and_explained() {
    let report = grade_learner(|| -> Router { Box::new(HashSetRouter) });
    match report.learner_fault {
        Some(LearnerFault::Nondeterministic {
            likely_causes,
            difference,
            ..
        }) => {
            assert!(likely_causes.contains("HashMap"), "{likely_causes}");
            assert!(difference.contains("first run"), "{difference}");
        }
        other => panic!("expected nondeterminism, got {other:?}"),
    }
}

#[test]
fn a_deterministic_failure_is_not_called_nondeterministic() {
    let report = grade_learner(|| -> Router { Box::new(quickpost_naive::AlwaysReplica::new()) });
    assert_eq!(report.learner_fault, None);
    assert!(report.counterexample.is_some());
}

fn timeline_of(name: &str, s: &QuickPostScenario) -> String {
    let make = || -> Router { Box::new(quickpost_solution::Router::new()) };
    let run = run_one(&QuickPost, make, s, 1, &Guard::new(), true).unwrap();
    let rows = timeline::render(&run.trace, timeline::WIDTH);
    for r in &rows {
        assert!(
            r.text.chars().count() <= timeline::WIDTH,
            "{name}: too wide: {}",
            r.text
        );
    }
    rows.into_iter()
        .map(|r| r.text)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_timeline_draws_every_fault_kind() {
    let faults = [
        ("spike", "kind: spike, lag_ms: 5000, duration_ms: 3000"),
        ("stall", "kind: stall, duration_ms: 3000"),
        (
            "growth",
            "kind: growth, rate_ms_per_s: 1500, duration_ms: 3000",
        ),
        (
            "jitter",
            "kind: jitter, max_ms: 2000, every_ms: 500, duration_ms: 3000",
        ),
        ("crash", "kind: crash, duration_ms: 3000"),
        ("partition", "kind: partition, duration_ms: 3000"),
        (
            "restore",
            "kind: restore, backup_age_ms: 60000, catch_up_ms: 3000",
        ),
    ];
    for (kind, fault) in faults {
        let s = yaml(&format!(
            concat!(
                "schema: 1\nkata: quickpost\nname: {kind}\n",
                "cluster: {{ replicas: 2, lag_ms: [100, 300] }}\n",
                "faults:\n",
                "  - {{ at_ms: 1500, replica: 1, {fault} }}\n",
                "users: [alice]\n",
                "ops:\n",
                "  - {{ at_ms: 1000, user: alice, device: phone, op: post }}\n",
                "  - {{ at_ms: 1600, user: alice, device: laptop, op: view_profile }}\n",
                "  - {{ at_ms: 5000, user: alice, device: phone, op: view_profile }}\n",
            ),
            kind = kind,
            fault = fault
        ));
        insta::assert_snapshot!(format!("timeline_{kind}"), timeline_of(kind, &s));
    }
    let s = yaml(concat!(
        "schema: 1\nkata: quickpost\nname: join\n",
        "cluster: { replicas: 1, lag_ms: [100] }\n",
        "faults:\n",
        "  - { at_ms: 1500, replica: 2, kind: add_replica, snapshot_age_ms: 60000, catch_up_ms: 2000 }\n",
        "users: [alice]\n",
        "ops:\n",
        "  - { at_ms: 1000, user: alice, device: phone, op: post }\n",
        "  - { at_ms: 1600, user: alice, device: phone, op: view_profile }\n",
        "  - { at_ms: 5000, user: alice, device: phone, op: view_profile }\n",
    ));
    insta::assert_snapshot!("timeline_add_replica", timeline_of("add_replica", &s));
}

#[test]
fn the_replay_command_reproduces_the_reported_failure() {
    let json = common::grade_json("quickpost", "trust-reported-lsn", "11", "50");
    let c = &json["counterexample"];
    let command = c["replay"].as_str().unwrap();
    let args: Vec<&str> = command
        .strip_prefix("cargo run -- ")
        .unwrap()
        .split_whitespace()
        .chain(["--color", "never", "--lines"])
        .collect();
    let out = common::run(&args);
    assert_eq!(out.code, 1, "{}", out.stdout);
    // The first violation of the original scenario is reported again, word for word
    // (the report's explanation is the shrunk one; its positions are the same).
    assert!(
        out.stdout.contains("✗ read-your-writes violated"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("restored from a backup"),
        "{}",
        out.stdout
    );
    assert!(c["shrunk_to"].as_u64().unwrap() <= 3);
    let timeline = c["timeline"].as_array().unwrap();
    assert!(
        timeline
            .iter()
            .any(|row| row.as_str().unwrap().contains("restore"))
    );
}

#[test]
fn exhaustive_mode_finds_the_classic_failures_without_randomness() {
    let exhaustive = |kata: &str, solution: &str| {
        let out = common::run(&[
            "grade",
            kata,
            "--solution",
            solution,
            "--exhaustive",
            "--format",
            "json",
        ]);
        let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        (out.code, json)
    };
    let (code, json) = exhaustive("quickpost", "instructor");
    assert_eq!(code, 0);
    assert_eq!(json["stats"]["schedules"], 8_784);
    assert_eq!(
        json["scenarios"].as_array().unwrap().len(),
        0,
        "only failures are listed"
    );
    for (solution, needs_restore, cross_device) in [
        ("primary-window-60s", false, false),
        ("per-device-token", false, true),
        ("trust-reported-lsn", true, false),
    ] {
        let (code, json) = exhaustive("quickpost", solution);
        assert_eq!(code, 1, "{solution}");
        let c = &json["counterexample"];
        assert_eq!(c["guarantee"], "read-your-writes", "{solution}");
        let rows: Vec<&str> = c["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        assert_eq!(
            rows.iter().any(|r| r.contains("restore")),
            needs_restore,
            "{solution}: {rows:#?}"
        );
        assert_eq!(
            rows.iter().any(|r| r.contains("laptop")),
            cross_device,
            "{solution}: {rows:#?}"
        );
        // Same verdicts whatever the seed: nothing random is involved.
        let again = common::run(&[
            "grade",
            "quickpost",
            "--solution",
            solution,
            "--exhaustive",
            "--seed",
            "999",
            "--format",
            "json",
        ]);
        let again: serde_json::Value = serde_json::from_str(&again.stdout).unwrap();
        assert_eq!(again["scenarios"], json["scenarios"], "{solution}");
    }
    let (code, _) = exhaustive("taskflow", "instructor");
    assert_eq!(code, 0);
}

#[test]
fn the_report_says_how_far_the_counterexample_shrank() {
    let out =
        common::sh("grade quickpost --solution per-device-token --seed 7 --random 0 --color never");
    assert!(
        out.stdout
            .contains("Shrunk from 205 to 2 operations and faults:"),
        "{}",
        out.stdout
    );
}

#[test]
fn replays_fit_in_100_columns_and_draw_only_what_exists() {
    for args in [
        "replay quickpost --scenario cross-device --seed 7 --solution per-device-token --color never",
        "replay taskflow --scenario task-moves-back --seed 7 --solution random-replica --color never",
        "replay failover --scenario gitlab-2017 --seed 7 --solution always-promote --color never",
        "replay quorum --scenario overlap-sweep --seed 7 --solution overlap-off-by-one --color never",
    ] {
        let out = common::sh(args);
        assert_eq!(out.code, 1, "{args}: {}", out.stdout);
        for line in out.stdout.lines() {
            assert!(line.chars().count() <= 100, "{args}: too wide: {line}");
        }
        // A sweep of pure functions has no events: no empty timeline, no legend.
        let has_timeline = out.stdout.lines().any(|l| l.starts_with("time "));
        assert_eq!(has_timeline, !args.contains("overlap-sweep"), "{args}");
    }
}

/// A missed budget shrinks only to scenarios the instructor passes on that budget, and
/// never below the sample a share needs: the learner is shown a scenario where doing
/// better was possible, with enough reads for the share to mean something.
#[test]
fn a_budget_counterexample_is_one_the_instructor_passes() {
    let make: fn() -> Router = || Box::new(quickpost_naive::AlwaysPrimary);
    let instructor: fn() -> Router = || Box::new(quickpost_solution::Router::new());
    let guard = Guard::new();
    let seed = 7;
    for name in ["steady-lag", "cross-device", "replica-crash"] {
        let s = curated(name);
        let run = run_one(&QuickPost, make, &s, seed, &guard, false).unwrap();
        let signature = Signature::of(&run).expect("always-primary misses the budget");
        assert_eq!(signature, Signature::Misses("primary_read_share"));
        let shrunk = shrink(
            &QuickPost,
            make,
            Some(instructor),
            &s,
            seed,
            &signature,
            &guard,
        )
        .unwrap();
        assert!(shrunk.to < shrunk.from, "{name} shrank");
        let learner = run_one(&QuickPost, make, &shrunk.scenario, seed, &guard, false).unwrap();
        assert!(
            signature.matches(&learner),
            "{name}: still fails the same way"
        );
        let reference = run_one(
            &QuickPost,
            instructor,
            &shrunk.scenario,
            seed,
            &guard,
            false,
        )
        .unwrap();
        assert!(
            reference.budgets.iter().all(|b| b.met),
            "{name}: the instructor passes the shrunk scenario: {:?}",
            reference.budgets
        );
        let reads = learner
            .metrics
            .iter()
            .find(|m| m.name == "reads")
            .unwrap()
            .value;
        assert!(
            reads >= replication_katas::katas::reads::MIN_SAMPLE_READS as f64,
            "{name}: {reads} reads is too small a sample to carry a share"
        );
    }
}
