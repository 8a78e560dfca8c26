//! The right answer to each field, and why it is right, both read from the solution: the
//! kernel's rows and `Transition` events for scheduling and states, the interpreter's run for
//! fork.

use super::Solution;
use super::field::{Field, ProcessField};
use super::fork::ForkSolution;
use super::messages::calls;
use super::states::{StateAt, states_of};
use super::workload::RunSolution;
use crate::kernel::event::Event;
use crate::kernel::state::State;
use crate::report::recorder::ProcessRow;

/// Averages are right within this much of the exact value.
pub const TOLERANCE: f64 = 0.01;

/// The right answer to a field.
#[derive(Clone, Debug, PartialEq)]
pub enum Expected {
    /// A whole number.
    Count(u64),
    /// An average: the values averaged, in table order.
    Mean(Vec<u64>),
    /// The states a process enters, in order.
    States(Vec<StateAt>),
    /// The entries of a messages answer (`received`, `sent`, `blocked`), in canonical form.
    Entries(Vec<String>),
}

impl Expected {
    /// The value of an average.
    pub fn mean(parts: &[u64]) -> f64 {
        if parts.is_empty() {
            0.0
        } else {
            parts.iter().sum::<u64>() as f64 / parts.len() as f64
        }
    }

    /// The answer as the grading report shows it: `24`, `17.00`, `[new 0, ready 0, …]`.
    pub fn show(&self) -> String {
        match self {
            Expected::Count(n) => n.to_string(),
            Expected::Mean(parts) => format!("{:.2}", Expected::mean(parts)),
            Expected::States(s) => {
                let items: Vec<String> = s.iter().map(|s| format!("\"{s}\"")).collect();
                format!("[{}]", items.join(", "))
            }
            Expected::Entries(e) => {
                let items: Vec<String> = e.iter().map(|e| format!("\"{e}\"")).collect();
                format!("[{}]", items.join(", "))
            }
        }
    }
}

fn time(row: &ProcessRow, f: ProcessField) -> Option<u64> {
    match f {
        ProcessField::Finish => row.finish,
        ProcessField::Turnaround => row.turnaround,
        ProcessField::Waiting => Some(row.waiting),
        ProcessField::Response => row.response,
        _ => None,
    }
}

/// The right answer to `field`, if the solution has one.
pub fn expected(solution: &Solution, field: &Field) -> Option<Expected> {
    match solution {
        Solution::Run(run) => run_expected(run, field),
        Solution::Fork(fork) => fork_expected(fork, field),
    }
}

fn run_expected(run: &RunSolution, field: &Field) -> Option<Expected> {
    let rows = &run.report.rows;
    match field {
        Field::Process(name, ProcessField::States) => {
            Some(Expected::States(states_of(&run.transitions(name))))
        }
        Field::Process(name, f) if f.is_message() => {
            run.row(name)?;
            Some(Expected::Entries(calls::answer(run, name, *f)))
        }
        Field::Process(name, f) => time(run.row(name)?, *f).map(Expected::Count),
        Field::Average(a) => Some(Expected::Mean(
            rows.iter().filter_map(|r| time(r, a.of())).collect(),
        )),
        Field::Makespan => Some(Expected::Count(run.report.summary.makespan)),
        Field::ContextSwitches => Some(Expected::Count(run.report.summary.context_switches)),
        _ => None,
    }
}

fn fork_expected(fork: &ForkSolution, field: &Field) -> Option<Expected> {
    let run = &fork.run;
    let n = match field {
        Field::Processes => run.procs.len(),
        Field::Lines => run.total_lines(),
        Field::Orders => fork.orders.outputs.as_ref()?.len(),
        Field::Output(line) => match run.lines.iter().position(|l| l == line) {
            Some(i) => run.printed_by(i).len(),
            None => 0,
        },
        _ => return None,
    };
    Some(Expected::Count(n as u64))
}

