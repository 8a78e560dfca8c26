//! The calls that carry data through Windows pipes: `ReadFile` and `WriteFile` on an
//! anonymous pipe (a reader waits while it is empty, a writer while it is full), and on a
//! named pipe's instance (a read takes bytes or one message as the pipe was made; a write
//! never waits), `PeekNamedPipe` and `TransactNamedPipe`. Making and joining instances is in
//! `namedpipe_calls`.

use super::engine::Kernel;
use super::event::Reason;
use super::ids::Pid;
use super::program::ObjectId;
use super::socket::Direction;
use super::state::WaitOn;
use super::syscalls::Wakeup;
use super::win::{Handle, HandleTo, PipeMode, WinTarget, WinWait};
use super::win_calls::{Resolved, Want, WinOutcome};
use super::win_error::{WinError, win_bytes, win_false, win_peek};
use super::win_reason::WinReason;
use super::winpipe::{self, PendingWrite, Taken};
use std::sync::Arc;

impl Kernel {
    /// `ReadFile` on an anonymous pipe's read handle.
    pub(super) fn read_anon(&mut self, pid: Pid, object: ObjectId, max: u32) -> WinOutcome {
        let pipe = self.anon(object);
        match winpipe::take(&mut pipe.flow, max, PipeMode::Byte) {
            // The bytes of one write can be split where the buffer was full, so the pieces an
            // anonymous pipe holds are no writes to count: no word on merging here.
            Some(taken) => WinOutcome::Returns {
                result: read_result(&taken),
                peer: None,
                note: None,
                wakes: self.anon_serve(object),
            },
            // Unix's read would return 0 here: Win32 calls it a broken pipe.
            None if pipe.writers == 0 => WinOutcome::noted(
                win_false(WinError::ERROR_BROKEN_PIPE),
                WinReason::BrokenPipe {
                    object,
                    named: false,
                },
            ),
            None => {
                pipe.flow.reading.push_back((pid, max));
                WinOutcome::Blocks {
                    on: WinWait::ReadFile { object },
                    why: WinReason::WaitsToRead { object },
                    wakes: Vec::new(),
                }
            }
        }
    }

    /// `WriteFile` on an anonymous pipe's write handle: all of it, waiting for room as needed.
    pub(super) fn write_anon(&mut self, pid: Pid, object: ObjectId, text: &Arc<str>) -> WinOutcome {
        let pipe = self.anon(object);
        if pipe.readers == 0 {
            return WinOutcome::noted(
                win_false(WinError::ERROR_NO_DATA),
                WinReason::NoReader { object },
            );
        }
        let room = (pipe.size as usize).saturating_sub(pipe.flow.bytes()) as u32;
        let mut pending = PendingWrite {
            pid,
            text: text.clone(),
            done: 0,
        };
        if pipe.pour(&mut pending) {
            return WinOutcome::Returns {
                result: win_bytes(text.len() as u32, None, WinError::ERROR_SUCCESS),
                peer: None,
                note: None,
                wakes: self.anon_serve(object),
            };
        }
        pipe.writing.push_back(pending);
        WinOutcome::Blocks {
            on: WinWait::WriteFile { object },
            why: WinReason::WaitsToWrite { object, room },
            wakes: self.anon_serve(object),
        }
    }

    /// Lets an anonymous pipe's waiting readers and writers go as far as they can: readers
    /// take what is there (or fail, once no write handle is left), writers pour in what fits
    /// (or fail, once no read handle is left), until nothing moves.
    pub(super) fn anon_serve(&mut self, object: ObjectId) -> Vec<Wakeup> {
        let mut wakes = Vec::new();
        loop {
            let pipe = self.anon(object);
            let served = winpipe::serve(&mut pipe.flow, PipeMode::Byte);
            let mut moved = !served.is_empty();
            wakes.extend(served.into_iter().map(|(pid, t)| {
                let whole = Taken { writes: 1, ..t };
                read_wakeup(object, pid, whole, false)
            }));
            if pipe.flow.data.is_empty() && pipe.writers == 0 {
                let readers: Vec<Pid> = pipe.flow.reading.drain(..).map(|r| r.0).collect();
                wakes.extend(fail_all(readers, WinError::ERROR_BROKEN_PIPE, || {
                    WinReason::BrokenPipe {
                        object,
                        named: false,
                    }
                }));
            }
            while let Some(mut w) = pipe.writing.pop_front() {
                if pipe.readers == 0 {
                    wakes.push(Wakeup {
                        pid: w.pid,
                        result: win_bytes(w.done as u32, None, WinError::ERROR_NO_DATA),
                        reason: Reason::Win(WinReason::NoReader { object }),
                    });
                    continue;
                }
                let before = w.done;
                if pipe.pour(&mut w) {
                    moved = true;
                    let bytes = w.text.len() as u32;
                    wakes.push(Wakeup {
                        pid: w.pid,
                        result: win_bytes(bytes, None, WinError::ERROR_SUCCESS),
                        reason: Reason::Win(WinReason::WriteReturns { object, bytes }),
                    });
                } else {
                    moved |= w.done > before;
                    pipe.writing.push_front(w);
                    break;
                }
            }
            if !moved || pipe.flow.reading.is_empty() || pipe.flow.data.is_empty() {
                return wakes;
            }
        }
    }

