//! Sockets on one machine: a named service that a server `listen`s on and clients `connect`
//! to. A stream socket (TCP, or Unix-domain) gives each accepted client a connection of two
//! byte streams, one each way, with no message boundaries; a datagram socket (UDP) keeps each
//! `send` whole as one datagram. Only the data and its rules live here; `sockets` moves
//! processes in and out of the wait queues.

use super::ids::Pid;
use serde::Serialize;
use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;

/// The index of a connection among its socket's connections, in the order they were made.
pub type ConnId = u32;

/// How a socket carries data, and where it lives.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Transport {
    /// A TCP stream on 127.0.0.1: connections, bytes in order, no boundaries.
    Tcp,
    /// UDP datagrams on 127.0.0.1: no connection, each send one whole datagram.
    Udp,
    /// A Unix-domain stream socket, a file in the run's private directory.
    Unix,
}

impl Transport {
    /// Every transport, as a scenario names them.
    pub const ALL: [Transport; 3] = [Transport::Tcp, Transport::Udp, Transport::Unix];

    /// The word a scenario file uses: `tcp`, `udp`, `unix`.
    pub fn word(self) -> &'static str {
        match self {
            Transport::Tcp => "tcp",
            Transport::Udp => "udp",
            Transport::Unix => "unix",
        }
    }

    /// From the scenario's word.
    pub fn parse(word: &str) -> Option<Transport> {
        Transport::ALL.into_iter().find(|t| t.word() == word)
    }

    /// True for the byte streams (TCP and Unix); false for UDP's datagrams.
    pub fn is_stream(self) -> bool {
        self != Transport::Udp
    }
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Transport::Tcp => "TCP stream",
            Transport::Udp => "UDP datagram",
            Transport::Unix => "Unix-domain stream",
        })
    }
}

/// Which socket a descriptor is: the server's listening (for UDP: bound) socket, or one side
/// of a connection.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "socket", content = "connection")]
pub enum SocketEnd {
    /// The socket `listen` made.
    Listener,
    /// The server's side of a connection, as `accept` returned it.
    Server(ConnId),
    /// The client's socket, as `connect` made it.
    Client(ConnId),
}

/// Bytes (or datagrams) going one way, and who waits to read them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Direction {
    /// Sends not read yet, oldest first (a stream reads across them).
    pub data: VecDeque<Arc<str>>,
    /// Processes blocked in `recv`, with how much they asked for.
    pub reading: VecDeque<(Pid, u32)>,
}

impl Direction {
    /// Bytes waiting.
    pub fn bytes(&self) -> usize {
        self.data.iter().map(|d| d.len()).sum()
    }

