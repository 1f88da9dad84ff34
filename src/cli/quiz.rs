//! `quiz <kata>`: the concept checks. On a terminal it asks one question at a time;
//! with `--answers` it grades a whole answer list (exit 0 all right, 1 otherwise, 2
//! malformed); with neither it prints the questions and how to answer. The quiz itself
//! — loading, checking, scoring — is `crate::quiz`; this module only talks.

use super::{EXIT_FAIL, EXIT_PASS, EXIT_USAGE, Format, find};
use crate::katas::Registry;
use crate::progress::{self, QuizRecord};
use crate::quiz::{self, Challenge, Expected, ItemResult, Known, Question, Quiz, letter, letters};
use colored::Colorize;
use serde_json::{Value, json};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub(super) struct QuizArgs {
    /// The kata, e.g. quickpost.
    kata: String,
    /// Grade these answers instead of asking: one letter per multiple-choice question,
    /// in order, then optionally the design challenges' answers, comma-separated
    /// (`b,c,a,d,b,a,0.99999,42`); `-` skips one.
    #[arg(long, value_name = "LIST", allow_hyphen_values = true)]
    answers: Option<String>,
    /// Also load the quiz files (*.yaml) of this directory: `<kata>.yaml` replaces the
    /// shipped quiz, other files add questions to it. No rebuild needed.
    #[arg(long, value_name = "DIR")]
    quizzes: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Show one question's answer and explanation, or one challenge's worked solution.
    #[arg(long, value_name = "ID")]
    explain: Option<String>,
    /// Show every answer, explanation and worked solution (for instructors).
    #[arg(long)]
    reveal: bool,
}

const NO_QUIZ: &str = "error: {kata} has no quiz yet. An instructor can write one as \
quizzes/{kata}.yaml (the format is in docs/quiz.md) or load one with --quizzes DIR.";

const QUIZ_SCHEMA: &str = "The quiz file format, with every field, is in docs/quiz.md.";

const INTERACTIVE_INTRO: &str = "One question at a time: type the letter of your answer and \
press Enter (`-` skips, `q` stops; what you answered is kept). The design challenges that \
follow take a number or a word; type `?` there for the worked solution.";

const HOW_TO_ANSWER: &str = "How to answer: run this command in a terminal to be asked one \
question at a time, or give all your answers at once.";

const SAVED: &str = "Your score is saved; `cargo run -- kata list` shows it beside the kata.";

const UNKNOWN_ID: &str = "error: {kata}'s quiz has no question or challenge `{id}`. Its ids \
are: {ids}.";

