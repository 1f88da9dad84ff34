//! Scenario files: the versioned YAML schema's common header, loading with precise
//! error locations, the curated scenarios embedded at build time, and directories of
//! extra scenarios loaded at run time (`--scenarios DIR`).
//!
//! Each kata defines the rest of its schema (see `docs/scenarios.md`); this module only
//! knows the header every file starts with:
//!
//! ```yaml
//! schema: 1            # the schema version this file is written against
//! kata: quickpost      # which kata it belongs to
//! name: lag-spike      # unique within the kata; used by `replay --scenario`
//! ```

use serde::Deserialize;
use serde::de::{DeserializeOwned, DeserializeSeed};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use thiserror::Error;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_scenarios.rs"));
}

mod cluster;
pub mod coverage;
pub mod exhaustive;
mod shrink;

pub use cluster::{
    MAX_REPLICAS, MAX_TIME_MS, known, per_duration, traffic_size, unique, validate_cluster,
    within_a_day,
};
pub(crate) use shrink::cluster_scenario;
pub use shrink::{ClusterScenario, proposals, size};

/// Deserializes a mapping as `F` (the fields as written), then turns it into `T` with
/// `T::try_from`, failing *inside* the mapping: serde_yaml then reports the error at
/// the mapping's line and column, not at the top of the file (as `#[serde(try_from)]`
/// would, its conversion running after the mapping is done). For sections whose size
/// must be checked before anything is generated from them (`traffic`, `sweep`).
pub fn checked_map<'de, D, F, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    F: Deserialize<'de>,
    T: TryFrom<F, Error = String>,
{
    use serde::de::{Error, MapAccess, Visitor, value::MapAccessDeserializer};
    struct Checked<F, T>(PhantomData<(F, T)>);
    impl<'de, F: Deserialize<'de>, T: TryFrom<F, Error = String>> Visitor<'de> for Checked<F, T> {
        type Value = T;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a mapping of fields")
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            let fields = F::deserialize(MapAccessDeserializer::new(map))?;
            T::try_from(fields).map_err(A::Error::custom)
        }
    }
    d.deserialize_map(Checked(PhantomData))
}

/// The schema version of the read katas' and the quorum kata's files.
pub const SCHEMA_VERSION: u32 = 1;

/// The schema version this build reads for kata `kata`: 2 for failover (positions from
/// lags, troubles as a list), 1 for the others.
pub fn schema_version(kata: &str) -> u32 {
    if kata == "failover" {
        crate::katas::failover::SCHEMA
    } else {
        SCHEMA_VERSION
    }
}

/// Where `key:` first starts a line of `text` (1-based line and column).
fn key_location(text: &str, key: &str) -> (usize, usize) {
    text.lines()
        .enumerate()
        .find_map(|(i, l)| {
            let trimmed = l.trim_start();
            trimmed
                .strip_prefix(key)
                .is_some_and(|rest| rest.starts_with(':'))
                .then(|| (i + 1, l.len() - trimmed.len() + 1))
        })
        .unwrap_or((1, 1))
}

/// The fields every scenario file has.
#[derive(Clone, Debug, Deserialize)]
pub struct Header {
    pub schema: u32,
    pub kata: String,
    pub name: String,
}

/// A scenario file that could not be used.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ScenarioError {
    /// The YAML does not match the schema; line and column point at the problem.
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// The YAML parses but describes an impossible scenario.
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    #[error("{path}: cannot read: {message}")]
    Io { path: String, message: String },
}

/// Parses one scenario file of kata `kata` into its schema type `T`.
///
/// Returns `Ok(None)` when the file belongs to another kata, so that one directory can
/// hold the scenarios of several katas.
pub fn parse<T: DeserializeOwned>(
    path: &str,
    text: &str,
    kata: &str,
) -> Result<Option<T>, ScenarioError> {
    // Editors on Windows save UTF-8 with a byte-order mark; YAML does not want it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    check_text(path, text)?;
    if text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Err(ScenarioError::Invalid {
            path: path.to_string(),
            message: "the file is empty: a scenario starts with `schema: 1`, `kata:` and \
                      `name:` lines"
                .to_string(),
        });
    }
    // Every scenario file is named; check the whole header before the kata's schema.
    let header: Header = serde_yaml::from_str(text).map_err(|e| syntax(path, &e))?;
    if header.kata == kata && kata == "failover" && header.schema == 1 {
        // Schema 1 fixed each follower's LSN at the moment of failure; schema 2 derives
        // positions from lags, so the old numbers cannot be carried over blindly.
        let (line, column) = key_location(text, "leader_lsn");
        return Err(ScenarioError::Syntax {
            path: path.to_string(),
            line,
            column,
            message: "failover scenarios are schema 2 now: positions come from the \
                      replication model instead of fixed numbers. Write `schema: 2`, replace \
                      `leader_lsn` by `start: { lsn: … }` and `writes_per_s`, each follower's \
                      `lsn` by a `lag_ms` (at 100 writes/s, 10 ms is one write behind), \
                      `semi_sync` by `sync: true` on the follower, and `trouble:` by a \
                      `troubles:` list (`leader_side` is now `with`) — see docs/scenarios.md"
                .to_string(),
        });
    }
    parse_versioned(
        path,
        text,
        kata,
        "docs/scenarios.md",
        schema_version(kata),
        PhantomData::<T>,
    )
}

