//! States exercises: jobs that compute and use a disk, and the question "which states does
//! each process go through, and when?". The answer is read off the simulated kernel's
//! `Transition` events, never worked out separately.

use super::options::StatesParams;
use super::workload::{Burst, DISK, Job, RunSolution, Workload};
use crate::kernel::event::Transition;
use crate::kernel::random::{SeededRng, Stream};
use serde::Serialize;
use std::fmt::Write;

/// A state a process enters, and when: one entry of a `states` answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StateAt {
    /// The state's name as the documentation writes it (`ready`, `waiting`…).
    pub state: &'static str,
    /// When it enters it.
    pub time: u64,
}

impl std::fmt::Display for StateAt {
    /// `waiting 3`, as an answers file writes it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.state, self.time)
    }
}

/// The names of the states a states exercise can involve (no swapping in exercises).
pub const STATE_NAMES: [&str; 6] = ["new", "ready", "running", "waiting", "zombie", "terminated"];

/// The states a process enters, in order, from its transitions.
pub fn states_of(transitions: &[&Transition]) -> Vec<StateAt> {
    transitions
        .iter()
        .map(|t| StateAt {
            state: t.to.name(),
            time: t.time,
        })
        .collect()
}

/// The jobs `params` and `seed` give.
///
/// For each job in turn, from ChaCha8 seeded with `seed`: its arrival (0 to `max_arrival`), its
/// number of CPU bursts (2 or 3), its priority (1 to 5), then each CPU burst (`minlen` to
/// `maxlen`) followed, except after the last, by an I/O on the disk (1 to `max_io`). The jobs are
/// then listed by arrival (ties in the order drawn) and named P1, P2…
pub fn generate(seed: u64, p: &StatesParams) -> Workload {
    let mut rng = SeededRng::new(seed, Stream::Workload);
    let mut drawn: Vec<(u64, i64, Vec<Burst>)> = (0..p.jobs)
        .map(|_| {
            let arrival = rng.range(0, p.max_arrival);
            let bursts = rng.range(2, 3);
            let priority = rng.range(1, super::sched::MAX_PRIORITY) as i64;
            let mut program = Vec::new();
            for i in 0..bursts {
                program.push(Burst::Cpu(rng.range(p.minlen, p.maxlen)));
                if i + 1 < bursts {
                    program.push(Burst::Io {
                        device: DISK.into(),
                        ticks: rng.range(1, p.max_io),
                    });
                }
            }
            (arrival, priority, program)
        })
        .collect();
    drawn.sort_by_key(|(arrival, _, _)| *arrival);
    let jobs = drawn
        .into_iter()
        .enumerate()
        .map(|(i, (arrival, priority, program))| Job {
            name: format!("P{}", i + 1),
            arrival,
            priority,
            program,
        })
        .collect();
    Workload {
        machine: p.machine.clone(),
        jobs,
    }
}

/// The jobs as a table: name, arrival, priority when it matters, and program.
pub fn jobs_table(w: &Workload) -> String {
    let priority = w.machine.uses_priority();
    let width = w
        .jobs
        .iter()
        .map(|j| j.name.len())
        .max()
        .unwrap_or(7)
        .max(7);
    let mut out = String::new();
    let _ = write!(out, "  {:<width$}  Arrival", "Process");
    if priority {
        out.push_str("  Priority");
    }
    out.push_str("  Program\n");
    for j in &w.jobs {
        let _ = write!(out, "  {:<width$}  {:>7}", j.name, j.arrival);
        if priority {
            let _ = write!(out, "  {:>8}", j.priority);
        }
        let _ = writeln!(out, "  {}", j.steps().join(", "));
    }
    out
}

/// The worked answer for the processes asked about: the states each enters, as an answers
/// file writes them, and the kernel's log of each change with its reason; then the Gantt
/// chart.
pub fn solution_text(run: &RunSolution, names: &[&str]) -> String {
    let mut out = crate::report::text::gantt_section(&run.report);
    for name in names {
        let states: Vec<String> = states_of(&run.transitions(name))
            .iter()
            .map(|s| format!("\"{s}\""))
            .collect();
        let _ = writeln!(out, "{name}: states = [{}]", states.join(", "));
        for line in run.log_of(name) {
            let _ = writeln!(out, "  {line}");
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercise::Kind;
    use crate::exercise::options::{Options, Params};
    use crate::exercise::workload::Machine;

    // Worked by hand. RR, quantum 2, no switch cost; one disk.
    //   A (arrives 0): cpu 3, io disk 2, cpu 1
    //   B (arrives 1): cpu 2
    // 0: A arrives, is admitted and runs. 1: B arrives and waits. 2: A's quantum runs out; B,
    // which came at 1, is ahead of it: B runs 2–4 and ends. A runs 4–5, finishing its burst,
    // and asks the disk at 5; the disk is free, so A is served 5–7, then runs 7–8 and ends.
    #[test]
    fn a_trace_worked_by_hand() {
        let w = Workload {
            machine: Machine::new("rr", 2, 0),
            jobs: vec![
                Job {
                    name: "A".into(),
                    arrival: 0,
                    priority: 0,
                    program: vec![
                        Burst::Cpu(3),
                        Burst::Io {
                            device: DISK.into(),
                            ticks: 2,
                        },
                        Burst::Cpu(1),
                    ],
                },
                Job {
                    name: "B".into(),
                    arrival: 1,
                    priority: 0,
                    program: vec![Burst::Cpu(2)],
                },
            ],
        };
        let run = w.run(&w.scenario_toml("t", "", None)).expect("valid");
        let a: Vec<String> = states_of(&run.transitions("A"))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            a,
            [
                "new 0",
                "ready 0",
                "running 0",
                "ready 2",
                "running 4",
                "waiting 5",
                "ready 7",
                "running 7",
                "terminated 8"
            ]
        );
        let b: Vec<String> = states_of(&run.transitions("B"))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(b, ["new 1", "ready 1", "running 2", "terminated 4"]);
    }

    #[test]
    fn generated_jobs_are_pinned() {
        let Ok(Params::States(p)) = Options::default().resolve(Kind::States) else {
            panic!("defaults")
        };
        let w = generate(3, &p);
        let jobs: Vec<(String, u64, String)> = w
            .jobs
            .iter()
            .map(|j| (j.name.clone(), j.arrival, j.steps().join(", ")))
            .collect();
        let expected: Vec<(String, u64, String)> = PINNED_SEED_3
            .iter()
            .map(|(n, a, s)| (n.to_string(), *a, s.to_string()))
            .collect();
        assert_eq!(jobs, expected);
        assert_eq!(generate(3, &p), w);
    }

    const PINNED_SEED_3: [(&str, u64, &str); 3] = [
        ("P1", 2, "cpu 3, io disk 5, cpu 4"),
        ("P2", 3, "cpu 3, io disk 3, cpu 2"),
        ("P3", 3, "cpu 3, io disk 1, cpu 1, io disk 4, cpu 2"),
    ];
}
