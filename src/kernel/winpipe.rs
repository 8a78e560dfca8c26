//! Windows pipes, modelled on Windows NT. An anonymous pipe goes one way: a byte stream with
//! a buffer of the size `CreatePipe` asked for, whose writers wait while it is full. A named
//! pipe has instances, each joining its server with one client at a time, both ways at once
//! (full duplex), carrying bytes or messages as the pipe was made. Each way is a queue of the
//! writes not read yet, kept whole — the socket model's [`Direction`] — so that a message
//! read can take exactly one. Only the data and its rules live here; `winpipe_calls` moves
//! processes in and out of the queues.

use super::ids::Pid;
use super::socket::{Direction, cut};
use super::win::PipeMode;
use super::win_error::WinError;
use std::collections::VecDeque;
use std::sync::Arc;

/// An anonymous pipe's buffer when `CreatePipe` asks for 0 bytes (the system's default).
pub const DEFAULT_SIZE: u32 = 4096;

/// The most instances a named pipe may have (`PIPE_UNLIMITED_INSTANCES`).
pub const MAX_INSTANCES: u32 = 255;

/// A writer that waits for room in an anonymous pipe, with what it has still to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingWrite {
    /// Who.
    pub pid: Pid,
    /// Everything it asked to write.
    pub text: Arc<str>,
    /// How much of it is in the pipe already.
    pub done: usize,
}

/// An anonymous pipe: one way, bytes, a buffer of `size` bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnonPipe {
    /// What was written and not read yet, with the readers waiting.
    pub flow: Direction,
    /// The buffer's size in bytes.
    pub size: u32,
    /// Read handles open, in every process.
    pub readers: u32,
    /// Write handles open, in every process.
    pub writers: u32,
    /// Writers waiting for room, longest waiting first.
    pub writing: VecDeque<PendingWrite>,
}

impl AnonPipe {
    /// A new pipe with one read handle and one write handle.
    pub fn new(size: u32) -> AnonPipe {
        AnonPipe {
            flow: Direction::default(),
            size,
            readers: 1,
            writers: 1,
            writing: VecDeque::new(),
        }
    }

    /// Moves as much of `pending` into the buffer as there is room for (never splitting a
    /// character); true once all of it is in.
    pub fn pour(&mut self, pending: &mut PendingWrite) -> bool {
        let room = (self.size as usize).saturating_sub(self.flow.bytes());
        let part = cut(&pending.text[pending.done..], room);
        if !part.is_empty() {
            self.flow.data.push_back(part.into());
            pending.done += part.len();
        }
        pending.done == pending.text.len()
    }

    /// Takes `pid` out of the queues.
    pub fn forget(&mut self, pid: Pid) {
        self.flow.reading.retain(|r| r.0 != pid);
        self.writing.retain(|w| w.pid != pid);
    }

    /// True if `pid` waits in a queue.
    pub fn holds(&self, pid: Pid) -> bool {
        self.flow.reading.iter().any(|r| r.0 == pid) || self.writing.iter().any(|w| w.pid == pid)
    }

    /// One line for the views.
    pub fn describe(&self) -> String {
        format!(
            "{} of {} bytes waiting; {} read handle(s), {} write handle(s) open",
            self.flow.bytes(),
            self.size,
            self.readers,
            self.writers
        )
    }
}

/// Where an instance of a named pipe is in its life.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum InstanceState {
    /// Free: made, or reconnected by the server, and no client has opened it yet.
    Listening,
    /// Joined with a client.
    Connected,
    /// The client closed its handle; the server has not disconnected yet.
    ClientGone,
    /// The server disconnected the client; free again only after `ConnectNamedPipe`.
    Disconnected,
    /// The server closed its handle while a client was connected.
    ServerGone,
    /// Both sides closed: the instance is no more.
    Closed,
}

/// One instance of a named pipe: a server, at most one client, and a flow each way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instance {
    /// The process that made it.
    pub server: Pid,
    /// The client of the current session, if any.
    pub client: Option<Pid>,
    /// Where it is in its life.
    pub state: InstanceState,
    /// Sessions so far: a client's handle is good for the session it opened.
    pub session: u32,
    /// Client to server.
    pub inbound: Direction,
    /// Server to client.
    pub outbound: Direction,
    /// The server's handles open.
    pub server_refs: u32,
    /// The handles of the session's client open.
    pub client_refs: u32,
    /// The server, while it waits in `ConnectNamedPipe`.
    pub connecting: Option<Pid>,
}

