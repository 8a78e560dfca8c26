//! Embeds every file under `scenarios/` in the binary, so `proclab scenarios` and
//! `proclab run ID` work wherever the binary is installed.

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

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let scenarios = root.join("scenarios");
    println!("cargo::rerun-if-changed=scenarios");
    let mut files = Vec::new();
    collect(&scenarios, &mut files);
    files.sort();
    let mut code = String::from(
        "/// Bundled scenarios: (id, text), sorted by id.\npub static BUNDLED: &[(&str, &str)] = &[\n",
    );
    for file in &files {
        let id = file
            .strip_prefix(&scenarios)
            .expect("under scenarios/")
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
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it")).join("bundled.rs");
    fs::write(out, code).expect("OUT_DIR is writable");
}
