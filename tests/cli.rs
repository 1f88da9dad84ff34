//! End-to-end tests of the real binary: what a learner or an instructor types, what
//! they see, and the exit codes.

mod common;

use common::{Output, curated_failures, each, run, run_env, sh, temp_dir};
use std::path::PathBuf;

fn grade_json(solution: &str, seed: &str, random: &str) -> serde_json::Value {
    common::grade_json("quickpost", solution, seed, random)
}

const CURATED: [&str; 10] = [
    "cross-device",
    "failover-mid-run",
    "friends-feed",
    "gitlab-lag-growth",
    "lag-spike-90s",
    "replica-added",
    "replica-crash",
    "replication-stall",
    "restore-from-backup",
    "steady-lag",
];

#[test]
fn instructor_solution_passes_everything() {
    for seed in ["7", "2024"] {
        let json = grade_json("instructor", seed, "500");
        assert_eq!(
            json["verdict"],
            "pass",
            "seed {seed}: {:#?}",
            curated_failures(&json)
        );
        // 10 curated, 500 random, and the 8,784 schedules of the exhaustive scope.
        assert_eq!(json["stats"]["scenarios"], 10 + 500 + 8_784);
        assert!(json["stats"]["events"].as_u64().unwrap() > 100_000);
        assert_eq!(json["counterexample"], serde_json::Value::Null);
    }
}

/// Issue 14: a failover is a fault kind of the shared model; the instructor's router
/// keeps read-your-writes across it (the new primary has every acknowledged write).
#[test]
fn a_mid_run_failover_passes_with_the_instructor_solution() {
    for seed in ["7", "2024"] {
        let json = grade_json("instructor", seed, "0");
        let scenario = json["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == "failover-mid-run")
            .expect("the curated failover-mid-run scenario");
        assert_eq!(scenario["verdict"], "pass", "seed {seed}: {scenario:#}");
        assert!(scenario["metrics"]["reads"].as_u64().unwrap() > 100);
    }
    // The failover happens in the model, at 30 s, and ends when the old primary is back.
    let out = sh("replay quickpost --scenario failover-mid-run --seed 7 --solution --color never");
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("30.000 s"), "{}", out.stdout);
    assert!(out.stdout.contains("failover ends"), "{}", out.stdout);
}

#[test]
fn always_replica_violates_read_your_writes_wherever_users_read_their_posts() {
    let json = grade_json("always-replica", "7", "0");
    assert_eq!(curated_failures(&json), each(&CURATED, "read-your-writes"));
    // A guarantee's counterexample is not marked as a budget's.
    assert_eq!(json["counterexample"]["guarantee"], "read-your-writes");
    assert!(json["counterexample"].get("budget").is_none());
}

#[test]
fn always_primary_is_correct_but_over_the_primary_budget() {
    let json = grade_json("always-primary", "7", "0");
    // The exhaustive scope's schedules (a handful of operations each) do not count
    // towards budgets, and with no random scenarios there is nothing to pool.
    assert_eq!(
        curated_failures(&json),
        each(&CURATED, "budget:primary_read_share")
    );
    // The counterexample says that it is a budget's (the human report's words for it
    // are in the always_primary_misses_the_budget snapshot).
    assert_eq!(json["counterexample"]["guarantee"], "primary_read_share");
    assert_eq!(json["counterexample"]["budget"], true);
    for s in json["scenarios"].as_array().unwrap() {
        assert_eq!(s["violations"].as_array().unwrap().len(), 0, "never stale");
    }
}

#[test]
fn primary_window_fails_when_lag_outlasts_the_window() {
    for seed in ["7", "2024"] {
        let json = grade_json("primary-window-60s", seed, "0");
        assert_eq!(
            curated_failures(&json),
            each(&["gitlab-lag-growth", "lag-spike-90s"], "read-your-writes"),
            "seed {seed}"
        );
    }
}

#[test]
fn per_device_token_fails_across_devices() {
    for seed in ["7", "2024"] {
        let json = grade_json("per-device-token", seed, "0");
        // Alice reads on her laptop what she posted on her phone, in both (the second
        // across a failover).
        assert_eq!(
            curated_failures(&json),
            each(&["cross-device", "failover-mid-run"], "read-your-writes")
        );
        let v = &json["scenarios"][0]["violations"][0];
        let text = v["explanation"].as_str().unwrap();
        assert!(text.contains("laptop") && text.contains("phone"), "{text}");
    }
}

#[test]
fn trusting_reported_positions_fails_after_a_restore_from_backup() {
    for seed in ["7", "2024"] {
        let json = grade_json("trust-reported-lsn", seed, "0");
        assert_eq!(
            curated_failures(&json),
            each(&["restore-from-backup"], "read-your-writes")
        );
    }
}

