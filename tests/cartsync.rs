//! The cartsync kata end to end: the source material's numbers, the contract (skeleton
//! not implemented, instructor passing, each naive strategy failing for its own reason,
//! the same seed giving the same bytes), the exhaustive scope and the replay.

mod common;

#[allow(dead_code)]
#[path = "../solutions/cartsync.rs"]
mod instructor;

use common::{curated_failures, grade_json, run, sh};
use replication_katas::grader::{GradeRequest, Guard, Target};
use replication_katas::katas::cartsync::prelude::*;
use replication_katas::report::Verdict;

fn scenario<'a>(json: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    json["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("{name} is listed"))
}

/// Failing scenarios, each with its reasons.
type Failures = Vec<(String, Vec<String>)>;

fn expect(rows: &[(&str, &[&str])]) -> Failures {
    rows.iter()
        .map(|(n, r)| (n.to_string(), r.iter().map(|x| x.to_string()).collect()))
        .collect()
}

#[test]
fn the_instructor_passes_everything() {
    for seed in ["7", "2024"] {
        let json = grade_json("cartsync", "instructor", seed, "500");
        assert_eq!(
            json["verdict"],
            "pass",
            "seed {seed}: {:#?}",
            curated_failures(&json)
        );
    }
}

#[test]
fn the_skeleton_is_not_implemented() {
    let out = sh("grade cartsync --seed 1 --random 0 --format json");
    assert_eq!(out.code, 1, "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["verdict"], "not_implemented");
    let human = sh("grade cartsync --seed 1 --random 0 --color never");
    assert!(
        human.stdout.contains("katas/cartsync.rs"),
        "{}",
        human.stdout
    );
}

/// The replication guide's scenario 3 and the exercise page's exercise 3, with their
/// numbers: both titles survive as siblings under the instructor; last-write-wins by
/// the clocks (1000 against 1001) keeps London's and loses NYC's.
#[test]
fn the_source_stories_come_out_with_their_numbers() {
    let json = grade_json("cartsync", "instructor", "7", "0");
    let guide = scenario(&json, "guide-title-conflict");
    assert_eq!(guide["verdict"], "pass");
    assert_eq!(guide["metrics"]["concurrent_writes"], 1);
    // Both regions show both titles at T=250 ms: one sibling each beyond the first.
    assert_eq!(guide["metrics"]["siblings_shown"], 2);
    let replay = common::run_env(
        &[
            "replay",
            "cartsync",
            "--scenario",
            "guide-title-conflict",
            "--seed",
            "1",
            "--solution",
            "instructor",
            "--color",
            "never",
        ],
        &[("COLUMNS", "200")],
    );
    assert!(replay.stdout.contains("clock 1000"), "{}", replay.stdout);
    assert!(replay.stdout.contains("clock 1001"), "{}", replay.stdout);
    let last = replay
        .stdout
        .lines()
        .filter(|l| l.contains("final:"))
        .collect::<Vec<_>>();
    assert_eq!(last.len(), 2, "{}", replay.stdout);

    let lww = grade_json("cartsync", "lww-wall-clock", "7", "0");
    let guide = scenario(&lww, "guide-title-conflict");
    assert_eq!(guide["verdict"], "fail");
    let lost = &guide["violations"][0];
    assert_eq!(lost["guarantee"], "no-silently-lost-update");
    let text = lost["explanation"].as_str().unwrap();
    assert!(
        text.contains("'Senior Engineer' (nyc")
            && text.contains("only alice's title 'Staff Engineer'"),
        "{text}"
    );
    // The exercise: the EU's settling write, 3 s behind by clock, loses to the US's
    // older one — causality.
    let skew = scenario(&lww, "exercise-email-skew");
    assert!(
        skew["violations_by_guarantee"]["causality"]
            .as_u64()
            .unwrap()
            > 0
    );
}

#[test]
fn each_naive_strategy_fails_for_its_own_reason() {
    let lost = &["no-silently-lost-update"][..];
    let lost_and_causality = &["causality", "no-silently-lost-update"][..];
    let spurious = &["budget:spurious_siblings"][..];
    let resurrected = &["causality"][..];
    // A view shows the gift wrap without the email it followed: effect before cause.
    let lost_and_prefix = &["consistent-prefix", "no-silently-lost-update"][..];
    let cases: Vec<(&str, Failures)> = vec![
        (
            "lww-wall-clock",
            expect(&[
                ("effect-before-cause", lost_and_prefix),
                ("exercise-email-skew", lost_and_causality),
                ("guide-title-conflict", lost),
                ("late-healing-partition", lost),
                ("relay-through-singapore", lost_and_causality),
                ("skew-ahead", lost_and_causality),
                ("skew-behind", lost_and_causality),
            ]),
        ),
        (
            "lamport-lww",
            expect(&[
                ("effect-before-cause", lost_and_prefix),
                ("guide-title-conflict", lost),
                ("late-healing-partition", lost),
            ]),
        ),
        (
            "union-cart",
            expect(&[
                ("cart-removed-stays-removed", resurrected),
                ("late-healing-partition", resurrected),
                ("relay-through-singapore", resurrected),
            ]),
        ),
        (
            "counter-per-region",
            expect(&[
                ("exercise-email-skew", spurious),
                ("relay-through-singapore", spurious),
                ("same-millisecond", spurious),
                ("skew-ahead", spurious),
                ("skew-behind", spurious),
            ]),
        ),
    ];
    for (naive, want) in cases {
        let json = grade_json("cartsync", naive, "7", "0");
        assert_eq!(curated_failures(&json), want, "{naive}");
    }
    // Last arrival wins: the regions end up different, wherever two writes meet.
    let json = grade_json("cartsync", "last-arrival-wins", "7", "0");
    let diverged: Vec<String> = curated_failures(&json)
        .into_iter()
        .filter(|(_, r)| r.iter().any(|g| g == "convergence"))
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        diverged,
        [
            "cart-add-wins",
            "cart-removed-stays-removed",
            "effect-before-cause",
            "exercise-email-skew",
            "guide-title-conflict",
            "late-healing-partition",
            "relay-through-singapore",
            "same-millisecond"
        ]
    );
}

