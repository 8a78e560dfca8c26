//! Where a run's real objects live, and the clean-up of runs that died without cleaning up.
//! Every object carries the helper's pid in its name: the run's private directory
//! `$TMPDIR/proclab-PID/` (FIFOs, the control socket, the twins' terminal) and shared memory
//! `/dev/shm/proclab-PID-NAME`, and message queues `/proclab-PID-mq-NAME` (listed in the
//! directory). A later run removes those whose owner is no longer alive.

#![forbid(unsafe_code)]

use std::io;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

/// Prefix of every name the lab gives.
const PREFIX: &str = "proclab-";

/// The directory where POSIX shared memory appears as files.
pub const SHM_DIR: &str = "/dev/shm";

/// The private directory of the run owned by `pid`.
pub fn run_dir(pid: i32) -> PathBuf {
    std::env::temp_dir().join(format!("{PREFIX}{pid}"))
}

/// Creates the private directory, readable by its owner only.
pub fn create_run_dir(pid: i32) -> io::Result<PathBuf> {
    let dir = run_dir(pid);
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::DirBuilder::new().mode(0o700).create(&dir)?;
    Ok(dir)
}

/// Keeps the characters safe in a file name.
fn safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The POSIX name (`/proclab-PID-NAME`) of a ring.
pub fn shm_name(pid: i32, object: &str) -> String {
    format!("/{PREFIX}{pid}-{}", safe(object))
}

/// The POSIX name (`/proclab-PID-mq-NAME`) of a message queue.
pub fn mq_name(pid: i32, object: &str) -> String {
    format!("/{PREFIX}{pid}-mq-{}", safe(object))
}

/// The POSIX name of the queue carrying a link's messages from `from` to `to`.
pub fn link_mq_name(pid: i32, from: &str, to: &str) -> String {
    mq_name(pid, &format!("link-{from}-{to}"))
}

/// The file in a run's directory listing its message queues: unless `/dev/mqueue` is mounted
/// they can't be listed, so a later run sweeping this one reads their names here.
const MQ_LIST: &str = "mqueues";

/// Writes down a message queue's name before it is made.
pub fn record_mq(dir: &Path, mq: &str) -> io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join(MQ_LIST))?;
    writeln!(file, "{mq}")?;
    file.sync_data()
}

/// Unlinks the message queues a run's directory lists.
fn unlink_listed_mqs(dir: &Path) {
    let Ok(list) = std::fs::read_to_string(dir.join(MQ_LIST)) else {
        return;
    };
    for mq in list
        .lines()
        .filter(|l| l.starts_with(&format!("/{PREFIX}")))
    {
        let _ = nix::mqueue::mq_unlink(mq);
    }
}

/// The file that shows a ring's shared memory.
pub fn shm_file(shm_name: &str) -> PathBuf {
    Path::new(SHM_DIR).join(shm_name.trim_start_matches('/'))
}

/// The path of a FIFO in the run's directory.
pub fn fifo_path(dir: &Path, object: &str) -> PathBuf {
    dir.join(format!("fifo-{}", safe(object)))
}

/// Where a Unix-domain socket of the scenario lives, inside a run's directory.
pub fn socket_path(dir: &Path, object: &str) -> PathBuf {
    dir.join(format!("socket-{}", safe(object)))
}

/// Whether `pid` is a live proclab (its helper runs under the same name).
fn is_live_proclab(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "proclab")
}

/// The owner pid in a name made by this module (`proclab-PID` or `proclab-PID-…`).
fn owner(file_name: &str) -> Option<i32> {
    let rest = file_name.strip_prefix(PREFIX)?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let after = &rest[digits.len()..];
    if !(after.is_empty() || after.starts_with('-')) {
        return None;
    }
    digits.parse().ok()
}

/// Removes the directories and shared-memory objects of runs whose owner is gone. Returns
/// what it removed.
pub fn sweep_stale() -> Vec<PathBuf> {
    let mut removed = Vec::new();
    for dir in [std::env::temp_dir(), PathBuf::from(SHM_DIR)] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(pid) = name.to_str().and_then(owner) else {
                continue;
            };
            if is_live_proclab(pid) {
                continue;
            }
            let path = entry.path();
            let gone = if path.is_dir() {
                unlink_listed_mqs(&path);
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            if gone.is_ok() {
                removed.push(path);
            }
        }
    }
    removed
}

/// Every object the run owned by `pid` has left: its directory and shared memory.
pub fn leftovers(pid: i32) -> Vec<PathBuf> {
    let mut found = Vec::new();
    if run_dir(pid).exists() {
        found.push(run_dir(pid));
    }
    if let Ok(entries) = std::fs::read_dir(SHM_DIR) {
        found.extend(
            entries
                .flatten()
                .filter(|e| e.file_name().to_str().and_then(owner) == Some(pid))
                .map(|e| e.path()),
        );
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_are_read_back_from_names() {
        assert_eq!(owner("proclab-123"), Some(123));
        assert_eq!(owner("proclab-123-buffer"), Some(123));
        assert_eq!(owner("proclab-12x"), None);
        assert_eq!(owner("other-123"), None);
        assert_eq!(shm_name(7, "ring one"), "/proclab-7-ring_one");
        assert_eq!(owner("proclab-7-ring_one"), Some(7));
    }
}
