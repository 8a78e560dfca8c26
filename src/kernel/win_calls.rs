//! The Windows family's calls that deal in handles: `CreatePipe`, `SetHandleInformation`,
//! `CreateProcess` (a new program that gets only the inheritable handles, and its standard
//! handles from the parent), `CloseHandle`, and the routing of `ReadFile`, `WriteFile` and
//! `PeekNamedPipe` to the object a handle refers to. A handle sits in the same table as a
//! Unix descriptor (the first three places are the standard handles), so that the views and
//! the end of a process treat both alike.

use super::call::CallResult;
use super::engine::Kernel;
use super::event::{EventSink, Reason};
use super::files::{Fd, FdTable, Open};
use super::ids::Pid;
use super::ipc::Object;
use super::program::{End, ObjectId, SpecIndex, Step, Stream};
use super::state::WaitOn;
use super::syscalls::{After, Flow, Wakeup};
use super::win::{Handle, HandleTo, StdIs, WinObject, WinStep, WinTarget, WinWait};
use super::win_error::{WinError, win_bytes, win_false, win_true};
use super::win_reason::WinReason;
use super::winpipe::{AnonPipe, DEFAULT_SIZE};

/// What a Windows call comes to.
pub(super) enum WinOutcome {
    /// It returns `result` (`peer`: the other process involved), with something to tell the
    /// caller, and calls of others that now return.
    Returns {
        result: CallResult,
        peer: Option<Pid>,
        note: Option<WinReason>,
        wakes: Vec<Wakeup>,
    },
    /// It blocks, and then calls of others return.
    Blocks {
        on: WinWait,
        why: WinReason,
        wakes: Vec<Wakeup>,
    },
}

impl WinOutcome {
    /// It returns `result`, and that is all.
    pub(super) fn returns(result: CallResult) -> WinOutcome {
        WinOutcome::Returns {
            result,
            peer: None,
            note: None,
            wakes: Vec::new(),
        }
    }

    /// It returns `result`, with a word for the caller.
    pub(super) fn noted(result: CallResult, note: WinReason) -> WinOutcome {
        WinOutcome::Returns {
            result,
            peer: None,
            note: Some(note),
            wakes: Vec::new(),
        }
    }

    /// It fails with `error` (`FALSE`).
    pub(super) fn fails(error: WinError) -> WinOutcome {
        WinOutcome::returns(win_false(error))
    }
}

/// Which of a process's handles for an object a call wants.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(super) enum Want {
    /// One to read with.
    Read,
    /// One to write with.
    Write,
    /// The newest, whatever it does.
    Any,
}

/// What a step's name stands for in the calling process.
pub(super) enum Resolved {
    /// The console (a standard handle nobody redirected).
    Console(Stream),
    /// A handle: its number and what it refers to.
    Handle(Fd, Handle),
}

