//! Reading a quiz file. Every check runs *inside* deserialization, as a serde visitor or
//! seed: serde_yaml then stamps the error with the line and column of the value being
//! read, so an instructor's mistake is reported as `path:line:column` like any YAML
//! syntax error. (A check made after parsing could only name the file.) Checks that
//! span two fields — the answer against the number of choices, a tolerance against
//! the kind of answer — are made by whichever field comes second, at that field.

use super::{Challenge, Expected, Known, MAX_CHOICES, Question, Quiz, Tolerance, letter, letters};
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::collections::BTreeSet;
use std::fmt;
use std::marker::PhantomData;

const WORD_WITH_TOLERANCE: &str = "a word answer is matched exactly (ignoring case); \
`tolerance` is for number answers — remove it, or list other spellings under `accept`";

const NUMBER_WITH_ACCEPT: &str = "`accept` lists other spellings of a word answer; a number \
answer takes a `tolerance` instead";

const NEEDS_TOLERANCE: &str = "a number answer needs a `tolerance`: absolute (`tolerance: \
0.5`) or relative (`tolerance: 1%`); `tolerance: 0` for an exact count";

const EMPTY_FILE: &str = "a quiz file needs at least one question (under `questions:`) or \
design challenge (under `challenges:`); see docs/quiz.md";

const STRATEGY_WITHOUT_SCENARIO: &str = "`strategy` names a naive strategy that fails in \
`scenario`: add the scenario it fails, or remove the strategy";

/// The `kata:` of a file, if it has one.
pub(super) fn header_kata(text: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Kata {
        kata: String,
    }
    serde_yaml::from_str::<Kata>(text).ok().map(|k| k.kata)
}

/// What the checks need to know besides the value at hand.
pub(super) struct QuizSeed<'a> {
    pub known: &'a Known,
    /// Ids already taken, by earlier files and earlier items.
    pub seen: &'a mut BTreeSet<String>,
    pub kata: String,
}

struct Ctx<'a, 'k> {
    known: &'k Known,
    seen: &'a mut BTreeSet<String>,
    kata: &'a str,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum FileField {
    Schema,
    Kata,
    Questions,
    Challenges,
}

impl<'de> DeserializeSeed<'de> for QuizSeed<'_> {
    type Value = Quiz;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Quiz, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for QuizSeed<'_> {
    type Value = Quiz;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a quiz: schema, kata, questions and challenges")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Quiz, A::Error> {
        let mut ctx = Ctx {
            known: self.known,
            seen: self.seen,
            kata: &self.kata,
        };
        let mut questions = None;
        let mut challenges = None;
        while let Some(key) = map.next_key::<FileField>()? {
            match key {
                // Checked by the header parse before this one.
                FileField::Schema | FileField::Kata => {
                    map.next_value::<IgnoredAny>()?;
                }
                FileField::Questions => {
                    let list = map.next_value_seed(ListSeed::<Question>::new(&mut ctx))?;
                    set(&mut questions, "questions", list)?;
                }
                FileField::Challenges => {
                    let list = map.next_value_seed(ListSeed::<Challenge>::new(&mut ctx))?;
                    set(&mut challenges, "challenges", list)?;
                }
            }
        }
        let quiz = Quiz {
            kata: self.kata.clone(),
            questions: questions.unwrap_or_default(),
            challenges: challenges.unwrap_or_default(),
        };
        if quiz.questions.is_empty() && quiz.challenges.is_empty() {
            return Err(de::Error::custom(EMPTY_FILE));
        }
        Ok(quiz)
    }
}

/// Stores a field, refusing a second one.
fn set<T, E: de::Error>(slot: &mut Option<T>, name: &'static str, value: T) -> Result<(), E> {
    if slot.is_some() {
        return Err(E::duplicate_field(name));
    }
    *slot = Some(value);
    Ok(())
}