/// The two header fields every YAML file of this project starts with.
#[derive(Deserialize)]
struct Versioned {
    schema: u32,
    kata: String,
}

/// Parses one YAML file of kata `kata` (scenario or quiz) with a `seed`: the way for a
/// file whose checks need context — a quiz file checks its ids against the files read
/// before it — to fail *inside* deserialization, where serde_yaml knows the line and
/// column of the offending value. `schema_doc` is where the schema is documented, for
/// the version error.
///
/// Returns `Ok(None)` when the file belongs to another kata.
pub fn parse_seed<'de, S: DeserializeSeed<'de>>(
    path: &str,
    text: &'de str,
    kata: &str,
    schema_doc: &str,
    seed: S,
) -> Result<Option<S::Value>, ScenarioError> {
    parse_versioned(path, text, kata, schema_doc, SCHEMA_VERSION, seed)
}

/// [`parse_seed`] for a file whose schema is `version`.
fn parse_versioned<'de, S: DeserializeSeed<'de>>(
    path: &str,
    text: &'de str,
    kata: &str,
    schema_doc: &str,
    version: u32,
    seed: S,
) -> Result<Option<S::Value>, ScenarioError> {
    let header: Versioned = serde_yaml::from_str(text).map_err(|e| syntax(path, &e))?;
    if header.kata != kata {
        return Ok(None);
    }
    if header.schema != version {
        return Err(ScenarioError::Invalid {
            path: path.to_string(),
            message: format!(
                "schema version {} is not supported; this build reads version {version} \
                 (see {schema_doc})",
                header.schema
            ),
        });
    }
    seed.deserialize(serde_yaml::Deserializer::from_str(text))
        .map(Some)
        .map_err(|e| syntax(path, &e))
}

/// Largest scenario file read, in bytes. The biggest curated file is a few KiB; a
/// 400,000-operation file (40 MB) is already far past what shrinking can explain.
pub const MAX_FILE_BYTES: u64 = 4 << 20;

/// Deepest nesting accepted. Scenario files nest four or five levels; the YAML parser
/// takes minutes on hundreds of thousands of levels before it fails, so deeper files
/// are refused before parsing.
pub const MAX_DEPTH: usize = 64;

