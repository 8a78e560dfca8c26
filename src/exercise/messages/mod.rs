//! Messages exercises: processes that compute and pass messages through a mailbox, and the
//! questions "what does each receive get, does each send go through, and when does each
//! process block?". The problem is a scenario; the answers are read off the simulated
//! kernel's events when it runs ([`calls`]), never worked out separately.

pub mod calls;
pub mod entries;

use super::field::ProcessField;
use super::options::MessagesParams;
use super::workload::{Burst, Job, RunSolution, Workload};
use crate::kernel::Step;
use crate::kernel::call::Errno;
use crate::kernel::event::{Event, Reason};
use crate::kernel::message::Capacity;
use crate::kernel::random::{SeededRng, Stream};
use crate::kernel::state::State;
use std::fmt::Write;

/// The name of the mailbox of generated exercises.
pub const MAILBOX: &str = "box";

/// Generated problems are drawn again until one is worth asking; this bound only makes the end
/// certain (the last draw is a valid exercise even if it is a dull one).
const MAX_DRAWS: usize = 1000;

/// One step of a drawn program, before the messages get their texts.
enum Drawn {
    Cpu(u64),
    Call { wait: bool },
}

/// A drawn process: arrival, priority, whether it sends (or receives), and its steps.
struct DrawnProcess {
    arrival: u64,
    priority: i64,
    sends: bool,
    steps: Vec<Drawn>,
}

/// The processes `params` and `seed` give.
///
/// From ChaCha8 seeded with `seed`, in order: the capacity, unless given (0, 1, 2, 3 or
/// unbounded, each as likely); then, for each process in turn, its arrival (the first at 0,
/// the others 1 to `max_arrival`), its priority (1 to 5), whether it sends or receives, how
/// many calls it makes (1 to 3) and, for each call, whether a CPU step (`minlen` to `maxlen`)
/// comes before it and whether it is a `try-` call (one in four), and at the end whether a
/// last CPU step follows. The first process makes the mailbox before anything else. The
/// processes are then listed by arrival (ties in the order drawn) and named P1, P2…; the
/// messages of Pk are named after it and numbered: P1 sends a1, a2…, P3 sends c1…
///
/// A draw is kept if, run on the simulated kernel, it has a sender and a receiver, somebody
/// blocks, one of its try-calls (if it has any) fails, and every process ends; otherwise the next one is drawn, from where the generator
/// stands, so the problem still depends on the seed alone.
pub fn generate(seed: u64, p: &MessagesParams) -> Workload {
    let mut rng = SeededRng::new(seed, Stream::Workload);
    let capacity = p.capacity.unwrap_or_else(|| match rng.range(0, 4) {
        0 => Capacity::Zero,
        4 => Capacity::Unbounded,
        n => Capacity::Bounded(n as u32),
    });
    let mut draws = 0;
    loop {
        draws += 1;
        let w = draw(&mut rng, p, capacity);
        if draws >= MAX_DRAWS || worth_asking(&w, seed) {
            return w;
        }
    }
}

fn draw(rng: &mut SeededRng, p: &MessagesParams, capacity: Capacity) -> Workload {
    let mut drawn: Vec<DrawnProcess> = (0..p.jobs)
        .map(|i| {
            let arrival = if i == 0 {
                0
            } else {
                rng.range(1, p.max_arrival)
            };
            let priority = rng.range(1, super::sched::MAX_PRIORITY) as i64;
            let sends = rng.range(0, 1) == 1;
            let mut steps = Vec::new();
            for _ in 0..rng.range(1, 3) {
                if rng.range(0, 1) == 1 {
                    steps.push(Drawn::Cpu(rng.range(p.minlen, p.maxlen)));
                }
                steps.push(Drawn::Call {
                    wait: rng.range(0, 3) != 0,
                });
            }
            if rng.range(0, 1) == 1 {
                steps.push(Drawn::Cpu(rng.range(p.minlen, p.maxlen)));
            }
            DrawnProcess {
                arrival,
                priority,
                sends,
                steps,
            }
        })
        .collect();
    // Stable: the first process, alone at 0, stays first.
    drawn.sort_by_key(|d| d.arrival);
    let jobs = drawn
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let letter = char::from(b'a' + i as u8);
            let mut program = Vec::new();
            if i == 0 {
                program.push(Burst::Mailbox {
                    name: MAILBOX.into(),
                    capacity,
                });
            }
            let mut sent = 0;
            for step in d.steps {
                program.push(match step {
                    Drawn::Cpu(t) => Burst::Cpu(t),
                    Drawn::Call { wait } if d.sends => {
                        sent += 1;
                        Burst::Send {
                            to: MAILBOX.into(),
                            text: format!("{letter}{sent}"),
                            wait,
                        }
                    }
                    Drawn::Call { wait } => Burst::Receive {
                        from: MAILBOX.into(),
                        wait,
                    },
                });
            }
            Job {
                name: format!("P{}", i + 1),
                arrival: d.arrival,
                priority: d.priority,
                program,
            }
        })
        .collect();
    Workload {
        machine: p.machine.clone(),
        jobs,
    }
}

