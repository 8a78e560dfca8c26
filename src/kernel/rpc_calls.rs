//! The calls of remote procedure call: `rpc-server` makes a port with its promise,
//! `rpc-serve` takes the next request (the server stub unmarshals it and runs the procedure,
//! or finds it in its history), `rpc-reply` sends the result back, and `rpc-call` is the
//! client stub: it marshals the call, sends it and waits, sending again when no reply comes
//! in time if its promise says so.

use super::engine::Kernel;
use super::event::{EventSink, Reason};
use super::ids::Pid;
use super::ipc::Object;
use super::messaging::Outcome;
use super::program::{ObjectId, Step};
use super::rpc::{
    MAX_ATTEMPTS, PendingCall, Port, Procedure, Request, Semantics, hex, marshal_reply,
};
use super::state::WaitOn;
use super::syscalls::{After, CallResult, Errno, Flow, Wakeup};
use super::timers::Timer;
use std::sync::Arc;

impl Kernel {
    /// Executes an RPC step of the running process `pid`.
    pub(super) fn rpc_step(&mut self, pid: Pid, step: &Step, sink: &mut impl EventSink) -> Flow {
        let outcome = match *step {
            Step::RpcServer { object, semantics } => self.rpc_server(object, semantics),
            Step::RpcServe { object } => self.rpc_serve(pid, object, sink),
            Step::RpcReply { object } => self.rpc_reply(pid, object),
            Step::RpcCall {
                object,
                procedure,
                ref args,
                lose_reply,
            } => self.rpc_call(pid, object, procedure, args, lose_reply, sink),
            _ => unreachable!("only RPC steps come here"),
        };
        self.finish(pid, step, outcome, sink)
    }

    /// `rpc-server`: the port, with its promise.
    fn rpc_server(&mut self, object: ObjectId, semantics: Semantics) -> Outcome {
        let slot = &mut self.objects[object as usize];
        if !matches!(slot, Object::Absent) {
            return Outcome::returns(CallResult::err(Errno::EEXIST));
        }
        *slot = Object::RpcPort(Port::new(semantics));
        Outcome::returns(CallResult::ok(0))
    }

    /// The port `object`, which the step's checks made sure is one.
    fn port(&mut self, object: ObjectId) -> Option<&mut Port> {
        match &mut self.objects[object as usize] {
            Object::RpcPort(p) => Some(p),
            _ => None,
        }
    }

    /// `rpc-serve`: the next request, or wait for one.
    fn rpc_serve(&mut self, pid: Pid, object: ObjectId, sink: &mut impl EventSink) -> Outcome {
        let now = self.now;
        let Some(port) = self.port(object) else {
            return Outcome::returns(CallResult::err(Errno::ENOENT));
        };
        match port.requests.pop_front() {
            Some(request) => {
                let (result, note) = take_request(port, object, pid, request, now);
                self.note(pid, note, sink);
                Outcome::returns(result)
            }
            None => {
                port.serving.push_back(pid);
                Outcome::Blocks(
                    WaitOn::RpcRequest { object },
                    Reason::WaitsForRequest { object },
                )
            }
        }
    }

    /// `rpc-reply`: the server stub marshals the result of the request it took last and sends
    /// it to the client, unless the network loses it.
    fn rpc_reply(&mut self, pid: Pid, object: ObjectId) -> Outcome {
        let Some(port) = self.port(object) else {
            return Outcome::returns(CallResult::err(Errno::ENOENT));
        };
        let Some(at) = port.answering.iter().position(|a| a.0 == pid) else {
            return Outcome::returns(CallResult::err(Errno::EINVAL));
        };
        let (_, request, value) = port.answering.remove(at);
        let bytes = marshal_reply(request.id, value);
        let result = CallResult::with_data(bytes.len() as i64, format!("[{}]", hex(&bytes)));
        let waiting = port
            .calls
            .iter()
            .position(|c| c.request.client == request.client && c.request.id == request.id);
        let note = |reason| Outcome::Returns {
            result: result.clone(),
            peer: None,
            after: After::Note(pid, reason),
        };
        match waiting {
            None => note(Reason::RpcReplyDropped { object }),
            Some(i) if port.calls[i].lose_reply => {
                port.calls[i].lose_reply = false;
                note(Reason::RpcReplyLost { object })
            }
            Some(i) => {
                let call = port.calls.remove(i);
                Outcome::Returns {
                    result: result.clone(),
                    peer: Some(call.request.client),
                    after: After::Wake(vec![Wakeup {
                        pid: call.request.client,
                        result: CallResult::with_data(
                            i64::from(value),
                            format!("{} = {value}", call.request),
                        ),
                        reason: Reason::RpcReplyArrives { object },
                    }]),
                }
            }
        }
    }

