//! What trial learners hit (issue 13), one test per point: `kata list` agreeing with
//! `grade`, replays that show what matters, timelines that use the terminal, what the
//! router believed, named troubles, materials that say what is graded, and a `watch`
//! that survives rename-style saves.

mod common;

use common::{run, run_env, sh};
use replication_katas::grader::{GradeRequest, Guard, Target};
use replication_katas::katas::Registry;
use replication_katas::katas::failover::prelude as fo;
use replication_katas::katas::quickpost::prelude::*;
use replication_katas::katas::taskflow::prelude as tf;
use replication_katas::report::{GradeReport, Source, Verdict, human};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Collapses every run of whitespace to one space, so wrapped text can be searched.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------------------------
// `kata list` agrees with `grade`

/// The instructor's QuickPost design, except that it forgets a user's token
/// `forget_after` ms after their post ("replicas are never that far behind": 100 s).
/// Right on every curated scenario; wrong when a random lag spike, or a restore in the
/// exhaustive scope, outlasts 100 s. With `Millis::MAX`, it forgets nothing.
struct ForgetfulRouter {
    tokens: BTreeMap<UserId, (Lsn, Millis)>,
    next: usize,
    forget_after: Millis,
}

const FORGET_AFTER_MS: Millis = 100_000;

impl ReadYourWritesRouter for ForgetfulRouter {
    fn on_write_acked(&mut self, ack: &WriteAck, cluster: &ClusterView<'_>) {
        self.tokens.insert(ack.user, (ack.lsn, cluster.now()));
    }

    fn route_read(&mut self, read: &ProfileRead, cluster: &ClusterView<'_>) -> ReadPlan {
        let token = self
            .tokens
            .get(&read.user)
            .filter(|(_, at)| {
                read.is_own_profile() && cluster.now() < at.saturating_add(self.forget_after)
            })
            .map(|(lsn, _)| *lsn);
        let up: Vec<ReplicaId> = cluster
            .replicas()
            .iter()
            .filter(|r| r.is_up())
            .map(|r| r.id)
            .collect();
        self.next = self.next.wrapping_add(1);
        let mut plan = ReadPlan::new();
        for i in 0..up.len().min(MAX_ATTEMPTS - 1) {
            let id = up[(self.next + i) % up.len()];
            plan = match token {
                Some(t) => plan.replica_at_least(id, t),
                None => plan.replica(id),
            };
        }
        plan.primary()
    }
}

fn forgetful_registry() -> Arc<Registry> {
    let learner = || -> Box<dyn ReadYourWritesRouter> {
        Box::new(ForgetfulRouter {
            tokens: BTreeMap::new(),
            next: 0,
            forget_after: FORGET_AFTER_MS,
        })
    };
    Arc::new(Registry::new(vec![
        replication_katas::katas::quickpost::entry(learner, Vec::new()),
    ]))
}

#[test]
fn kata_list_says_what_grade_says_for_code_that_passes_only_the_curated_scenarios() {
    let registry = forgetful_registry();
    let kata = registry.find("quickpost").unwrap();
    for seed in [7, 2024] {
        // The premise: the curated scenarios alone pass, which is all the list used
        // to grade ("passed" for code that `grade` fails).
        let mut curated = GradeRequest::new(Target::Learner, seed);
        curated.random = 0;
        let curated = kata.grade(&curated, &Guard::new()).unwrap();
        assert!(
            curated
                .scenarios
                .iter()
                .filter(|s| s.source == Source::Curated)
                .all(|s| s.verdict == Verdict::Pass),
            "seed {seed}: the premise"
        );

        let grade = kata
            .grade(&GradeRequest::new(Target::Learner, seed), &Guard::new())
            .unwrap();
        assert_eq!(grade.verdict, Verdict::Fail, "seed {seed}: grade fails it");
        // In this process: the supervised child runs the binary's registry, not this
        // test's; `status_here` is what that child runs.
        let status = replication_katas::cli::status_here(
            &registry,
            "quickpost",
            seed,
            replication_katas::cli::STATUS_HANG,
        );
        assert_eq!(status.verdict, grade.verdict, "seed {seed}: {status:?}");
        assert_eq!(status.label, "failing");
        assert!(status.summary.contains("read-your-writes"), "{status:?}");
    }
    // The list grades what `grade` grades: the same scenarios, only no explanation.
    let request = replication_katas::cli::list_request(7);
    let plain = GradeRequest::new(Target::Learner, 7);
    assert_eq!(
        (request.random, request.exhaustive, &request.scenario_dir),
        (plain.random, plain.exhaustive, &plain.scenario_dir)
    );
}