pub(super) fn quiz(registry: &Registry, state: &Path, args: QuizArgs) -> ExitCode {
    let kata = match find(registry, &args.kata) {
        Ok(k) => k,
        Err(code) => return code,
    };
    let name = kata.info().name;
    let known = Known {
        scenarios: Some(Known::curated_scenarios(name)),
        strategies: Some(
            kata.solutions()
                .iter()
                .map(|s| s.name.to_string())
                .collect(),
        ),
    };
    let quiz = match quiz::load(name, args.quizzes.as_deref(), &known) {
        Ok(Some(quiz)) => quiz,
        Ok(None) => {
            eprintln!("{}", NO_QUIZ.replace("{kata}", name));
            return ExitCode::from(EXIT_USAGE);
        }
        Err(e) => {
            eprintln!("error: {e}\n{QUIZ_SCHEMA}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let title = format!("{} quiz — {}", kata.info().title, kata.info().topic);

    if let Some(id) = &args.explain {
        return explain(&quiz, id);
    }
    if args.reveal {
        return reveal(&quiz, &title);
    }
    let results = match &args.answers {
        Some(list) => match quiz::parse_answers(&quiz, list) {
            Ok(given) => quiz::grade(&quiz, &given),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(EXIT_USAGE);
            }
        },
        None if args.format == Format::Human && std::io::stdin().is_terminal() => {
            let stdin = std::io::stdin();
            let mut input = stdin.lock();
            let mut out = std::io::stdout();
            match interactive(&quiz, &title, &mut input, &mut out) {
                Ok(results) => results,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(EXIT_FAIL);
                }
            }
        }
        None => {
            match args.format {
                Format::Human => print_questions(&quiz, &title),
                Format::Json => print_json(&questions_json(&quiz)),
            }
            return ExitCode::from(EXIT_PASS);
        }
    };

    let record = save(state, name, &results);
    match args.format {
        Format::Json => print_json(&results_json(&quiz, &results)),
        Format::Human => {
            if args.answers.is_some() {
                println!("{}\n", title.bold());
                for (i, r) in results.iter().enumerate() {
                    feedback(&quiz, i, r, &mut std::io::stdout()).ok();
                }
            }
            let score = quiz::score_of(&quiz, &record);
            let answered = results.iter().filter(|r| r.given.is_some()).count();
            let right = results.iter().filter(|r| !r.challenge && r.right).count();
            println!(
                "{} {right}/{} questions right this time{}. {}",
                "Score:".bold(),
                quiz.questions.len(),
                challenge_tally(&results),
                if answered > 0 { SAVED } else { "" }
            );
            if score.right != right {
                println!("With your earlier answers: {score}.");
            }
        }
    }
    if quiz::all_right(&results) {
        ExitCode::from(EXIT_PASS)
    } else {
        ExitCode::from(EXIT_FAIL)
    }
}

/// " · 1 of 3 design challenges solved", or nothing when none was tried.
fn challenge_tally(results: &[ItemResult]) -> String {
    let tried: Vec<&ItemResult> = results
        .iter()
        .filter(|r| r.challenge && r.given.is_some())
        .collect();
    if tried.is_empty() {
        return String::new();
    }
    let of = results.iter().filter(|r| r.challenge).count();
    format!(
        " · {} of {of} design challenges solved",
        tried.iter().filter(|r| r.right).count()
    )
}

/// Stores this run's results and returns the kata's whole record.
fn save(state: &Path, kata: &str, results: &[ItemResult]) -> QuizRecord {
    let (mut progress, warning) = progress::load(state);
    if let Some(w) = warning {
        eprintln!("warning: {w}");
    }
    let record = progress.quiz.entry(kata.to_string()).or_default();
    quiz::remember(record, results);
    let record = record.clone();
    if results.iter().any(|r| r.given.is_some())
        && let Err(e) = progress::save(state, &progress)
    {
        eprintln!(
            "warning: could not save your quiz score to {}: {e}",
            state.display()
        );
    }
    record
}

/// Removes a kata's quiz results (`kata reset <kata> --quiz`).
pub(super) fn forget(state: &Path, kata: &str) -> ExitCode {
    let (mut progress, warning) = progress::load(state);
    if let Some(w) = warning {
        eprintln!("warning: {w}");
    }
    if progress.quiz.remove(kata).is_none() {
        println!("There was no quiz score for {kata} to clear.");
        return ExitCode::from(EXIT_PASS);
    }
    match progress::save(state, &progress) {
        Ok(()) => {
            println!("Your {kata} quiz score is cleared.");
            ExitCode::from(EXIT_PASS)
        }
        Err(e) => {
            eprintln!(
                "error: could not clear the quiz score in {}: {e}",
                state.display()
            );
            ExitCode::from(EXIT_FAIL)
        }
    }
}

/// "quiz 4/6" for `kata list`, when the learner has taken the kata's quiz.
pub(super) fn list_note(progress: &progress::Progress, kata: &str) -> Option<String> {
    let record = progress.quiz.get(kata)?;
    let (_, text) = quiz::embedded(kata)?;
    let shipped =
        quiz::parse("", text, kata, &Known::default(), &mut Default::default()).ok()??;
    let score = quiz::score_of(&shipped, record);
    score.attempted.then(|| score.to_string())
}

/// The command that shows a question's concept at work.
fn where_it_shows(kata: &str, q: &Question) -> Option<String> {
    let scenario = q.scenario.as_deref()?;
    Some(match &q.strategy {
        Some(s) => format!(
            "See it fail: cargo run -- replay {kata} --scenario {scenario} --seed 1 --solution {s}"
        ),
        None => format!(
            "Where it shows: the {scenario} scenario (cargo run -- replay {kata} --scenario \
             {scenario} --seed 1 --solution)"
        ),
    })
}

fn write_question(
    out: &mut dyn Write,
    number: usize,
    total: usize,
    q: &Question,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{} {}",
        format!("Question {number} of {total}").bold(),
        format!("[{}]", q.id).dimmed()
    )?;
    writeln!(out, "{}", crate::term::wrap(&q.ask, 88, 0))?;
    for (i, choice) in q.choices.iter().enumerate() {
        writeln!(out, "  {}) {}", letter(i), crate::term::wrap(choice, 84, 5))?;
    }
    Ok(())
}

