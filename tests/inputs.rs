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
        .replace("leader_side: [2, 3]", "leader_side: [2, 2]");
    let (code, stderr) = grade_file("failover", "twice", &failover);
    assert_eq!(code, 2, "a follower listed twice: {stderr}");
    assert!(stderr.contains("follower 2 twice"), "{stderr}");

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
