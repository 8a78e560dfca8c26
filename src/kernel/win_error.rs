//! What a Win32 call returns. There is no `errno`: a call returns `TRUE` or `FALSE` (or a
//! handle, or `INVALID_HANDLE_VALUE`), and `GetLastError()` then says why it failed. The
//! model keeps that code in the result's `win32` part, apart from Linux's `errno`, so that
//! the JSON of every Linux call stays as it was.

use super::call::CallResult;
use serde::Serialize;
use std::sync::Arc;

/// The codes `GetLastError()` gives after the calls of the model (Win32's values).
// Win32's own names, so that they read as in its documentation.
#[allow(non_camel_case_types)]
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
pub enum WinError {
    /// The call worked.
    ERROR_SUCCESS = 0,
    /// No pipe or mailslot of that name exists (on this machine).
    ERROR_FILE_NOT_FOUND = 2,
    /// The handle does not allow it: writing with a read handle, reading a mailslot with a
    /// client's handle.
    ERROR_ACCESS_DENIED = 5,
    /// The process holds no such handle (never had one, closed it, or did not inherit it).
    ERROR_INVALID_HANDLE = 6,
    /// A parameter is wrong: here, a broadcast to a mailslot longer than 400 bytes.
    ERROR_INVALID_PARAMETER = 87,
    /// The other end is gone: every write handle is closed (a read finds nothing more).
    ERROR_BROKEN_PIPE = 109,
    /// The reader's buffer is smaller than the mailslot's next message (which stays).
    ERROR_INSUFFICIENT_BUFFER = 122,
    /// A mailslot of that name exists already on that machine.
    ERROR_ALREADY_EXISTS = 183,
    /// The pipe is not of the kind the call needs: `TransactNamedPipe` on a byte pipe.
    ERROR_BAD_PIPE = 230,
    /// Every instance is busy (`CreateFile`, or `CreateNamedPipe` past the maximum), or a
    /// transaction finds unread data in the pipe.
    ERROR_PIPE_BUSY = 231,
    /// The pipe is being closed: nobody is left to read what is written.
    ERROR_NO_DATA = 232,
    /// No client is connected: the server disconnected this one, or none has come.
    ERROR_PIPE_NOT_CONNECTED = 233,
    /// The message is longer than the buffer: the read returns its first part, and the rest
    /// stays for the next read.
    ERROR_MORE_DATA = 234,
    /// A client connected before the server's `ConnectNamedPipe`: it is connected already.
    ERROR_PIPE_CONNECTED = 535,
    /// No client has opened the other end of this instance yet.
    ERROR_PIPE_LISTENING = 536,
}

impl WinError {
    /// The symbolic name, e.g. `ERROR_PIPE_BUSY`.
    pub fn name(self) -> &'static str {
        match self {
            WinError::ERROR_SUCCESS => "ERROR_SUCCESS",
            WinError::ERROR_FILE_NOT_FOUND => "ERROR_FILE_NOT_FOUND",
            WinError::ERROR_ACCESS_DENIED => "ERROR_ACCESS_DENIED",
            WinError::ERROR_INVALID_HANDLE => "ERROR_INVALID_HANDLE",
            WinError::ERROR_INVALID_PARAMETER => "ERROR_INVALID_PARAMETER",
            WinError::ERROR_BROKEN_PIPE => "ERROR_BROKEN_PIPE",
            WinError::ERROR_INSUFFICIENT_BUFFER => "ERROR_INSUFFICIENT_BUFFER",
            WinError::ERROR_ALREADY_EXISTS => "ERROR_ALREADY_EXISTS",
            WinError::ERROR_BAD_PIPE => "ERROR_BAD_PIPE",
            WinError::ERROR_PIPE_BUSY => "ERROR_PIPE_BUSY",
            WinError::ERROR_NO_DATA => "ERROR_NO_DATA",
            WinError::ERROR_PIPE_NOT_CONNECTED => "ERROR_PIPE_NOT_CONNECTED",
            WinError::ERROR_MORE_DATA => "ERROR_MORE_DATA",
            WinError::ERROR_PIPE_CONNECTED => "ERROR_PIPE_CONNECTED",
            WinError::ERROR_PIPE_LISTENING => "ERROR_PIPE_LISTENING",
        }
    }

    /// The number `GetLastError()` returns.
    pub fn code(self) -> u32 {
        self as u32
    }
}

/// A Win32 call's result beyond its return value.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Win32 {
    /// What `GetLastError()` would return after the call: `ERROR_SUCCESS` if it worked.
    pub last_error: WinError,
    /// The bytes read, written or peeked at (the call's `lpNumberOf…` out-parameter).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u32>,
    /// `PeekNamedPipe`: the bytes waiting in the pipe (`lpTotalBytesAvail`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available: Option<u32>,
    /// `PeekNamedPipe` on a message pipe: the bytes of the first message it did not copy
    /// (`lpBytesLeftThisMessage`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub left_in_message: Option<u32>,
    /// True if the call returns a handle (`ret` is its number, or -1 for
    /// `INVALID_HANDLE_VALUE`) rather than `TRUE` or `FALSE`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub handle: bool,
}

impl Win32 {
    fn of(last_error: WinError) -> Win32 {
        Win32 {
            last_error,
            bytes: None,
            available: None,
            left_in_message: None,
            handle: false,
        }
    }

    /// True if the call worked.
    pub fn worked(&self) -> bool {
        self.last_error == WinError::ERROR_SUCCESS
    }
}

/// `TRUE`.
pub fn win_true() -> CallResult {
    CallResult {
        win32: Some(Win32::of(WinError::ERROR_SUCCESS)),
        ..CallResult::ok(1)
    }
}

/// `FALSE`, and why.
pub fn win_false(error: WinError) -> CallResult {
    CallResult {
        win32: Some(Win32::of(error)),
        ..CallResult::ok(0)
    }
}

/// A new handle (its number in the process's table).
pub fn win_handle(handle: u32) -> CallResult {
    CallResult {
        win32: Some(Win32 {
            handle: true,
            ..Win32::of(WinError::ERROR_SUCCESS)
        }),
        ..CallResult::ok(i64::from(handle))
    }
}

/// `INVALID_HANDLE_VALUE`, and why.
pub fn win_no_handle(error: WinError) -> CallResult {
    CallResult {
        win32: Some(Win32 {
            handle: true,
            ..Win32::of(error)
        }),
        ..CallResult::ok(-1)
    }
}

/// A transfer of `bytes` bytes (`data`: what was read), `TRUE` unless `error` says otherwise
/// (`ERROR_MORE_DATA` still delivers bytes).
pub fn win_bytes(bytes: u32, data: Option<Arc<str>>, error: WinError) -> CallResult {
    let ok = error == WinError::ERROR_SUCCESS;
    CallResult {
        data,
        win32: Some(Win32 {
            bytes: Some(bytes),
            ..Win32::of(error)
        }),
        ..CallResult::ok(i64::from(ok))
    }
}

/// What `PeekNamedPipe` saw: `text` copied out, `available` bytes waiting, `left` bytes of
/// the first message not copied.
pub fn win_peek(text: Arc<str>, available: u32, left: Option<u32>) -> CallResult {
    let mut result = win_bytes(text.len() as u32, Some(text), WinError::ERROR_SUCCESS);
    if let Some(w) = &mut result.win32 {
        w.available = Some(available);
        w.left_in_message = left;
    }
    result
}