fn required<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// A question or a challenge: read from a YAML mapping, with the context.
trait Item: Sized {
    const WHAT: &'static str;
    fn read<'de, A: MapAccess<'de>>(ctx: &mut Ctx<'_, '_>, map: A) -> Result<Self, A::Error>;
}

struct ListSeed<'c, 'a, 'k, T> {
    ctx: &'c mut Ctx<'a, 'k>,
    item: PhantomData<T>,
}

impl<'c, 'a, 'k, T> ListSeed<'c, 'a, 'k, T> {
    fn new(ctx: &'c mut Ctx<'a, 'k>) -> Self {
        ListSeed {
            ctx,
            item: PhantomData,
        }
    }
}

impl<'de, T: Item> DeserializeSeed<'de> for ListSeed<'_, '_, '_, T> {
    type Value = Vec<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: Item> Visitor<'de> for ListSeed<'_, '_, '_, T> {
    type Value = Vec<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a list of {}s", T::WHAT)
    }
    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Vec<T>, S::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(ItemSeed::<T> {
            ctx: &mut *self.ctx,
            item: PhantomData,
        })? {
            items.push(item);
        }
        Ok(items)
    }
}

struct ItemSeed<'c, 'a, 'k, T> {
    ctx: &'c mut Ctx<'a, 'k>,
    item: PhantomData<T>,
}

impl<'de, T: Item> DeserializeSeed<'de> for ItemSeed<'_, '_, '_, T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, T: Item> Visitor<'de> for ItemSeed<'_, '_, '_, T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a {} (a mapping with an id)", T::WHAT)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::read(self.ctx, map)
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum QuestionField {
    Id,
    Ask,
    Choices,
    Answer,
    Explanation,
    Scenario,
    Strategy,
}