#[test]
fn kata_list_says_what_it_ran() {
    let out = sh("kata list --seed 7 --color never");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        flat(&out.stdout)
            .contains("curated scenarios, 2,000 random ones and the exhaustive scope, seed 7"),
        "{}",
        out.stdout
    );
    for line in out.stdout.lines() {
        assert!(line.chars().count() <= 100, "too wide: {line}");
    }
}

// ---------------------------------------------------------------------------------
// Replays: filters and a default that shows what matters

const REPLAY: &str = "replay quickpost --scenario restore-from-backup --seed 7 --solution trust-reported-lsn \
     --color never";

/// The times of `--lines` output, in milliseconds, with each line's lane.
fn events(stdout: &str) -> Vec<(u64, String)> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("t="))
        .map(|l| {
            let (time, rest) = l.split_at(16);
            let time = time.trim();
            let ms = if let Some((min, s)) = time.split_once(" min ") {
                min.parse::<f64>().unwrap() * 60_000.0
                    + s.trim_end_matches(" s").parse::<f64>().unwrap() * 1_000.0
            } else if let Some(s) = time.strip_suffix(" s") {
                s.parse::<f64>().unwrap() * 1_000.0
            } else {
                time.trim_end_matches(" ms").parse::<f64>().unwrap()
            };
            let lane = rest.split_whitespace().next().unwrap_or("").to_string();
            (ms.round() as u64, lane)
        })
        .collect()
}

#[test]
fn a_long_replay_shows_the_failure_and_says_how_to_see_everything() {
    let all = sh(&format!("{REPLAY} --all --lines"));
    let every = events(&all.stdout);
    assert!(every.len() > 100, "background traffic: {}", every.len());
    assert!(!all.stdout.contains("Showing"), "{}", all.stdout);

    let default = sh(&format!("{REPLAY} --lines"));
    assert_eq!(default.code, 1, "the scenario fails: {}", default.stderr);
    let shown = events(&default.stdout);
    assert!(shown.len() < 20, "{}", default.stdout);
    let text = flat(&default.stdout);
    assert!(
        text.contains(&format!(
            "Showing {} of {} events",
            shown.len(),
            every.len()
        )),
        "{text}"
    );
    assert!(text.contains("--all"), "{text}");
    // What matters: the failing read, the write it missed, the restore.
    assert!(
        default.stdout.contains("read-your-writes violated"),
        "{text}"
    );
    assert!(default.stdout.contains("posts →"), "{text}");
    assert!(
        shown.iter().any(|(_, lane)| lane == "replica-2"),
        "{}",
        default.stdout
    );
}