impl Instance {
    /// A new instance made by `server`, listening.
    pub fn new(server: Pid) -> Instance {
        Instance {
            server,
            client: None,
            state: InstanceState::Listening,
            session: 0,
            inbound: Direction::default(),
            outbound: Direction::default(),
            server_refs: 1,
            client_refs: 0,
            connecting: None,
        }
    }

    /// True if a client may open it now.
    pub fn is_free(&self) -> bool {
        self.state == InstanceState::Listening
    }

    /// True until both sides have closed it: it counts against the pipe's maximum.
    pub fn is_open(&self) -> bool {
        self.state != InstanceState::Closed
    }

    /// Joins `client` to the instance: a new session.
    pub fn connect(&mut self, client: Pid) {
        self.state = InstanceState::Connected;
        self.client = Some(client);
        self.session += 1;
        self.client_refs = 1;
    }

    /// Ends the session: what was not read is thrown away.
    pub fn disconnect(&mut self) {
        self.state = InstanceState::Disconnected;
        self.client = None;
        self.client_refs = 0;
        self.inbound.data.clear();
        self.outbound.data.clear();
    }

    /// Whether the server (`session` `None`) or the client of `session` may write now, or
    /// the error its `WriteFile` gets.
    pub fn can_send(&self, session: Option<u32>) -> Result<(), WinError> {
        use InstanceState::*;
        match (session, self.state) {
            (Some(s), _) if s != self.session => Err(WinError::ERROR_PIPE_NOT_CONNECTED),
            (_, Connected) => Ok(()),
            (None, Listening) => Err(WinError::ERROR_PIPE_LISTENING),
            (None, ClientGone) | (Some(_), ServerGone) => Err(WinError::ERROR_NO_DATA),
            (None, ServerGone | Closed) => Err(WinError::ERROR_INVALID_HANDLE),
            _ => Err(WinError::ERROR_PIPE_NOT_CONNECTED),
        }
    }

    /// Whether the server (`session` `None`) or the client of `session` may read now — and if
    /// so, whether the other side is gone (so that an empty pipe is broken) — or the error.
    pub fn can_receive(&self, session: Option<u32>) -> Result<bool, WinError> {
        use InstanceState::*;
        match (session, self.state) {
            (Some(s), _) if s != self.session => Err(WinError::ERROR_PIPE_NOT_CONNECTED),
            (_, Connected) => Ok(false),
            (None, ClientGone) | (Some(_), ServerGone) => Ok(true),
            (None, Listening) => Err(WinError::ERROR_PIPE_LISTENING),
            (None, ServerGone | Closed) => Err(WinError::ERROR_INVALID_HANDLE),
            _ => Err(WinError::ERROR_PIPE_NOT_CONNECTED),
        }
    }

    /// The flows of a side: what it reads from, and what it writes to.
    pub fn flows(&mut self, server: bool) -> (&mut Direction, &mut Direction) {
        if server {
            (&mut self.inbound, &mut self.outbound)
        } else {
            (&mut self.outbound, &mut self.inbound)
        }
    }
}

/// A named pipe: its mode, its maximum of instances, the instances, and the clients waiting
/// in `WaitNamedPipe` for one to be free.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedPipe {
    /// Bytes or messages.
    pub mode: PipeMode,
    /// `nMaxInstances`.
    pub max_instances: u32,
    /// Every instance made, in order (closed ones stay, so that handles keep their index).
    pub instances: Vec<Instance>,
    /// Clients in `WaitNamedPipe`, longest waiting first.
    pub waiting: VecDeque<Pid>,
}

impl NamedPipe {
    /// A pipe with no instance yet.
    pub fn new(mode: PipeMode, max_instances: u32) -> NamedPipe {
        NamedPipe {
            mode,
            max_instances,
            instances: Vec::new(),
            waiting: VecDeque::new(),
        }
    }