impl Kernel {
    /// Executes a Windows step of the running process `pid`.
    pub(super) fn win_call(&mut self, pid: Pid, step: &Step, sink: &mut impl EventSink) -> Flow {
        let Step::Win(win) = step else {
            unreachable!("only Windows steps come here")
        };
        let outcome = match win {
            WinStep::CreatePipe {
                object,
                inheritable,
                size,
            } => self.create_pipe(pid, *object, *inheritable, *size),
            WinStep::SetHandleInformation {
                object,
                end,
                inherit,
            } => self.set_inherit(pid, *object, *end, *inherit),
            WinStep::CreateProcess { child, std } => {
                return self.create_process(pid, step, *child, *std, sink);
            }
            WinStep::CloseHandle {
                object,
                end,
                machine,
            } => {
                let want = match end {
                    Some(End::Read) => Want::Read,
                    Some(End::Write) => Want::Write,
                    None => Want::Any,
                };
                let target = WinTarget::Object {
                    object: *object,
                    machine: machine.clone(),
                };
                match self.resolve_handle(pid, &target, want) {
                    Ok(Resolved::Handle(fd, h)) if end_fits(*end, h) => {
                        let Some(Open::Handle(h)) = self.table[pid].files.close(fd) else {
                            unreachable!("resolve found a handle there")
                        };
                        let (wakes, note) = self.handle_released(h);
                        WinOutcome::Returns {
                            result: win_true(),
                            peer: None,
                            note,
                            wakes,
                        }
                    }
                    _ => WinOutcome::fails(WinError::ERROR_INVALID_HANDLE),
                }
            }
            WinStep::ReadFile { from, max } => match self.resolve_handle(pid, from, Want::Read) {
                Err(e) => WinOutcome::fails(e),
                // The console has nothing typed: it reads as empty, as the Unix model's does.
                Ok(Resolved::Console(_)) => {
                    WinOutcome::returns(win_bytes(0, Some("".into()), WinError::ERROR_SUCCESS))
                }
                Ok(Resolved::Handle(_, h)) => self.read_handle(pid, h, *max),
            },
            WinStep::WriteFile { to, text } => match self.resolve_handle(pid, to, Want::Write) {
                Err(e) => WinOutcome::fails(e),
                Ok(Resolved::Console(stream)) => {
                    let text = text.clone();
                    let result = win_bytes(text.len() as u32, None, WinError::ERROR_SUCCESS);
                    self.report_call(pid, step, None, Some(result), sink);
                    self.note(pid, Reason::Output { stream, text }, sink);
                    return Flow::Returned;
                }
                Ok(Resolved::Handle(_, h)) => self.write_handle(pid, h, text),
            },
            WinStep::PeekNamedPipe { from, max } => {
                match self.resolve_handle(pid, from, Want::Read) {
                    Ok(Resolved::Handle(_, h)) => self.peek_handle(h, *max),
                    Ok(Resolved::Console(_)) => WinOutcome::fails(WinError::ERROR_INVALID_HANDLE),
                    Err(e) => WinOutcome::fails(e),
                }
            }
            WinStep::CreateNamedPipe {
                object,
                mode,
                instances,
            } => self.create_named_pipe(pid, *object, *mode, *instances),
            WinStep::ConnectNamedPipe { object } => self.connect_named_pipe(pid, *object),
            WinStep::DisconnectNamedPipe { object } => self.disconnect_named_pipe(pid, *object),
            WinStep::WaitNamedPipe { object } => self.wait_named_pipe(pid, *object),
            WinStep::TransactNamedPipe { object, text, max } => {
                self.transact_named_pipe(pid, *object, text, *max)
            }
            WinStep::CreateFile { object, machine } => {
                if self.is_mailslot(*object) {
                    self.open_mailslot(pid, *object, machine.as_deref())
                } else {
                    self.open_named_pipe(pid, *object)
                }
            }
            WinStep::CreateMailslot { object, machine } => {
                self.create_mailslot(pid, *object, machine)
            }
        };
        self.win_finish(pid, step, outcome, sink)
    }

    /// Tells the call and what it came to, then whatever it set off.
    fn win_finish(
        &mut self,
        pid: Pid,
        step: &Step,
        outcome: WinOutcome,
        sink: &mut impl EventSink,
    ) -> Flow {
        match outcome {
            WinOutcome::Returns {
                result,
                peer,
                note,
                wakes,
            } => {
                self.report_call(pid, step, peer, Some(result), sink);
                if let Some(note) = note {
                    self.note(pid, Reason::Win(note), sink);
                }
                self.follow(After::Wake(wakes), sink);
                Flow::Returned
            }
            WinOutcome::Blocks { on, why, wakes } => {
                self.report_call(pid, step, None, None, sink);
                Flow::Blocks(WaitOn::Win(on), Reason::Win(why), After::Wake(wakes))
            }
        }
    }

