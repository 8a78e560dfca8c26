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

/// Checks a ring's trace: after every finished call it holds from 0 to `slots - 1` items, and
/// what the consumers took is what the producers put in, in order (a prefix of it).
pub fn check_ring_trace(events: &[Event], slots: u32, text: &str) -> Result<(), TestCaseError> {
    let mut held: i64 = 0;
    let mut given = Vec::new();
    let mut taken = Vec::new();
    for (_, step, result) in finished_calls(events) {
        match step {
            proclab::kernel::Step::Produce { item, .. } => {
                held += 1;
                given.push(item.to_string());
            }
            proclab::kernel::Step::Consume { .. } => {
                held -= 1;
                taken.push(result.data.as_deref().unwrap_or("").to_string());
            }
            _ => {}
        }
        prop_assert!(
            (0..i64::from(slots)).contains(&held),
            "ring holds {} of {} slots\n{}",
            held,
            slots,
            text
        );
    }
    prop_assert_eq!(&given[..taken.len()], &taken[..], "\n{}", text);
    Ok(())
}