/// Line and column (1-based) of byte `at` in `text`.
fn position(text: &[u8], at: usize) -> (usize, usize) {
    let before = &text[..at.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

/// Checks what the YAML parser handles badly, before it runs: NUL characters (it
/// reports them at 1:1) and nesting deep enough to take minutes.
fn check_text(path: &str, text: &str) -> Result<(), ScenarioError> {
    let at = |i: usize, message: String| {
        let (line, column) = position(text.as_bytes(), i);
        ScenarioError::Syntax {
            path: path.to_string(),
            line,
            column,
            message,
        }
    };
    if let Some(i) = text.find('\0') {
        return Err(at(
            i,
            "a NUL character (byte 0): scenario files are plain text; remove it".to_string(),
        ));
    }
    // Nesting: brackets of flow collections, plus the indentation of block ones (every
    // level indents at least one column, and `- ` opens a level on the same line).
    let mut flow = 0usize;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches([' ', '-']).len();
        if indent > MAX_DEPTH * 8 {
            return Err(at(
                offset,
                format!("nested too deeply (more than {MAX_DEPTH} levels)"),
            ));
        }
        let mut quote = None;
        for (j, c) in line.char_indices() {
            match (quote, c) {
                (None, '#') => break,
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (None, '[' | '{') => {
                    flow += 1;
                    if flow > MAX_DEPTH {
                        return Err(at(
                            offset + j,
                            format!("nested too deeply (more than {MAX_DEPTH} levels)"),
                        ));
                    }
                }
                (None, ']' | '}') => flow = flow.saturating_sub(1),
                _ => {}
            }
        }
        offset += line.len();
    }
    Ok(())
}

fn syntax(path: &str, e: &serde_yaml::Error) -> ScenarioError {
    let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
    let mut message = e.to_string();
    // serde_yaml appends " at line L column C"; the location is already in front.
    if let Some(i) = message.find(" at line ") {
        message.truncate(i);
    }
    ScenarioError::Syntax {
        path: path.to_string(),
        line,
        column,
        message: plain_words(&message),
    }
}

/// What serde's type names mean to someone writing a scenario file.
fn plain_type(t: &str) -> String {
    let t = t.trim();
    if t.starts_with("struct ") || t == "map" || t.starts_with("a map") {
        return "a mapping (`key: value` lines)".to_string();
    }
    if t == "unit value" {
        return "nothing (an empty value)".to_string();
    }
    if t == "sequence" || t.starts_with("a sequence") {
        return "a list (`- item` lines or `[a, b]`)".to_string();
    }
    if t.starts_with("u8")
        || t.starts_with("u16")
        || t.starts_with("u32")
        || t.starts_with("u64")
        || t.starts_with("usize")
    {
        return "a whole number, 0 or more".to_string();
    }
    if t == "f64" || t == "f32" {
        return "a number".to_string();
    }
    if t == "a boolean" || t == "bool" {
        return "true or false".to_string();
    }
    if let Some(rest) = t.strip_prefix("integer ") {
        return format!("the number {}", rest.trim_matches('`'));
    }
    if let Some(rest) = t.strip_prefix("floating point ") {
        return format!("the number {}", rest.trim_matches('`'));
    }
    if let Some(rest) = t.strip_prefix("string ") {
        return format!("the text {rest}");
    }
    if t == "a string" {
        return "text".to_string();
    }
    if t.starts_with("enum ") {
        return "one of the documented names".to_string();
    }
    t.to_string()
}

/// Rewrites serde's "invalid type: unit value, expected struct Header" as "found
/// nothing (an empty value) where a mapping (`key: value` lines) was expected".
/// serde_yaml puts the field's path in front ("replicas: invalid type: …"); it stays.
fn plain_words(message: &str) -> String {
    for kind in ["invalid type: ", "invalid value: "] {
        if let Some(i) = message.find(kind)
            && let Some((found, expected)) = message[i + kind.len()..].split_once(", expected ")
        {
            return format!(
                "{}found {} where {} was expected",
                &message[..i],
                plain_type(found),
                plain_type(expected)
            );
        }
    }
    if let Some(i) = message.find("invalid length ")
        && let Some((n, expected)) =
            message[i + "invalid length ".len()..].split_once(", expected ")
    {
        return format!("{}{n} items where {expected} were expected", &message[..i]);
    }
    message.to_string()
}

/// The curated scenario files of a kata: `(path, text)` pairs, sorted by path.
pub fn embedded(kata: &str) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
    embedded::EMBEDDED
        .iter()
        .filter(move |(k, _, _)| *k == kata)
        .map(|(_, path, text)| (*path, *text))
}

/// Reads every `*.yaml` / `*.yml` file of `dir`, sorted by file name.
pub fn read_dir(dir: &Path) -> Result<Vec<(String, String)>, ScenarioError> {
    let io = |path: &Path, e: std::io::Error| ScenarioError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    paths.sort();
    paths.into_iter().map(|p| read_file(&p)).collect()
}

