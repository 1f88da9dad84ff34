//! End-to-end tests of `quiz`: the real binary, without a terminal — answer lists,
//! JSON, malformed input, instructors' quiz files, and the score in the progress file.

mod common;

use common::{Output, run_env, temp_dir};
use replication_katas::quiz::{self, Expected, Known, Quiz};

const KATAS: [&str; 5] = ["quickpost", "taskflow", "quorum", "failover", "cartsync"];

fn shipped(kata: &str) -> Quiz {
    quiz::load(kata, None, &Known::default()).unwrap().unwrap()
}

/// The right answers: every letter, then every challenge's exact value.
fn right_answers(quiz: &Quiz) -> String {
    let mut items: Vec<String> = quiz
        .questions
        .iter()
        .map(|q| ((b'a' + q.answer as u8) as char).to_string())
        .collect();
    items.extend(quiz.challenges.iter().map(|c| match &c.answer {
        Expected::Number { value, .. } => value.to_string(),
        Expected::Text(words) => words[0].clone(),
    }));
    items.join(",")
}

/// Every letter one past the right one; no challenge answers.
fn wrong_answers(quiz: &Quiz) -> String {
    quiz.questions
        .iter()
        .map(|q| ((b'a' + ((q.answer + 1) % q.choices.len()) as u8) as char).to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// Runs with a private progress file in `state`.
fn run_in(state: &std::path::Path, args: &[&str]) -> Output {
    run_env(
        args,
        &[("REPLICATION_KATAS_STATE_DIR", state.to_str().unwrap())],
    )
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("JSON ({e}):\n{}\n{}", out.stdout, out.stderr))
}

#[test]
fn every_shipped_quiz_loads_in_the_binary_with_its_scenarios_and_strategies() {
    let state = temp_dir("quiz-reveal");
    for kata in KATAS {
        // The binary checks scenario and strategy names against the registry.
        let out = run_in(&state, &["quiz", kata, "--reveal"]);
        assert_eq!(out.code, 0, "{kata}: {}", out.stderr);
        let quiz = shipped(kata);
        assert!(quiz.questions.len() >= 5 && quiz.challenges.len() >= 2);
        for q in &quiz.questions {
            assert!(
                out.stdout.contains(&format!("[{}]", q.id)),
                "{kata}/{}",
                q.id
            );
        }
    }
}

#[test]
fn right_answers_pass_and_wrong_ones_fail_with_explanations() {
    let state = temp_dir("quiz-answers");
    for kata in KATAS {
        let quiz = shipped(kata);
        let right = right_answers(&quiz);
        let out = run_in(&state, &["quiz", kata, "--answers", &right]);
        assert_eq!(out.code, 0, "{kata} {right}:\n{}{}", out.stdout, out.stderr);
        assert_eq!(
            out.stdout.matches("✓ right").count(),
            quiz.questions.len() + quiz.challenges.len()
        );

        let wrong = wrong_answers(&quiz);
        let out = run_in(&state, &["quiz", kata, "--answers", &wrong]);
        assert_eq!(out.code, 1, "{kata}: {}", out.stderr);
        assert_eq!(
            out.stdout.matches("The answer is").count(),
            quiz.questions.len()
        );
        // Each explanation is shown after its answer, with where it shows.
        for q in &quiz.questions {
            let first_words: String = q.explanation.chars().take(25).collect();
            assert!(out.stdout.contains(&first_words), "{kata}/{}", q.id);
        }
        assert!(out.stdout.contains("cargo run -- replay"), "{}", out.stdout);
    }
}

#[test]
fn json_gives_per_question_results() {
    let state = temp_dir("quiz-json");
    let quiz = shipped("quorum");
    let n = quiz.questions.len();
    // All questions right, the first challenge with the source's wrong 99.9%, the
    // second skipped, the third right as a fraction.
    let mut answers = right_answers(&quiz)
        .split(',')
        .take(n)
        .collect::<Vec<_>>()
        .join(",");
    answers.push_str(",99.9%,-,3/10");
    let out = run_in(
        &state,
        &["quiz", "quorum", "--answers", &answers, "--format", "json"],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let v = json(&out);
    assert_eq!(v["kata"], "quorum");
    assert_eq!(v["all_right"], false);
    assert_eq!(v["score"]["right"], n);
    assert_eq!(v["score"]["solved"], 1);
    let questions = v["questions"].as_array().unwrap();
    assert_eq!(questions.len(), n);
    for q in questions {
        assert_eq!(q["right"], true);
        assert_eq!(q["answer"], q["expected"]);
        assert!(q["explanation"].as_str().unwrap().len() > 80);
    }
    let c = v["challenges"].as_array().unwrap();
    assert_eq!(
        (&c[0]["answer"], &c[0]["right"]),
        (&serde_json::json!("99.9%"), &serde_json::json!(false))
    );
    assert!((c[0]["expected"].as_f64().unwrap() - 0.99999015).abs() < 1e-8);
    assert_eq!(c[1]["answer"], serde_json::Value::Null);
    assert_eq!(
        (&c[2]["answer"], &c[2]["right"]),
        (&serde_json::json!("3/10"), &serde_json::json!(true))
    );
    assert!(c[2]["solution"].as_str().unwrap().contains("C(3, 2)"));

    // All right, challenges left out: exit 0.
    let letters: Vec<String> = right_answers(&quiz)
        .split(',')
        .take(n)
        .map(String::from)
        .collect();
    let out = run_in(
        &state,
        &[
            "quiz",
            "quorum",
            "--answers",
            &letters.join(","),
            "--format",
            "json",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out)["all_right"], true);
}

#[test]
fn malformed_answers_are_usage_errors_that_say_what_is_expected() {
    let state = temp_dir("quiz-malformed");
    let n = shipped("failover").questions.len();
    for (answers, needle) in [
        ("a,b", "answers given"),
        ("a,b,c,d,a,z", "takes one letter, a–d"),
        ("a,b,c,d,a,b,lots", "takes a number"),
        ("a,b,c,d,a,b,1,2,3,4", "answers given"),
    ] {
        let out = run_in(&state, &["quiz", "failover", "--answers", answers]);
        assert_eq!(out.code, 2, "{answers}: {}", out.stderr);
        assert!(out.stderr.contains(needle), "{answers}: {}", out.stderr);
        assert!(
            out.stderr.contains(&format!("({n} of them)")),
            "{}",
            out.stderr
        );
    }
    assert_eq!(run_in(&state, &["quiz", "nosuchkata"]).code, 2);
    let out = run_in(&state, &["quiz", "failover", "--explain", "nosuchid"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("semi-sync-loss"), "{}", out.stderr);
}

#[test]
fn without_a_terminal_or_answers_it_prints_the_questions_and_how_to_answer() {
    let state = temp_dir("quiz-print");
    let quiz = shipped("taskflow");
    let out = run_in(&state, &["quiz", "taskflow"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for q in &quiz.questions {
        assert!(out.stdout.contains(&format!("[{}]", q.id)));
    }
    assert!(out.stdout.contains("How to answer"), "{}", out.stdout);
    assert!(out.stdout.contains("--answers"), "{}", out.stdout);
    // It gives nothing away.
    assert!(!out.stdout.contains(&quiz.questions[0].explanation[..30]));
    let v = json(&run_in(&state, &["quiz", "taskflow", "--format", "json"]));
    assert_eq!(
        v["questions"].as_array().unwrap().len(),
        quiz.questions.len()
    );
    assert_eq!(v["questions"][0].get("answer"), None);
    // Nothing was answered, so nothing was stored.
    assert!(!state.join("progress.json").exists());
}

#[test]
fn a_malformed_quiz_file_is_reported_with_its_location() {
    let state = temp_dir("quiz-bad-file");
    let dir = temp_dir("quiz-bad-dir");
    let file = dir.join("extra.yaml");
    std::fs::write(
        &file,
        "schema: 1\nkata: quickpost\nquestions:\n  - id: extra\n    ask: Why?\n    \
         choices: [because, why not]\n    answer: d\n    explanation: That is why.\n",
    )
    .unwrap();
    let out = run_in(
        &state,
        &["quiz", "quickpost", "--quizzes", dir.to_str().unwrap()],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    let location = format!("{}:7:13:", file.display());
    assert!(out.stderr.contains(&location), "{}", out.stderr);
    assert!(out.stderr.contains("the choices are a–b"), "{}", out.stderr);
    assert!(out.stderr.contains("docs/quiz.md"), "{}", out.stderr);

    // Fixed, it adds a question without a rebuild.
    std::fs::write(
        &file,
        std::fs::read_to_string(&file)
            .unwrap()
            .replace("answer: d", "answer: b"),
    )
    .unwrap();
    let mut answers = right_answers(&shipped("quickpost"))
        .split(',')
        .take(shipped("quickpost").questions.len())
        .collect::<Vec<_>>()
        .join(",");
    answers.push_str(",b");
    let out = run_in(
        &state,
        &[
            "quiz",
            "quickpost",
            "--quizzes",
            dir.to_str().unwrap(),
            "--answers",
            &answers,
        ],
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("[extra] ✓ right"), "{}", out.stdout);
}

fn list_line(state: &std::path::Path, kata: &str) -> String {
    let out = run_in(state, &["kata", "list"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
        .lines()
        .find(|l| l.trim_start().starts_with(kata))
        .unwrap_or_else(|| panic!("{kata} in:\n{}", out.stdout))
        .to_string()
}

#[test]
fn the_score_is_kept_shown_by_kata_list_and_reset_only_with_quiz() {
    let state = temp_dir("quiz-progress");
    let quiz = shipped("failover");
    let n = quiz.questions.len();
    // One wrong answer among the questions, one challenge solved.
    let mut items: Vec<String> = right_answers(&quiz).split(',').map(String::from).collect();
    items[0] = wrong_answers(&quiz).split(',').next().unwrap().to_string();
    items.truncate(n + 1);
    let out = run_in(&state, &["quiz", "failover", "--answers", &items.join(",")]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let line = list_line(&state, "failover");
    assert!(
        line.contains(&format!(
            "quiz {}/{n} · challenges 1/{}",
            n - 1,
            quiz.challenges.len()
        )),
        "{line}"
    );
    assert!(!list_line(&state, "quorum").contains("quiz"), "not taken");

    // `kata reset` keeps it; `--quiz` clears it.
    let root = temp_dir("quiz-reset-root");
    std::fs::create_dir_all(root.join("katas")).unwrap();
    std::fs::write(root.join("katas/failover.rs"), "// half done\n").unwrap();
    let env = [
        ("REPLICATION_KATAS_ROOT", root.to_str().unwrap()),
        ("REPLICATION_KATAS_STATE_DIR", state.to_str().unwrap()),
    ];
    let out = run_env(&["kata", "reset", "failover", "--yes"], &env);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(list_line(&state, "failover").contains("quiz"));
    let out = run_env(&["kata", "reset", "failover", "--yes", "--quiz"], &env);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("quiz score is cleared"),
        "{}",
        out.stdout
    );
    assert!(!list_line(&state, "failover").contains("quiz"));
}

#[test]
fn a_corrupt_progress_file_warns_and_starts_the_score_afresh() {
    let state = temp_dir("quiz-corrupt");
    std::fs::write(state.join("progress.json"), "{ not json").unwrap();
    let quiz = shipped("quickpost");
    let out = run_in(
        &state,
        &["quiz", "quickpost", "--answers", &right_answers(&quiz)],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("warning:") && out.stderr.contains("corrupt"),
        "{}",
        out.stderr
    );
    // Rewritten whole: the score is back, without a warning.
    let out = run_in(&state, &["kata", "list"]);
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
    let n = quiz.questions.len();
    assert!(list_line(&state, "quickpost").contains(&format!("quiz {n}/{n}")));

    // A damaged quiz entry costs that kata's results only.
    let text = std::fs::read_to_string(state.join("progress.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["hints_seen"] = serde_json::json!({ "taskflow": 2 });
    v["quiz"]["quickpost"] = serde_json::json!("garbled");
    std::fs::write(state.join("progress.json"), v.to_string()).unwrap();
    let out = run_in(&state, &["kata", "list"]);
    assert!(
        out.stderr.contains("the quickpost quiz results"),
        "{}",
        out.stderr
    );
    assert!(!list_line(&state, "quickpost").contains("quiz"));
    let out = run_in(&state, &["hint", "taskflow"]);
    assert!(
        out.stdout.contains("Hint 3 of"),
        "hint counter kept: {}",
        out.stdout
    );
}

/// Every question that names a naive strategy and a scenario: that strategy really
/// fails that scenario, with the seed the printed `replay` command uses.
#[test]
fn every_see_it_fail_pointer_is_true() {
    for kata in KATAS {
        for q in shipped(kata).questions {
            let (Some(scenario), Some(strategy)) = (&q.scenario, &q.strategy) else {
                continue;
            };
            let out = common::run(&[
                "grade",
                kata,
                "--solution",
                strategy,
                "--seed",
                "1",
                "--random",
                "0",
                "--format",
                "json",
            ]);
            let v = json(&out);
            let s = v["scenarios"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["name"] == scenario.as_str())
                .unwrap_or_else(|| panic!("{kata}/{}: no scenario {scenario}", q.id));
            assert_eq!(
                s["verdict"], "fail",
                "{kata}/{}: {strategy} passes {scenario}",
                q.id
            );
        }
    }
}
