//! The system calls of sockets: `listen`, `accept`, `connect`, `send` and `recv` on a
//! connection (or, for UDP, datagrams), and what closing a socket does to the other side.
//! A process names a socket by the scenario's name; of its descriptors for it, the call uses
//! the newest connection, or the listening socket when it has none (a UDP server's only one).

use super::engine::Kernel;
use super::event::{EventSink, Reason};
use super::files::Open;
use super::ids::Pid;
use super::ipc::Object;
use super::messaging::Outcome;
use super::program::{ObjectId, Step};
use super::socket::{ConnId, Connection, Direction, Socket, SocketEnd, Transport, stamped};
use super::state::WaitOn;
use super::syscalls::{After, CallResult, Errno, Flow, Wakeup};
use std::sync::Arc;

impl Kernel {
    /// Executes a socket step of the running process `pid`.
    pub(super) fn socket_call(&mut self, pid: Pid, step: &Step, sink: &mut impl EventSink) -> Flow {
        let outcome = match *step {
            Step::Listen { object, transport } => self.listen(pid, object, transport),
            Step::Accept { object } => self.accept(pid, object),
            Step::Connect { object, transport } => self.connect(pid, object, transport),
            Step::SocketSend { object, ref text } => self.socket_send(pid, object, text),
            Step::SocketRecv { object, max } => self.socket_recv(pid, object, max),
            _ => unreachable!("only socket steps come here"),
        };
        self.finish(pid, step, outcome, sink)
    }

    /// `listen`: `socket` + `bind` to the name + `listen` (UDP: no `listen`).
    fn listen(&mut self, pid: Pid, object: ObjectId, transport: Transport) -> Outcome {
        let slot = &mut self.objects[object as usize];
        match slot {
            // A Unix socket's name is a file, which stays after its server closed it.
            Object::Socket(s) if s.listeners > 0 || s.transport == Transport::Unix => {
                return Outcome::returns(CallResult::err(Errno::EADDRINUSE));
            }
            Object::Socket(s) => s.listeners = 1,
            _ => {
                let mut socket = Socket::new(transport);
                socket.listeners = 1;
                *slot = Object::Socket(socket);
            }
        }
        let fd = self.table[pid].files.add(Open::Socket {
            object,
            end: SocketEnd::Listener,
        });
        Outcome::returns(CallResult::ok(i64::from(fd)))
    }

    /// `connect`: a new connection, handed at once to a server blocked in `accept`, or left in
    /// the backlog. It never waits: on one machine the kernel completes the handshake itself.
    fn connect(&mut self, pid: Pid, object: ObjectId, transport: Transport) -> Outcome {
        let slot = &mut self.objects[object as usize];
        if matches!(slot, Object::Absent) {
            match transport {
                // A datagram socket only notes the address; nobody need be there.
                Transport::Udp => *slot = Object::Socket(Socket::new(Transport::Udp)),
                Transport::Unix => return Outcome::returns(CallResult::err(Errno::ENOENT)),
                Transport::Tcp => return Outcome::returns(CallResult::err(Errno::ECONNREFUSED)),
            }
        }
        let Object::Socket(socket) = slot else {
            unreachable!("the checker gives sockets names of their own")
        };
        if transport.is_stream() && socket.listeners == 0 {
            return Outcome::returns(CallResult::err(Errno::ECONNREFUSED));
        }
        let conn = socket.conns.len() as ConnId;
        socket.conns.push(Connection::new(pid));
        let acceptor = if transport.is_stream() {
            let acceptor = socket.accepting.pop_front();
            if acceptor.is_none() {
                socket.backlog.push_back(conn);
            }
            acceptor
        } else {
            None
        };
        let fd = self.table[pid].files.add(Open::Socket {
            object,
            end: SocketEnd::Client(conn),
        });
        let result = CallResult::ok(i64::from(fd));
        match acceptor {
            None => Outcome::returns(result),
            Some(server) => {
                let server_fd = self.accepted(server, object, conn);
                Outcome::Returns {
                    result,
                    peer: Some(server),
                    after: After::Wake(vec![Wakeup {
                        pid: server,
                        result: CallResult::ok(i64::from(server_fd)),
                        reason: Reason::Accepted {
                            object,
                            client: pid,
                        },
                    }]),
                }
            }
        }
    }