#[test]
fn the_exhaustive_scope_finds_every_naive_strategy() {
    let out = sh("grade cartsync --solution --exhaustive --format json");
    assert_eq!(out.code, 0, "{}", out.stdout);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["stats"]["schedules"], 1 + (6 + 72 + 864) * 4);
    for (naive, reason) in [
        ("lww-wall-clock", "no-silently-lost-update"),
        ("last-arrival-wins", "convergence"),
        ("lamport-lww", "no-silently-lost-update"),
        ("union-cart", "causality"),
        ("counter-per-region", "budget:spurious_siblings"),
    ] {
        let out = run(&[
            "grade",
            "cartsync",
            "--solution",
            naive,
            "--exhaustive",
            "--format",
            "json",
        ]);
        assert_eq!(out.code, 1, "{naive}");
        let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        let reasons: Vec<String> = json["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| {
                let guarantees = s["violations_by_guarantee"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>();
                let budgets = s["budgets"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|b| b["met"] == false)
                    .map(|b| format!("budget:{}", b["metric"].as_str().unwrap()))
                    .collect::<Vec<_>>();
                guarantees.into_iter().chain(budgets)
            })
            .collect();
        assert!(reasons.iter().any(|r| r == reason), "{naive}: {reasons:?}");
    }
}

/// A comparison that looks only at the regions its first vector mentions, graded as a
/// learner's code: the textbook's own pair names it.
struct FirstVectorsRegions(instructor::Resolver);

impl ConflictResolver for FirstVectorsRegions {
    fn compare(&self, a: &VersionVector, b: &VersionVector) -> Causality {
        let a_le = a.regions().all(|r| a.get(r) <= b.get(r));
        let b_le = a.regions().all(|r| b.get(r) <= a.get(r));
        match (a_le, b_le) {
            (true, true) => Causality::Equal,
            (true, false) => Causality::Before,
            (false, true) => Causality::After,
            (false, false) => Causality::Concurrent,
        }
    }

    fn merge(&self, a: &VersionVector, b: &VersionVector) -> VersionVector {
        self.0.merge(a, b)
    }

    fn resolve(&mut self, local: &[Version], remote: &[Version]) -> Vec<Version> {
        self.0.resolve(local, remote)
    }

    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart {
        self.0.merge_cart(local, remote)
    }
}

