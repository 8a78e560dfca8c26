//! The messages of the lab, one JSON document per line: between proclab and its helper
//! (standard input and output of the helper), and between the helper and each twin (a Unix
//! socket in the run's private directory).

use super::record::{Outcome, StepRecord, Summary};
use serde::{Deserialize, Serialize};

/// What proclab asks of its helper.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "request")]
pub enum Request {
    /// Load this scenario and get ready (the first message).
    Start {
        /// Where the scenario came from, for messages.
        path: String,
        /// Its text (parsed again by the helper, to the same result).
        text: String,
        /// Per-step time limit, in milliseconds.
        timeout_ms: u64,
        /// The pid of the proclab that started the helper; the helper ends if it is not its
        /// parent.
        parent: i32,
    },
    /// Run one more step of the simulated kernel and its real counterpart.
    Next,
    /// Tear everything down and end.
    Quit,
}

/// What the helper answers.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "reply")]
pub enum Response {
    /// Ready to run `steps` steps.
    Ready {
        /// Steps of the whole run.
        steps: u64,
        /// The helper's pid.
        helper: i32,
    },
    /// One step done.
    Step(Box<StepRecord>),
    /// The run is over (asked again, it says so again).
    End(Summary),
    /// The run failed; everything has been torn down.
    Failed {
        /// What went wrong, in words.
        message: String,
    },
    /// Torn down on request.
    Bye,
}

/// Where a twin reads or writes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    /// A standard descriptor: 0, 1 or 2.
    Std(i32),
    /// A pipe or FIFO by name.
    Object(String),
}

/// What the helper tells a twin to do: one system call (or a few that make one step).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "op")]
pub enum Op {
    /// `fork()`; the child becomes the twin named `child`.
    Fork {
        /// The child's name.
        child: String,
        /// The child dies when its parent does (cascading termination).
        die_with_parent: bool,
    },
    /// `execvp(command, [command, args…])`.
    Exec {
        /// The program.
        command: String,
        /// Its arguments.
        args: Vec<String>,
    },
    /// `waitpid(pid)`, or `waitpid(-1)` for any child.
    Wait {
        /// The child's real pid.
        pid: Option<i32>,
    },
    /// `kill(pid, signal)`.
    Kill {
        /// The target's real pid.
        pid: i32,
        /// Signal number.
        signal: i32,
    },
    /// `_exit(code)`.
    Exit {
        /// The status.
        code: i32,
    },
    /// `pipe()`, kept under `name`.
    Pipe {
        /// The scenario's name for it.
        name: String,
    },
    /// `write(fd, data)`.
    Write {
        /// Where.
        to: Target,
        /// What.
        data: String,
    },
    /// `read(fd, max)`.
    Read {
        /// From where.
        from: Target,
        /// At most this many bytes.
        max: u32,
    },
    /// `close` of one end of a pipe (`read`, `write`) or of every descriptor under `name`.
    Close {
        /// The object.
        name: String,
        /// `read` or `write` for a pipe; `None` for a FIFO or ring.
        end: Option<String>,
    },
    /// `dup2(end of name, stream)`.
    Redirect {
        /// 0, 1 or 2.
        stream: i32,
        /// The pipe or FIFO.
        name: String,
    },
    /// `mkfifo(path)`.
    Mkfifo {
        /// The scenario's name.
        name: String,
        /// Where, inside the run's private directory.
        path: String,
    },
    /// `open(path, O_RDONLY or O_WRONLY)` of a FIFO.
    Open {
        /// The scenario's name.
        name: String,
        /// The FIFO's path.
        path: String,
        /// For writing (else reading).
        write: bool,
    },
    /// `shm_open` + `ftruncate` + `mmap` of a ring of `slots` slots.
    Shm {
        /// The scenario's name.
        name: String,
        /// The POSIX shared-memory name (`/proclab-…`).
        shm: String,
        /// Slots.
        slots: u32,
    },
    /// Put an item into a ring, waiting while it is full.
    Produce {
        /// The ring.
        name: String,
        /// The item.
        item: String,
    },
    /// Take an item from a ring, waiting while it is empty.
    Consume {
        /// The ring.
        name: String,
    },
    /// `mq_open` with `O_CREAT | O_EXCL`: a mailbox is made.
    Mailbox {
        /// The queue.
        queue: MqRef,
    },
    /// `mq_send`, opening the queue first if this twin has not yet.
    MqSend {
        /// The queue.
        queue: MqRef,
        /// The message.
        text: String,
        /// False: `O_NONBLOCK` for this call (EAGAIN instead of waiting).
        wait: bool,
    },
    /// `mq_receive`, opening the queue first if this twin has not yet.
    MqReceive {
        /// The queue.
        queue: MqRef,
        /// False: `O_NONBLOCK` for this call.
        wait: bool,
    },
    /// `mq_unlink`: a mailbox is destroyed.
    MqUnlink {
        /// The scenario's name.
        name: String,
        /// The POSIX name.
        mq: String,
    },
    /// `socket` + `bind` (+ `listen` for a stream), kept under `name`.
    Listen {
        /// The scenario's name.
        name: String,
        /// `tcp`, `udp` or `unix`.
        transport: String,
        /// The Unix socket's path (empty for TCP and UDP, which take a free port).
        address: String,
    },
    /// `accept` on the listening socket `name`.
    Accept {
        /// The socket.
        name: String,
    },
    /// `socket` + `connect` to the socket `name`.
    Connect {
        /// The scenario's name.
        name: String,
        /// `tcp`, `udp` or `unix`.
        transport: String,
        /// The port on 127.0.0.1, or the Unix socket's path.
        address: String,
    },
    /// `send` on the newest connection of `name` (UDP server: to the last sender).
    SockSend {
        /// The socket.
        name: String,
        /// What.
        text: String,
    },
    /// `recv` on the newest connection of `name` (UDP server: one datagram).
    SockRecv {
        /// The socket.
        name: String,
        /// At most this many bytes.
        max: u32,
    },
    /// `shmget` of the System V segment `key` (made with `IPC_CREAT | IPC_EXCL` if it does not
    /// exist yet) + `shmat`.
    Shmget {
        /// The scenario's name.
        name: String,
        /// Its key, made from the helper's pid.
        key: i32,
        /// Slots of the ring in it.
        slots: u32,
    },
    /// Unmaps the newest mapping of a ring: `munmap` or `shmdt`.
    Detach {
        /// The ring.
        name: String,
    },
    /// `shm_unlink` of a POSIX shared-memory object.
    ShmUnlink {
        /// The scenario's name.
        name: String,
        /// The POSIX name (`/proclab-…`).
        shm: String,
    },
    /// `shmctl(IPC_RMID)` of the segment the twin has attached, or else of the one `key`
    /// finds.
    ShmRemove {
        /// The scenario's name.
        name: String,
        /// Its key.
        key: i32,
    },
}