    /// The state of a Windows object, if it exists.
    pub(super) fn win_object(&mut self, object: ObjectId) -> Option<&mut WinObject> {
        match &mut self.objects[object as usize] {
            Object::Win(w) => Some(w),
            _ => None,
        }
    }

    /// The anonymous pipe `object`, which a handle of it proves exists.
    pub(super) fn anon(&mut self, object: ObjectId) -> &mut AnonPipe {
        match self.win_object(object) {
            Some(WinObject::AnonPipe(p)) => p,
            _ => unreachable!("a handle of an anonymous pipe outlives no pipe"),
        }
    }

    /// Gives `pid` a new handle.
    pub(super) fn add_handle(&mut self, pid: Pid, object: ObjectId, to: HandleTo) -> Fd {
        self.table[pid].files.add(Open::Handle(Handle {
            object,
            to,
            inheritable: false,
        }))
    }

    /// `CreatePipe`: a new anonymous pipe and its two handles.
    fn create_pipe(
        &mut self,
        pid: Pid,
        object: ObjectId,
        inheritable: bool,
        size: u32,
    ) -> WinOutcome {
        let size = if size == 0 { DEFAULT_SIZE } else { size };
        self.objects[object as usize] = Object::Win(WinObject::AnonPipe(AnonPipe::new(size)));
        let files = &mut self.table[pid].files;
        let mut end = |to| {
            files.add(Open::Handle(Handle {
                object,
                to,
                inheritable,
            }))
        };
        let (read, write) = (end(HandleTo::Read), end(HandleTo::Write));
        let result = CallResult {
            data: Some(format!("[read h{read}, write h{write}]").into()),
            ..win_true()
        };
        WinOutcome::noted(
            result,
            WinReason::PipeMade {
                object,
                read,
                write,
                inheritable,
            },
        )
    }

    /// `SetHandleInformation(h, HANDLE_FLAG_INHERIT, …)` on one end of an anonymous pipe.
    fn set_inherit(&mut self, pid: Pid, object: ObjectId, end: End, inherit: bool) -> WinOutcome {
        let want = if end == End::Read {
            Want::Read
        } else {
            Want::Write
        };
        let target = WinTarget::Object {
            object,
            machine: None,
        };
        match self.resolve_handle(pid, &target, want) {
            Ok(Resolved::Handle(fd, h)) if end_fits(Some(end), h) => {
                let handle = Handle {
                    inheritable: inherit,
                    ..h
                };
                self.table[pid].files.set(fd, Open::Handle(handle));
                WinOutcome::returns(win_true())
            }
            _ => WinOutcome::fails(WinError::ERROR_INVALID_HANDLE),
        }
    }

    /// `CreateProcess`: the child runs its own program from its first step. Nothing of the
    /// parent is copied but its inheritable handles (at the same numbers) and the standard
    /// handles `STARTUPINFO` names; a standard handle that is not inheritable is invalid in
    /// the child. Told like `fork`: the child is made, the call returns, the child is admitted.
    fn create_process(
        &mut self,
        parent: Pid,
        step: &Step,
        child: SpecIndex,
        std: [Option<ObjectId>; 3],
        sink: &mut impl EventSink,
    ) -> Flow {
        let spec = self.workload.spec(child).clone();
        let pid = self.create(
            &spec,
            parent,
            Reason::Win(WinReason::Created { parent }),
            sink,
        );
        let from = self.table[parent].files.clone();
        let mut files = FdTable::default();
        let mut passed: Vec<Fd> = Vec::new();
        let mut is = [StdIs::Console; 3];
        for (i, pipe) in std.iter().enumerate() {
            let fd = i as Fd;
            let source = match pipe {
                Some(object) => {
                    let to = if i == 0 {
                        HandleTo::Read
                    } else {
                        HandleTo::Write
                    };
                    from.iter().find(|(_, open)| {
                        matches!(open, Open::Handle(h) if h.object == *object && h.to == to)
                    })
                }
                None => from.get(fd).map(|open| (fd, open)),
            };
            is[i] = match source {
                Some((_, Open::Terminal)) => StdIs::Console,
                Some((at, Open::Handle(handle))) if handle.inheritable => {
                    files.set(fd, Open::Handle(handle));
                    self.handle_copied(handle);
                    passed.push(at);
                    StdIs::Handle { handle }
                }
                other => {
                    files.close(fd);
                    match other {
                        Some((_, Open::Handle(handle))) => StdIs::NotInherited { handle },
                        _ => StdIs::Invalid,
                    }
                }
            };
        }
        let mut others = Vec::new();
        for (fd, open) in from.iter() {
            if let Open::Handle(h) = open
                && h.inheritable
                && fd > Stream::Stderr as Fd
                && !passed.contains(&fd)
            {
                files.set(fd, open);
                self.handle_copied(h);
                others.push(h);
            }
        }
        self.table[pid].files = files;
        self.report_call(parent, step, Some(pid), Some(win_true()), sink);
        let inherited = WinReason::Inherited {
            child: pid,
            std: is.into(),
            others: others.into(),
        };
        self.note(parent, Reason::Win(inherited), sink);
        self.admit_child(pid, sink);
        Flow::Returned
    }

