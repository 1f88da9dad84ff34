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

/// The schema versions this build understands.
pub const SCHEMA_VERSION: u32 = 1;

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
    // Every scenario file is named; check the whole header before the kata's schema.
    let _: Header = serde_yaml::from_str(text).map_err(|e| syntax(path, &e))?;
    parse_seed(path, text, kata, "docs/scenarios.md", PhantomData::<T>)
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
    let header: Versioned = serde_yaml::from_str(text).map_err(|e| syntax(path, &e))?;
    if header.kata != kata {
        return Ok(None);
    }
    if header.schema != SCHEMA_VERSION {
        return Err(ScenarioError::Invalid {
            path: path.to_string(),
            message: format!(
                "schema version {} is not supported; this build reads version {SCHEMA_VERSION} \
                 (see {schema_doc})",
                header.schema
            ),
        });
    }
    seed.deserialize(serde_yaml::Deserializer::from_str(text))
        .map(Some)
        .map_err(|e| syntax(path, &e))
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
        message,
    }
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
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).map_err(|e| io(&p, e))?;
            Ok((p.display().to_string(), text))
        })
        .collect()
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
                assert!(message.contains("invalid type"), "{message}");
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
