//! The op that makes a model's step for real: names resolved to the twins' pids, the scenario's
//! objects to paths in the run's directory and to shared-memory names.

#![forbid(unsafe_code)]

use super::driver::Lab;
use super::names;
use super::protocol::{MqRef, Op, Target};
use super::record::Outcome;
use super::twins::Fate;
use crate::kernel::Names;
use crate::kernel::Step;
use crate::kernel::ipc::Object;
use crate::kernel::message::Capacity;
use crate::kernel::program::Peer;
use crate::kernel::program::{Channel, End, ObjectId};
use crate::kernel::socket::{Transport, stamped};

impl Lab {
    /// The op that makes `step` for real, or why there is none.
    pub(super) fn op_for(&mut self, step: &Step, time: u64) -> Result<Op, String> {
        let object = |o: &u32| self.names.object(*o);
        let target = |c: &Channel| match c {
            Channel::Std { stream } => Target::Std(*stream as i32),
            Channel::Object { object: o } => Target::Object(self.names.object(*o)),
        };
        Ok(match step {
            Step::Exec { command, args, .. } => Op::Exec {
                command: command.to_string(),
                args: args.iter().map(|a| a.to_string()).collect(),
            },
            Step::Wait { child } => {
                let pid = match child {
                    Some(c) => {
                        let name = self.names.spec(*c);
                        match self.twins.get(&name) {
                            Some(t) => Some(t.pid.as_raw()),
                            None => return Err(format!("{name} has no twin")),
                        }
                    }
                    None => None,
                };
                Op::Wait { pid }
            }
            Step::Kill { target: t, signal } => {
                let name = self.names.spec(*t);
                match self.twins.get(&name) {
                    Some(twin) if twin.fate != Fate::Reaped => Op::Kill {
                        pid: twin.pid.as_raw(),
                        signal: i32::from(signal.0),
                    },
                    _ => {
                        return Err(format!(
                            "not sent for real: {name} was reaped, so its pid is free and might \
                             already belong to another process (Linux would answer ESRCH too)"
                        ));
                    }
                }
            }
            Step::Pipe { object: o } => Op::Pipe { name: object(o) },
            Step::Write { to, data } => Op::Write {
                to: target(to),
                data: data.to_string(),
            },
            Step::Read { from, max } => Op::Read {
                from: target(from),
                max: *max,
            },
            Step::Close { object: o, end } => Op::Close {
                name: object(o),
                end: end.map(|e| e.name().to_string()),
            },
            Step::Redirect { stream, object: o } => Op::Redirect {
                stream: *stream as i32,
                name: object(o),
            },
            Step::Mkfifo { object: o } => {
                let name = object(o);
                let path = names::fifo_path(&self.twins.dir, &name);
                self.labels
                    .insert(path.display().to_string(), format!("{name} (FIFO)"));
                Op::Mkfifo {
                    name,
                    path: path.display().to_string(),
                }
            }
            Step::Open { object: o, end } => {
                let name = object(o);
                Op::Open {
                    path: names::fifo_path(&self.twins.dir, &name)
                        .display()
                        .to_string(),
                    name,
                    write: *end == End::Write,
                }
            }
            Step::Fork { .. } | Step::Exit { .. } => return Err("handled apart".into()),
            Step::Cpu { .. } | Step::Io { .. } | Step::Sleep { .. } => {
                return Err("simulated only".into());
            }
            Step::Mailbox {
                object: o,
                capacity,
            } => {
                let name = object(o);
                let capacity = real_capacity(*capacity)?;
                let mq = names::mq_name(self.twins.me.as_raw(), &name);
                Op::Mailbox {
                    queue: self.mq_ref(&name, mq, capacity, false)?,
                }
            }
            Step::Send { to, text, wait } => Op::MqSend {
                queue: self.peer_queue(to)?,
                text: text.to_string(),
                wait: *wait,
            },
            Step::Receive { from, wait } => Op::MqReceive {
                queue: self.peer_queue(from)?,
                wait: *wait,
            },
            Step::Destroy { object: o } => {
                let name = object(o);
                Op::MqUnlink {
                    mq: names::mq_name(self.twins.me.as_raw(), &name),
                    name,
                }
            }
            Step::Listen {
                object: o,
                transport,
            } => Op::Listen {
                name: object(o),
                transport: transport.word().into(),
                address: self.socket_address(*o, *transport)?,
            },
            Step::Accept { object: o } => Op::Accept { name: object(o) },
            Step::Connect {
                object: o,
                transport,
            } => Op::Connect {
                name: object(o),
                transport: transport.word().into(),
                address: self.socket_address(*o, *transport)?,
            },
            Step::SocketSend { object: o, text } => Op::SockSend {
                name: object(o),
                text: stamped(text, time).to_string(),
            },
            Step::SocketRecv { object: o, max } => Op::SockRecv {
                name: object(o),
                max: *max,
            },
            Step::RpcServer { .. }
            | Step::RpcServe { .. }
            | Step::RpcReply { .. }
            | Step::RpcCall { .. } => {
                return Err(
                    "modelled only: RPC is a protocol that libraries build on messages \
                            or sockets; Linux has no RPC system call to make"
                        .into(),
                );
            }
            Step::Win(w) => return Err(w.modelled_only()),
            Step::Shm { .. }
            | Step::Produce { .. }
            | Step::Consume { .. }
            | Step::Cleanup { .. } => {
                return self.shm_op(step);
            }
        })
    }

