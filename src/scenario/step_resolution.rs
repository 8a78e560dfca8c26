//! A program's steps with the names they mention resolved: processes, devices, images and
//! the scenario's IPC objects, each checked to be of the kind the step needs.

use super::checker::{Checker, ExecSite, KNOWN_PROGRAMS, Result};
use super::error::{did_you_mean, one_of_hint};
use super::objects::Declared;
use super::processes::{Draft, Images, lookup, simple_step};
use super::steps::RawStep;
use crate::kernel::ipc::ObjectKind;
use crate::kernel::program::{End, Signal, SpecIndex, Step, Stream};
use std::collections::HashMap;
use std::sync::Arc;

/// Resolves the steps of process `me` (its `draft`), checking each name against the other
/// processes, the images and the declared objects.
pub(super) fn resolve_steps(
    c: &mut Checker,
    me: SpecIndex,
    draft: &Draft,
    drafts: &[Draft],
    index: &HashMap<&str, SpecIndex>,
    images: &Images,
    objects: &Declared,
) -> Result<Vec<Step>> {
    let my_name = draft.entry.get_ref().name.get_ref().clone();
    let children: Vec<SpecIndex> = drafts
        .iter()
        .enumerate()
        .filter(|(_, d)| {
            d.entry
                .get_ref()
                .forked_by
                .as_ref()
                .is_some_and(|f| *f.get_ref() == my_name)
        })
        .map(|(i, _)| i as SpecIndex)
        .collect();
    let mut out = Vec::new();
    let mut ended: Option<&'static str> = None;
    for (raw, span) in &draft.steps {
        if let Some(how) = ended {
            c.warn(
                span.clone(),
                format!("this step of {my_name} never runs: it comes after {how}"),
                "remove it, or move it before",
            );
            ended = None;
        }
        if let Some(step) = simple_step(c, raw) {
            if matches!(step, Step::Exit { .. }) {
                ended = Some("exit");
            }
            out.push(step);
            continue;
        }
        if let Some(step) = objects.shm_step(c, raw) {
            out.push(step?);
            continue;
        }
        let step = match raw {
            RawStep::Fork(child) => Step::Fork {
                child: index[child.text.as_str()],
            },
            RawStep::Exec(program, args) => {
                ended = Some("a successful exec");
                c.execs.push(ExecSite {
                    program: program.text.clone(),
                    span: program.span.clone(),
                });
                let image = images
                    .iter()
                    .position(|(n, _)| **n == *program.text)
                    .map(|i| i as u32);
                if image.is_none() && !KNOWN_PROGRAMS.contains(&program.text.as_str()) {
                    let known = KNOWN_PROGRAMS
                        .iter()
                        .copied()
                        .chain(images.iter().map(|(n, _)| &**n));
                    let guess = did_you_mean(&program.text, known)
                        .map(|g| format!("did you mean {g}? "))
                        .unwrap_or_default();
                    c.warn(
                        program.span.clone(),
                        format!("exec {}: no program of that name is known; it runs a 1-tick default image", program.text),
                        format!("{guess}define it under [programs], e.g. {} = [\"cpu 2\", \"exit 0\"]", program.text),
                    );
                }
                Step::Exec {
                    command: program.text.as_str().into(),
                    args: args.iter().map(|a| Arc::from(a.as_str())).collect(),
                    image,
                }
            }
            RawStep::Wait(None) => {
                if children.is_empty() {
                    return Err(c.error(span.clone(), format!("{my_name} waits, but it has no children"), format!("wait blocks until a child exits: fork one first (a process with forked_by = \"{my_name}\")")));
                }
                Step::Wait { child: None }
            }
            RawStep::Wait(Some(child)) => {
                let k = lookup(c, child, index)?;
                if !children.contains(&k) {
                    return Err(c.error(child.span.clone(), format!("{} is not a child of {my_name}", child.text), format!("a process can only wait for its own children (forked_by = \"{my_name}\")")));
                }
                Step::Wait { child: Some(k) }
            }
            RawStep::Kill(target, signal) => {
                let k = lookup(c, target, index)?;
                if k == me {
                    c.warn(
                        target.span.clone(),
                        format!("{my_name} kills itself"),
                        "that works, but `exit` says it more plainly",
                    );
                }
                let signal = match signal {
                    None => Signal::TERM,
                    Some(word) => Signal::parse(&word.text).ok_or_else(|| {
                        let names: Vec<&str> = Signal::KNOWN.iter().map(|(n, _)| *n).collect();
                        c.error(
                            word.span.clone(),
                            format!("unknown signal \"{}\"", word.text),
                            one_of_hint(&word.text.to_ascii_uppercase(), &names),
                        )
                    })?,
                };
                Step::Kill { target: k, signal }
            }
            RawStep::Pipe(name) => Step::Pipe {
                object: objects.find(c, name, &[ObjectKind::Pipe])?,
            },
            RawStep::Mkfifo(name) => Step::Mkfifo {
                object: objects.find(c, name, &[ObjectKind::Fifo])?,
            },
            RawStep::Write(to, text) => Step::Write {
                to: objects.channel(c, to, &["stdout", "stderr"])?,
                data: text.as_str().into(),
            },
            RawStep::Read(from, max) => Step::Read {
                from: objects.channel(c, from, &["stdin"])?,
                max: *max,
            },
            RawStep::Close(name, end) => {
                let object = objects.find(
                    c,
                    name,
                    &[
                        ObjectKind::Pipe,
                        ObjectKind::Fifo,
                        ObjectKind::Ring,
                        ObjectKind::Mailbox,
                        ObjectKind::TcpSocket,
                        ObjectKind::UdpSocket,
                        ObjectKind::UnixSocket,
                    ],
                )?;
                let end = end.as_ref().map(|e| {
                    if e.text == "read" {
                        End::Read
                    } else {
                        End::Write
                    }
                });
                if objects.kind(object) == ObjectKind::Pipe && end.is_none() {
                    return Err(c.error(
                        name.span.clone(),
                        format!("close {} needs the end to close", name.text),
                        format!(
                            "write \"close {} read\" or \"close {} write\"",
                            name.text, name.text
                        ),
                    ));
                }
                Step::Close { object, end }
            }
            RawStep::Redirect(stream, name) => Step::Redirect {
                stream: match stream.text.as_str() {
                    "stdin" => Stream::Stdin,
                    "stdout" => Stream::Stdout,
                    _ => Stream::Stderr,
                },
                object: objects.find(c, name, &[ObjectKind::Pipe, ObjectKind::Fifo])?,
            },
            RawStep::Open(name, end) => Step::Open {
                object: objects.find(c, name, &[ObjectKind::Fifo])?,
                end: if end.text == "read" {
                    End::Read
                } else {
                    End::Write
                },
            },
            RawStep::Produce(name, item) => Step::Produce {
                object: objects.find(c, name, &[ObjectKind::Ring])?,
                item: item.as_str().into(),
            },
            RawStep::Consume(name) => Step::Consume {
                object: objects.find(c, name, &[ObjectKind::Ring])?,
            },
            RawStep::Mailbox(name, capacity) => Step::Mailbox {
                object: objects.find(c, name, &[ObjectKind::Mailbox])?,
                capacity: *capacity,
            },
            RawStep::Send(to, text, wait)
                if crate::kernel::ipc::find(&objects.specs, &to.text)
                    .is_some_and(|o| objects.kind(o).transport().is_some()) =>
            {
                if !wait {
                    return Err(c.error(
                        to.span.clone(),
                        format!(
                            "{} is a socket: try-send is for mailboxes and links",
                            to.text
                        ),
                        format!(
                            "write \"send {} ...\"; a socket's send here never waits",
                            to.text
                        ),
                    ));
                }
                Step::SocketSend {
                    object: objects.socket(c, to)?.0,
                    text: text.as_str().into(),
                }
            }
            RawStep::Send(to, text, wait) => Step::Send {
                to: objects.peer(c, me, to, true, index)?,
                text: text.as_str().into(),
                wait: *wait,
            },
            RawStep::Receive(from, wait) => Step::Receive {
                from: objects.peer(c, me, from, false, index)?,
                wait: *wait,
            },
            RawStep::Destroy(name) => Step::Destroy {
                object: objects.find(c, name, &[ObjectKind::Mailbox])?,
            },
            RawStep::Listen(name, transport) => Step::Listen {
                object: objects.socket(c, name)?.0,
                transport: *transport,
            },
            RawStep::Accept(name) => {
                let (object, transport) = objects.socket(c, name)?;
                if !transport.is_stream() {
                    return Err(c.error(
                        name.span.clone(),
                        format!(
                            "{} is a UDP socket: UDP has no connections to accept",
                            name.text
                        ),
                        format!("a UDP server just receives: \"recv {}\"", name.text),
                    ));
                }
                Step::Accept { object }
            }
            RawStep::Connect(name) => {
                let (object, transport) = objects.socket(c, name)?;
                Step::Connect { object, transport }
            }
            RawStep::RpcServer(name, semantics) => Step::RpcServer {
                object: objects.find(c, name, &[ObjectKind::RpcPort])?,
                semantics: *semantics,
            },
            RawStep::RpcServe(name) => Step::RpcServe {
                object: objects.find(c, name, &[ObjectKind::RpcPort])?,
            },
            RawStep::RpcReply(name) => Step::RpcReply {
                object: objects.find(c, name, &[ObjectKind::RpcPort])?,
            },
            RawStep::RpcCall(name, procedure, args, lose_reply) => Step::RpcCall {
                object: objects.find(c, name, &[ObjectKind::RpcPort])?,
                procedure: *procedure,
                args: args.as_slice().into(),
                lose_reply: *lose_reply,
            },
            RawStep::Recv(name, max) => Step::SocketRecv {
                object: objects.socket(c, name)?.0,
                max: *max,
            },
            RawStep::Win(w) => super::win_checks::resolve(c, w, objects, index, drafts)?,
            _ => unreachable!("simple steps are handled above"),
        };
        out.push(step);
    }
    Ok(out)
}