#[test]
fn a_wrong_vector_comparison_is_named_with_the_textbook_pair() {
    let learner = || -> Box<dyn ConflictResolver> {
        Box::new(FirstVectorsRegions(instructor::Resolver::new()))
    };
    let kata = replication_katas::katas::cartsync::entry(learner, Vec::new());
    let mut request = GradeRequest::new(Target::Learner, 7);
    request.random = 0;
    let report = kata.grade(&request, &Guard::new()).unwrap();
    assert_eq!(report.verdict, Verdict::Fail);
    let textbook = report
        .scenarios
        .iter()
        .find(|s| s.name == "textbook-vectors")
        .expect("the textbook scenario fails");
    let first = &textbook.violations[0];
    assert_eq!(first.guarantee.name(), "causality");
    assert!(
        first
            .explanation
            .starts_with("compare([A:1], [B:1]) returned After; the answer is Concurrent"),
        "{}",
        first.explanation
    );
}

#[test]
fn the_same_seed_gives_the_same_bytes() {
    for naive in ["lww-wall-clock", "last-arrival-wins"] {
        let a = run(&[
            "grade",
            "cartsync",
            "--solution",
            naive,
            "--seed",
            "11",
            "--random",
            "300",
        ]);
        let b = run(&[
            "grade",
            "cartsync",
            "--solution",
            naive,
            "--seed",
            "11",
            "--random",
            "300",
        ]);
        assert_eq!(a.code, 1);
        assert_eq!(a.stdout, b.stdout, "{naive}");
    }
    let a = run(&[
        "grade",
        "cartsync",
        "--solution",
        "instructor",
        "--seed",
        "5",
        "--format",
        "json",
    ]);
    let b = run(&[
        "grade",
        "cartsync",
        "--solution",
        "instructor",
        "--seed",
        "5",
        "--format",
        "json",
    ]);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn cartsync_is_listed_shown_and_replayed_with_a_lane_per_region() {
    let list = sh("kata list --color never --seed 1");
    // Five katas, and the longest topic ("multi-leader conflicts") does not push its
    // row's difficulty out of the column the others use.
    let star_columns: Vec<usize> = list
        .stdout
        .lines()
        .filter_map(|l| l.find('★').map(|byte| l[..byte].chars().count()))
        .collect();
    assert_eq!(star_columns.len(), 5, "{}", list.stdout);
    assert!(
        star_columns.windows(2).all(|w| w[0] == w[1]),
        "{}",
        list.stdout
    );
    assert!(list.stdout.contains("cartsync"), "{}", list.stdout);
    let show = sh("kata show cartsync --color never");
    for needle in ["merge_cart", "1000", "1001", "siblings"] {
        assert!(show.stdout.contains(needle), "{needle}: {}", show.stdout);
    }
    let out = run(&[
        "replay",
        "cartsync",
        "--scenario",
        "relay-through-singapore",
        "--seed",
        "1",
        "--solution",
        "union-cart",
        "--color",
        "never",
    ]);
    assert_eq!(out.code, 1);
    let header = out
        .stdout
        .lines()
        .find(|l| l.starts_with("time"))
        .unwrap_or_else(|| panic!("{}", out.stdout));
    for region in ["nyc", "sgp", "london"] {
        assert!(header.contains(region), "{header}");
    }
    // Vectors at each step, and the resurrected socks named.
    assert!(out.stdout.contains("[nyc:"), "{}", out.stdout);
    assert!(out.stdout.contains("came back"), "{}", out.stdout);
}

#[test]
fn compare_labels_and_explains_every_cartsync_column_in_full() {
    let out = sh("compare cartsync --seed 3 --random 20 --color never");
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let header = out
        .stdout
        .lines()
        .find(|l| l.starts_with("implementation"))
        .unwrap_or_else(|| panic!("{}", out.stdout));
    for label in [
        "causal viol",
        "prefix viol",
        "lost upd",
        "conv viol",
        "spurious",
    ] {
        assert!(header.contains(label), "{label} in {header}");
    }
    let legend = out.stdout.split("Columns:").nth(1).expect("a legend");
    // Each entry is a label and a sentence; a label alone (as "consistent-prefix"
    // once was) is under 25 characters.
    for line in legend.lines().filter(|l| l.starts_with("  ")) {
        assert!(
            line.trim().chars().count() > 25,
            "{line:?} has no meaning: {legend}"
        );
    }
}