/// "from 1 to 5 and from 7 to 9": stretches as words.
fn stretches(list: &[(u64, u64)]) -> String {
    let parts: Vec<String> = list
        .iter()
        .map(|(a, b)| format!("from {a} to {b}"))
        .collect();
    match parts.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// "A, B and C".
pub fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Why the answer to `field` is what it is, in a sentence built from the run.
pub fn explain(solution: &Solution, field: &Field) -> String {
    match solution {
        Solution::Run(run) => run_explain(run, field),
        Solution::Fork(fork) => fork_explain(fork, field),
    }
}

/// The stretches the process spends ready (or held new), which make up its waiting time.
fn waits(run: &RunSolution, name: &str) -> Vec<(u64, u64)> {
    let mut out: Vec<(u64, u64)> = Vec::new();
    let mut since = None;
    for t in run.transitions(name) {
        if let Some(start) = since.take()
            && t.time > start
        {
            match out.last_mut() {
                Some(last) if last.1 == start => last.1 = t.time,
                _ => out.push((start, t.time)),
            }
        }
        if matches!(t.to, State::Ready | State::New) {
            since = Some(t.time);
        }
    }
    out
}

fn run_explain(run: &RunSolution, field: &Field) -> String {
    let row = |name: &str| run.row(name);
    match field {
        Field::Process(name, f) => {
            let Some(r) = row(name) else {
                return String::new();
            };
            let finish = r.finish.unwrap_or(run.report.end);
            match f {
                ProcessField::Finish => {
                    let last_run = run
                        .transitions(name)
                        .iter()
                        .rev()
                        .find(|t| t.to == State::Running)
                        .map(|t| t.time);
                    match last_run {
                        Some(s) => format!("{name} last runs from {s} to {finish}, and ends then"),
                        None => format!("{name} ends at {finish}"),
                    }
                }
                ProcessField::Turnaround => format!(
                    "{name} arrives at {} and finishes at {finish}: {finish} − {} = {}",
                    r.arrival,
                    r.arrival,
                    finish - r.arrival
                ),
                ProcessField::Response => match r.first_run {
                    Some(first) => format!(
                        "{name} arrives at {} and first runs at {first}: {first} − {} = {}",
                        r.arrival,
                        r.arrival,
                        first - r.arrival
                    ),
                    None => format!("{name} never runs"),
                },
                ProcessField::Waiting => {
                    let w = waits(run, name);
                    if w.is_empty() {
                        return format!("{name} never waits in the ready queue");
                    }
                    let mut s = format!("{name} waits in the ready queue {}", stretches(&w));
                    if w.len() > 1 {
                        let sum: Vec<String> = w.iter().map(|(a, b)| (b - a).to_string()).collect();
                        s.push_str(&format!(": {} = {}", sum.join(" + "), r.waiting));
                    }
                    if run.scenario.config.context_switch > 0 && r.context_switches > 0 {
                        s.push_str(" (while its context is switched in, it is still waiting)");
                    }
                    s
                }
                ProcessField::States => {
                    let log = run.log_of(name);
                    format!(
                        "the kernel's log of {name}:\n      {}",
                        log.join("\n      ")
                    )
                }
                f => calls::explain(run, name, *f),
            }
        }
        Field::Average(a) => {
            let parts: Vec<(String, u64)> = run
                .report
                .rows
                .iter()
                .filter_map(|r| time(r, a.of()).map(|v| (r.name.to_string(), v)))
                .collect();
            let values: Vec<String> = parts.iter().map(|(_, v)| v.to_string()).collect();
            let numbers: Vec<u64> = parts.iter().map(|(_, v)| *v).collect();
            format!(
                "({}) / {} = {:.2}",
                values.join(" + "),
                parts.len(),
                Expected::mean(&numbers)
            )
        }
        Field::Makespan => match run.report.rows.iter().max_by_key(|r| r.finish) {
            Some(r) => format!(
                "the last process to finish, {}, finishes at {}",
                r.name, run.report.summary.makespan
            ),
            None => String::new(),
        },
        Field::ContextSwitches => {
            let names = &run.report.names;
            let list: Vec<String> = run
                .report
                .events
                .iter()
                .filter_map(|e| match e {
                    Event::Switch(s) => {
                        let who = |p| crate::kernel::Names::process(names, p);
                        let from = s.from.map(who).unwrap_or_else(|| "nothing".into());
                        Some(format!("at {} ({from} → {})", s.time, who(s.to)))
                    }
                    _ => None,
                })
                .collect();
            if list.is_empty() {
                "the CPU never switches from one process's context to another's".into()
            } else {
                format!("the CPU switches {}", list.join(", "))
            }
        }
        _ => String::new(),
    }
}

fn fork_explain(fork: &ForkSolution, field: &Field) -> String {
    let run = &fork.run;
    match field {
        Field::Processes => {
            let forks: Vec<String> = run
                .procs
                .iter()
                .filter(|p| !p.children.is_empty())
                .map(|p| match p.children.len() {
                    1 => format!("{} once", p.name),
                    2 => format!("{} twice", p.name),
                    n => format!("{} {n} times", p.name),
                })
                .collect();
            let calls = run.procs.len() - 1;
            let refs: Vec<&str> = forks.iter().map(String::as_str).collect();
            if calls == 0 {
                "fork() is never called: P0 is alone".into()
            } else {
                format!(
                    "fork() is called {calls} times in all ({}), and each call makes one more process: 1 + {calls} = {}",
                    and_list(&refs),
                    run.procs.len()
                )
            }
        }
        Field::Lines => {
            let parts: Vec<String> = (0..run.lines.len())
                .map(|i| format!("{} {}", run.lines[i], run.printed_by(i).len()))
                .collect();
            format!("{} = {}", parts.join(" + "), run.total_lines())
        }
        Field::Output(line) => {
            let by = run
                .lines
                .iter()
                .position(|l| l == line)
                .map(|i| run.printed_by(i))
                .unwrap_or_default();
            if by.is_empty() {
                format!("no process reaches the printf of {line:?}")
            } else {
                format!("{line:?} is printed by {}", and_list(&by))
            }
        }
        Field::Orders => match fork.outputs_text() {
            Some(all) => {
                let shown: Vec<&str> = all.iter().take(4).map(String::as_str).collect();
                let more = if all.len() > shown.len() { "; …" } else { "" };
                format!(
                    "going through every interleaving of the processes gives {}: {}{more}",
                    all.len(),
                    shown.join("; ")
                )
            }
            None => "there are too many to count".into(),
        },
        _ => String::new(),
    }
}
