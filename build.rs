//! Embeds every curated scenario file (`scenarios/<kata>/*.yaml`) and every quiz file
//! (`quizzes/<kata>.yaml`) into the library, so the binary grades and quizzes with no
//! files beside it, and adding a scenario or a question needs no code change: edit the
//! YAML and rebuild.

use std::fmt::Write as _;
use std::path::Path;

fn is_yaml(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "yaml" || e == "yml")
}

/// Writes `OUT_DIR/<out>`: a static list of `(kata, path relative to the crate, text)`.
fn embed(root: &Path, out: &str, mut files: Vec<(String, std::path::PathBuf)>) {
    files.sort();
    let mut code = String::from("pub static EMBEDDED: &[(&str, &str, &str)] = &[\n");
    for (kata, path) in &files {
        let rel = path
            .strip_prefix(root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        let abs = path.to_string_lossy();
        writeln!(code, "    ({kata:?}, {rel:?}, include_str!({abs:?})),").unwrap();
    }
    code.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join(out);
    std::fs::write(dest, code).unwrap();
}

fn main() {
    println!("cargo:rerun-if-changed=scenarios");
    println!("cargo:rerun-if-changed=quizzes");
    // Read at run time, not with `env!` at the build script's compile time: a build
    // script binary reused from another checkout's target directory (a copied
    // `target/`, a worktree) would otherwise embed that checkout's files.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest_dir);

    // scenarios/<kata>/*.yaml: the kata is the folder.
    let mut scenarios = Vec::new();
    if let Ok(katas) = std::fs::read_dir(root.join("scenarios")) {
        for kata in katas.flatten().filter(|e| e.path().is_dir()) {
            let Ok(entries) = std::fs::read_dir(kata.path()) else {
                continue;
            };
            let kata_name = kata.file_name().to_string_lossy().into_owned();
            for path in entries.flatten().map(|e| e.path()).filter(|p| is_yaml(p)) {
                scenarios.push((kata_name.clone(), path));
            }
        }
    }
    embed(root, "embedded_scenarios.rs", scenarios);

    // quizzes/<kata>.yaml: the kata is the file's stem.
    let mut quizzes = Vec::new();
    if let Ok(entries) = std::fs::read_dir(root.join("quizzes")) {
        for path in entries.flatten().map(|e| e.path()).filter(|p| is_yaml(p)) {
            let kata = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            quizzes.push((kata, path));
        }
    }
    embed(root, "embedded_quizzes.rs", quizzes);
}