/// True if the drawn problem is worth asking: somebody sends and somebody receives, somebody
/// blocks, a try-call fails if there is one, every process ends, and no call fails for want of
/// the mailbox.
fn worth_asking(w: &Workload, seed: u64) -> bool {
    let has = |f: ProcessField| w.jobs.iter().any(|j| has_field(j, f));
    if !has(ProcessField::Sent) || !has(ProcessField::Received) {
        return false;
    }
    let Ok(run) = w.run(&w.scenario_toml("draw", "", Some(seed))) else {
        return false;
    };
    let everyone_ends = run.report.rows.iter().all(|r| r.finish.is_some());
    let somebody_blocks = run.report.events.iter().any(
        |e| matches!(e, Event::Transition(t) if matches!(t.to, State::Waiting(_)) && is_wait(&t.reason)),
    );
    // A try-call is worth its place when one of them shows what it is for.
    let tries = run.report.events.iter().filter_map(|e| match e {
        Event::Call(c)
            if matches!(
                c.step,
                Step::Send { wait: false, .. } | Step::Receive { wait: false, .. }
            ) =>
        {
            c.result.as_ref()
        }
        _ => None,
    });
    let (mut any_try, mut a_try_fails) = (false, false);
    for r in tries {
        any_try = true;
        a_try_fails |= r.errno == Some(Errno::EAGAIN);
    }
    everyone_ends && somebody_blocks && (a_try_fails || !any_try) && missing_mailbox(&run).is_none()
}

fn is_wait(reason: &Reason) -> bool {
    matches!(
        reason,
        Reason::WaitsToSend { .. } | Reason::WaitsToReceive { .. }
    )
}

/// The first call that fails because its mailbox does not exist yet (or any more): who, and
/// when.
pub fn missing_mailbox(run: &RunSolution) -> Option<(String, u64)> {
    run.report.events.iter().find_map(|e| match e {
        Event::Call(c)
            if c.result
                .as_ref()
                .is_some_and(|r| r.errno == Some(Errno::ENOENT)) =>
        {
            Some((
                crate::kernel::Names::process(&run.report.names, c.pid),
                c.time,
            ))
        }
        _ => None,
    })
}

/// True if the answer `field` makes sense for `job`: `sent` for a process that sends,
/// `received` for one that receives; every other answer for every process.
pub fn has_field(job: &Job, field: ProcessField) -> bool {
    match field {
        ProcessField::Sent => job.program.iter().any(|b| matches!(b, Burst::Send { .. })),
        ProcessField::Received => job
            .program
            .iter()
            .any(|b| matches!(b, Burst::Receive { .. })),
        _ => true,
    }
}

/// The mailboxes the programs make: who makes each, its name and its capacity.
pub fn mailboxes(w: &Workload) -> Vec<(&str, &str, Capacity)> {
    w.jobs
        .iter()
        .flat_map(|j| {
            j.program.iter().filter_map(move |b| match b {
                Burst::Mailbox { name, capacity } => {
                    Some((j.name.as_str(), name.as_str(), *capacity))
                }
                _ => None,
            })
        })
        .collect()
}

/// What a mailbox of this capacity holds, in words.
fn holds(capacity: Capacity) -> String {
    match capacity {
        Capacity::Zero => {
            "holds no message (zero capacity): every send waits for a receiver to take its \
             message, a rendezvous"
                .into()
        }
        Capacity::Bounded(1) => "holds at most 1 message".into(),
        Capacity::Bounded(n) => format!("holds at most {n} messages"),
        Capacity::Unbounded => "has no limit (unbounded capacity): a send never waits".into(),
    }
}

/// A line per mailbox (wrapped if long): `Mailbox box, made by P1: holds at most 2 messages`.
pub fn mailboxes_text(w: &Workload) -> String {
    let mut out = String::new();
    for (maker, name, capacity) in mailboxes(w) {
        let line = format!("Mailbox {name}, made by {maker}: {}", holds(capacity));
        out.push_str(&crate::report::text::wrap_paragraph(&line, 92));
    }
    out
}

/// The rules a student needs to work the answers out, in a paragraph.
pub const RULES: &str = "Times are in ticks. A send or a receive takes no time: a process \
    makes it while it runs and goes on at once, unless the call blocks. A blocked process waits \
    until another process's call lets its own finish — it is then woken, becomes ready, and runs \
    when the scheduler picks it. Messages are received oldest first; of several processes \
    waiting on a mailbox, the one that has waited longest goes first. try-send and try-receive \
    never block: where send or receive would wait, they fail at once (EAGAIN).\n";

/// The worked answer: the Gantt chart, what the kernel did with each message call, and the
/// answers asked for (`fields`: each process's `sent`, `received` and `blocked`), as an answers
/// file writes them.
pub fn solution_text(run: &RunSolution, fields: &[(&str, ProcessField)]) -> String {
    let mut out = crate::report::text::gantt_section(&run.report);
    out.push_str("Messages, as the kernel handles them\n");
    for e in &run.report.events {
        let wanted = match e {
            Event::Call(c) => matches!(
                c.step,
                Step::Mailbox { .. } | Step::Send { .. } | Step::Receive { .. }
            ),
            Event::CallDone { .. } => true,
            Event::Transition(t) => {
                matches!(t.from, Some(State::Waiting(_)))
                    || (matches!(t.to, State::Waiting(_)) && is_wait(&t.reason))
            }
            _ => false,
        };
        if let Some(line) = crate::report::text::event_line(e, &run.report.names).filter(|_| wanted)
        {
            let _ = writeln!(out, "  t={:<6} {}", e.time(), line.trim_end());
        }
    }
    out.push('\n');
    for (name, field) in fields {
        let entries: Vec<String> = calls::answer(run, name, *field)
            .iter()
            .map(|e| format!("\"{e}\""))
            .collect();
        let _ = writeln!(out, "{name}: {} = [{}]", field.key(), entries.join(", "));
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests;