#[test]
fn naive_strategies_also_fail_the_random_batch_and_report_a_replay() {
    let json = grade_json("primary-window-60s", "7", "200");
    assert_eq!(json["verdict"], "fail");
    let c = &json["counterexample"];
    assert_eq!(c["guarantee"], "read-your-writes");
    assert_eq!(
        c["replay"],
        "cargo run -- replay quickpost --scenario gitlab-lag-growth --seed 7 --solution primary-window-60s"
    );
    assert!(c["events"].as_array().unwrap().len() >= 3);
}

#[test]
fn same_seed_gives_the_same_bytes() {
    for format in ["human", "json"] {
        let args = [
            "grade",
            "quickpost",
            "--solution",
            "trust-reported-lsn",
            "--seed",
            "99",
            "--random",
            "100",
            "--format",
            format,
        ];
        let a = run(&args);
        let b = run(&args);
        assert_eq!(a.code, 1);
        assert_eq!(a.stdout, b.stdout, "{format}");
    }
}

#[test]
fn a_fresh_seed_is_chosen_and_printed_when_none_is_given() {
    let out = sh("grade quickpost --solution --random 5 --format json");
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(json["seed"].is_u64());
    let human = sh("grade quickpost --solution --random 5");
    assert!(
        human.stdout.lines().next().unwrap().contains("seed "),
        "{}",
        human.stdout
    );
}

#[test]
fn unknown_kata_is_a_usage_error_listing_the_katas() {
    let out = sh("grade nosuchkata");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("nosuchkata"), "{}", out.stderr);
    assert!(out.stderr.contains("quickpost"), "{}", out.stderr);
}

#[test]
fn unknown_solution_is_a_usage_error_listing_the_solutions() {
    let out = sh("grade quickpost --solution magic");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("trust-reported-lsn"), "{}", out.stderr);
}

#[test]
fn bad_usage_exits_2() {
    assert_eq!(sh("grade").code, 2);
    assert_eq!(sh("frobnicate").code, 2);
    assert_eq!(sh("grade quickpost --seed minus-one").code, 2);
    assert_eq!(sh("--help").code, 0);
}

/// Grades the instructor's solution with one extra scenario file; returns the output
/// and the file's path.
fn grade_with_file(test: &str, file: &str, yaml: &str) -> (Output, PathBuf) {
    let dir = temp_dir(test);
    let path = dir.join(file);
    std::fs::write(&path, yaml).unwrap();
    let out = run(&[
        "grade",
        "quickpost",
        "--solution",
        "--scenarios",
        dir.to_str().unwrap(),
    ]);
    (out, path)
}

