//! Where a run's real objects live, and the clean-up of runs that died without cleaning up.
//! Every object carries the helper's pid in its name: the run's private directory
//! `$TMPDIR/proclab-PID/` (FIFOs, the control socket, the twins' terminal) and shared memory
//! `/dev/shm/proclab-PID-NAME`, message queues `/proclab-PID-mq-NAME` (listed in the
//! directory), and System V segments, whose keys carry the pid (also listed in the directory).
//! A later run removes those whose owner is no longer alive.

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

/// The file in a run's directory listing the keys of its System V segments, written before
/// each segment is made: segments have no name to sweep by, and outlive every process.
const SYSV_LIST: &str = "sysv-segments";

/// Keys of the lab's System V segments have these top bits (then the helper's pid, then the
/// object's number), so that a run's keys are its own and never `IPC_PRIVATE`.
const SYSV_TAG: i32 = 0x4000_0000;

/// Linux pids stay below 2²² (`pid_max` at most 4194304).
const PID_BITS: u32 = 22;

/// The System V key of the ring `object` in the run owned by `pid`; `None` when it does not
/// fit (a ring numbered 256 or more).
pub fn sysv_key(pid: i32, object: u32) -> Option<i32> {
    // Checked before shifting: a larger pid would overflow.
    if object < 256 && (0..1 << PID_BITS).contains(&pid) {
        Some(SYSV_TAG | (pid << 8) | object as i32)
    } else {
        None
    }
}

/// The owner pid of a key made by [`sysv_key`].
fn sysv_owner(key: i32) -> Option<i32> {
    (key & !((1 << (PID_BITS + 8)) - 1) == SYSV_TAG).then_some((key >> 8) & ((1 << PID_BITS) - 1))
}

/// Writes down a System V key before its segment is made.
pub fn record_sysv(dir: &Path, key: i32) -> io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join(SYSV_LIST))?;
    writeln!(file, "{key}")?;
    file.sync_data()
}

/// Removes the System V segments a dead run's directory lists; false if one could not be
/// removed yet (its twins still dying), so that the list is kept for the next sweep.
fn remove_listed_segments(dir: &Path) -> bool {
    let Ok(list) = std::fs::read_to_string(dir.join(SYSV_LIST)) else {
        return true;
    };
    let mut all = true;
    for key in list.lines().filter_map(|l| l.trim().parse::<i32>().ok()) {
        // Every key is tried, whatever became of the others.
        all &= super::sysv::remove_stale(key);
    }
    all
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
            // A run with this very pid is an earlier, dead one: this run has made nothing yet.
            if is_live_proclab(pid) && pid != std::process::id() as i32 {
                continue;
            }
            let path = entry.path();
            let gone = if path.is_dir() {
                unlink_listed_mqs(&path);
                if !remove_listed_segments(&path) {
                    continue;
                }
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

/// Every object the run owned by `pid` has left: its directory and shared memory (a System
/// V segment is given as the line of `/proc/sysvipc/shm` that lists it, by key and shmid).
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
    found.extend(
        super::sysv::segments()
            .into_iter()
            .filter(|s| sysv_owner(s.key) == Some(pid))
            .map(|s| {
                PathBuf::from(format!(
                    "{} (key 0x{:08x}, shmid {})",
                    super::sysv::PROC_SHM,
                    s.key,
                    s.shmid
                ))
            }),
    );
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

    #[test]
    fn system_v_keys_carry_their_owner_and_object() {
        let key = sysv_key(123_456, 3).unwrap();
        assert_eq!(key, 0x4000_0000 | (123_456 << 8) | 3);
        assert!(key > 0);
        assert_eq!(sysv_owner(key), Some(123_456));
        assert_eq!(
            sysv_key(4_194_303, 255).map(sysv_owner),
            Some(Some(4_194_303))
        );
        assert_eq!(sysv_key(7, 256), None);
        assert_eq!(sysv_owner(0x1234_5678), None);
        assert_eq!(sysv_owner(0), None);
    }
}