impl Item for Question {
    const WHAT: &'static str = "question";
    fn read<'de, A: MapAccess<'de>>(ctx: &mut Ctx<'_, '_>, mut map: A) -> Result<Self, A::Error> {
        let (mut id, mut ask, mut choices, mut answer) = (None, None, None::<Vec<String>>, None);
        let (mut explanation, mut scenario, mut strategy) = (None, None, None);
        while let Some(key) = map.next_key::<QuestionField>()? {
            match key {
                QuestionField::Id => set(&mut id, "id", map.next_value_seed(IdSeed(ctx.seen))?)?,
                QuestionField::Ask => set(&mut ask, "ask", map.next_value_seed(Text)?)?,
                QuestionField::Choices => {
                    let list = map.next_value_seed(ChoicesSeed { answer })?;
                    set(&mut choices, "choices", list)?;
                }
                QuestionField::Answer => {
                    let letter = map.next_value_seed(LetterSeed {
                        choices: choices.as_ref().map(Vec::len),
                    })?;
                    set(&mut answer, "answer", letter)?;
                }
                QuestionField::Explanation => {
                    set(&mut explanation, "explanation", map.next_value_seed(Text)?)?;
                }
                QuestionField::Scenario => {
                    let name = map.next_value_seed(NameSeed::scenario(ctx))?;
                    set(&mut scenario, "scenario", name)?;
                }
                QuestionField::Strategy => {
                    let name = map.next_value_seed(NameSeed::strategy(ctx))?;
                    set(&mut strategy, "strategy", name)?;
                }
            }
        }
        if strategy.is_some() && scenario.is_none() {
            return Err(de::Error::custom(STRATEGY_WITHOUT_SCENARIO));
        }
        Ok(Question {
            id: required(id, "id")?,
            ask: required(ask, "ask")?,
            choices: required(choices, "choices")?,
            answer: required(answer, "answer")?,
            explanation: required(explanation, "explanation")?,
            scenario,
            strategy,
        })
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum ChallengeField {
    Id,
    Ask,
    Answer,
    Tolerance,
    Accept,
    Unit,
    Solution,
    Scenario,
}

/// A challenge's answer as written, before its tolerance or spellings join it.
enum Raw {
    Number(f64),
    Text(String),
}

impl Item for Challenge {
    const WHAT: &'static str = "challenge";
    fn read<'de, A: MapAccess<'de>>(ctx: &mut Ctx<'_, '_>, mut map: A) -> Result<Self, A::Error> {
        let (mut id, mut ask, mut answer, mut tolerance) = (None, None, None, None);
        let (mut accept, mut unit, mut solution, mut scenario) = (None, None, None, None);
        while let Some(key) = map.next_key::<ChallengeField>()? {
            match key {
                ChallengeField::Id => {
                    set(&mut id, "id", map.next_value_seed(IdSeed(ctx.seen))?)?;
                }
                ChallengeField::Ask => set(&mut ask, "ask", map.next_value_seed(Text)?)?,
                ChallengeField::Answer => {
                    let raw = map.next_value_seed(AnswerSeed {
                        tolerance: tolerance.is_some(),
                        accept: accept.is_some(),
                    })?;
                    set(&mut answer, "answer", raw)?;
                }
                ChallengeField::Tolerance => {
                    let number = answer.as_ref().map(|a| matches!(a, Raw::Number(_)));
                    let t = map.next_value_seed(ToleranceSeed { number })?;
                    set(&mut tolerance, "tolerance", t)?;
                }
                ChallengeField::Accept => {
                    let number = answer.as_ref().map(|a| matches!(a, Raw::Number(_)));
                    let words = map.next_value_seed(AcceptSeed { number })?;
                    set(&mut accept, "accept", words)?;
                }
                ChallengeField::Unit => set(&mut unit, "unit", map.next_value_seed(Text)?)?,
                ChallengeField::Solution => {
                    set(&mut solution, "solution", map.next_value_seed(Text)?)?;
                }
                ChallengeField::Scenario => {
                    let name = map.next_value_seed(NameSeed::scenario(ctx))?;
                    set(&mut scenario, "scenario", name)?;
                }
            }
        }
        let answer = match required(answer, "answer")? {
            Raw::Number(value) => Expected::Number {
                value,
                tolerance: tolerance.ok_or_else(|| de::Error::custom(NEEDS_TOLERANCE))?,
            },
            Raw::Text(word) => {
                let mut words = vec![word];
                words.extend(accept.unwrap_or_default());
                Expected::Text(words)
            }
        };
        Ok(Challenge {
            id: required(id, "id")?,
            ask: required(ask, "ask")?,
            answer,
            unit,
            solution: required(solution, "solution")?,
            scenario,
        })
    }
}

/// A question's or challenge's id: unique, and easy to type in `--explain ID`.
struct IdSeed<'a>(&'a mut BTreeSet<String>);

impl<'de> DeserializeSeed<'de> for IdSeed<'_> {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for IdSeed<'_> {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an id of lowercase letters, digits and hyphens, e.g. `window-vs-lag`")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        let well_formed = !v.is_empty()
            && v.len() <= 40
            && v.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !v.starts_with('-')
            && !v.ends_with('-');
        if !well_formed {
            return Err(E::custom(format!(
                "`{v}` is not a usable id: use up to 40 lowercase letters, digits and \
                 hyphens, e.g. `window-vs-lag`"
            )));
        }
        if !self.0.insert(v.to_string()) {
            return Err(E::custom(format!(
                "the id `{v}` is already used in this kata's quiz; ids name questions in \
                 the progress file and in `--explain`, so each must be unique"
            )));
        }
        Ok(v.to_string())
    }
}

/// Text a learner reads: present and not blank.
struct Text;

impl<'de> DeserializeSeed<'de> for Text {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Text {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("text")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        let v = v.trim();
        if v.is_empty() {
            return Err(E::custom(
                "this text is empty; write something for the learner",
            ));
        }
        Ok(v.to_string())
    }
}

