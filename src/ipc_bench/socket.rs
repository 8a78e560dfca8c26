//! A Unix-domain stream socket in the run's private directory: proclab listens, the peer
//! connects, and the socket's name is unlinked as soon as the connection is made.

#![forbid(unsafe_code)]

use super::BenchError;
use super::channel::{CONNECT_PATIENCE, Channel, LOOK_EVERY, Stream};
use super::names::{run_dir, socket_path};
use super::runner::{Named, Session};
use super::table::bytes;
use nix::poll::{PollFd, PollFlags, poll};
use nix::sys::socket::{getsockopt, sockopt};
use std::io;
use std::os::fd::AsFd;
use std::os::unix::net::{UnixListener, UnixStream};
use std::process::Stdio;
use std::time::Instant;

/// proclab's side: listens, starts the peer, accepts its connection.
pub fn open(s: &mut Session<'_>) -> Result<Box<dyn Channel>, BenchError> {
    let path = socket_path(&s.ctx.dir);
    let listener = UnixListener::bind(&path).map_err(|e| s.fail("bind", e))?;
    s.own(Named::Path(path.clone()));
    // Accepting without blocking, so that a peer that never connects is noticed.
    listener
        .set_nonblocking(true)
        .map_err(|e| s.fail("fcntl", e))?;
    s.spawn(Stdio::null(), Stdio::null())?;
    let watch = s.watch();
    let deadline = Instant::now() + CONNECT_PATIENCE;
    let stream = loop {
        match listener.accept() {
            Ok((stream, _)) => break stream,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                if let Err(e) = watch.check() {
                    return Err(s.fail("wait for the peer to connect", e));
                }
                if Instant::now() > deadline {
                    return Err(s.fail("wait for the peer to connect", io::ErrorKind::TimedOut));
                }
                let mut fds = [PollFd::new(listener.as_fd(), PollFlags::POLLIN)];
                let wait = LOOK_EVERY.as_millis() as u16;
                let _ = poll(&mut fds, wait);
            }
            Err(e) => return Err(s.fail("accept", e)),
        }
    };
    drop(listener);
    stream
        .set_nonblocking(false)
        .map_err(|e| s.fail("fcntl", e))?;
    let buffer = getsockopt(&stream, sockopt::SndBuf).unwrap_or(0);
    s.note = format!(
        "{} writes; send buffer {}",
        bytes(s.chunk as u64),
        bytes(buffer as u64)
    );
    let rx = stream.try_clone().map_err(|e| s.fail("dup", e))?;
    let mut channel = Stream::new(rx, stream);
    s.greet(&mut channel)?;
    Ok(Box::new(channel))
}

/// The peer's side: connects to proclab's socket.
pub fn peer(owner: i32) -> io::Result<Box<dyn Channel>> {
    let stream = UnixStream::connect(socket_path(&run_dir(owner)))?;
    let rx = stream.try_clone()?;
    Ok(Box::new(Stream::new(rx, stream)))
}
