//! The machine and the jobs of a scheduling or states exercise, and how they become a scenario
//! file that the simulated kernel runs. The scenario text is the single source of truth: the
//! answers come from running exactly the text that `--scenario` prints.

use super::error::ExerciseError;
use crate::kernel::config::Policy;
use crate::kernel::event::{Event, Transition};
use crate::kernel::ids::Pid;
use crate::kernel::message::Capacity;
use crate::report::recorder::ProcessRow;
use crate::report::{self, Options, Report};
use crate::scenario::Scenario;
use crate::scenario::error::one_of_hint;

/// The device that generated states exercises use.
pub const DISK: &str = "disk";

/// The scheduler of an exercise and what it costs to switch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Machine {
    /// The scenario-file name of the policy (`fcfs`, `rr`, …).
    pub scheduler: &'static str,
    /// The time quantum, for the policies that have one (for `mlfq`, every queue's).
    pub quantum: Option<u64>,
    /// Ticks one context switch costs.
    pub context_switch: u64,
}

impl Machine {
    /// A machine running `scheduler`; `quantum` is kept only if the policy uses one.
    pub fn new(scheduler: &'static str, quantum: u64, context_switch: u64) -> Machine {
        Machine {
            scheduler,
            quantum: uses_quantum(scheduler).then_some(quantum),
            context_switch,
        }
    }

    /// True under the priority policies, where each job's priority matters.
    pub fn uses_priority(&self) -> bool {
        self.scheduler.starts_with("priority")
    }

    /// "round robin (quantum 2), context switch 1": the set-up in words.
    pub fn describe(&self) -> String {
        let title = scheduler_title(self.scheduler);
        let mut s = match self.quantum {
            Some(q) => format!("{title} (quantum {q})"),
            None => title.to_string(),
        };
        if self.context_switch > 0 {
            s.push_str(&format!(
                ", context switch {} tick{}",
                self.context_switch,
                if self.context_switch == 1 { "" } else { "s" }
            ));
        }
        s
    }
}

/// True for the policies that take a time quantum.
pub fn uses_quantum(scheduler: &str) -> bool {
    matches!(scheduler, "rr" | "lottery" | "stride" | "mlfq")
}

/// The textbook's name of a scheduler, from its scenario-file name.
fn scheduler_title(scheduler: &str) -> &'static str {
    match scheduler {
        "fcfs" => Policy::Fcfs.title(),
        "sjf" => Policy::Sjf.title(),
        "srtf" => Policy::Srtf.title(),
        "priority" => Policy::Priority.title(),
        "priority-preemptive" => Policy::PriorityPreemptive.title(),
        "rr" => Policy::Rr { quantum: 1 }.title(),
        "lottery" => Policy::Lottery { quantum: 1 }.title(),
        "stride" => Policy::Stride { quantum: 1 }.title(),
        "hrrn" => Policy::Hrrn.title(),
        _ => "multi-level feedback queue",
    }
}

/// A policy by name, in any case; `fifo` is `fcfs` (OSTEP's name for it).
pub fn policy(name: &str) -> Result<&'static str, String> {
    let lower = name.to_ascii_lowercase();
    let lower = if lower == "fifo" {
        "fcfs".into()
    } else {
        lower
    };
    Policy::NAMES
        .iter()
        .find(|n| **n == lower)
        .copied()
        .ok_or_else(|| one_of_hint(&lower, &Policy::NAMES))
}

/// One step of a job's program: a stretch of CPU or I/O, or (messages exercises) a call of
/// message passing, which takes no time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Burst {
    /// Compute for this many ticks.
    Cpu(u64),
    /// Use a device for this many ticks.
    Io {
        /// The device.
        device: String,
        /// How long.
        ticks: u64,
    },
    /// Make a mailbox.
    Mailbox {
        /// Its name.
        name: String,
        /// How many messages it holds.
        capacity: Capacity,
    },
    /// Send a message to a mailbox.
    Send {
        /// The mailbox.
        to: String,
        /// The message.
        text: String,
        /// `send` (true) or `try-send`.
        wait: bool,
    },
    /// Receive a message from a mailbox.
    Receive {
        /// The mailbox.
        from: String,
        /// `receive` (true) or `try-receive`.
        wait: bool,
    },
}

