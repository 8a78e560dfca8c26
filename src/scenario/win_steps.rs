//! The steps of the Windows family, named after their Win32 functions (`"CreatePipe p"`,
//! `"ReadFile orders 100"`, `"CreateFile alerts@*"`), and their parsing; `win_checks` checks
//! them against the scenario's processes and objects.

use super::steps::{RawStep, StepError, Word, count_words};
use crate::kernel::mailslot::DOMAIN;
use crate::kernel::program::End;
use crate::kernel::win::PipeMode;
use crate::kernel::winpipe::MAX_INSTANCES;
use std::ops::Range;

/// The steps' keywords with their usage, as the documentation lists them.
pub const USAGE: [(&str, &str); 14] = [
    ("CreatePipe", "CreatePipe NAME [inheritable] [BYTES]"),
    (
        "SetHandleInformation",
        "SetHandleInformation PIPE read|write inherit|no-inherit",
    ),
    (
        "CreateProcess",
        "CreateProcess CHILD [stdin=PIPE] [stdout=PIPE] [stderr=PIPE]",
    ),
    (
        "CreateNamedPipe",
        "CreateNamedPipe NAME [byte|message] [instances N]",
    ),
    ("ConnectNamedPipe", "ConnectNamedPipe PIPE"),
    ("DisconnectNamedPipe", "DisconnectNamedPipe PIPE"),
    ("WaitNamedPipe", "WaitNamedPipe PIPE"),
    ("CreateFile", "CreateFile PIPE|MAILSLOT[@MACHINE|@*]"),
    ("ReadFile", "ReadFile PIPE|MAILSLOT[@MACHINE]|stdin BYTES"),
    (
        "WriteFile",
        "WriteFile PIPE|MAILSLOT[@MACHINE]|stdout|stderr TEXT",
    ),
    ("PeekNamedPipe", "PeekNamedPipe PIPE|stdin BYTES"),
    ("TransactNamedPipe", "TransactNamedPipe PIPE BYTES TEXT"),
    ("CloseHandle", "CloseHandle NAME[@MACHINE] [read|write]"),
    ("CreateMailslot", "CreateMailslot NAME[@MACHINE]"),
];

/// A name as a step writes it, with the machine a mailslot's may add: `alerts@beta`.
#[derive(Clone, Debug, PartialEq)]
pub struct Named {
    /// The object's name.
    pub name: Word,
    /// The machine after `@`, if any.
    pub machine: Option<Word>,
}

/// A Windows step with the names it mentions still unresolved.
#[derive(Clone, Debug, PartialEq)]
pub enum WinRaw {
    /// `CreatePipe NAME [inheritable] [BYTES]`
    CreatePipe(Word, bool, u32),
    /// `SetHandleInformation PIPE read|write inherit|no-inherit`
    SetHandleInformation(Word, End, bool),
    /// `CreateProcess CHILD [stdin=PIPE] [stdout=PIPE] [stderr=PIPE]`
    CreateProcess(Word, [Option<Word>; 3]),
    /// `CreateNamedPipe NAME [byte|message] [instances N]`
    CreateNamedPipe(Word, PipeMode, u32),
    /// `ConnectNamedPipe PIPE`
    ConnectNamedPipe(Word),
    /// `DisconnectNamedPipe PIPE`
    DisconnectNamedPipe(Word),
    /// `WaitNamedPipe PIPE`
    WaitNamedPipe(Word),
    /// `CreateFile NAME[@MACHINE]`
    CreateFile(Named),
    /// `ReadFile NAME[@MACHINE]|stdin BYTES`
    ReadFile(Named, u32),
    /// `WriteFile NAME[@MACHINE]|stdout|stderr TEXT`
    WriteFile(Named, String),
    /// `PeekNamedPipe NAME|stdin BYTES`
    PeekNamedPipe(Named, u32),
    /// `TransactNamedPipe PIPE BYTES TEXT`
    TransactNamedPipe(Word, u32, String),
    /// `CloseHandle NAME[@MACHINE] [read|write]`
    CloseHandle(Named, Option<End>),
    /// `CreateMailslot NAME[@MACHINE]`
    CreateMailslot(Named),
}