fn unit(c: &Challenge) -> String {
    c.unit
        .as_deref()
        .map(|u| format!(" ({u})"))
        .unwrap_or_default()
}

fn write_challenge(
    out: &mut dyn Write,
    number: usize,
    total: usize,
    c: &Challenge,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{} {}",
        format!("Design challenge {number} of {total}").bold(),
        format!("[{}]", c.id).dimmed()
    )?;
    writeln!(out, "{}", crate::term::wrap(&c.ask, 88, 0))?;
    let kind = match &c.answer {
        Expected::Number { .. } => "a number",
        Expected::Text(_) => "a word",
    };
    writeln!(
        out,
        "{}",
        format!("Answer with {kind}{}.", unit(c)).dimmed()
    )
}

fn expected_text(c: &Challenge) -> String {
    match &c.answer {
        Expected::Number { value, tolerance } => {
            format!(
                "{value}{} ({tolerance})",
                c.unit
                    .as_deref()
                    .map(|u| format!(" {u}"))
                    .unwrap_or_default()
            )
        }
        Expected::Text(words) => words[0].clone(),
    }
}

/// What a learner sees after answering item `i` (questions first, then challenges).
fn feedback(quiz: &Quiz, i: usize, r: &ItemResult, out: &mut dyn Write) -> std::io::Result<()> {
    let n = quiz.questions.len();
    if let Some(q) = quiz.questions.get(i) {
        let head = format!("{}. [{}]", i + 1, q.id);
        match &r.given {
            None => writeln!(out, "{head} {}\n", "– skipped".yellow())?,
            Some(g) => {
                if r.right {
                    writeln!(out, "{head} {}", "✓ right".green())?;
                } else {
                    let text = format!(
                        "The answer is {}) {}",
                        letter(q.answer),
                        q.choices[q.answer]
                    );
                    writeln!(out, "{head} {} you answered {g}", "✗".red())?;
                    writeln!(out, "   {}", crate::term::wrap(&text, 85, 3).bold())?;
                }
                explanation(out, quiz, q)?;
            }
        }
        return Ok(());
    }
    let c = &quiz.challenges[i - n];
    let head = format!("{}. [{}]", i + 1, c.id);
    let worked = format!("cargo run -- quiz {} --explain {}", quiz.kata, c.id);
    match &r.given {
        None => writeln!(out, "{head} {}", "– not answered".yellow())?,
        Some(g) if r.right => writeln!(
            out,
            "{head} {} {g} — the answer is {}.\n   Worked solution: {worked}",
            "✓ right:".green(),
            expected_text(c)
        )?,
        Some(g) => writeln!(
            out,
            "{head} {} {g} is not it. Try again, or read the worked solution: {worked}",
            "✗".red()
        )?,
    }
    writeln!(out)
}

fn explanation(out: &mut dyn Write, quiz: &Quiz, q: &Question) -> std::io::Result<()> {
    writeln!(out, "   {}", crate::term::wrap(&q.explanation, 85, 3))?;
    if let Some(see) = where_it_shows(&quiz.kata, q) {
        writeln!(out, "   {}", see.dimmed())?;
    }
    writeln!(out)
}

