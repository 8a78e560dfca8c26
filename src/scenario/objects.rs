//! The named IPC objects of a scenario — pipes, FIFOs, shared rings, mailboxes, and the links
//! between processes that message each other — gathered from the steps that make or use
//! them, each name with one kind, and every use checked against them.

use super::checker::{Checker, Result, spanned};
use super::error::{Severity, did_you_mean};
use super::processes::Draft;
use super::steps::{RawStep, Word};
use crate::kernel::ipc::{self, ObjectKind, ObjectSpec};
use crate::kernel::program::{Channel, ObjectId, Peer, SpecIndex, Stream};
use crate::kernel::segment::Flavour;
use crate::kernel::socket::Transport;
use std::collections::HashMap;
use std::ops::Range;

/// The pipes, FIFOs and rings a scenario declares (with `pipe`, `mkfifo` and `shm`), in the
/// order they first appear.
pub(super) struct Declared {
    pub(super) specs: Vec<ObjectSpec>,
    /// The flavour of each ring's shared memory, by object id.
    pub(super) flavours: HashMap<ObjectId, Flavour>,
}

const STREAMS: [&str; 3] = ["stdin", "stdout", "stderr"];

/// The kinds of socket, for steps that take any of them.
pub(super) const SOCKETS: [ObjectKind; 3] = [
    ObjectKind::TcpSocket,
    ObjectKind::UdpSocket,
    ObjectKind::UnixSocket,
];

impl Declared {
    /// Collects the declarations of every process, checking each name has one kind, each pipe
    /// and FIFO is made by one step, and every `shm` of a ring gives the same size.
    pub(super) fn collect(c: &Checker, drafts: &[Draft]) -> Result<Declared> {
        let mut specs: Vec<ObjectSpec> = Vec::new();
        // Where each object is first made, and for a ring its size and flavour.
        type Made = (Range<usize>, Option<(u32, Flavour)>);
        let mut made: Vec<Made> = Vec::new();
        for draft in drafts {
            for (step, _) in &draft.steps {
                let (word, kind, slots) = match step {
                    RawStep::Pipe(w) => (w, ObjectKind::Pipe, None),
                    RawStep::Mkfifo(w) => (w, ObjectKind::Fifo, None),
                    RawStep::Shm(w, n, f) => (w, ObjectKind::Ring, Some((*n, *f))),
                    RawStep::Mailbox(w, _) => (w, ObjectKind::Mailbox, None),
                    RawStep::Listen(w, t) => (w, ObjectKind::socket(*t), None),
                    RawStep::RpcServer(w, _) => (w, ObjectKind::RpcPort, None),
                    RawStep::Win(_) => match step.win_made() {
                        Some((w, kind)) => (w, kind, None),
                        None => continue,
                    },
                    _ => continue,
                };
                if let Some(d) = drafts
                    .iter()
                    .find(|d| *d.entry.get_ref().name.get_ref() == word.text)
                {
                    let at = c
                        .diagnostic(Severity::Error, Some(spanned(d.entry)), String::new(), None)
                        .line_col()
                        .map_or(0, |l| l.0);
                    return Err(c.error(
                        word.span.clone(),
                        format!("{} is already a process's name (line {at})", word.text),
                        "give the object a name of its own: send and receive tell them apart by name",
                    ));
                }
                if STREAMS.contains(&word.text.as_str()) {
                    return Err(c.error(
                        word.span.clone(),
                        format!("{} is a standard stream's name", word.text),
                        "choose another name for the object",
                    ));
                }
                if let Some((n, _)) = slots
                    && n < 2
                {
                    return Err(c.error(
                        word.span.clone(),
                        format!("a ring of {n} slot can hold nothing"),
                        "a ring of N slots holds N - 1 items: give it at least 2",
                    ));
                }
                match specs.iter().position(|s| *s.name == *word.text) {
                    None => {
                        specs.push(ObjectSpec {
                            name: word.text.as_str().into(),
                            kind,
                        });
                        made.push((word.span.clone(), slots));
                    }
                    Some(at) => {
                        let (first, first_slots) = &made[at];
                        let line = c
                            .diagnostic(Severity::Error, Some(first.clone()), String::new(), None)
                            .line_col()
                            .map_or(0, |l| l.0);
                        if specs[at].kind != kind {
                            return Err(c.error(
                                word.span.clone(),
                                format!(
                                    "{} is already a {} (line {line})",
                                    word.text,
                                    kind_name(specs[at].kind)
                                ),
                                "give each pipe, FIFO, ring, mailbox and socket its own name",
                            ));
                        }
                        // A ring is attached by every user; a server may listen again
                        // after closing its socket.
                        let many = matches!(kind, ObjectKind::Win(k) if k.made_by_many());
                        if kind != ObjectKind::Ring && kind.transport().is_none() && !many {
                            return Err(c.error(word.span.clone(), format!("{} {} is made twice (first on line {line})", kind_name(kind), word.text), "each pipe and FIFO is made by one step; processes forked afterwards share it"));
                        }
                        let (first_size, first_flavour) = first_slots.unwrap_or_default();
                        let (size, flavour) = slots.unwrap_or_default();
                        if first_size != size {
                            return Err(c.error(
                                word.span.clone(),
                                format!("ring {} has {first_size} slots on line {line}", word.text),
                                "every shm of one ring must give the same size",
                            ));
                        }
                        if first_flavour != flavour {
                            return Err(c.error(
                                word.span.clone(),
                                format!(
                                    "ring {} is a {} on line {line}",
                                    word.text,
                                    first_flavour.noun()
                                ),
                                format!(
                                    "every shm of one ring must give the same flavour: write \"shm {} {size} {}\"",
                                    word.text,
                                    first_flavour.word()
                                ),
                            ));
                        }
                    }
                }
            }
        }
        let flavours = made
            .iter()
            .enumerate()
            .filter_map(|(i, (_, s))| s.map(|(_, f)| (i as ObjectId, f)))
            .collect();
        let mut declared = Declared { specs, flavours };
        declared.links(drafts);
        Ok(declared)
    }

