//! The system calls of shared memory, in three flavours (see `segment`): `shm` makes or
//! attaches the object and maps it; `produce` and `consume` use the ring through the mapping,
//! waiting while it is full or empty, and each wakes the other side's waiters; `detach`,
//! `close`, `unlink` and `remove` let go of it, each flavour its own way. A process that
//! forks, execs or ends takes its mappings and descriptors along, as the real kernels do.

use super::call::{CallResult, Errno};
use super::engine::Kernel;
use super::event::{EventSink, Reason};
use super::files::Open;
use super::ids::Pid;
use super::ipc::{Object, Ring};
use super::program::{ObjectId, Step};
use super::segment::{Cleanup, Flavour, Life, SharedMemory, Unmapped, model_key};
use super::state::WaitOn;
use super::syscalls::{After, Flow};
use std::sync::Arc;

/// What a shared-memory call comes to, before it is told.
struct Told {
    /// Its result, or `None` if it blocks (then on the ring, for this reason).
    result: Result<CallResult, Reason>,
    /// Notes about the object's life, told after the call.
    notes: Vec<Reason>,
    /// Whom the call may let go on.
    after: After,
}

impl Told {
    fn returns(result: CallResult) -> Told {
        Told {
            result: Ok(result),
            notes: Vec::new(),
            after: After::Nothing,
        }
    }
}

impl Kernel {
    /// Executes a shared-memory step of the running process `pid`: the call is told first,
    /// then what it did to the object's life, then whom it woke.
    pub(super) fn shm_call(&mut self, pid: Pid, step: &Step, sink: &mut impl EventSink) -> Flow {
        let told = match *step {
            Step::Shm {
                object,
                slots,
                flavour,
            } => self.shm(pid, object, slots, flavour),
            Step::Produce { object, ref item } => self.produce(pid, object, item.clone()),
            Step::Consume { object } => self.consume(pid, object),
            Step::Cleanup { object, act, .. } => self.cleanup(pid, object, act),
            _ => unreachable!("only shared-memory steps come here"),
        };
        match told.result {
            Err(reason) => {
                self.report_call(pid, step, None, None, sink);
                let object = match *step {
                    Step::Produce { object, .. } | Step::Consume { object } => object,
                    _ => unreachable!("only produce and consume wait"),
                };
                Flow::Blocks(WaitOn::Ring { object }, reason, told.after)
            }
            Ok(result) => {
                self.report_call(pid, step, None, Some(result), sink);
                for note in told.notes {
                    self.note(pid, note, sink);
                }
                self.follow(told.after, sink);
                Flow::Returned
            }
        }
    }

    fn shared(&mut self, object: ObjectId) -> Option<&mut SharedMemory> {
        match &mut self.objects[object as usize] {
            Object::Ring(m) => Some(m),
            _ => None,
        }
    }

    fn ring(&mut self, object: ObjectId, segment: usize) -> Option<&mut Ring> {
        self.shared(object)?
            .segments
            .get_mut(segment)
            .map(|s| &mut s.ring)
    }

    /// The model's shmid for the next System V segment: segments are numbered in the order
    /// they are made, across the run, from 0.
    fn next_sysv_id(&self) -> u32 {
        self.objects
            .iter()
            .map(|o| match o {
                Object::Ring(m) if m.flavour == Flavour::SystemV => m.made,
                _ => 0,
            })
            .sum()
    }