/// Reads one line; `None` at the end of input.
fn read_line(input: &mut dyn BufRead) -> std::io::Result<Option<String>> {
    let mut line = String::new();
    Ok((input.read_line(&mut line)? > 0).then(|| line.trim().to_string()))
}

/// Asks every question, then every challenge, one at a time. Stops early on `q` or at
/// the end of input; what was answered counts.
fn interactive(
    quiz: &Quiz,
    title: &str,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> std::io::Result<Vec<ItemResult>> {
    writeln!(out, "{}", title.bold())?;
    writeln!(
        out,
        "{}\n",
        crate::term::wrap(INTERACTIVE_INTRO, 88, 0).dimmed()
    )?;
    let mut given = Vec::new();
    let total = quiz.questions.len();
    'questions: for (i, q) in quiz.questions.iter().enumerate() {
        write_question(out, i + 1, total, q)?;
        let answer = loop {
            write!(
                out,
                "Your answer ({}, - skips, q stops): ",
                letters(q.choices.len())
            )?;
            out.flush()?;
            let Some(line) = read_line(input)? else {
                writeln!(out)?;
                break 'questions;
            };
            match line.to_lowercase().as_str() {
                "q" => break 'questions,
                "-" => break quiz::Given::Skipped,
                l => match l.as_bytes() {
                    [c] if c.is_ascii_lowercase() && usize::from(c - b'a') < q.choices.len() => {
                        break quiz::Given::Choice(usize::from(c - b'a'));
                    }
                    _ => writeln!(out, "Type one letter, {}.", letters(q.choices.len()))?,
                },
            }
        };
        given.push(answer);
        let results = quiz::grade(quiz, &given);
        feedback(quiz, i, &results[i], out)?;
    }
    let stopped = given.len() < total;
    let mut results = quiz::grade(quiz, &given);
    results.truncate(total);
    if stopped {
        // Unasked questions are not answers.
        return Ok(results);
    }
    for (j, c) in quiz.challenges.iter().enumerate() {
        write_challenge(out, j + 1, quiz.challenges.len(), c)?;
        let mut result = ItemResult {
            id: c.id.clone(),
            challenge: true,
            given: None,
            right: false,
        };
        loop {
            write!(
                out,
                "Your answer (? worked solution, Enter moves on, q stops): "
            )?;
            out.flush()?;
            let Some(line) = read_line(input)? else {
                writeln!(out)?;
                results.push(result);
                return Ok(results);
            };
            match line.as_str() {
                "" => break,
                "q" | "Q" => {
                    results.push(result);
                    return Ok(results);
                }
                "?" => {
                    // Seen, not solved: recorded as a wrong answer.
                    result.given.get_or_insert_with(|| "?".to_string());
                    writeln!(out, "{}\n", worked_solution(c))?;
                    break;
                }
                answer => {
                    if matches!(c.answer, Expected::Number { .. })
                        && quiz::parse_number(answer).is_none()
                    {
                        writeln!(
                            out,
                            "That is not a number; write it as {}.",
                            quiz::NUMBER_FORMS
                        )?;
                        continue;
                    }
                    result.given = Some(answer.to_string());
                    if quiz::check_challenge(c, answer) {
                        result.right = true;
                        writeln!(
                            out,
                            "{} the answer is {}. `?` would have shown the worked solution; \
                             it is also at `cargo run -- quiz {} --explain {}`.\n",
                            "✓ Right:".green(),
                            expected_text(c),
                            quiz.kata,
                            c.id
                        )?;
                        break;
                    }
                    writeln!(
                        out,
                        "{} Not it. Try again, `?` for the worked solution, Enter to move on.",
                        "✗".red()
                    )?;
                }
            }
        }
        results.push(result);
    }
    Ok(results)
}

fn worked_solution(c: &Challenge) -> String {
    format!(
        "{} {}\n{}",
        "Answer:".bold(),
        expected_text(c),
        crate::term::wrap(&c.solution, 88, 0)
    )
}

