//! What a simulated process executes: a list of steps, one program counter into it.

use super::ids::{DeviceId, Tick};
use super::message::Capacity;
use super::rpc::{Procedure, Semantics};
use super::segment::{Cleanup, Flavour};
use super::socket::Transport;
use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// A signal that `kill` can send. In the model every one of them terminates the target,
/// which is their default action on Linux.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(into = "String")]
pub struct Signal(pub u8);

impl Signal {
    /// SIGKILL, which can't be caught.
    pub const KILL: Signal = Signal(9);
    /// SIGTERM, `kill`'s default.
    pub const TERM: Signal = Signal(15);

    /// The signals a scenario may name, with their Linux numbers.
    pub const KNOWN: [(&'static str, u8); 7] = [
        ("HUP", 1),
        ("INT", 2),
        ("QUIT", 3),
        ("KILL", 9),
        ("USR1", 10),
        ("USR2", 12),
        ("TERM", 15),
    ];

    /// Looks a signal up by name (`TERM`, `SIGTERM`, any case) or number.
    pub fn parse(text: &str) -> Option<Signal> {
        let upper = text.to_ascii_uppercase();
        let bare = upper.strip_prefix("SIG").unwrap_or(&upper);
        if let Ok(n) = bare.parse::<u8>() {
            return Self::KNOWN.iter().find(|(_, v)| *v == n).map(|_| Signal(n));
        }
        Self::KNOWN
            .iter()
            .find(|(name, _)| *name == bare)
            .map(|(_, v)| Signal(*v))
    }

    /// The conventional name, e.g. `SIGTERM`.
    pub fn name(self) -> String {
        match Self::KNOWN.iter().find(|(_, v)| *v == self.0) {
            Some((name, _)) => format!("SIG{name}"),
            None => format!("signal {}", self.0),
        }
    }
}

impl From<Signal> for String {
    fn from(s: Signal) -> String {
        s.name()
    }
}

/// How a process ended, as `wait` reports it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExitStatus {
    /// It called `exit(code)` or ran off the end of its program (code 0).
    Code(i32),
    /// A signal ended it.
    Signaled(Signal),
}

impl ExitStatus {
    /// How the process ended, as the end of a sentence: "exited with status 0", "was killed
    /// by SIGKILL".
    pub fn ending(&self) -> String {
        match self {
            ExitStatus::Code(c) => format!("exited with status {c}"),
            ExitStatus::Signaled(s) => format!("was killed by {}", s.name()),
        }
    }
}

impl fmt::Display for ExitStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExitStatus::Code(c) => write!(f, "status {c}"),
            ExitStatus::Signaled(s) => write!(f, "killed by {}", s.name()),
        }
    }
}

/// Index of a `[[process]]` in its scenario file, which is also its tie-break order.
pub type SpecIndex = u32;

/// Index of a named IPC object (pipe, FIFO, shared-memory ring) in the scenario.
pub type ObjectId = u32;

/// One end of a pipe or FIFO.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum End {
    /// The end data is read from.
    Read,
    /// The end data is written to.
    Write,
}

impl End {
    /// `read` or `write`.
    pub fn name(self) -> &'static str {
        match self {
            End::Read => "read",
            End::Write => "write",
        }
    }
}

/// A standard stream: descriptor 0, 1 or 2.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stream {
    /// Descriptor 0.
    Stdin = 0,
    /// Descriptor 1.
    Stdout = 1,
    /// Descriptor 2.
    Stderr = 2,
}

impl Stream {
    /// `stdin`, `stdout` or `stderr`.
    pub fn name(self) -> &'static str {
        match self {
            Stream::Stdin => "stdin",
            Stream::Stdout => "stdout",
            Stream::Stderr => "stderr",
        }
    }
}

/// Where `read` reads from or `write` writes to: a standard stream (whatever it is connected
/// to now) or a named pipe or FIFO.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "to")]
pub enum Channel {
    /// A standard stream.
    Std {
        /// Which.
        stream: Stream,
    },
    /// A pipe or FIFO by name.
    Object {
        /// Which.
        object: ObjectId,
    },
}

/// Where a message goes or comes from.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "peer")]
pub enum Peer {
    /// Another process, named directly: the message travels over the link between the two.
    Process {
        /// The other process.
        process: SpecIndex,
        /// The link between the two.
        link: ObjectId,
        /// True if the message goes from the first of the two (in scenario order) to the
        /// second.
        forward: bool,
    },
    /// A mailbox, named indirectly.
    Mailbox {
        /// The mailbox.
        object: ObjectId,
    },
}

