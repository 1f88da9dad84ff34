//! The learner's and instructor's experience around grading: list, compare, reveal,
//! reset, watch, completions — through the real binary.

mod common;

use common::{run, run_env, sh, temp_dir};
use std::io::Write;
use std::process::{Command, Stdio};

#[test]
fn kata_list_shows_status_and_what_to_do_next() {
    let out = sh("kata list --color never");
    assert_eq!(out.code, 0);
    for needle in [
        "quickpost",
        "taskflow",
        "read-your-writes",
        "monotonic reads",
        "★★",
    ] {
        assert!(out.stdout.contains(needle), "{needle}: {}", out.stdout);
    }
    let statuses = ["not started", "failing", "passed", "panics", "hangs"];
    assert!(
        statuses.iter().any(|s| out.stdout.contains(s)),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("Next: ") || out.stdout.contains("Every kata passes"),
        "{}",
        out.stdout
    );
}

#[test]
fn compare_puts_every_implementation_side_by_side() {
    let out = sh("compare quickpost --seed 3 --random 20 --format json");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let rows = json["implementations"].as_array().unwrap();
    let names: Vec<&str> = rows
        .iter()
        .map(|r| r["implementation"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "learner",
            "instructor",
            "always-replica",
            "always-primary",
            "primary-window-60s",
            "per-device-token",
            "trust-reported-lsn"
        ]
    );
    let by_name = |n: &str| rows.iter().find(|r| r["implementation"] == n).unwrap();
    assert_eq!(by_name("instructor")["verdict"], "pass");
    // The trade-off in numbers: always-primary never violates but carries every read.
    let primary = by_name("always-primary");
    assert_eq!(primary["metrics"]["primary_read_share"], 1.0);
    assert!(primary["violations"].as_object().unwrap().is_empty());
    assert!(
        by_name("always-replica")["violations"]["read-your-writes"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert!(
        by_name("instructor")["metrics"]["primary_read_share"]
            .as_f64()
            .unwrap()
            < 0.5,
        "the instructor keeps most reads on replicas"
    );

    let human = sh("compare taskflow --seed 3 --random 10 --color never");
    assert_eq!(human.code, 0);
    for needle in [
        "implementation",
        "instructor",
        "hash-mod-n",
        "imbalance",
        "MR viol",
    ] {
        assert!(human.stdout.contains(needle), "{needle}: {}", human.stdout);
    }
    for line in human.stdout.lines() {
        assert!(line.chars().count() <= 100, "too wide: {line}");
    }
}

#[test]
fn the_instructor_source_is_revealed_on_request_or_after_passing() {
    let out = sh("compare quickpost --seed 3 --random 5 --color never");
    let learner_passes = out
        .stdout
        .lines()
        .any(|l| l.starts_with("you") && l.contains("pass"));
    let revealed = out.stdout.contains("The instructor's solution:");
    assert_eq!(revealed, learner_passes, "{}", out.stdout);
    if !learner_passes {
        assert!(out.stdout.contains("--reveal"), "{}", out.stdout);
    }
    let out = sh("compare quickpost --seed 3 --random 5 --color never --reveal");
    assert!(
        out.stdout.contains("The instructor's solution:"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("impl ReadYourWritesRouter for Router"),
        "{}",
        out.stdout
    );
}

fn scratch_root(name: &str, quickpost: &str) -> std::path::PathBuf {
    let root = temp_dir(name);
    std::fs::create_dir_all(root.join("katas")).unwrap();
    std::fs::write(root.join("katas/quickpost.rs"), quickpost).unwrap();
    root
}

const SKELETON: &str = include_str!("../skeletons/quickpost.rs");

#[test]
fn reset_refuses_without_a_terminal_unless_told_yes() {
    let root = scratch_root("reset", "// my half-finished router\n");
    let env = [("REPLICATION_KATAS_ROOT", root.to_str().unwrap())];
    let out = run_env(&["kata", "reset", "quickpost"], &env);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--yes"), "{}", out.stderr);
    let file = root.join("katas/quickpost.rs");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "// my half-finished router\n"
    );

    let out = run_env(&["kata", "reset", "quickpost", "--yes"], &env);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), SKELETON);
    let again = run_env(&["kata", "reset", "quickpost"], &env);
    assert_eq!(again.code, 0, "already pristine: nothing to ask");
    assert!(again.stdout.contains("already"), "{}", again.stdout);
    assert_eq!(
        run_env(&["kata", "reset", "nosuchkata", "--yes"], &env).code,
        2
    );
}

#[test]
fn the_shipped_skeletons_are_unimplemented_katas() {
    // `skeletons/` is what `kata reset` restores; it must be a kata file that says
    // "not implemented yet" rather than anything else.
    for (kata, skeleton) in [
        ("quickpost", SKELETON),
        ("taskflow", include_str!("../skeletons/taskflow.rs")),
        ("cartsync", include_str!("../skeletons/cartsync.rs")),
    ] {
        assert!(skeleton.contains("todo!()"), "{kata}");
        assert!(skeleton.contains("// TODO"), "{kata}");
    }
}

#[test]
fn watch_regrades_on_enter_and_quits_when_input_ends() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_replication-katas"))
        .args(["watch", "quickpost", "--manual", "--color", "never"])
        .env("REPLICATION_KATAS_WATCH_SELF", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"\nr\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{stdout}");
    let runs = stdout.matches("Enter or r re-grades").count();
    assert_eq!(runs, 3, "the first grade and two re-runs: {stdout}");
    assert!(stdout.contains("quickpost · read-your-writes"), "{stdout}");
}

#[test]
fn completions_and_help_read_well() {
    let out = sh("completions bash");
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("replication-katas"));
    for cmd in ["grade", "compare", "watch", "replay", "hint", "kata"] {
        let help = run(&[cmd, "--help"]);
        assert_eq!(help.code, 0, "{cmd}");
        assert!(help.stdout.lines().count() > 3, "{cmd}: {}", help.stdout);
    }
}

#[test]
fn compare_counts_every_violation_not_only_the_listed_ones() {
    // Reports list at most five violations per scenario; totals must still be exact.
    let grade = common::grade_json("quickpost", "always-replica", "3", "20");
    let mut total = 0;
    let mut capped = false;
    for s in grade["scenarios"].as_array().unwrap() {
        let n = s["violation_count"].as_u64().unwrap();
        assert_eq!(
            s["violations_by_guarantee"]["read-your-writes"]
                .as_u64()
                .unwrap_or(0),
            n
        );
        capped |= n > s["violations"].as_array().unwrap().len() as u64;
        total += n;
    }
    assert!(capped, "some scenario has more violations than are listed");
    let out = sh("compare quickpost --seed 3 --random 20 --format json");
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let row = json["implementations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["implementation"] == "always-replica")
        .unwrap();
    assert_eq!(row["violations"]["read-your-writes"], total);
}
