//! The calls that make and join a named pipe's instances: `CreateNamedPipe` (a new
//! instance, up to the pipe's maximum), `ConnectNamedPipe` (the server waits for a client),
//! `CreateFile` (a client takes the oldest free instance), `WaitNamedPipe` (a client waits
//! while every instance is busy) and `DisconnectNamedPipe`, with what closing either side's
//! handle does to the other. Reading and writing them is in `winpipe_calls`.

use super::engine::Kernel;
use super::event::Reason;
use super::ids::Pid;
use super::ipc::Object;
use super::program::ObjectId;
use super::syscalls::Wakeup;
use super::win::{HandleTo, PipeMode, WinObject, WinTarget, WinWait};
use super::win_calls::{Resolved, Want, WinOutcome};
use super::win_error::{WinError, win_false, win_handle, win_no_handle, win_true};
use super::win_reason::WinReason;
use super::winpipe::{Instance, InstanceState, NamedPipe};
use super::winpipe_calls::fail_all;

impl Kernel {
    /// The named pipe `object`, if it was ever made.
    pub(super) fn named(&mut self, object: ObjectId) -> Option<&mut NamedPipe> {
        match self.win_object(object) {
            Some(WinObject::NamedPipe(p)) => Some(p),
            _ => None,
        }
    }

    /// The instance a handle of it refers to.
    pub(super) fn instance(
        &mut self,
        object: ObjectId,
        instance: u32,
    ) -> (PipeMode, &mut Instance) {
        let pipe = self
            .named(object)
            .expect("a handle of a named pipe outlives no pipe");
        (pipe.mode, &mut pipe.instances[instance as usize])
    }

    /// The server handle of `pid` for `object`'s newest instance, if it holds one.
    fn server_instance(&self, pid: Pid, object: ObjectId) -> Option<u32> {
        let target = WinTarget::Object {
            object,
            machine: None,
        };
        match self.resolve_handle(pid, &target, Want::Any) {
            Ok(Resolved::Handle(_, h)) => match h.to {
                HandleTo::Server { instance } => Some(instance),
                _ => None,
            },
            _ => None,
        }
    }

    /// `CreateNamedPipe`: a new instance, if the pipe has fewer than its maximum.
    pub(super) fn create_named_pipe(
        &mut self,
        pid: Pid,
        object: ObjectId,
        mode: PipeMode,
        max: u32,
    ) -> WinOutcome {
        let slot = &mut self.objects[object as usize];
        if !matches!(slot, Object::Win(WinObject::NamedPipe(_))) {
            *slot = Object::Win(WinObject::NamedPipe(NamedPipe::new(mode, max)));
        }
        let pipe = self.named(object).expect("made above");
        if pipe.open_instances() == 0 {
            // The first instance (again) sets what every instance will be.
            pipe.mode = mode;
            pipe.max_instances = max;
        }
        if pipe.open_instances() >= pipe.max_instances {
            return WinOutcome::returns(win_no_handle(WinError::ERROR_PIPE_BUSY));
        }
        pipe.instances.push(Instance::new(pid));
        let instance = (pipe.instances.len() - 1) as u32;
        let wakes = instance_freed(pipe, object, instance);
        let fd = self.add_handle(pid, object, HandleTo::Server { instance });
        WinOutcome::Returns {
            result: win_handle(fd),
            peer: None,
            note: None,
            wakes,
        }
    }