    /// `shm`: finds the object by its name (or key) or makes it, and maps it; POSIX and
    /// Windows also give a descriptor or handle. Returns it, or the shmid for System V.
    fn shm(&mut self, pid: Pid, object: ObjectId, slots: u32, flavour: Flavour) -> Told {
        let id = match flavour {
            Flavour::SystemV => self.next_sysv_id(),
            _ => self.shared(object).map_or(0, |m| m.made),
        };
        if self.shared(object).is_none() {
            let key = model_key(&self.workload.objects()[object as usize].name);
            self.objects[object as usize] = Object::Ring(SharedMemory::new(flavour, slots, key));
        }
        let m = self.shared(object).expect("made above");
        let (index, life) = match m.current() {
            Some(i) => {
                let s = &mut m.segments[i];
                s.views.push(pid);
                if flavour != Flavour::SystemV {
                    s.handles.push(pid);
                }
                let views = s.views.len() as u32;
                (i, Life::Attached { views })
            }
            None => (m.create(pid, id), Life::Created { id }),
        };
        let ret = match flavour {
            Flavour::SystemV => i64::from(m.segments[index].id),
            _ => i64::from(self.table[pid].files.add(Open::Ring { object })),
        };
        Told {
            notes: vec![Reason::Shm {
                object,
                flavour,
                life,
            }],
            ..Told::returns(CallResult::ok(ret))
        }
    }

    /// `produce`: puts an item in the ring the process has mapped, or waits while it is full.
    fn produce(&mut self, pid: Pid, object: ObjectId, item: Arc<str>) -> Told {
        let Some(i) = self.shared(object).and_then(|m| m.mapped_by(pid)) else {
            return Told::returns(CallResult::err(Errno::EBADF));
        };
        let ring = self.ring(object, i).expect("mapped");
        let after = After::Consumers(object);
        if ring.is_full() {
            ring.producing.push_back((pid, item));
            let reason = Reason::WaitsOnRing { object, full: true };
            return Told {
                result: Err(reason),
                notes: Vec::new(),
                after,
            };
        }
        ring.put(item);
        Told {
            after,
            ..Told::returns(CallResult::ok(0))
        }
    }

    /// `consume`: takes the oldest item from the ring the process has mapped, or waits while
    /// it is empty.
    fn consume(&mut self, pid: Pid, object: ObjectId) -> Told {
        let Some(i) = self.shared(object).and_then(|m| m.mapped_by(pid)) else {
            return Told::returns(CallResult::err(Errno::EBADF));
        };
        let ring = self.ring(object, i).expect("mapped");
        let after = After::Producers(object);
        if ring.is_empty() {
            ring.consuming.push_back(pid);
            let reason = Reason::WaitsOnRing {
                object,
                full: false,
            };
            return Told {
                result: Err(reason),
                notes: Vec::new(),
                after,
            };
        }
        Told {
            after,
            ..Told::returns(CallResult::with_data(0, ring.take()))
        }
    }

    /// Consumers waiting on any of the name's rings take what is there now.
    pub(super) fn serve_consumers(&mut self, object: ObjectId, sink: &mut impl EventSink) {
        let mut i = 0;
        while let Some(ring) = self.ring(object, i) {
            if !ring.is_empty()
                && let Some(pid) = ring.consuming.pop_front()
            {
                let item = ring.take();
                let result = CallResult::with_data(0, item);
                self.complete(pid, result, Reason::Consumed { object }, sink);
                self.serve_producers(object, sink);
                continue;
            }
            i += 1;
        }
    }

    /// Producers waiting on any of the name's rings put their item in, now that there is room.
    pub(super) fn serve_producers(&mut self, object: ObjectId, sink: &mut impl EventSink) {
        let mut i = 0;
        while let Some(ring) = self.ring(object, i) {
            if !ring.is_full()
                && let Some((pid, item)) = ring.producing.pop_front()
            {
                ring.put(item);
                self.complete(pid, CallResult::ok(0), Reason::Produced { object }, sink);
                self.serve_consumers(object, sink);
                continue;
            }
            i += 1;
        }
    }

