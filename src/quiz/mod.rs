//! Concept checks: each kata's multiple-choice questions and design challenges, as data
//! (`quizzes/<kata>.yaml`, embedded at build time like the scenarios), loaded and
//! validated with `path:line:column` errors, and graded. Everything here is pure — no
//! terminal, no files except the ones asked to load; `cli::quiz` does the talking.
//!
//! The file format (schema 1, documented in `docs/quiz.md`):
//!
//! ```yaml
//! schema: 1
//! kata: quickpost
//! questions:
//!   - id: window-vs-lag            # unique in the kata's quiz; lowercase, digits, hyphens
//!     ask: Why can a 60 s window …?
//!     choices: [first, second, third]
//!     answer: b                    # exactly one right answer: the letter of a choice
//!     explanation: Lag has no upper bound …
//!     scenario: lag-spike-90s      # optional: a curated scenario where it shows
//!     strategy: primary-window-60s # optional: a naive strategy that fails there
//! challenges:
//!   - id: sticky-window-users
//!     ask: How many users are inside their window at any moment?
//!     answer: 1388.9               # a number (with a tolerance) or a word
//!     tolerance: 1%                # absolute (0.5) or relative (1%)
//!     unit: users
//!     solution: Little's law …     # the worked solution, shown on request
//! ```

mod check;
mod file;

pub use check::{
    AnswerError, Given, ItemResult, Score, all_right, answers_example, answers_format,
    answers_rules, check_challenge, grade, parse_answers, parse_number, remember, score_of,
};

use crate::scenario::{self, ScenarioError};
use std::collections::BTreeSet;
use std::path::Path;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_quizzes.rs"));
}

/// Where the quiz schema is documented; named in schema-version errors.
pub const SCHEMA_DOC: &str = "docs/quiz.md";

/// The most choices a question may have: a to f.
pub const MAX_CHOICES: usize = 6;

/// The letter of choice `i`: 0 is `a`.
pub fn letter(i: usize) -> char {
    (b'a' + i.min(25) as u8) as char
}

/// The letters of `n` choices, "a–d".
pub fn letters(n: usize) -> String {
    format!("a–{}", letter(n.saturating_sub(1)))
}

/// How numbers may be written in answers; named in every message about them.
pub const NUMBER_FORMS: &str = "0.99999, 99.999%, 2/3 or 1e-3 (no thousands separators)";

/// A kata's concept checks, in the order they are asked.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Quiz {
    pub kata: String,
    pub questions: Vec<Question>,
    pub challenges: Vec<Challenge>,
}

/// A multiple-choice question with exactly one right answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    pub id: String,
    pub ask: String,
    pub choices: Vec<String>,
    /// Index of the right choice.
    pub answer: usize,
    /// Shown after answering, right or wrong.
    pub explanation: String,
    /// A curated scenario where the concept shows.
    pub scenario: Option<String>,
    /// A naive strategy that fails `scenario` for this reason.
    pub strategy: Option<String>,
}

/// A design challenge: a question with a number or a word for an answer, and a worked
/// solution shown on request.
#[derive(Clone, Debug, PartialEq)]
pub struct Challenge {
    pub id: String,
    pub ask: String,
    pub answer: Expected,
    pub unit: Option<String>,
    pub solution: String,
    pub scenario: Option<String>,
}

/// What a design challenge accepts.
#[derive(Clone, Debug, PartialEq)]
pub enum Expected {
    Number {
        value: f64,
        tolerance: Tolerance,
    },
    /// The canonical word first, then the other accepted spellings.
    Text(Vec<String>),
}

/// How far from the exact value an answer may be.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tolerance {
    Absolute(f64),
    /// A fraction of the value: `1%` is `Relative(0.01)`.
    Relative(f64),
}

impl Tolerance {
    /// The largest accepted distance from `value`.
    pub fn width(self, value: f64) -> f64 {
        match self {
            Tolerance::Absolute(t) => t,
            Tolerance::Relative(f) => (value * f).abs(),
        }
    }
}

impl std::fmt::Display for Tolerance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Tolerance::Absolute(t) => write!(f, "± {t}"),
            Tolerance::Relative(r) => write!(f, "± {}%", r * 100.0),
        }
    }
}

/// Names a quiz may refer to; `None` leaves that kind of name unchecked (the library
/// does not know the solutions: they are compiled into the binary).
#[derive(Clone, Debug, Default)]
pub struct Known {
    pub scenarios: Option<Vec<String>>,
    pub strategies: Option<Vec<String>>,
}

