//! The entries of the `received`, `sent` and `blocked` answers as an answers file writes them,
//! and how a student's wording is read: `"a1"` or `"none"` for a receive, `"a1"` or `"failed"`
//! for a send, `"receive 2 to 5"` or `"send 4 forever"` for a block. Every entry is read into
//! its canonical form, so that grading compares canonical strings.

use crate::exercise::field::ProcessField;
use crate::scenario::error::did_you_mean;

/// A try-receive that found no message (it failed with EAGAIN).
pub const NONE: &str = "none";
/// A try-send that found no room (it failed with EAGAIN): the message is not sent.
pub const FAILED: &str = "failed";
/// A blocking call that never returns.
pub const NEVER: &str = "never";
/// A block that never ends, as the last word of a `blocked` entry.
pub const FOREVER: &str = "forever";

/// Words students use for "no message", each read as [`NONE`].
const NONE_WORDS: [&str; 7] = [
    "none",
    "no message",
    "nothing",
    "empty",
    "eagain",
    "-1 eagain",
    "-1",
];
/// Words for a failed try-send, each read as [`FAILED`].
const FAILED_WORDS: [&str; 8] = [
    "failed",
    "fails",
    "fail",
    "not sent",
    "eagain",
    "-1 eagain",
    "-1",
    "none",
];
/// Words for a call that never returns, each read as [`NEVER`].
const NEVER_WORDS: [&str; 4] = ["never", "forever", "blocked", "never returns"];
/// Words that may stand between the parts of a `blocked` entry and mean nothing more.
const FILLER: [&str; 7] = ["at", "to", "until", "till", "from", "woken", "blocks"];

/// Why a student's entry cannot be read: what is wrong, and what to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    /// What is wrong.
    pub message: String,
    /// What to write instead.
    pub hint: String,
}

fn unreadable(message: String, hint: &str) -> Unreadable {
    Unreadable {
        message,
        hint: hint.to_string(),
    }
}

/// The canonical form of one entry of `field` as a student wrote it.
pub fn read(field: ProcessField, written: &str) -> Result<String, Unreadable> {
    let text = written.trim();
    if text.is_empty() {
        return Err(unreadable(
            "an empty entry".into(),
            "write the message's text, or one of none, failed, never",
        ));
    }
    let lower = text.to_ascii_lowercase();
    let is = |words: &[&str]| words.contains(&lower.as_str());
    match field {
        ProcessField::Received if is(&NONE_WORDS) => Ok(NONE.into()),
        ProcessField::Sent if is(&FAILED_WORDS) => Ok(FAILED.into()),
        ProcessField::Received | ProcessField::Sent if is(&NEVER_WORDS) => Ok(NEVER.into()),
        ProcessField::Received | ProcessField::Sent => Ok(text.to_string()),
        _ => block(text),
    }
}

