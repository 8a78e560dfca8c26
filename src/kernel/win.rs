//! The Windows family of IPC, modelled on Windows NT: anonymous pipes, named pipes and
//! mailslots, in Win32's own vocabulary — handles instead of descriptors, `CreateProcess`
//! instead of `fork`, `GetLastError` codes instead of `errno`. This module holds the words:
//! the steps, the handles, the kinds of object and what a process waits for. The objects
//! live in `winpipe` and `mailslot`, the calls in `win_calls` (handles and processes),
//! `winpipe_calls` (reading and writing pipes), `namedpipe_calls` (a named pipe's instances)
//! and `mailslot_calls`, the results in `win_error`, the reasons in `win_reason`, the
//! sentences in `narration_windows`.

use super::ids::Pid;
use super::mailslot::Mailslot;
use super::program::{End, ObjectId, SpecIndex, Stream};
use super::winpipe::{AnonPipe, NamedPipe};
use serde::Serialize;
use std::sync::Arc;

/// How a named pipe carries data: each instance is made, written and read in one mode.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PipeMode {
    /// `PIPE_TYPE_BYTE`: a stream of bytes; a read may run several writes together.
    Byte,
    /// `PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE`: each write is one message, and a read
    /// takes one message (or its first part, with `ERROR_MORE_DATA`).
    Message,
}

impl PipeMode {
    /// The scenario's word: `byte` or `message`.
    pub fn word(self) -> &'static str {
        match self {
            PipeMode::Byte => "byte",
            PipeMode::Message => "message",
        }
    }

    /// Win32's flag for it.
    pub fn flag(self) -> &'static str {
        match self {
            PipeMode::Byte => "PIPE_TYPE_BYTE",
            PipeMode::Message => "PIPE_TYPE_MESSAGE",
        }
    }
}

/// Where `ReadFile`, `WriteFile` and `PeekNamedPipe` go: a standard handle, or the process's
/// handle for a named object (for a mailslot, the one on `machine` if given).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "to")]
pub enum WinTarget {
    /// `GetStdHandle(STD_INPUT_HANDLE)` and the others.
    Std {
        /// Which.
        stream: Stream,
    },
    /// A pipe or mailslot by name.
    Object {
        /// Which.
        object: ObjectId,
        /// A mailslot's machine, to choose among the process's handles for it.
        machine: Option<Arc<str>>,
    },
}

/// One step of the Windows family: a Win32 call. Each is named after its function.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "call")]
pub enum WinStep {
    /// `CreatePipe`: an anonymous pipe, a read handle and a write handle.
    CreatePipe {
        /// The pipe.
        object: ObjectId,
        /// Whether both handles may be inherited (`bInheritHandle` of its security attributes).
        inheritable: bool,
        /// Its buffer, in bytes (`cbPipe`).
        size: u32,
    },
    /// `SetHandleInformation(h, HANDLE_FLAG_INHERIT, …)`: makes one end's handle inheritable
    /// or not.
    SetHandleInformation {
        /// The anonymous pipe.
        object: ObjectId,
        /// Which end's handle.
        end: End,
        /// Inheritable from now on?
        inherit: bool,
    },
    /// `CreateProcess` with `bInheritHandles` TRUE: a new process running its own program,
    /// given the inheritable handles and, in its `STARTUPINFO`, its standard handles.
    CreateProcess {
        /// The child's spec.
        child: SpecIndex,
        /// The anonymous pipes whose handles become its standard input, output and error
        /// (`None`: the parent's own).
        std: [Option<ObjectId>; 3],
    },
    /// `CreateNamedPipe`: a new instance of a named pipe, served by the caller.
    CreateNamedPipe {
        /// The pipe.
        object: ObjectId,
        /// Bytes or messages.
        mode: PipeMode,
        /// `nMaxInstances`.
        instances: u32,
    },
    /// `ConnectNamedPipe`: the server waits for a client on its instance.
    ConnectNamedPipe {
        /// The pipe.
        object: ObjectId,
    },
    /// `DisconnectNamedPipe`: the server ends the client's session on its instance.
    DisconnectNamedPipe {
        /// The pipe.
        object: ObjectId,
    },
    /// `WaitNamedPipe(NMPWAIT_WAIT_FOREVER)`: a client waits until an instance is free.
    WaitNamedPipe {
        /// The pipe.
        object: ObjectId,
    },
    /// `CreateFile`: a client opens a named pipe, or a mailslot for writing.
    CreateFile {
        /// The pipe or mailslot.
        object: ObjectId,
        /// For a mailslot: the machine (`.` this one, `*` every machine of the domain).
        machine: Option<Arc<str>>,
    },
    /// `ReadFile`.
    ReadFile {
        /// From where.
        from: WinTarget,
        /// `nNumberOfBytesToRead`.
        max: u32,
    },
    /// `WriteFile`.
    WriteFile {
        /// Where.
        to: WinTarget,
        /// What.
        text: Arc<str>,
    },
    /// `PeekNamedPipe`: looks at what a pipe holds without taking it.
    PeekNamedPipe {
        /// Which pipe.
        from: WinTarget,
        /// Bytes to copy out at most.
        max: u32,
    },
    /// `TransactNamedPipe`: writes a request and reads the reply in one call.
    TransactNamedPipe {
        /// The pipe.
        object: ObjectId,
        /// The request.
        text: Arc<str>,
        /// The reply's buffer, in bytes.
        max: u32,
    },
    /// `CloseHandle`.
    CloseHandle {
        /// Of which object.
        object: ObjectId,
        /// An anonymous pipe's end.
        end: Option<End>,
        /// A mailslot's machine.
        machine: Option<Arc<str>>,
    },
    /// `CreateMailslot`: a mailslot on a machine, read by the caller.
    CreateMailslot {
        /// The mailslot's name.
        object: ObjectId,
        /// Its machine (`.` is this one).
        machine: Arc<str>,
    },
}

