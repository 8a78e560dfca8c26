//! The Windows family in words: its reasons as sentences, its calls as Win32 pseudo-code with
//! Win32's results (`= TRUE, 5 bytes "hello"`, `= FALSE ERROR_BROKEN_PIPE`, `= h3`), what a
//! process waits for, and its objects' queues for the TUI. Apart from the rest of the
//! narration so that each file stays readable.

use super::call::{Call, CallResult};
use super::ids::Pid;
use super::ipc::{Object, ObjectSpec};
use super::mailslot::{BROADCAST_LIMIT, DOMAIN};
use super::narration::Names;
use super::program::ObjectId;
use super::win::{Handle, HandleTo, StdIs, WinObject, WinStep, WinTarget, WinWait};
use super::win_error::Win32;
use super::win_reason::WinReason;
use super::winpipe::InstanceState;

/// `\\.\pipe\NAME`, as Win32 names a pipe on this machine.
fn pipe_path(name: &str) -> String {
    format!(r"\\.\pipe\{name}")
}

/// `\\MACHINE\mailslot\NAME`.
fn slot_path(name: &str, machine: &str) -> String {
    format!(r"\\{machine}\mailslot\{name}")
}

/// `N byte(s)`.
fn bytes(n: u32) -> String {
    if n == 1 {
        "1 byte".into()
    } else {
        format!("{n} bytes")
    }
}

/// What a handle is, in a few words: `p's write handle`.
fn handle_words(h: Handle, names: &dyn Names) -> String {
    let name = names.object(h.object);
    match h.to {
        HandleTo::Read => format!("{name}'s read handle"),
        HandleTo::Write => format!("{name}'s write handle"),
        HandleTo::Server { instance } => format!("the server's handle of {name} #{instance}"),
        HandleTo::Client { instance, .. } => format!("a client's handle of {name} #{instance}"),
        HandleTo::Mailslot { .. } => format!("the mailslot {name}'s handle"),
        HandleTo::Writer { .. } => format!("a handle for writing to the mailslot {name}"),
    }
}

fn std_words(is: StdIs, names: &dyn Names) -> String {
    match is {
        StdIs::Console => "the console".into(),
        StdIs::Handle { handle } => handle_words(handle, names),
        StdIs::NotInherited { handle } => format!(
            "invalid ({} is not inheritable, so the child never gets it)",
            handle_words(handle, names)
        ),
        StdIs::Invalid => "invalid (the parent has no such handle)".into(),
    }
}

