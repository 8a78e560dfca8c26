//! The little language of program steps: `"cpu 5"`, `"io disk 3"`, `"fork kid"`, ….
//! Parsing gives names as written; `validate` resolves them to processes and devices.

use crate::kernel::message::{Capacity, MAX_CAPACITY, MAX_MESSAGE};
use crate::kernel::rpc::{Procedure, Semantics};
use crate::kernel::segment::{Cleanup, Flavour};
use crate::kernel::socket::Transport;
use std::ops::Range;

/// The largest number of ticks one step (or any other value) may take.
pub const MAX_TICKS: u64 = 1_000_000_000;

/// A step with the names it mentions still unresolved.
#[derive(Clone, Debug, PartialEq)]
pub enum RawStep {
    /// `cpu TICKS`
    Cpu(u64),
    /// `io DEVICE TICKS`
    Io(Word, u64),
    /// `sleep TICKS`
    Sleep(u64),
    /// `exit [STATUS]`
    Exit(i32),
    /// `fork CHILD`
    Fork(Word),
    /// `exec PROGRAM [ARGS...]`
    Exec(Word, Vec<String>),
    /// `wait [CHILD]`
    Wait(Option<Word>),
    /// `kill PROCESS [SIGNAL]`
    Kill(Word, Option<Word>),
    /// `pipe NAME`
    Pipe(Word),
    /// `write TO TEXT`
    Write(Word, String),
    /// `read FROM BYTES`
    Read(Word, u32),
    /// `close NAME [read|write]`
    Close(Word, Option<Word>),
    /// `redirect STREAM NAME`
    Redirect(Word, Word),
    /// `mkfifo NAME`
    Mkfifo(Word),
    /// `open NAME read|write`
    Open(Word, Word),
    /// `shm NAME SLOTS [posix|sysv|windows]`
    Shm(Word, u32, Flavour),
    /// `produce NAME ITEM`
    Produce(Word, String),
    /// `consume NAME`
    Consume(Word),
    /// `mailbox NAME [CAPACITY|unbounded]`
    Mailbox(Word, Capacity),
    /// `send TO TEXT` (blocking) or `try-send TO TEXT`
    Send(Word, String, bool),
    /// `receive FROM` (blocking) or `try-receive FROM`
    Receive(Word, bool),
    /// `destroy MAILBOX`
    Destroy(Word),
    /// `listen NAME tcp|udp|unix`
    Listen(Word, Transport),
    /// `accept SOCKET`
    Accept(Word),
    /// `connect SOCKET`
    Connect(Word),
    /// `recv SOCKET [BYTES]`
    Recv(Word, u32),
    /// `rpc-server PORT SEMANTICS`
    RpcServer(Word, Semantics),
    /// `rpc-serve PORT`
    RpcServe(Word),
    /// `rpc-reply PORT`
    RpcReply(Word),
    /// `rpc-call PORT PROCEDURE [ARGS...] [lost-reply]`
    RpcCall(Word, Procedure, Vec<i32>, bool),
    /// A step of the Windows family, named after its Win32 function.
    Win(super::win_steps::WinRaw),
    /// `detach RING`, `unlink RING` or `remove RING`
    Cleanup(Word, Cleanup),
}

/// A word of a step and where it is in the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Word {
    /// The text.
    pub text: String,
    /// Byte range in the file.
    pub span: Range<usize>,
}

/// A step that could not be parsed: what is wrong, how to fix it, and where.
#[derive(Clone, Debug, PartialEq)]
pub struct StepError {
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
    /// Byte range in the file.
    pub span: Range<usize>,
}

