//! The learner's progress that must survive between runs: for now, how many hints of
//! each kata they have seen, so `hint` can give the *next* one.
//!
//! Stored as JSON in `.replication-katas/progress.json` at the repository root,
//! written atomically (temporary file, then rename) so an interrupted write never
//! leaves a half file. A missing file is a fresh start; a corrupt one gets a warning
//! and a fresh start, never a crash.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct Progress {
    /// Hints shown so far, per kata.
    #[serde(default)]
    pub hints_seen: BTreeMap<String, usize>,
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
        Ok(text) => match serde_json::from_str(&text) {
            Ok(p) => (p, None),
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

/// Saves progress atomically.
pub fn save(file: &Path, progress: &Progress) -> std::io::Result<()> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = file.with_extension("json.tmp");
    let text = serde_json::to_string_pretty(progress).map_err(std::io::Error::other)?;
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, file)
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
}
