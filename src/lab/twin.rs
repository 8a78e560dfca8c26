//! A twin: the real process that stands for one simulated process. It is a forked copy of the
//! helper (or of another twin, for a child) that performs one system call at a time when the
//! helper tells it to, over its own connection, and says what the call returned. Between
//! steps it sleeps reading that connection, which is what `/proc` shows for a process the
//! model has on the CPU or in a device queue.

#![forbid(unsafe_code)]

use super::protocol::{MqRef, Op, Target, TwinMessage, line};
use super::record::{Outcome, RealStatus};
use super::ring;
use super::sys::{self, SharedWords};
use super::twin_shm::{self, SharedMem};
use super::twin_sockets::Sockets;
use crate::kernel::message::MAX_MESSAGE;
use nix::errno::Errno;
use nix::fcntl::{OFlag, open};
use nix::mqueue::{
    MQ_OFlag, MqAttr, MqdT, mq_close, mq_open, mq_receive, mq_remove_nonblock, mq_send,
    mq_set_nonblock, mq_unlink,
};
use nix::sys::signal::{SigSet, SigmaskHow, Signal, kill, sigprocmask};
use nix::sys::stat::Mode;
use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, getpid, getppid, mkfifo, pipe, setpgid};
use std::collections::HashMap;
use std::ffi::CString;
use std::io::{BufRead, BufReader, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::fs::MetadataExt;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

/// Descriptor numbers from which the twin keeps its own connection, out of the scenario's way.
pub(super) const PRIVATE_FDS: i32 = 100;

/// The descriptors a twin holds under one of the scenario's names.
#[derive(Debug, Default)]
struct Held {
    read: Option<OwnedFd>,
    write: Option<OwnedFd>,
    shm: SharedMem,
    mq: Option<MqdT>,
    sockets: Sockets,
}

/// Where a twin comes from and how it reaches the helper.
#[derive(Clone, Debug)]
pub struct Birth {
    /// The simulated process it stands for.
    pub name: String,
    /// The helper's pid.
    pub helper: Pid,
    /// The helper's control socket.
    pub control: PathBuf,
    /// The file that stands for the terminal.
    pub terminal: PathBuf,
    /// The run's private directory (the twins' working directory).
    pub dir: PathBuf,
    /// The process group of the twins (`None`: this twin starts it).
    pub group: Option<Pid>,
}

struct Twin {
    name: String,
    helper: Pid,
    control: PathBuf,
    conn: BufReader<UnixStream>,
    held: HashMap<String, Held>,
}

/// Becomes a top-level twin (called in the child of the helper's fork); never returns.
pub fn top_level(birth: Birth) -> ! {
    let ready = (|| -> nix::Result<()> {
        sigprocmask(SigmaskHow::SIG_SETMASK, Some(&SigSet::empty()), None)?;
        sys::arm_parent_death(birth.helper, true)?;
        if getppid() != birth.helper {
            return Err(Errno::ESRCH);
        }
        // Its own group (or the twins' group), so a Ctrl-C at the terminal does not reach it and
        // the helper can end all twins at once.
        let group = birth.group.unwrap_or(Pid::from_raw(0));
        if setpgid(Pid::from_raw(0), group).is_err() {
            setpgid(Pid::from_raw(0), Pid::from_raw(0))?;
        }
        // Drop the helper's descriptors: the pipes to proclab, the control socket, other twins'
        // connections. Then standard input is empty and output goes to the run's terminal file.
        sys::close_from_3_except(&[]);
        let null = open("/dev/null", OFlag::O_RDONLY, Mode::empty())?;
        nix::unistd::dup2_stdin(&null)?;
        let terminal = open(
            &birth.terminal,
            OFlag::O_WRONLY | OFlag::O_APPEND,
            Mode::empty(),
        )?;
        nix::unistd::dup2_stdout(&terminal)?;
        nix::unistd::dup2_stderr(&terminal)?;
        std::env::set_current_dir(&birth.dir).map_err(io_errno)?;
        Ok(())
    })();
    if ready.is_err() {
        sys::exit_now(127);
    }
    let Ok(conn) = connect(&birth.control, &birth.name) else {
        sys::exit_now(127)
    };
    Twin {
        name: birth.name,
        helper: birth.helper,
        control: birth.control,
        conn,
        held: HashMap::new(),
    }
    .serve()
}

fn io_errno(e: std::io::Error) -> Errno {
    Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO))
}