/// The step keywords with their usage, as the documentation lists them.
pub const USAGE: [(&str, &str); 35] = [
    ("cpu", "cpu TICKS"),
    ("io", "io DEVICE TICKS"),
    ("sleep", "sleep TICKS"),
    ("exit", "exit [STATUS]"),
    ("fork", "fork CHILD"),
    ("exec", "exec PROGRAM [ARGS...]"),
    ("wait", "wait [CHILD]"),
    ("kill", "kill PROCESS [SIGNAL]"),
    ("pipe", "pipe NAME"),
    ("write", "write PIPE|FIFO|stdout|stderr TEXT"),
    ("read", "read PIPE|FIFO|stdin BYTES"),
    ("close", "close NAME [read|write]"),
    ("redirect", "redirect stdin|stdout|stderr PIPE"),
    ("mkfifo", "mkfifo NAME"),
    ("open", "open FIFO read|write"),
    ("shm", "shm NAME SLOTS [posix|sysv|windows]"),
    ("produce", "produce RING ITEM"),
    ("consume", "consume RING"),
    ("mailbox", "mailbox NAME [CAPACITY|unbounded]"),
    ("send", "send PROCESS|MAILBOX|SOCKET TEXT"),
    ("try-send", "try-send PROCESS|MAILBOX TEXT"),
    ("receive", "receive PROCESS|MAILBOX"),
    ("try-receive", "try-receive PROCESS|MAILBOX"),
    ("destroy", "destroy MAILBOX"),
    ("listen", "listen NAME tcp|udp|unix"),
    ("accept", "accept SOCKET"),
    ("connect", "connect SOCKET"),
    ("recv", "recv SOCKET [BYTES]"),
    (
        "rpc-server",
        "rpc-server PORT at-least-once|at-most-once|exactly-once",
    ),
    ("rpc-serve", "rpc-serve PORT"),
    ("rpc-reply", "rpc-reply PORT"),
    (
        "rpc-call",
        "rpc-call PORT add|deposit|balance|time [ARGS...] [lost-reply]",
    ),
    ("detach", "detach RING"),
    ("unlink", "unlink RING"),
    ("remove", "remove RING"),
];

/// Splits `text` into words, keeping double-quoted words whole. Offsets are into `text`.
fn words(text: &str) -> Result<Vec<(usize, String)>, usize> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        if c == '"' {
            chars.next();
            let mut word = String::new();
            loop {
                match chars.next() {
                    Some((_, '"')) => break,
                    Some((_, ch)) => word.push(ch),
                    None => return Err(start),
                }
            }
            out.push((start, word));
        } else {
            let mut end = text.len();
            while let Some(&(i, ch)) = chars.peek() {
                if ch.is_whitespace() {
                    end = i;
                    break;
                }
                chars.next();
            }
            out.push((start, text[start..end].to_string()));
        }
    }
    Ok(out)
}