#[test]
fn malformed_scenario_file_reports_path_line_and_column() {
    let yaml = "schema: 1\nkata: quickpost\nname: typo\ncluster:\n  replicas: 2\n  lag_ms: [10, twenty]\nusers: [alice]\n";
    let (out, path) = grade_with_file("malformed", "typo.yaml", yaml);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let expected = format!("{}:6:", path.display());
    assert!(out.stderr.contains(&expected), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("found the text \"twenty\" where a whole number, 0 or more was expected"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("docs/scenarios.md"),
        "says where the schema is"
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
}

#[test]
fn inconsistent_scenario_is_an_input_error() {
    let yaml = "schema: 1\nkata: quickpost\nname: ghost\ncluster: { replicas: 1, lag_ms: [10] }\n\
         faults:\n  - { at_ms: 5, replica: 3, kind: crash }\nusers: [alice]\n";
    let (out, _) = grade_with_file("invalid", "ghost.yaml", yaml);
    assert_eq!(out.code, 2);
    let message = "replica 3, which does not exist";
    assert!(out.stderr.contains(message), "{}", out.stderr);
}

#[test]
fn absurd_times_and_rates_are_input_errors_not_overflows() {
    const MAX: &str = "18446744073709551615";
    let quickpost = "schema: 1\nkata: quickpost\nname: absurd\nusers: [alice]\n\
         ops: [ { at_ms: 1000, user: alice, device: phone, op: post } ]\n";
    let quorum = "schema: 1\nkata: quorum\nname: absurd\nsimulation: { nodes: 3, w: 2, r: 2, \
         ops: [ { at_ms: 1000, op: write } ], ";
    let failover = "schema: 2\nkata: failover\nname: absurd\n\
         followers: [ { lag_ms: 10 } ]\n";
    let cases = [
        (
            "quickpost",
            format!("{quickpost}cluster: {{ replicas: 1, lag_ms: [{MAX}] }}\n"),
            "cluster.lag_ms is 18446744073709551615 ms, more than the 24 h limit",
        ),
        (
            "quickpost",
            format!(
                "{quickpost}cluster: {{ replicas: 1, lag_ms: [10] }}\n\
                 faults: [ {{ at_ms: 5, replica: 1, kind: spike, lag_ms: {MAX}, duration_ms: 5 }} ]\n"
            ),
            "spike at 5 ms: lag_ms is",
        ),
        (
            "quickpost",
            format!(
                "{quickpost}cluster: {{ replicas: 1, lag_ms: [10] }}\n\
                 traffic: {{ users: 1, duration_ms: 1000, browse_per_s: 1, posts_per_s: 4000000000 }}\n"
            ),
            "the limit is 1000000 (docs/scenarios.md)",
        ),
        (
            "quickpost",
            format!(
                "{quickpost}cluster: {{ replicas: 1, lag_ms: [10] }}\n\
                 traffic: {{ users: 4000000000, duration_ms: 1000, browse_per_s: 1, posts_per_s: 0 }}\n"
            ),
            "traffic.users is 4000000000; the limit is 10000 background users",
        ),
        (
            "quorum",
            format!("{quorum}faults: [ {{ at_ms: 5, node: 3, duration_ms: {MAX} }} ] }}\n"),
            "faults[0].duration_ms is",
        ),
        (
            "failover",
            format!("{failover}troubles: [ {{ kind: pause, at_ms: 1000, duration_ms: {MAX} }} ]\n"),
            "troubles[].duration_ms is",
        ),
    ];
    for (i, (kata, yaml, message)) in cases.iter().enumerate() {
        let dir = temp_dir(&format!("absurd-{i}"));
        std::fs::write(dir.join("absurd.yaml"), yaml).unwrap();
        let out = run(&[
            "grade",
            kata,
            "--solution",
            "--scenarios",
            dir.to_str().unwrap(),
        ]);
        assert_eq!(out.code, 2, "case {i}: {}", out.stderr);
        assert!(out.stderr.contains(message), "case {i}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "case {i}: {}", out.stderr);
    }
}

#[test]
fn missing_scenario_directory_is_an_input_error() {
    let out = sh("grade quickpost --solution --scenarios /no/such/dir");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("/no/such/dir"), "{}", out.stderr);
}

#[test]
fn scenarios_from_a_directory_are_graded_without_recompiling() {
    let dir = temp_dir("extra");
    std::fs::write(
        dir.join("instant-check.yaml"),
        concat!(
            "schema: 1\nkata: quickpost\nname: instant-check\n",
            "cluster: { replicas: 1, lag_ms: [5000] }\nusers: [dora]\nops:\n",
            "  - { at_ms: 100, user: dora, device: phone, op: post }\n",
            "  - { at_ms: 102, user: dora, device: laptop, op: view_profile }\n",
        ),
    )
    .unwrap();
    // A file of another kata in the same directory is skipped.
    std::fs::write(
        dir.join("other.yaml"),
        "schema: 1\nkata: taskflow\nname: x\n",
    )
    .unwrap();
    let dir = dir.to_str().unwrap();
    let args = |s: &'static str| {
        vec![
            "grade",
            "quickpost",
            "--solution",
            s,
            "--random",
            "0",
            "--seed",
            "1",
            "--format",
            "json",
            "--scenarios",
            dir,
        ]
    };
    let out = run(&args("instructor"));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let out = run(&args("per-device-token"));
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let failed = curated_failures(&json);
    assert_eq!(
        failed,
        each(
            &["cross-device", "failover-mid-run", "instant-check"],
            "read-your-writes"
        )
    );
    assert!(
        json["counterexample"]["replay"]
            .as_str()
            .unwrap()
            .contains("--scenarios")
    );
}

#[test]
fn replay_reproduces_a_failure_and_a_pass() {
    let out = sh(
        "replay quickpost --scenario restore-from-backup --seed 7 --solution trust-reported-lsn --color never --lines",
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains("restored from a backup"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("✗ read-your-writes violated"),
        "{}",
        out.stdout
    );
    let out = sh("replay quickpost --scenario restore-from-backup --seed 7 --solution --lines");
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.contains("refused"),
        "the instructor's conditional read is refused"
    );
    // Without --lines: the timeline, with the refusal in replica-2's lane.
    let out =
        sh("replay quickpost --scenario restore-from-backup --seed 7 --solution --color never");
    assert!(out.stdout.contains("✗ has 0"), "{}", out.stdout);
    assert!(
        out.stdout.lines().nth(2).unwrap().starts_with("time"),
        "{}",
        out.stdout
    );
    let out = sh("replay quickpost --scenario nope --seed 7 --solution");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("steady-lag"), "{}", out.stderr);
}

