//! The checks of a written-out messages exercise, so that its scenario always runs and its
//! answers can always be read: every mailbox is made once, under a name of its own; every send
//! and receive names one of them; no message reads as one of the answers' own words; and, once
//! run, no call finds its mailbox missing.

use super::ProcessTable;
use super::written::StepAt;
use crate::exercise::error::{ExerciseError, Source};
use crate::exercise::messages::{self, entries};
use crate::exercise::workload::{Burst, Job, RunSolution};
use crate::scenario::error::did_you_mean;
use toml::Spanned;

type Result<T> = std::result::Result<T, ExerciseError>;

/// Names a scenario keeps for the terminal.
const STREAMS: [&str; 3] = ["stdin", "stdout", "stderr"];

fn usable(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !STREAMS.contains(&name)
}

/// Checks the mailboxes and messages of the programs, each step with where it is written.
pub(super) fn check(
    src: &Source,
    list: &[Spanned<ProcessTable>],
    jobs: &[Job],
    written: &[Vec<StepAt>],
) -> Result<()> {
    let steps = || written.iter().flatten();
    let mut made: Vec<&str> = Vec::new();
    for step in steps() {
        let Burst::Mailbox { name, .. } = &step.burst else {
            continue;
        };
        let at = Some(step.name.clone());
        if !usable(name) {
            return Err(src.error(
                at,
                format!("{name:?} is not a usable mailbox name"),
                "start with a letter; then letters, digits, _ and - only (box, jobs, mail_1)",
            ));
        }
        if jobs.iter().any(|j| &j.name == name) {
            return Err(src.error(
                at,
                format!("{name} is the name of a process too"),
                "give the mailbox a name of its own, such as box",
            ));
        }
        if made.contains(&name.as_str()) {
            return Err(src.error(
                at,
                format!("the mailbox {name} is made twice"),
                "one process makes it; the others just send to it and receive from it",
            ));
        }
        made.push(name);
    }
    let (mut sends, mut receives) = (false, false);
    for step in steps() {
        let (target, text) = match &step.burst {
            Burst::Send { to, text, .. } => {
                sends = true;
                (to, Some(text))
            }
            Burst::Receive { from, .. } => {
                receives = true;
                (from, None)
            }
            _ => continue,
        };
        if !made.contains(&target.as_str()) {
            let (message, hint) = if jobs.iter().any(|j| &j.name == target) {
                (
                    format!(
                        "{target} is a process: messages exercises pass messages through mailboxes"
                    ),
                    "make a mailbox with \"mailbox NAME CAPACITY\" and name it here".to_string(),
                )
            } else {
                let hint = match did_you_mean(target, made.iter().copied()) {
                    Some(g) => format!("did you mean {g}?"),
                    None => format!(
                        "make it with \"mailbox {target} CAPACITY\", first thing in the process that runs first"
                    ),
                };
                (format!("no mailbox is called {target}"), hint)
            };
            return Err(src.error(Some(step.name.clone()), message, hint));
        }
        if let Some(text) = text {
            if text.contains('"') {
                return Err(src.error(
                    Some(step.span.clone()),
                    "a message of an exercise cannot contain \"",
                    "write the message without quotation marks",
                ));
            }
            if entries::is_reserved(text) {
                return Err(src.error(
                    Some(step.span.clone()),
                    format!("{text:?} cannot be a message: answers use that word for a call that gets no message, fails or never returns"),
                    "choose another text, such as a1 or hello",
                ));
            }
        }
    }
    if !(sends && receives) {
        return Err(src.error(
            list.first().map(Spanned::span),
            "a messages exercise needs a send and a receive",
            "add send and receive steps to the programs",
        ));
    }
    Ok(())
}

/// Checks the run of a written-out messages exercise: a call that finds no mailbox (it is made
/// later, by a process that has not run yet) would fail with ENOENT, which is not what the
/// exercise means to ask.
pub(super) fn check_run(
    src: &Source,
    list: &[Spanned<ProcessTable>],
    run: &RunSolution,
) -> Result<()> {
    let Some((who, when)) = messages::missing_mailbox(run) else {
        return Ok(());
    };
    let at = list
        .iter()
        .find(|p| p.get_ref().name.get_ref() == &who)
        .map(|p| p.get_ref().name.span());
    Err(src.error(
        at,
        format!("{who} uses a mailbox at {when}, before it is made: the call fails with ENOENT"),
        "make the mailbox first thing in a process that runs before the others (arrives first, or is listed first)",
    ))
}