impl WinStep {
    /// The Win32 function's name, which is also the step's keyword.
    pub fn keyword(&self) -> &'static str {
        match self {
            WinStep::CreatePipe { .. } => "CreatePipe",
            WinStep::SetHandleInformation { .. } => "SetHandleInformation",
            WinStep::CreateProcess { .. } => "CreateProcess",
            WinStep::CreateNamedPipe { .. } => "CreateNamedPipe",
            WinStep::ConnectNamedPipe { .. } => "ConnectNamedPipe",
            WinStep::DisconnectNamedPipe { .. } => "DisconnectNamedPipe",
            WinStep::WaitNamedPipe { .. } => "WaitNamedPipe",
            WinStep::CreateFile { .. } => "CreateFile",
            WinStep::ReadFile { .. } => "ReadFile",
            WinStep::WriteFile { .. } => "WriteFile",
            WinStep::PeekNamedPipe { .. } => "PeekNamedPipe",
            WinStep::TransactNamedPipe { .. } => "TransactNamedPipe",
            WinStep::CloseHandle { .. } => "CloseHandle",
            WinStep::CreateMailslot { .. } => "CreateMailslot",
        }
    }

    /// True for the calls that never wait.
    pub fn is_instant(&self) -> bool {
        !matches!(
            self,
            WinStep::ConnectNamedPipe { .. }
                | WinStep::WaitNamedPipe { .. }
                | WinStep::ReadFile { .. }
                | WinStep::WriteFile { .. }
                | WinStep::TransactNamedPipe { .. }
        )
    }

    /// Why `--real` does not make the call on Linux, and what proclab runs for real instead.
    /// One reason for each part of the family, so that a report says each once.
    pub fn modelled_only(&self) -> String {
        let why = match self {
            WinStep::CreatePipe { .. }
            | WinStep::SetHandleInformation { .. }
            | WinStep::CreateProcess { .. } => {
                "Linux has no anonymous pipes with inheritable handles and no CreateProcess; \
                 their counterparts, pipe, fork and dup2, run for real in ipc/pipe-greeting and \
                 ipc/ls-wc"
            }
            WinStep::CreateMailslot { .. } => {
                "Linux has no mailslots; the nearest thing proclab runs for real is a UDP \
                 socket (ipc/date-server-udp)"
            }
            WinStep::ReadFile { .. }
            | WinStep::WriteFile { .. }
            | WinStep::PeekNamedPipe { .. }
            | WinStep::CloseHandle { .. } => {
                "Linux has no Win32 handles; read, write and close on descriptors do this for \
                 real in the FIFO and pipe scenarios"
            }
            _ => {
                "Linux has no named pipes of Windows' kind (instances, full duplex, messages); \
                 their counterparts, a FIFO and a Unix-domain socket, run for real in ipc/fifo \
                 and ipc/date-server-unix"
            }
        };
        format!("modelled only (Windows NT): {why}")
    }

    /// The step as a scenario file writes it.
    pub fn describe(
        &self,
        process: impl Fn(SpecIndex) -> String,
        object: impl Fn(ObjectId) -> String,
    ) -> String {
        let at = |o: ObjectId, m: &Option<Arc<str>>| match m {
            Some(m) => format!("{}@{m}", object(o)),
            None => object(o),
        };
        let target = |t: &WinTarget| match t {
            WinTarget::Std { stream } => stream.name().to_string(),
            WinTarget::Object { object: o, machine } => at(*o, machine),
        };
        let k = self.keyword();
        match self {
            WinStep::CreatePipe {
                object: o,
                inheritable,
                size,
            } => {
                let inherit = if *inheritable { " inheritable" } else { "" };
                format!("{k} {}{inherit} {size}", object(*o))
            }
            WinStep::SetHandleInformation {
                object: o,
                end,
                inherit,
            } => {
                let flag = if *inherit { "inherit" } else { "no-inherit" };
                format!("{k} {} {} {flag}", object(*o), end.name())
            }
            WinStep::CreateProcess { child, std } => {
                let mut text = format!("{k} {}", process(*child));
                for (stream, pipe) in ["stdin", "stdout", "stderr"].iter().zip(std) {
                    if let Some(p) = pipe {
                        text.push_str(&format!(" {stream}={}", object(*p)));
                    }
                }
                text
            }
            WinStep::CreateNamedPipe {
                object: o,
                mode,
                instances,
            } => format!("{k} {} {} instances {instances}", object(*o), mode.word()),
            WinStep::ConnectNamedPipe { object: o }
            | WinStep::DisconnectNamedPipe { object: o }
            | WinStep::WaitNamedPipe { object: o } => format!("{k} {}", object(*o)),
            WinStep::CreateFile { object: o, machine } => format!("{k} {}", at(*o, machine)),
            WinStep::ReadFile { from, max } | WinStep::PeekNamedPipe { from, max } => {
                format!("{k} {} {max}", target(from))
            }
            WinStep::WriteFile { to, text } => format!("{k} {} {text:?}", target(to)),
            WinStep::TransactNamedPipe {
                object: o,
                text,
                max,
            } => format!("{k} {} {max} {text:?}", object(*o)),
            WinStep::CloseHandle {
                object: o,
                end,
                machine,
            } => match end {
                Some(e) => format!("{k} {} {}", object(*o), e.name()),
                None => format!("{k} {}", at(*o, machine)),
            },
            WinStep::CreateMailslot { object: o, machine } => {
                format!("{k} {}@{machine}", object(*o))
            }
        }
    }
}

