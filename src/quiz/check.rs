//! Grading a quiz: reading `--answers`, checking each answer, and the score kept in the
//! progress file. Pure functions; the command line prints what they return.

use super::{Challenge, Expected, NUMBER_FORMS, Question, Quiz, letter, letters};
use crate::progress::QuizRecord;
use std::fmt;

/// One answer as given, before it is checked.
#[derive(Clone, Debug, PartialEq)]
pub enum Given {
    /// The index of the chosen letter.
    Choice(usize),
    /// A design challenge's answer, as typed.
    Value(String),
    /// `-`: not answered.
    Skipped,
}

/// `--answers` that cannot be graded; the message says what is expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswerError(pub String);

impl fmt::Display for AnswerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for AnswerError {}

/// How `--answers` is written for this quiz.
pub fn answers_rules(quiz: &Quiz) -> String {
    let n = quiz.questions.len();
    let m = quiz.challenges.len();
    format!(
        "`--answers` lists one letter per multiple-choice question ({n} of them), in order, \
         then optionally the answers to the {m} design challenges, separated by commas \
         without spaces; `-` skips one. Numbers may be written {NUMBER_FORMS}."
    )
}

/// A command of the right shape, with placeholders that give nothing away.
pub fn answers_example(quiz: &Quiz) -> String {
    let mut example: Vec<&str> = vec!["a"; quiz.questions.len()];
    example.extend(std::iter::repeat_n("42", quiz.challenges.len()));
    format!(
        "cargo run -- quiz {} --answers {}",
        quiz.kata,
        example.join(",")
    )
}

/// The rules and the example, in one message.
pub fn answers_format(quiz: &Quiz) -> String {
    format!(
        "{} Shape (not the answers): {}",
        answers_rules(quiz),
        answers_example(quiz)
    )
}

/// Reads `--answers`: one entry per multiple-choice question, then up to one per
/// design challenge.
pub fn parse_answers(quiz: &Quiz, text: &str) -> Result<Vec<Given>, AnswerError> {
    let items: Vec<&str> = text.split(',').map(str::trim).collect();
    let n = quiz.questions.len();
    let m = quiz.challenges.len();
    let format = || answers_format(quiz);
    if items.len() < n || items.len() > n + m {
        let expected = if m == 0 {
            format!("{n}")
        } else {
            format!("{n} to {}", n + m)
        };
        return Err(AnswerError(format!(
            "{} answers given, {expected} expected. {}",
            items.len(),
            format()
        )));
    }
    let mut given = Vec::with_capacity(items.len());
    for (i, (item, q)) in items.iter().zip(&quiz.questions).enumerate() {
        given.push(choice(item, q).ok_or_else(|| {
            AnswerError(format!(
                "answer {} is `{item}`, but question {} ({}) takes one letter, {}, or `-` to \
                 skip it. {}",
                i + 1,
                i + 1,
                q.id,
                letters(q.choices.len()),
                format()
            ))
        })?);
    }
    for (j, (item, c)) in items[n..].iter().zip(&quiz.challenges).enumerate() {
        if *item == "-" || item.is_empty() {
            given.push(Given::Skipped);
            continue;
        }
        if matches!(c.answer, Expected::Number { .. }) && parse_number(item).is_none() {
            return Err(AnswerError(format!(
                "answer {} is `{item}`, but design challenge {} ({}) takes a number, such as \
                 {NUMBER_FORMS}, or `-` to skip it. {}",
                n + j + 1,
                j + 1,
                c.id,
                format()
            )));
        }
        given.push(Given::Value((*item).to_string()));
    }
    Ok(given)
}

fn choice(item: &str, q: &Question) -> Option<Given> {
    if item == "-" {
        return Some(Given::Skipped);
    }
    match item.as_bytes() {
        [c] if c.is_ascii_alphabetic() => {
            let index = usize::from(c.to_ascii_lowercase() - b'a');
            (index < q.choices.len()).then_some(Given::Choice(index))
        }
        _ => None,
    }
}

