//! What every mechanism offers the measuring code: a [`Channel`] that sends and receives whole
//! messages, and a [`Watch`] that the waits without a natural end (futexes, message queues,
//! connecting) consult now and then, so that neither side waits for a partner that is gone.

#![forbid(unsafe_code)]

use super::Cancel;
use nix::errno::Errno;
use nix::sys::wait::{Id, WaitPidFlag, WaitStatus, waitid};
use nix::unistd::{Pid, getppid};
use std::io::{self, Read, Write};
use std::time::Duration;

/// How long a wait sleeps before it looks at the [`Watch`] again.
pub const LOOK_EVERY: Duration = Duration::from_millis(20);
/// How long the peer may take to open its end.
pub const CONNECT_PATIENCE: Duration = Duration::from_secs(10);

/// First message of the peer once its ends are open.
pub const HELLO: &[u8] = b"R";
/// Last message of the peer, once the whole bulk transfer has arrived.
pub const DONE: &[u8] = b"A";

/// What a waiting side checks while it waits.
#[derive(Clone, Debug, Default)]
pub struct Watch {
    /// proclab's side: a cancelled run stops.
    pub cancel: Option<Cancel>,
    /// proclab's side: the peer, which must still be running.
    pub peer: Option<Pid>,
    /// The peer's side: proclab, which must still be its parent.
    pub parent: Option<Pid>,
}

impl Watch {
    /// `Ok` while the other side is there and the run is wanted.
    pub fn check(&self) -> io::Result<()> {
        if self.cancel.as_ref().is_some_and(Cancel::is_cancelled) {
            return Err(io::Error::other("stopped"));
        }
        if let Some(pid) = self.peer {
            // WNOWAIT: look, but leave the exit status for the reaping.
            let flags = WaitPidFlag::WEXITED | WaitPidFlag::WNOHANG | WaitPidFlag::WNOWAIT;
            match waitid(Id::Pid(pid), flags) {
                Ok(WaitStatus::StillAlive) | Err(Errno::EINTR) => {}
                _ => return Err(io::Error::other("the peer process has ended")),
            }
        }
        if let Some(parent) = self.parent
            && getppid() != parent
        {
            return Err(io::Error::other("proclab has gone"));
        }
        Ok(())
    }
}

/// Two ends of one mechanism, as seen by one side.
pub trait Channel {
    /// Sends `data` whole (as one message, for a mechanism that has messages).
    fn send(&mut self, data: &[u8], watch: &Watch) -> io::Result<()>;
    /// Fills `buf` exactly with what the other side sent (one message of that length, for a
    /// mechanism that has messages).
    fn recv(&mut self, buf: &mut [u8], watch: &Watch) -> io::Result<()>;
}

/// A byte stream each way (pipes, FIFOs, a socket). It needs no watch: when the other side
/// dies, its ends close, and a read sees the end of the stream, a write `EPIPE`.
pub struct Stream {
    rx: Box<dyn Read>,
    tx: Box<dyn Write>,
}

impl Stream {
    /// A channel reading from `rx` and writing to `tx`.
    pub fn new(rx: impl Read + 'static, tx: impl Write + 'static) -> Stream {
        Stream {
            rx: Box::new(rx),
            tx: Box::new(tx),
        }
    }
}

impl Channel for Stream {
    fn send(&mut self, data: &[u8], _: &Watch) -> io::Result<()> {
        self.tx.write_all(data)
    }

    fn recv(&mut self, buf: &mut [u8], _: &Watch) -> io::Result<()> {
        self.rx.read_exact(buf)
    }
}

/// Retries `op` until it does not fail with `EINTR`.
pub fn retry<T>(mut op: impl FnMut() -> nix::Result<T>) -> nix::Result<T> {
    loop {
        match op() {
            Err(Errno::EINTR) => {}
            other => return other,
        }
    }
}