impl Known {
    /// The names of the kata's curated scenarios, read from their headers.
    pub fn curated_scenarios(kata: &str) -> Vec<String> {
        scenario::embedded(kata)
            .filter_map(|(_, text)| serde_yaml::from_str::<scenario::Header>(text).ok())
            .map(|h| h.name)
            .collect()
    }
}

/// The shipped quiz file of a kata: `(path, text)`.
pub fn embedded(kata: &str) -> Option<(&'static str, &'static str)> {
    embedded::EMBEDDED
        .iter()
        .find(|(k, _, _)| *k == kata)
        .map(|(_, path, text)| (*path, *text))
}

/// Every kata with a shipped quiz.
pub fn katas() -> impl Iterator<Item = &'static str> {
    embedded::EMBEDDED.iter().map(|(k, _, _)| *k)
}

/// Parses one quiz file; `seen` holds the ids of the files read before it, and gets
/// this file's. `Ok(None)`: the file is another kata's.
pub fn parse(
    path: &str,
    text: &str,
    kata: &str,
    known: &Known,
    seen: &mut BTreeSet<String>,
) -> Result<Option<Quiz>, ScenarioError> {
    let seed = file::QuizSeed {
        known,
        seen,
        kata: kata.to_string(),
    };
    scenario::parse_seed(path, text, kata, SCHEMA_DOC, seed)
}

