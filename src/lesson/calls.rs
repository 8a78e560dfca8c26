//! Answers about one of a process's calls of one kind: `data of first ReadFile of server`,
//! `error of last read of client`. The kernel keeps no history of calls, so the run is
//! stepped again from its start up to the step's point, watching the calls' events.

use crate::kernel::call::CallResult;
use crate::kernel::event::Event;
use crate::kernel::{Pid, Step};
use crate::replay::Timeline;

/// What a question asks about the last call.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// The data it returned: the bytes read, the message received.
    Data,
    /// Why it failed: the Win32 `GetLastError()` code, or the `errno` (`none` if it worked).
    Error,
}

/// The UNIX calls a question may name (each returns data); every Win32 call of the model may
/// be named too, by its function's name.
const UNIX_CALLS: [&str; 3] = ["read", "receive", "consume"];

/// The Win32 functions of the model, as their steps spell them.
const WIN32_CALLS: [&str; 14] = [
    "CreatePipe",
    "SetHandleInformation",
    "CreateProcess",
    "CreateNamedPipe",
    "ConnectNamedPipe",
    "DisconnectNamedPipe",
    "WaitNamedPipe",
    "CreateFile",
    "ReadFile",
    "WriteFile",
    "PeekNamedPipe",
    "TransactNamedPipe",
    "CloseHandle",
    "CreateMailslot",
];

/// Checks a call's name, written in any case; returns it as its step spells it.
pub fn call_name(word: &str) -> Result<&'static str, String> {
    UNIX_CALLS
        .iter()
        .chain(WIN32_CALLS.iter())
        .find(|c| c.eq_ignore_ascii_case(word))
        .copied()
        .ok_or_else(|| {
            format!(
                "`{word}` is not a call I can look back at; the calls are {} and the Win32 \
                 functions {}",
                UNIX_CALLS.join(", "),
                WIN32_CALLS.join(", ")
            )
        })
}

/// The name a question uses for the call a step makes: its keyword (`recv`, `ReadFile`), or
/// `None` for what is no system call (`cpu`, `io`, `sleep`).
fn name_of(step: &Step) -> Option<&'static str> {
    step.is_system_call().then(|| step.keyword())
}

/// Which of the calls: `first`, `second`, `third` or `last`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Which {
    /// The Nth, counting from 1.
    Nth(usize),
    /// The latest.
    Last,
}

impl Which {
    /// Parses `first`, `second`, `third` or `last`.
    pub fn parse(word: &str) -> Option<Which> {
        Some(match word {
            "first" => Which::Nth(1),
            "second" => Which::Nth(2),
            "third" => Which::Nth(3),
            "last" => Which::Last,
            _ => return None,
        })
    }

    fn word(self) -> String {
        match self {
            Which::Nth(1) => "first".into(),
            Which::Nth(2) => "second".into(),
            Which::Nth(3) => "third".into(),
            Which::Nth(n) => format!("{n}th"),
            Which::Last => "last".into(),
        }
    }
}

/// What a `call` of `pid` returned in the first `steps` steps of the run: `Ok(None)` if it is
/// still blocked, an error if it has not made that many.
pub fn result(
    timeline: &Timeline,
    steps: u64,
    pid: Pid,
    call: &str,
    which: Which,
) -> Result<Option<CallResult>, String> {
    let mut kernel = timeline.snapshot_before(0).1.clone();
    let mut events = Vec::new();
    // Every such call so far, in order: `None` while one is blocked.
    let mut made: Vec<Option<CallResult>> = Vec::new();
    for _ in 0..steps {
        events.clear();
        if kernel.step(&mut events).is_none() {
            break;
        }
        for e in &events {
            match e {
                Event::Call(c) if c.pid == pid && name_of(&c.step) == Some(call) => {
                    made.push(c.result.clone());
                }
                // A blocked process makes no other call, so this is the one it blocked in.
                Event::CallDone { pid: p, result, .. }
                    if *p == pid && made.last() == Some(&None) =>
                {
                    made.pop();
                    made.push(Some(result.clone()));
                }
                _ => {}
            }
        }
    }
    let found = match which {
        Which::Nth(n) => made.get(n.wrapping_sub(1)),
        Which::Last => made.last(),
    };
    found.cloned().ok_or_else(|| {
        format!(
            "it has made no {} {call} call by time {}",
            which.word(),
            kernel.now()
        )
    })
}

/// The part of `result` a question asks for, as text.
pub fn part_of(result: &CallResult, part: Part) -> Result<String, String> {
    match part {
        Part::Data => match result.data.as_deref() {
            Some(data) if !data.is_empty() => Ok(data.to_string()),
            _ => Err("it returned no data".into()),
        },
        Part::Error => Ok(match (&result.win32, result.errno) {
            (Some(w), _) => w.last_error.name().to_string(),
            (None, Some(errno)) => errno.name().to_string(),
            (None, None) => "none".to_string(),
        }),
    }
}