    /// `ReadFile` on one side of an instance (`session` `None`: the server's).
    pub(super) fn read_instance(
        &mut self,
        pid: Pid,
        object: ObjectId,
        instance: u32,
        session: Option<u32>,
        max: u32,
    ) -> WinOutcome {
        let (mode, inst) = self.instance(object, instance);
        let peer_gone = match inst.can_receive(session) {
            Ok(gone) => gone,
            Err(e) => return WinOutcome::fails(e),
        };
        let (incoming, _) = inst.flows(session.is_none());
        match winpipe::take(incoming, max, mode) {
            Some(taken) => {
                let note = match incoming.data.front() {
                    Some(rest) if taken.more => Some(WinReason::MoreData {
                        object,
                        left: rest.len() as u32,
                    }),
                    _ => merged(object, &taken),
                };
                WinOutcome::Returns {
                    result: read_result(&taken),
                    peer: None,
                    note,
                    wakes: Vec::new(),
                }
            }
            None if peer_gone => WinOutcome::noted(
                win_false(WinError::ERROR_BROKEN_PIPE),
                WinReason::BrokenPipe {
                    object,
                    named: true,
                },
            ),
            None => {
                incoming.reading.push_back((pid, max));
                WinOutcome::Blocks {
                    on: WinWait::ReadFile { object },
                    why: WinReason::WaitsToRead { object },
                    wakes: Vec::new(),
                }
            }
        }
    }

    /// `WriteFile` on one side of an instance: one write (one message, in message mode) to
    /// the other side, handed at once to a reader there if one waits. It never waits.
    pub(super) fn write_instance(
        &mut self,
        object: ObjectId,
        instance: u32,
        session: Option<u32>,
        text: &Arc<str>,
    ) -> WinOutcome {
        let (mode, inst) = self.instance(object, instance);
        if let Err(e) = inst.can_send(session) {
            return WinOutcome::fails(e);
        }
        let (_, outgoing) = inst.flows(session.is_none());
        outgoing.data.push_back(text.clone());
        let served = winpipe::serve(outgoing, mode);
        WinOutcome::Returns {
            result: win_bytes(text.len() as u32, None, WinError::ERROR_SUCCESS),
            peer: None,
            note: None,
            wakes: self.pipe_wakeups(object, served),
        }
    }

    /// `TransactNamedPipe`: writes the request and waits for one reply message, in one call.
    pub(super) fn transact_named_pipe(
        &mut self,
        pid: Pid,
        object: ObjectId,
        text: &Arc<str>,
        max: u32,
    ) -> WinOutcome {
        let target = WinTarget::Object {
            object,
            machine: None,
        };
        let session = match self.resolve_handle(pid, &target, Want::Any) {
            Ok(Resolved::Handle(_, h)) => match h.to {
                HandleTo::Server { instance } => (instance, None),
                HandleTo::Client { instance, session } => (instance, Some(session)),
                _ => return WinOutcome::fails(WinError::ERROR_INVALID_HANDLE),
            },
            _ => return WinOutcome::fails(WinError::ERROR_INVALID_HANDLE),
        };
        let (instance, session) = session;
        let (mode, inst) = self.instance(object, instance);
        if mode == PipeMode::Byte {
            return WinOutcome::fails(WinError::ERROR_BAD_PIPE);
        }
        if let Err(e) = inst.can_send(session) {
            return WinOutcome::fails(e);
        }
        let (incoming, outgoing) = inst.flows(session.is_none());
        // A reply must answer this request, not something sent before it.
        if !incoming.data.is_empty() {
            return WinOutcome::fails(WinError::ERROR_PIPE_BUSY);
        }
        incoming.reading.push_back((pid, max));
        outgoing.data.push_back(text.clone());
        let served = winpipe::serve(outgoing, mode);
        WinOutcome::Blocks {
            on: WinWait::Reply { object },
            why: WinReason::WaitsForReply { object },
            wakes: self.pipe_wakeups(object, served),
        }
    }