#[test]
fn replay_filters_by_user_time_and_violation() {
    let by_user = sh(&format!("{REPLAY} --user alice --lines"));
    let shown = events(&by_user.stdout);
    assert!(!shown.is_empty());
    for (_, lane) in &shown {
        assert!(
            lane.starts_with("alice@") || !lane.contains('@'),
            "only alice and the cluster: {}",
            by_user.stdout
        );
    }

    let around = sh(&format!("{REPLAY} --all --lines"));
    let every = events(&around.stdout);
    let (t, _) = every[every.len() / 2];
    let window = sh(&format!("{REPLAY} --around {}ms --window 0.5 --lines", t));
    let shown = events(&window.stdout);
    assert!(shown.iter().any(|&(at, _)| at == t), "{}", window.stdout);
    assert!(
        shown.iter().all(|&(at, _)| at + 500 >= t && at <= t + 500),
        "{}",
        window.stdout
    );
    assert!(shown.len() < every.len());

    let failing = sh(&format!("{REPLAY} --violations --lines"));
    let lines: Vec<&str> = failing
        .stdout
        .lines()
        .filter(|l| l.starts_with("t="))
        .collect();
    assert!(
        lines.iter().any(|l| l.contains("violated")),
        "{}",
        failing.stdout
    );
    assert!(
        lines
            .iter()
            .all(|l| l.contains("alice@") || !l.contains('@')),
        "{}",
        failing.stdout
    );

    let nobody = sh(&format!("{REPLAY} --user zed"));
    assert_eq!(nobody.code, 2);
    assert!(nobody.stderr.contains("alice"), "{}", nobody.stderr);
    let bad_time = sh(&format!("{REPLAY} --around soon"));
    assert_eq!(bad_time.code, 2);
    assert!(bad_time.stderr.contains("seconds"), "{}", bad_time.stderr);
}

// ---------------------------------------------------------------------------------
// Timelines use the terminal's width

/// Six replicas sharing the reads, and background users: a timeline a little wider
/// than 100 columns.
const SIX_REPLICAS: &str = "schema: 1
kata: quickpost
name: six-replicas
description: Six replicas share the reads; alice posts and reads her profile back.
cluster:
  replicas: 6
  lag_ms: [100, 200, 300, 400, 500, 600]
users: [alice]
ops:
  - { at_ms: 1000, user: alice, device: phone, op: post }
  - { at_ms: 1050, user: alice, device: phone, op: view_profile }
traffic: { users: 10, duration_ms: 5000, browse_per_s: 10, posts_per_s: 0 }
";

