//! insta snapshots of the human report, with fixed seeds: what a learner sees when a
//! solution passes and when naive strategies fail. Review changes with
//! `cargo insta review` (or `INSTA_UPDATE=always cargo test` and read the diff).

use std::process::Command;

fn report(solution: &str) -> String {
    report_of("quickpost", solution)
}

fn report_of(kata: &str, solution: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_replication-katas"))
        .args([
            "grade",
            kata,
            "--solution",
            solution,
            "--seed",
            "7",
            "--random",
            "20",
            "--color",
            "never",
        ])
        .output()
        .expect("the binary runs");
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn instructor_pass() {
    insta::assert_snapshot!(report("instructor"));
}

#[test]
fn primary_window_fails_the_long_spike() {
    insta::assert_snapshot!(report("primary-window-60s"));
}

#[test]
fn trust_reported_lsn_fails_after_restore() {
    insta::assert_snapshot!(report("trust-reported-lsn"));
}

#[test]
fn always_primary_misses_the_budget() {
    insta::assert_snapshot!(report("always-primary"));
}

#[test]
fn taskflow_instructor_pass() {
    insta::assert_snapshot!(report_of("taskflow", "instructor"));
}

#[test]
fn taskflow_hash_mod_n_fails_when_replicas_change() {
    insta::assert_snapshot!(report_of("taskflow", "hash-mod-n"));
}

#[test]
fn quorum_first_response_wins_breaks_intersection() {
    insta::assert_snapshot!(report_of("quorum", "first-response-wins"));
}

#[test]
fn failover_no_fencing_is_split_brain() {
    insta::assert_snapshot!(report_of("failover", "no-fencing"));
}

#[test]
fn cartsync_instructor_pass() {
    insta::assert_snapshot!(report_of("cartsync", "instructor"));
}

#[test]
fn cartsync_lww_wall_clock_loses_updates() {
    insta::assert_snapshot!(report_of("cartsync", "lww-wall-clock"));
}

#[test]
fn cartsync_union_cart_brings_a_removed_item_back() {
    insta::assert_snapshot!(report_of("cartsync", "union-cart"));
}