    /// Instances that exist (both sides have not closed them).
    pub fn open_instances(&self) -> u32 {
        self.instances.iter().filter(|i| i.is_open()).count() as u32
    }

    /// The oldest free instance, for a client's `CreateFile`.
    pub fn free_instance(&self) -> Option<u32> {
        self.instances
            .iter()
            .position(Instance::is_free)
            .map(|i| i as u32)
    }

    /// Takes `pid` out of every queue.
    pub fn forget(&mut self, pid: Pid) {
        self.waiting.retain(|&p| p != pid);
        for i in &mut self.instances {
            i.inbound.reading.retain(|r| r.0 != pid);
            i.outbound.reading.retain(|r| r.0 != pid);
            if i.connecting == Some(pid) {
                i.connecting = None;
            }
        }
    }

    /// True if `pid` waits in a queue.
    pub fn holds(&self, pid: Pid) -> bool {
        self.waiting.contains(&pid)
            || self.instances.iter().any(|i| {
                i.connecting == Some(pid)
                    || i.inbound.reading.iter().any(|r| r.0 == pid)
                    || i.outbound.reading.iter().any(|r| r.0 == pid)
            })
    }

    /// One line for the views.
    pub fn describe(&self) -> String {
        let connected = self
            .instances
            .iter()
            .filter(|i| i.state == InstanceState::Connected)
            .count();
        format!(
            "{} mode, {} of {} instance(s) open, {connected} connected, {} free; {} waiting in WaitNamedPipe",
            self.mode.word(),
            self.open_instances(),
            self.max_instances,
            self.instances.iter().filter(|i| i.is_free()).count(),
            self.waiting.len()
        )
    }
}

/// What a read takes from a flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Taken {
    /// The bytes.
    pub text: Arc<str>,
    /// Message mode: the message was longer than the buffer (`ERROR_MORE_DATA`); the rest
    /// stays in front for the next read.
    pub more: bool,
    /// How many writes the bytes came from (more than one only in byte mode).
    pub writes: u32,
}

/// Reads up to `max` bytes from `flow`: across writes in byte mode, one message in message
/// mode. `None` if nothing waits.
pub fn take(flow: &mut Direction, max: u32, mode: PipeMode) -> Option<Taken> {
    match mode {
        PipeMode::Byte => {
            let writes = writes_spanned(flow, max as usize);
            let text = flow.take(max, true)?;
            Some(Taken {
                text,
                more: false,
                writes,
            })
        }
        PipeMode::Message => {
            let front = flow.data.front_mut()?;
            let head = cut(front, max as usize);
            if head.len() == front.len() {
                let text = flow.data.pop_front()?;
                return Some(Taken {
                    text,
                    more: false,
                    writes: 1,
                });
            }
            let text: Arc<str> = head.into();
            *front = front[head.len()..].into();
            Some(Taken {
                text,
                more: true,
                writes: 1,
            })
        }
    }
}

/// How many writes the first `n` bytes of `flow` come from.
fn writes_spanned(flow: &Direction, n: usize) -> u32 {
    let mut left = n;
    let mut writes = 0;
    for d in &flow.data {
        if left == 0 {
            break;
        }
        writes += 1;
        left = left.saturating_sub(d.len());
    }
    writes
}

/// What `PeekNamedPipe` sees: up to `max` bytes (byte mode: across writes; message mode: of
/// the first message), the bytes waiting in all, and (message mode) the first message's bytes
/// it did not copy.
pub fn peek(flow: &Direction, max: u32, mode: PipeMode) -> (Arc<str>, u32, Option<u32>) {
    let available = flow.bytes() as u32;
    match mode {
        PipeMode::Byte => {
            let mut copy = flow.clone();
            let text = copy.take(max, true).unwrap_or_default();
            (text, available, None)
        }
        PipeMode::Message => match flow.data.front() {
            None => (Arc::from(""), available, Some(0)),
            Some(front) => {
                let head = cut(front, max as usize);
                (
                    head.into(),
                    available,
                    Some((front.len() - head.len()) as u32),
                )
            }
        },
    }
}

