//! The named IPC objects of a scenario — pipes, FIFOs and shared rings — gathered from the
//! steps that make them, each name with one kind, and every use checked against them.

use super::checker::{Checker, Result};
use super::error::{Severity, did_you_mean};
use super::processes::Draft;
use super::steps::{RawStep, Word};
use crate::kernel::ipc::{self, ObjectKind, ObjectSpec};
use crate::kernel::program::{Channel, ObjectId, Stream};
use std::ops::Range;

/// The pipes, FIFOs and rings a scenario declares (with `pipe`, `mkfifo` and `shm`), in the
/// order they first appear.
pub(super) struct Declared {
    pub(super) specs: Vec<ObjectSpec>,
}

const STREAMS: [&str; 3] = ["stdin", "stdout", "stderr"];

impl Declared {
    /// Collects the declarations of every process, checking each name has one kind, each pipe
    /// and FIFO is made by one step, and every `shm` of a ring gives the same size.
    pub(super) fn collect(c: &Checker, drafts: &[Draft]) -> Result<Declared> {
        let mut specs: Vec<ObjectSpec> = Vec::new();
        let mut made: Vec<(Range<usize>, Option<u32>)> = Vec::new();
        for draft in drafts {
            for (step, _) in &draft.steps {
                let (word, kind, slots) = match step {
                    RawStep::Pipe(w) => (w, ObjectKind::Pipe, None),
                    RawStep::Mkfifo(w) => (w, ObjectKind::Fifo, None),
                    RawStep::Shm(w, n) => (w, ObjectKind::Ring, Some(*n)),
                    _ => continue,
                };
                if STREAMS.contains(&word.text.as_str()) {
                    return Err(c.error(
                        word.span.clone(),
                        format!("{} is a standard stream's name", word.text),
                        "choose another name for the object",
                    ));
                }
                if let Some(n) = slots
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
                                "give each pipe, FIFO and ring its own name",
                            ));
                        }
                        if kind != ObjectKind::Ring {
                            return Err(c.error(word.span.clone(), format!("{} {} is made twice (first on line {line})", kind_name(kind), word.text), "each pipe and FIFO is made by one step; processes forked afterwards share it"));
                        }
                        if *first_slots != slots {
                            return Err(c.error(
                                word.span.clone(),
                                format!(
                                    "ring {} has {} slots on line {line}",
                                    word.text,
                                    first_slots.unwrap_or(0)
                                ),
                                "every shm of one ring must give the same size",
                            ));
                        }
                    }
                }
            }
        }
        Ok(Declared { specs })
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

fn kind_name(kind: ObjectKind) -> &'static str {
    match kind {
        ObjectKind::Pipe => "pipe",
        ObjectKind::Fifo => "FIFO",
        ObjectKind::Ring => "ring",
    }
}

fn maker(kind: ObjectKind) -> &'static str {
    match kind {
        ObjectKind::Pipe => "pipe",
        ObjectKind::Fifo => "mkfifo",
        ObjectKind::Ring => "shm",
    }
}