    /// Reads up to `max` bytes: across sends for a stream, exactly one datagram (cut at `max`,
    /// the rest lost, as UDP does) otherwise. `None` if there is nothing to read.
    pub fn take(&mut self, max: u32, stream: bool) -> Option<Arc<str>> {
        let max = max as usize;
        if !stream {
            let datagram = self.data.pop_front()?;
            return Some(cut(&datagram, max).into());
        }
        if self.data.is_empty() {
            return None;
        }
        let mut out = String::new();
        while let Some(front) = self.data.front_mut() {
            let room = max - out.len();
            if front.len() <= room {
                out.push_str(front);
                self.data.pop_front();
            } else {
                let head = cut(front, room);
                out.push_str(head);
                *front = front[head.len()..].into();
                break;
            }
            if out.len() == max {
                break;
            }
        }
        Some(out.into())
    }
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
pub(super) fn cut(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// What a `send` puts on a socket at simulated time `now`: its text with every `{tick}` made
/// the time, so that a server can answer with the clock (a date server).
pub fn stamped(text: &Arc<str>, now: u64) -> Arc<str> {
    if text.contains("{tick}") {
        text.replace("{tick}", &now.to_string()).into()
    } else {
        Arc::clone(text)
    }
}

/// One client's connection (for UDP: the client's socket and where replies to it go).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connection {
    /// The process that connected.
    pub client: Pid,
    /// Client to server.
    pub up: Direction,
    /// Server to client.
    pub down: Direction,
    /// Open descriptors of the client's side.
    pub client_refs: u32,
    /// Open descriptors of the server's side (0 until it is accepted).
    pub server_refs: u32,
    /// True once `accept` returned it (always false for UDP).
    pub accepted: bool,
    /// True if the server's listening socket closed before accepting it: the client is reset.
    pub reset: bool,
}

impl Connection {
    /// A new connection from `client`, not accepted yet.
    pub fn new(client: Pid) -> Connection {
        Connection {
            client,
            up: Direction::default(),
            down: Direction::default(),
            client_refs: 1,
            server_refs: 0,
            accepted: false,
            reset: false,
        }
    }
}

/// A named socket: its transport, the server's listening socket and every connection to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Socket {
    /// TCP, UDP or Unix.
    pub transport: Transport,
    /// Open descriptors of the listening (UDP: bound) socket; 0 when nobody listens.
    pub listeners: u32,
    /// Connections made and not accepted yet, oldest first (the listen backlog).
    pub backlog: VecDeque<ConnId>,
    /// Processes blocked in `accept`, longest waiting first.
    pub accepting: VecDeque<Pid>,
    /// Every connection ever made, by id.
    pub conns: Vec<Connection>,
    /// UDP only: datagrams to the server, each with the connection it came from.
    pub inbox: VecDeque<ConnId>,
    /// UDP only: the datagrams themselves, and servers blocked in `recv`.
    pub incoming: Direction,
    /// UDP only: the client each server process answers (the sender of its last datagram).
    pub reply_to: Vec<(Pid, ConnId)>,
}

impl Socket {
    /// A socket nobody listens on yet.
    pub fn new(transport: Transport) -> Socket {
        Socket {
            transport,
            listeners: 0,
            backlog: VecDeque::new(),
            accepting: VecDeque::new(),
            conns: Vec::new(),
            inbox: VecDeque::new(),
            incoming: Direction::default(),
            reply_to: Vec::new(),
        }
    }

    /// The direction `end` reads from (`None` for a stream's listening socket, which has no
    /// data).
    pub fn read_side(&mut self, end: SocketEnd) -> Option<&mut Direction> {
        match end {
            SocketEnd::Listener if self.transport.is_stream() => None,
            SocketEnd::Listener => Some(&mut self.incoming),
            SocketEnd::Server(c) => self.conns.get_mut(c as usize).map(|c| &mut c.up),
            SocketEnd::Client(c) => self.conns.get_mut(c as usize).map(|c| &mut c.down),
        }
    }

    /// True if nobody can ever write to what `end` reads any more: the peer closed every
    /// descriptor of its side (end of file for a stream).
    pub fn peer_gone(&self, end: SocketEnd) -> bool {
        match end {
            SocketEnd::Listener => false,
            SocketEnd::Server(c) => self.conns[c as usize].client_refs == 0,
            SocketEnd::Client(c) => {
                let conn = &self.conns[c as usize];
                self.transport.is_stream() && conn.accepted && conn.server_refs == 0
            }
        }
    }

    /// Whom a UDP server process `pid` answers.
    pub fn reply_target(&self, pid: Pid) -> Option<ConnId> {
        self.reply_to
            .iter()
            .find(|(p, _)| *p == pid)
            .map(|&(_, c)| c)
    }

    /// Remembers that `pid` answers `conn` from now on.
    pub fn set_reply_target(&mut self, pid: Pid, conn: ConnId) {
        self.reply_to.retain(|(p, _)| *p != pid);
        self.reply_to.push((pid, conn));
    }

    /// Takes `pid` out of every wait queue of the socket.
    pub fn forget(&mut self, pid: Pid) {
        self.accepting.retain(|&p| p != pid);
        self.incoming.reading.retain(|r| r.0 != pid);
        for c in &mut self.conns {
            c.up.reading.retain(|r| r.0 != pid);
            c.down.reading.retain(|r| r.0 != pid);
        }
    }