/// Parses one step. `span` is where the step's string literal is in the file, quotes included,
/// and `literal` says whether the string was written plainly (so offsets inside it are exact).
pub fn parse(text: &str, span: Range<usize>, literal: bool) -> Result<RawStep, StepError> {
    let at = |offset: usize, len: usize| {
        if literal {
            let start = span.start + 1 + offset;
            start..start + len.max(1)
        } else {
            span.clone()
        }
    };
    let error = |message: String, hint: Option<String>, range: Range<usize>| StepError {
        message,
        hint,
        span: range,
    };
    let list = words(text).map_err(|o| {
        error(
            "a quoted word in this step has no closing quote".into(),
            Some("close it with \"".into()),
            at(o, 1),
        )
    })?;
    let Some((kw_at, keyword)) = list.first().cloned() else {
        return Err(error(
            "empty step".into(),
            Some("a step looks like \"cpu 5\" or \"io disk 3\"".into()),
            span,
        ));
    };
    let rest = list.get(1..).unwrap_or_default();
    if let Some(step) = super::win_steps::parse(&keyword, rest, &at, at(kw_at, keyword.len())) {
        return step;
    }
    let usage = USAGE.iter().find(|(k, _)| *k == keyword).map(|(_, u)| *u);
    let Some(usage) = usage else {
        let all = USAGE.iter().chain(&super::win_steps::USAGE);
        let names: Vec<&str> = all.map(|(k, _)| *k).collect();
        return Err(error(
            format!("unknown step `{keyword}`"),
            Some(super::error::one_of_hint(&keyword, &names)),
            at(kw_at, keyword.len()),
        ));
    };
    let args = &list[1..];
    let word = |i: usize| {
        let (o, w) = &args[i];
        Word {
            text: w.clone(),
            span: at(*o, w.len()),
        }
    };
    let arity = |min: usize, max: usize| {
        if args.len() < min || args.len() > max {
            let range = match args.get(max) {
                Some((o, w)) => at(*o, w.len()),
                None => at(kw_at, keyword.len()),
            };
            Err(error(
                format!("`{keyword}` takes {}", count_words(min, max)),
                Some(format!("write it as \"{usage}\"")),
                range,
            ))
        } else {
            Ok(())
        }
    };
    let ticks = |i: usize| {
        let (o, w) = &args[i];
        match w.parse::<i64>() {
            Ok(n) if n > 0 && n as u64 <= MAX_TICKS => Ok(n as u64),
            Ok(n) if n > 0 => Err(error(
                format!("{w} ticks is more than proclab simulates in one step"),
                Some(format!("use at most {MAX_TICKS} ticks")),
                at(*o, w.len()),
            )),
            Ok(_) => Err(error(
                format!("`{keyword}` needs a positive number of ticks, not {w}"),
                Some(format!("write it as \"{usage}\" with at least 1 tick")),
                at(*o, w.len()),
            )),
            Err(_) => Err(error(
                format!("`{w}` is not a number of ticks"),
                Some(format!("write it as \"{usage}\"")),
                at(*o, w.len()),
            )),
        }
    };
    match keyword.as_str() {
        "cpu" => {
            arity(1, 1)?;
            Ok(RawStep::Cpu(ticks(0)?))
        }
        "io" => {
            arity(2, 2)?;
            let device = word(0);
            if device.text.is_empty() || device.text.chars().any(char::is_whitespace) {
                return Err(error(
                    format!("device name \"{}\" is not a single word", device.text),
                    Some("name devices with one word, like disk or net".into()),
                    device.span,
                ));
            }
            Ok(RawStep::Io(device, ticks(1)?))
        }
        "sleep" => {
            arity(1, 1)?;
            Ok(RawStep::Sleep(ticks(0)?))
        }
        "exit" => {
            arity(0, 1)?;
            match args.first() {
                None => Ok(RawStep::Exit(0)),
                Some((o, w)) => match w.parse::<i32>() {
                    Ok(code) if (0..=255).contains(&code) => Ok(RawStep::Exit(code)),
                    _ => Err(error(
                        format!("exit status `{w}` is not a number from 0 to 255"),
                        Some("a process's exit status is one byte: 0 means success".into()),
                        at(*o, w.len()),
                    )),
                },
            }
        }
        "fork" => {
            arity(1, 1)?;
            Ok(RawStep::Fork(word(0)))
        }
        "exec" => {
            if args.is_empty() {
                arity(1, usize::MAX)?;
            }
            let rest = args[1..].iter().map(|(_, w)| w.clone()).collect();
            Ok(RawStep::Exec(word(0), rest))
        }
        "wait" => {
            arity(0, 1)?;
            Ok(RawStep::Wait((!args.is_empty()).then(|| word(0))))
        }
        "kill" => {
            arity(1, 2)?;
            Ok(RawStep::Kill(word(0), (args.len() == 2).then(|| word(1))))
        }
        "pipe" | "mkfifo" | "consume" => {
            arity(1, 1)?;
            Ok(match keyword.as_str() {
                "pipe" => RawStep::Pipe(word(0)),
                "mkfifo" => RawStep::Mkfifo(word(0)),
                _ => RawStep::Consume(word(0)),
            })
        }
        "write" | "produce" | "send" | "try-send" => {
            arity(2, usize::MAX)?;
            let text = args[1..]
                .iter()
                .map(|(_, w)| w.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            Ok(match keyword.as_str() {
                "write" => RawStep::Write(word(0), text),
                "produce" => RawStep::Produce(word(0), text),
                _ if text.len() > MAX_MESSAGE => {
                    return Err(error(
                        format!("a message of {} bytes is too long", text.len()),
                        Some(format!("keep messages to at most {MAX_MESSAGE} bytes")),
                        word(1).span,
                    ));
                }
                _ => RawStep::Send(word(0), text, keyword == "send"),
            })
        }
        "listen" => {
            arity(2, 2)?;
            let (o, w) = &args[1];
            let Some(transport) = Transport::parse(w) else {
                return Err(error(
                    format!("`{w}` is not a kind of socket"),
                    Some(format!("say tcp, udp or unix: \"{usage}\"")),
                    at(*o, w.len()),
                ));
            };
            Ok(RawStep::Listen(word(0), transport))
        }
        "accept" | "connect" => {
            arity(1, 1)?;
            Ok(if keyword == "accept" {
                RawStep::Accept(word(0))
            } else {
                RawStep::Connect(word(0))
            })
        }
        "recv" => {
            arity(1, 2)?;
            let max = match args.get(1) {
                None => MAX_MESSAGE as u32,
                Some(_) => (ticks(1)? as u32).min(MAX_READ),
            };
            Ok(RawStep::Recv(word(0), max))
        }
        "rpc-server" => {
            arity(2, 2)?;
            let (o, w) = &args[1];
            let Some(semantics) = Semantics::parse(w) else {
                return Err(error(
                    format!("`{w}` is not what an RPC system promises"),
                    Some("say at-least-once, at-most-once or exactly-once".into()),
                    at(*o, w.len()),
                ));
            };
            Ok(RawStep::RpcServer(word(0), semantics))
        }
        "rpc-serve" | "rpc-reply" => {
            arity(1, 1)?;
            Ok(if keyword == "rpc-serve" {
                RawStep::RpcServe(word(0))
            } else {
                RawStep::RpcReply(word(0))
            })
        }
        "rpc-call" => {
            arity(2, usize::MAX)?;
            let (po, pw) = &args[1];
            let Some(procedure) = Procedure::parse(pw) else {
                let names: Vec<&str> = Procedure::ALL.iter().map(|p| p.name()).collect();
                return Err(error(
                    format!("the server offers no procedure `{pw}`"),
                    Some(super::error::one_of_hint(pw, &names)),
                    at(*po, pw.len()),
                ));
            };
            let mut rest = &args[2..];
            let lose = rest.last().is_some_and(|(_, w)| w == "lost-reply");
            if lose {
                rest = &rest[..rest.len() - 1];
            }
            if rest.len() != procedure.arity() {
                return Err(error(
                    format!(
                        "{} takes {}",
                        procedure.name(),
                        count_words(procedure.arity(), procedure.arity())
                    ),
                    Some(format!("write it as \"{usage}\"")),
                    at(*po, pw.len()),
                ));
            }
            let mut values = Vec::new();
            for (o, w) in rest {
                match w.parse::<i32>() {
                    Ok(n) => values.push(n),
                    Err(_) => {
                        return Err(error(
                            format!("`{w}` is not a whole number an RPC can carry"),
                            Some(format!(
                                "arguments are 32-bit integers, from {} to {}",
                                i32::MIN,
                                i32::MAX
                            )),
                            at(*o, w.len()),
                        ));
                    }
                }
            }
            Ok(RawStep::RpcCall(word(0), procedure, values, lose))
        }
        "receive" | "try-receive" | "destroy" => {
            arity(1, 1)?;
            Ok(match keyword.as_str() {
                "destroy" => RawStep::Destroy(word(0)),
                _ => RawStep::Receive(word(0), keyword == "receive"),
            })
        }
        "mailbox" => {
            arity(1, 2)?;
            let capacity = match args.get(1) {
                None => Capacity::Unbounded,
                Some((_, w)) if w == "unbounded" => Capacity::Unbounded,
                Some((o, w)) => match w.parse::<u32>() {
                    Ok(n) if n <= MAX_CAPACITY => Capacity::of(n),
                    _ => {
                        return Err(error(
                            format!("`{w}` is not a mailbox capacity"),
                            Some(format!(
                                "give a number of messages from 0 (a rendezvous) to {MAX_CAPACITY}, or unbounded"
                            )),
                            at(*o, w.len()),
                        ));
                    }
                },
            };
            Ok(RawStep::Mailbox(word(0), capacity))
        }
        "read" => {
            arity(2, 2)?;
            Ok(RawStep::Read(word(0), (ticks(1)? as u32).min(MAX_READ)))
        }
        "shm" => {
            arity(2, 3)?;
            let slots = ticks(1)? as u32;
            let flavour = match args.get(2) {
                None => Flavour::Posix,
                Some((o, w)) => Flavour::parse(w).ok_or_else(|| {
                    error(
                        format!("`{w}` is not a kind of shared memory"),
                        Some(format!("say posix, sysv or windows: \"{usage}\"")),
                        at(*o, w.len()),
                    )
                })?,
            };
            Ok(RawStep::Shm(word(0), slots, flavour))
        }
        "detach" | "unlink" | "remove" => {
            arity(1, 1)?;
            let act = match keyword.as_str() {
                "detach" => Cleanup::Detach,
                "unlink" => Cleanup::Unlink,
                _ => Cleanup::Remove,
            };
            Ok(RawStep::Cleanup(word(0), act))
        }
        "close" => {
            arity(1, 2)?;
            let end = (args.len() == 2).then(|| word(1));
            if let Some(e) = &end {
                check_end(e, usage).map_err(|(m, h)| error(m, Some(h), e.span.clone()))?;
            }
            Ok(RawStep::Close(word(0), end))
        }
        "open" => {
            arity(2, 2)?;
            let end = word(1);
            check_end(&end, usage).map_err(|(m, h)| error(m, Some(h), end.span.clone()))?;
            Ok(RawStep::Open(word(0), end))
        }
        "redirect" => {
            arity(2, 2)?;
            let stream = word(0);
            if !["stdin", "stdout", "stderr"].contains(&stream.text.as_str()) {
                return Err(error(
                    format!(
                        "`redirect` replaces stdin, stdout or stderr, not `{}`",
                        stream.text
                    ),
                    Some(format!("write it as \"{usage}\"")),
                    stream.span,
                ));
            }
            Ok(RawStep::Redirect(stream, word(1)))
        }
        _ => unreachable!("every keyword in USAGE is handled"),
    }
}

/// Largest `read` size (Linux caps a pipe read at its capacity anyway).
const MAX_READ: u32 = 1 << 20;

fn check_end(word: &Word, usage: &str) -> std::result::Result<(), (String, String)> {
    match word.text.as_str() {
        "read" | "write" => Ok(()),
        other => Err((
            format!("`{other}` is not an end of a pipe"),
            format!("say read or write: \"{usage}\""),
        )),
    }
}

pub(super) fn count_words(min: usize, max: usize) -> String {
    let n = |k: usize| match k {
        0 => "no arguments".to_string(),
        1 => "1 argument".to_string(),
        k => format!("{k} arguments"),
    };
    if min == max {
        n(min)
    } else if max == usize::MAX {
        format!("at least {}", n(min))
    } else {
        format!("{} to {}", min, n(max))
    }
}

#[cfg(test)]
#[path = "steps_tests.rs"]
mod tests;