    /// The handle (or console) a step's name stands for in `pid`. Of several handles for one
    /// object, the one `want`ed; among those, for a named pipe the newest instance, for a
    /// mailslot the one on the machine named (else the newest).
    pub(super) fn resolve_handle(
        &self,
        pid: Pid,
        target: &WinTarget,
        want: Want,
    ) -> Result<Resolved, WinError> {
        let files = &self.table[pid].files;
        let (object, machine) = match target {
            WinTarget::Std { stream } => {
                return match files.stream(*stream) {
                    Some(Open::Terminal) => Ok(Resolved::Console(*stream)),
                    Some(Open::Handle(h)) => Ok(Resolved::Handle(*stream as Fd, h)),
                    // A Unix descriptor is no handle, and a closed one is nothing.
                    _ => Err(WinError::ERROR_INVALID_HANDLE),
                };
            }
            WinTarget::Object { object, machine } => (*object, machine.as_deref()),
        };
        let mine = files.iter().filter_map(|(fd, open)| match open {
            Open::Handle(h) if h.object == object => Some((fd, h)),
            _ => None,
        });
        let on_machine = |h: &Handle| match (machine, &self.objects[object as usize]) {
            (Some(m), Object::Win(WinObject::Mailslot(slots))) => match h.to {
                HandleTo::Mailslot { slot } => {
                    &*slots.machine_name(slots.slots[slot as usize].machine) == m
                }
                HandleTo::Writer { machine: Some(i) } => &*slots.machine_name(i) == m,
                HandleTo::Writer { machine: None } => m == super::mailslot::DOMAIN,
                _ => false,
            },
            _ => true,
        };
        let fits = |h: &Handle| match (want, h.to) {
            (Want::Any, _) => true,
            (Want::Read, HandleTo::Write | HandleTo::Writer { .. }) => false,
            (Want::Write, HandleTo::Read | HandleTo::Mailslot { .. }) => false,
            _ => true,
        };
        let rank = |&(fd, h): &(Fd, Handle)| {
            let instance = match h.to {
                HandleTo::Server { instance } | HandleTo::Client { instance, .. } => instance,
                _ => 0,
            };
            (fits(&h), instance, fd)
        };
        mine.filter(|(_, h)| on_machine(h))
            .max_by_key(rank)
            .map(|(fd, h)| Resolved::Handle(fd, h))
            .ok_or(WinError::ERROR_INVALID_HANDLE)
    }

