//! Embeds every file under `scenarios/` and `lessons/` in the binary, so `proclab scenarios`,
//! `proclab run ID` and the lessons work wherever the binary is installed.

use std::fs;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

/// `pub static NAME: &[(&str, &str)]`: (id, text) of every TOML file under `folder`, by id.
fn embed(root: &Path, folder: &str, name: &str, doc: &str) -> String {
    let dir = root.join(folder);
    println!("cargo::rerun-if-changed={folder}");
    let mut files = Vec::new();
    collect(&dir, &mut files);
    files.sort();
    let mut code =
        format!("/// {doc}: (id, text), sorted by id.\npub static {name}: &[(&str, &str)] = &[\n");
    for file in &files {
        let id = file
            .strip_prefix(&dir)
            .expect("under the folder")
            .with_extension("")
            .to_string_lossy()
            .replace('\\', "/");
        println!("cargo::rerun-if-changed={}", file.display());
        code.push_str(&format!(
            "    ({id:?}, include_str!({:?})),\n",
            file.display().to_string()
        ));
    }
    code.push_str("];\n");
    code
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it"));
    let scenarios = embed(&root, "scenarios", "BUNDLED", "Bundled scenarios");
    fs::write(out.join("bundled.rs"), scenarios).expect("OUT_DIR is writable");
    let lessons = embed(&root, "lessons", "BUNDLED_LESSONS", "Bundled lessons");
    fs::write(out.join("bundled_lessons.rs"), lessons).expect("OUT_DIR is writable");
}