struct ChoicesSeed {
    /// The answer, if it came first.
    answer: Option<usize>,
}

impl<'de> DeserializeSeed<'de> for ChoicesSeed {
    type Value = Vec<String>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<String>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ChoicesSeed {
    type Value = Vec<String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a list of 2 to {MAX_CHOICES} choices")
    }
    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Vec<String>, S::Error> {
        let mut choices: Vec<String> = Vec::new();
        while let Some(choice) = seq.next_element_seed(ChoiceSeed(&choices))? {
            choices.push(choice);
        }
        if !(2..=MAX_CHOICES).contains(&choices.len()) {
            return Err(de::Error::custom(format!(
                "a question needs 2 to {MAX_CHOICES} choices, not {}",
                choices.len()
            )));
        }
        if let Some(answer) = self.answer.filter(|&a| a >= choices.len()) {
            return Err(de::Error::custom(format!(
                "the answer is `{}`, but the choices are {}",
                letter(answer),
                letters(choices.len())
            )));
        }
        Ok(choices)
    }
}

/// One choice, distinct from the ones before it.
struct ChoiceSeed<'a>(&'a [String]);

impl<'de> DeserializeSeed<'de> for ChoiceSeed<'_> {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for ChoiceSeed<'_> {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a choice (text)")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        let v = Text.visit_str::<E>(v)?;
        if self.0.contains(&v) {
            return Err(E::custom(
                "this choice repeats an earlier one: a question has exactly one right answer",
            ));
        }
        Ok(v)
    }
}

struct LetterSeed {
    /// How many choices there are, if they came first.
    choices: Option<usize>,
}

impl<'de> DeserializeSeed<'de> for LetterSeed {
    type Value = usize;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for LetterSeed {
    type Value = usize;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("exactly one right answer: the letter of one choice, e.g. `b`")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<usize, E> {
        let index = match v.trim().as_bytes() {
            [c] if c.is_ascii_alphabetic() => usize::from(c.to_ascii_lowercase() - b'a'),
            _ => {
                return Err(E::custom(format!(
                    "`{v}` is not one letter: a question has exactly one right answer, \
                     written as the letter of its choice (a, b, c…)"
                )));
            }
        };
        match self.choices {
            Some(n) if index >= n => Err(E::custom(format!(
                "the answer is `{}`, but the choices are {}",
                letter(index),
                letters(n)
            ))),
            _ if index >= MAX_CHOICES => Err(E::custom(format!(
                "the answer is `{v}`, but a question has at most {MAX_CHOICES} choices (a–f)"
            ))),
            _ => Ok(index),
        }
    }
}

/// A scenario or strategy name, checked against the kata's when they are known.
struct NameSeed<'a> {
    what: &'static str,
    known: Option<&'a [String]>,
    kata: &'a str,
}

impl<'a> NameSeed<'a> {
    fn scenario(ctx: &'a Ctx<'_, '_>) -> Self {
        NameSeed {
            what: "curated scenario",
            known: ctx.known.scenarios.as_deref(),
            kata: ctx.kata,
        }
    }
    fn strategy(ctx: &'a Ctx<'_, '_>) -> Self {
        NameSeed {
            what: "naive strategy",
            known: ctx.known.strategies.as_deref(),
            kata: ctx.kata,
        }
    }
}

impl<'de> DeserializeSeed<'de> for NameSeed<'_> {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for NameSeed<'_> {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "the name of a {}", self.what)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        match self.known {
            Some(names) if !names.iter().any(|n| n == v) => Err(E::custom(format!(
                "{} has no {} named `{v}`; it has: {}",
                self.kata,
                self.what,
                names.join(", ")
            ))),
            _ => Ok(v.to_string()),
        }
    }
}

/// A challenge's answer: a number, or a word that can be typed in `--answers`.
struct AnswerSeed {
    tolerance: bool,
    accept: bool,
}