    /// `PeekNamedPipe` with handle `h`: what its side would read, left in place.
    pub(super) fn peek_handle(&mut self, h: Handle, max: u32) -> WinOutcome {
        let (flow, mode, gone): (&Direction, PipeMode, bool) = match h.to {
            HandleTo::Read => {
                let pipe = self.anon(h.object);
                (&pipe.flow, PipeMode::Byte, pipe.writers == 0)
            }
            HandleTo::Server { instance } | HandleTo::Client { instance, .. } => {
                let session = match h.to {
                    HandleTo::Client { session, .. } => Some(session),
                    _ => None,
                };
                let (mode, inst) = self.instance(h.object, instance);
                let gone = match inst.can_receive(session) {
                    Ok(gone) => gone,
                    Err(e) => return WinOutcome::fails(e),
                };
                let (incoming, _) = inst.flows(session.is_none());
                (&*incoming, mode, gone)
            }
            HandleTo::Write | HandleTo::Writer { .. } => {
                return WinOutcome::fails(WinError::ERROR_ACCESS_DENIED);
            }
            HandleTo::Mailslot { .. } => return WinOutcome::fails(WinError::ERROR_INVALID_HANDLE),
        };
        if flow.data.is_empty() && gone {
            return WinOutcome::fails(WinError::ERROR_BROKEN_PIPE);
        }
        let (text, available, left) = winpipe::peek(flow, max, mode);
        WinOutcome::returns(win_peek(text, available, left))
    }

    /// The returns of readers served from an instance: `TransactNamedPipe` gets its reply.
    fn pipe_wakeups(&self, object: ObjectId, served: Vec<(Pid, Taken)>) -> Vec<Wakeup> {
        served
            .into_iter()
            .map(|(pid, taken)| {
                let waits = self.table[pid].state.waiting_on();
                let reply = waits == Some(WaitOn::Win(WinWait::Reply { object }));
                read_wakeup(object, pid, taken, reply)
            })
            .collect()
    }
}

/// What a read returns: the bytes, with `ERROR_MORE_DATA` for a message's first part.
fn read_result(taken: &Taken) -> super::call::CallResult {
    let error = if taken.more {
        WinError::ERROR_MORE_DATA
    } else {
        WinError::ERROR_SUCCESS
    };
    win_bytes(taken.text.len() as u32, Some(taken.text.clone()), error)
}

/// The note for a byte read that ran several writes together.
fn merged(object: ObjectId, taken: &Taken) -> Option<WinReason> {
    (taken.writes > 1).then_some(WinReason::Merged {
        object,
        writes: taken.writes,
    })
}

/// A blocked reader (or, with `reply`, a transaction) gets what it took.
fn read_wakeup(object: ObjectId, pid: Pid, taken: Taken, reply: bool) -> Wakeup {
    let bytes = taken.text.len() as u32;
    let reason = if reply {
        WinReason::ReplyArrives {
            object,
            bytes,
            more: taken.more,
        }
    } else {
        WinReason::ReadReturns {
            object,
            bytes,
            writes: taken.writes,
            more: taken.more,
        }
    };
    Wakeup {
        pid,
        result: read_result(&taken),
        reason: Reason::Win(reason),
    }
}

/// Blocked calls that all fail with `error`, for `why`.
pub(super) fn fail_all(
    pids: Vec<Pid>,
    error: WinError,
    why: impl Fn() -> WinReason,
) -> Vec<Wakeup> {
    pids.into_iter()
        .map(|pid| Wakeup {
            pid,
            result: win_false(error),
            reason: Reason::Win(why()),
        })
        .collect()
}
