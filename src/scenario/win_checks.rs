//! The checks of the Windows family's steps before the run: each name of the right kind, a
//! mailslot's machine only where it means something, every `CreateNamedPipe` of a pipe alike,
//! and `CreateProcess` naming a child made that way. Then each step resolved to the kernel's.

use super::checker::{Checker, Result};
use super::objects::Declared;
use super::processes::Draft;
use super::steps::{RawStep, Word};
use super::win_steps::{Named, WinRaw};
use crate::kernel::ipc::ObjectKind;
use crate::kernel::mailslot::{DOMAIN, LOCAL};
use crate::kernel::program::{ObjectId, SpecIndex, Step, Stream};
use crate::kernel::win::{PipeMode, WinKind, WinStep, WinTarget};
use std::collections::HashMap;
use std::sync::Arc;

impl RawStep {
    /// The child a step creates: `fork CHILD` or `CreateProcess CHILD …`.
    pub(super) fn child_made(&self) -> Option<&Word> {
        match self {
            RawStep::Fork(child) | RawStep::Win(WinRaw::CreateProcess(child, _)) => Some(child),
            _ => None,
        }
    }

    /// The Windows object a step makes, with its kind.
    pub(super) fn win_made(&self) -> Option<(&Word, ObjectKind)> {
        let (word, kind) = match self {
            RawStep::Win(WinRaw::CreatePipe(w, ..)) => (w, WinKind::AnonPipe),
            RawStep::Win(WinRaw::CreateNamedPipe(w, ..)) => (w, WinKind::NamedPipe),
            RawStep::Win(WinRaw::CreateMailslot(n)) => (&n.name, WinKind::Mailslot),
            _ => return None,
        };
        Some((word, ObjectKind::Win(kind)))
    }
}