impl Burst {
    /// The step as a scenario file writes it: `cpu 3`, `io disk 4`, `mailbox box 2`,
    /// `try-send box a1`, `receive box`.
    pub fn step(&self) -> String {
        let try_ = |wait: bool| if wait { "" } else { "try-" };
        match self {
            Burst::Cpu(t) => format!("cpu {t}"),
            Burst::Io { device, ticks } => format!("io {device} {ticks}"),
            Burst::Mailbox { name, capacity } => format!("mailbox {name} {}", capacity.word()),
            // A text of several words is quoted, so that the step keeps its spaces.
            Burst::Send { to, text, wait } if text.contains(char::is_whitespace) => {
                format!("{}send {to} \"{text}\"", try_(*wait))
            }
            Burst::Send { to, text, wait } => format!("{}send {to} {text}", try_(*wait)),
            Burst::Receive { from, wait } => format!("{}receive {from}", try_(*wait)),
        }
    }
}

/// A job of the workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    /// Its name.
    pub name: String,
    /// When it arrives.
    pub arrival: u64,
    /// Its priority (lower is more important), used by the priority policies.
    pub priority: i64,
    /// What it does: one CPU burst for scheduling exercises, CPU and I/O for states.
    pub program: Vec<Burst>,
}

impl Job {
    /// Its total CPU time.
    pub fn burst(&self) -> u64 {
        self.program
            .iter()
            .map(|b| match b {
                Burst::Cpu(t) => *t,
                _ => 0,
            })
            .sum()
    }

    /// Its program as scenario steps.
    pub fn steps(&self) -> Vec<String> {
        self.program.iter().map(Burst::step).collect()
    }
}

/// The machine and the jobs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workload {
    /// The scheduler.
    pub machine: Machine,
    /// The jobs, in the order they are listed.
    pub jobs: Vec<Job>,
}

/// A string as a TOML value, quoted and escaped.
pub fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

impl Workload {
    /// The scenario file of this workload.
    pub fn scenario_toml(&self, title: &str, description: &str, seed: Option<u64>) -> String {
        let m = &self.machine;
        let mut out = format!("title = {}\n", quote(title));
        if !description.is_empty() {
            out.push_str(&format!("description = {}\n", quote(description)));
        }
        // Only the lottery draws from the seed; other policies leave it out, to keep the file
        // to what matters.
        if let Some(seed) = seed.filter(|_| m.scheduler == "lottery") {
            out.push_str(&format!("seed = {seed}\n"));
        }
        out.push_str(&format!("\n[kernel]\nscheduler = {}\n", quote(m.scheduler)));
        if let (Some(q), false) = (m.quantum, m.scheduler == "mlfq") {
            out.push_str(&format!("quantum = {q}\n"));
        }
        if m.context_switch > 0 {
            out.push_str(&format!("context_switch = {}\n", m.context_switch));
        }
        // MLFQ's quantum is per queue, in its own table, which must come after [kernel]'s keys.
        if let (Some(q), true) = (m.quantum, m.scheduler == "mlfq") {
            out.push_str(&format!("\n[kernel.mlfq]\nquantum = {q}\n"));
        }
        for job in &self.jobs {
            out.push_str(&format!("\n[[process]]\nname = {}\n", quote(&job.name)));
            if job.arrival > 0 {
                out.push_str(&format!("arrival = {}\n", job.arrival));
            }
            match job.program.as_slice() {
                [Burst::Cpu(t)] => out.push_str(&format!("burst = {t}\n")),
                _ => {
                    let steps: Vec<String> = job.steps().iter().map(|s| quote(s)).collect();
                    out.push_str(&format!("program = [{}]\n", steps.join(", ")));
                }
            }
            if m.uses_priority() {
                out.push_str(&format!("priority = {}\n", job.priority));
            }
        }
        out
    }