/// A Windows reason as a sentence.
pub(super) fn describe(reason: &WinReason, names: &dyn Names) -> String {
    let o = |object: ObjectId| names.object(object);
    let p = |pid: Pid| names.process(pid);
    match reason.clone() {
        WinReason::Created { parent } => format!(
            "created by {}'s CreateProcess: a new program from its first step, not a copy of \
             its parent (Windows has no fork)",
            p(parent)
        ),
        WinReason::PipeMade {
            object,
            read,
            write,
            inheritable,
        } => {
            let who = if inheritable {
                "both are inheritable, so a child made by CreateProcess gets them — while fork \
                 copies every descriptor, CreateProcess passes on only inheritable handles"
            } else {
                "neither is inheritable, so no child made by CreateProcess gets them unless \
                 SetHandleInformation marks one"
            };
            format!(
                "handle h{read} reads {} and h{write} writes it; {who}",
                o(object)
            )
        }
        WinReason::Inherited { child, std, others } => {
            let also = if others.is_empty() {
                "no other handle".to_string()
            } else {
                let list: Vec<String> = others.iter().map(|&h| handle_words(h, names)).collect();
                format!(
                    "{} too, for it passes on every inheritable handle",
                    list.join(" and ")
                )
            };
            format!(
                "{} gets as standard input {}, as standard output {}, as standard error {}; \
                 and {also}",
                p(child),
                std_words(std[0], names),
                std_words(std[1], names),
                std_words(std[2], names)
            )
        }
        WinReason::WaitsToRead { object } => format!(
            "ReadFile finds {} empty while a write handle is open: waits for a writer",
            o(object)
        ),
        WinReason::WaitsToWrite { object, room } => format!(
            "WriteFile finds room for only {} in {}: puts in what fits and waits for a reader \
             to make room for the rest",
            bytes(room),
            o(object)
        ),
        WinReason::ReadReturns {
            object,
            bytes: n,
            writes,
            more,
        } => {
            let mut text = format!(
                "{} came through {}: the ReadFile returns",
                bytes(n),
                o(object)
            );
            if writes > 1 {
                text.push_str(&format!(
                    ", {writes} writes run together (a byte pipe keeps no boundaries)"
                ));
            }
            if more {
                text.push_str(" the message's first part, with ERROR_MORE_DATA");
            }
            text
        }
        WinReason::WriteReturns { object, bytes: n } => format!(
            "a reader made room in {}: the WriteFile returns with all {} in",
            o(object),
            bytes(n)
        ),
        WinReason::BrokenPipe {
            object,
            named: false,
        } => format!(
            "every write handle of {} is closed and it is empty: ReadFile fails with \
             ERROR_BROKEN_PIPE (where Unix's read returns 0, end of file)",
            o(object)
        ),
        WinReason::BrokenPipe {
            object,
            named: true,
        } => format!(
            "the other end of {} closed its handle and nothing is left to read: the call fails \
             with ERROR_BROKEN_PIPE",
            o(object)
        ),
        WinReason::NoReader { object } => format!(
            "nobody is left to read {}: WriteFile fails with ERROR_NO_DATA (the pipe is being \
             closed)",
            o(object)
        ),
        WinReason::Merged { object, writes } => format!(
            "{} is a byte pipe: the read ran {writes} writes together, for it keeps no boundaries",
            o(object)
        ),
        WinReason::MoreData { object, left } => format!(
            "the message in {} is longer than the buffer: ReadFile returns its first part with \
             ERROR_MORE_DATA, and the other {} wait for the next read",
            o(object),
            bytes(left)
        ),
        WinReason::WaitsForClient { object, instance } => format!(
            "ConnectNamedPipe: no client has opened {} #{instance} yet: waits for one",
            o(object)
        ),
        WinReason::ClientConnected {
            object,
            instance,
            client,
        } => format!("{} opened {} #{instance}: connected", p(client), o(object)),
        WinReason::Opened { object, instance } => format!(
            "connected to {} #{instance}, full duplex: each end reads and writes",
            o(object)
        ),
        WinReason::WaitsForInstance { object } => format!(
            "WaitNamedPipe: every instance of {} is busy: waits until a server frees one",
            o(object)
        ),
        WinReason::InstanceFree { object, instance } => format!(
            "{} #{instance} is free: WaitNamedPipe returns (the instance is not kept for it: \
             whoever calls CreateFile first gets it)",
            o(object)
        ),
        WinReason::PipeGone { object } => format!(
            "the last instance of {} closed, and the name with it: WaitNamedPipe fails with \
             ERROR_FILE_NOT_FOUND",
            o(object)
        ),
        WinReason::Disconnected { object } => format!(
            "the server disconnected this client from {}: the call fails with \
             ERROR_PIPE_NOT_CONNECTED",
            o(object)
        ),
        WinReason::Discarded { object, bytes: n } => format!(
            "DisconnectNamedPipe threw away {} that nobody had read in {}",
            bytes(n),
            o(object)
        ),
        WinReason::WaitsForReply { object } => format!(
            "TransactNamedPipe wrote its request to {}: waits for the reply",
            o(object)
        ),
        WinReason::ReplyArrives {
            object,
            bytes: n,
            more,
        } => {
            let part = if more {
                " (its first part, with ERROR_MORE_DATA)"
            } else {
                ""
            };
            format!(
                "the reply came through {}: TransactNamedPipe returns its {}{part}",
                o(object),
                bytes(n)
            )
        }
        WinReason::WaitsForMessage { object, machine } => format!(
            "ReadFile finds the mailslot {} empty: waits for a message (MAILSLOT_WAIT_FOREVER)",
            slot_path(&o(object), &machine)
        ),
        WinReason::MessageArrives { object, bytes: n } => format!(
            "a message of {} came to the mailslot {}: the ReadFile returns it whole",
            bytes(n),
            o(object)
        ),
        WinReason::BufferTooSmall { object, needed } => format!(
            "the next message in the mailslot {} needs {}, more than the buffer: ReadFile fails \
             with ERROR_INSUFFICIENT_BUFFER, and the message stays",
            o(object),
            bytes(needed)
        ),
        WinReason::Delivered {
            object,
            machines,
            broadcast,
        } => {
            let how = if broadcast {
                format!("the broadcast to {}", slot_path(&o(object), DOMAIN))
            } else {
                "the message".into()
            };
            format!("{how} reached the mailslots on {machines}, a copy each")
        }
        WinReason::Lost { object, machine } => {
            let place = if machine.as_ref() == DOMAIN {
                format!("no mailslot {} exists in the domain", o(object))
            } else {
                format!("no mailslot {} exists", slot_path(&o(object), &machine))
            };
            format!(
                "{place}: the message is lost, and the writer is not told (mailslots promise no \
                 delivery)"
            )
        }
        WinReason::TooLongToBroadcast { object, bytes: n } => format!(
            "a broadcast to every mailslot {} of the domain carries at most {BROADCAST_LIMIT} \
             bytes, not {n}: refused with ERROR_INVALID_PARAMETER",
            o(object)
        ),
        WinReason::MailslotDeleted {
            object,
            machine,
            messages,
        } => {
            let lost = match messages {
                0 => String::new(),
                1 => ", and its unread message with it".into(),
                n => format!(", and its {n} unread messages with it"),
            };
            format!(
                "the last handle of {} is closed: the mailslot is deleted{lost}",
                slot_path(&o(object), &machine)
            )
        }
    }
}