#[test]
fn random_scenarios_replay_by_name() {
    let json = grade_json("always-replica", "5", "30");
    let failing = json["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["source"] == "random" && s["verdict"] == "fail")
        .expect("always-replica fails some random scenario");
    let name = failing["name"].as_str().unwrap();
    let out = run(&[
        "replay",
        "quickpost",
        "--scenario",
        name,
        "--seed",
        "5",
        "--solution",
        "always-replica",
    ]);
    assert_eq!(out.code, 1, "{}", out.stdout);
}

#[test]
fn learner_file_grades_with_a_clear_verdict_and_never_crashes() {
    // The shipped skeleton says "not implemented yet"; a learner's own code may pass or
    // fail. Either way: exit 0 or 1, and a verdict the learner can act on.
    let out = sh("grade quickpost --random 20 --seed 3 --format json");
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    match json["verdict"].as_str().unwrap() {
        "not_implemented" => {
            assert_eq!(out.code, 1);
            let fault = &json["learner_fault"];
            assert_eq!(fault["kind"], "not_implemented");
            assert!(
                fault["location"]
                    .as_str()
                    .unwrap()
                    .starts_with("katas/quickpost.rs:")
            );
            assert!(
                fault["function"]
                    .as_str()
                    .unwrap()
                    .starts_with("ReadYourWritesRouter::")
            );
            let human = sh("grade quickpost --random 20");
            assert!(
                human.stdout.contains("not implemented yet"),
                "{}",
                human.stdout
            );
            assert!(
                human.stdout.contains("katas/quickpost.rs"),
                "{}",
                human.stdout
            );
        }
        "pass" => assert_eq!(out.code, 0),
        _ => assert_eq!(out.code, 1),
    }
}

#[test]
fn color_follows_the_flag_and_no_color() {
    let args = [
        "grade",
        "quickpost",
        "--solution",
        "--random",
        "3",
        "--seed",
        "1",
    ];
    let piped = run(&args);
    assert!(!piped.stdout.contains('\u{1b}'), "plain when piped");
    let mut always = args.to_vec();
    always.extend(["--color", "always"]);
    assert!(
        run(&always).stdout.contains('\u{1b}'),
        "colored when forced"
    );
    let mut never = args.to_vec();
    never.extend(["--color", "never"]);
    assert!(
        !run_env(&never, &[("NO_COLOR", "1")])
            .stdout
            .contains('\u{1b}')
    );
}

#[test]
fn kata_list_and_show_guide_a_newcomer() {
    let out = sh("kata list");
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("quickpost") && out.stdout.contains("read-your-writes"));
    let out = sh("kata show quickpost");
    assert_eq!(out.code, 0);
    for needle in [
        "phone",
        "laptop",
        "katas/quickpost.rs",
        "route_read",
        "cargo run -- grade quickpost",
    ] {
        assert!(
            out.stdout.contains(needle),
            "missing {needle}:\n{}",
            out.stdout
        );
    }
    assert_eq!(sh("kata show nosuchkata").code, 2);
}

#[test]
fn hints_are_progressive_and_remembered() {
    let state = temp_dir("hints");
    let env = [("REPLICATION_KATAS_STATE_DIR", state.to_str().unwrap())];
    let first = run_env(&["hint", "quickpost"], &env);
    assert_eq!(first.code, 0);
    assert!(first.stdout.contains("Hint 1 of 4"), "{}", first.stdout);
    let second = run_env(&["hint", "quickpost"], &env);
    assert!(second.stdout.contains("Hint 2 of 4"), "{}", second.stdout);
    for _ in 0..5 {
        run_env(&["hint", "quickpost"], &env);
    }
    let last = run_env(&["hint", "quickpost"], &env);
    assert!(
        last.stdout.contains("Hint 4 of 4"),
        "stays on the last: {}",
        last.stdout
    );
    assert!(
        last.stdout.contains("BTreeMap"),
        "the last hint nearly gives the design"
    );
    std::fs::write(state.join("progress.json"), "garbage").unwrap();
    let recovered = run_env(&["hint", "quickpost"], &env);
    assert_eq!(recovered.code, 0);
    assert!(recovered.stderr.contains("corrupt"), "{}", recovered.stderr);
    assert!(recovered.stdout.contains("Hint 1 of 4"));
    assert_eq!(run_env(&["hint", "quickpost", "9"], &env).code, 2);
    assert_eq!(run_env(&["hint", "nosuchkata"], &env).code, 2);
}

#[test]
fn the_number_of_grading_threads_does_not_change_the_result() {
    let one =
        sh("grade quickpost --solution always-replica --seed 4 --random 60 --format json -j 1");
    let three =
        sh("grade quickpost --solution always-replica --seed 4 --random 60 --format json -j 3");
    assert_eq!(one.code, 1);
    assert_eq!(one.stdout, three.stdout);
}