    /// Where the real socket behind `object` is: a path in the run's directory for a Unix
    /// socket; for TCP and UDP the port its `listen` got (empty before that: the kernel picks
    /// one), or why a client cannot reach it.
    fn socket_address(&self, object: ObjectId, transport: Transport) -> Result<String, String> {
        let name = self.names.object(object);
        if transport == Transport::Unix {
            return Ok(names::socket_path(&self.twins.dir, &name)
                .display()
                .to_string());
        }
        let listened = matches!(
            self.kernel.objects().get(object as usize),
            Some(Object::Socket(s)) if s.listeners > 0
        );
        match self.ports.get(&object) {
            Some(port) => Ok(port.to_string()),
            // The step is `listen` itself, and the kernel has not chosen a port yet.
            None if listened => Ok(String::new()),
            None => Err(format!(
                "modelled only: nobody has listened on {name} yet, so it has no port on \
                 127.0.0.1 to connect to"
            )),
        }
    }

    /// Learns from a real `listen`, `accept` or `connect`: the port, and how to label the new
    /// socket in the descriptor tables.
    pub(super) fn socket_made(
        &mut self,
        step: &Step,
        object: ObjectId,
        outcome: &Outcome,
        who: &str,
    ) {
        if outcome.errno.is_some() {
            return;
        }
        let name = self.names.object(object);
        if let Some(port) = outcome.port {
            self.ports.insert(object, port);
        }
        let what = match step {
            Step::Listen { transport, .. } if transport.is_stream() => {
                format!("{name} (listening {})", transport.word())
            }
            Step::Listen { .. } => format!("{name} (bound udp)"),
            Step::Accept { .. } => format!("{name} ({who}'s accepted connection)"),
            _ => format!("{name} ({who}'s client socket)"),
        };
        if let Some(inode) = outcome.inode {
            self.labels.insert(format!("socket:[{inode}]"), what);
        }
    }
    /// The real queue behind a mailbox or one direction of a link, or why there is none.
    fn peer_queue(&mut self, peer: &Peer) -> Result<MqRef, String> {
        match *peer {
            Peer::Mailbox { object } => {
                let name = self.names.object(object);
                let capacity = match self.kernel.objects().get(object as usize) {
                    Some(Object::Mailbox(m)) => real_capacity(m.queue.capacity)?,
                    // Never made: the real open fails with ENOENT as the model's did.
                    _ => 1,
                };
                let mq = names::mq_name(self.twins.me.as_raw(), &name);
                self.mq_ref(&name, mq, capacity, false)
            }
            Peer::Process { link, forward, .. } => {
                let capacity = real_capacity(self.kernel.config().link_capacity)?;
                // The model made the link when it ran the step.
                let Some(Object::Link(l)) = self.kernel.objects().get(link as usize) else {
                    return Err("not made for real: the model has no such link".into());
                };
                let [a, b] = l.ends.map(|e| self.names.spec(e));
                let (from, to) = if forward { (a, b) } else { (b, a) };
                let mq = names::link_mq_name(self.twins.me.as_raw(), &from, &to);
                self.mq_ref(&format!("{from}→{to}"), mq, capacity, true)
            }
        }
    }

    /// A queue's reference, its name written down first so that no crash can leak it.
    fn mq_ref(
        &mut self,
        name: &str,
        mq: String,
        capacity: u32,
        create: bool,
    ) -> Result<MqRef, String> {
        if !self.twins.mq.contains(&mq) {
            names::record_mq(&self.twins.dir, &mq).map_err(|e| {
                format!("not made for real: the queue's name could not be noted ({e})")
            })?;
            self.twins.mq.push(mq.clone());
            self.labels
                .insert(mq.clone(), format!("{name} (message queue)"));
        }
        Ok(MqRef {
            name: name.to_string(),
            mq,
            capacity,
            create,
        })
    }
}

/// The `mq_maxmsg` of the real queue standing for a buffer of `capacity`, or why none can.
pub(super) fn real_capacity(capacity: Capacity) -> Result<u32, String> {
    let limit = msg_max();
    match capacity {
        Capacity::Bounded(n) if n <= limit => Ok(n),
        Capacity::Bounded(n) => Err(format!(
            "modelled only: a POSIX message queue here holds at most {limit} messages \
             (fs.mqueue.msg_max), not {n}"
        )),
        Capacity::Zero => Err(
            "modelled only: zero capacity (a rendezvous) has no POSIX message-queue counterpart"
                .into(),
        ),
        Capacity::Unbounded => Err(format!(
            "modelled only: a POSIX message queue is never unbounded (here it holds at most \
             {limit} messages, fs.mqueue.msg_max)"
        )),
    }
}

/// The most messages a POSIX queue may hold here (Linux's default is 10).
pub fn msg_max() -> u32 {
    std::fs::read_to_string("/proc/sys/fs/mqueue/msg_max")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(10)
}
