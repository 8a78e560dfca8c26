//! The end of a twin's life as the model tells it: it exits (or its real program does), it is
//! killed, it dies with its ancestor; its parent reaps it, or the helper does, standing in for
//! the model's init. Every wait has the run's deadline.

#![forbid(unsafe_code)]

use super::error::LabError;
use super::observe;
use super::protocol::Op;
use super::record::RealStatus;
use super::twins::{Fate, Twins};
use nix::errno::Errno;
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use std::time::Instant;

impl Twins {
    /// Twin `name` calls `_exit(code)`; returns once it is dead.
    pub fn exit(&mut self, name: &str, code: i32) -> Result<(), LabError> {
        let i = self.index(name)?;
        if self.all[i].conn.is_some() {
            self.send(i, &Op::Exit { code })?;
        }
        self.await_death(name, "exit")
    }

    /// Waits until twin `name` has died (zombie or reaped by its parent).
    pub fn await_death(&mut self, name: &str, doing: &str) -> Result<(), LabError> {
        let i = self.index(name)?;
        let deadline = Instant::now() + self.timeout;
        loop {
            match observe::look(self.all[i].pid.as_raw()) {
                None => {
                    self.all[i].fate = Fate::Reaped;
                    break;
                }
                Some(l) if l.state == 'Z' || l.state == 'X' => {
                    self.all[i].fate = Fate::Dead;
                    break;
                }
                Some(_) => {}
            }
            if Instant::now() > deadline {
                return Err(LabError::Hang {
                    name: name.into(),
                    pid: self.all[i].pid.as_raw(),
                    doing: doing.into(),
                    wchan: observe::wchan(self.all[i].pid.as_raw()),
                    seconds: self.timeout.as_secs_f64(),
                });
            }
            self.doze()?;
        }
        let twin = &mut self.all[i];
        twin.conn = None;
        twin.pending = None;
        Ok(())
    }

    /// Marks twin `name` as reaped by another twin's `wait`.
    pub fn reaped_by_parent(&mut self, pid: i32) {
        if let Some(t) = self.all.iter_mut().find(|t| t.pid.as_raw() == pid) {
            t.fate = Fate::Reaped;
            t.conn = None;
        }
    }

    /// The helper collects the exit status of twin `name` (its child, or an orphan it adopted
    /// as subreaper), waiting for it to die and be reparented first.
    pub fn reap(&mut self, name: &str) -> Result<RealStatus, LabError> {
        let i = self.index(name)?;
        if let Some(status) = &self.all[i].status {
            return Ok(status.clone());
        }
        let pid = self.all[i].pid;
        let deadline = Instant::now() + self.timeout;
        loop {
            match waitpid(pid, Some(WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::Exited(_, code)) => {
                    return Ok(self.reaped(i, RealStatus::Exited(code)));
                }
                Ok(WaitStatus::Signaled(_, signal, _)) => {
                    return Ok(self.reaped(i, RealStatus::Signaled(signal.as_str().into())));
                }
                // Not dead yet, or not our child yet (its parent is still exiting).
                Ok(_) | Err(Errno::ECHILD) => {}
                Err(e) => return Err(LabError::Protocol(format!("waitpid: {e}"))),
            }
            if Instant::now() > deadline {
                return Err(LabError::Hang {
                    name: name.into(),
                    pid: pid.as_raw(),
                    doing: "end, so that the helper (standing in for init) can reap it".into(),
                    wchan: observe::wchan(pid.as_raw()),
                    seconds: self.timeout.as_secs_f64(),
                });
            }
            self.doze()?;
        }
    }

    fn reaped(&mut self, i: usize, status: RealStatus) -> RealStatus {
        let twin = &mut self.all[i];
        twin.fate = Fate::Reaped;
        twin.conn = None;
        twin.pending = None;
        twin.status = Some(status.clone());
        status
    }
}