/// The call as Win32 pseudo-code: `CreateNamedPipe("\\.\pipe\orders", PIPE_TYPE_MESSAGE, 2)`.
pub(super) fn call_text(step: &WinStep, names: &dyn Names) -> String {
    let o = |object: ObjectId| names.object(object);
    let target = |t: &WinTarget| target_text(t, names);
    let k = step.keyword();
    match step {
        WinStep::CreatePipe {
            object,
            inheritable,
            size,
        } => {
            let inherit = if *inheritable {
                "inheritable"
            } else {
                "not inheritable"
            };
            format!("{k}({}, {inherit}, {size})", o(*object))
        }
        WinStep::SetHandleInformation {
            object,
            end,
            inherit,
        } => format!(
            "{k}({} {}, HANDLE_FLAG_INHERIT, {})",
            o(*object),
            end.name(),
            u8::from(*inherit)
        ),
        WinStep::CreateProcess { child, std } => {
            let mut text = format!("{k}({}", names.spec(*child));
            for (stream, pipe) in ["stdin", "stdout", "stderr"].iter().zip(std) {
                if let Some(pipe) = pipe {
                    let end = if *stream == "stdin" { "read" } else { "write" };
                    text.push_str(&format!(", {stream}={} {end}", o(*pipe)));
                }
            }
            text + ")"
        }
        WinStep::CreateNamedPipe {
            object,
            mode,
            instances,
        } => format!(
            "{k}(\"{}\", {}, {instances})",
            pipe_path(&o(*object)),
            mode.flag()
        ),
        WinStep::ConnectNamedPipe { object } | WinStep::DisconnectNamedPipe { object } => {
            format!("{k}({})", o(*object))
        }
        WinStep::WaitNamedPipe { object } => {
            format!("{k}(\"{}\", NMPWAIT_WAIT_FOREVER)", pipe_path(&o(*object)))
        }
        WinStep::CreateFile { object, machine } => {
            // The checker gives a mailslot's CreateFile its machine, `.` if the file names none.
            let path = match machine {
                Some(m) => slot_path(&o(*object), m),
                None => pipe_path(&o(*object)),
            };
            format!("{k}(\"{path}\")")
        }
        WinStep::ReadFile { from, max } | WinStep::PeekNamedPipe { from, max } => {
            format!("{k}({}, {max})", target(from))
        }
        WinStep::WriteFile { to, text } => format!("{k}({}, {text:?})", target(to)),
        WinStep::TransactNamedPipe { object, text, max } => {
            format!("{k}({}, {text:?}, {max})", o(*object))
        }
        WinStep::CloseHandle {
            object,
            end: Some(end),
            ..
        } => format!("{k}({} {})", o(*object), end.name()),
        WinStep::CloseHandle {
            object, machine, ..
        } => {
            let target = WinTarget::Object {
                object: *object,
                machine: machine.clone(),
            };
            format!("{k}({})", target_text(&target, names))
        }
        WinStep::CreateMailslot { object, machine } => {
            format!("{k}(\"{}\")", slot_path(&o(*object), machine))
        }
    }
}

fn target_text(t: &WinTarget, names: &dyn Names) -> String {
    match t {
        WinTarget::Std { stream } => stream.name().to_string(),
        WinTarget::Object {
            object,
            machine: Some(m),
        } => format!("{}@{m}", names.object(*object)),
        WinTarget::Object { object, .. } => names.object(*object),
    }
}

/// A Windows call and its result: `ReadFile(p, 100) = TRUE, 5 bytes "hello"`.
pub(super) fn describe_call(call: &Call, step: &WinStep, names: &dyn Names) -> String {
    let text = call_text(step, names);
    let Some(result) = &call.result else {
        return format!("{text} … blocks");
    };
    let mut text = match &result.win32 {
        Some(w) => format!("{text} {}", result_text(result, w)),
        None => text,
    };
    match (step, call.peer) {
        (WinStep::CreateProcess { .. }, Some(child)) => {
            text.push_str(&format!(" ({})", names.process(child)));
        }
        (WinStep::CreateFile { .. }, Some(server)) => text.push_str(&format!(
            " ({} was waiting in ConnectNamedPipe)",
            names.process(server)
        )),
        _ => {}
    }
    text
}