/// The kinds of object of the Windows family.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WinKind {
    /// An anonymous pipe (`CreatePipe`).
    AnonPipe,
    /// A named pipe and its instances (`CreateNamedPipe`).
    NamedPipe,
    /// The mailslots of one name, one per machine (`CreateMailslot`).
    Mailslot,
}

impl WinKind {
    /// In a sentence: `Windows anonymous pipe`, `Windows named pipe` (apart from a FIFO, UNIX's
    /// named pipe), `mailslot`.
    pub fn name(self) -> &'static str {
        match self {
            WinKind::AnonPipe => "Windows anonymous pipe",
            WinKind::NamedPipe => "Windows named pipe",
            WinKind::Mailslot => "mailslot",
        }
    }

    /// As JSON and the lab's views write it.
    pub fn word(self) -> &'static str {
        match self {
            WinKind::AnonPipe => "anonymous-pipe",
            WinKind::NamedPipe => "named-pipe",
            WinKind::Mailslot => "mailslot",
        }
    }

    /// The step that makes one.
    pub fn maker(self) -> &'static str {
        match self {
            WinKind::AnonPipe => "CreatePipe",
            WinKind::NamedPipe => "CreateNamedPipe",
            WinKind::Mailslot => "CreateMailslot",
        }
    }

    /// True if many steps may make objects of one name: a named pipe has an instance per
    /// `CreateNamedPipe`, a mailslot name a mailslot per machine.
    pub fn made_by_many(self) -> bool {
        self != WinKind::AnonPipe
    }
}