    /// `ConnectNamedPipe`: waits for a client on the server's instance (making a disconnected
    /// one free again), unless one has connected already.
    pub(super) fn connect_named_pipe(&mut self, pid: Pid, object: ObjectId) -> WinOutcome {
        let Some(instance) = self.server_instance(pid, object) else {
            return WinOutcome::fails(WinError::ERROR_INVALID_HANDLE);
        };
        let pipe = self.named(object).expect("a server handle proves it");
        let inst = &mut pipe.instances[instance as usize];
        let wait = WinOutcome::Blocks {
            on: WinWait::Client { object },
            why: WinReason::WaitsForClient { object, instance },
            wakes: Vec::new(),
        };
        match inst.state {
            InstanceState::Connected => WinOutcome::noted(
                win_false(WinError::ERROR_PIPE_CONNECTED),
                WinReason::ClientConnected {
                    object,
                    instance,
                    client: inst.client.unwrap_or(pid),
                },
            ),
            InstanceState::ClientGone => WinOutcome::fails(WinError::ERROR_NO_DATA),
            InstanceState::Listening => {
                inst.connecting = Some(pid);
                wait
            }
            InstanceState::Disconnected => {
                inst.state = InstanceState::Listening;
                inst.connecting = Some(pid);
                match wait {
                    WinOutcome::Blocks { on, why, .. } => WinOutcome::Blocks {
                        on,
                        why,
                        wakes: instance_freed(pipe, object, instance),
                    },
                    returns => returns,
                }
            }
            InstanceState::ServerGone | InstanceState::Closed => {
                WinOutcome::fails(WinError::ERROR_INVALID_HANDLE)
            }
        }
    }

    /// `CreateFile` of a named pipe: the client is joined to the oldest free instance.
    pub(super) fn open_named_pipe(&mut self, pid: Pid, object: ObjectId) -> WinOutcome {
        let Some(pipe) = self.named(object).filter(|p| p.open_instances() > 0) else {
            return WinOutcome::returns(win_no_handle(WinError::ERROR_FILE_NOT_FOUND));
        };
        let Some(instance) = pipe.free_instance() else {
            return WinOutcome::returns(win_no_handle(WinError::ERROR_PIPE_BUSY));
        };
        let inst = &mut pipe.instances[instance as usize];
        inst.connect(pid);
        let session = inst.session;
        let server = inst.connecting.take();
        let fd = self.add_handle(pid, object, HandleTo::Client { instance, session });
        let wakes = server
            .map(|s| Wakeup {
                pid: s,
                result: win_true(),
                reason: Reason::Win(WinReason::ClientConnected {
                    object,
                    instance,
                    client: pid,
                }),
            })
            .into_iter()
            .collect();
        WinOutcome::Returns {
            result: win_handle(fd),
            peer: server,
            note: Some(WinReason::Opened { object, instance }),
            wakes,
        }
    }

    /// `WaitNamedPipe`: returns at once if an instance is free, else waits for one.
    pub(super) fn wait_named_pipe(&mut self, pid: Pid, object: ObjectId) -> WinOutcome {
        let Some(pipe) = self.named(object).filter(|p| p.open_instances() > 0) else {
            return WinOutcome::fails(WinError::ERROR_FILE_NOT_FOUND);
        };
        if pipe.free_instance().is_some() {
            return WinOutcome::returns(win_true());
        }
        pipe.waiting.push_back(pid);
        WinOutcome::Blocks {
            on: WinWait::Instance { object },
            why: WinReason::WaitsForInstance { object },
            wakes: Vec::new(),
        }
    }

    /// `DisconnectNamedPipe`: the session ends, unread data is thrown away, and the client's
    /// handle is good for nothing; the instance is free again after `ConnectNamedPipe`.
    pub(super) fn disconnect_named_pipe(&mut self, pid: Pid, object: ObjectId) -> WinOutcome {
        let Some(instance) = self.server_instance(pid, object) else {
            return WinOutcome::fails(WinError::ERROR_INVALID_HANDLE);
        };
        let (_, inst) = self.instance(object, instance);
        if inst.state == InstanceState::Disconnected {
            return WinOutcome::returns(win_true());
        }
        let bytes = (inst.inbound.bytes() + inst.outbound.bytes()) as u32;
        let cut_off: Vec<Pid> = (inst.outbound.reading.drain(..))
            .chain(inst.inbound.reading.drain(..))
            .map(|r| r.0)
            .collect();
        inst.disconnect();
        let wakes = fail_all(cut_off, WinError::ERROR_PIPE_NOT_CONNECTED, || {
            WinReason::Disconnected { object }
        });
        WinOutcome::Returns {
            result: win_true(),
            peer: None,
            note: (bytes > 0).then_some(WinReason::Discarded { object, bytes }),
            wakes,
        }
    }