/// A Win32 result: `= TRUE`, `= FALSE ERROR_BROKEN_PIPE`, `= TRUE, 5 bytes "hello"`, `= h3`,
/// `= INVALID_HANDLE_VALUE ERROR_PIPE_BUSY`.
pub(super) fn result_text(result: &CallResult, win: &Win32) -> String {
    if win.handle {
        return if win.worked() {
            format!("= h{}", result.ret)
        } else {
            format!("= INVALID_HANDLE_VALUE {}", win.last_error.name())
        };
    }
    let mut text = if win.worked() {
        "= TRUE".to_string()
    } else {
        format!("= FALSE {}", win.last_error.name())
    };
    if let Some(n) = win.bytes {
        text.push_str(&format!(", {}", bytes(n)));
    }
    match &result.data {
        Some(d) if d.starts_with('[') => text.push_str(&format!(" {d}")),
        Some(d) => text.push_str(&format!(" {d:?}")),
        None => {}
    }
    if let Some(available) = win.available {
        text.push_str(&format!(" ({available} available"));
        if let Some(left) = win.left_in_message {
            text.push_str(&format!(", {left} left in the message"));
        }
        text.push(')');
    }
    text
}

impl WinWait {
    /// What a waiting process waits for, in a few words: `ReadFile p`.
    pub fn describe(&self, names: &dyn Names) -> String {
        let what = match self {
            WinWait::ReadFile { .. } => "ReadFile",
            WinWait::WriteFile { .. } => "WriteFile",
            WinWait::Client { .. } => "ConnectNamedPipe",
            WinWait::Instance { .. } => "WaitNamedPipe",
            WinWait::Reply { .. } => "reply on",
        };
        format!("{what} {}", names.object(self.object()))
    }

    /// What a process stuck this way waits for, for the report.
    pub fn stuck(&self) -> &'static str {
        match self {
            WinWait::ReadFile { .. } => "data in a pipe or a message in a mailslot",
            WinWait::WriteFile { .. } => "room in an anonymous pipe",
            WinWait::Client { .. } => "a client to open its named pipe",
            WinWait::Instance { .. } => "a free instance of a named pipe",
            WinWait::Reply { .. } => "the reply to its transaction",
        }
    }
}

/// A line for each queue of each Windows object that has someone in it — or one saying
/// nobody waits: the object (a named pipe's instance as `NAME#i`, a mailslot as
/// `NAME@MACHINE`), what the queue is, and who is in it.
pub fn queue_lines(specs: &[ObjectSpec], objects: &[Object]) -> Vec<(String, String, Vec<Pid>)> {
    type Line = (String, String, Vec<Pid>);
    let mut out: Vec<Line> = Vec::new();
    fn add(out: &mut Vec<Line>, name: String, queues: Vec<(&str, Vec<Pid>)>, idle: String) {
        let before = out.len();
        for (what, pids) in queues {
            if !pids.is_empty() {
                out.push((name.clone(), format!("{what} "), pids));
            }
        }
        if out.len() == before {
            out.push((name, format!("{idle}, nobody waits"), Vec::new()));
        }
    }
    let readers = |d: &super::socket::Direction| d.reading.iter().map(|r| r.0).collect();
    for (spec, object) in specs.iter().zip(objects) {
        let Object::Win(w) = object else {
            continue;
        };
        let name = spec.name.to_string();
        match w {
            WinObject::AnonPipe(p) => add(
                &mut out,
                name,
                vec![
                    ("ReadFile", readers(&p.flow)),
                    ("WriteFile", p.writing.iter().map(|w| w.pid).collect()),
                ],
                format!("{}/{} bytes", p.flow.bytes(), p.size),
            ),
            WinObject::NamedPipe(p) => {
                for (i, inst) in p.instances.iter().enumerate() {
                    if inst.state == InstanceState::Closed {
                        continue;
                    }
                    let state = match inst.state {
                        InstanceState::Listening => "free",
                        InstanceState::Connected => "connected",
                        InstanceState::ClientGone => "client gone",
                        InstanceState::Disconnected => "disconnected",
                        InstanceState::ServerGone | InstanceState::Closed => "server gone",
                    };
                    add(
                        &mut out,
                        format!("{name}#{i}"),
                        vec![
                            ("ConnectNamedPipe", inst.connecting.into_iter().collect()),
                            ("server reads", readers(&inst.inbound)),
                            ("client reads", readers(&inst.outbound)),
                        ],
                        state.into(),
                    );
                }
                if !p.waiting.is_empty() {
                    out.push((
                        name,
                        "WaitNamedPipe ".into(),
                        p.waiting.iter().copied().collect(),
                    ));
                }
            }
            WinObject::Mailslot(m) => {
                for s in m.slots.iter().filter(|s| s.refs > 0) {
                    let n = s.inbox.data.len();
                    add(
                        &mut out,
                        format!("{name}@{}", m.machine_name(s.machine)),
                        vec![("ReadFile", readers(&s.inbox))],
                        format!("{n} message{}", if n == 1 { "" } else { "s" }),
                    );
                }
            }
        }
    }
    out
}