/// The state of one object of the Windows family during a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WinObject {
    /// An anonymous pipe.
    AnonPipe(AnonPipe),
    /// A named pipe.
    NamedPipe(NamedPipe),
    /// A mailslot name.
    Mailslot(Mailslot),
}

impl WinObject {
    /// Takes `pid` out of every wait queue of the object (its process ended).
    pub fn forget(&mut self, pid: Pid) {
        match self {
            WinObject::AnonPipe(p) => p.forget(pid),
            WinObject::NamedPipe(p) => p.forget(pid),
            WinObject::Mailslot(m) => m.forget(pid),
        }
    }

    /// True if `pid` waits in a queue of the object.
    pub fn holds(&self, pid: Pid) -> bool {
        match self {
            WinObject::AnonPipe(p) => p.holds(pid),
            WinObject::NamedPipe(p) => p.holds(pid),
            WinObject::Mailslot(m) => m.holds(pid),
        }
    }

    /// One line about the object, for the views: what it holds and who uses it.
    pub fn describe(&self) -> String {
        match self {
            WinObject::AnonPipe(p) => p.describe(),
            WinObject::NamedPipe(p) => p.describe(),
            WinObject::Mailslot(m) => m.describe(),
        }
    }

    /// Bytes (anonymous pipe) or messages (the rest) waiting to be read.
    pub fn waiting(&self) -> u64 {
        match self {
            WinObject::AnonPipe(p) => p.flow.bytes() as u64,
            WinObject::NamedPipe(p) => p
                .instances
                .iter()
                .map(|i| (i.inbound.data.len() + i.outbound.data.len()) as u64)
                .sum(),
            WinObject::Mailslot(m) => m.slots.iter().map(|s| s.inbox.data.len() as u64).sum(),
        }
    }
}

/// What a handle refers to. A handle is Win32's name for what Unix calls a descriptor: an
/// index into the process's handle table, given by the call that opens the object.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "to")]
pub enum HandleTo {
    /// An anonymous pipe's read handle.
    Read,
    /// An anonymous pipe's write handle.
    Write,
    /// The server's end of a named pipe's instance.
    Server {
        /// The instance.
        instance: u32,
    },
    /// A client's end of an instance, for one session (a disconnect ends it).
    Client {
        /// The instance.
        instance: u32,
        /// Which of the instance's connections.
        session: u32,
    },
    /// A mailslot's handle: its server reads with it.
    Mailslot {
        /// Which mailslot of the name.
        slot: u32,
    },
    /// A client's handle for writing to a mailslot name on one machine, or on all (`None`).
    Writer {
        /// The machine, by its index in the mailslot's list.
        machine: Option<u32>,
    },
}

/// One entry of a process's handle table.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Handle {
    /// The object.
    pub object: ObjectId,
    /// Which end or side of it.
    pub to: HandleTo,
    /// Whether `CreateProcess` passes it on to a child.
    pub inheritable: bool,
}

/// What a child's standard handle is after `CreateProcess`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "is")]
pub enum StdIs {
    /// The console, as the parent's.
    Console,
    /// A handle the child inherited.
    Handle {
        /// The handle.
        handle: Handle,
    },
    /// A handle that is not inheritable: the child's standard handle is invalid.
    NotInherited {
        /// The handle the parent gave.
        handle: Handle,
    },
    /// Nothing usable (the parent had no such handle, or a Unix descriptor there).
    Invalid,
}

/// What a process of the Windows family waits for.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "for")]
pub enum WinWait {
    /// `ReadFile` of an empty pipe or mailslot.
    ReadFile {
        /// The object.
        object: ObjectId,
    },
    /// `WriteFile` to a full anonymous pipe.
    WriteFile {
        /// The pipe.
        object: ObjectId,
    },
    /// `ConnectNamedPipe`: a client.
    Client {
        /// The pipe.
        object: ObjectId,
    },
    /// `WaitNamedPipe`: a free instance.
    Instance {
        /// The pipe.
        object: ObjectId,
    },
    /// `TransactNamedPipe`: the reply.
    Reply {
        /// The pipe.
        object: ObjectId,
    },
}

impl WinWait {
    /// The object waited on.
    pub fn object(self) -> ObjectId {
        match self {
            WinWait::ReadFile { object }
            | WinWait::WriteFile { object }
            | WinWait::Client { object }
            | WinWait::Instance { object }
            | WinWait::Reply { object } => object,
        }
    }
}