/// Reads one scenario file: a regular file (a FIFO would block the grade forever), at
/// most [`MAX_FILE_BYTES`], in UTF-8 (an error points at the first bad byte).
fn read_file(p: &Path) -> Result<(String, String), ScenarioError> {
    use std::io::Read;
    let name = p.display().to_string();
    let invalid = |message: String| ScenarioError::Invalid {
        path: name.clone(),
        message,
    };
    let io = |e: std::io::Error| ScenarioError::Io {
        path: name.clone(),
        message: e.to_string(),
    };
    let meta = std::fs::metadata(p).map_err(io)?;
    if !meta.is_file() {
        return Err(invalid(
            "not a regular file (a directory, a FIFO or a device): scenario files must be \
             plain files"
                .to_string(),
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(invalid(format!(
            "{} bytes, more than the {} MiB a scenario file may have; a scenario this large \
             could not be shrunk to a counterexample anyone can read — use fewer operations, \
             or `traffic` to generate them",
            meta.len(),
            MAX_FILE_BYTES >> 20
        )));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(p)
        .map_err(io)?
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok((name, text)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let (line, column) = position(&bytes, at);
            Err(ScenarioError::Syntax {
                path: name,
                line,
                column,
                message: format!(
                    "not valid UTF-8 (byte 0x{:02x}): save the file as UTF-8",
                    bytes[at]
                ),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Tiny {
        schema: u32,
        kata: String,
        name: String,
        replicas: u32,
    }

    const GOOD: &str = "schema: 1\nkata: quickpost\nname: x\nreplicas: 2\n";

    #[test]
    fn a_byte_order_mark_is_ignored() {
        let text = format!("\u{feff}{GOOD}");
        assert!(
            parse::<Tiny>("s.yaml", &text, "quickpost")
                .unwrap()
                .is_some()
        );
    }

    #[test]
    fn a_nul_is_reported_where_it_is() {
        let text = GOOD.replace("name: x", "name: x\0");
        match parse::<Tiny>("s.yaml", &text, "quickpost").unwrap_err() {
            ScenarioError::Syntax {
                line,
                column,
                message,
                ..
            } => {
                assert_eq!((line, column), (3, 8));
                assert!(message.contains("NUL"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let text = format!(
            "{GOOD}extra: {}{}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let started = std::time::Instant::now();
        let err = parse::<Tiny>("s.yaml", &text, "quickpost").unwrap_err();
        assert!(err.to_string().contains("nested too deeply"), "{err}");
        assert!(err.to_string().starts_with("s.yaml:5:"), "{err}");
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        let block: String = (0..2_000)
            .map(|i| format!("{}a:\n", " ".repeat(i)))
            .collect();
        let err = parse::<Tiny>("s.yaml", &format!("{GOOD}{block}"), "quickpost").unwrap_err();
        assert!(err.to_string().contains("nested too deeply"), "{err}");
    }

    #[test]
    fn type_errors_are_in_plain_words() {
        let err = parse::<Tiny>("s.yaml", "", "quickpost").unwrap_err();
        let text = err.to_string();
        assert!(!text.contains("struct Header"), "{text}");
        let err = parse::<Tiny>("s.yaml", "~\n", "quickpost").unwrap_err();
        assert!(
            err.to_string()
                .contains("found nothing (an empty value) where a mapping"),
            "{err}"
        );
        let err = parse::<Tiny>("s.yaml", &GOOD.replace("2", "-3"), "quickpost").unwrap_err();
        assert!(
            err.to_string()
                .contains("found the number -3 where a whole number, 0 or more was expected"),
            "{err}"
        );
    }

    #[test]
    fn files_that_are_not_plain_or_not_utf8_are_refused_with_a_position() {
        let dir = std::env::temp_dir().join(format!("rk-scenario-read-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.yaml"), b"schema: 1\nname: caf\xe9\n").unwrap();
        match read_dir(&dir).unwrap_err() {
            ScenarioError::Syntax {
                line,
                column,
                message,
                ..
            } => {
                assert_eq!((line, column), (2, 10));
                assert!(message.contains("UTF-8"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        std::fs::remove_file(dir.join("a.yaml")).unwrap();
        std::fs::create_dir(dir.join("sub.yaml")).unwrap();
        let err = read_dir(&dir).unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn old_failover_files_are_rejected_with_the_way_forward() {
        let text =
            "schema: 1\nkata: failover\nname: x\nleader_lsn: 1010\nfollowers:\n  - { lsn: 1008 }\n";
        let err = parse::<serde_yaml::Value>("old.yaml", text, "failover").unwrap_err();
        let shown = err.to_string();
        assert!(
            shown.starts_with("old.yaml:4:1: failover scenarios are schema 2"),
            "{shown}"
        );
        assert!(shown.contains("lag_ms"), "{shown}");
    }

    #[test]
    fn type_errors_point_at_line_and_column() {
        let text = "schema: 1\nkata: quickpost\nname: x\nreplicas: many\n";
        let err = parse::<Tiny>("s.yaml", text, "quickpost").unwrap_err();
        match err {
            ScenarioError::Syntax {
                line,
                column,
                ref message,
                ..
            } => {
                assert_eq!((line, column), (4, 11), "{err}");
                assert!(message.contains("found the text \"many\""), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn broken_yaml_points_at_line() {
        let text = "schema: 1\nkata: quickpost\nname: [x\n";
        let err = parse::<Tiny>("s.yaml", text, "quickpost").unwrap_err();
        assert!(err.to_string().starts_with("s.yaml:"), "{err}");
    }

    #[test]
    fn unknown_field_is_named() {
        let text = "schema: 1\nkata: quickpost\nname: x\nreplicas: 2\nreplcas: 3\n";
        let err = parse::<Tiny>("s.yaml", text, "quickpost").unwrap_err();
        assert!(err.to_string().contains("unknown field `replcas`"), "{err}");
        assert!(err.to_string().starts_with("s.yaml:5:"), "{err}");
    }

    #[test]
    fn other_katas_files_are_skipped_and_versions_checked() {
        let text = "schema: 1\nkata: taskflow\nname: x\n";
        assert_eq!(
            parse::<Tiny>("s.yaml", text, "quickpost")
                .unwrap()
                .map(|t| t.name),
            None
        );
        let text = "schema: 9\nkata: quickpost\nname: x\nreplicas: 1\n";
        let err = parse::<Tiny>("s.yaml", text, "quickpost").unwrap_err();
        assert!(err.to_string().contains("schema version 9"), "{err}");
    }
}
