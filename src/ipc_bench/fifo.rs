//! Named pipes (FIFOs), one each way, in the run's private directory. Opening a FIFO waits
//! for the other end, so proclab opens its ends without blocking — reading first, so that the
//! peer's open for writing finds a reader, then writing, retried until the peer reads —
//! and unlinks both once open: an open FIFO works without its name.

#![forbid(unsafe_code)]

use super::BenchError;
use super::channel::{CONNECT_PATIENCE, Channel, Stream, retry};
use super::names::{fifo_path, run_dir};
use super::runner::{Named, Session};
use super::table::bytes;
use nix::errno::Errno;
use nix::fcntl::{FcntlArg, OFlag, fcntl, open as open_path};
use nix::sys::stat::Mode;
use nix::unistd::mkfifo;
use std::fs::File;
use std::io;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// proclab's side: makes the FIFOs, starts the peer, opens its ends once the peer has.
pub fn open(s: &mut Session<'_>) -> Result<Box<dyn Channel>, BenchError> {
    let down = fifo_path(&s.ctx.dir, "down");
    let up = fifo_path(&s.ctx.dir, "up");
    for path in [&down, &up] {
        mkfifo(path, Mode::S_IRUSR | Mode::S_IWUSR).map_err(|e| s.fail("mkfifo", e))?;
        s.own(Named::Path(path.clone()));
    }
    let nonblocking = OFlag::O_NONBLOCK | OFlag::O_CLOEXEC;
    let up_rx = retry(|| open_path(&up, OFlag::O_RDONLY | nonblocking, Mode::empty()))
        .map_err(|e| s.fail("open the FIFO for reading", e))?;
    s.spawn(Stdio::null(), Stdio::null())?;
    let watch = s.watch();
    let deadline = Instant::now() + CONNECT_PATIENCE;
    let down_tx = loop {
        match open_path(&down, OFlag::O_WRONLY | nonblocking, Mode::empty()) {
            Ok(fd) => break fd,
            // No reader yet: the peer is still starting.
            Err(Errno::ENXIO | Errno::EINTR) => {
                if let Err(e) = watch.check() {
                    return Err(s.fail("wait for the peer to open the FIFO", e));
                }
                if Instant::now() > deadline {
                    return Err(s.fail("wait for the peer to open the FIFO", Errno::ETIMEDOUT));
                }
                std::thread::sleep(Duration::from_micros(500));
            }
            Err(e) => return Err(s.fail("open the FIFO for writing", e)),
        }
    };
    // Blocking from now on, like the peer's ends.
    for fd in [&up_rx, &down_tx] {
        fcntl(fd, FcntlArg::F_SETFL(OFlag::empty())).map_err(|e| s.fail("fcntl", e))?;
    }
    s.note = format!("{} writes, as for the pipe", bytes(s.chunk as u64));
    let mut channel = Stream::new(File::from(up_rx), File::from(down_tx));
    s.greet(&mut channel)?;
    Ok(Box::new(channel))
}

/// The peer's side: opens the FIFOs by name, in the order proclab expects.
pub fn peer(owner: i32) -> io::Result<Box<dyn Channel>> {
    let dir = run_dir(owner);
    let tx = retry(|| {
        open_path(
            &fifo_path(&dir, "up"),
            OFlag::O_WRONLY | OFlag::O_CLOEXEC,
            Mode::empty(),
        )
    })?;
    let rx = retry(|| {
        open_path(
            &fifo_path(&dir, "down"),
            OFlag::O_RDONLY | OFlag::O_CLOEXEC,
            Mode::empty(),
        )
    })?;
    Ok(Box::new(Stream::new(File::from(rx), File::from(tx))))
}
