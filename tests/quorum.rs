//! The quorum kata end to end: exact math sweeps, the leaderless simulation, and each
//! naive strategy failing for its own reason.

mod common;

use common::{curated_failures, each, grade_json, sh};

const SWEEPS: [&str; 9] = [
    "availability-sweep",
    "invalid-parameters",
    "k-staleness-sweep",
    "overlap-sweep",
    "resolve-sweep",
    "smallest-r-sweep",
    "source-numbers",
    "staleness-sweep",
    "tolerance-sweep",
];

/// The default grade (curated scenarios and 2,000 random ones) on 20 seeds.
#[test]
fn instructor_solution_passes_everything() {
    for seed in 1..=20 {
        let seed = seed.to_string();
        let json = grade_json("quorum", "instructor", &seed, "2000");
        assert_eq!(
            json["verdict"],
            "pass",
            "seed {seed}: {:#?}",
            curated_failures(&json)
        );
        // 13 curated, 2,000 random, and the 9 sweeps of the exhaustive scope.
        assert_eq!(json["stats"]["scenarios"], 13 + 2_000 + 9);
    }
}

#[test]
fn off_by_one_overlap_fails_the_overlap_math() {
    let json = grade_json("quorum", "overlap-off-by-one", "7", "50");
    assert_eq!(
        curated_failures(&json),
        each(
            &["overlap-sweep", "smallest-r-sweep", "source-numbers"],
            "exact-quorum-math"
        )
    );
    let text = json["counterexample"]["explanation"].as_str().unwrap();
    assert!(
        text.contains("overlaps(n=2, w=1, r=1) returned true"),
        "{text}"
    );
    assert!(text.contains("not more than N"), "{text}");
    // The sweeps reach N = 50: every N ≤ 12 has N − 1 pairs with R + W = N (66 in
    // all), and the boundary N up to 50 add theirs.
    let sweep = json["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "overlap-sweep")
        .unwrap();
    assert!(
        sweep["metrics"]["wrong_answers"].as_u64().unwrap() > 66,
        "{sweep:#}"
    );
}

#[test]
fn first_response_wins_breaks_quorum_intersection() {
    for seed in ["7", "2024"] {
        let json = grade_json("quorum", "first-response-wins", seed, "0");
        assert_eq!(
            curated_failures(&json),
            each(
                &["node-failures", "resolve-sweep", "stale-nodes"],
                "quorum-intersection"
            )
        );
    }
}

#[test]
fn no_read_repair_never_converges() {
    let json = grade_json("quorum", "no-read-repair", "7", "0");
    assert_eq!(
        curated_failures(&json),
        each(
            &[
                "node-failures",
                "partial-write",
                "resolve-sweep",
                "stale-nodes"
            ],
            "convergence"
        )
    );
}

#[test]
fn accepting_invalid_parameters_is_caught() {
    let json = grade_json("quorum", "accept-invalid", "7", "50");
    assert_eq!(
        curated_failures(&json),
        each(&["invalid-parameters"], "exact-quorum-math")
    );
    let text = json["counterexample"]["explanation"].as_str().unwrap();
    assert!(
        text.contains("returned false where the error contract requires Err(NoNodes)"),
        "{text}"
    );
}

/// Every read of a curated simulation reaches the coordinator stalest first, newest
/// first and shuffled.
#[test]
fn curated_simulations_deliver_every_read_in_several_orders() {
    let out = sh(
        "replay quorum --scenario node-failures --seed 7 --solution first-response-wins \
                  --color never",
    );
    assert_eq!(out.code, 1, "{}", out.stdout);
    // 7 reads, each delivered in 3 orders; the stalest-first delivery is the one a
    // first-answer-wins coordinator gets wrong.
    assert!(out.stdout.contains("· reads 21 ·"), "{}", out.stdout);
    assert!(
        out.stdout.contains("violated: answers stalest first"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_sloppy_quorum_returns_stale_data_that_no_coordinator_can_prevent() {
    let json = grade_json("quorum", "instructor", "7", "0");
    let sloppy = json["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "sloppy-quorum")
        .unwrap();
    assert_eq!(sloppy["verdict"], "pass");
    assert!(
        sloppy["metrics"]["stale_reads"].as_u64().unwrap() >= 1,
        "{sloppy:#}"
    );
    // Every sweep passed on merit: the instructor answered every call exactly.
    for s in json["scenarios"].as_array().unwrap() {
        if SWEEPS.contains(&s["name"].as_str().unwrap()) {
            assert!(s["metrics"]["calls"].as_u64().unwrap() > 0);
            assert_eq!(s["metrics"]["wrong_answers"], 0);
        }
    }
}

#[test]
fn exhaustive_means_the_full_parameter_sweep() {
    let out = sh("grade quorum --solution --exhaustive --format json");
    assert_eq!(out.code, 0, "{}", out.stdout);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["stats"]["schedules"], 9);
    assert!(
        json["stats"]["events"].as_u64().unwrap() > 50_000,
        "every call counts"
    );
    // The coordinator is in the scope too: every naive strategy fails it.
    for (naive, guarantee) in [
        ("overlap-off-by-one", "exact-quorum-math"),
        ("first-response-wins", "quorum-intersection"),
        ("no-read-repair", "convergence"),
        ("accept-invalid", "exact-quorum-math"),
    ] {
        let out = sh(&format!(
            "grade quorum --solution {naive} --exhaustive --format json"
        ));
        assert_eq!(out.code, 1, "{naive}");
        let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(json["counterexample"]["guarantee"], guarantee, "{naive}");
    }
}
