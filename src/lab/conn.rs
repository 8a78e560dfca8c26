//! A line-oriented, non-blocking connection between the helper and one twin.

#![forbid(unsafe_code)]

use std::io::{ErrorKind, Read};
use std::os::unix::net::UnixStream;

/// A line-oriented connection to one twin.
#[derive(Debug)]
pub(super) struct Conn {
    pub(super) stream: UnixStream,
    pub(super) buf: Vec<u8>,
    pub(super) closed: bool,
}

impl Conn {
    pub(super) fn new(stream: UnixStream) -> std::io::Result<Conn> {
        stream.set_nonblocking(true)?;
        Ok(Conn {
            stream,
            buf: Vec::new(),
            closed: false,
        })
    }

    /// Reads what is there without blocking; returns a whole line if one has arrived.
    pub(super) fn try_line(&mut self) -> Option<String> {
        if let Some(end) = self.buf.iter().position(|&b| b == b'\n') {
            let rest = self.buf.split_off(end + 1);
            let line = std::mem::replace(&mut self.buf, rest);
            return Some(String::from_utf8_lossy(&line).into_owned());
        }
        let mut chunk = [0u8; 4096];
        loop {
            match self.stream.read(&mut chunk) {
                Ok(0) => {
                    self.closed = true;
                    return None;
                }
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    if self.buf.contains(&b'\n') {
                        return self.try_line();
                    }
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return None,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => {
                    self.closed = true;
                    return None;
                }
            }
        }
    }
}