/// A number as a learner may write it: `0.99999`, `99.999%`, `2/3`, `1e-3`, `1_000`.
pub fn parse_number(text: &str) -> Option<f64> {
    let text: String = text.trim().chars().filter(|&c| c != '_').collect();
    let value = if let Some(percent) = text.strip_suffix('%') {
        percent.trim().parse::<f64>().ok()? / 100.0
    } else if let Some((a, b)) = text.split_once('/') {
        let (a, b) = (a.trim().parse::<f64>().ok()?, b.trim().parse::<f64>().ok()?);
        if b == 0.0 {
            return None;
        }
        a / b
    } else {
        text.parse::<f64>().ok()?
    };
    value.is_finite().then_some(value)
}

/// Whether a design challenge's answer is right.
pub fn check_challenge(c: &Challenge, given: &str) -> bool {
    match &c.answer {
        Expected::Number { value, tolerance } => parse_number(given).is_some_and(|v| {
            // A hair of slack for decimal fractions that binary floats cannot hold.
            let slack = 1e-12 * value.abs().max(1.0);
            (v - value).abs() <= tolerance.width(*value) + slack
        }),
        Expected::Text(words) => {
            let norm = |s: &str| {
                s.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase()
            };
            words.iter().any(|w| norm(w) == norm(given))
        }
    }
}

/// One graded item.
#[derive(Clone, Debug, PartialEq)]
pub struct ItemResult {
    pub id: String,
    /// A design challenge, not a multiple-choice question.
    pub challenge: bool,
    /// The answer as given (a letter for a question); `None` when skipped.
    pub given: Option<String>,
    pub right: bool,
}

/// Checks every answer: the questions first, then the challenges answered.
pub fn grade(quiz: &Quiz, given: &[Given]) -> Vec<ItemResult> {
    let mut results = Vec::new();
    for (i, q) in quiz.questions.iter().enumerate() {
        let g = given.get(i).unwrap_or(&Given::Skipped);
        results.push(ItemResult {
            id: q.id.clone(),
            challenge: false,
            given: match g {
                Given::Choice(c) => Some(letter(*c).to_string()),
                _ => None,
            },
            right: *g == Given::Choice(q.answer),
        });
    }
    let n = quiz.questions.len();
    for (j, c) in quiz.challenges.iter().enumerate() {
        let g = given.get(n + j).unwrap_or(&Given::Skipped);
        let given = match g {
            Given::Value(v) => Some(v.clone()),
            _ => None,
        };
        results.push(ItemResult {
            id: c.id.clone(),
            challenge: true,
            right: given.as_deref().is_some_and(|v| check_challenge(c, v)),
            given,
        });
    }
    results
}

/// Every multiple-choice question answered right, and every challenge answered right
/// (challenges left out do not count against it).
pub fn all_right(results: &[ItemResult]) -> bool {
    results
        .iter()
        .all(|r| r.right || (r.challenge && r.given.is_none()))
}

/// Stores the latest result of every item answered; skipped items keep their old one.
pub fn remember(record: &mut QuizRecord, results: &[ItemResult]) {
    for r in results.iter().filter(|r| r.given.is_some()) {
        let map = if r.challenge {
            &mut record.challenges
        } else {
            &mut record.questions
        };
        map.insert(r.id.clone(), r.right);
    }
}

/// A kata's quiz score, recomputed from the stored results against the current quiz:
/// results for questions that no longer exist are ignored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Score {
    pub right: usize,
    pub questions: usize,
    pub solved: usize,
    pub challenges: usize,
    /// Whether any current question or challenge has a stored result.
    pub attempted: bool,
}

pub fn score_of(quiz: &Quiz, record: &QuizRecord) -> Score {
    let right = |map: &std::collections::BTreeMap<String, bool>, id: &str| {
        map.get(id).copied().unwrap_or(false)
    };
    Score {
        right: quiz
            .questions
            .iter()
            .filter(|q| right(&record.questions, &q.id))
            .count(),
        questions: quiz.questions.len(),
        solved: quiz
            .challenges
            .iter()
            .filter(|c| right(&record.challenges, &c.id))
            .count(),
        challenges: quiz.challenges.len(),
        attempted: quiz
            .questions
            .iter()
            .any(|q| record.questions.contains_key(&q.id))
            || quiz
                .challenges
                .iter()
                .any(|c| record.challenges.contains_key(&c.id)),
    }
}

