//! Anonymous pipes, one each way. The peer gets its ends as standard input and output
//! (`Stdio` made from the descriptors), the way a shell connects `a | b`.

#![forbid(unsafe_code)]

use super::BenchError;
use super::channel::{Channel, Stream};
use super::runner::Session;
use super::table::bytes;
use nix::fcntl::{FcntlArg, OFlag, fcntl};
use nix::unistd::pipe2;
use std::fs::File;
use std::io;
use std::os::fd::AsFd;
use std::process::Stdio;

/// proclab's side: makes both pipes, starts the peer on their other ends.
pub fn open(s: &mut Session<'_>) -> Result<Box<dyn Channel>, BenchError> {
    // Close-on-exec, so that no other program this process starts inherits a copy (which
    // would keep a pipe from ever reporting its end).
    let (down_rx, down_tx) = pipe2(OFlag::O_CLOEXEC).map_err(|e| s.fail("pipe", e))?;
    let (up_rx, up_tx) = pipe2(OFlag::O_CLOEXEC).map_err(|e| s.fail("pipe", e))?;
    let capacity = fcntl(&down_tx, FcntlArg::F_GETPIPE_SZ).unwrap_or(0);
    s.note = format!(
        "{} writes; pipe buffer {}",
        bytes(s.chunk as u64),
        bytes(capacity.max(0) as u64)
    );
    s.spawn(Stdio::from(down_rx), Stdio::from(up_tx))?;
    let mut channel = Stream::new(File::from(up_rx), File::from(down_tx));
    s.greet(&mut channel)?;
    Ok(Box::new(channel))
}

/// The peer's side: its standard input and output, unbuffered (Rust's `Stdout` would hold a
/// small message back until a newline).
pub fn peer() -> io::Result<Box<dyn Channel>> {
    let rx = io::stdin().as_fd().try_clone_to_owned()?;
    let tx = io::stdout().as_fd().try_clone_to_owned()?;
    Ok(Box::new(Stream::new(File::from(rx), File::from(tx))))
}