    /// True if `pid` is in one of the socket's wait queues.
    pub fn holds(&self, pid: Pid) -> bool {
        self.accepting.contains(&pid)
            || self.incoming.reading.iter().any(|r| r.0 == pid)
            || self.conns.iter().any(|c| {
                c.up.reading.iter().any(|r| r.0 == pid) || c.down.reading.iter().any(|r| r.0 == pid)
            })
    }

    /// The clients whose connections wait in the backlog, oldest first.
    pub fn backlog_clients(&self) -> Vec<Pid> {
        self.backlog
            .iter()
            .map(|&c| self.conns[c as usize].client)
            .collect()
    }

    /// Every process blocked in `recv` on the socket, in the order of its connections.
    pub fn receivers(&self) -> Vec<Pid> {
        let conns = self.conns.iter().flat_map(|c| [&c.up, &c.down]);
        std::iter::once(&self.incoming)
            .chain(conns)
            .flat_map(|d| d.reading.iter().map(|r| r.0))
            .collect()
    }

    /// One line about the socket for views: who listens, connections, data waiting.
    pub fn describe(&self) -> String {
        let open = self
            .conns
            .iter()
            .filter(|c| c.client_refs > 0 || c.server_refs > 0)
            .count();
        let mut text = format!(
            "{}, {}",
            self.transport,
            if self.listeners > 0 {
                "listening"
            } else {
                "nobody listening"
            }
        );
        if self.transport.is_stream() {
            text.push_str(&format!(
                ", {open} connection{} open, {} waiting to be accepted",
                if open == 1 { "" } else { "s" },
                self.backlog.len()
            ));
        } else {
            text.push_str(&format!(
                ", {} datagram{} waiting",
                self.incoming.data.len(),
                if self.incoming.data.len() == 1 {
                    ""
                } else {
                    "s"
                }
            ));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn direction(sends: &[&str]) -> Direction {
        Direction {
            data: sends.iter().map(|s| Arc::from(*s)).collect(),
            reading: VecDeque::new(),
        }
    }

    #[test]
    fn a_stream_read_runs_across_sends_and_keeps_the_rest() {
        // Two sends of 5 and 6 bytes; reading 8 takes all of the first and 3 of the second.
        let mut d = direction(&["hello", " world"]);
        assert_eq!(d.take(8, true).as_deref(), Some("hello wo"));
        assert_eq!(d.bytes(), 3);
        assert_eq!(d.take(100, true).as_deref(), Some("rld"));
        assert_eq!(d.take(100, true), None);
    }

    #[test]
    fn a_datagram_read_takes_exactly_one_send_and_drops_what_does_not_fit() {
        let mut d = direction(&["hello", " world"]);
        assert_eq!(d.take(100, false).as_deref(), Some("hello"));
        assert_eq!(d.take(3, false).as_deref(), Some(" wo"));
        assert_eq!(d.take(100, false), None, "the rest of the datagram is gone");
    }

    #[test]
    fn a_read_never_splits_a_character() {
        let mut d = direction(&["né"]);
        assert_eq!(d.take(2, true).as_deref(), Some("n"));
        assert_eq!(d.take(2, true).as_deref(), Some("é"));
    }

    #[test]
    fn end_of_file_only_once_the_peer_closed_every_descriptor() {
        let mut s = Socket::new(Transport::Tcp);
        s.conns.push(Connection::new(Pid(1)));
        s.conns[0].accepted = true;
        s.conns[0].server_refs = 2;
        assert!(!s.peer_gone(SocketEnd::Client(0)));
        s.conns[0].server_refs = 0;
        assert!(s.peer_gone(SocketEnd::Client(0)));
        assert!(!s.peer_gone(SocketEnd::Server(0)));
        s.conns[0].client_refs = 0;
        assert!(s.peer_gone(SocketEnd::Server(0)));
    }
}