#[test]
fn timelines_use_the_width_they_are_given_and_100_columns_when_piped() {
    let dir = common::temp_dir("six-replicas");
    std::fs::write(dir.join("six-replicas.yaml"), SIX_REPLICAS).unwrap();
    let args = [
        "replay",
        "quickpost",
        "--scenario",
        "six-replicas",
        "--scenarios",
        dir.to_str().unwrap(),
        "--seed",
        "7",
        "--solution",
        "always-replica",
        "--all",
        "--color",
        "never",
    ];
    let piped = run(&args);
    let timeline = |out: &str| -> Vec<String> {
        out.lines()
            .skip_while(|l| !l.starts_with("time"))
            .take_while(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    };
    let narrow = timeline(&piped.stdout);
    assert!(narrow.len() > 10, "{}", piped.stdout);
    assert!(
        narrow.iter().all(|l| l.chars().count() <= 100),
        "{narrow:#?}"
    );
    assert!(
        narrow.iter().any(|l| l.contains('…')),
        "something is cut at 100 columns: {narrow:#?}"
    );

    let wide = run_env(&args, &[("COLUMNS", "220")]);
    let wide = timeline(&wide.stdout);
    assert!(wide.iter().all(|l| l.chars().count() <= 220));
    assert!(
        !wide.iter().any(|l| l.contains('…')),
        "nothing is cut at 220: {wide:#?}"
    );
    assert!(wide[0].contains("replica-1") && wide[0].contains("replica-6"));
}

// ---------------------------------------------------------------------------------
// What the router believed, next to the truth

#[test]
fn a_failing_read_shows_what_the_router_was_told_and_the_truth() {
    let out = sh("grade quickpost --solution trust-reported-lsn --seed 7 --random 0 --color never");
    let text = flat(&out.stdout);
    assert!(text.contains("The router was told:"), "{}", out.stdout);
    // The restored replica still reported the post it lost.
    assert!(
        text.contains("replica-2 up, reported LSN 1"),
        "{}",
        out.stdout
    );
    assert!(text.contains("In truth:"), "{}", out.stdout);
    assert!(text.contains("replica-2 at LSN 0"), "{}", out.stdout);
}

// ---------------------------------------------------------------------------------
// TaskFlow: the guarantee is per session, across boards

/// The instructor's design with one mark per (user, board): what a learner builds from
/// "a board must never go back in time".
struct PerBoardMarks {
    marks: BTreeMap<(tf::UserId, tf::Key), tf::Lsn>,
    writes: BTreeMap<tf::Key, Vec<tf::Lsn>>,
    next: usize,
}

impl replication_katas::katas::taskflow::MonotonicReadsRouter for PerBoardMarks {
    fn on_write_acked(&mut self, write: &tf::BoardWrite, _: &tf::ClusterView<'_>) {
        self.writes.entry(write.board).or_default().push(write.lsn);
    }

    fn route_read(&mut self, read: &tf::BoardRead, cluster: &tf::ClusterView<'_>) -> tf::ReadPlan {
        let mark = self
            .marks
            .get(&(read.user, read.board))
            .copied()
            .unwrap_or(tf::Lsn::ZERO);
        let up: Vec<tf::ReplicaId> = cluster
            .replicas()
            .iter()
            .filter(|r| r.is_up())
            .map(|r| r.id)
            .collect();
        self.next = self.next.wrapping_add(1);
        let mut plan = tf::ReadPlan::new();
        for i in 0..up.len().min(tf::MAX_ATTEMPTS - 1) {
            plan = plan.replica_at_least(up[(self.next + i) % up.len()], mark);
        }
        plan.primary()
    }

    fn on_read_served(&mut self, receipt: &tf::ReadReceipt, _: &tf::ClusterView<'_>) {
        let Some(relevant) = self.writes.get(&receipt.board).and_then(|lsns| {
            let i = lsns.partition_point(|&l| l <= receipt.observed);
            i.checked_sub(1).map(|i| lsns[i])
        }) else {
            return;
        };
        let mark = self
            .marks
            .entry((receipt.user, receipt.board))
            .or_insert(relevant);
        *mark = (*mark).max(relevant);
    }
}

#[test]
fn a_missed_update_on_another_board_is_named_with_its_board() {
    let learner = || -> Box<dyn replication_katas::katas::taskflow::MonotonicReadsRouter> {
        Box::new(PerBoardMarks {
            marks: BTreeMap::new(),
            writes: BTreeMap::new(),
            next: 0,
        })
    };
    let kata = replication_katas::katas::taskflow::entry(learner, Vec::new());
    let mut request = GradeRequest::new(Target::Learner, 7);
    request.random = 200;
    let report = kata.grade(&request, &Guard::new()).unwrap();
    assert_eq!(report.verdict, Verdict::Fail);
    let across: Vec<&str> = report
        .scenarios
        .iter()
        .flat_map(|s| &s.violations)
        .map(|v| v.explanation.as_str())
        .filter(|e| e.contains("per session, across boards"))
        .collect();
    assert!(
        !across.is_empty(),
        "a per-board mark misses updates seen on other boards"
    );
    for e in across {
        // "… saw carol's update LSN 7 to board launch; then … read of board ops …"
        let written = e
            .split(" to board ")
            .nth(1)
            .unwrap()
            .split(';')
            .next()
            .unwrap();
        let read = e
            .split("read of board ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap();
        assert_ne!(written, read, "{e}");
        assert!(
            e.contains(&format!("the update to board {written} vanished")),
            "{e}"
        );
    }
}

#[test]
fn taskflow_materials_say_the_guarantee_is_per_session_across_boards() {
    let show = sh("kata show taskflow --color never");
    let text = flat(&show.stdout);
    assert!(text.contains("per session, not per board"), "{text}");
    assert!(
        text.contains("fair share"),
        "the load check is explained: {text}"
    );
    let list = sh("kata list --seed 1 --color never");
    assert!(
        list.stdout.contains("across all their boards"),
        "{}",
        list.stdout
    );
    for file in [
        include_str!("../katas/taskflow.rs"),
        include_str!("../skeletons/taskflow.rs"),
    ] {
        assert!(flat(file).contains("Per session, across boards."));
    }
}

// ---------------------------------------------------------------------------------
// Failover: named troubles, the clock, the safe follower on a costly refusal

/// Declares the leader dead after 5 s and always refuses: a coordinator that pages a
/// human even when a follower had everything.
struct AlwaysRefuses;

impl fo::FailoverCoordinator for AlwaysRefuses {
    fn leader_is_dead(&mut self, view: &fo::FailoverView) -> bool {
        view.silence_ms >= 5_000
    }

    fn elect_new_leader(&mut self, view: &fo::FailoverView) -> Option<fo::Promotion> {
        let best = view.reachable().max_by_key(|f| (f.position, f.sync))?;
        Some(fo::Promotion {
            node: best.node,
            term: fo::Term(view.term.0 + 1),
        })
    }

    fn validate_safe_failover(
        &mut self,
        _: &fo::FailoverView,
        _: &fo::Promotion,
    ) -> Result<(), fo::Refusal> {
        Err(fo::Refusal("a human should always decide".into()))
    }
}

#[test]
fn a_refusal_that_costs_the_downtime_budget_names_the_safe_follower() {
    let kata = replication_katas::katas::failover::entry(
        || -> Box<dyn fo::FailoverCoordinator> { Box::new(AlwaysRefuses) },
        Vec::new(),
    );
    let mut request = GradeRequest::new(Target::Learner, 7);
    request.random = 0;
    let report: GradeReport = kata.grade(&request, &Guard::new()).unwrap();
    let text = flat(&human::grade(&report));
    assert!(text.contains("could have been promoted safely"), "{text}");
    assert!(text.contains("a majority"), "{text}");
    assert!(text.contains("refuses"), "{text}");
    assert!(text.contains("last heartbeat"), "{text}");
}

#[test]
fn the_failover_timeline_names_the_trouble_and_the_positions() {
    let out = sh("grade failover --solution no-fencing --seed 7 --random 0 --color never");
    let text = flat(&out.stdout);
    // The trouble by name, the promotion under the old leader's term (4: the scenario
    // starts there), each node's position, the term and the last heartbeat.
    assert!(text.contains("crash, 71000"), "{}", out.stdout);
    assert!(text.contains("promoted, term 4"), "{}", out.stdout);
    assert!(
        text.contains("70997"),
        "each follower's position: {}",
        out.stdout
    );
    assert!(text.contains("term 4, heard 10.000 s"), "{}", out.stdout);
    assert!(
        text.contains("Shrunk from 7 to 4 nodes, troubles and lag faults"),
        "{}",
        out.stdout
    );
    // Its own legend, not the read katas'.
    assert!(!text.contains("attempt order"), "{}", out.stdout);
    for needle in [
        "sync: the semi-synchronous follower",
        "true m: where it really is",
        "heard t: the leader's last heartbeat",
    ] {
        assert!(text.contains(needle), "{needle}: {}", out.stdout);
    }

    let minimal = sh("grade failover --solution always-promote --seed 7 --random 0 --color never");
    assert!(
        flat(&minimal.stdout).contains("Already minimal at 4 nodes, troubles and lag faults"),
        "{}",
        minimal.stdout
    );
}

#[test]
fn failover_materials_state_the_clock_and_one_election_rule() {
    let show = flat(&sh("kata show failover --color never").stdout);
    for needle in [
        "heartbeat every second",
        "checks every half second",
        "Silence starts counting at the last heartbeat",
        "60 s after a crash",
        "ties go to the sync follower",
    ] {
        assert!(show.contains(needle), "{needle}: {show}");
    }
    assert!(!show.contains("sync first"), "{show}");
    for file in [
        include_str!("../katas/failover.rs"),
        include_str!("../skeletons/failover.rs"),
    ] {
        let file = flat(&file.replace("//!", ""));
        assert!(file.contains("heartbeat every **1 s**"));
        assert!(file.contains("ties go to the `sync` follower"));
    }
}

// ---------------------------------------------------------------------------------
// Quorum: the pass answers the kata's question; the quorum timeline shows responders

#[test]
fn a_quorum_pass_answers_99_9_or_99_999_with_the_graded_value() {
    let out = sh("grade quorum --solution --seed 7 --random 0 --color never");
    assert_eq!(out.code, 0, "{}", out.stdout);
    let text = flat(&out.stdout);
    assert!(
        text.contains("availability(n=5, k=3, p=0.99) = 0.9999901494"),
        "{text}"
    );
    assert!(text.contains("99.999% of the time"), "{text}");
    assert!(
        text.contains("at least 4 are up: availability(n=5, k=4, p=0.99) = 0.99901985"),
        "{text}"
    );
    // The scenario's description asks; it does not answer.
    let description = include_str!("../scenarios/quorum/source-numbers.yaml");
    assert!(!description.contains("0.99999"), "{description}");
}

#[test]
fn the_quorum_timeline_shows_every_responder_and_its_version() {
    let out = sh("grade quorum --solution first-response-wins --seed 7 --random 0 --color never");
    let timeline: Vec<&str> = out
        .stdout
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("time"))
        .collect();
    let read = timeline
        .iter()
        .find(|l| l.contains("✗ client@app read"))
        .expect("the failing read is drawn");
    // Both responders, in answer order, with what each returned.
    assert!(read.contains("1 —") && read.contains("2 v1"), "{read}");
    assert!(!out.stdout.contains("attempt order"), "{}", out.stdout);
}

// ---------------------------------------------------------------------------------
// A pass points to `compare`; compare explains every column; timings on request

#[test]
fn a_learner_pass_points_to_compare_not_to_solutions() {
    let learner = || -> Box<dyn ReadYourWritesRouter> {
        Box::new(ForgetfulRouter {
            tokens: BTreeMap::new(),
            next: 0,
            forget_after: Millis::MAX,
        })
    };
    let kata = replication_katas::katas::quickpost::entry(learner, Vec::new());
    let mut request = GradeRequest::new(Target::Learner, 7);
    request.random = 0;
    let report = kata.grade(&request, &Guard::new()).unwrap();
    assert_eq!(report.verdict, Verdict::Pass);
    let text = flat(&human::grade(&report));
    assert!(text.contains("`cargo run -- compare quickpost`"), "{text}");
    assert!(!text.contains("solutions/"), "{text}");
}

#[test]
fn every_compare_column_is_in_the_legend() {
    for kata in ["quickpost", "quorum", "failover"] {
        let out = sh(&format!("compare {kata} --seed 3 --random 5 --color never"));
        let header = out
            .stdout
            .lines()
            .find(|l| l.starts_with("implementation"))
            .unwrap();
        let legend: Vec<&str> = out
            .stdout
            .lines()
            .skip_while(|l| *l != "Columns:")
            .collect();
        // Every column named in the legend, removed from the header, leaves only the
        // first two (names may contain a space: "QI viol").
        let mut rest = header
            .replacen("implementation", "", 1)
            .replacen("verdict", "", 1);
        let explained: Vec<&str> = legend[1..]
            .iter()
            .filter(|l| l.starts_with("  "))
            .map(|l| l[2..14].trim())
            .collect();
        assert!(explained.len() >= 4, "{}", out.stdout);
        for name in explained {
            rest = rest.replacen(name, "", 1);
        }
        assert!(
            rest.trim().is_empty(),
            "{kata}: columns without a legend entry: `{}`\n{}",
            rest.trim(),
            out.stdout
        );
    }
}

#[test]
fn the_timing_line_appears_only_with_timings() {
    let plain = sh("grade quorum --solution --seed 3 --random 5 --color never");
    assert!(!plain.stderr.contains("graded"), "{}", plain.stderr);
    let timed = sh("grade quorum --solution --seed 3 --random 5 --color never --timings");
    assert!(timed.stderr.contains("graded"), "{}", timed.stderr);
}

// ---------------------------------------------------------------------------------
// watch: rename-style saves, --seed

/// A running `watch`, its output read line by line as it comes.
struct Watching {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Watching {
    fn start(root: &std::path::Path, args: &[&str]) -> Watching {
        use std::io::BufRead;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_replication-katas"))
            .args([
                "watch",
                "quickpost",
                "--color",
                "never",
                "--debounce-ms",
                "50",
            ])
            .args(args)
            .env("REPLICATION_KATAS_WATCH_SELF", "1")
            .env("REPLICATION_KATAS_ROOT", root)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Watching {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits until `n` grades have finished (each ends with the status line).
    fn wait_for_grades(&mut self, n: usize) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while self.grades() < n {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(_) => panic!(
                    "expected {n} grades, saw {}:\n{}",
                    self.grades(),
                    self.seen.join("\n")
                ),
            }
        }
    }

    fn grades(&self) -> usize {
        self.seen.iter().filter(|l| l.contains("q quits")).count()
    }

    fn quit(mut self) -> Vec<String> {
        use std::io::Write;
        self.child.stdin.take().unwrap().write_all(b"q\n").unwrap();
        let status = self.child.wait().unwrap();
        assert!(status.success());
        self.seen.extend(self.lines.try_iter());
        self.seen
    }
}

/// Saves as vim, `sed -i` and `os.replace` do: a new file renamed over the old one.
fn save_by_rename(file: &std::path::Path, text: &str) {
    let temp = file.with_extension("rs.tmp");
    std::fs::write(&temp, text).unwrap();
    std::fs::rename(&temp, file).unwrap();
}

#[test]
fn watch_regrades_after_every_rename_style_save_and_in_place_write() {
    let root = common::temp_dir("watch-rename");
    std::fs::create_dir_all(root.join("katas")).unwrap();
    let file = root.join("katas/quickpost.rs");
    std::fs::write(&file, "// version 1\n").unwrap();
    let mut watch = Watching::start(&root, &["--seed", "5"]);
    watch.wait_for_grades(1);
    // The file the watch started on is replaced; later saves must still count.
    save_by_rename(&file, "// version 2\n");
    watch.wait_for_grades(2);
    save_by_rename(&file, "// version 3\n");
    watch.wait_for_grades(3);
    std::fs::write(&file, "// version 4, written in place\n").unwrap();
    watch.wait_for_grades(4);
    // A file next to it is not the kata file.
    std::fs::write(root.join("katas/notes.txt"), "not a kata\n").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    let seen = watch.quit();
    let statuses: Vec<&String> = seen.iter().filter(|l| l.contains("q quits")).collect();
    assert_eq!(statuses.len(), 4, "{}", seen.join("\n"));
    // --seed: every grade ran on seed 5, and the status line says so.
    assert!(
        statuses.iter().all(|l| l.contains("seed 5")),
        "{statuses:?}"
    );
    let headers = seen
        .iter()
        .filter(|l| l.starts_with("quickpost · "))
        .count();
    let seeded = seen
        .iter()
        .filter(|l| l.starts_with("quickpost · ") && l.ends_with("seed 5"))
        .count();
    assert_eq!((headers, seeded), (4, 4), "{}", seen.join("\n"));
}