/// A POSIX message queue standing for a mailbox or one direction of a link.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MqRef {
    /// What the twin holds it under: the mailbox's name, or the link's with its direction.
    pub name: String,
    /// The POSIX name (`/proclab-…`).
    pub mq: String,
    /// Its capacity (`mq_maxmsg`); the queue is created on first use if it does not exist
    /// (links) — mailboxes are created only by their `mailbox` step.
    pub capacity: u32,
    /// Whether a use may create it.
    pub create: bool,
}

/// What a twin says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "twin")]
pub enum TwinMessage {
    /// First words on a new connection.
    Hello {
        /// Its name.
        name: String,
        /// Its pid.
        pid: i32,
    },
    /// The result of the last op.
    Done(Outcome),
}

impl Op {
    /// The call's name, for messages.
    pub fn verb(&self) -> String {
        match self {
            Op::Fork { .. } => "fork()".into(),
            Op::Exec { command, .. } => format!("execvp({command})"),
            Op::Wait { .. } => "waitpid()".into(),
            Op::Kill { .. } => "kill()".into(),
            Op::Exit { .. } => "_exit()".into(),
            Op::Pipe { name } => format!("pipe({name})"),
            Op::Write { .. } => "write()".into(),
            Op::Read { .. } => "read()".into(),
            Op::Close { name, .. } => format!("close({name})"),
            Op::Redirect { name, .. } => format!("dup2({name})"),
            Op::Mkfifo { name, .. } => format!("mkfifo({name})"),
            Op::Open { name, .. } => format!("open({name})"),
            Op::Shm { name, .. } => format!("shm_open({name})"),
            Op::Produce { name, .. } => format!("produce({name})"),
            Op::Consume { name } => format!("consume({name})"),
            Op::Mailbox { queue } => format!("mq_open({}, O_CREAT | O_EXCL)", queue.name),
            Op::MqSend { queue, .. } => format!("mq_send({})", queue.name),
            Op::MqReceive { queue, .. } => format!("mq_receive({})", queue.name),
            Op::MqUnlink { name, .. } => format!("mq_unlink({name})"),
            Op::Listen { name, .. } => format!("listen({name})"),
            Op::Accept { name } => format!("accept({name})"),
            Op::Connect { name, .. } => format!("connect({name})"),
            Op::SockSend { name, .. } => format!("send({name})"),
            Op::SockRecv { name, .. } => format!("recv({name})"),
            Op::Shmget { name, .. } => format!("shmget + shmat({name})"),
            Op::Detach { name } => format!("detach({name})"),
            Op::ShmUnlink { name, .. } => format!("shm_unlink({name})"),
            Op::ShmRemove { name, .. } => format!("shmctl({name}, IPC_RMID)"),
        }
    }
}

/// One message as a line of JSON.
pub fn line<T: Serialize>(message: &T) -> String {
    // Serialising these plain types can't fail; an empty object would be refused at the other end.
    let mut text = serde_json::to_string(message).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}
