//! The kernel objects processes share: pipes and FIFOs (a byte buffer with reader and writer
//! counts), shared-memory rings (the textbook's bounded buffer, with `in` and `out`), and the
//! message queues of mailboxes and links (in `message`).
//! Only the data lives here; `syscalls` moves processes in and out of their wait queues.

use super::ids::Pid;
use super::message::{Link, Mailbox};
use super::program::{End, ObjectId};
use super::rpc::Port;
use super::segment::SharedMemory;
use super::socket::{Socket, Transport};
use serde::Serialize;
use std::collections::VecDeque;
use std::sync::Arc;

/// What kind of object a scenario name stands for.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ObjectKind {
    /// An ordinary (anonymous) pipe, shared by inheritance.
    Pipe,
    /// A named pipe, opened by name.
    Fifo,
    /// A shared-memory bounded buffer.
    Ring,
    /// A mailbox of messages (indirect communication).
    Mailbox,
    /// The link of direct communication between two processes.
    Link,
    /// A TCP socket on 127.0.0.1.
    TcpSocket,
    /// A UDP socket on 127.0.0.1.
    UdpSocket,
    /// A Unix-domain stream socket.
    UnixSocket,
    /// The port of a remote procedure call's server.
    RpcPort,
    /// An object of the Windows family.
    Win(super::win::WinKind),
}

impl ObjectKind {
    /// The kind of a socket of `transport`.
    pub fn socket(transport: Transport) -> ObjectKind {
        match transport {
            Transport::Tcp => ObjectKind::TcpSocket,
            Transport::Udp => ObjectKind::UdpSocket,
            Transport::Unix => ObjectKind::UnixSocket,
        }
    }

    /// The transport of a socket kind; `None` for every other kind.
    pub fn transport(self) -> Option<Transport> {
        Transport::ALL
            .into_iter()
            .find(|&t| ObjectKind::socket(t) == self)
    }
}

/// A named object as the scenario declares it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ObjectSpec {
    /// Its name in the scenario.
    pub name: Arc<str>,
    /// What it is.
    pub kind: ObjectKind,
}

/// Writes of at most this many bytes to a pipe are atomic (POSIX `PIPE_BUF` on Linux).
pub const PIPE_BUF: usize = 4096;

/// Default capacity of a pipe or FIFO: Linux's 64 KiB.
pub const PIPE_CAPACITY: usize = 65536;

/// A process blocked in `write`, with what it still has to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingWrite {
    /// Who.
    pub pid: Pid,
    /// Everything it asked to write.
    pub data: Arc<[u8]>,
    /// How much of it is already in the pipe.
    pub done: usize,
}

/// The buffer of a pipe or FIFO, its open ends and who waits on it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Channel {
    /// Bytes written and not read yet.
    pub data: VecDeque<u8>,
    /// Open descriptors for the read end, in all processes.
    pub readers: u32,
    /// Open descriptors for the write end, in all processes.
    pub writers: u32,
    /// Processes blocked in `read`, with how much they asked for.
    pub reading: VecDeque<(Pid, u32)>,
    /// Processes blocked in `write`.
    pub writing: VecDeque<PendingWrite>,
    /// FIFO only: processes blocked in `open`, with the end they asked for.
    pub opening: VecDeque<(Pid, End)>,
}

impl Channel {
    /// Free room in a buffer of `capacity` bytes.
    pub fn room(&self, capacity: usize) -> usize {
        capacity.saturating_sub(self.data.len())
    }

    /// Takes up to `max` bytes from the front.
    pub fn take(&mut self, max: u32) -> Vec<u8> {
        let n = (max as usize).min(self.data.len());
        self.data.drain(..n).collect()
    }

    /// One more or one fewer descriptor for `end`.
    pub fn count(&mut self, end: End, delta: i32) {
        let n = match end {
            End::Read => &mut self.readers,
            End::Write => &mut self.writers,
        };
        *n = n.saturating_add_signed(delta);
    }
}

/// A shared-memory ring of `slots` slots: `in` is where the next item goes, `out` where the
/// next one is taken; it is full when `in + 1 == out` (mod slots), so it holds at most
/// `slots - 1` items, and empty when `in == out`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ring {
    /// The slots; a consumed slot is emptied.
    pub slots: Vec<Option<Arc<str>>>,
    /// Next slot to fill.
    pub next_in: u32,
    /// Next slot to take.
    pub next_out: u32,
    /// Processes blocked because the ring is full, with their item.
    pub producing: VecDeque<(Pid, Arc<str>)>,
    /// Processes blocked because the ring is empty.
    pub consuming: VecDeque<Pid>,
}

impl Ring {
    /// An empty ring.
    pub fn new(slots: u32) -> Ring {
        Ring {
            slots: vec![None; slots.max(1) as usize],
            next_in: 0,
            next_out: 0,
            producing: VecDeque::new(),
            consuming: VecDeque::new(),
        }
    }

    fn size(&self) -> u32 {
        self.slots.len() as u32
    }

    /// True if no item fits: `(in + 1) % size == out`.
    pub fn is_full(&self) -> bool {
        (self.next_in + 1) % self.size() == self.next_out
    }

    /// True if there is nothing to take: `in == out`.
    pub fn is_empty(&self) -> bool {
        self.next_in == self.next_out
    }

    /// Items in the ring.
    pub fn len(&self) -> u32 {
        (self.next_in + self.size() - self.next_out) % self.size()
    }

    /// Puts an item in (the caller checked it is not full).
    pub fn put(&mut self, item: Arc<str>) {
        self.slots[self.next_in as usize] = Some(item);
        self.next_in = (self.next_in + 1) % self.size();
    }

    /// Takes the oldest item (the caller checked it is not empty).
    pub fn take(&mut self) -> Arc<str> {
        let item = self.slots[self.next_out as usize]
            .take()
            .unwrap_or_default();
        self.next_out = (self.next_out + 1) % self.size();
        item
    }
}

/// The state of one named object during a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Object {
    /// Not created yet (or a FIFO not made yet).
    #[default]
    Absent,
    /// A pipe or FIFO.
    Channel(Channel),
    /// A shared-memory ring, and the objects made under its name.
    Ring(SharedMemory),
    /// A mailbox.
    Mailbox(Mailbox),
    /// A link between two processes.
    Link(Link),
    /// A socket and its connections.
    Socket(Socket),
    /// An RPC port and its server's state.
    RpcPort(Port),
    /// A pipe or mailslot of the Windows family.
    Win(super::win::WinObject),
}

/// The id and state of every named object.
pub type Objects = Vec<Object>;

/// The id of the object named `name` among `specs`.
pub fn find(specs: &[ObjectSpec], name: &str) -> Option<ObjectId> {
    specs
        .iter()
        .position(|s| &*s.name == name)
        .map(|i| i as ObjectId)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ring_of_n_slots_holds_n_minus_one_items() {
        let mut r = Ring::new(4);
        assert!(r.is_empty() && !r.is_full());
        for i in 0..3 {
            assert!(!r.is_full());
            r.put(format!("i{i}").into());
        }
        assert!(r.is_full());
        assert_eq!(r.len(), 3);
        assert_eq!(&*r.take(), "i0");
        assert!(!r.is_full());
        r.put("i3".into());
        assert_eq!((r.next_in, r.next_out, r.len()), (0, 1, 3));
        assert_eq!([&*r.take(), &*r.take(), &*r.take()], ["i1", "i2", "i3"]);
        assert!(r.is_empty());
    }
}
