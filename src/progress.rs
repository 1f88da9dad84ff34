//! The learner's progress that must survive between runs: how many hints of each kata
//! they have seen, so `hint` can give the *next* one, and their latest quiz results.
//!
//! Stored as JSON in `.replication-katas/progress.json` at the repository root,
//! written atomically (temporary file, then rename) so an interrupted write never
//! leaves a half file. A missing file is a fresh start; a corrupt one gets a warning
//! and a fresh start, never a crash. Each part is read on its own: a damaged quiz entry
//! costs that kata's quiz results (with a warning), not the hint counters, and a file
//! from before the quiz existed simply has no results.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct Progress {
    /// Hints shown so far, per kata.
    #[serde(default)]
    pub hints_seen: BTreeMap<String, usize>,
    /// Quiz results, per kata. Left out of the file until there is one, so a file
    /// written by this version reads the same in an older one.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub quiz: BTreeMap<String, QuizRecord>,
}

/// A kata's latest quiz results, per question id: whether the last answer was right.
/// The score is recomputed from these against the current questions (see
/// `quiz::score_of`), so editing a quiz file never leaves a stale count behind.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct QuizRecord {
    #[serde(default)]
    pub questions: BTreeMap<String, bool>,
    #[serde(default)]
    pub challenges: BTreeMap<String, bool>,
}

/// Where progress lives: `.replication-katas/progress.json` under `root`.
pub fn path(root: &Path) -> PathBuf {
    root.join(".replication-katas").join("progress.json")
}

/// Loads progress; a warning explains any problem, and the result is then empty.
pub fn load(file: &Path) -> (Progress, Option<String>) {
    match std::fs::read_to_string(file) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Progress::default(), None),
        Err(e) => (
            Progress::default(),
            Some(format!(
                "could not read {}: {e}; starting afresh",
                file.display()
            )),
        ),
        Ok(text) => match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(serde_json::Value::Object(fields)) => salvage(file, fields),
            Ok(_) => (
                Progress::default(),
                Some(format!(
                    "{} is corrupt (not a JSON object); starting afresh — it will be rewritten",
                    file.display()
                )),
            ),
            Err(e) => (
                Progress::default(),
                Some(format!(
                    "{} is corrupt ({e}); starting afresh — it will be rewritten",
                    file.display()
                )),
            ),
        },
    }
}

/// Keeps every part of a parsed file that still makes sense, and says what was lost.
fn salvage(
    file: &Path,
    mut fields: serde_json::Map<String, serde_json::Value>,
) -> (Progress, Option<String>) {
    let mut lost = Vec::new();
    let hints_seen = match fields.remove("hints_seen") {
        None => BTreeMap::new(),
        Some(v) => serde_json::from_value(v).unwrap_or_else(|_| {
            lost.push("the hint counters".to_string());
            BTreeMap::new()
        }),
    };
    let mut quiz = BTreeMap::new();
    match fields.remove("quiz") {
        None => {}
        Some(serde_json::Value::Object(katas)) => {
            for (kata, v) in katas {
                match serde_json::from_value(v) {
                    Ok(record) => {
                        quiz.insert(kata, record);
                    }
                    Err(_) => lost.push(format!("the {kata} quiz results")),
                }
            }
        }
        Some(_) => lost.push("the quiz results".to_string()),
    }
    let warning = (!lost.is_empty()).then(|| {
        format!(
            "{} is partly corrupt: {} could not be read and start afresh — it will be \
             rewritten",
            file.display(),
            lost.join(", ")
        )
    });
    (Progress { hints_seen, quiz }, warning)
}

/// The temporary file for one write: unique to this process and this write, so two
/// `hint`s at once never write into the same file (a reader would see it half
/// written, and one rename would take the other's file away).
fn temp_path(file: &Path) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    file.with_extension(format!(
        "json.{}-{nanos}-{}.tmp",
        std::process::id(),
        WRITES.fetch_add(1, Ordering::Relaxed)
    ))
}

/// Saves progress atomically: the whole text to a temporary file of its own, synced,
/// then renamed over the old file (a crash or `kill -9` leaves the old file, never an
/// empty one); the temporary file is removed if anything fails.
pub fn save(file: &Path, progress: &Progress) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = temp_path(file);
    let text = serde_json::to_string_pretty(progress).map_err(std::io::Error::other)?;
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut f| {
            f.write_all(text.as_bytes())?;
            f.sync_all()
        })
        .and_then(|()| std::fs::rename(&tmp, file));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("rk-progress-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn each_write_has_its_own_temporary_file_and_leaves_none_behind() {
        let dir = temp_dir("unique");
        let file = path(&dir);
        assert_ne!(temp_path(&file), temp_path(&file));
        // Writers in parallel: every one succeeds, the file is always whole.
        let handles: Vec<_> = (0..8)
            .map(|n| {
                let file = file.clone();
                std::thread::spawn(move || {
                    let mut p = Progress::default();
                    p.hints_seen.insert("quickpost".into(), n);
                    for _ in 0..20 {
                        save(&file, &p).unwrap();
                        assert!(load(&file).1.is_none(), "a reader saw a half-written file");
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        let left: Vec<_> = std::fs::read_dir(file.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("progress.json")]);
    }

    #[test]
    fn round_trips_and_survives_corruption() {
        let dir = temp_dir("rt");
        let file = path(&dir);
        assert_eq!(load(&file), (Progress::default(), None));
        let mut p = Progress::default();
        p.hints_seen.insert("quickpost".into(), 2);
        save(&file, &p).unwrap();
        assert_eq!(load(&file).0, p);
        std::fs::write(&file, "{ not json").unwrap();
        let (loaded, warning) = load(&file);
        assert_eq!(loaded, Progress::default());
        assert!(warning.unwrap().contains("corrupt"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn old_files_load_and_damaged_parts_are_dropped_alone() {
        let dir = temp_dir("parts");
        let file = path(&dir);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        // A file from before the quiz existed.
        std::fs::write(&file, r#"{ "hints_seen": { "quickpost": 2 } }"#).unwrap();
        let (p, warning) = load(&file);
        assert_eq!(
            (p.hints_seen["quickpost"], p.quiz.len(), warning),
            (2, 0, None)
        );
        // One kata's quiz entry is damaged: it alone is lost, with a warning.
        std::fs::write(
            &file,
            r#"{ "hints_seen": { "quickpost": 2 },
                 "quiz": { "quorum": { "questions": { "overlap": true } }, "failover": 7 } }"#,
        )
        .unwrap();
        let (p, warning) = load(&file);
        assert_eq!(p.hints_seen["quickpost"], 2);
        assert!(p.quiz["quorum"].questions["overlap"]);
        assert!(!p.quiz.contains_key("failover"));
        let warning = warning.unwrap();
        assert!(warning.contains("the failover quiz results"), "{warning}");
        // Without quiz results, the file is written as before.
        let mut p = Progress::default();
        p.hints_seen.insert("taskflow".into(), 1);
        save(&file, &p).unwrap();
        assert!(!std::fs::read_to_string(&file).unwrap().contains("quiz"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
