//! The process states of the textbook's diagram, plus zombie and the two suspended states.

use super::ids::{DeviceId, Pid};
use super::narration::Names;
use super::program::ObjectId;
use serde::Serialize;
use std::fmt;

/// What a waiting process waits for.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "on")]
pub enum WaitOn {
    /// Queued for, or being served by, a device.
    Device {
        /// The device.
        device: DeviceId,
    },
    /// A timed sleep.
    Sleep,
    /// `wait`: a particular child, or any child.
    Child {
        /// The child waited for; `None` means any child.
        child: Option<Pid>,
    },
    /// `read` of an empty pipe or FIFO.
    Read {
        /// The pipe or FIFO.
        object: ObjectId,
    },
    /// `write` to a full pipe or FIFO.
    Write {
        /// The pipe or FIFO.
        object: ObjectId,
    },
    /// `open` of a FIFO whose other side nobody has opened.
    Open {
        /// The FIFO.
        object: ObjectId,
    },
    /// `produce` to a full ring, or `consume` from an empty one.
    Ring {
        /// The ring.
        object: ObjectId,
    },
    /// `send` to a full mailbox or link (or one of zero capacity with no receiver waiting).
    Send {
        /// The mailbox or link.
        object: ObjectId,
    },
    /// `receive` from an empty mailbox or link.
    Receive {
        /// The mailbox or link.
        object: ObjectId,
    },
    /// `accept` on a socket nobody has connected to yet.
    Accept {
        /// The socket.
        object: ObjectId,
    },
    /// `recv` on a socket with nothing to read.
    Recv {
        /// The socket.
        object: ObjectId,
    },
    /// `rpc-serve` on a port no request has come to.
    RpcRequest {
        /// The port.
        object: ObjectId,
    },
    /// `rpc-call`: the reply has not come yet.
    RpcReply {
        /// The port.
        object: ObjectId,
    },
    /// A call of the Windows family.
    Win(super::win::WinWait),
}

/// The state of a simulated process.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "state")]
pub enum State {
    /// Created, held in the job queue until the long-term scheduler admits it.
    New,
    /// In memory, in the ready queue.
    Ready,
    /// On a CPU.
    Running,
    /// Blocked until something happens.
    Waiting(WaitOn),
    /// Ready, but swapped out by the medium-term scheduler.
    ReadySuspended,
    /// Waiting, and swapped out.
    WaitingSuspended(WaitOn),
    /// Exited; its parent has not collected the exit status with `wait` yet.
    Zombie,
    /// Gone: exited and reaped.
    Terminated,
}

impl State {
    /// The state's name as shown to students and written in JSON.
    pub fn name(&self) -> &'static str {
        match self {
            State::New => "new",
            State::Ready => "ready",
            State::Running => "running",
            State::Waiting(_) => "waiting",
            State::ReadySuspended => "ready-suspended",
            State::WaitingSuspended(_) => "waiting-suspended",
            State::Zombie => "zombie",
            State::Terminated => "terminated",
        }
    }

    /// True once the process has exited (zombie or terminated).
    pub fn is_finished(&self) -> bool {
        matches!(self, State::Zombie | State::Terminated)
    }

    /// True while the process counts towards the degree of multiprogramming.
    pub fn is_admitted(&self) -> bool {
        !matches!(self, State::New | State::Zombie | State::Terminated)
    }

    /// What the process waits for, if it is waiting (swapped out or not).
    pub fn waiting_on(&self) -> Option<WaitOn> {
        match self {
            State::Waiting(w) | State::WaitingSuspended(w) => Some(*w),
            _ => None,
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl WaitOn {
    /// What a waiting process waits for, in a few words: `child shell`, `read greeting`.
    pub fn describe(&self, names: &dyn Names) -> String {
        match *self {
            WaitOn::Device { device } => format!("device {}", names.device(device)),
            WaitOn::Sleep => "sleep".into(),
            WaitOn::Child { child: Some(c) } => format!("child {}", names.process(c)),
            WaitOn::Child { child: None } => "child (any)".into(),
            WaitOn::Read { object } => format!("read {}", names.object(object)),
            WaitOn::Write { object } => format!("write {}", names.object(object)),
            WaitOn::Open { object } => format!("open {}", names.object(object)),
            WaitOn::Ring { object, .. } => format!("ring {}", names.object(object)),
            WaitOn::Send { object } => format!("send {}", names.object(object)),
            WaitOn::Receive { object } => format!("receive {}", names.object(object)),
            WaitOn::Accept { object } => format!("accept {}", names.object(object)),
            WaitOn::Recv { object } => format!("recv {}", names.object(object)),
            WaitOn::RpcRequest { object } => format!("request on {}", names.object(object)),
            WaitOn::RpcReply { object } => format!("reply from {}", names.object(object)),
            WaitOn::Win(w) => w.describe(names),
        }
    }
}