/// One step of a program.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "step")]
pub enum Step {
    /// Compute for this many ticks.
    Cpu {
        /// Length of the burst.
        ticks: Tick,
    },
    /// Ask a device for this many ticks of service, and wait until it is done.
    Io {
        /// The device.
        device: DeviceId,
        /// Service time.
        ticks: Tick,
    },
    /// Block for this many ticks without using any device.
    Sleep {
        /// How long.
        ticks: Tick,
    },
    /// Terminate with this status.
    Exit {
        /// The exit code.
        code: i32,
    },
    /// Create the child described by `[[process]]` number `child`.
    Fork {
        /// The child's spec.
        child: SpecIndex,
    },
    /// Replace the program with another image; the steps after it never run.
    Exec {
        /// The program's name (becomes the process's command).
        command: Arc<str>,
        /// Its arguments, shown and passed on by the real lab.
        args: Arc<[Arc<str>]>,
        /// Index of the image in the scenario's `[programs]`, or `None` for the default image.
        image: Option<u32>,
    },
    /// Wait for a child (or any child) to exit and reap it.
    Wait {
        /// The child's spec, or `None` for any child.
        child: Option<SpecIndex>,
    },
    /// Send a signal to a process.
    Kill {
        /// The target's spec.
        target: SpecIndex,
        /// The signal.
        signal: Signal,
    },
    /// Create an ordinary pipe; its two ends get the lowest free descriptors.
    Pipe {
        /// The pipe.
        object: ObjectId,
    },
    /// Write text to a pipe, a FIFO or a standard stream.
    Write {
        /// Where.
        to: Channel,
        /// What.
        data: Arc<str>,
    },
    /// Read up to `max` bytes from a pipe, a FIFO or standard input.
    Read {
        /// From where.
        from: Channel,
        /// At most this many bytes.
        max: u32,
    },
    /// Close this process's descriptor for one end of a pipe (or its FIFO or ring descriptor).
    Close {
        /// The object.
        object: ObjectId,
        /// Which end, for a pipe.
        end: Option<End>,
    },
    /// Make a standard stream a copy of a pipe end (`dup2`).
    Redirect {
        /// The stream replaced.
        stream: Stream,
        /// The pipe or FIFO.
        object: ObjectId,
    },
    /// Create a FIFO (a named pipe).
    Mkfifo {
        /// The FIFO.
        object: ObjectId,
    },
    /// Open a FIFO for reading or writing; waits until the other side opens it too.
    Open {
        /// The FIFO.
        object: ObjectId,
        /// For reading or writing.
        end: End,
    },
    /// Create (or attach to) a shared-memory ring buffer with `slots` slots.
    Shm {
        /// The ring.
        object: ObjectId,
        /// Its size in slots (it holds at most `slots - 1` items).
        slots: u32,
        /// POSIX, System V or Windows shared memory.
        flavour: Flavour,
    },
    /// Put an item into a shared ring; waits while the ring is full.
    Produce {
        /// The ring.
        object: ObjectId,
        /// The item.
        item: Arc<str>,
    },
    /// Take the oldest item from a shared ring; waits while it is empty.
    Consume {
        /// The ring.
        object: ObjectId,
    },
    /// Create a mailbox with this capacity.
    Mailbox {
        /// The mailbox.
        object: ObjectId,
        /// How many messages it holds.
        capacity: Capacity,
    },
    /// Send a message to a process or a mailbox.
    Send {
        /// To whom.
        to: Peer,
        /// The message.
        text: Arc<str>,
        /// Blocking (`send`) or not (`try-send`, which fails with EAGAIN instead of waiting).
        wait: bool,
    },
    /// Receive the next message from a process or a mailbox.
    Receive {
        /// From whom.
        from: Peer,
        /// Blocking (`receive`) or not (`try-receive`, which returns "no message" at once).
        wait: bool,
    },
    /// Destroy a mailbox: its name goes; processes that use it keep it until they close it.
    Destroy {
        /// The mailbox.
        object: ObjectId,
    },
    /// Make a socket, bind it to the scenario's name and listen on it (UDP: bind only).
    Listen {
        /// The socket.
        object: ObjectId,
        /// TCP, UDP or Unix.
        transport: Transport,
    },
    /// Take the oldest connection made to a listening socket; waits while there is none.
    Accept {
        /// The socket.
        object: ObjectId,
    },
    /// Connect to the socket a server listens on (UDP: only say where datagrams go).
    Connect {
        /// The socket.
        object: ObjectId,
        /// TCP, UDP or Unix, as the server's `listen` says.
        transport: Transport,
    },
    /// Send text on the process's newest connection of a socket (UDP: one datagram).
    SocketSend {
        /// The socket.
        object: ObjectId,
        /// What.
        text: Arc<str>,
    },
    /// Receive up to `max` bytes on the process's newest connection of a socket (UDP: one
    /// datagram); waits while there is nothing and the peer may still send.
    SocketRecv {
        /// The socket.
        object: ObjectId,
        /// At most this many bytes.
        max: u32,
    },
    /// Make an RPC port served by this process, with what it promises.
    RpcServer {
        /// The port.
        object: ObjectId,
        /// At least once, at most once or exactly once.
        semantics: Semantics,
    },
    /// Take the next request on a port (run it, or find it in the history); waits for one.
    RpcServe {
        /// The port.
        object: ObjectId,
    },
    /// Send the result of the request taken last back to its client.
    RpcReply {
        /// The port.
        object: ObjectId,
    },
    /// Call a procedure on a port's server and wait for the result.
    RpcCall {
        /// The port.
        object: ObjectId,
        /// What to call.
        procedure: Procedure,
        /// Its arguments.
        args: Arc<[i32]>,
        /// The network loses the first reply to this call.
        lose_reply: bool,
    },
    /// A call of the Windows family (modelled on Windows NT).
    Win(super::win::WinStep),
    /// Let go of a ring's shared memory: unmap it, close it, or remove its name.
    Cleanup {
        /// The ring.
        object: ObjectId,
        /// Its flavour, which names the call.
        flavour: Flavour,
        /// What to let go of.
        act: Cleanup,
    },
}