    /// Runs the workload's scenario on the simulated kernel, keeping every event.
    pub fn run(&self, scenario_toml: &str) -> Result<RunSolution, ExerciseError> {
        let scenario = Scenario::parse("exercise.toml", scenario_toml).map_err(|e| match e {
            crate::scenario::ScenarioError::Invalid(d) => ExerciseError::Invalid(d),
            other => ExerciseError::usage(other.to_string(), ""),
        })?;
        let report = report::run(
            &scenario,
            Options {
                summary_only: false,
                events: true,
            },
        );
        Ok(RunSolution {
            scenario_toml: scenario_toml.to_string(),
            scenario,
            report,
        })
    }
}

/// A workload run on the simulated kernel: the answers of scheduling and states exercises.
#[derive(Clone, Debug)]
pub struct RunSolution {
    /// The scenario file that was run.
    pub scenario_toml: String,
    /// That scenario, checked.
    pub scenario: Scenario,
    /// Its report, with every event.
    pub report: Report,
}

impl RunSolution {
    /// The report's row of the process `name`.
    pub fn row(&self, name: &str) -> Option<&ProcessRow> {
        self.report.rows.iter().find(|r| &*r.name == name)
    }

    /// The pid of the process `name`.
    pub fn pid(&self, name: &str) -> Option<Pid> {
        self.row(name).map(|r| r.pid)
    }

    /// The changes of state of the process `name`, in order.
    pub fn transitions(&self, name: &str) -> Vec<&Transition> {
        let Some(pid) = self.pid(name) else {
            return Vec::new();
        };
        self.report
            .events
            .iter()
            .filter_map(|e| match e {
                Event::Transition(t) if t.pid == pid => Some(t),
                _ => None,
            })
            .collect()
    }

    /// The events that concern the process `name` (its transitions), as the event log
    /// writes them.
    pub fn log_of(&self, name: &str) -> Vec<String> {
        let Some(pid) = self.pid(name) else {
            return Vec::new();
        };
        self.report
            .events
            .iter()
            .filter(|e| matches!(e, Event::Transition(t) if t.pid == pid))
            .filter_map(|e| {
                report::text::event_line(e, &self.report.names)
                    .map(|line| format!("t={:<6} {}", e.time(), line.trim_end()))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_are_found_in_any_case() {
        assert_eq!(policy("FIFO"), Ok("fcfs"));
        assert_eq!(policy("Rr"), Ok("rr"));
        assert_eq!(policy("sjf"), Ok("sjf"));
        assert!(policy("rrr").unwrap_err().contains("did you mean rr?"));
    }

    #[test]
    fn every_policy_gives_a_scenario_without_warnings() {
        for name in Policy::NAMES {
            let w = Workload {
                machine: Machine::new(name, 2, 1),
                jobs: vec![Job {
                    name: "A".into(),
                    arrival: 0,
                    priority: 1,
                    program: vec![Burst::Cpu(3)],
                }],
            };
            let text = w.scenario_toml("t", "d", Some(1));
            let run = w
                .run(&text)
                .unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
            assert!(
                run.scenario.warnings.is_empty(),
                "{name}: {:?}",
                run.scenario.warnings
            );
            assert_eq!(run.row("A").and_then(|r| r.finish), Some(3), "{name}");
        }
    }

    #[test]
    fn the_scenario_runs() {
        let w = Workload {
            machine: Machine::new("rr", 2, 0),
            jobs: vec![
                Job {
                    name: "A".into(),
                    arrival: 0,
                    priority: 0,
                    program: vec![Burst::Cpu(3)],
                },
                Job {
                    name: "B".into(),
                    arrival: 1,
                    priority: 0,
                    program: vec![
                        Burst::Cpu(1),
                        Burst::Io {
                            device: DISK.into(),
                            ticks: 2,
                        },
                        Burst::Cpu(1),
                    ],
                },
            ],
        };
        let text = w.scenario_toml("t", "", Some(3));
        assert!(
            text.contains("quantum = 2") && !text.contains("seed"),
            "{text}"
        );
        let run = w.run(&text).expect("valid");
        assert_eq!(run.row("A").and_then(|r| r.finish), Some(4));
        assert!(run.transitions("B").len() >= 6);
    }
}
