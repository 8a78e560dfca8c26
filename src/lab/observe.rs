//! What `/proc` says about the twins and their objects, read with the `procfs` crate: state
//! letter, parent, `wchan`, `comm`, open descriptors, context switches; bytes waiting in a pipe;
//! the contents of a shared ring. A process that is gone (reaped) simply has no entry.

#![forbid(unsafe_code)]

use super::record::{RealFd, RealProcess, meaning};
use super::ring::{self, RingView};
use super::sys;
use nix::fcntl::{OFlag, open};
use nix::sys::stat::Mode;
use procfs::net::TcpState;
use procfs::process::{FDTarget, Process};
use std::path::Path;

/// A quick look at a process: enough to tell if it sleeps, where, and whether it is a zombie.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Look {
    /// State letter.
    pub state: char,
    /// Parent pid.
    pub ppid: i32,
    /// Command name.
    pub comm: String,
    /// Kernel function it sleeps in (empty if none).
    pub wchan: String,
}

/// Looks at `pid`; `None` if it is gone.
pub fn look(pid: i32) -> Option<Look> {
    let process = Process::new(pid).ok()?;
    let stat = process.stat().ok()?;
    let wchan = process
        .wchan()
        .map(|w| if w == "0" { String::new() } else { w })
        .unwrap_or_default();
    Some(Look {
        state: stat.state,
        ppid: stat.ppid,
        comm: stat.comm,
        wchan,
    })
}

/// Where `pid` sleeps, if it exists and sleeps.
pub fn wchan(pid: i32) -> Option<String> {
    look(pid).map(|l| l.wchan).filter(|w| !w.is_empty())
}

/// The descriptors of `pid`, with the objects the lab knows named by `label` (which gets the
/// target, e.g. `pipe:[1234]`).
fn fds(process: &Process, label: &dyn Fn(&str) -> Option<String>) -> Vec<RealFd> {
    let Ok(iter) = process.fd() else {
        return Vec::new();
    };
    let mut out: Vec<RealFd> = iter
        .flatten()
        .map(|info| {
            let target = match &info.target {
                FDTarget::Path(p) => p.display().to_string(),
                FDTarget::Socket(i) => format!("socket:[{i}]"),
                FDTarget::Net(i) => format!("net:[{i}]"),
                FDTarget::Pipe(i) => format!("pipe:[{i}]"),
                FDTarget::AnonInode(s) => format!("anon_inode:{s}"),
                FDTarget::MemFD(s) => format!("memfd:{s}"),
                FDTarget::Other(s, i) => format!("{s}:[{i}]"),
                FDTarget::Unknown(a, b) => format!("{a}:{b}"),
            };
            RealFd {
                fd: info.fd,
                object: label(&target),
                target,
            }
        })
        .collect();
    out.sort_by_key(|f| f.fd);
    out
}

/// Everything the record shows about twin `name`, or a "gone" entry once it is reaped.
pub fn process(
    name: &str,
    pid: i32,
    parent_of: &dyn Fn(i32) -> String,
    label: &dyn Fn(&str) -> Option<String>,
) -> RealProcess {
    let Ok(proc_) = Process::new(pid) else {
        return gone(name, pid);
    };
    let Some(l) = look(pid) else {
        return gone(name, pid);
    };
    let status = proc_.status().ok();
    RealProcess {
        name: name.into(),
        pid,
        ppid: l.ppid,
        parent: parent_of(l.ppid),
        state: l.state,
        meaning: meaning(l.state).into(),
        wchan: l.wchan,
        comm: l.comm,
        fds: fds(&proc_, label),
        voluntary_switches: status
            .as_ref()
            .and_then(|s| s.voluntary_ctxt_switches)
            .unwrap_or(0),
        involuntary_switches: status
            .as_ref()
            .and_then(|s| s.nonvoluntary_ctxt_switches)
            .unwrap_or(0),
    }
}

/// The entry of a twin that has been reaped (its pid is not looked at: it may be reused).
pub fn gone(name: &str, pid: i32) -> RealProcess {
    RealProcess {
        name: name.into(),
        pid,
        ppid: 0,
        parent: String::new(),
        state: '-',
        meaning: meaning('-').into(),
        wchan: String::new(),
        comm: String::new(),
        fds: Vec::new(),
        voluntary_switches: 0,
        involuntary_switches: 0,
    }
}

/// Bytes waiting in the pipe or FIFO that `pid` holds open as descriptor `fd`: the pipe is
/// opened again through `/proc` (non-blocking, for reading) and asked with `FIONREAD`.
pub fn bytes_waiting(pid: i32, fd: i32) -> Option<u64> {
    let path = format!("/proc/{pid}/fd/{fd}");
    let probe = open(
        Path::new(&path),
        OFlag::O_RDONLY | OFlag::O_NONBLOCK | OFlag::O_CLOEXEC,
        Mode::empty(),
    )
    .ok()?;
    sys::bytes_waiting(std::os::fd::AsFd::as_fd(&probe))
        .ok()
        .map(|n| n as u64)
}

/// The ring in the shared-memory object `shm` (a POSIX name), read from `/dev/shm`.
pub fn ring(shm: &str) -> Option<RingView> {
    let bytes = std::fs::read(super::names::shm_file(shm)).ok()?;
    ring::decode(&bytes)
}

/// What `/proc/net/{tcp,udp,unix}` says of the sockets with these inodes: for each one found,
/// its inode, its state (`Listen`, `Established`, `CloseWait`, …) and the bytes (for a TCP
/// listening socket: the connections) waiting in its receive queue.
pub fn sockets(inodes: &[u64]) -> Vec<(u64, String, u64)> {
    let mut out = Vec::new();
    let wanted = |inode: u64| inode != 0 && inodes.contains(&inode);
    for e in procfs::net::tcp().unwrap_or_default() {
        if wanted(e.inode) {
            // The peer's FIN takes a sequence number, which rx_queue counts as a byte until
            // the reader has seen end of file: not data.
            let fin = matches!(
                e.state,
                TcpState::CloseWait | TcpState::LastAck | TcpState::Closing
            );
            let bytes = u64::from(e.rx_queue).saturating_sub(u64::from(fin));
            out.push((e.inode, format!("{:?}", e.state), bytes));
        }
    }
    for e in procfs::net::udp().unwrap_or_default() {
        if wanted(e.inode) {
            out.push((e.inode, format!("{:?}", e.state), u64::from(e.rx_queue)));
        }
    }
    for e in procfs::net::unix().unwrap_or_default() {
        if wanted(e.inode) {
            out.push((e.inode, format!("{:?}", e.state), 0));
        }
    }
    out
}

/// The first argument of the system call `pid` is in (for `read` and `recv`: the descriptor),
/// from `/proc/PID/syscall`; `None` if it runs, is gone, or may not be looked at.
pub fn syscall_fd(pid: i32) -> Option<i32> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/syscall")).ok()?;
    let arg = text.split_whitespace().nth(1)?;
    i32::from_str_radix(arg.strip_prefix("0x")?, 16).ok()
}