/// Connects to the helper from a high descriptor and says who this is.
fn connect(control: &Path, name: &str) -> std::io::Result<BufReader<UnixStream>> {
    let first = UnixStream::connect(control)?;
    let high = sys::dup_at_least(first.as_fd(), PRIVATE_FDS).map_err(std::io::Error::from)?;
    drop(first);
    let mut stream = UnixStream::from(high);
    let hello = TwinMessage::Hello {
        name: name.to_string(),
        pid: getpid().as_raw(),
    };
    stream.write_all(line(&hello).as_bytes())?;
    Ok(BufReader::new(stream))
}

fn failed(e: Errno) -> Outcome {
    Outcome {
        ret: -1,
        errno: Some(format!("{e:?}")),
        ..Outcome::default()
    }
}

fn returned(ret: i64) -> Outcome {
    Outcome {
        ret,
        ..Outcome::default()
    }
}

impl Twin {
    /// Reads ops and performs them until an exit, an exec or the end of the connection.
    fn serve(mut self) -> ! {
        let mut text = String::new();
        loop {
            text.clear();
            match self.conn.read_line(&mut text) {
                Ok(0) | Err(_) => sys::exit_now(126), // the helper is gone
                Ok(_) => {}
            }
            let Ok(op) = serde_json::from_str::<Op>(&text) else {
                sys::exit_now(126)
            };
            let Some(outcome) = self.perform(op) else {
                // This is the child of a fork, now a twin of its own: nothing to answer.
                continue;
            };
            let reply = line(&TwinMessage::Done(outcome));
            if self.conn.get_mut().write_all(reply.as_bytes()).is_err() {
                sys::exit_now(126);
            }
        }
    }