impl fmt::Display for Score {
    /// "quiz 4/6 · challenges 1/3", as `kata list` shows it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "quiz {}/{}", self.right, self.questions)?;
        if self.solved > 0 {
            write!(f, " · challenges {}/{}", self.solved, self.challenges)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quiz::Tolerance;

    fn quiz() -> Quiz {
        let q = |id: &str, answer| Question {
            id: id.into(),
            ask: "?".into(),
            choices: vec!["x".into(), "y".into(), "z".into()],
            answer,
            explanation: "because".into(),
            scenario: None,
            strategy: None,
        };
        Quiz {
            kata: "quorum".into(),
            questions: vec![q("one", 1), q("two", 0)],
            challenges: vec![
                Challenge {
                    id: "avail".into(),
                    ask: "?".into(),
                    answer: Expected::Number {
                        value: 0.999_990_149_4,
                        tolerance: Tolerance::Absolute(2e-6),
                    },
                    unit: None,
                    solution: "sum".into(),
                    scenario: None,
                },
                Challenge {
                    id: "who".into(),
                    ask: "?".into(),
                    answer: Expected::Text(vec!["node-3".into(), "3".into()]),
                    unit: None,
                    solution: "it".into(),
                    scenario: None,
                },
            ],
        }
    }

    #[test]
    fn numbers_are_read_the_ways_people_write_them() {
        assert_eq!(parse_number("0.5"), Some(0.5));
        assert_eq!(parse_number("50%"), Some(0.5));
        assert_eq!(parse_number("1/4"), Some(0.25));
        assert_eq!(parse_number("1e-3"), Some(0.001));
        assert_eq!(parse_number("1_000"), Some(1000.0));
        assert_eq!(parse_number("1/0"), None);
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_number("lots"), None);
    }

    #[test]
    fn answers_are_graded_with_tolerance_and_spellings() {
        let quiz = quiz();
        let given = parse_answers(&quiz, "b,a,99.999%,Node-3").unwrap();
        let results = grade(&quiz, &given);
        assert!(results.iter().all(|r| r.right), "{results:?}");
        assert!(all_right(&results));

        // The source's 99.9% is outside the tolerance; a wrong letter is wrong.
        let results = grade(&quiz, &parse_answers(&quiz, "b,c,0.999").unwrap());
        assert_eq!(
            results.iter().map(|r| r.right).collect::<Vec<_>>(),
            [true, false, false, false]
        );
        assert!(!all_right(&results));

        // Challenges left out do not count; a skipped question does.
        assert!(all_right(&grade(
            &quiz,
            &parse_answers(&quiz, "b,a").unwrap()
        )));
        assert!(!all_right(&grade(
            &quiz,
            &parse_answers(&quiz, "b,-").unwrap()
        )));
    }

    #[test]
    fn malformed_answers_say_what_is_expected() {
        let quiz = quiz();
        let err = parse_answers(&quiz, "b").unwrap_err().0;
        assert!(err.contains("1 answers given, 2 to 4 expected"), "{err}");
        let err = parse_answers(&quiz, "b,d").unwrap_err().0;
        assert!(
            err.contains("question 2 (two) takes one letter, a–c"),
            "{err}"
        );
        let err = parse_answers(&quiz, "b,a,lots").unwrap_err().0;
        assert!(err.contains("takes a number"), "{err}");
        let err = parse_answers(&quiz, "b,a,1,2,3").unwrap_err().0;
        assert!(err.contains("5 answers given"), "{err}");
    }

    #[test]
    fn the_score_is_recomputed_from_stored_results() {
        let quiz = quiz();
        let mut record = QuizRecord::default();
        assert!(!score_of(&quiz, &record).attempted);
        remember(
            &mut record,
            &grade(&quiz, &parse_answers(&quiz, "b,c,0.99999").unwrap()),
        );
        // A question that was since removed from the quiz does not count.
        record.questions.insert("gone".into(), true);
        let score = score_of(&quiz, &record);
        assert_eq!((score.right, score.questions), (1, 2));
        assert_eq!((score.solved, score.challenges), (1, 2));
        assert_eq!(score.to_string(), "quiz 1/2 · challenges 1/2");
        // A later wrong answer replaces a right one; a skip keeps it.
        remember(
            &mut record,
            &grade(&quiz, &parse_answers(&quiz, "a,-").unwrap()),
        );
        assert_eq!(score_of(&quiz, &record).right, 0);
    }
}