    /// Declares the link of every pair of processes that name each other in `send` or
    /// `receive` (one link per pair, in the order first used), named `A↔B`.
    fn links(&mut self, drafts: &[Draft]) {
        let names: Vec<&str> = drafts
            .iter()
            .map(|d| d.entry.get_ref().name.get_ref().as_str())
            .collect();
        for (me, draft) in drafts.iter().enumerate() {
            for (step, _) in &draft.steps {
                let (RawStep::Send(word, ..) | RawStep::Receive(word, _)) = step else {
                    continue;
                };
                if ipc::find(&self.specs, &word.text).is_some() {
                    continue;
                }
                if let Some(other) = names.iter().position(|n| *n == word.text)
                    && other != me
                {
                    let name = link_name(names[me.min(other)], names[me.max(other)]);
                    if ipc::find(&self.specs, &name).is_none() {
                        self.specs.push(ObjectSpec {
                            name: name.into(),
                            kind: ObjectKind::Link,
                        });
                    }
                }
            }
        }
    }

    /// Where a `send` goes (`sending`) or a `receive` takes from, for process `me`: a mailbox,
    /// or another process over their link.
    pub(super) fn peer(
        &self,
        c: &Checker,
        me: SpecIndex,
        word: &Word,
        sending: bool,
        index: &HashMap<&str, SpecIndex>,
    ) -> Result<Peer> {
        if let Some(object) = ipc::find(&self.specs, &word.text) {
            if self.kind(object) != ObjectKind::Mailbox {
                let hint = if self.kind(object).transport().is_some() {
                    format!("on a socket, use \"recv {}\"", word.text)
                } else {
                    "messages go to a mailbox (made with \"mailbox NAME\") or straight to a process"
                        .into()
                };
                return Err(c.error(
                    word.span.clone(),
                    format!(
                        "{} is a {}, not a mailbox",
                        word.text,
                        kind_name(self.kind(object))
                    ),
                    hint,
                ));
            }
            return Ok(Peer::Mailbox { object });
        }
        let Some(&process) = index.get(word.text.as_str()) else {
            let names = self
                .specs
                .iter()
                .filter(|s| s.kind == ObjectKind::Mailbox)
                .map(|s| &*s.name)
                .chain(index.keys().copied());
            let hint = match did_you_mean(&word.text, names) {
                Some(guess) => format!("did you mean {guess}?"),
                None => format!(
                    "name a process, or make a mailbox first with \"mailbox {}\"",
                    word.text
                ),
            };
            return Err(c.error(
                word.span.clone(),
                format!("no process or mailbox named {}", word.text),
                hint,
            ));
        };
        if process == me {
            return Err(c.error(
                word.span.clone(),
                format!("{} names itself", word.text),
                "a process sends to and receives from another process, or a mailbox",
            ));
        }
        let mut by_index: Vec<(&str, SpecIndex)> = index.iter().map(|(n, i)| (*n, *i)).collect();
        by_index.sort_by_key(|(_, i)| *i);
        let name_of = |i: SpecIndex| by_index[i as usize].0;
        let link = link_name(name_of(me.min(process)), name_of(me.max(process)));
        let link = ipc::find(&self.specs, &link).expect("links() declared every pair");
        // The direction the messages travel: from the first of the pair to the second?
        let forward = if sending { me < process } else { process < me };
        Ok(Peer::Process {
            process,
            link,
            forward,
        })
    }