/// Hands what `flow` holds to its waiting readers, longest waiting first, as long as there is
/// something to hand: who got what.
pub fn serve(flow: &mut Direction, mode: PipeMode) -> Vec<(Pid, Taken)> {
    let mut out = Vec::new();
    while let Some(&(pid, max)) = flow.reading.front() {
        let Some(taken) = take(flow, max, mode) else {
            break;
        };
        flow.reading.pop_front();
        out.push((pid, taken));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow(writes: &[&str]) -> Direction {
        Direction {
            data: writes.iter().map(|s| Arc::from(*s)).collect(),
            reading: VecDeque::new(),
        }
    }

    #[test]
    fn a_byte_read_runs_writes_together_and_says_how_many() {
        let mut f = flow(&["ab", "cd", "ef"]);
        let t = take(&mut f, 5, PipeMode::Byte).unwrap();
        assert_eq!((&*t.text, t.more, t.writes), ("abcde", false, 3));
        assert_eq!(take(&mut f, 5, PipeMode::Byte).unwrap().writes, 1);
        assert_eq!(take(&mut f, 5, PipeMode::Byte), None);
    }

    #[test]
    fn a_message_read_takes_one_message_and_keeps_the_rest_of_a_long_one() {
        let mut f = flow(&["hello", "you"]);
        let t = take(&mut f, 3, PipeMode::Message).unwrap();
        assert_eq!((&*t.text, t.more), ("hel", true));
        let t = take(&mut f, 100, PipeMode::Message).unwrap();
        assert_eq!(
            (&*t.text, t.more),
            ("lo", false),
            "the rest of the message, alone"
        );
        assert_eq!(&*take(&mut f, 100, PipeMode::Message).unwrap().text, "you");
    }

    #[test]
    fn peeking_takes_nothing() {
        let f = flow(&["hello", "you"]);
        assert_eq!(peek(&f, 3, PipeMode::Message), ("hel".into(), 8, Some(2)));
        assert_eq!(peek(&f, 7, PipeMode::Byte), ("helloyo".into(), 8, None));
        assert_eq!(f.data.len(), 2);
    }

    #[test]
    fn an_anonymous_pipe_takes_what_fits_and_the_rest_later() {
        let mut p = AnonPipe::new(4);
        let mut w = PendingWrite {
            pid: Pid(2),
            text: "abcdef".into(),
            done: 0,
        };
        assert!(!p.pour(&mut w));
        assert_eq!((w.done, p.flow.bytes()), (4, 4));
        p.flow.take(3, true);
        assert!(p.pour(&mut w));
        assert_eq!(p.flow.take(10, true).as_deref(), Some("def"));
    }

    #[test]
    fn a_disconnect_ends_the_session_and_throws_the_data_away() {
        let mut i = Instance::new(Pid(2));
        assert!(i.is_free());
        i.connect(Pid(3));
        i.inbound.data.push_back("x".into());
        assert_eq!((i.session, i.is_free()), (1, false));
        assert_eq!(i.can_send(Some(0)), Err(WinError::ERROR_PIPE_NOT_CONNECTED));
        assert_eq!(i.can_send(Some(1)), Ok(()));
        i.disconnect();
        assert!(i.inbound.data.is_empty() && !i.is_free() && i.is_open());
        assert_eq!(
            i.can_receive(Some(1)),
            Err(WinError::ERROR_PIPE_NOT_CONNECTED),
            "the old client's handle is good for nothing now"
        );
        assert_eq!(i.can_send(None), Err(WinError::ERROR_PIPE_NOT_CONNECTED));
    }

    #[test]
    fn a_side_whose_peer_closed_reads_what_is_left_and_can_no_longer_write() {
        let mut i = Instance::new(Pid(2));
        assert_eq!(i.can_receive(None), Err(WinError::ERROR_PIPE_LISTENING));
        i.connect(Pid(3));
        i.state = InstanceState::ClientGone;
        assert_eq!(i.can_receive(None), Ok(true));
        assert_eq!(i.can_send(None), Err(WinError::ERROR_NO_DATA));
        i.state = InstanceState::ServerGone;
        assert_eq!(i.can_receive(Some(1)), Ok(true));
        assert_eq!(i.can_send(Some(1)), Err(WinError::ERROR_NO_DATA));
    }
}
