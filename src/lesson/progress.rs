//! Progress through the lessons, kept in a small TOML file in the user's data directory
//! (or wherever `--progress FILE` says), keyed by lesson id. Entries for ids no lesson has are
//! kept in the file, with a warning, so that nothing is lost when a lesson is renamed back.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where one lesson stands.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Entry {
    /// The step the student is on (0-based).
    pub step: usize,
    /// Every step has been seen.
    pub done: bool,
    /// Steps whose question was answered right (0-based, sorted).
    pub right: Vec<usize>,
}

/// Where a lesson stands, for the home screen.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Never opened.
    New,
    /// Opened, at this step (0-based).
    Current(usize),
    /// Completed.
    Done,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct ProgressFile {
    #[serde(default)]
    lessons: BTreeMap<String, Entry>,
    /// Keys this version does not know: kept as they are, never dropped.
    #[serde(flatten)]
    other: toml::Table,
}

/// Progress through the lessons, and where it is saved.
#[derive(Debug, Default)]
pub struct Progress {
    /// The file; `None` keeps progress in memory only.
    path: Option<PathBuf>,
    lessons: BTreeMap<String, Entry>,
    /// Keys of the file this version does not know, written back unchanged.
    other: toml::Table,
    /// Saving is off because the file could not be read: never write over what we could not read.
    frozen: bool,
    /// Things the user should know (unknown ids, an unreadable file).
    pub warnings: Vec<String>,
}

/// The default progress file: `progress.toml` in proclab's folder of the user's data directory.
pub fn default_path() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("proclab").join("progress.toml"))
}

impl Progress {
    /// Progress kept in memory only.
    pub fn in_memory() -> Progress {
        Progress::default()
    }

    /// Reads the progress file at `path` (a missing file is no progress yet); `known` are the
    /// ids of the lessons there are.
    pub fn load(path: &Path, known: &[String]) -> Progress {
        let mut progress = Progress {
            path: Some(path.to_path_buf()),
            ..Progress::default()
        };
        match std::fs::read_to_string(path) {
            Ok(text) => match toml::from_str::<ProgressFile>(&text) {
                Ok(file) => {
                    progress.lessons = file.lessons;
                    progress.other = file.other;
                }
                Err(e) => {
                    progress.frozen = true;
                    progress.warnings.push(format!(
                        "{} is not a progress file ({}); progress will not be saved this time",
                        path.display(),
                        e.message()
                    ));
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                progress.frozen = true;
                progress.warnings.push(format!(
                    "cannot read {}: {e}; progress will not be saved this time",
                    path.display()
                ));
            }
        }
        for id in progress.lessons.keys() {
            if !known.iter().any(|k| k == id) {
                progress.warnings.push(format!(
                    "{}: no lesson has the id `{id}`; ignoring it",
                    path.display()
                ));
            }
        }
        progress
    }

    /// Where `id` stands.
    pub fn status(&self, id: &str) -> Status {
        match self.lessons.get(id) {
            None => Status::New,
            Some(e) if e.done => Status::Done,
            Some(e) => Status::Current(e.step),
        }
    }

    /// The entry for `id`, if any.
    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.lessons.get(id)
    }

    /// Records that the student is on `step` of `id`.
    pub fn set_step(&mut self, id: &str, step: usize) {
        self.lessons.entry(id.to_string()).or_default().step = step;
    }

    /// Records a right answer to the question of `step`.
    pub fn answered_right(&mut self, id: &str, step: usize) {
        let e = self.lessons.entry(id.to_string()).or_default();
        if let Err(at) = e.right.binary_search(&step) {
            e.right.insert(at, step);
        }
    }

    /// Records that `id` is complete.
    pub fn complete(&mut self, id: &str) {
        self.lessons.entry(id.to_string()).or_default().done = true;
    }

    /// Forgets `id` (to start it over).
    pub fn restart(&mut self, id: &str) {
        self.lessons.remove(id);
    }

    /// Writes the file (to a temporary file first, then renamed over, so a crash never leaves
    /// half a file). Does nothing for in-memory progress or an unreadable file.
    pub fn save(&self) -> std::io::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if self.frozen {
            return Ok(());
        }
        if let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir)?;
        }
        let file = ProgressFile {
            lessons: self.lessons.clone(),
            other: self.other.clone(),
        };
        let text = toml::to_string(&file).map_err(std::io::Error::other)?;
        // Through a symbolic link to where the file really is, so the link stays a link.
        let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        let tmp = target.with_extension(format!("toml.{}.tmp", std::process::id()));
        let mut out = std::fs::File::create(&tmp)?;
        std::io::Write::write_all(
            &mut out,
            format!("# proclab lesson progress, by lesson id\n{text}").as_bytes(),
        )?;
        out.sync_all()?;
        std::fs::rename(&tmp, &target)
    }

    /// The file, if any.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("proclab-progress-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir.join("sub").join("progress.toml")
    }

    #[test]
    fn progress_survives_a_save_and_a_load() {
        let path = temp("roundtrip");
        let known = vec!["a".to_string(), "b".to_string()];
        let mut p = Progress::load(&path, &known);
        assert_eq!(p.status("a"), Status::New);
        p.set_step("a", 3);
        p.answered_right("a", 2);
        p.answered_right("a", 1);
        p.answered_right("a", 2);
        p.complete("b");
        p.save().unwrap();
        let q = Progress::load(&path, &known);
        assert!(q.warnings.is_empty(), "{:?}", q.warnings);
        assert_eq!(q.status("a"), Status::Current(3));
        assert_eq!(q.entry("a").unwrap().right, vec![1, 2]);
        assert_eq!(q.status("b"), Status::Done);
        let _ = std::fs::remove_dir_all(path.parent().unwrap().parent().unwrap());
    }

    #[test]
    fn unknown_ids_warn_and_are_kept() {
        let path = temp("unknown");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "[lessons.gone]\nstep = 2\n").unwrap();
        let mut p = Progress::load(&path, &["a".to_string()]);
        assert_eq!(p.warnings.len(), 1);
        assert!(p.warnings[0].contains("`gone`"), "{}", p.warnings[0]);
        p.set_step("a", 1);
        p.save().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("[lessons.gone]") && text.contains("[lessons.a]"),
            "{text}"
        );
        let _ = std::fs::remove_dir_all(path.parent().unwrap().parent().unwrap());
    }

    #[test]
    fn keys_of_other_versions_are_kept() {
        let path = temp("other");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "version = 2\n[settings]\ntheme = \"dark\"\n").unwrap();
        let mut p = Progress::load(&path, &["a".to_string()]);
        p.set_step("a", 1);
        p.save().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("version = 2") && text.contains("theme = \"dark\""),
            "{text}"
        );
        assert!(text.contains("[lessons.a]"), "{text}");
        let _ = std::fs::remove_dir_all(path.parent().unwrap().parent().unwrap());
    }

    #[test]
    fn an_unreadable_file_is_never_overwritten() {
        let path = temp("broken");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "this is not toml = = =").unwrap();
        let mut p = Progress::load(&path, &[]);
        assert_eq!(p.warnings.len(), 1);
        p.set_step("a", 1);
        p.save().unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "this is not toml = = ="
        );
        let _ = std::fs::remove_dir_all(path.parent().unwrap().parent().unwrap());
    }
}
