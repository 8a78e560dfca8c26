//! How the lab writes a call down: its record beside the model's text, and the findings it
//! gives rise to.

#![forbid(unsafe_code)]

use super::record::{CallRecord, Finding, FindingKind};
use super::twins::Twins;
use crate::kernel::narration::result_text;
use crate::kernel::syscalls::Call;
use crate::kernel::{Names, Step};
use crate::report::names::NameBook;

/// True if `step` is a wait whose child (or any child) ran a real program: that program may end
/// long before the model's image of it does.
pub(super) fn waits_on_execed(step: &Step, twins: &Twins) -> bool {
    matches!(step, Step::Wait { .. }) && twins.all.iter().any(|t| t.execed)
}

pub(super) fn execed_note(who: &str) -> String {
    format!(
        "not made for real: {who} runs a real program since its exec; these steps are the \
         model's image of that program"
    )
}

pub(super) fn record(step: &Step, who: &str, call: String, sim: String) -> CallRecord {
    CallRecord {
        kind: step.keyword().into(),
        outcome: None,
        blocked_in: None,
        process: who.to_string(),
        call,
        sim,
        real: None,
        note: None,
        agree: None,
    }
}

pub(super) fn sim_text(
    call: &Call,
    result: &crate::kernel::syscalls::CallResult,
    names: &NameBook,
) -> String {
    if let Step::Exit { .. } = call.step {
        return "no return".into();
    }
    if let Step::Exec { command, .. } = &call.step
        && result.errno.is_none()
    {
        return format!("no return, now runs {command}");
    }
    let mut text = result_text(result);
    if let (Step::Fork { .. } | Step::Wait { .. }, Some(peer)) = (&call.step, call.peer) {
        text.push_str(&format!(" ({})", names.process(peer)));
    }
    text
}

pub(super) fn mismatch(time: u64, who: &str, text: &str) -> Finding {
    Finding {
        time,
        kind: FindingKind::Mismatch,
        process: Some(who.to_string()),
        text: text.to_string(),
    }
}

pub(super) fn note(time: u64, who: &str, text: &str) -> Finding {
    Finding {
        time,
        kind: FindingKind::Note,
        process: Some(who.to_string()),
        text: text.to_string(),
    }
}