    /// `detach`, `close`, `unlink` or `remove`.
    fn cleanup(&mut self, pid: Pid, object: ObjectId, act: Cleanup) -> Told {
        let now = self.now;
        let fd = self.table[pid].files.named(object, None);
        let Some(m) = self.shared(object) else {
            return Told::returns(CallResult::err(act.nothing()));
        };
        let flavour = m.flavour;
        let found = match act {
            Cleanup::Detach => m.mapped_by(pid),
            Cleanup::Close => m.held_by(pid),
            Cleanup::Unlink => m.current(),
            // The segment the process has attached, or the one the key finds now.
            Cleanup::Remove => m.mapped_by(pid).or(m.current()),
        };
        let Some(i) = found else {
            return Told::returns(CallResult::err(act.nothing()));
        };
        let s = &mut m.segments[i];
        let life = match act {
            Cleanup::Detach => {
                take_one(&mut s.views, pid);
                Life::Detached {
                    views: s.views.len() as u32,
                    handles: s.handles.len() as u32,
                    named: s.named,
                    by: Unmapped::Detach,
                }
            }
            Cleanup::Close => {
                take_one(&mut s.handles, pid);
                Life::Closed {
                    handles: s.handles.len() as u32,
                    views: s.views.len() as u32,
                }
            }
            Cleanup::Unlink | Cleanup::Remove => {
                s.named = false;
                Life::NameRemoved {
                    views: s.views.len() as u32,
                }
            }
        };
        let gone = m.collect(now) > 0;
        if act == Cleanup::Close
            && let Some(fd) = fd
        {
            self.table[pid].files.close(fd);
        }
        let mut notes = vec![Reason::Shm {
            object,
            flavour,
            life,
        }];
        if gone {
            notes.push(Reason::Shm {
                object,
                flavour,
                life: Life::Gone,
            });
        }
        Told {
            notes,
            ..Told::returns(CallResult::ok(0))
        }
    }

    /// A fork: the child shares every object its parent has mapped or holds.
    pub(super) fn shm_inherit(&mut self, parent: Pid, child: Pid) {
        for object in &mut self.objects {
            if let Object::Ring(m) = object {
                m.inherit(parent, child);
            }
        }
    }

    /// An ending process (`exiting`) or an `exec`: its mappings go, and so do its
    /// descriptors and handles (at `exec`, only the POSIX descriptors, which `shm_open` makes
    /// close-on-exec). Tells what that does to each object, and destroys what nothing keeps.
    pub(super) fn shm_release(&mut self, pid: Pid, exiting: bool, sink: &mut impl EventSink) {
        let now = self.now;
        let mut notes = Vec::new();
        let mut closed = Vec::new();
        for (object, o) in self.objects.iter_mut().enumerate() {
            let Object::Ring(m) = o else { continue };
            let flavour = m.flavour;
            let drop_handles = exiting || flavour == Flavour::Posix;
            for s in &mut m.segments {
                let views = s.views.len();
                let handles = s.handles.len();
                s.views.retain(|&p| p != pid);
                if drop_handles {
                    s.handles.retain(|&p| p != pid);
                }
                let life = if s.views.len() < views {
                    Life::Detached {
                        views: s.views.len() as u32,
                        handles: s.handles.len() as u32,
                        named: s.named,
                        by: if exiting {
                            Unmapped::End
                        } else {
                            Unmapped::Exec
                        },
                    }
                } else if s.handles.len() < handles {
                    Life::Closed {
                        handles: s.handles.len() as u32,
                        views: s.views.len() as u32,
                    }
                } else {
                    continue;
                };
                notes.push((object as ObjectId, flavour, life));
            }
            if m.collect(now) > 0 {
                notes.push((object as ObjectId, flavour, Life::Gone));
            }
            if drop_handles && !exiting {
                closed.push(object as ObjectId);
            }
        }
        for object in closed {
            while let Some(fd) = self.table[pid].files.named(object, None) {
                self.table[pid].files.close(fd);
            }
        }
        for (object, flavour, life) in notes {
            let reason = Reason::Shm {
                object,
                flavour,
                life,
            };
            self.note(pid, reason, sink);
        }
    }
}

/// Removes one entry of `pid` from a list of holders.
fn take_one(list: &mut Vec<Pid>, pid: Pid) {
    if let Some(at) = list.iter().position(|&p| p == pid) {
        list.remove(at);
    }
}
