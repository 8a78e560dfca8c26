//! Calls as the kernel reports them, for the IPC and message-passing tests.

use proclab::kernel::Event;
use proclab::kernel::narration::result_text;
use proptest::prelude::*;

/// Every call as "process: call" lines, with blocked calls and their later returns.
pub fn calls(r: &proclab::report::Report) -> Vec<String> {
    r.events
        .iter()
        .filter_map(|e| match e {
            Event::Call(c) if !matches!(c.step, proclab::kernel::Step::Exit { .. }) => {
                Some(format!(
                    "t={} {}: {}",
                    c.time,
                    proclab::kernel::Names::process(&r.names, c.pid),
                    c.describe(&r.names)
                ))
            }
            Event::CallDone { time, pid, result } => Some(format!(
                "t={time} {}: returns {}",
                proclab::kernel::Names::process(&r.names, *pid),
                result_text(result)
            )),
            _ => None,
        })
        .collect()
}

/// Every finished call as (pid, step, result), a blocked call paired with its later return.
pub fn finished_calls(
    events: &[Event],
) -> Vec<(
    proclab::kernel::Pid,
    proclab::kernel::Step,
    proclab::kernel::syscalls::CallResult,
)> {
    let mut pending = std::collections::HashMap::new();
    let mut done = Vec::new();
    for e in events {
        match e {
            Event::Call(c) => match &c.result {
                Some(r) => done.push((c.pid, c.step.clone(), r.clone())),
                None => {
                    pending.insert(c.pid, c.step.clone());
                }
            },
            Event::CallDone { pid, result, .. } => {
                let step = pending
                    .remove(pid)
                    .expect("a return follows a blocked call");
                done.push((*pid, step, result.clone()));
            }
            _ => {}
        }
    }
    done
}

/// A kernel run with the invariants checked after every step.
pub fn checked_run(text: &str) -> Result<(Vec<Event>, bool), TestCaseError> {
    let scenario = proclab::scenario::Scenario::parse("property.toml", text)
        .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
    let mut kernel = scenario.kernel();
    let mut events: Vec<Event> = Vec::new();
    let mut steps = 0;
    while kernel.step(&mut events).is_some() {
        steps += 1;
        kernel
            .check_invariants()
            .map_err(|e| TestCaseError::fail(format!("step {steps}: {e}\n{text}")))?;
        prop_assert!(steps < 100_000, "runaway simulation\n{}", text);
    }
    Ok((events, kernel.is_done()))
}