/// Loads a kata's quiz: the shipped file, then the files of `dir` (if any) that belong
/// to the kata, in name order. A file named `<kata>.yaml` (or `.yml`) in `dir` replaces
/// the shipped quiz; any other file adds its questions and challenges after it. Ids
/// must be unique across all of them.
///
/// `Ok(None)`: the kata has no quiz at all.
pub fn load(kata: &str, dir: Option<&Path>, known: &Known) -> Result<Option<Quiz>, ScenarioError> {
    let extra = match dir {
        Some(dir) => scenario::read_dir(dir)?,
        None => Vec::new(),
    };
    let replaces = |path: &str| {
        Path::new(path)
            .file_stem()
            .is_some_and(|stem| stem.to_string_lossy() == kata)
    };
    let mut files: Vec<(String, String)> = Vec::new();
    let replaced = extra
        .iter()
        .any(|(path, text)| replaces(path) && file::header_kata(text).as_deref() == Some(kata));
    if !replaced && let Some((path, text)) = embedded(kata) {
        files.push((path.to_string(), text.to_string()));
    }
    // A replacement goes first, so its questions keep the shipped quiz's place.
    let (first, rest): (Vec<_>, Vec<_>) = extra.into_iter().partition(|(p, _)| replaces(p));
    files.extend(first);
    files.extend(rest);

    let mut seen = BTreeSet::new();
    let mut quiz: Option<Quiz> = None;
    for (path, text) in &files {
        if let Some(part) = parse(path, text, kata, known, &mut seen)? {
            let whole = quiz.get_or_insert_with(|| Quiz {
                kata: kata.to_string(),
                ..Quiz::default()
            });
            whole.questions.extend(part.questions);
            whole.challenges.extend(part.challenges);
        }
    }
    Ok(quiz)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::katas::quorum::math;

    fn known(kata: &str) -> Known {
        Known {
            scenarios: Some(Known::curated_scenarios(kata)),
            strategies: None,
        }
    }

    fn shipped(kata: &str) -> Quiz {
        load(kata, None, &known(kata))
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("{kata} has a quiz"))
    }

    #[test]
    fn every_shipped_quiz_validates_and_is_big_enough() {
        let katas: Vec<&str> = katas().collect();
        assert_eq!(
            katas,
            ["cartsync", "failover", "quickpost", "quorum", "taskflow"]
        );
        for kata in katas {
            let (path, text) = embedded(kata).unwrap();
            assert_eq!(path, format!("quizzes/{kata}.yaml"));
            // The file's header names the kata its file name says.
            assert_eq!(file::header_kata(text).as_deref(), Some(kata));
            let quiz = shipped(kata);
            assert!(
                quiz.questions.len() >= 5,
                "{kata}: {}",
                quiz.questions.len()
            );
            assert!(quiz.challenges.len() >= 2, "{kata}");
            for q in &quiz.questions {
                // Exactly one right answer: one index, among the choices, all distinct.
                assert!(q.answer < q.choices.len(), "{kata}/{}", q.id);
                let distinct: BTreeSet<&String> = q.choices.iter().collect();
                assert_eq!(distinct.len(), q.choices.len(), "{kata}/{}", q.id);
                assert!(q.explanation.len() > 80, "{kata}/{}: explain more", q.id);
            }
            for c in &quiz.challenges {
                assert!(c.solution.len() > 80, "{kata}/{}", c.id);
            }
            // The right answers are not all in one place.
            let letters: BTreeSet<usize> = quiz.questions.iter().map(|q| q.answer).collect();
            assert!(letters.len() >= 3, "{kata}: answers {letters:?}");
        }
    }

    /// Every number a challenge expects, computed here from its definition.
    #[test]
    fn the_challenge_answers_are_right() {
        let mut expected: Vec<(&str, &str, f64)> = vec![
            // 1,000,000 posts/h for 5 s each (Little's law), then 0.4 reads/s each.
            ("quickpost", "window-users", 1e6 / 3600.0 * 5.0),
            (
                "quickpost",
                "window-primary-reads",
                1e6 / 3600.0 * 5.0 * 0.4,
            ),
            // 0.5·t ≥ 100 at t = 200: 100 s after the post.
            ("quickpost", "growing-lag", 200.0 - 100.0),
            ("taskflow", "earliest-safe-read", 10.0 + 4.0),
            ("quorum", "three-of-five", math::availability(5, 3, 0.99)),
            ("quorum", "four-of-five", math::availability(5, 4, 0.99)),
            ("quorum", "stale-read-chance", math::stale_read(5, 2, 2)),
            ("failover", "semi-sync-loss", (2041 - 2036) as f64),
            ("failover", "old-leader-writes", 5.0 * 60.0),
            ("failover", "majority-size", (7 - (7 / 2 + 1)) as f64),
            // [3,1,2] ∨ [2,4,0] = [3,4,2]; London counts its write: [3,5,2].
            ("cartsync", "merged-vector-total", (3 + (4 + 1) + 2) as f64),
            // t + d − 4000 > t: d > 4000, the smallest whole millisecond.
            ("cartsync", "lww-skew-window", (4_000 + 1) as f64),
            // One surviving version per region, all concurrent.
            ("cartsync", "siblings-after-partition", 3.0),
        ];
        // hash(user) mod 2 against mod 3 over every residue mod 6.
        let moved = (0..6).filter(|h| h % 2 != h % 3).count() as f64 / 6.0;
        expected.push(("taskflow", "mod-n-moves", moved));
        // The dashboard's replica: 60% plus a third of the rest, over an even third.
        expected.push(("taskflow", "hot-user-imbalance", (0.6 + 0.4 / 3.0) * 3.0));
        for kata in ["quickpost", "taskflow", "quorum", "failover", "cartsync"] {
            for c in &shipped(kata).challenges {
                let (_, _, want) = expected
                    .iter()
                    .find(|(k, id, _)| *k == kata && *id == c.id)
                    .unwrap_or_else(|| panic!("{kata}/{}: add its computation here", c.id));
                let Expected::Number { value, tolerance } = &c.answer else {
                    panic!("{kata}/{}: a number", c.id)
                };
                assert!(
                    (value - want).abs() <= tolerance.width(*value) / 10.0,
                    "{kata}/{}: the file says {value}, the definition gives {want}",
                    c.id
                );
                let exact = format!("{want}");
                assert!(check::check_challenge(c, &exact), "{kata}/{}", c.id);
            }
        }
        // The numbers SPEC §5 quotes, and the source's wrong claim rejected.
        let quorum = shipped("quorum");
        let three = &quorum.challenges[0];
        assert!(check::check_challenge(three, "0.99999"));
        assert!(check::check_challenge(three, "99.999%"));
        assert!(!check::check_challenge(three, "0.999"));
        assert!(check::check_challenge(&quorum.challenges[1], "0.99902"));
    }

    fn parse_err(text: &str) -> String {
        let known = Known {
            scenarios: Some(vec!["lag-spike-90s".into()]),
            strategies: Some(vec!["primary-window-60s".into()]),
        };
        let mut seen = BTreeSet::new();
        parse("q.yaml", text, "quickpost", &known, &mut seen)
            .map(|_| ())
            .unwrap_err()
            .to_string()
    }

    const GOOD: &str = "schema: 1
kata: quickpost
questions:
  - id: one
    ask: Why?
    choices: [because, why not]
    answer: a
    explanation: That is why.
challenges:
  - id: two
    ask: How many?
    answer: 3
    tolerance: 0
    solution: Count them.