    /// `rpc-call`: the client stub marshals the call, sends it, and waits for the reply.
    fn rpc_call(
        &mut self,
        pid: Pid,
        object: ObjectId,
        procedure: Procedure,
        args: &Arc<[i32]>,
        lose_reply: bool,
        sink: &mut impl EventSink,
    ) -> Outcome {
        let timeout = self.config.rpc_timeout;
        let now = self.now;
        let Some(port) = self.port(object) else {
            // Nobody has made the port: there is no server to send to.
            return Outcome::returns(CallResult::err(Errno::ECONNREFUSED));
        };
        let id = 1 + port
            .sent
            .iter()
            .filter(|&&(client, _)| client == pid)
            .count() as u32;
        port.sent.push((pid, id));
        let request = Request {
            client: pid,
            id,
            procedure,
            args: args.to_vec(),
        };
        let bytes = request.marshal();
        let little: Vec<u8> = request.args.iter().flat_map(|a| a.to_le_bytes()).collect();
        self.note(
            pid,
            Reason::RpcMarshalled {
                object,
                call: request.to_string().into(),
                bytes: hex(&bytes).into(),
                little_endian: hex(&little).into(),
            },
            sink,
        );
        let port = self.port(object).expect("found above");
        port.calls.push(PendingCall {
            request: request.clone(),
            attempts: 1,
            lose_reply,
        });
        let woken = send_request(port, request, now, object);
        self.timers.set(
            now + timeout,
            Timer::RpcTimeout {
                pid,
                object,
                id,
                attempt: 1,
            },
            0,
        );
        let on = WaitOn::RpcReply { object };
        let reason = Reason::WaitsForReply { object };
        match woken.and_then(|w| server_wakeup(w, object)) {
            Some(after) => Outcome::BlocksThen(on, reason, after),
            None => Outcome::Blocks(on, reason),
        }
    }

    /// Whether an RPC timer still means something: the client still waits for that attempt.
    pub(super) fn rpc_timer_is_live(
        &self,
        pid: Pid,
        object: ObjectId,
        id: u32,
        attempt: u32,
    ) -> bool {
        match &self.objects[object as usize] {
            Object::RpcPort(p) => p
                .calls
                .iter()
                .any(|c| c.request.client == pid && c.request.id == id && c.attempts == attempt),
            _ => false,
        }
    }

    /// No reply came in time: send the call again, or give up, as the port's promise says.
    pub(super) fn rpc_timeout(&mut self, pid: Pid, object: ObjectId, sink: &mut impl EventSink) {
        let now = self.now;
        let timeout = self.config.rpc_timeout;
        let Some(port) = self.port(object) else {
            return;
        };
        let retries = port.semantics.retries();
        let Some(call) = port.call_of(pid) else {
            return;
        };
        if retries && call.attempts < MAX_ATTEMPTS {
            call.attempts += 1;
            let (request, attempt) = (call.request.clone(), call.attempts);
            let id = request.id;
            let woken = send_request(port, request, now, object);
            self.note(
                pid,
                Reason::RpcRetransmits {
                    object,
                    id,
                    attempt,
                },
                sink,
            );
            self.timers.set(
                now + timeout,
                Timer::RpcTimeout {
                    pid,
                    object,
                    id,
                    attempt,
                },
                0,
            );
            if let Some(after) = woken.and_then(|w| server_wakeup(w, object)) {
                self.follow(after, sink);
            }
        } else {
            port.calls.retain(|c| c.request.client != pid);
            self.complete(
                pid,
                CallResult::err(Errno::ETIMEDOUT),
                Reason::RpcTimedOut { object, retries },
                sink,
            );
        }
    }
}

/// What a server blocked in `rpc-serve` that was handed a request goes through: told what
/// its stub did with it, its call returns.
fn server_wakeup(
    (server, (result, note)): (Pid, (CallResult, Reason)),
    object: ObjectId,
) -> Option<After> {
    Some(After::NoteThenWake(
        server,
        note,
        Box::new(Wakeup {
            pid: server,
            result,
            reason: Reason::RpcRequestArrives { object },
        }),
    ))
}

/// Sends a request to the port: straight to the server that has waited longest, whose stub
/// takes it at once (returned, with what its `rpc-serve` returns), or into the queue.
fn send_request(
    port: &mut Port,
    request: Request,
    now: u64,
    object: ObjectId,
) -> Option<(Pid, (CallResult, Reason))> {
    match port.serving.pop_front() {
        Some(server) => Some((server, take_request(port, object, server, request, now))),
        None => {
            port.requests.push_back(request);
            None
        }
    }
}

/// The server stub takes `request` for `server`: unmarshals it, then runs the procedure — or,
/// for a repeat the history holds, takes the saved result. What `rpc-serve` returns, and what
/// to tell.
fn take_request(
    port: &mut Port,
    object: ObjectId,
    server: Pid,
    request: Request,
    now: u64,
) -> (CallResult, Reason) {
    let bytes = request.marshal();
    let unmarshalled = Request::unmarshal(&bytes).map(|(id, procedure, args)| Request {
        client: request.client,
        id,
        procedure,
        args,
    });
    let request = unmarshalled.unwrap_or(request);
    let executed_before = port.seen_before(&request);
    let (value, reason) = match port.remembered(&request) {
        Some(value) => (
            value,
            Reason::RpcRepeat {
                object,
                id: request.id,
                client: request.client,
                executed: false,
            },
        ),
        None => {
            let value = port.execute(&request, now);
            let reason = if executed_before {
                Reason::RpcRepeat {
                    object,
                    id: request.id,
                    client: request.client,
                    executed: true,
                }
            } else {
                Reason::RpcRequestTaken {
                    object,
                    call: request.to_string().into(),
                    value,
                }
            };
            (value, reason)
        }
    };
    port.seen.push((request.client, request.id));
    let data = format!("request {}: {request}", request.id);
    port.answering.push((server, request, value));
    (CallResult::with_data(i64::from(value), data), reason)
}
