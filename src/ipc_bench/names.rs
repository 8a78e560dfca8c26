//! Names of the benchmark's objects, and the sweep of those a killed run left. Every name
//! carries the pid of the proclab that owns the run: the private directory
//! `$TMPDIR/proclab-bench-PID/` (FIFOs and the socket), the shared-memory object
//! `/proclab-bench-PID-shm` and the message queues `/proclab-bench-PID-mq-down` and `-up`.
//! The directory lives from the first object to the last, so a directory whose owner is dead
//! tells the next run which queues to unlink (`/dev/mqueue`, where they could be listed, is
//! not always mounted).

#![forbid(unsafe_code)]

use nix::errno::Errno;
use nix::mqueue::{MQ_OFlag, mq_close, mq_open, mq_unlink};
use nix::sys::stat::Mode;
use std::path::{Path, PathBuf};

/// Prefix of every name the benchmark gives.
const PREFIX: &str = "proclab-bench-";
/// Where shared-memory objects show up as files.
const SHM_DIR: &str = "/dev/shm";
/// Where message queues show up as files, when that file system is mounted.
const MQUEUE_DIR: &str = "/dev/mqueue";

/// The private directory of the run owned by `pid`.
pub fn run_dir(pid: i32) -> PathBuf {
    std::env::temp_dir().join(format!("{PREFIX}{pid}"))
}

/// The shared-memory object of the run owned by `pid`.
pub fn shm_name(pid: i32) -> String {
    format!("/{PREFIX}{pid}-shm")
}

/// The message queues of the run owned by `pid`: proclab to peer, then peer to proclab.
pub fn mq_names(pid: i32) -> [String; 2] {
    [
        format!("/{PREFIX}{pid}-mq-down"),
        format!("/{PREFIX}{pid}-mq-up"),
    ]
}

/// A FIFO in the run's directory: proclab to peer (`down`) or back (`up`).
pub fn fifo_path(dir: &Path, way: &str) -> PathBuf {
    dir.join(format!("fifo-{way}"))
}

/// The socket in the run's directory.
pub fn socket_path(dir: &Path) -> PathBuf {
    dir.join("socket")
}

/// The owner pid in a name made here (`proclab-bench-PID` or `proclab-bench-PID-…`).
fn owner(file_name: &str) -> Option<i32> {
    let rest = file_name.strip_prefix(PREFIX)?;
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    let after = &rest[digits..];
    if !(after.is_empty() || after.starts_with('-')) {
        return None;
    }
    rest[..digits].parse().ok()
}

/// Whether `pid` is a live proclab.
fn is_live_proclab(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "proclab")
}

/// Files in `dir` named for a run whose owner is dead, with that owner.
fn stale_in(dir: &Path) -> Vec<(PathBuf, i32)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| {
            let pid = e.file_name().to_str().and_then(owner)?;
            (!is_live_proclab(pid)).then(|| (e.path(), pid))
        })
        .collect()
}

/// Removes everything of runs whose owner is gone; returns what it removed.
pub fn sweep_stale() -> Vec<String> {
    let mut removed = Vec::new();
    for (dir, pid) in stale_in(&std::env::temp_dir()) {
        // The objects first, the directory that names them last.
        for name in mq_names(pid) {
            if mq_unlink(name.as_str()).is_ok() {
                removed.push(name);
            }
        }
        if nix::sys::mman::shm_unlink(shm_name(pid).as_str()).is_ok() {
            removed.push(shm_name(pid));
        }
        if std::fs::remove_dir_all(&dir).is_ok() {
            removed.push(dir.display().to_string());
        }
    }
    for (file, _) in stale_in(Path::new(SHM_DIR))
        .into_iter()
        .chain(stale_in(Path::new(MQUEUE_DIR)))
    {
        if std::fs::remove_file(&file).is_ok() {
            removed.push(file.display().to_string());
        }
    }
    removed
}

/// Whether the message queue `name` exists.
fn queue_exists(name: &str) -> bool {
    match mq_open(
        name,
        MQ_OFlag::O_RDONLY | MQ_OFlag::O_NONBLOCK,
        Mode::empty(),
        None,
    ) {
        Ok(q) => {
            let _ = mq_close(q);
            true
        }
        // EACCES and the like: it exists, but is not ours to open.
        Err(e) => e != Errno::ENOENT,
    }
}

/// Everything the run owned by `pid` has left: its directory, shared memory and queues.
pub fn leftovers(pid: i32) -> Vec<String> {
    let mut found = Vec::new();
    if run_dir(pid).exists() {
        found.push(run_dir(pid).display().to_string());
    }
    for dir in [SHM_DIR, MQUEUE_DIR] {
        if let Ok(entries) = std::fs::read_dir(dir) {
            found.extend(
                entries
                    .flatten()
                    .filter(|e| e.file_name().to_str().and_then(owner) == Some(pid))
                    .map(|e| e.path().display().to_string()),
            );
        }
    }
    for name in mq_names(pid) {
        if queue_exists(&name) && !found.iter().any(|f| f.ends_with(&name)) {
            found.push(name);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_are_read_back_from_names() {
        assert_eq!(owner("proclab-bench-42"), Some(42));
        assert_eq!(owner("proclab-bench-42-shm"), Some(42));
        assert_eq!(owner("proclab-bench-42-mq-up"), Some(42));
        assert_eq!(owner("proclab-bench-4x"), None);
        // The real-OS lab's names are not the benchmark's.
        assert_eq!(owner("proclab-42"), None);
        assert_eq!(owner(&shm_name(7)[1..]), Some(7));
        assert_eq!(owner(&mq_names(7)[1][1..]), Some(7));
    }
}
