//! Why things happen in the Windows family, as the events record it; `narration_windows`
//! turns each into a sentence.

use super::ids::Pid;
use super::program::ObjectId;
use super::win::{Handle, StdIs};
use serde::Serialize;
use std::sync::Arc;

/// What a Windows call did, or why a process waits or wakes.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "win")]
pub enum WinReason {
    /// Made by `parent`'s `CreateProcess`: a new program, not a copy of its parent.
    Created { parent: Pid },
    /// `CreatePipe` gave handle `read` to read and `write` to write.
    PipeMade {
        object: ObjectId,
        read: u32,
        write: u32,
        inheritable: bool,
    },
    /// What `CreateProcess` gave `child`: its standard input, output and error (`std`), and
    /// the `others` it inherited besides. (Behind pointers, to keep every event small.)
    Inherited {
        child: Pid,
        std: Arc<[StdIs]>,
        others: Arc<[Handle]>,
    },
    /// `ReadFile` found the pipe empty and a writer left: waits.
    WaitsToRead { object: ObjectId },
    /// `WriteFile` found `room` bytes free in an anonymous pipe, too few: waits.
    WaitsToWrite { object: ObjectId, room: u32 },
    /// A blocked `ReadFile` returned `bytes` bytes from `writes` writes (`more`: the first
    /// part of a longer message).
    ReadReturns {
        object: ObjectId,
        bytes: u32,
        writes: u32,
        more: bool,
    },
    /// A blocked `WriteFile` returned: all its bytes are in the pipe.
    WriteReturns { object: ObjectId, bytes: u32 },
    /// A read found nothing and nobody left to write (`named`: the other end of an
    /// instance closed; otherwise every write handle of an anonymous pipe).
    BrokenPipe { object: ObjectId, named: bool },
    /// A blocked `WriteFile` failed: every read handle is closed.
    NoReader { object: ObjectId },
    /// In byte mode a read ran `writes` writes together.
    Merged { object: ObjectId, writes: u32 },
    /// In message mode the message was longer than the buffer: `left` bytes stay.
    MoreData { object: ObjectId, left: u32 },
    /// `ConnectNamedPipe`: no client yet on `instance`: waits.
    WaitsForClient { object: ObjectId, instance: u32 },
    /// A blocked `ConnectNamedPipe` returned: `client` opened `instance`.
    ClientConnected {
        object: ObjectId,
        instance: u32,
        client: Pid,
    },
    /// `CreateFile` connected the caller to `instance`.
    Opened { object: ObjectId, instance: u32 },
    /// `WaitNamedPipe`: every instance is busy: waits.
    WaitsForInstance { object: ObjectId },
    /// A blocked `WaitNamedPipe` returned: `instance` is free (for whoever opens it first).
    InstanceFree { object: ObjectId, instance: u32 },
    /// A blocked `WaitNamedPipe` failed: no instance of the pipe is left.
    PipeGone { object: ObjectId },
    /// The server disconnected the client: its blocked read fails.
    Disconnected { object: ObjectId },
    /// `DisconnectNamedPipe` threw away `bytes` unread bytes.
    Discarded { object: ObjectId, bytes: u32 },
    /// `TransactNamedPipe` wrote its request: waits for the reply.
    WaitsForReply { object: ObjectId },
    /// A blocked `TransactNamedPipe` returned with the reply (`more`: its first part).
    ReplyArrives {
        object: ObjectId,
        bytes: u32,
        more: bool,
    },
    /// `ReadFile` of an empty mailslot: waits (`MAILSLOT_WAIT_FOREVER`).
    WaitsForMessage { object: ObjectId, machine: Arc<str> },
    /// A blocked `ReadFile` of a mailslot returned with a message.
    MessageArrives { object: ObjectId, bytes: u32 },
    /// The mailslot's next message needs `needed` bytes, more than the reader's buffer.
    BufferTooSmall { object: ObjectId, needed: u32 },
    /// A mailslot write reached the mailslots on `machines`.
    Delivered {
        object: ObjectId,
        machines: Arc<str>,
        broadcast: bool,
    },
    /// A mailslot write reached nobody (no mailslot of the name on `machine`): lost, and
    /// the writer is not told.
    Lost { object: ObjectId, machine: Arc<str> },
    /// A broadcast of `bytes` bytes, more than a domain-wide datagram carries: refused.
    TooLongToBroadcast { object: ObjectId, bytes: u32 },
    /// Closing the last handle of a mailslot deleted it, with `messages` unread messages.
    MailslotDeleted {
        object: ObjectId,
        machine: Arc<str>,
        messages: u32,
    },
}