impl Step {
    /// True if executing the step takes no simulated time and the process keeps the CPU
    /// (it never blocks).
    pub fn is_instant(&self) -> bool {
        matches!(
            self,
            Step::Fork { .. }
                | Step::Exec { .. }
                | Step::Kill { .. }
                | Step::Pipe { .. }
                | Step::Close { .. }
                | Step::Redirect { .. }
                | Step::Mkfifo { .. }
                | Step::Shm { .. }
                | Step::Mailbox { .. }
                | Step::Destroy { .. }
                | Step::Listen { .. }
                | Step::Connect { .. }
                | Step::RpcServer { .. }
                | Step::Cleanup { .. }
        ) || matches!(self, Step::Win(w) if w.is_instant())
    }

    /// True for the steps that have a counterpart in the real kernel (system calls), as
    /// opposed to CPU bursts, device I/O and sleeps, which only the model has.
    pub fn is_system_call(&self) -> bool {
        !matches!(
            self,
            Step::Cpu { .. } | Step::Io { .. } | Step::Sleep { .. }
        )
    }
}

/// A program: either a single CPU burst (stored inline, since generated workloads have millions)
/// or a list of steps.
#[derive(Clone, Debug, PartialEq)]
pub enum Program {
    /// `burst = N`: one CPU burst, then exit 0.
    Burst(Tick),
    /// An explicit list of steps.
    Steps(Arc<[Step]>),
}

impl Program {
    /// The step at `pc`, or `None` past the end (which means `exit 0`).
    pub fn step(&self, pc: u32) -> Option<Step> {
        match self {
            Program::Burst(ticks) => (pc == 0).then_some(Step::Cpu { ticks: *ticks }),
            Program::Steps(steps) => steps.get(pc as usize).cloned(),
        }
    }

    /// The CPU time of the step at `pc`, without cloning anything.
    pub fn cpu_ticks_at(&self, pc: u32) -> Option<Tick> {
        match self {
            Program::Burst(ticks) => (pc == 0).then_some(*ticks),
            Program::Steps(steps) => match steps.get(pc as usize) {
                Some(Step::Cpu { ticks }) => Some(*ticks),
                _ => None,
            },
        }
    }

    /// Number of steps.
    pub fn len(&self) -> usize {
        match self {
            Program::Burst(_) => 1,
            Program::Steps(steps) => steps.len(),
        }
    }

    /// True if the program has no steps at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// CPU time of the burst that starts at `pc` with `done` ticks of it already executed:
    /// CPU steps and instant steps up to the next step that blocks or exits.
    pub fn burst_from(&self, pc: u32, done: Tick) -> Tick {
        match self {
            Program::Burst(ticks) => {
                if pc == 0 {
                    ticks - done
                } else {
                    0
                }
            }
            Program::Steps(steps) => {
                let mut total: Tick = 0;
                for (i, step) in steps.iter().enumerate().skip(pc as usize) {
                    match step {
                        Step::Cpu { ticks } => {
                            total += if i == pc as usize {
                                ticks - done
                            } else {
                                *ticks
                            }
                        }
                        s if s.is_instant() && !matches!(s, Step::Exec { .. }) => {}
                        _ => break,
                    }
                }
                total
            }
        }
    }

    /// Total CPU and device time the program asks for (exec'd images not included).
    pub fn demand(&self) -> (Tick, Tick) {
        match self {
            Program::Burst(ticks) => (*ticks, 0),
            Program::Steps(steps) => steps.iter().fold((0, 0), |(cpu, io), s| match s {
                Step::Cpu { ticks } => (cpu + ticks, io),
                Step::Io { ticks, .. } => (cpu, io + ticks),
                _ => (cpu, io),
            }),
        }
    }
}
