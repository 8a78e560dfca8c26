//! What a twin holds of one ring's shared memory, and the calls on it: POSIX (`shm_open`,
//! `ftruncate`, `mmap`; `munmap`, `close`, `shm_unlink`) and System V (`shmget`, `shmat`;
//! `shmdt`, `shmctl(IPC_RMID)`). A descriptor and a mapping are separate things, as on Linux:
//! closing the descriptor leaves the ring mapped.

#![forbid(unsafe_code)]

use super::record::Outcome;
use super::ring;
use super::sys::{self, SharedWords};
use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::sys::stat::Mode;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};

/// The descriptors and mappings of one ring that a twin holds (newest last).
#[derive(Debug, Default)]
pub(super) struct SharedMem {
    fds: Vec<OwnedFd>,
    maps: Vec<SharedWords>,
    /// The System V segment attached, if this is one.
    shmid: Option<i32>,
}

fn returned(ret: i64) -> Outcome {
    Outcome {
        ret,
        ..Outcome::default()
    }
}

impl SharedMem {
    /// Whether it holds anything.
    pub(super) fn is_empty(&self) -> bool {
        self.fds.is_empty() && self.maps.is_empty()
    }

    /// The ring, through the newest mapping.
    pub(super) fn ring(&self) -> Result<&SharedWords, Errno> {
        self.maps.last().ok_or(Errno::EBADF)
    }

    /// `shm_open(O_CREAT | O_RDWR)`, `ftruncate` if it is new, `mmap`: returns the descriptor.
    pub(super) fn open_posix(&mut self, shm: &str, slots: u32) -> Result<Outcome, Errno> {
        let fd = nix::sys::mman::shm_open(
            shm,
            OFlag::O_CREAT | OFlag::O_RDWR,
            Mode::from_bits_truncate(0o600),
        )?;
        let words = ring::words(slots);
        if nix::sys::stat::fstat(fd.as_fd())?.st_size == 0 {
            nix::unistd::ftruncate(fd.as_fd(), (words * 4) as i64)?;
        }
        let map = SharedWords::map(fd.as_fd(), words)?;
        ring::init(&map, slots);
        let n = fd.as_raw_fd();
        self.fds.push(fd);
        self.maps.push(map);
        Ok(returned(n.into()))
    }

    /// `shmget(key)`, making the segment if it does not exist yet, then `shmat`: returns the
    /// shmid.
    pub(super) fn open_sysv(&mut self, key: i32, slots: u32) -> Result<Outcome, Errno> {
        let words = ring::words(slots);
        let shmid = match sys::shm_get(key, words * 4, true) {
            Err(Errno::EEXIST) => sys::shm_get(key, words * 4, false)?,
            other => other?,
        };
        let map = SharedWords::attach(shmid, words)?;
        ring::init(&map, slots);
        self.maps.push(map);
        self.shmid = Some(shmid);
        Ok(returned(shmid.into()))
    }

    /// `munmap` or `shmdt` of the newest mapping; EINVAL if there is none.
    pub(super) fn detach(&mut self) -> Result<Outcome, Errno> {
        self.maps.pop().ok_or(Errno::EINVAL)?;
        if self.maps.is_empty() {
            self.shmid = None;
        }
        Ok(returned(0))
    }

    /// `close` of the descriptor; the mapping stays.
    pub(super) fn close(&mut self) -> Result<Outcome, Errno> {
        self.fds.pop().ok_or(Errno::EBADF)?;
        Ok(returned(0))
    }

    /// `shmctl(IPC_RMID)` of the segment attached, or of the one `key` finds.
    pub(super) fn remove(&self, key: i32) -> Result<Outcome, Errno> {
        let shmid = match self.shmid {
            Some(id) => id,
            None => sys::shm_get(key, 0, false)?,
        };
        sys::shm_remove(shmid)?;
        Ok(returned(0))
    }
}

/// `shm_unlink(shm)`.
pub(super) fn unlink(shm: &str) -> Result<Outcome, Errno> {
    nix::sys::mman::shm_unlink(shm)?;
    Ok(returned(0))
}
