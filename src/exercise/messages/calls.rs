//! The answers of a messages exercise, read off the simulated kernel's events: each `send` and
//! `receive` a process makes is a `Call` event (with its result, or none if it blocked), a
//! blocked one ends with a `CallDone`, and the `Transition`s in between say why it waited and
//! what woke it. Nothing here works out an answer on its own.

use super::entries::{FAILED, FOREVER, NEVER, NONE};
use crate::exercise::field::ProcessField;
use crate::exercise::workload::RunSolution;
use crate::kernel::Step;
use crate::kernel::call::{CallResult, Errno};
use crate::kernel::event::{Event, Reason};
use crate::kernel::ids::Tick;
use crate::kernel::state::State;
use std::sync::Arc;

/// A `send` or `receive` (blocking or not) as the process made it, and what came of it.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageCall {
    /// True for a send, false for a receive.
    pub send: bool,
    /// True for `send` and `receive`, false for `try-send` and `try-receive`.
    pub wait: bool,
    /// The message, for a send.
    pub text: Option<Arc<str>>,
    /// When the process made the call.
    pub at: Tick,
    /// True if the call blocked.
    pub blocked: bool,
    /// When it returned, and what it returned; `None` if it never did.
    pub returned: Option<(Tick, CallResult)>,
    /// The events that tell the call (indices into the report's events), in order.
    pub events: Vec<usize>,
}

impl MessageCall {
    /// The call's name, as programs write it: `send`, `try-receive`…
    pub fn name(&self) -> &'static str {
        match (self.send, self.wait) {
            (true, true) => "send",
            (true, false) => "try-send",
            (false, true) => "receive",
            (false, false) => "try-receive",
        }
    }

    /// The entry of the `received` or `sent` answer for this call.
    pub fn outcome(&self) -> String {
        match &self.returned {
            None => NEVER.to_string(),
            Some((_, r)) => match (r.errno, self.send) {
                (None, true) => self.text.as_deref().unwrap_or_default().to_string(),
                (None, false) => r.data.as_deref().unwrap_or_default().to_string(),
                (Some(Errno::EAGAIN), true) => FAILED.to_string(),
                (Some(Errno::EAGAIN), false) => NONE.to_string(),
                (Some(e), _) => e.name().to_string(),
            },
        }
    }

    /// The entry of the `blocked` answer for this call, if it blocked.
    pub fn block(&self) -> Option<String> {
        let op = if self.send { "send" } else { "receive" };
        self.blocked.then(|| match &self.returned {
            Some((t, _)) => format!("{op} {} to {t}", self.at),
            None => format!("{op} {} {FOREVER}", self.at),
        })
    }
}

/// True for the reasons of a message call's blocking and waking.
fn is_message_reason(reason: &Reason) -> bool {
    matches!(
        reason,
        Reason::WaitsToSend { .. }
            | Reason::WaitsToReceive { .. }
            | Reason::SendReturns { .. }
            | Reason::ReceiveReturns { .. }
    )
}

/// Every send and receive the process `name` makes, in order.
pub fn calls_of(run: &RunSolution, name: &str) -> Vec<MessageCall> {
    let Some(me) = run.pid(name) else {
        return Vec::new();
    };
    let mut calls: Vec<MessageCall> = Vec::new();
    for (i, event) in run.report.events.iter().enumerate() {
        match event {
            Event::Call(c) if c.pid == me => {
                let (send, wait, text) = match &c.step {
                    Step::Send { text, wait, .. } => (true, *wait, Some(Arc::clone(text))),
                    Step::Receive { wait, .. } => (false, *wait, None),
                    _ => continue,
                };
                calls.push(MessageCall {
                    send,
                    wait,
                    text,
                    at: c.time,
                    blocked: c.result.is_none(),
                    returned: c.result.clone().map(|r| (c.time, r)),
                    events: vec![i],
                });
            }
            Event::CallDone { time, pid, result } if *pid == me => {
                if let Some(call) = calls.last_mut().filter(|c| c.returned.is_none()) {
                    call.returned = Some((*time, result.clone()));
                    call.events.push(i);
                }
            }
            Event::Transition(t) if t.pid == me && is_message_reason(&t.reason) => {
                if let Some(call) = calls.last_mut() {
                    call.events.push(i);
                }
            }
            _ => {}
        }
    }
    calls
}