    /// The last server handle of an instance closed: a connected client reads what is left
    /// and then finds the pipe broken; an instance nobody holds is gone. Once no instance is
    /// left, clients waiting for one fail.
    pub(super) fn server_closed(&mut self, object: ObjectId, instance: u32) -> Vec<Wakeup> {
        let pipe = self.named(object).expect("a server handle proves it");
        let inst = &mut pipe.instances[instance as usize];
        inst.server_refs = inst.server_refs.saturating_sub(1);
        if inst.server_refs > 0 {
            return Vec::new();
        }
        let mut broken = Vec::new();
        match inst.state {
            InstanceState::Connected => {
                inst.state = InstanceState::ServerGone;
                if inst.outbound.data.is_empty() {
                    broken.extend(inst.outbound.reading.drain(..).map(|r| r.0));
                }
            }
            InstanceState::ServerGone | InstanceState::Closed => {}
            _ => {
                inst.state = InstanceState::Closed;
                inst.connecting = None;
            }
        }
        let mut wakes = fail_all(broken, WinError::ERROR_BROKEN_PIPE, || {
            WinReason::BrokenPipe {
                object,
                named: true,
            }
        });
        wakes.extend(pipe_gone(pipe, object));
        wakes
    }

    /// The last handle of a session's client closed: the server reads what is left and then
    /// finds the pipe broken, until it disconnects.
    pub(super) fn client_closed(
        &mut self,
        object: ObjectId,
        instance: u32,
        session: u32,
    ) -> Vec<Wakeup> {
        let pipe = self.named(object).expect("a client handle proves it");
        let inst = &mut pipe.instances[instance as usize];
        let current = matches!(
            inst.state,
            InstanceState::Connected | InstanceState::ServerGone
        );
        if inst.session != session || !current {
            return Vec::new();
        }
        inst.client_refs = inst.client_refs.saturating_sub(1);
        if inst.client_refs > 0 {
            return Vec::new();
        }
        if inst.state == InstanceState::ServerGone {
            inst.state = InstanceState::Closed;
            return pipe_gone(pipe, object);
        }
        inst.state = InstanceState::ClientGone;
        let broken: Vec<Pid> = if inst.inbound.data.is_empty() {
            inst.inbound.reading.drain(..).map(|r| r.0).collect()
        } else {
            Vec::new()
        };
        fail_all(broken, WinError::ERROR_BROKEN_PIPE, || {
            WinReason::BrokenPipe {
                object,
                named: true,
            }
        })
    }
}

/// Instance `instance` is free: every client in `WaitNamedPipe` returns (the first to open
/// it gets it; the others may find it busy again).
fn instance_freed(pipe: &mut NamedPipe, object: ObjectId, instance: u32) -> Vec<Wakeup> {
    pipe.waiting
        .drain(..)
        .map(|pid| Wakeup {
            pid,
            result: win_true(),
            reason: Reason::Win(WinReason::InstanceFree { object, instance }),
        })
        .collect()
}

/// Once no instance of the pipe is left, the clients waiting for one fail.
fn pipe_gone(pipe: &mut NamedPipe, object: ObjectId) -> Vec<Wakeup> {
    if pipe.open_instances() > 0 {
        return Vec::new();
    }
    let waiting: Vec<Pid> = pipe.waiting.drain(..).collect();
    fail_all(waiting, WinError::ERROR_FILE_NOT_FOUND, || {
        WinReason::PipeGone { object }
    })
}
