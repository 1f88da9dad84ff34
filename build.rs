//! Embeds every curated scenario file (`scenarios/<kata>/*.yaml`) into the library, so
//! the binary grades with no files beside it, and adding a scenario file needs no code
//! change: drop the YAML in the kata's folder and rebuild.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=scenarios");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    if let Ok(katas) = std::fs::read_dir(root.join("scenarios")) {
        for kata in katas.flatten().filter(|e| e.path().is_dir()) {
            let Ok(entries) = std::fs::read_dir(kata.path()) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                    let kata_name = kata.file_name().to_string_lossy().into_owned();
                    let rel = path
                        .strip_prefix(root)
                        .unwrap_or(&path)
                        .to_string_lossy()
                        .replace('\\', "/");
                    files.push((kata_name, rel, path.to_string_lossy().into_owned()));
                }
            }
        }
    }
    files.sort();
    let mut out = String::from("pub static EMBEDDED: &[(&str, &str, &str)] = &[\n");
    for (kata, rel, abs) in &files {
        writeln!(out, "    ({kata:?}, {rel:?}, include_str!({abs:?})),").unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("embedded_scenarios.rs");
    std::fs::write(dest, out).unwrap();
}