/// `CreateProcess` names a process that says it is created by this one (`forked_by`, which
/// names the creator whether it forks or calls `CreateProcess`).
pub(super) fn check_created(
    c: &Checker,
    drafts: &[Draft],
    index: &HashMap<&str, SpecIndex>,
) -> Result<()> {
    for draft in drafts {
        let me = draft.entry.get_ref().name.get_ref();
        for (step, _) in &draft.steps {
            let RawStep::Win(WinRaw::CreateProcess(child, _)) = step else {
                continue;
            };
            let Some(&k) = index.get(child.text.as_str()) else {
                continue; // check_forks names the process that does not exist
            };
            match &drafts[k as usize].entry.get_ref().forked_by {
                Some(f) if f.get_ref() == me => {}
                Some(f) => {
                    return Err(c.error(
                        child.span.clone(),
                        format!(
                            "{me} creates {} with CreateProcess, but {} says forked_by = \"{}\"",
                            child.text,
                            child.text,
                            f.get_ref()
                        ),
                        format!("set forked_by = \"{me}\" on {}", child.text),
                    ));
                }
                None => {
                    return Err(c.error(
                        child.span.clone(),
                        format!("{} is not created by CreateProcess", child.text),
                        format!(
                            "add forked_by = \"{me}\" to process {} (forked_by names the \
                             process that creates it, by fork or by CreateProcess)",
                            child.text
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

const ANON: [ObjectKind; 1] = [ObjectKind::Win(WinKind::AnonPipe)];
const NAMED: [ObjectKind; 1] = [ObjectKind::Win(WinKind::NamedPipe)];
const SLOT: [ObjectKind; 1] = [ObjectKind::Win(WinKind::Mailslot)];
const PIPES: [ObjectKind; 2] = [
    ObjectKind::Win(WinKind::AnonPipe),
    ObjectKind::Win(WinKind::NamedPipe),
];
const ANY: [ObjectKind; 3] = [
    ObjectKind::Win(WinKind::AnonPipe),
    ObjectKind::Win(WinKind::NamedPipe),
    ObjectKind::Win(WinKind::Mailslot),
];

/// Resolves a Windows step of process `me` to the kernel's step.
pub(super) fn resolve(
    c: &Checker,
    raw: &WinRaw,
    objects: &Declared,
    index: &HashMap<&str, SpecIndex>,
    drafts: &[Draft],
) -> Result<Step> {
    let find = |w: &Word, kinds: &[ObjectKind]| objects.find(c, w, kinds);
    let step = match raw {
        WinRaw::CreatePipe(name, inheritable, size) => WinStep::CreatePipe {
            object: find(name, &ANON)?,
            inheritable: *inheritable,
            size: *size,
        },
        WinRaw::SetHandleInformation(name, end, inherit) => WinStep::SetHandleInformation {
            object: find(name, &ANON)?,
            end: *end,
            inherit: *inherit,
        },
        WinRaw::CreateProcess(child, std) => {
            let mut pipes = [None; 3];
            for (slot, word) in pipes.iter_mut().zip(std) {
                if let Some(w) = word {
                    *slot = Some(find(w, &ANON)?);
                }
            }
            WinStep::CreateProcess {
                child: index[child.text.as_str()],
                std: pipes,
            }
        }
        WinRaw::CreateNamedPipe(name, mode, instances) => {
            alike(c, drafts, name, *mode, *instances)?;
            WinStep::CreateNamedPipe {
                object: find(name, &NAMED)?,
                mode: *mode,
                instances: *instances,
            }
        }
        WinRaw::ConnectNamedPipe(name) => WinStep::ConnectNamedPipe {
            object: find(name, &NAMED)?,
        },
        WinRaw::DisconnectNamedPipe(name) => WinStep::DisconnectNamedPipe {
            object: find(name, &NAMED)?,
        },
        WinRaw::WaitNamedPipe(name) => WinStep::WaitNamedPipe {
            object: find(name, &NAMED)?,
        },
        WinRaw::TransactNamedPipe(name, max, text) => WinStep::TransactNamedPipe {
            object: find(name, &NAMED)?,
            text: text.as_str().into(),
            max: *max,
        },
        WinRaw::CreateFile(named) => {
            let object = find(&named.name, &[NAMED[0], SLOT[0]])?;
            let machine = machine(c, objects, object, named, true)?;
            // A mailslot's client always names a machine: this one unless it says otherwise.
            let machine = match objects.kind(object) {
                ObjectKind::Win(WinKind::Mailslot) => machine.or_else(|| Some(LOCAL.into())),
                _ => machine,
            };
            WinStep::CreateFile { object, machine }
        }
        WinRaw::CreateMailslot(named) => {
            let object = find(&named.name, &SLOT)?;
            WinStep::CreateMailslot {
                object,
                machine: machine(c, objects, object, named, false)?.unwrap_or_else(|| LOCAL.into()),
            }
        }
        WinRaw::ReadFile(named, max) => WinStep::ReadFile {
            from: target(c, objects, named, Stream::Stdin, &ANY)?,
            max: *max,
        },
        WinRaw::PeekNamedPipe(named, max) => WinStep::PeekNamedPipe {
            from: target(c, objects, named, Stream::Stdin, &PIPES)?,
            max: *max,
        },
        WinRaw::WriteFile(named, text) => WinStep::WriteFile {
            to: target(c, objects, named, Stream::Stdout, &ANY)?,
            text: text.as_str().into(),
        },
        WinRaw::CloseHandle(named, end) => {
            let object = find(&named.name, &ANY)?;
            let anonymous = objects.kind(object) == ANON[0];
            if anonymous != end.is_some() {
                let hint = if anonymous {
                    format!(
                        "write \"CloseHandle {0} read\" or \"CloseHandle {0} write\"",
                        named.name.text
                    )
                } else {
                    "only an anonymous pipe has ends to name".to_string()
                };
                let message = if anonymous {
                    format!("CloseHandle {} needs the end to close", named.name.text)
                } else {
                    format!("{} has no read or write end to close", named.name.text)
                };
                return Err(c.error(named.name.span.clone(), message, hint));
            }
            WinStep::CloseHandle {
                object,
                end: *end,
                machine: machine(c, objects, object, named, true)?,
            }
        }
    };
    Ok(Step::Win(step))
}

/// The machine a step names after `@`: only a mailslot has one, and only the steps of its
/// writers (`CreateFile`, `WriteFile`, `CloseHandle`) may say `*`, every machine of the domain.
fn machine(
    c: &Checker,
    objects: &Declared,
    object: ObjectId,
    named: &Named,
    broadcast: bool,
) -> Result<Option<Arc<str>>> {
    let Some(m) = &named.machine else {
        return Ok(None);
    };
    if objects.kind(object) != SLOT[0] {
        return Err(c.error(
            m.span.clone(),
            format!(
                "{} is a named pipe: proclab models no pipe on another machine",
                named.name.text
            ),
            format!(
                "name it {} alone: every process here runs on this machine",
                named.name.text
            ),
        ));
    }
    if m.text == DOMAIN && !broadcast {
        return Err(c.error(
            m.span.clone(),
            format!("{}@* names every machine of the domain", named.name.text),
            "a mailslot is made and read on one machine; only its writers broadcast to @*",
        ));
    }
    Ok(Some(m.text.as_str().into()))
}

/// Where `ReadFile`, `PeekNamedPipe` or `WriteFile` goes: the standard stream the step may
/// use (`stdin` for reading, `stdout` or `stderr` for writing), or an object of `kinds`.
fn target(
    c: &Checker,
    objects: &Declared,
    named: &Named,
    std: Stream,
    kinds: &[ObjectKind],
) -> Result<WinTarget> {
    let streams: &[Stream] = if std == Stream::Stdin {
        &[Stream::Stdin]
    } else {
        &[Stream::Stdout, Stream::Stderr]
    };
    let word = &named.name;
    let stream = [Stream::Stdin, Stream::Stdout, Stream::Stderr]
        .into_iter()
        .find(|s| s.name() == word.text);
    match stream {
        Some(s) if streams.contains(&s) && named.machine.is_none() => {
            Ok(WinTarget::Std { stream: s })
        }
        Some(s) => Err(c.error(
            word.span.clone(),
            format!("this step can't use {}", s.name()),
            format!(
                "it works with {} or a handle's object",
                streams
                    .iter()
                    .map(|s| s.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
        None => {
            let object = objects.find(c, word, kinds)?;
            let machine = machine(c, objects, object, named, std != Stream::Stdin)?;
            Ok(WinTarget::Object { object, machine })
        }
    }
}

/// Every `CreateNamedPipe` of a pipe gives the mode and maximum of instances its first does.
fn alike(c: &Checker, drafts: &[Draft], name: &Word, mode: PipeMode, instances: u32) -> Result<()> {
    let first = drafts
        .iter()
        .flat_map(|d| &d.steps)
        .find_map(|(step, span)| match step {
            RawStep::Win(WinRaw::CreateNamedPipe(w, m, n)) if w.text == name.text => {
                Some((*m, *n, span.clone()))
            }
            _ => None,
        });
    match first {
        Some((m, n, span)) if (m, n) != (mode, instances) => {
            let line = c
                .diagnostic(
                    super::error::Severity::Error,
                    Some(span),
                    String::new(),
                    None,
                )
                .line_col()
                .map_or(0, |l| l.0);
            Err(c.error(
                name.span.clone(),
                format!(
                    "named pipe {} is made in {} mode with {n} instance(s) on line {line}",
                    name.text,
                    m.word()
                ),
                "every CreateNamedPipe of one pipe gives the same mode and instances, as Win32 asks",
            ))
        }
        _ => Ok(()),
    }
}
