//! Inputs the grader must refuse with exit code 2 and a sentence saying what to do,
//! never a panic, a hang or a silent choice (issue 17, "Inputs").

mod common;

use common::{run, temp_dir};

const SCENARIO: &str = "schema: 1\nkata: quickpost\nname: twin\ncluster:\n  replicas: 1\n  \
lag_ms: [10]\nusers: [alice]\nops:\n  - { at_ms: 1000, user: alice, device: phone, op: post }\n";

#[test]
fn exhaustive_with_random_or_scenarios_is_a_usage_error() {
    let out = run(&["grade", "quickpost", "--exhaustive", "--random", "5"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("cannot be used with"), "{}", out.stderr);
    let dir = temp_dir("exhaustive-dir");
    let out = run(&[
        "grade",
        "quickpost",
        "--exhaustive",
        "--scenarios",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("cannot be used with"), "{}", out.stderr);
}

#[test]
fn more_random_scenarios_than_memory_allows_is_a_usage_error() {
    let out = run(&["grade", "quickpost", "--random", "5000000"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("at most 100000"), "{}", out.stderr);
    assert!(out.stderr.contains("several seeds"), "{}", out.stderr);
}

#[test]
fn two_files_with_the_same_scenario_name_are_refused() {
    let dir = temp_dir("twins");
    std::fs::write(dir.join("a.yaml"), SCENARIO).unwrap();
    std::fs::write(dir.join("b.yaml"), SCENARIO).unwrap();
    let out = run(&[
        "grade",
        "quickpost",
        "--solution",
        "--scenarios",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(out.stderr.contains("b.yaml"), "{}", out.stderr);
    assert!(
        out.stderr.contains("a.yaml is also named `twin`"),
        "{}",
        out.stderr
    );
    // One file alone is fine.
    std::fs::remove_file(dir.join("b.yaml")).unwrap();
    let out = run(&[
        "grade",
        "quickpost",
        "--solution",
        "--scenarios",
        dir.to_str().unwrap(),
        "--random",
        "0",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[cfg(unix)]
#[test]
fn a_fifo_in_the_scenarios_directory_is_refused_not_waited_on() {
    let dir = temp_dir("fifo");
    let fifo = dir.join("pipe.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let out = run(&[
        "grade",
        "quickpost",
        "--solution",
        "--scenarios",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("not a regular file"), "{}", out.stderr);
}

#[test]
fn a_bom_nul_or_invalid_utf8_file_is_handled_with_a_position() {
    let dir = temp_dir("encodings");
    let path = dir.join("s.yaml");
    let grade = || {
        run(&[
            "grade",
            "quickpost",
            "--solution",
            "--scenarios",
            dir.to_str().unwrap(),
            "--random",
            "0",
        ])
    };
    std::fs::write(&path, format!("\u{feff}{SCENARIO}")).unwrap();
    let out = grade();
    assert_eq!(out.code, 0, "a BOM is fine: {}", out.stderr);

    std::fs::write(&path, SCENARIO.replace("alice]", "alice\0]")).unwrap();
    let out = grade();
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("s.yaml:7:14: a NUL"), "{}", out.stderr);

    let mut bytes = SCENARIO.as_bytes().to_vec();
    bytes.splice(50..50, [0xff]);
    std::fs::write(&path, bytes).unwrap();
    let out = grade();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("s.yaml:5:5: not valid UTF-8"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_empty_file_gets_plain_words() {
    let dir = temp_dir("empty");
    std::fs::write(dir.join("s.yaml"), "").unwrap();
    let out = run(&["grade", "quickpost", "--scenarios", dir.to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert!(!out.stderr.contains("struct Header"), "{}", out.stderr);
    assert!(!out.stderr.contains("unit value"), "{}", out.stderr);
    assert!(out.stderr.contains("the file is empty"), "{}", out.stderr);
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_on_stdout_is_an_error_not_a_panic() {
    for args in [
        &["grade", "quickpost", "--solution", "--random", "10"][..],
        &["kata", "list"][..],
        &["kata", "show", "quickpost"][..],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_replication-katas"))
            .args(args)
            .stdout(full)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("No space left on device"), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// Grades `yaml` as the only extra scenario file; returns (exit code, stderr).
fn grade_file(kata: &str, name: &str, yaml: &str) -> (i32, String) {
    let dir = temp_dir(name);
    std::fs::write(dir.join(format!("{name}.yaml")), yaml).unwrap();
    let out = run(&[
        "grade",
        kata,
        "--solution",
        "--scenarios",
        dir.to_str().unwrap(),
        "--random",
        "0",
    ]);
    (out.code, out.stderr)
}

#[test]
fn every_listed_field_is_held_to_its_documented_limit() {
    let quickpost = SCENARIO.replace(
        "ops:",
        "traffic: { users: 2, duration_ms: 1000, browse_per_s: 1, posts_per_s: 1, \
         check_within_ms: 864000000 }\nops:",
    );
    let (code, stderr) = grade_file("quickpost", "check", &quickpost);
    assert_eq!(code, 2, "10 days of check_within_ms: {stderr}");
    assert!(stderr.contains("traffic.check_within_ms"), "{stderr}");
    assert!(stderr.contains("24 h"), "{stderr}");

    let failover = std::fs::read_to_string("scenarios/failover/minority-partition.yaml")
        .unwrap()
        .replace("with: [2, 3]", "with: [2, 2]");
    let (code, stderr) = grade_file("failover", "twice", &failover);
    assert_eq!(code, 2, "a follower listed twice: {stderr}");
    assert!(stderr.contains("node-2 twice"), "{stderr}");

    let taskflow = std::fs::read_to_string("scenarios/taskflow/divergent-lags.yaml")
        .unwrap()
        .replace("name: divergent-lags", "name: nan-budget")
        + "budgets: { max_load_imbalance: .nan }\n";
    let (code, stderr) = grade_file("taskflow", "nan", &taskflow);
    assert_eq!(code, 2, "a NaN budget: {stderr}");
    assert!(stderr.contains("max_load_imbalance"), "{stderr}");
}

#[test]
fn a_hundred_thousand_devices_are_checked_in_linear_time() {
    let devices: Vec<String> = (0..100_000).map(|i| format!("d{i}")).collect();
    let yaml = SCENARIO.replace(
        "users: [alice]",
        &format!("users: [alice]\ndevices: [{}, d7]", devices.join(", ")),
    );
    let started = std::time::Instant::now();
    let (code, stderr) = grade_file("quickpost", "devices", &yaml);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("`d7` is listed twice"), "{stderr}");
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}

/// A generating section past its limit: refused from its fields alone — exit 2, at
/// the section's line and column, naming the limit — in the time a parse takes, not
/// the hours (or the memory) expanding it would.
fn refused_before_expansion(kata: &str, name: &str, yaml: &str, at: &str, limit: &str) {
    let started = std::time::Instant::now();
    let (code, stderr) = grade_file(kata, name, yaml);
    assert_eq!(code, 2, "{kata}: {stderr}");
    assert!(
        stderr.contains(&format!("{name}.yaml:{at}: ")),
        "{kata}: not at {at}: {stderr}"
    );
    assert!(stderr.contains(limit), "{kata}: {stderr}");
    assert!(stderr.contains("docs/scenarios.md"), "{kata}: {stderr}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "{kata}: {:?}",
        started.elapsed()
    );
}

#[test]
fn quickpost_traffic_past_a_million_operations_is_refused_before_expansion() {
    // The example in docs/scenarios.md: 10,000 users browsing 4 million profiles a
    // second for a day.
    let yaml = "schema: 1\nkata: quickpost\nname: busy\ncluster:\n  replicas: 2\n  \
                lag_ms: [1500, 2500]\nusers: [alice]\nops:\n  - { at_ms: 1000, user: alice, \
                device: phone, op: post }\ntraffic:\n  users: 10000\n  duration_ms: 86400000\n  \
                browse_per_s: 4000000\n  posts_per_s: 0\n";
    refused_before_expansion(
        "quickpost",
        "busy",
        yaml,
        "11:3",
        "would generate 345600000000 operations",
    );
    // Posts count twice (each is followed by a check of one's own profile): 600,000
    // posts are 1.2 million operations.
    let posts = SCENARIO.replace(
        "ops:",
        "traffic: { users: 5, duration_ms: 600000, browse_per_s: 0, posts_per_s: 1000 }\nops:",
    );
    refused_before_expansion("quickpost", "posts", &posts, "8:10", "the limit is 1000000");
    // At the limit, it runs.
    let (code, stderr) = grade_file(
        "quickpost",
        "at-limit",
        &SCENARIO.replace(
            "ops:",
            "traffic: { users: 5, duration_ms: 1000, browse_per_s: 0, posts_per_s: 1 }\nops:",
        ),
    );
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn taskflow_traffic_past_a_million_operations_is_refused_before_expansion() {
    let yaml = std::fs::read_to_string("scenarios/taskflow/hot-users.yaml")
        .unwrap()
        .replace("name: hot-users", "name: flood")
        .replace("refresh_per_s: 15", "refresh_per_s: 4000000000")
        .replace("duration_ms: 40000", "duration_ms: 86400000");
    let line = yaml
        .lines()
        .position(|l| l.starts_with("traffic:"))
        .unwrap()
        + 1;
    refused_before_expansion(
        "taskflow",
        "flood",
        &yaml,
        &format!("{line}:10"),
        "the limit is 1000000",
    );
}

#[test]
fn a_quorum_sweep_with_too_many_values_is_refused_before_it_runs() {
    // 100,000 values of k: 4 billion calls up to N = 50.
    let ks: Vec<String> = (1..=100_000).map(|k| k.to_string()).collect();
    let yaml = format!(
        "schema: 1\nkata: quorum\nname: many-k\nsweep:\n  function: k_staleness\n  \
         max_n: 50\n  exhaustive_up_to: 50\n  k: [{}]\n",
        ks.join(", ")
    );
    refused_before_expansion(
        "quorum",
        "many-k",
        &yaml,
        "5:3",
        "sweep.k lists 100000 values; the limit is 64",
    );
    let ps: Vec<String> = (1..=65).map(|i| format!("0.{i:03}")).collect();
    let yaml = format!(
        "schema: 1\nkata: quorum\nname: many-p\nsweep:\n  function: availability\n  \
         p: [{}]\n",
        ps.join(", ")
    );
    refused_before_expansion("quorum", "many-p", &yaml, "5:3", "sweep.p lists 65 values");
}

#[test]
fn hints_run_at_once_never_share_a_temporary_file() {
    let state = temp_dir("hints-at-once");
    let children: Vec<_> = (0..8)
        .map(|_| {
            std::process::Command::new(env!("CARGO_BIN_EXE_replication-katas"))
                .args(["hint", "quickpost"])
                .env("REPLICATION_KATAS_STATE_DIR", &state)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("the binary starts")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Hint "),
            "a hint is shown"
        );
    }
    // Whichever write won, the file is whole, and no temporary file is left behind.
    let text = std::fs::read_to_string(state.join("progress.json")).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert!(
        json["hints_seen"]["quickpost"].as_u64().unwrap() >= 1,
        "{json}"
    );
    let left: Vec<_> = std::fs::read_dir(&state)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "progress.json")
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// The most memory any process this test binary has waited for (and its waited-for
/// descendants: the grader's child) has used, in bytes.
#[cfg(target_os = "linux")]
fn children_max_rss() -> u64 {
    // SAFETY: getrusage fills the struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage
    };
    usage.ru_maxrss as u64 * 1024
}

#[cfg(target_os = "linux")]
#[test]
fn a_400_000_operation_failure_is_explained_in_bounded_time_and_memory() {
    // Issue 17: shrinking such a TaskFlow file took 562 s and 808 MiB. It replaces the
    // first curated scenario, so it is the one explained.
    let yaml = std::fs::read_to_string("scenarios/taskflow/hot-users.yaml")
        .unwrap()
        .replace("name: hot-users", "name: divergent-lags")
        .replace("refresh_per_s: 15", "refresh_per_s: 2000")
        .replace("duration_ms: 40000", "duration_ms: 200000");
    let dir = temp_dir("huge-shrink");
    std::fs::write(dir.join("huge.yaml"), yaml).unwrap();
    let started = std::time::Instant::now();
    let out = run(&[
        "grade",
        "taskflow",
        "--solution",
        "random-replica",
        "--scenarios",
        dir.to_str().unwrap(),
        "--random",
        "0",
        "--seed",
        "7",
        "--format",
        "json",
    ]);
    let elapsed = started.elapsed();
    assert_eq!(out.code, 1, "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(json["learner_fault"].is_null(), "{}", json["learner_fault"]);
    let c = &json["counterexample"];
    assert_eq!(c["scenario"], "divergent-lags");
    assert_eq!(c["shrunk_from"], 400_200, "{c}");
    assert!(c["shrunk_to"].as_u64().unwrap() < 20, "{c}");
    // Shrinking stops at 10 s; the rest is the grade and the explanation.
    assert!(elapsed < std::time::Duration::from_secs(60), "{elapsed:?}");
    // Two traces of it held at once took 760 MB, within reach of the child's 1 GiB
    // limit: an out-of-memory verdict the learner's code did not earn.
    let rss = children_max_rss();
    assert!(rss < 450 << 20, "{} MiB", rss >> 20);
}
