//! The helper's side of the twins: making them, telling them what to do, waiting for their
//! answers without ever blocking on one of them, watching them die, reaping them, and tearing
//! everything down. Every wait has a deadline and gives way to a termination signal.

#![forbid(unsafe_code)]

use super::conn::Conn;
use super::error::LabError;
use super::names;
use super::observe;
use super::protocol::{Op, TwinMessage, line};
use super::record::{Outcome, RealStatus};
use super::sys;
use super::twin::{self, Birth};
use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::Signal;
use nix::sys::signalfd::SignalFd;
use nix::unistd::{ForkResult, Pid, setpgid};
use std::io::{ErrorKind, Write};
use std::os::fd::AsFd;
use std::os::unix::net::UnixListener;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Most real processes a run may make.
pub const MAX_PROCESSES: u32 = super::admit::MAX_PROCESSES as u32;

/// How long to wait between two looks at a process that has not answered yet.
pub(super) const LOOK_EVERY: Duration = Duration::from_millis(2);

/// How long a twin must stay asleep in a call before the call counts as blocked.
const SETTLE: Duration = Duration::from_millis(20);

/// The wchan of a twin asleep on its connection, waiting for its next op.
const IDLE_WCHAN: &str = "unix_stream";

/// Whether a twin that `look` saw is idle: asleep reading its connection to the helper.
/// A `recv` on a Unix stream socket of the scenario sleeps in the same kernel function, so
/// the descriptor of the call under way (`/proc/PID/syscall`) tells them apart: the
/// connection is always at `PRIVATE_FDS` or above.
fn idle(look: &observe::Look, pid: i32) -> bool {
    look.wchan.contains(IDLE_WCHAN)
        && observe::syscall_fd(pid).is_none_or(|fd| fd >= super::twin::PRIVATE_FDS)
}

/// How a twin's life stands, as far as the helper knows.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Running (or sleeping).
    Alive,
    /// Exited or killed, not reaped yet: a zombie.
    Dead,
    /// Reaped by its parent or the helper: its pid is free for reuse, never to be signalled.
    Reaped,
}

/// One twin.
#[derive(Debug)]
pub struct Twin {
    /// The simulated process it stands for.
    pub name: String,
    /// Its pid.
    pub pid: Pid,
    /// Where its life stands.
    pub fate: Fate,
    /// It replaced its program with exec: it takes no more ops.
    pub execed: bool,
    /// The op it was given that has not answered yet.
    pub pending: Option<Op>,
    /// An answer that arrived while nobody asked for it.
    pub early: Option<Outcome>,
    /// Exit status, once the helper reaped it.
    pub status: Option<RealStatus>,
    pub(super) conn: Option<Conn>,
}

/// How an op went.
#[derive(Clone, Debug, PartialEq)]
pub enum Settled {
    /// It returned.
    Returned(Outcome),
    /// The twin sleeps in the kernel in this function (its wchan).
    Blocked(String),
}

/// The helper's twins and the objects of the run.
#[derive(Debug)]
pub struct Twins {
    /// The helper's pid.
    pub me: Pid,
    /// The run's private directory.
    pub dir: PathBuf,
    /// The file that stands for the twins' terminal.
    pub terminal: PathBuf,
    /// Shared-memory names made (unlinked at the end).
    pub shm: Vec<String>,
    /// Message-queue names that may have been made (unlinked at the end).
    pub mq: Vec<String>,
    /// The twins, in order of birth.
    pub all: Vec<Twin>,
    /// Per-step time limit.
    pub timeout: Duration,
    listener: UnixListener,
    control: PathBuf,
    signals: SignalFd,
    pub(super) group: Option<Pid>,
    terminal_seen: u64,
    /// Keys of the System V segments that may have been made (written down in the run's
    /// directory first; removed at the end).
    pub sysv: Vec<i32>,
}