/// The calls that make up the answer `field` of the process, each with its entry.
pub fn entries(calls: &[MessageCall], field: ProcessField) -> Vec<(String, &MessageCall)> {
    calls
        .iter()
        .filter_map(|c| match field {
            ProcessField::Received if !c.send => Some((c.outcome(), c)),
            ProcessField::Sent if c.send => Some((c.outcome(), c)),
            ProcessField::Blocked => c.block().map(|b| (b, c)),
            _ => None,
        })
        .collect()
}

/// The right answer to `field` of the process `name`: its entries, in order.
pub fn answer(run: &RunSolution, name: &str, field: ProcessField) -> Vec<String> {
    let calls = calls_of(run, name);
    entries(&calls, field).into_iter().map(|(e, _)| e).collect()
}

/// What happened to a call, in the kernel's words: `at 2, receive(box) … blocks: receives from
/// box, which has no message: waits for a sender; at 5, P1 sent a message through box: the
/// receive returns with it`.
pub fn story(run: &RunSolution, call: &MessageCall) -> String {
    let names = &run.report.names;
    let mut parts: Vec<String> = Vec::new();
    for &i in &call.events {
        match &run.report.events[i] {
            Event::Call(c) => parts.push(format!("at {}, {}", c.time, c.describe(names))),
            Event::Transition(t) if matches!(t.to, State::Waiting(_)) => {
                if let Some(last) = parts.last_mut() {
                    last.push_str(&format!(": {}", t.reason.describe(names)));
                }
            }
            Event::Transition(t) => {
                parts.push(format!("at {}, {}", t.time, t.reason.describe(names)))
            }
            _ => {}
        }
    }
    if call.blocked && call.returned.is_none() {
        parts.push("nothing ever lets it go on".into());
    }
    parts.join("; ")
}

/// What the answer `field` of the process `name` asks about, in words, for explanations.
fn what(field: ProcessField, name: &str) -> String {
    match field {
        ProcessField::Received => format!("{name}'s receives"),
        ProcessField::Sent => format!("{name}'s sends"),
        _ => format!("the calls in which {name} blocks"),
    }
}

/// Why the answer to `field` of the process `name` is what it is: the story of each call.
pub fn explain(run: &RunSolution, name: &str, field: ProcessField) -> String {
    let calls = calls_of(run, name);
    let list = entries(&calls, field);
    if list.is_empty() {
        return match field {
            ProcessField::Blocked => {
                format!("{name} never blocks: every call it makes returns at once")
            }
            _ => format!("{name} makes no such call"),
        };
    }
    let lines: Vec<String> = list
        .iter()
        .enumerate()
        .map(|(i, (_, c))| format!("{}. {}", i + 1, story(run, c)))
        .collect();
    format!(
        "{}, in order:\n      {}",
        what(field, name),
        lines.join("\n      ")
    )
}

/// For a wrong answer: the first entry that differs from the right one, and what happened in
/// that call.
pub fn difference(run: &RunSolution, name: &str, field: ProcessField, given: &[String]) -> String {
    let calls = calls_of(run, name);
    let right = entries(&calls, field);
    let i = given
        .iter()
        .zip(&right)
        .position(|(g, (r, _))| g != r)
        .unwrap_or(given.len().min(right.len()));
    match (given.get(i), right.get(i)) {
        (Some(g), Some((r, c))) => format!(
            "entry {}: you wrote \"{g}\", it is \"{r}\": {}",
            i + 1,
            story(run, c)
        ),
        (None, Some((r, c))) => {
            format!("entry {} is missing: \"{r}\": {}", i + 1, story(run, c))
        }
        (Some(g), None) => {
            let n = right.len();
            let of = match (field, n) {
                (ProcessField::Blocked, 0) => format!("{name} never blocks"),
                (ProcessField::Blocked, 1) => format!("{name} blocks once"),
                (ProcessField::Blocked, _) => format!("{name} blocks {n} times"),
                (ProcessField::Received, 1) => format!("{name} makes 1 receive"),
                (ProcessField::Received, _) => format!("{name} makes {n} receives"),
                (_, 1) => format!("{name} makes 1 send"),
                _ => format!("{name} makes {n} sends"),
            };
            format!("entry {}: \"{g}\" is one too many: {of}", i + 1)
        }
        (None, None) => String::new(),
    }
}
