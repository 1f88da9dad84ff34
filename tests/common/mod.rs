//! Helpers shared by the end-to-end tests: run the real binary, read its JSON.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_replication-katas");

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args).env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("the binary runs");
    Output {
        code: out.status.code().expect("exited normally, not by a signal"),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
    }
}

pub fn run(args: &[&str]) -> Output {
    run_env(args, &[])
}

/// Runs a command line given as one string (arguments without spaces).
pub fn sh(command: &str) -> Output {
    run(&command.split_whitespace().collect::<Vec<_>>())
}

/// Grades a solution as JSON, checking that the exit code matches the verdict.
pub fn grade_json(kata: &str, solution: &str, seed: &str, random: &str) -> serde_json::Value {
    let out = run(&[
        "grade",
        kata,
        "--solution",
        solution,
        "--seed",
        seed,
        "--random",
        random,
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("JSON output ({e}):\n{}\n{}", out.stdout, out.stderr));
    let expected_code = if json["verdict"] == "pass" { 0 } else { 1 };
    assert_eq!(out.code, expected_code, "{}", out.stderr);
    json
}

/// The curated scenarios that failed, each with every guarantee violated (counted, not
/// only the listed violations; in name order) and then the budgets missed (as
/// `budget:<metric>`).
pub fn curated_failures(json: &serde_json::Value) -> Vec<(String, Vec<String>)> {
    json["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| !["random", "exhaustive"].contains(&s["source"].as_str().unwrap_or("file")))
        .filter(|s| s["verdict"] != "pass")
        .map(|s| {
            // Every guarantee violated, counted (the listed violations are capped), once
            // each, in name order; then the budgets missed.
            let reasons: Vec<String> = s["violations_by_guarantee"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .chain(
                    s["budgets"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|b| b["met"] == false)
                        .map(|b| format!("budget:{}", b["metric"].as_str().unwrap())),
                )
                .collect();
            (s["name"].as_str().unwrap().to_string(), reasons)
        })
        .collect()
}

/// The failing scenarios' names only.
pub fn failing_names(json: &serde_json::Value) -> Vec<String> {
    curated_failures(json).into_iter().map(|(n, _)| n).collect()
}

/// `names`, each failing for `reason` alone.
pub fn each(names: &[&str], reason: &str) -> Vec<(String, Vec<String>)> {
    names
        .iter()
        .map(|n| (n.to_string(), vec![reason.to_string()]))
        .collect()
}

pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rk-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
