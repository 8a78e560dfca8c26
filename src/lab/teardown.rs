//! The end of every run, however it ends: every twin and every program it ran is killed and
//! reaped (the helper is their subreaper, so even orphans come back to it), and the run's
//! shared memory (POSIX objects and System V segments), message queues and directory are
//! removed.

#![forbid(unsafe_code)]

use super::twins::{Fate, LOOK_EVERY, Twins};
use nix::errno::Errno;
use nix::sys::signal::{Signal, kill, killpg};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;
use std::io::ErrorKind;
use std::time::{Duration, Instant};

impl Twins {
    /// Ends every twin and every program they ran, reaps them all (as their subreaper), and
    /// removes the run's objects. Returns what could not be cleaned, if anything.
    pub fn teardown(&mut self) -> Vec<String> {
        let mut problems = Vec::new();
        if let Some(group) = self.group {
            let _ = killpg(group, Signal::SIGKILL);
        }
        // Only pids not reaped yet: a reaped pid may already belong to someone else.
        for twin in self.all.iter().filter(|t| t.fate != Fate::Reaped) {
            let _ = kill(twin.pid, Signal::SIGKILL);
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match waitpid(Pid::from_raw(-1), Some(WaitPidFlag::WNOHANG)) {
                Err(Errno::ECHILD) => break,
                Ok(WaitStatus::StillAlive) => {
                    if Instant::now() > deadline {
                        problems.push("some processes would not die".into());
                        break;
                    }
                    std::thread::sleep(LOOK_EVERY);
                }
                Ok(_) | Err(Errno::EINTR) => {}
                Err(e) => {
                    problems.push(format!("waitpid: {e}"));
                    break;
                }
            }
        }
        for twin in &mut self.all {
            twin.fate = Fate::Reaped;
        }
        for name in self.shm.drain(..) {
            match nix::sys::mman::shm_unlink(name.as_str()) {
                Ok(()) | Err(Errno::ENOENT) => {}
                Err(e) => problems.push(format!("shm_unlink {name}: {e}")),
            }
        }
        for name in self.mq.drain(..) {
            match nix::mqueue::mq_unlink(name.as_str()) {
                Ok(()) | Err(Errno::ENOENT) => {}
                Err(e) => problems.push(format!("mq_unlink {name}: {e}")),
            }
        }
        // Every twin is gone, so a segment still under its key goes at once.
        for key in self.sysv.drain(..) {
            if let Err(e) = super::sysv::remove_own(key) {
                problems.push(format!("shmctl(IPC_RMID) of key 0x{key:08x}: {e}"));
            }
        }
        if let Err(e) = std::fs::remove_dir_all(&self.dir)
            && e.kind() != ErrorKind::NotFound
        {
            problems.push(format!("remove {}: {e}", self.dir.display()));
        }
        problems
    }
}
