//! The failover kata end to end: the source material's numbers, and each naive
//! coordinator failing for its own reason.

mod common;

use common::{curated_failures, grade_json, sh};

fn scenario<'a>(json: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    json["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap()
}

fn fails(json: &serde_json::Value) -> Vec<(String, Vec<String>)> {
    curated_failures(json)
}

fn one(name: &str, reasons: &[&str]) -> Vec<(String, Vec<String>)> {
    vec![(
        name.to_string(),
        reasons.iter().map(|r| r.to_string()).collect(),
    )]
}

#[test]
fn instructor_solution_passes_everything() {
    for seed in ["7", "2024"] {
        let json = grade_json("failover", "instructor", seed, "500");
        assert_eq!(json["verdict"], "pass", "seed {seed}: {:#?}", fails(&json));
    }
}

#[test]
fn the_source_material_numbers_come_out() {
    let json = grade_json("failover", "instructor", "7", "0");
    // Followers at 1090 / 1100 / 1085: the 1100 one wins, nothing is lost.
    let freshest = scenario(&json, "freshest-follower");
    assert_eq!(freshest["metrics"]["acknowledged_writes_lost"], 0);
    assert_eq!(freshest["metrics"]["failovers"], 1);
    // Leader 1010, followers 1008 and 1007, async: 1009 and 1010 are lost, and listed.
    let two = scenario(&json, "async-loses-two");
    assert_eq!(two["verdict"], "pass");
    assert_eq!(two["metrics"]["acknowledged_writes_lost"], 2);
    let note = two["notes"][0].as_str().unwrap();
    assert!(note.contains("LSN 1009 to LSN 1010 (2)"), "{note}");
    // Semi-sync: promoting the sync follower loses nothing acknowledged.
    assert_eq!(
        scenario(&json, "semi-sync")["metrics"]["acknowledged_writes_lost"],
        0
    );
    // GitLab 2017: refuse, page a human.
    let gitlab = scenario(&json, "gitlab-2017");
    assert_eq!(gitlab["metrics"]["refusals"], 1);
    assert_eq!(gitlab["metrics"]["failovers"], 0);
    // A 20 s pause rides out; the partition's old-leader writes are fenced: 5 writes/s
    // for the minute it was cut off, plus nothing it had that the new leader lacked
    // (node-3 had everything).
    assert_eq!(scenario(&json, "gc-pause")["metrics"]["failovers"], 0);
    let partition = scenario(&json, "partition-old-leader-writes");
    assert_eq!(partition["metrics"]["old_leader_writes_discarded"], 300);
    // A chain: two failovers, each losing what its freshest follower lagged (10 ms,
    // then 20 ms: 1 + 2 writes); the first leader rejoins with its last write truncated.
    let chain = scenario(&json, "new-leader-fails-too");
    assert_eq!(chain["metrics"]["failovers"], 2);
    assert_eq!(chain["metrics"]["acknowledged_writes_lost"], 3);
    assert_eq!(chain["metrics"]["old_leader_writes_discarded"], 1);
    // The freshest follower crashed before the failover: the next one is promoted.
    let crashed = scenario(&json, "candidate-fails-during-promotion");
    assert_eq!(crashed["metrics"]["failovers"], 1);
    assert_eq!(crashed["metrics"]["acknowledged_writes_lost"], 4);
}

#[test]
fn the_replay_shows_terms_fencing_and_the_rejoin() {
    let out = sh(
        "replay failover --scenario new-leader-fails-too --seed 1 --solution --lines --color never",
    );
    assert_eq!(out.code, 0, "{}", out.stdout);
    for expected in [
        "promoted to leader under term 5",
        "promoted to leader under term 6",
        "meets term 6: its term 4 is fenced",
        "rejoins as a follower",
    ] {
        assert!(out.stdout.contains(expected), "{expected}: {}", out.stdout);
    }
}

#[test]
fn first_alive_loses_acknowledged_writes() {
    let json = grade_json("failover", "first-alive", "7", "0");
    let failing: Vec<String> = fails(&json).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        failing,
        [
            "freshest-follower",
            "new-leader-fails-too",
            "partition-old-leader-writes",
            "semi-sync"
        ]
    );
    let semi = scenario(&json, "semi-sync");
    let text = semi["violations"][0]["explanation"].as_str().unwrap();
    assert!(text.contains("LSN 999, LSN 1000, LSN 1001"), "{text}");
    assert_eq!(semi["metrics"]["acknowledged_writes_lost"], 3);
}

#[test]
fn no_quorum_elects_on_the_minority_side() {
    let json = grade_json("failover", "no-quorum", "7", "0");
    assert_eq!(
        fails(&json),
        one(
            "minority-partition",
            &["majority-election", "budget:needless_failovers"]
        )
    );
}

#[test]
fn no_fencing_is_split_brain() {
    let json = grade_json("failover", "no-fencing", "7", "0");
    let failing: Vec<String> = fails(&json).into_iter().map(|(n, _)| n).collect();
    // The partitioned old leader keeps its term; the crashed first leader restarts
    // into a term nobody moved past.
    assert_eq!(
        failing,
        ["new-leader-fails-too", "partition-old-leader-writes"]
    );
    assert_eq!(
        fails(&json)[1],
        one("partition-old-leader-writes", &["single-writable-leader"])[0]
    );
}

#[test]
fn always_promote_loses_the_gitlab_writes() {
    let json = grade_json("failover", "always-promote", "7", "0");
    assert_eq!(
        fails(&json),
        one("gitlab-2017", &["no-lost-acknowledged-writes"])
    );
    let text = json["counterexample"]["explanation"].as_str().unwrap();
    assert!(text.contains("page a human"), "{text}");
}

#[test]
fn a_hair_trigger_fails_over_a_paused_leader() {
    let json = grade_json("failover", "hair-trigger", "7", "0");
    // A 20 s pause, and a partitioned leader replaced before the 25 s timeout.
    assert_eq!(
        fails(&json),
        vec![
            one("gc-pause", &["budget:needless_failovers"]).remove(0),
            one(
                "partition-old-leader-writes",
                &["budget:needless_failovers"]
            )
            .remove(0),
        ]
    );
}

#[test]
fn failover_is_listed_and_replays() {
    let out = sh("kata show failover");
    assert!(
        out.stdout.contains("validate_safe_failover"),
        "{}",
        out.stdout
    );
    let out = sh(
        "replay failover --scenario gc-pause --seed 1 --solution hair-trigger --lines --color never",
    );
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("promoted to leader"), "{}", out.stdout);
}

#[test]
fn the_exhaustive_scope_finds_every_naive_coordinator() {
    let out = sh("grade failover --solution --exhaustive --format json");
    assert_eq!(out.code, 0, "{}", out.stdout);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["stats"]["schedules"], 1520);
    for (naive, guarantee) in [
        ("first-alive", "no-lost-acknowledged-writes"),
        ("no-quorum", "majority-election"),
        ("no-fencing", "single-writable-leader"),
        ("always-promote", "no-lost-acknowledged-writes"),
        ("hair-trigger", "needless_failovers"),
    ] {
        let out = common::run(&[
            "grade",
            "failover",
            "--solution",
            naive,
            "--exhaustive",
            "--format",
            "json",
        ]);
        assert_eq!(out.code, 1, "{naive}");
        let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(json["counterexample"]["guarantee"], guarantee, "{naive}");
    }
}