/// Without a terminal or answers: every question, and how to answer.
fn print_questions(quiz: &Quiz, title: &str) {
    let mut out = std::io::stdout();
    println!("{}\n", title.bold());
    for (i, q) in quiz.questions.iter().enumerate() {
        write_question(&mut out, i + 1, quiz.questions.len(), q).ok();
        println!();
    }
    for (j, c) in quiz.challenges.iter().enumerate() {
        write_challenge(&mut out, j + 1, quiz.challenges.len(), c).ok();
        println!();
    }
    println!("{}", crate::term::wrap(HOW_TO_ANSWER, 88, 0));
    println!("{}", crate::term::wrap(&quiz::answers_rules(quiz), 88, 0));
    println!("For example (placeholders, not the answers):");
    println!("  {}", quiz::answers_example(quiz));
}

fn explain(quiz: &Quiz, id: &str) -> ExitCode {
    let mut out = std::io::stdout();
    if let Some((i, q)) = quiz.questions.iter().enumerate().find(|(_, q)| q.id == id) {
        write_question(&mut out, i + 1, quiz.questions.len(), q).ok();
        print_answer(q);
        explanation(&mut out, quiz, q).ok();
        return ExitCode::from(EXIT_PASS);
    }
    if let Some((j, c)) = quiz.challenges.iter().enumerate().find(|(_, c)| c.id == id) {
        write_challenge(&mut out, j + 1, quiz.challenges.len(), c).ok();
        println!("{}", worked_solution(c));
        return ExitCode::from(EXIT_PASS);
    }
    let ids: Vec<&str> = quiz
        .questions
        .iter()
        .map(|q| q.id.as_str())
        .chain(quiz.challenges.iter().map(|c| c.id.as_str()))
        .collect();
    eprintln!(
        "{}",
        UNKNOWN_ID
            .replace("{kata}", &quiz.kata)
            .replace("{id}", id)
            .replace("{ids}", &ids.join(", "))
    );
    ExitCode::from(EXIT_USAGE)
}

fn print_answer(q: &Question) {
    let text = format!("{}) {}", letter(q.answer), q.choices[q.answer]);
    println!("{} {}", "Answer:".bold(), crate::term::wrap(&text, 80, 8));
}

fn reveal(quiz: &Quiz, title: &str) -> ExitCode {
    let mut out = std::io::stdout();
    println!("{}\n", title.bold());
    for (i, q) in quiz.questions.iter().enumerate() {
        write_question(&mut out, i + 1, quiz.questions.len(), q).ok();
        print_answer(q);
        explanation(&mut out, quiz, q).ok();
    }
    for (j, c) in quiz.challenges.iter().enumerate() {
        write_challenge(&mut out, j + 1, quiz.challenges.len(), c).ok();
        println!("{}\n", worked_solution(c));
    }
    ExitCode::from(EXIT_PASS)
}

fn print_json(value: &Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("a JSON value serializes")
    );
}

fn expected_json(c: &Challenge) -> (Value, Value) {
    match &c.answer {
        Expected::Number { value, tolerance } => {
            let t = match tolerance {
                quiz::Tolerance::Absolute(t) => json!(t),
                quiz::Tolerance::Relative(r) => json!(format!("{}%", r * 100.0)),
            };
            (json!(value), t)
        }
        Expected::Text(words) => (json!(words[0]), Value::Null),
    }
}

fn questions_json(quiz: &Quiz) -> Value {
    json!({
        "kata": quiz.kata,
        "questions": quiz.questions.iter().map(|q| json!({
            "id": q.id,
            "ask": q.ask,
            "choices": q.choices,
        })).collect::<Vec<_>>(),
        "challenges": quiz.challenges.iter().map(|c| json!({
            "id": c.id,
            "ask": c.ask,
            "kind": if matches!(c.answer, Expected::Number { .. }) { "number" } else { "word" },
            "unit": c.unit,
        })).collect::<Vec<_>>(),
        "how_to_answer": quiz::answers_format(quiz),
    })
}