    /// A process holds one more handle of an object (inherited, or copied by a `fork`).
    pub(super) fn handle_copied(&mut self, h: Handle) {
        let Some(object) = self.win_object(h.object) else {
            return;
        };
        match (object, h.to) {
            (WinObject::AnonPipe(p), HandleTo::Read) => p.readers += 1,
            (WinObject::AnonPipe(p), HandleTo::Write) => p.writers += 1,
            (WinObject::NamedPipe(p), HandleTo::Server { instance }) => {
                p.instances[instance as usize].server_refs += 1;
            }
            (WinObject::NamedPipe(p), HandleTo::Client { instance, session }) => {
                let i = &mut p.instances[instance as usize];
                if i.session == session {
                    i.client_refs += 1;
                }
            }
            (WinObject::Mailslot(m), HandleTo::Mailslot { slot }) => {
                m.slots[slot as usize].refs += 1;
            }
            _ => {}
        }
    }

    /// A handle was closed (by `CloseHandle`, or as its process ended): one user fewer,
    /// which may end others' waits. What returns, and what to tell the closer.
    pub(super) fn handle_released(&mut self, h: Handle) -> (Vec<Wakeup>, Option<WinReason>) {
        match h.to {
            HandleTo::Read | HandleTo::Write => {
                let pipe = self.anon(h.object);
                let count = if h.to == HandleTo::Read {
                    &mut pipe.readers
                } else {
                    &mut pipe.writers
                };
                *count = count.saturating_sub(1);
                (self.anon_serve(h.object), None)
            }
            HandleTo::Server { instance } => (self.server_closed(h.object, instance), None),
            HandleTo::Client { instance, session } => {
                (self.client_closed(h.object, instance, session), None)
            }
            HandleTo::Mailslot { slot } => (Vec::new(), self.mailslot_closed(h.object, slot)),
            HandleTo::Writer { .. } => (Vec::new(), None),
        }
    }

    /// A handle went away without a call (its process ended, or `redirect` replaced it).
    pub(super) fn handle_gone(&mut self, h: Handle, sink: &mut impl EventSink) {
        let (wakes, _) = self.handle_released(h);
        self.follow(After::Wake(wakes), sink);
    }

    /// `ReadFile` with handle `h`.
    fn read_handle(&mut self, pid: Pid, h: Handle, max: u32) -> WinOutcome {
        match h.to {
            HandleTo::Read => self.read_anon(pid, h.object, max),
            HandleTo::Server { instance } => self.read_instance(pid, h.object, instance, None, max),
            HandleTo::Client { instance, session } => {
                self.read_instance(pid, h.object, instance, Some(session), max)
            }
            HandleTo::Mailslot { slot } => self.read_mailslot(pid, h.object, slot, max),
            HandleTo::Write | HandleTo::Writer { .. } => {
                WinOutcome::fails(WinError::ERROR_ACCESS_DENIED)
            }
        }
    }

    /// `WriteFile` with handle `h`.
    fn write_handle(&mut self, pid: Pid, h: Handle, text: &std::sync::Arc<str>) -> WinOutcome {
        match h.to {
            HandleTo::Write => self.write_anon(pid, h.object, text),
            HandleTo::Server { instance } => self.write_instance(h.object, instance, None, text),
            HandleTo::Client { instance, session } => {
                self.write_instance(h.object, instance, Some(session), text)
            }
            HandleTo::Writer { machine } => self.write_mailslot(h.object, machine, text),
            HandleTo::Read | HandleTo::Mailslot { .. } => {
                WinOutcome::fails(WinError::ERROR_ACCESS_DENIED)
            }
        }
    }

    /// Whether `pid` is in the queue of the Windows object it waits on.
    pub(super) fn win_holds(&self, pid: Pid, on: WinWait) -> bool {
        matches!(&self.objects[on.object() as usize], Object::Win(w) if w.holds(pid))
    }
}

/// True if `h` is the end a step names (an anonymous pipe's), or no end is named.
fn end_fits(end: Option<End>, h: Handle) -> bool {
    match end {
        Some(End::Read) => h.to == HandleTo::Read,
        Some(End::Write) => h.to == HandleTo::Write,
        None => true,
    }
}
