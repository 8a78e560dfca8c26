//! Helpers of the Windows family's tests: inline scenarios and the notes a run told.

use proclab::kernel::win_reason::WinReason;
use proclab::kernel::{Event, Reason};

/// A scenario under FCFS with these processes: (name, arrival, program); an arrival of
/// `None` makes a child created by the first process (`forked_by`).
pub fn win_scenario(processes: &[(&str, Option<u32>, &[&str])]) -> String {
    let mut text = String::from("title = \"t\"\n[kernel]\nscheduler = \"fcfs\"\n");
    let first = processes[0].0;
    for (name, arrival, program) in processes {
        let steps: Vec<String> = program.iter().map(|s| format!("{s:?}")).collect();
        let when = match arrival {
            Some(t) => format!("arrival = {t}"),
            None => format!("forked_by = \"{first}\""),
        };
        text.push_str(&format!(
            "[[process]]\nname = \"{name}\"\n{when}\nprogram = [{}]\n",
            steps.join(", ")
        ));
    }
    text
}

/// The Windows notes a run told, in order.
pub fn notes(r: &proclab::report::Report) -> Vec<WinReason> {
    r.events
        .iter()
        .filter_map(|e| match e {
            Event::Note {
                reason: Reason::Win(w),
                ..
            } => Some(w.clone()),
            _ => None,
        })
        .collect()
}

/// A scenario under round robin with this quantum and these processes: (name, the line that
/// says when it comes — `arrival = 1`, `forked_by = "p"` — and its program).
pub fn rr_scenario(quantum: u64, processes: &[(&str, &str, &[String])]) -> String {
    let mut text = format!("title = \"p\"\n[kernel]\nscheduler = \"rr\"\nquantum = {quantum}\n");
    for (name, when, program) in processes {
        let steps: Vec<String> = program.iter().map(|s| format!("{s:?}")).collect();
        text.push_str(&format!(
            "[[process]]\nname = \"{name}\"\n{when}\nprogram = [{}]\n",
            steps.join(", ")
        ));
    }
    text
}