impl Twins {
    /// Sets up the run's directory, control socket and terminal file.
    pub fn new(me: Pid, timeout: Duration, signals: SignalFd) -> Result<Twins, LabError> {
        let dir =
            names::create_run_dir(me.as_raw()).map_err(|e| LabError::setup("directory", e))?;
        let control = dir.join("control.sock");
        let listener = UnixListener::bind(&control).map_err(|e| LabError::setup("socket", e))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| LabError::setup("socket", e))?;
        let terminal = dir.join("terminal");
        std::fs::write(&terminal, b"").map_err(|e| LabError::setup("terminal file", e))?;
        Ok(Twins {
            me,
            dir,
            terminal,
            shm: Vec::new(),
            mq: Vec::new(),
            all: Vec::new(),
            timeout,
            listener,
            control,
            signals,
            group: None,
            terminal_seen: 0,
            sysv: Vec::new(),
        })
    }

    /// The twin standing for `name`.
    pub fn get(&self, name: &str) -> Option<&Twin> {
        self.all.iter().find(|t| t.name == name)
    }

    pub(super) fn index(&self, name: &str) -> Result<usize, LabError> {
        self.all
            .iter()
            .position(|t| t.name == name)
            .ok_or_else(|| LabError::Protocol(format!("no twin named {name}")))
    }

    /// The descriptor termination signals arrive on.
    pub fn signals(&self) -> &SignalFd {
        &self.signals
    }

    /// Fails with `Interrupted` if a termination signal has arrived.
    pub fn check_signals(&mut self) -> Result<(), LabError> {
        match self.signals.read_signal() {
            Ok(Some(info)) => Err(LabError::Interrupted(
                Signal::try_from(info.ssi_signo as i32)
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_else(|_| info.ssi_signo.to_string()),
            )),
            _ => Ok(()),
        }
    }

    /// Sleeps until a twin or the signal descriptor has something, or a short while passed.
    pub(super) fn doze(&mut self) -> Result<(), LabError> {
        {
            let mut fds = vec![
                PollFd::new(self.signals.as_fd(), PollFlags::POLLIN),
                PollFd::new(self.listener.as_fd(), PollFlags::POLLIN),
            ];
            fds.extend(
                self.all
                    .iter()
                    .filter_map(|t| t.conn.as_ref())
                    .filter(|c| !c.closed)
                    .map(|c| PollFd::new(c.stream.as_fd(), PollFlags::POLLIN)),
            );
            let wait = PollTimeout::try_from(LOOK_EVERY).unwrap_or(PollTimeout::ZERO);
            match poll(&mut fds, wait) {
                Ok(_) | Err(Errno::EINTR) => {}
                Err(e) => return Err(LabError::Protocol(format!("poll: {e}"))),
            }
        }
        self.check_signals()
    }

    /// Makes a top-level twin, a child of the helper.
    pub fn spawn(&mut self, name: &str) -> Result<Pid, LabError> {
        self.room_for_one()?;
        let birth = Birth {
            name: name.to_string(),
            helper: self.me,
            control: self.control.clone(),
            terminal: self.terminal.clone(),
            dir: self.dir.clone(),
            group: self.group,
        };
        let pid = match sys::fork().map_err(|e| LabError::Fork(name.into(), e.to_string()))? {
            ForkResult::Child => twin::top_level(birth),
            ForkResult::Parent { child } => child,
        };
        // Both sides set the group, so it is set whichever runs first.
        let group = self.group.unwrap_or(pid);
        if setpgid(pid, group).is_err() {
            let _ = setpgid(pid, pid);
        }
        self.group.get_or_insert(pid);
        self.all.push(Twin {
            name: name.to_string(),
            pid,
            fate: Fate::Alive,
            execed: false,
            pending: None,
            early: None,
            status: None,
            conn: None,
        });
        self.accept(name)?;
        Ok(pid)
    }

    fn room_for_one(&self) -> Result<(), LabError> {
        if self.all.len() as u32 >= MAX_PROCESSES {
            return Err(LabError::TooMany(MAX_PROCESSES));
        }
        Ok(())
    }

    /// Waits for the twin `name` to connect and say hello.
    fn accept(&mut self, name: &str) -> Result<(), LabError> {
        let deadline = Instant::now() + self.timeout;
        let mut pending: Option<Conn> = None;
        loop {
            if pending.is_none() {
                match self.listener.accept() {
                    Ok((stream, _)) => {
                        pending = Some(Conn::new(stream).map_err(|e| LabError::setup("socket", e))?)
                    }
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                    Err(e) => return Err(LabError::setup("socket", e)),
                }
            }
            if let Some(conn) = pending.as_mut() {
                if let Some(text) = conn.try_line() {
                    match serde_json::from_str::<TwinMessage>(&text) {
                        Ok(TwinMessage::Hello { name: who, pid }) => {
                            let i = self.index(&who)?;
                            if self.all[i].pid.as_raw() != pid {
                                return Err(LabError::Protocol(format!(
                                    "twin {who} says it is pid {pid}"
                                )));
                            }
                            self.all[i].conn = pending.take();
                            if who == name {
                                return Ok(());
                            }
                        }
                        _ => return Err(LabError::Protocol("a twin did not say hello".into())),
                    }
                } else if conn.closed {
                    pending = None;
                }
            }
            if Instant::now() > deadline {
                let pid = self.get(name).map_or(0, |t| t.pid.as_raw());
                return Err(LabError::Hang {
                    name: name.into(),
                    pid,
                    doing: "start up and connect to the helper".into(),
                    wchan: observe::wchan(pid),
                    seconds: self.timeout.as_secs_f64(),
                });
            }
            self.doze()?;
        }
    }

    pub(super) fn send(&mut self, i: usize, op: &Op) -> Result<(), LabError> {
        let twin = &mut self.all[i];
        let conn = twin.conn.as_mut().ok_or_else(|| {
            LabError::Protocol(format!("{} no longer takes instructions", twin.name))
        })?;
        // Ops are small; a blocking write of one line into an idle socket always fits.
        conn.stream.set_nonblocking(false).ok();
        let sent = conn.stream.write_all(line(op).as_bytes());
        conn.stream.set_nonblocking(true).ok();
        sent.map_err(|e| LabError::Protocol(format!("cannot reach {}: {e}", twin.name)))?;
        twin.pending = Some(op.clone());
        twin.early = None;
        Ok(())
    }

    /// Looks for the answer of twin `i` without waiting.
    fn poll_answer(&mut self, i: usize) -> Result<Option<Outcome>, LabError> {
        let twin = &mut self.all[i];
        if let Some(outcome) = twin.early.take() {
            return Ok(Some(outcome));
        }
        let Some(conn) = twin.conn.as_mut() else {
            return Ok(None);
        };
        match conn.try_line() {
            Some(text) => match serde_json::from_str::<TwinMessage>(&text) {
                Ok(TwinMessage::Done(outcome)) => {
                    twin.pending = None;
                    Ok(Some(outcome))
                }
                _ => Err(LabError::Protocol(format!("{} said {text:?}", twin.name))),
            },
            None => Ok(None),
        }
    }

    /// Gives twin `name` an op and waits until it returns or sleeps in the kernel.
    pub fn perform(&mut self, name: &str, op: Op) -> Result<Settled, LabError> {
        let i = self.index(name)?;
        if self.all[i].pending.is_some() {
            // Still inside an earlier call that the model said had returned: its answer is
            // needed first, or the two sides part ways for good.
            self.collect(name)?;
        }
        self.send(i, &op)?;
        let deadline = Instant::now() + self.timeout;
        let mut asleep: Option<Instant> = None;
        loop {
            if let Some(outcome) = self.poll_answer(i)? {
                return Ok(Settled::Returned(outcome));
            }
            let pid = self.all[i].pid.as_raw();
            match observe::look(pid) {
                Some(looked)
                    if matches!(looked.state, 'S' | 'D')
                        && !looked.wchan.is_empty()
                        && !idle(&looked, pid) =>
                {
                    // Asleep in the call itself (not yet reading it would show the socket
                    // wait). A busy machine can put a twin to sleep for a moment on its way
                    // (a page fault, a lock), so only a sleep that lasts counts as blocking.
                    let since = *asleep.get_or_insert_with(Instant::now);
                    if since.elapsed() >= SETTLE {
                        if let Some(outcome) = self.poll_answer(i)? {
                            return Ok(Settled::Returned(outcome));
                        }
                        return Ok(Settled::Blocked(looked.wchan));
                    }
                }
                _ => asleep = None,
            }
            if self.all[i].conn.as_ref().is_none_or(|c| c.closed) {
                return Err(self.vanished(i));
            }
            if Instant::now() > deadline {
                return Err(self.hang(i, &op));
            }
            self.doze()?;
        }
    }

    /// Waits for the answer of a call twin `name` is blocked in.
    pub fn collect(&mut self, name: &str) -> Result<Outcome, LabError> {
        let i = self.index(name)?;
        let deadline = Instant::now() + self.timeout;
        loop {
            if let Some(outcome) = self.poll_answer(i)? {
                return Ok(outcome);
            }
            if self.all[i].conn.as_ref().is_none_or(|c| c.closed) {
                return Err(self.vanished(i));
            }
            if Instant::now() > deadline {
                let op = self.all[i].pending.clone();
                return Err(match op {
                    Some(op) => self.hang(i, &op),
                    None => LabError::Protocol(format!("{name} has no call under way")),
                });
            }
            self.doze()?;
        }
    }

    /// Keeps an answer for the next `collect` of twin `name`.
    pub fn keep_early(&mut self, name: &str, outcome: Outcome) {
        if let Some(t) = self.all.iter_mut().find(|t| t.name == name) {
            t.early = Some(outcome);
        }
    }

    /// Waits (briefly) until every twin is at rest: one with nothing to do asleep reading its
    /// connection, one inside a call asleep in that call (or back with its answer, which is
    /// kept). What `/proc` shows next is then the state between two steps, not a twin on its
    /// way in or out of a call.
    pub fn settle(&mut self) -> Result<(), LabError> {
        let deadline = Instant::now() + SETTLE * 10;
        for i in 0..self.all.len() {
            let t = &self.all[i];
            if t.fate != Fate::Alive || t.execed || t.conn.is_none() {
                continue;
            }
            let pid = t.pid.as_raw();
            while Instant::now() < deadline {
                let busy = self.all[i].pending.is_some() && self.all[i].early.is_none();
                if busy && let Some(outcome) = self.poll_answer(i)? {
                    self.all[i].early = Some(outcome);
                    continue;
                }
                match observe::look(pid) {
                    None => break,
                    Some(l) if l.state == 'S' && idle(&l, pid) && !busy => break,
                    Some(l)
                        if busy
                            && matches!(l.state, 'S' | 'D')
                            && !l.wchan.is_empty()
                            && !idle(&l, pid) =>
                    {
                        break;
                    }
                    Some(_) => self.doze()?,
                }
            }
        }
        Ok(())
    }

    /// Picks up answers that arrived without being asked for (a call the model still has
    /// blocked returned for real), so they are not lost.
    pub fn gather_early(&mut self) -> Result<(), LabError> {
        for i in 0..self.all.len() {
            if self.all[i].pending.is_some()
                && self.all[i].early.is_none()
                && let Some(outcome) = self.poll_answer(i)?
            {
                self.all[i].early = Some(outcome);
            }
        }
        Ok(())
    }

    /// Twin `name` calls `execvp`: `Ok(None)` once its connection closes (the exec worked),
    /// `Ok(Some(outcome))` with the error if it failed.
    pub fn exec(&mut self, name: &str, op: Op) -> Result<Option<Outcome>, LabError> {
        let i = self.index(name)?;
        self.send(i, &op)?;
        let deadline = Instant::now() + self.timeout;
        loop {
            if let Some(outcome) = self.poll_answer(i)? {
                return Ok(Some(outcome));
            }
            if self.all[i].conn.as_ref().is_none_or(|c| c.closed) {
                let twin = &mut self.all[i];
                twin.conn = None;
                twin.pending = None;
                twin.execed = true;
                return Ok(None);
            }
            if Instant::now() > deadline {
                return Err(self.hang(i, &op));
            }
            self.doze()?;
        }
    }

    /// The twin `parent` forks the twin `child`.
    pub fn fork(
        &mut self,
        parent: &str,
        child: &str,
        dies_with_parent: bool,
    ) -> Result<Outcome, LabError> {
        self.room_for_one()?;
        let op = Op::Fork {
            child: child.into(),
            die_with_parent: dies_with_parent,
        };
        let outcome = match self.perform(parent, op.clone())? {
            Settled::Returned(o) => o,
            Settled::Blocked(_) => {
                let i = self.index(parent)?;
                return Err(self.hang(i, &op));
            }
        };
        if let Some(pid) = outcome.pid {
            self.all.push(Twin {
                name: child.to_string(),
                pid: Pid::from_raw(pid),
                fate: Fate::Alive,
                execed: false,
                pending: None,
                early: None,
                status: None,
                conn: None,
            });
            self.accept(child)?;
        }
        Ok(outcome)
    }

    /// New text on the twins' terminal since the last call.
    pub fn new_output(&mut self) -> String {
        let Ok(bytes) = std::fs::read(&self.terminal) else {
            return String::new();
        };
        let start = (self.terminal_seen as usize).min(bytes.len());
        self.terminal_seen = bytes.len() as u64;
        String::from_utf8_lossy(&bytes[start..]).into_owned()
    }

    fn hang(&self, i: usize, op: &Op) -> LabError {
        let twin = &self.all[i];
        LabError::Hang {
            name: twin.name.clone(),
            pid: twin.pid.as_raw(),
            doing: format!("return from {}", op.verb()),
            wchan: observe::wchan(twin.pid.as_raw()),
            seconds: self.timeout.as_secs_f64(),
        }
    }

    fn vanished(&self, i: usize) -> LabError {
        let twin = &self.all[i];
        LabError::Vanished {
            name: twin.name.clone(),
            pid: twin.pid.as_raw(),
        }
    }
}