    /// The socket `word` names, with its transport.
    pub(super) fn socket(&self, c: &Checker, word: &Word) -> Result<(ObjectId, Transport)> {
        let object = self.find(c, word, &SOCKETS)?;
        let transport = self.kind(object).transport().expect("found among sockets");
        Ok((object, transport))
    }

    pub(super) fn kind(&self, object: ObjectId) -> ObjectKind {
        self.specs[object as usize].kind
    }

    /// The object `word` names, which must be of one of `kinds`.
    pub(super) fn find(&self, c: &Checker, word: &Word, kinds: &[ObjectKind]) -> Result<ObjectId> {
        let wanted = kinds
            .iter()
            .map(|&k| kind_name(k))
            .collect::<Vec<_>>()
            .join(" or ");
        let Some(object) = ipc::find(&self.specs, &word.text) else {
            let names = self
                .specs
                .iter()
                .filter(|s| kinds.contains(&s.kind))
                .map(|s| &*s.name);
            let hint = match did_you_mean(&word.text, names) {
                Some(guess) => format!("did you mean {guess}?"),
                None => format!(
                    "make it first with {}",
                    kinds
                        .iter()
                        .map(|k| format!("\"{} {}\"", maker(*k), word.text))
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
            };
            return Err(c.error(
                word.span.clone(),
                format!("no {wanted} named {}", word.text),
                hint,
            ));
        };
        if !kinds.contains(&self.kind(object)) {
            return Err(c.error(
                word.span.clone(),
                format!(
                    "{} is a {}, not a {wanted}",
                    word.text,
                    kind_name(self.kind(object))
                ),
                "this step works on a different kind of object",
            ));
        }
        Ok(object)
    }

    /// Where `read` or `write` goes: one of the `streams` allowed, or a pipe or FIFO.
    pub(super) fn channel(&self, c: &Checker, word: &Word, streams: &[&str]) -> Result<Channel> {
        match word.text.as_str() {
            "stdin" | "stdout" | "stderr" if streams.contains(&word.text.as_str()) => {
                Ok(Channel::Std {
                    stream: match word.text.as_str() {
                        "stdin" => Stream::Stdin,
                        "stdout" => Stream::Stdout,
                        _ => Stream::Stderr,
                    },
                })
            }
            "stdin" | "stdout" | "stderr" => Err(c.error(
                word.span.clone(),
                format!("this step can't use {}", word.text),
                format!("it works with {} or a pipe or FIFO", streams.join(", ")),
            )),
            _ => Ok(Channel::Object {
                object: self.find(c, word, &[ObjectKind::Pipe, ObjectKind::Fifo])?,
            }),
        }
    }
}

/// The name of the link between two processes.
fn link_name(first: &str, second: &str) -> String {
    format!("{first}↔{second}")
}

fn kind_name(kind: ObjectKind) -> &'static str {
    match kind {
        ObjectKind::Pipe => "pipe",
        ObjectKind::Fifo => "FIFO",
        ObjectKind::Ring => "ring",
        ObjectKind::Mailbox => "mailbox",
        ObjectKind::Link => "link",
        ObjectKind::TcpSocket => "TCP socket",
        ObjectKind::UdpSocket => "UDP socket",
        ObjectKind::UnixSocket => "Unix socket",
        ObjectKind::RpcPort => "RPC port",
        ObjectKind::Win(k) => k.name(),
    }
}

fn maker(kind: ObjectKind) -> &'static str {
    match kind {
        ObjectKind::Pipe => "pipe",
        ObjectKind::Fifo => "mkfifo",
        ObjectKind::Ring => "shm",
        ObjectKind::Mailbox => "mailbox",
        ObjectKind::Link => "send",
        ObjectKind::TcpSocket | ObjectKind::UdpSocket | ObjectKind::UnixSocket => "listen",
        ObjectKind::RpcPort => "rpc-server",
        ObjectKind::Win(k) => k.maker(),
    }
}
