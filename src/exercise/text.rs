//! Exercises as text: the problem with its questions (and, for a pinned exercise, the answers
//! file to fill in), and the worked answer, which reuses the report's own Gantt chart, table
//! and event log.

use super::field::{Field, ProcessField};
use super::fork;
use super::workload::Machine;
use super::{Exercise, Kind, Problem, Solution};
use crate::report::text::wrap;
use std::fmt::Write;

fn machine_line(m: &Machine, io: bool) -> String {
    let mut s = format!("Scheduler: {}, 1 CPU", m.describe());
    if io {
        s.push_str("; one disk, which serves one request at a time");
    }
    s.push('\n');
    s
}

/// The kind's usual questions in a sentence, or the asked fields one per line.
fn questions(e: &Exercise) -> String {
    if e.ask.is_empty() {
        let sentence: &str = match e.kind() {
            Kind::Sched => {
                "For each job, find its finish, turnaround, waiting and response \
                times, and the average turnaround, waiting and response times.\n"
            }
            Kind::States => {
                "For each process, list the states it goes through (new, ready, \
                running, waiting, terminated), in order, with the time it enters each.\n"
            }
            Kind::Fork if e.asked().contains(&Field::Orders) => {
                "How many processes run this program, the first one included? Draw the process \
                 tree. Which lines are printed, and how many times each? How many different \
                 outputs are possible?\n"
            }
            Kind::Fork => {
                "How many processes run this program, the first one included? Draw \
                the process tree. Which lines are printed, and how many times each?\n"
            }
            Kind::Messages => {
                "For each receive, find the message it gets (\"none\" if a try-receive finds \
                no message); for each send, the message that goes (\"failed\" if a try-send \
                finds no room); and for each process, every call in which it blocks, with the \
                tick it blocks and the tick it is woken.\n"
            }
        };
        return wrap(sentence, 92);
    }
    let mut out = String::from("Find:\n");
    for f in &e.ask {
        let _ = writeln!(out, "  - {}", f.label());
    }
    out
}

fn definitions(kind: Kind) -> &'static str {
    match kind {
        Kind::Sched | Kind::States => {
            "Times are in ticks. Turnaround = finish − arrival; waiting = the time spent ready \
             but not running; response = first run − arrival.\n"
        }
        Kind::Messages => super::messages::RULES,
        Kind::Fork => "",
    }
}

/// The answers file a student fills in for a pinned exercise.
fn template(e: &Exercise, id: &str) -> String {
    let mut out = format!(
        "Write your answers in a file such as answers.toml and check them with\n\
         `proclab grade {id} answers.toml`:\n\n  exercise = {:?}\n",
        id
    );
    // A pinned exercise drawn from a seed has a variant per seed: say which one this is.
    if let Some(seed) = e.seed {
        let _ = writeln!(out, "  seed = {seed}");
    }
    // TOML wants the top-level keys before the first table.
    let mut asked = e.asked();
    asked.sort_by_key(|f| f.place().0.is_some());
    let bare = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    let mut table: Option<&str> = None;
    for f in &asked {
        let (t, key) = f.place();
        if t != table {
            if let Some(t) = t {
                let header = if bare(t) {
                    t.to_string()
                } else {
                    format!("{t:?}")
                };
                let _ = write!(out, "\n  [{header}]\n");
            }
            table = t;
        }
        let key = if bare(key) {
            key.to_string()
        } else {
            format!("{key:?}")
        };
        let value = match f {
            Field::Process(_, ProcessField::States) => "[\"STATE TIME\", …]",
            Field::Process(_, pf) if pf.is_message() => super::messages::entries::placeholder(*pf),
            _ => "…",
        };
        let _ = writeln!(out, "  {key} = {value}");
    }
    out
}

/// The problem and its questions.
pub fn problem(e: &Exercise) -> String {
    let mut out = format!("{}\n", e.title);
    if let Some(id) = &e.id {
        let _ = writeln!(out, "Exercise {id} ({})", e.kind());
    }
    out.push('\n');
    if !e.description.is_empty() {
        out.push_str(&wrap(&e.description, 92));
        out.push('\n');
    }
    match &e.problem {
        Problem::Sched(w) => {
            out.push_str(&machine_line(&w.machine, false));
            out.push('\n');
            out.push_str(&super::sched::jobs_table(w));
        }
        Problem::States(w) => {
            out.push_str(&machine_line(&w.machine, true));
            out.push('\n');
            out.push_str(&super::states::jobs_table(w));
        }
        Problem::Messages(w) => {
            out.push_str(&machine_line(&w.machine, false));
            out.push_str(&super::messages::mailboxes_text(w));
            out.push('\n');
            out.push_str(&super::states::jobs_table(w));
        }
        Problem::Fork(p) => out.push_str(&fork::problem_text(p)),
    }
    out.push('\n');
    out.push_str(&questions(e));
    let defs = definitions(e.kind());
    if !defs.is_empty() {
        out.push('\n');
        out.push_str(&wrap(defs, 92));
    }
    if let Some(id) = &e.id {
        out.push('\n');
        out.push_str(&template(e, id));
    }
    out
}

/// The worked answer.
pub fn solution(e: &Exercise, s: &Solution) -> String {
    let mut out = String::from("Answer\n\n");
    match s {
        Solution::Run(run) if e.kind() == Kind::States => {
            let asked = e.asked();
            let names: Vec<&str> = asked
                .iter()
                .filter_map(|f| match f {
                    Field::Process(name, ProcessField::States) => Some(name.as_str()),
                    _ => None,
                })
                .collect::<Vec<_>>();
            let names = if names.is_empty() {
                e.workload()
                    .map(|w| w.jobs.iter().map(|j| j.name.as_str()).collect())
                    .unwrap_or_default()
            } else {
                names
            };
            out.push_str(&super::states::solution_text(run, &names));
            out.push_str(&crate::report::text::process_table(&run.report));
        }
        Solution::Run(run) if e.kind() == Kind::Messages => {
            let message = |f: &Field| matches!(f, Field::Process(_, pf) if pf.is_message());
            let mut shown: Vec<Field> = e.asked().into_iter().filter(message).collect();
            // Asked only times: the worked answer shows every message answer all the same.
            if shown.is_empty() {
                shown = e.fields().into_iter().filter(message).collect();
            }
            let fields: Vec<(&str, ProcessField)> = shown
                .iter()
                .filter_map(|f| match f {
                    Field::Process(name, pf) => Some((name.as_str(), *pf)),
                    _ => None,
                })
                .collect();
            out.push_str(&super::messages::solution_text(run, &fields));
            out.push_str(&crate::report::text::process_table(&run.report));
        }
        Solution::Run(run) => out.push_str(&super::sched::solution_text(run)),
        Solution::Fork(f) => out.push_str(&f.text()),
    }
    out
}