    /// Runs `f` on the descriptor `target` names: a standard stream (whatever it points to
    /// now) or the end of a pipe or FIFO this twin holds.
    fn with_fd<R>(
        &self,
        target: &Target,
        write: bool,
        f: impl FnOnce(BorrowedFd<'_>) -> nix::Result<R>,
    ) -> nix::Result<R> {
        match target {
            Target::Std(0) => f(std::io::stdin().as_fd()),
            Target::Std(1) => f(std::io::stdout().as_fd()),
            Target::Std(_) => f(std::io::stderr().as_fd()),
            Target::Object(name) => {
                let held = self.held.get(name).ok_or(Errno::EBADF)?;
                let end = if write { &held.write } else { &held.read };
                f(end.as_ref().ok_or(Errno::EBADF)?.as_fd())
            }
        }
    }

    fn ring(&self, name: &str) -> Result<&SharedWords, Errno> {
        self.held.get(name).ok_or(Errno::EBADF)?.shm.ring()
    }

    /// Performs an op; `None` in the child of a fork, which answers nothing.
    fn perform(&mut self, op: Op) -> Option<Outcome> {
        match self.call(op) {
            Ok(outcome) => outcome,
            Err(e) => Some(failed(e)),
        }
    }

    fn call(&mut self, op: Op) -> Result<Option<Outcome>, Errno> {
        if let Op::Fork {
            child,
            die_with_parent,
        } = op
        {
            let parent = getpid();
            return match sys::fork()? {
                ForkResult::Child => {
                    self.become_child(child, parent, die_with_parent);
                    Ok(None)
                }
                ForkResult::Parent { child } => Ok(Some(Outcome {
                    pid: Some(child.as_raw()),
                    ..returned(child.as_raw().into())
                })),
            };
        }
        self.call_once(op).map(Some)
    }

    fn call_once(&mut self, op: Op) -> Result<Outcome, Errno> {
        match op {
            Op::Fork { .. } => Err(Errno::EINVAL), // handled by `call`
            Op::Exec { command, args } => {
                let argv: Vec<CString> = std::iter::once(&command)
                    .chain(args.iter())
                    .map(|a| CString::new(a.as_bytes()).map_err(|_| Errno::EINVAL))
                    .collect::<Result<_, _>>()?;
                // A program that outlives its parent twin is only ever an orphan the helper
                // adopts; one that must die with its parent keeps its parent-death signal.
                let keep = nix::sys::prctl::get_pdeathsig()? == Some(Signal::SIGKILL);
                sys::prepare_exec(keep)?;
                // On success the connection (close-on-exec) closes: that is the helper's answer.
                let e = nix::unistd::execvp(&argv[0], &argv)
                    .err()
                    .unwrap_or(Errno::EIO);
                Err(e)
            }
            Op::Wait { pid } => {
                let target = pid.map(Pid::from_raw);
                let status = waitpid(target.unwrap_or(Pid::from_raw(-1)), None)?;
                let (child, status) = match status {
                    WaitStatus::Exited(p, code) => (p, RealStatus::Exited(code)),
                    WaitStatus::Signaled(p, signal, _) => {
                        (p, RealStatus::Signaled(signal.as_str().to_string()))
                    }
                    _ => return Err(Errno::EINTR),
                };
                Ok(Outcome {
                    pid: Some(child.as_raw()),
                    status: Some(status),
                    ..returned(child.as_raw().into())
                })
            }
            Op::Kill { pid, signal } => {
                let signal = Signal::try_from(signal)?;
                kill(Pid::from_raw(pid), signal)?;
                Ok(returned(0))
            }
            Op::Exit { code } => sys::exit_now(code),
            Op::Pipe { name } => {
                let (read, write) = pipe()?;
                let inode = std::fs::metadata(format!("/proc/self/fd/{}", read.as_raw_fd()))
                    .ok()
                    .map(|m| m.ino());
                let data = format!("[{}, {}]", read.as_raw_fd(), write.as_raw_fd());
                let held = self.held.entry(name).or_default();
                held.read = Some(read);
                held.write = Some(write);
                Ok(Outcome {
                    data: Some(data),
                    inode,
                    ..returned(0)
                })
            }
            Op::Write { to, data } => {
                let n = self.with_fd(&to, true, |fd| nix::unistd::write(fd, data.as_bytes()))?;
                Ok(returned(n as i64))
            }
            Op::Read { from, max } => {
                let mut buf = vec![0u8; max as usize];
                let n = self.with_fd(&from, false, |fd| nix::unistd::read(fd, &mut buf))?;
                buf.truncate(n);
                Ok(Outcome {
                    data: Some(String::from_utf8_lossy(&buf).into_owned()),
                    ..returned(n as i64)
                })
            }
            Op::Close { name, end } => {
                let held = self.held.get_mut(&name).ok_or(Errno::EBADF)?;
                let closed = match end.as_deref() {
                    Some("read") => held.read.take().is_some(),
                    Some(_) => held.write.take().is_some(),
                    None if !held.sockets.is_empty() => held.sockets.close(),
                    // A ring's descriptor only: its mapping stays, as on Linux.
                    None if !held.shm.is_empty() => held.shm.close().is_ok(),
                    None => {
                        let any = held.read.is_some() || held.write.is_some() || held.mq.is_some();
                        if let Some(mq) = held.mq.take() {
                            mq_close(mq)?;
                        }
                        *held = Held::default();
                        any
                    }
                };
                if closed {
                    Ok(returned(0))
                } else {
                    Err(Errno::EBADF)
                }
            }
            Op::Redirect { stream, name } => {
                let held = self.held.get(&name).ok_or(Errno::EBADF)?;
                let end = if stream == 0 { &held.read } else { &held.write };
                let end = end.as_ref().ok_or(Errno::EBADF)?;
                match stream {
                    0 => nix::unistd::dup2_stdin(end)?,
                    1 => nix::unistd::dup2_stdout(end)?,
                    _ => nix::unistd::dup2_stderr(end)?,
                }
                Ok(returned(stream.into()))
            }
            Op::Mkfifo { path, .. } => {
                mkfifo(Path::new(&path), Mode::from_bits_truncate(0o600))?;
                Ok(returned(0))
            }
            Op::Open { name, path, write } => {
                let flags = if write {
                    OFlag::O_WRONLY
                } else {
                    OFlag::O_RDONLY
                };
                let fd = open(Path::new(&path), flags, Mode::empty())?;
                let n = fd.as_raw_fd();
                let held = self.held.entry(name).or_default();
                if write {
                    held.write = Some(fd);
                } else {
                    held.read = Some(fd);
                }
                Ok(returned(n.into()))
            }
            Op::Shm { name, shm, slots } => self.shm(name).open_posix(&shm, slots),
            Op::Produce { name, item } => {
                ring::produce(self.ring(&name)?, item.as_bytes());
                Ok(returned(0))
            }
            Op::Consume { name } => {
                let item = ring::consume(self.ring(&name)?);
                Ok(Outcome {
                    data: Some(String::from_utf8_lossy(&item).into_owned()),
                    ..returned(0)
                })
            }
            Op::Mailbox { queue } => {
                let mq = self.queue(&queue, true)?;
                Ok(returned(mq.as_raw_fd().into()))
            }
            Op::MqSend { queue, text, wait } => {
                let mq = self.queue(&queue, false)?;
                nonblocking(mq, !wait, |mq| mq_send(mq, text.as_bytes(), 0))?;
                Ok(returned(0))
            }
            Op::MqReceive { queue, wait } => {
                let mq = self.queue(&queue, false)?;
                let mut buf = vec![0u8; MAX_MESSAGE];
                let mut priority = 0;
                let n = nonblocking(mq, !wait, |mq| mq_receive(mq, &mut buf, &mut priority))?;
                buf.truncate(n);
                Ok(Outcome {
                    data: Some(String::from_utf8_lossy(&buf).into_owned()),
                    ..returned(n as i64)
                })
            }
            Op::MqUnlink { mq, .. } => {
                mq_unlink(mq.as_str())?;
                Ok(returned(0))
            }
            Op::Listen {
                name,
                transport,
                address,
            } => self.sockets(name).listen(&transport, &address),
            Op::Accept { name } => self.sockets(name).accept(),
            Op::Connect {
                name,
                transport,
                address,
            } => self.sockets(name).connect(&transport, &address),
            Op::SockSend { name, text } => self.sockets(name).send(&text),
            Op::SockRecv { name, max } => self.sockets(name).recv(max),
            Op::Shmget { name, key, slots } => self.shm(name).open_sysv(key, slots),
            Op::Detach { name } => self.shm(name).detach(),
            Op::ShmUnlink { shm, .. } => twin_shm::unlink(&shm),
            Op::ShmRemove { name, key } => self.shm(name).remove(key),
        }
    }

    /// The shared memory held under `name`.
    fn shm(&mut self, name: String) -> &mut SharedMem {
        &mut self.held.entry(name).or_default().shm
    }

    /// The sockets held under `name`.
    fn sockets(&mut self, name: String) -> &mut Sockets {
        &mut self.held.entry(name).or_default().sockets
    }

    /// The message queue held under `queue.name`, opened now if this twin has not yet (a
    /// forked child inherits its parent's, as on Linux).
    fn queue(&mut self, queue: &MqRef, exclusive: bool) -> Result<&MqdT, Errno> {
        let held = self.held.entry(queue.name.clone()).or_default();
        if held.mq.is_none() {
            let mut flags = MQ_OFlag::O_RDWR;
            if queue.create || exclusive {
                flags |= MQ_OFlag::O_CREAT;
            }
            if exclusive {
                flags |= MQ_OFlag::O_EXCL;
            }
            let attr = MqAttr::new(0, queue.capacity.into(), MAX_MESSAGE as _, 0);
            let mq = mq_open(
                queue.mq.as_str(),
                flags,
                Mode::from_bits_truncate(0o600),
                Some(&attr),
            )?;
            held.mq = Some(mq);
        }
        held.mq.as_ref().ok_or(Errno::EBADF)
    }

    /// In the child of a fork: becomes the twin `name`, with its own connection to the helper.
    fn become_child(&mut self, name: String, parent: Pid, die_with_parent: bool) {
        self.name = name;
        // The parent-death signal is not inherited across fork; arm it again, then make sure
        // the parent did not die before it was armed.
        if sys::arm_parent_death(self.helper, die_with_parent).is_err() || getppid() != parent {
            sys::exit_now(127);
        }
        let Ok(conn) = connect(&self.control, &self.name) else {
            sys::exit_now(127)
        };
        // Replacing the parent's connection closes this process's copy of it.
        self.conn = conn;
    }
}

/// Runs `call` on `mq`, with `O_NONBLOCK` set for it alone if `nonblock`.
fn nonblocking<T>(
    mq: &MqdT,
    nonblock: bool,
    call: impl FnOnce(&MqdT) -> nix::Result<T>,
) -> Result<T, Errno> {
    if !nonblock {
        return call(mq);
    }
    mq_set_nonblock(mq)?;
    let result = call(mq);
    mq_remove_nonblock(mq)?;
    result
}