    /// Gives `server` its descriptor for connection `conn`.
    fn accepted(&mut self, server: Pid, object: ObjectId, conn: ConnId) -> u32 {
        let socket = self.socket(object);
        let c = &mut socket.conns[conn as usize];
        c.accepted = true;
        c.server_refs += 1;
        self.table[server].files.add(Open::Socket {
            object,
            end: SocketEnd::Server(conn),
        })
    }

    /// `accept`: the oldest connection in the backlog, or wait for one.
    fn accept(&mut self, pid: Pid, object: ObjectId) -> Outcome {
        if !self.table[pid].files.listens_on(object) {
            return Outcome::returns(CallResult::err(Errno::EBADF));
        }
        let socket = self.socket(object);
        match socket.backlog.pop_front() {
            Some(conn) => {
                let client = socket.conns[conn as usize].client;
                let fd = self.accepted(pid, object, conn);
                Outcome::Returns {
                    result: CallResult::ok(i64::from(fd)),
                    peer: Some(client),
                    after: After::Nothing,
                }
            }
            None => {
                socket.accepting.push_back(pid);
                Outcome::Blocks(WaitOn::Accept { object }, Reason::WaitsToAccept { object })
            }
        }
    }

    /// `send` on a socket: into the connection's stream, or one datagram.
    fn socket_send(&mut self, pid: Pid, object: ObjectId, text: &Arc<str>) -> Outcome {
        let Some((_, end)) = self.table[pid].files.socket(object) else {
            return Outcome::returns(CallResult::err(Errno::EBADF));
        };
        let text = &stamped(text, self.now);
        // The text sent goes with the result, to show what `{tick}` became.
        let sent = CallResult::with_data(text.len() as i64, Arc::clone(text));
        let lost = || Outcome::Returns {
            result: sent.clone(),
            peer: None,
            after: After::Note(pid, Reason::DatagramLost { object }),
        };
        let socket = self.socket(object);
        let stream = socket.transport.is_stream();
        let (conn, upward) = match end {
            SocketEnd::Listener if stream => {
                return Outcome::returns(CallResult::err(Errno::ENOTCONN));
            }
            SocketEnd::Listener => match socket.reply_target(pid) {
                Some(conn) => (conn, false),
                None => return Outcome::returns(CallResult::err(Errno::EDESTADDRREQ)),
            },
            SocketEnd::Server(conn) => (conn, false),
            SocketEnd::Client(conn) => (conn, true),
        };
        let c = &socket.conns[conn as usize];
        if c.reset {
            return Outcome::returns(CallResult::err(Errno::ECONNRESET));
        }
        let reader_gone = if upward {
            if stream {
                c.accepted && c.server_refs == 0
            } else {
                socket.listeners == 0
            }
        } else {
            c.client_refs == 0
        };
        match (reader_gone, stream) {
            (true, true) => return Outcome::returns(CallResult::err(Errno::EPIPE)),
            (true, false) => return lost(),
            _ => {}
        }
        let peer = (!upward).then_some(c.client);
        let direction = if !upward {
            &mut socket.conns[conn as usize].down
        } else if stream {
            &mut socket.conns[conn as usize].up
        } else {
            socket.inbox.push_back(conn);
            &mut socket.incoming
        };
        direction.data.push_back(text.clone());
        let woken = serve(direction, stream, object);
        if let (Some(w), false, true) = (&woken, stream, upward) {
            socket.set_reply_target(w.pid, conn);
            socket.inbox.pop_front();
        }
        Outcome::Returns {
            result: sent,
            peer,
            after: After::Wake(woken.into_iter().collect()),
        }
    }

