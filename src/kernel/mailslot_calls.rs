//! The calls of mailslots: `CreateMailslot` (the server's, on a machine), `CreateFile` (a
//! client's, for writing to one machine's mailslot or broadcasting to the domain's),
//! `WriteFile` (one message, to every mailslot the handle reaches, or lost) and `ReadFile`
//! (the server's: one whole message, waiting while there is none).

use super::engine::Kernel;
use super::event::Reason;
use super::ids::Pid;
use super::ipc::{Object, ObjectKind};
use super::mailslot::{self, BROADCAST_LIMIT, DOMAIN, Got, LOCAL, Mailslot, Slot};
use super::program::ObjectId;
use super::syscalls::Wakeup;
use super::win::{HandleTo, WinKind, WinObject, WinWait};
use super::win_calls::WinOutcome;
use super::win_error::{WinError, win_bytes, win_false, win_handle, win_no_handle};
use super::win_reason::WinReason;
use std::sync::Arc;

impl Kernel {
    /// True if the scenario's name `object` is a mailslot's.
    pub(super) fn is_mailslot(&self, object: ObjectId) -> bool {
        self.workload.objects()[object as usize].kind == ObjectKind::Win(WinKind::Mailslot)
    }

    /// The mailslots of a name, made empty on first use.
    fn mailslots(&mut self, object: ObjectId) -> &mut Mailslot {
        let slot = &mut self.objects[object as usize];
        if !matches!(slot, Object::Win(WinObject::Mailslot(_))) {
            *slot = Object::Win(WinObject::Mailslot(Mailslot::default()));
        }
        match slot {
            Object::Win(WinObject::Mailslot(m)) => m,
            _ => unreachable!("made above"),
        }
    }

    /// `CreateMailslot`: a mailslot of this name on `machine`, unless one exists there.
    pub(super) fn create_mailslot(
        &mut self,
        pid: Pid,
        object: ObjectId,
        machine: &str,
    ) -> WinOutcome {
        let m = self.mailslots(object);
        let on = m.machine(machine);
        if m.open_on(on).is_some() {
            return WinOutcome::returns(win_no_handle(WinError::ERROR_ALREADY_EXISTS));
        }
        m.slots.push(Slot {
            machine: on,
            inbox: Default::default(),
            refs: 1,
        });
        let slot = (m.slots.len() - 1) as u32;
        WinOutcome::returns(win_handle(self.add_handle(
            pid,
            object,
            HandleTo::Mailslot { slot },
        )))
    }

    /// `CreateFile` of a mailslot, for writing: to this machine's (which must exist), to
    /// another machine's (which nobody can check: datagrams go out blind), or to every one.
    pub(super) fn open_mailslot(
        &mut self,
        pid: Pid,
        object: ObjectId,
        machine: Option<&str>,
    ) -> WinOutcome {
        let m = self.mailslots(object);
        let target = match machine.unwrap_or(LOCAL) {
            DOMAIN => None,
            name => Some(m.machine(name)),
        };
        let local = m.machine(LOCAL);
        if target == Some(local) && m.open_on(local).is_none() {
            return WinOutcome::returns(win_no_handle(WinError::ERROR_FILE_NOT_FOUND));
        }
        let fd = self.add_handle(pid, object, HandleTo::Writer { machine: target });
        WinOutcome::returns(win_handle(fd))
    }

    /// `WriteFile` to a mailslot: one message to each mailslot the handle reaches — none,
    /// and it is lost without a word; a broadcast longer than 400 bytes is refused.
    pub(super) fn write_mailslot(
        &mut self,
        object: ObjectId,
        machine: Option<u32>,
        text: &Arc<str>,
    ) -> WinOutcome {
        let bytes = text.len() as u32;
        if machine.is_none() && text.len() > BROADCAST_LIMIT {
            return WinOutcome::noted(
                win_false(WinError::ERROR_INVALID_PARAMETER),
                WinReason::TooLongToBroadcast { object, bytes },
            );
        }
        let m = self.mailslots(object);
        let targets = m.targets(machine);
        let place = |m: &Mailslot| match machine {
            Some(i) => m.machine_name(i),
            None => DOMAIN.into(),
        };
        let note = if targets.is_empty() {
            WinReason::Lost {
                object,
                machine: place(m),
            }
        } else {
            let names: Vec<Arc<str>> = targets
                .iter()
                .map(|&s| m.machine_name(m.slots[s as usize].machine))
                .collect();
            WinReason::Delivered {
                object,
                machines: names.join(", ").into(),
                broadcast: machine.is_none(),
            }
        };
        let mut wakes = Vec::new();
        for slot in targets {
            let inbox = &mut m.slots[slot as usize].inbox;
            inbox.data.push_back(text.clone());
            wakes.extend(mailslot::serve(inbox).into_iter().map(|(pid, got)| {
                let (result, why) = read_result(object, got);
                Wakeup {
                    pid,
                    result,
                    reason: Reason::Win(why),
                }
            }));
        }
        // A message to one mailslot that got there needs no word; a broadcast or a loss does.
        let note = match note {
            WinReason::Delivered {
                broadcast: false, ..
            } => None,
            note => Some(note),
        };
        WinOutcome::Returns {
            result: win_bytes(bytes, None, WinError::ERROR_SUCCESS),
            peer: None,
            note,
            wakes,
        }
    }

    /// `ReadFile` of a mailslot with its server's handle: the next message, whole.
    pub(super) fn read_mailslot(
        &mut self,
        pid: Pid,
        object: ObjectId,
        slot: u32,
        max: u32,
    ) -> WinOutcome {
        let m = self.mailslots(object);
        let machine = m.machine_name(m.slots[slot as usize].machine);
        let inbox = &mut m.slots[slot as usize].inbox;
        match mailslot::read(inbox, max) {
            Some(Got::TooSmall(needed)) => {
                let (result, why) = read_result(object, Got::TooSmall(needed));
                WinOutcome::noted(result, why)
            }
            Some(got) => WinOutcome::returns(read_result(object, got).0),
            None => {
                inbox.reading.push_back((pid, max));
                WinOutcome::Blocks {
                    on: WinWait::ReadFile { object },
                    why: WinReason::WaitsForMessage { object, machine },
                    wakes: Vec::new(),
                }
            }
        }
    }

    /// The last handle of a mailslot closed: it is deleted, with its unread messages.
    pub(super) fn mailslot_closed(&mut self, object: ObjectId, slot: u32) -> Option<WinReason> {
        let m = self.mailslots(object);
        let machine = m.machine_name(m.slots[slot as usize].machine);
        let s = &mut m.slots[slot as usize];
        s.refs = s.refs.saturating_sub(1);
        if s.refs > 0 {
            return None;
        }
        let messages = s.inbox.data.len() as u32;
        s.inbox.data.clear();
        Some(WinReason::MailslotDeleted {
            object,
            machine,
            messages,
        })
    }
}

/// What a blocked or immediate mailslot read returns, and why.
fn read_result(object: ObjectId, got: Got) -> (super::call::CallResult, WinReason) {
    match got {
        Got::Message(text) => {
            let bytes = text.len() as u32;
            (
                win_bytes(bytes, Some(text), WinError::ERROR_SUCCESS),
                WinReason::MessageArrives { object, bytes },
            )
        }
        Got::TooSmall(needed) => (
            win_false(WinError::ERROR_INSUFFICIENT_BUFFER),
            WinReason::BufferTooSmall { object, needed },
        ),
    }
}