/// The largest buffer a read or an anonymous pipe may ask for (as for `read`).
const MAX_BYTES: u32 = 1 << 20;

/// Parses a Windows step, if `keyword` is one.
pub(super) fn parse(
    keyword: &str,
    args: &[(usize, String)],
    at: &dyn Fn(usize, usize) -> Range<usize>,
    keyword_at: Range<usize>,
) -> Option<std::result::Result<RawStep, StepError>> {
    let usage = USAGE.iter().find(|(k, _)| *k == keyword)?.1;
    let p = Parser {
        keyword,
        usage,
        args,
        at,
        keyword_at,
    };
    Some(p.step().map(RawStep::Win))
}

struct Parser<'a> {
    keyword: &'a str,
    usage: &'a str,
    args: &'a [(usize, String)],
    at: &'a dyn Fn(usize, usize) -> Range<usize>,
    keyword_at: Range<usize>,
}

type Parsed<T> = std::result::Result<T, StepError>;

impl Parser<'_> {
    fn error(&self, message: String, hint: Option<String>, span: Range<usize>) -> StepError {
        StepError {
            message,
            hint: Some(hint.unwrap_or_else(|| format!("write it as \"{}\"", self.usage))),
            span,
        }
    }

    fn word(&self, i: usize) -> Word {
        let (o, w) = &self.args[i];
        Word {
            text: w.clone(),
            span: (self.at)(*o, w.len()),
        }
    }

    fn arity(&self, min: usize, max: usize) -> Parsed<()> {
        let n = self.args.len();
        if (min..=max).contains(&n) {
            return Ok(());
        }
        let span = match self.args.get(max) {
            Some((o, w)) => (self.at)(*o, w.len()),
            None => self.keyword_at.clone(),
        };
        let message = format!("`{}` takes {}", self.keyword, count_words(min, max));
        Err(self.error(message, None, span))
    }

    /// Argument `i` as a number from `min` to `max`.
    fn number(&self, i: usize, min: u32, max: u32, what: &str) -> Parsed<u32> {
        let w = self.word(i);
        match w.text.parse::<u64>() {
            Ok(n) if (u64::from(min)..=u64::from(max)).contains(&n) => Ok(n as u32),
            _ => Err(self.error(
                format!("`{}` is not {what} from {min} to {max}", w.text),
                None,
                w.span,
            )),
        }
    }

    /// Argument `i` as `NAME` or `NAME@MACHINE`.
    fn named(&self, i: usize) -> Parsed<Named> {
        let (o, w) = &self.args[i];
        let Some((name, machine)) = w.split_once('@') else {
            return Ok(Named {
                name: self.word(i),
                machine: None,
            });
        };
        let good = |m: &str| {
            m == DOMAIN
                || (!m.is_empty()
                    && m.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)))
        };
        let machine_at = (self.at)(o + name.len() + 1, machine.len());
        if name.is_empty() || !good(machine) {
            return Err(self.error(
                format!("`{w}` is not NAME@MACHINE"),
                Some(
                    "a mailslot's machine is a word of letters, digits, '.', '-' and '_', or * \
                     for every machine of the domain"
                        .into(),
                ),
                machine_at,
            ));
        }
        Ok(Named {
            name: Word {
                text: name.to_string(),
                span: (self.at)(*o, name.len()),
            },
            machine: Some(Word {
                text: machine.to_string(),
                span: machine_at,
            }),
        })
    }

    /// The words from `from` on, joined by single spaces.
    fn rest(&self, from: usize) -> String {
        let words: Vec<&str> = self.args[from..].iter().map(|(_, w)| w.as_str()).collect();
        words.join(" ")
    }

    fn end(&self, i: usize) -> Parsed<End> {
        let w = self.word(i);
        match w.text.as_str() {
            "read" => Ok(End::Read),
            "write" => Ok(End::Write),
            other => Err(self.error(
                format!("`{other}` is not an end of a pipe"),
                Some(format!("say read or write: \"{}\"", self.usage)),
                w.span,
            )),
        }
    }

    fn step(&self) -> Parsed<WinRaw> {
        let n = self.args.len();
        Ok(match self.keyword {
            "CreatePipe" => {
                self.arity(1, 3)?;
                let mut inheritable = false;
                let mut size = 0;
                for i in 1..n {
                    match self.args[i].1.as_str() {
                        "inheritable" if !inheritable => inheritable = true,
                        _ => size = self.number(i, 0, MAX_BYTES, "a pipe's size in bytes")?,
                    }
                }
                WinRaw::CreatePipe(self.word(0), inheritable, size)
            }
            "SetHandleInformation" => {
                self.arity(3, 3)?;
                let inherit = match self.args[2].1.as_str() {
                    "inherit" => true,
                    "no-inherit" => false,
                    other => {
                        return Err(self.error(
                            format!("`{other}` is not inherit or no-inherit"),
                            None,
                            self.word(2).span,
                        ));
                    }
                };
                WinRaw::SetHandleInformation(self.word(0), self.end(1)?, inherit)
            }
            "CreateProcess" => {
                self.arity(1, 4)?;
                let mut std: [Option<Word>; 3] = [None, None, None];
                for i in 1..n {
                    let (o, w) = &self.args[i];
                    let slot = ["stdin=", "stdout=", "stderr="]
                        .iter()
                        .position(|p| w.starts_with(p) && w.len() > p.len());
                    let Some(s) = slot.filter(|&s| std[s].is_none()) else {
                        return Err(self.error(
                            format!("`{w}` is not stdin=PIPE, stdout=PIPE or stderr=PIPE"),
                            None,
                            (self.at)(*o, w.len()),
                        ));
                    };
                    let skip = ["stdin=", "stdout=", "stderr="][s].len();
                    std[s] = Some(Word {
                        text: w[skip..].to_string(),
                        span: (self.at)(o + skip, w.len() - skip),
                    });
                }
                WinRaw::CreateProcess(self.word(0), std)
            }
            "CreateNamedPipe" => {
                self.arity(1, 4)?;
                let mut mode = PipeMode::Byte;
                let mut instances = 1;
                let mut i = 1;
                while i < n {
                    match self.args[i].1.as_str() {
                        "byte" => mode = PipeMode::Byte,
                        "message" => mode = PipeMode::Message,
                        "instances" if i + 1 < n => {
                            i += 1;
                            instances =
                                self.number(i, 1, MAX_INSTANCES, "a number of instances")?;
                        }
                        other => {
                            return Err(self.error(
                                format!("`{other}` is not byte, message or instances N"),
                                None,
                                self.word(i).span,
                            ));
                        }
                    }
                    i += 1;
                }
                WinRaw::CreateNamedPipe(self.word(0), mode, instances)
            }
            "ConnectNamedPipe" | "DisconnectNamedPipe" | "WaitNamedPipe" => {
                self.arity(1, 1)?;
                let w = self.word(0);
                match self.keyword {
                    "ConnectNamedPipe" => WinRaw::ConnectNamedPipe(w),
                    "DisconnectNamedPipe" => WinRaw::DisconnectNamedPipe(w),
                    _ => WinRaw::WaitNamedPipe(w),
                }
            }
            "CreateFile" | "CreateMailslot" => {
                self.arity(1, 1)?;
                let named = self.named(0)?;
                if self.keyword == "CreateFile" {
                    WinRaw::CreateFile(named)
                } else {
                    WinRaw::CreateMailslot(named)
                }
            }
            "ReadFile" | "PeekNamedPipe" => {
                self.arity(2, 2)?;
                let max = self.number(1, 1, MAX_BYTES, "a number of bytes")?;
                if self.keyword == "ReadFile" {
                    WinRaw::ReadFile(self.named(0)?, max)
                } else {
                    WinRaw::PeekNamedPipe(self.named(0)?, max)
                }
            }
            "WriteFile" => {
                self.arity(2, usize::MAX)?;
                WinRaw::WriteFile(self.named(0)?, self.rest(1))
            }
            "TransactNamedPipe" => {
                self.arity(3, usize::MAX)?;
                let max = self.number(1, 1, MAX_BYTES, "a number of bytes")?;
                WinRaw::TransactNamedPipe(self.word(0), max, self.rest(2))
            }
            "CloseHandle" => {
                self.arity(1, 2)?;
                let end = if n == 2 { Some(self.end(1)?) } else { None };
                WinRaw::CloseHandle(self.named(0)?, end)
            }
            _ => unreachable!("every keyword in USAGE is handled"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::steps::parse as parse_step;
    use super::*;

    fn ok(text: &str) -> WinRaw {
        match parse_step(text, 0..text.len() + 2, true).expect("parses") {
            RawStep::Win(w) => w,
            other => panic!("not a Windows step: {other:?}"),
        }
    }

    fn err(text: &str) -> StepError {
        parse_step(text, 0..text.len() + 2, true).expect_err("is rejected")
    }

    #[test]
    fn parses_every_windows_step() {
        assert!(matches!(ok("CreatePipe p"), WinRaw::CreatePipe(w, false, 0) if w.text == "p"));
        assert!(matches!(
            ok("CreatePipe p inheritable 64"),
            WinRaw::CreatePipe(_, true, 64)
        ));
        assert!(matches!(
            ok("SetHandleInformation p read no-inherit"),
            WinRaw::SetHandleInformation(_, End::Read, false)
        ));
        let WinRaw::CreateProcess(child, std) = ok("CreateProcess more stdin=p") else {
            panic!()
        };
        assert_eq!(child.text, "more");
        assert_eq!(
            std[0].as_ref().map(|w| (w.text.as_str(), w.span.clone())),
            Some(("p", 26..27))
        );
        assert!(matches!(
            ok("CreateNamedPipe orders message instances 2"),
            WinRaw::CreateNamedPipe(_, PipeMode::Message, 2)
        ));
        assert!(matches!(
            ok("CreateNamedPipe o"),
            WinRaw::CreateNamedPipe(_, PipeMode::Byte, 1)
        ));
        let WinRaw::CreateFile(n) = ok("CreateFile alerts@*") else {
            panic!()
        };
        assert_eq!(
            (n.name.text.as_str(), n.machine.map(|m| (m.text, m.span))),
            ("alerts", Some(("*".to_string(), 19..20)))
        );
        assert!(matches!(ok("ReadFile stdin 10"), WinRaw::ReadFile(_, 10)));
        assert!(
            matches!(ok("WriteFile p \"hi there\""), WinRaw::WriteFile(_, t) if t == "hi there")
        );
        assert!(matches!(
            ok("TransactNamedPipe o 64 what time"),
            WinRaw::TransactNamedPipe(_, 64, t) if t == "what time"
        ));
        assert!(matches!(
            ok("CloseHandle p write"),
            WinRaw::CloseHandle(_, Some(End::Write))
        ));
        assert!(matches!(
            ok("PeekNamedPipe o 5"),
            WinRaw::PeekNamedPipe(_, 5)
        ));
    }

    #[test]
    fn rejects_bad_windows_steps() {
        assert!(
            err("CreateNamedPipe o instances 0")
                .message
                .contains("from 1 to 255")
        );
        assert!(
            err("CreateNamedPipe o duplex")
                .message
                .contains("not byte, message")
        );
        assert!(
            err("CreateProcess kid stdout:p")
                .message
                .contains("stdout=PIPE")
        );
        assert!(err("CreateFile a@").hint.unwrap().contains("machine"));
        assert_eq!(err("ReadFile p").message, "`ReadFile` takes 2 arguments");
        assert!(
            err("SetHandleInformation p read maybe")
                .message
                .contains("inherit")
        );
        let e = err("createpipe p");
        assert!(
            e.hint.unwrap().contains("CreatePipe"),
            "a near miss is named"
        );
    }
}