    /// `recv` on a socket: what is there (a stream: up to `max` bytes; UDP: one datagram),
    /// end of file once the peer has closed, or wait.
    fn socket_recv(&mut self, pid: Pid, object: ObjectId, max: u32) -> Outcome {
        let Some((_, end)) = self.table[pid].files.socket(object) else {
            return Outcome::returns(CallResult::err(Errno::EBADF));
        };
        let socket = self.socket(object);
        let stream = socket.transport.is_stream();
        if let SocketEnd::Server(c) | SocketEnd::Client(c) = end
            && socket.conns[c as usize].reset
        {
            return Outcome::returns(CallResult::err(Errno::ECONNRESET));
        }
        let peer_gone = socket.peer_gone(end);
        let Some(side) = socket.read_side(end) else {
            return Outcome::returns(CallResult::err(Errno::ENOTCONN));
        };
        if let Some(data) = side.take(max, stream) {
            let peer = match end {
                SocketEnd::Listener => {
                    let from = socket.inbox.pop_front().unwrap_or_default();
                    socket.set_reply_target(pid, from);
                    Some(socket.conns[from as usize].client)
                }
                SocketEnd::Server(c) => Some(socket.conns[c as usize].client),
                SocketEnd::Client(_) => None,
            };
            return Outcome::Returns {
                result: CallResult::with_data(data.len() as i64, data),
                peer,
                after: After::Nothing,
            };
        }
        if peer_gone {
            return Outcome::returns(CallResult::with_data(0, ""));
        }
        side.reading.push_back((pid, max));
        Outcome::Blocks(WaitOn::Recv { object }, Reason::WaitsToRecv { object })
    }

    /// The state of a socket that exists (the step that uses it made or found it).
    fn socket(&mut self, object: ObjectId) -> &mut Socket {
        match &mut self.objects[object as usize] {
            Object::Socket(s) => s,
            _ => unreachable!("a socket call on an object that is not a socket"),
        }
    }

    /// A forked child holds one more descriptor of a socket.
    pub(super) fn socket_inherited(&mut self, object: ObjectId, end: SocketEnd) {
        let socket = self.socket(object);
        match end {
            SocketEnd::Listener => socket.listeners += 1,
            SocketEnd::Server(c) => socket.conns[c as usize].server_refs += 1,
            SocketEnd::Client(c) => socket.conns[c as usize].client_refs += 1,
        }
    }

    /// A descriptor of a socket was closed: the last one of a side ends the peer's stream (its
    /// blocked `recv` returns end of file); the last listening one resets the connections
    /// nobody accepted.
    pub(super) fn socket_released(
        &mut self,
        object: ObjectId,
        end: SocketEnd,
        sink: &mut impl EventSink,
    ) {
        let socket = self.socket(object);
        let stream = socket.transport.is_stream();
        let mut wakeups = Vec::new();
        match end {
            SocketEnd::Listener => {
                socket.listeners -= 1;
                if socket.listeners == 0 && stream {
                    for conn in std::mem::take(&mut socket.backlog) {
                        let c = &mut socket.conns[conn as usize];
                        c.reset = true;
                        wakeups.extend(c.down.reading.drain(..).map(|(pid, _)| Wakeup {
                            pid,
                            result: CallResult::err(Errno::ECONNRESET),
                            reason: Reason::ConnectionReset { object },
                        }));
                    }
                }
            }
            SocketEnd::Server(conn) | SocketEnd::Client(conn) => {
                let c = &mut socket.conns[conn as usize];
                let (refs, peer_side) = match end {
                    SocketEnd::Server(_) => (&mut c.server_refs, &mut c.down),
                    _ => (&mut c.client_refs, &mut c.up),
                };
                *refs -= 1;
                if *refs == 0 && stream {
                    wakeups.extend(peer_side.reading.drain(..).map(|(pid, _)| Wakeup {
                        pid,
                        result: CallResult::with_data(0, ""),
                        reason: Reason::RecvReturns { object, bytes: 0 },
                    }));
                }
            }
        }
        self.follow(After::Wake(wakeups), sink);
    }
}

/// Hands what `direction` holds to the receiver that has waited longest, if any.
fn serve(direction: &mut Direction, stream: bool, object: ObjectId) -> Option<Wakeup> {
    let &(pid, max) = direction.reading.front()?;
    let data = direction.take(max, stream)?;
    direction.reading.pop_front();
    Some(Wakeup {
        pid,
        result: CallResult::with_data(data.len() as i64, Arc::clone(&data)),
        reason: Reason::RecvReturns {
            object,
            bytes: data.len() as u32,
        },
    })
}
