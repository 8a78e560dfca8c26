//! A twin's sockets: the real `socket`/`bind`/`listen`, `accept`, `connect`, `send` and
//! `recv` behind the scenario's socket steps, on 127.0.0.1 or a Unix socket in the run's
//! private directory only. Like the model, a twin uses its newest connection of a name, or
//! the listening (UDP: bound) socket when it has none.

#![forbid(unsafe_code)]

use super::record::Outcome;
use nix::errno::Errno;
use nix::sys::socket::{MsgFlags, SockaddrStorage, recv, recvfrom, send, sendto};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;

/// The sockets a twin holds under one scenario name.
#[derive(Debug, Default)]
pub(super) struct Sockets {
    listener: Option<Listener>,
    /// Connections, oldest first: `accept`ed or `connect`ed.
    conns: Vec<OwnedFd>,
    /// UDP server: the sender of the last datagram received, where `send` answers.
    reply_to: Option<SockaddrStorage>,
}

#[derive(Debug)]
enum Listener {
    Tcp(TcpListener),
    Udp(UdpSocket),
    Unix(UnixListener),
}

impl Listener {
    fn fd(&self) -> std::os::fd::BorrowedFd<'_> {
        match self {
            Listener::Tcp(l) => l.as_fd(),
            Listener::Udp(l) => l.as_fd(),
            Listener::Unix(l) => l.as_fd(),
        }
    }
}

fn io_errno(e: std::io::Error) -> Errno {
    Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO))
}

/// What a call that made descriptor `fd` returns: its number, its inode (to recognise it in
/// `/proc/PID/fd`) and, for a socket bound to a port, the port.
fn made(fd: std::os::fd::BorrowedFd<'_>, port: Option<u16>) -> Outcome {
    Outcome {
        ret: fd.as_raw_fd().into(),
        inode: nix::sys::stat::fstat(fd).ok().map(|s| s.st_ino),
        port,
        ..Outcome::default()
    }
}

impl Sockets {
    /// True if nothing is open any more.
    pub(super) fn is_empty(&self) -> bool {
        self.listener.is_none() && self.conns.is_empty()
    }

    /// `listen NAME tcp|udp|unix`: `address` is a path for `unix`, ignored otherwise (the
    /// kernel picks a free port on 127.0.0.1, which the reply carries).
    pub(super) fn listen(&mut self, transport: &str, address: &str) -> Result<Outcome, Errno> {
        let loopback = (Ipv4Addr::LOCALHOST, 0);
        let listener = match transport {
            "tcp" => Listener::Tcp(TcpListener::bind(loopback).map_err(io_errno)?),
            "udp" => Listener::Udp(UdpSocket::bind(loopback).map_err(io_errno)?),
            _ => Listener::Unix(UnixListener::bind(Path::new(address)).map_err(io_errno)?),
        };
        let port = match &listener {
            Listener::Tcp(l) => l.local_addr().ok().map(|a| a.port()),
            Listener::Udp(l) => l.local_addr().ok().map(|a| a.port()),
            Listener::Unix(_) => None,
        };
        let outcome = made(listener.fd(), port);
        self.listener = Some(listener);
        Ok(outcome)
    }

    /// `accept NAME`: waits for a connection on the listening socket.
    pub(super) fn accept(&mut self) -> Result<Outcome, Errno> {
        let fd: OwnedFd = match self.listener.as_ref().ok_or(Errno::EBADF)? {
            Listener::Tcp(l) => l.accept().map_err(io_errno)?.0.into(),
            Listener::Unix(l) => l.accept().map_err(io_errno)?.0.into(),
            Listener::Udp(_) => return Err(Errno::EOPNOTSUPP),
        };
        let outcome = made(fd.as_fd(), None);
        self.conns.push(fd);
        Ok(outcome)
    }

    /// `connect NAME`: to `127.0.0.1:PORT` or to the Unix socket at `address`.
    pub(super) fn connect(&mut self, transport: &str, address: &str) -> Result<Outcome, Errno> {
        let inet = || -> Result<SocketAddr, Errno> {
            let port = address.parse::<u16>().map_err(|_| Errno::EINVAL)?;
            Ok(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
        };
        let fd: OwnedFd = match transport {
            "tcp" => TcpStream::connect(inet()?).map_err(io_errno)?.into(),
            "udp" => {
                let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).map_err(io_errno)?;
                socket.connect(inet()?).map_err(io_errno)?;
                socket.into()
            }
            _ => UnixStream::connect(Path::new(address))
                .map_err(io_errno)?
                .into(),
        };
        let outcome = made(fd.as_fd(), None);
        self.conns.push(fd);
        Ok(outcome)
    }

    /// `send NAME TEXT`: on the newest connection, or from a UDP server to whoever sent it
    /// the last datagram. `MSG_NOSIGNAL`: a closed peer is EPIPE, not a killing SIGPIPE.
    pub(super) fn send(&mut self, text: &str) -> Result<Outcome, Errno> {
        let flags = MsgFlags::MSG_NOSIGNAL;
        let n = match (self.conns.last(), &self.listener) {
            (Some(conn), _) => send(conn.as_raw_fd(), text.as_bytes(), flags)?,
            (None, Some(Listener::Udp(socket))) => {
                let to = self.reply_to.as_ref().ok_or(Errno::EDESTADDRREQ)?;
                sendto(socket.as_raw_fd(), text.as_bytes(), to, flags)?
            }
            (None, Some(_)) => return Err(Errno::ENOTCONN),
            (None, None) => return Err(Errno::EBADF),
        };
        Ok(Outcome {
            ret: n as i64,
            ..Outcome::default()
        })
    }

    /// `recv NAME MAX`: up to `max` bytes from the newest connection; a UDP server takes one
    /// datagram and remembers its sender.
    pub(super) fn recv(&mut self, max: u32) -> Result<Outcome, Errno> {
        let mut buf = vec![0u8; max as usize];
        let n = match (self.conns.last(), &self.listener) {
            (Some(conn), _) => recv(conn.as_raw_fd(), &mut buf, MsgFlags::empty())?,
            (None, Some(Listener::Udp(socket))) => {
                let (n, from) = recvfrom::<SockaddrStorage>(socket.as_raw_fd(), &mut buf)?;
                self.reply_to = from;
                n
            }
            (None, Some(_)) => return Err(Errno::ENOTCONN),
            (None, None) => return Err(Errno::EBADF),
        };
        buf.truncate(n);
        Ok(Outcome {
            ret: n as i64,
            data: Some(String::from_utf8_lossy(&buf).into_owned()),
            ..Outcome::default()
        })
    }

    /// `close NAME`: the newest connection, or else the listening socket; false if none.
    pub(super) fn close(&mut self) -> bool {
        self.conns.pop().is_some() || self.listener.take().is_some()
    }
}