fn results_json(quiz: &Quiz, results: &[ItemResult]) -> Value {
    let n = quiz.questions.len();
    let questions: Vec<Value> = quiz
        .questions
        .iter()
        .zip(results)
        .map(|(q, r)| {
            json!({
                "id": q.id,
                "answer": r.given,
                "expected": letter(q.answer).to_string(),
                "right": r.right,
                "explanation": q.explanation,
                "scenario": q.scenario,
                "strategy": q.strategy,
            })
        })
        .collect();
    let challenges: Vec<Value> = quiz
        .challenges
        .iter()
        .zip(&results[n.min(results.len())..])
        .map(|(c, r)| {
            let (expected, tolerance) = expected_json(c);
            json!({
                "id": c.id,
                "answer": r.given,
                "expected": expected,
                "tolerance": tolerance,
                "unit": c.unit,
                "right": r.right,
                "solution": c.solution,
            })
        })
        .collect();
    json!({
        "kata": quiz.kata,
        "all_right": quiz::all_right(results),
        "score": {
            "right": results.iter().filter(|r| !r.challenge && r.right).count(),
            "questions": n,
            "solved": results.iter().filter(|r| r.challenge && r.right).count(),
            "challenges": quiz.challenges.len(),
        },
        "questions": questions,
        "challenges": challenges,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped(kata: &str) -> Quiz {
        quiz::load(kata, None, &Known::default()).unwrap().unwrap()
    }

    /// The first words of a text, which wrapping leaves on one line.
    fn start(text: &str) -> String {
        text.chars().take(30).collect()
    }

    fn run(quiz: &Quiz, input: &str) -> (Vec<ItemResult>, String) {
        colored::control::set_override(false);
        let mut out = Vec::new();
        let results = interactive(quiz, "title", &mut input.as_bytes(), &mut out).unwrap();
        (results, String::from_utf8(out).unwrap())
    }

    #[test]
    fn interactive_asks_one_at_a_time_and_explains() {
        let quiz = shipped("quorum");
        let right: Vec<String> = quiz
            .questions
            .iter()
            .map(|q| letter(q.answer).to_string())
            .collect();
        // A typo is asked again; the first challenge right after one miss; `?` on the
        // second shows the worked solution; the third is skipped with Enter.
        let input = format!(
            "{}\nzz\n{}\n0.999\n0.99999\n?\n\n",
            right[0],
            right[1..].join("\n")
        );
        let (results, out) = run(&quiz, &input);
        assert!(out.contains("Type one letter, a–d."), "{out}");
        assert_eq!(
            out.matches("✓ right").count(),
            quiz.questions.len(),
            "{out}"
        );
        assert!(
            out.contains(&start(&quiz.questions[0].explanation)),
            "{out}"
        );
        assert!(out.contains("Not it. Try again"), "{out}");
        assert!(out.contains(&start(&quiz.challenges[1].solution)), "{out}");
        let challenges: Vec<(Option<&str>, bool)> = results
            .iter()
            .filter(|r| r.challenge)
            .map(|r| (r.given.as_deref(), r.right))
            .collect();
        assert_eq!(
            challenges,
            [(Some("0.99999"), true), (Some("?"), false), (None, false)]
        );
        assert!(!quiz::all_right(&results));
    }

    #[test]
    fn quitting_early_keeps_only_what_was_answered() {
        let quiz = shipped("failover");
        let wrong = letter((quiz.questions[0].answer + 1) % 4).to_string();
        let (results, out) = run(&quiz, &format!("{wrong}\nq\n"));
        assert!(out.contains("The answer is"), "{out}");
        let answered: Vec<&ItemResult> = results.iter().filter(|r| r.given.is_some()).collect();
        assert_eq!(answered.len(), 1);
        assert!(!answered[0].right);
        // End of input stops the same way.
        let (results, _) = run(&quiz, "");
        assert!(results.iter().all(|r| r.given.is_none()));
    }
}