";

    #[test]
    fn mistakes_point_at_line_and_column() {
        let mut seen = BTreeSet::new();
        let quiz = parse("q.yaml", GOOD, "quickpost", &Known::default(), &mut seen)
            .unwrap()
            .unwrap();
        assert_eq!((quiz.questions.len(), quiz.challenges.len()), (1, 1));
        let cases = [
            // The answer out of range, at the answer.
            (
                ("answer: a", "answer: c"),
                "q.yaml:7:13: questions[0].answer: the answer is `c`, but the choices are a–b",
            ),
            // Two letters: not exactly one right answer.
            (
                ("answer: a", "answer: ab"),
                "q.yaml:7:13: questions[0].answer: `ab` is not one letter",
            ),
            // No explanation: at the question.
            (
                ("    explanation: That is why.\n", ""),
                "q.yaml:4:5: questions[0]: missing field `explanation`",
            ),
            (
                ("explanation: That is why.", "explanation: ' '"),
                "q.yaml:8:18: questions[0].explanation: this text is empty",
            ),
            (
                ("choices: [because, why not]", "choices: [because, because]"),
                "q.yaml:6:24: questions[0].choices[1]: this choice repeats",
            ),
            (
                ("choices: [because, why not]", "choices: [because]"),
                "q.yaml:6:14: questions[0].choices: a question needs 2 to 6 choices, not 1",
            ),
            (
                ("id: two", "id: one"),
                "q.yaml:10:9: challenges[0].id: the id `one` is already used",
            ),
            (
                ("id: one", "id: One!"),
                "q.yaml:4:9: questions[0].id: `One!` is not a usable id",
            ),
            (
                ("    tolerance: 0\n", ""),
                "q.yaml:10:5: challenges[0]: a number answer needs a `tolerance`",
            ),
            (
                ("answer: 3", "answer: three"),
                "q.yaml:13:16: challenges[0].tolerance: a word answer is matched exactly",
            ),
            (
                ("answer: 3", "answer: '3'"),
                "q.yaml:12:13: challenges[0].answer: `3` reads as a number",
            ),
            (
                ("tolerance: 0", "tolerance: lots"),
                "q.yaml:13:16: challenges[0].tolerance: `lots` is not a tolerance",
            ),
            (
                ("    answer: a\n", "    answer: a\n    scenario: nowhere\n"),
                "q.yaml:8:15: questions[0].scenario: quickpost has no curated scenario named `nowhere`; it has: lag-spike-90s",
            ),
            (
                (
                    "    answer: a\n",
                    "    answer: a\n    strategy: primary-window-60s\n",
                ),
                "q.yaml:4:5: questions[0]: `strategy` names a naive strategy",
            ),
            (
                ("    ask: Why?\n", "    ask: Why?\n    hint: none\n"),
                "q.yaml:6:5: questions[0]: unknown field `hint`",
            ),
        ];
        for ((from, to), want) in cases {
            assert!(GOOD.contains(from), "{from}");
            let err = parse_err(&GOOD.replacen(from, to, 1));
            assert!(
                err.starts_with(want),
                "{from} → {to}:\n got {err}\nwant {want}"
            );
        }
        let err = parse_err("schema: 1\nkata: quickpost\n");
        assert!(err.contains("needs at least one question"), "{err}");
        let err = parse_err("schema: 2\nkata: quickpost\nquestions: []\n");
        assert!(err.contains("see docs/quiz.md"), "{err}");
    }

    #[test]
    fn a_directory_adds_to_or_replaces_the_shipped_quiz() {
        let dir = std::env::temp_dir().join(format!("rk-quiz-dir-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let shipped_len = shipped("quickpost").questions.len();
        std::fs::write(dir.join("extra.yaml"), GOOD).unwrap();
        std::fs::write(
            dir.join("other.yaml"),
            GOOD.replace("quickpost", "taskflow"),
        )
        .unwrap();
        let quiz = load("quickpost", Some(&dir), &known("quickpost"))
            .unwrap()
            .unwrap();
        assert_eq!(quiz.questions.len(), shipped_len + 1);
        assert_eq!(quiz.questions.last().unwrap().id, "one");
        // Named after the kata, it replaces the shipped quiz.
        std::fs::rename(dir.join("extra.yaml"), dir.join("quickpost.yaml")).unwrap();
        let quiz = load("quickpost", Some(&dir), &known("quickpost"))
            .unwrap()
            .unwrap();
        assert_eq!(quiz.questions.len(), 1);
        // An id taken by the shipped quiz, in an added file: at the id.
        std::fs::rename(dir.join("quickpost.yaml"), dir.join("extra.yaml")).unwrap();
        std::fs::write(
            dir.join("extra.yaml"),
            GOOD.replace("id: one", "id: window-vs-lag"),
        )
        .unwrap();
        let err = load("quickpost", Some(&dir), &known("quickpost")).unwrap_err();
        assert!(err.to_string().contains("extra.yaml:4:9:"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