/// A `blocked` entry: the call (`send` or `receive`), the tick it blocks and the tick it is
/// woken, or `forever`.
fn block(text: &str) -> Result<String, Unreadable> {
    const HINT: &str = "write the call, when it blocks and when it is woken, such as \"receive 2 to 5\" (or \"send 4 forever\")";
    let (call, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    let call = call.to_ascii_lowercase();
    let op = match call.as_str() {
        "send" | "sends" | "sending" => "send",
        "receive" | "receives" | "receiving" | "recv" => "receive",
        "try-send" | "try-receive" | "try_send" | "try_receive" => {
            return Err(unreadable(
                format!("{call} never blocks"),
                "where send or receive would wait, try-send and try-receive fail with EAGAIN \
                 at once; list only the blocking calls",
            ));
        }
        _ => {
            let hint = match did_you_mean(&call, ["send", "receive"]) {
                Some(g) => format!(
                    "did you mean {g}? An entry is the call, when it blocks and when it is woken, \
                     such as \"receive 2 to 5\" (or \"send 4 forever\")"
                ),
                None => HINT.to_string(),
            };
            return Err(Unreadable {
                message: format!("{text:?} does not start with send or receive"),
                hint,
            });
        }
    };
    // "2-5", "2–5" and "2, woken 5" say the same as "2 to 5".
    let spaced = rest.replace(['-', '–', ','], " ");
    let words: Vec<String> = spaced
        .split_whitespace()
        .map(str::to_ascii_lowercase)
        .filter(|w| !FILLER.contains(&w.as_str()))
        .collect();
    let tick = |w: &str| w.parse::<u64>().ok();
    match words.as_slice() {
        [at, until] => match (tick(at), tick(until)) {
            (Some(at), Some(until)) if until >= at => Ok(format!("{op} {at} to {until}")),
            (Some(at), Some(until)) => Err(unreadable(
                format!("{text:?} is woken at {until}, before it blocks at {at}"),
                HINT,
            )),
            (Some(at), None) if [NEVER, FOREVER].contains(&until.as_str()) => {
                Ok(format!("{op} {at} {FOREVER}"))
            }
            _ => Err(unreadable(
                format!("{text:?} is not a call and two ticks"),
                HINT,
            )),
        },
        _ => Err(unreadable(
            format!("{text:?} is not a call and two ticks"),
            HINT,
        )),
    }
}

/// True if a message's text could be mistaken for one of the answers' own words (`none`,
/// `failed`, `never`…), or would not be read back as written.
pub fn is_reserved(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let word = |words: &[&str]| words.contains(&lower.as_str());
    word(&NONE_WORDS)
        || word(&FAILED_WORDS)
        || word(&NEVER_WORDS)
        || text.trim() != text
        || text.is_empty()
}

/// What a student writes in a `received`, `sent` or `blocked` list, for the answers file to
/// fill in.
pub fn placeholder(field: ProcessField) -> &'static str {
    match field {
        ProcessField::Received => "[\"MESSAGE or none\", …]",
        ProcessField::Sent => "[\"MESSAGE or failed\", …]",
        _ => "[\"send|receive TICK to TICK\", …]",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn students_words_are_read_into_the_canonical_form() {
        let r = |f, w: &str| read(f, w).map_err(|e| e.message);
        assert_eq!(r(ProcessField::Received, " a1 "), Ok("a1".into()));
        assert_eq!(r(ProcessField::Received, "No message"), Ok("none".into()));
        assert_eq!(r(ProcessField::Received, "EAGAIN"), Ok("none".into()));
        assert_eq!(r(ProcessField::Received, "forever"), Ok("never".into()));
        assert_eq!(r(ProcessField::Sent, "-1 EAGAIN"), Ok("failed".into()));
        assert_eq!(r(ProcessField::Sent, "b2"), Ok("b2".into()));
        assert_eq!(
            r(ProcessField::Blocked, "receive at 2 until 5"),
            Ok("receive 2 to 5".into())
        );
        assert_eq!(
            r(ProcessField::Blocked, "Send 2-5"),
            Ok("send 2 to 5".into())
        );
        assert_eq!(
            r(ProcessField::Blocked, "send 4 to never"),
            Ok("send 4 forever".into())
        );
        assert_eq!(
            r(ProcessField::Blocked, "recv 3, woken 3"),
            Ok("receive 3 to 3".into())
        );
    }

    #[test]
    fn unreadable_entries_say_what_to_write() {
        let e = read(ProcessField::Blocked, "try-send 2 to 3").unwrap_err();
        assert_eq!(e.message, "try-send never blocks");
        let e = read(ProcessField::Blocked, "sned 2 to 3").unwrap_err();
        assert!(e.hint.starts_with("did you mean send?"), "{}", e.hint);
        let e = read(ProcessField::Blocked, "receive 5 to 2").unwrap_err();
        assert_eq!(
            e.message,
            "\"receive 5 to 2\" is woken at 2, before it blocks at 5"
        );
        assert!(read(ProcessField::Blocked, "receive 5").is_err());
        assert!(read(ProcessField::Received, "  ").is_err());
    }

    #[test]
    fn answer_words_cannot_be_messages() {
        assert!(is_reserved("none") && is_reserved("Failed") && is_reserved("never"));
        assert!(
            is_reserved(" a1"),
            "it would be read back without its space"
        );
        assert!(!is_reserved("a1") && !is_reserved("hello world"));
    }
}
