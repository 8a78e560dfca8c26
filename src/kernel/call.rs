//! What a system call of the model is and what it returns, as the events report it.

use super::ids::{Pid, Tick};
use super::program::{ExitStatus, Step};
use serde::Serialize;
use std::sync::Arc;

/// The error numbers the model can return (Linux's values).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Errno {
    /// No such file or directory (a FIFO not made yet).
    ENOENT = 2,
    /// No such process.
    ESRCH = 3,
    /// Bad file descriptor: the process has no descriptor for that.
    EBADF = 9,
    /// No child processes.
    ECHILD = 10,
    /// Try again: a non-blocking call that would have had to wait.
    EAGAIN = 11,
    /// File exists.
    EEXIST = 17,
    /// Invalid argument: an `rpc-reply` with no request taken to answer.
    EINVAL = 22,
    /// Broken pipe: nobody can ever read what is written.
    EPIPE = 32,
    /// A socket with nowhere to send: a UDP server that has heard from no client yet.
    EDESTADDRREQ = 89,
    /// Address already in use: another socket listens on that name.
    EADDRINUSE = 98,
    /// Connection reset: the server closed its listening socket before accepting it.
    ECONNRESET = 104,
    /// The socket is not connected (a stream's listening socket carries no data).
    ENOTCONN = 107,
    /// The call timed out: an RPC client got no reply and gave up.
    ETIMEDOUT = 110,
    /// Connection refused: nobody listens there.
    ECONNREFUSED = 111,
}

impl Errno {
    /// Its symbolic name.
    pub fn name(self) -> &'static str {
        match self {
            Errno::ENOENT => "ENOENT",
            Errno::ESRCH => "ESRCH",
            Errno::EBADF => "EBADF",
            Errno::ECHILD => "ECHILD",
            Errno::EAGAIN => "EAGAIN",
            Errno::EEXIST => "EEXIST",
            Errno::EPIPE => "EPIPE",
            Errno::EDESTADDRREQ => "EDESTADDRREQ",
            Errno::EADDRINUSE => "EADDRINUSE",
            Errno::ECONNRESET => "ECONNRESET",
            Errno::ENOTCONN => "ENOTCONN",
            Errno::ECONNREFUSED => "ECONNREFUSED",
            Errno::EINVAL => "EINVAL",
            Errno::ETIMEDOUT => "ETIMEDOUT",
        }
    }
}

/// What a system call returned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CallResult {
    /// The return value (-1 on error).
    pub ret: i64,
    /// The error, if it failed.
    pub errno: Option<Errno>,
    /// Data returned: bytes read, an item consumed, the descriptors of a new pipe.
    pub data: Option<Arc<str>>,
    /// For `wait`: how the child ended.
    pub status: Option<ExitStatus>,
    /// For the Windows family's calls: what Win32 says beyond the return value (absent from
    /// the JSON of every other call).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub win32: Option<super::win_error::Win32>,
}

impl CallResult {
    /// A success returning `ret`.
    pub fn ok(ret: i64) -> CallResult {
        CallResult {
            ret,
            errno: None,
            data: None,
            status: None,
            win32: None,
        }
    }

    /// A failure with `errno`.
    pub fn err(errno: Errno) -> CallResult {
        CallResult {
            ret: -1,
            errno: Some(errno),
            data: None,
            status: None,
            win32: None,
        }
    }

    /// A success returning `ret` and `data`.
    pub fn with_data(ret: i64, data: impl Into<Arc<str>>) -> CallResult {
        CallResult {
            data: Some(data.into()),
            ..CallResult::ok(ret)
        }
    }
}

/// A step with a real counterpart, as a process executed it in the model.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Call {
    /// When.
    pub time: Tick,
    /// Who.
    pub pid: Pid,
    /// The step.
    pub step: Step,
    /// The other process involved: the child of `fork`, the one `wait` names, the target of
    /// `kill`.
    pub peer: Option<Pid>,
    /// The result, or `None` if the call blocked (a `CallDone` follows when it returns).
    pub result: Option<CallResult>,
}

impl Step {
    /// The step's word in a scenario file (`recv`, `try-send`, …), which is also the call's
    /// kind in the JSON output and what a lesson's `last CALL of P` names.
    pub fn keyword(&self) -> &'static str {
        match self {
            Step::Cpu { .. } => "cpu",
            Step::Io { .. } => "io",
            Step::Sleep { .. } => "sleep",
            Step::Exit { .. } => "exit",
            Step::Fork { .. } => "fork",
            Step::Exec { .. } => "exec",
            Step::Wait { .. } => "wait",
            Step::Kill { .. } => "kill",
            Step::Pipe { .. } => "pipe",
            Step::Write { .. } => "write",
            Step::Read { .. } => "read",
            Step::Close { .. } => "close",
            Step::Redirect { .. } => "redirect",
            Step::Mkfifo { .. } => "mkfifo",
            Step::Open { .. } => "open",
            Step::Shm { .. } => "shm",
            Step::Produce { .. } => "produce",
            Step::Consume { .. } => "consume",
            Step::Mailbox { .. } => "mailbox",
            Step::Send { wait: true, .. } => "send",
            Step::Send { wait: false, .. } => "try-send",
            Step::Receive { wait: true, .. } => "receive",
            Step::Receive { wait: false, .. } => "try-receive",
            Step::Destroy { .. } => "destroy",
            Step::Listen { .. } => "listen",
            Step::Accept { .. } => "accept",
            Step::Connect { .. } => "connect",
            Step::SocketSend { .. } => "send",
            Step::SocketRecv { .. } => "recv",
            Step::RpcServer { .. } => "rpc-server",
            Step::RpcServe { .. } => "rpc-serve",
            Step::RpcReply { .. } => "rpc-reply",
            Step::RpcCall { .. } => "rpc-call",
            Step::Win(w) => w.keyword(),
            Step::Cleanup { act, .. } => act.word(),
        }
    }
}