impl<'de> DeserializeSeed<'de> for AnswerSeed {
    type Value = Raw;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        d.deserialize_any(self)
    }
}

impl AnswerSeed {
    fn number<E: de::Error>(self, v: f64) -> Result<Raw, E> {
        if !v.is_finite() {
            return Err(E::custom("the answer must be a finite number"));
        }
        if self.accept {
            return Err(E::custom(NUMBER_WITH_ACCEPT));
        }
        Ok(Raw::Number(v))
    }
}

impl<'de> Visitor<'de> for AnswerSeed {
    type Value = Raw;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number (with a tolerance) or a word")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw, E> {
        self.number(v as f64)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Raw, E> {
        self.number(v as f64)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Raw, E> {
        self.number(v)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Raw, E> {
        let word = typable::<E>(v)?;
        if super::parse_number(&word).is_some() {
            return Err(E::custom(format!(
                "`{v}` reads as a number: write it as a YAML number (`answer: 0.667`) with \
                 a `tolerance`, so that 2/3, 66.7% and 0.6667 are all accepted"
            )));
        }
        if self.tolerance {
            return Err(E::custom(WORD_WITH_TOLERANCE));
        }
        Ok(Raw::Text(word))
    }
}

/// A word a learner can give in `--answers`: not blank, no commas.
fn typable<E: de::Error>(v: &str) -> Result<String, E> {
    let word = Text.visit_str::<E>(v)?;
    if word.contains(',') {
        return Err(E::custom(
            "a word answer cannot contain a comma: `--answers` separates answers with commas",
        ));
    }
    Ok(word)
}

struct ToleranceSeed {
    /// Whether the answer (if it came first) is a number.
    number: Option<bool>,
}

impl<'de> DeserializeSeed<'de> for ToleranceSeed {
    type Value = Tolerance;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Tolerance, D::Error> {
        d.deserialize_any(self)
    }
}

impl ToleranceSeed {
    fn make<E: de::Error>(self, t: Tolerance) -> Result<Tolerance, E> {
        if self.number == Some(false) {
            return Err(E::custom(WORD_WITH_TOLERANCE));
        }
        let (Tolerance::Absolute(x) | Tolerance::Relative(x)) = t;
        if !x.is_finite() || x < 0.0 {
            return Err(E::custom(
                "a tolerance must be a number ≥ 0, e.g. 0.5 or 1%",
            ));
        }
        Ok(t)
    }
}

impl<'de> Visitor<'de> for ToleranceSeed {
    type Value = Tolerance;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a tolerance: absolute (0.5) or relative (1%)")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Tolerance, E> {
        self.make(Tolerance::Absolute(v as f64))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Tolerance, E> {
        self.make(Tolerance::Absolute(v as f64))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Tolerance, E> {
        self.make(Tolerance::Absolute(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Tolerance, E> {
        match v.trim().strip_suffix('%').map(|p| p.trim().parse::<f64>()) {
            Some(Ok(percent)) => self.make(Tolerance::Relative(percent / 100.0)),
            _ => Err(E::custom(format!(
                "`{v}` is not a tolerance: write an absolute one (0.5) or a relative one (1%)"
            ))),
        }
    }
}

struct AcceptSeed {
    number: Option<bool>,
}

impl<'de> DeserializeSeed<'de> for AcceptSeed {
    type Value = Vec<String>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<String>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for AcceptSeed {
    type Value = Vec<String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of other accepted spellings")
    }
    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Vec<String>, S::Error> {
        if self.number == Some(true) {
            return Err(de::Error::custom(NUMBER_WITH_ACCEPT));
        }
        let mut words = Vec::new();
        while let Some(word) = seq.next_element_seed(Spelling)? {
            words.push(word);
        }
        Ok(words)
    }
}

struct Spelling;

impl<'de> DeserializeSeed<'de> for Spelling {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Spelling {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a word")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        typable(v)
    }
}
