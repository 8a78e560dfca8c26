//! The problem an exercise file describes: drawn by its `[generate]` table, or written out —
//! a `[kernel]` table and `[[process]]` tables (sched, states, messages) or a fork `program` —
//! and checked down to every step.

use super::{File, KernelTable, ProcessTable};
use crate::exercise::error::{ExerciseError, Source};
use crate::exercise::field::RESERVED;
use crate::exercise::options::{OptionError, Params};
use crate::exercise::workload::{Burst, Job, Machine, Workload, policy, uses_quantum};
use crate::exercise::{Exercise, ForkProgram, Kind, Problem};
use crate::scenario::steps::{self, RawStep};
use std::ops::Range;
use toml::Spanned;

type Result<T> = std::result::Result<T, ExerciseError>;

pub(super) fn number(src: &Source, v: &Spanned<i64>, key: &str, range: (i64, i64)) -> Result<i64> {
    let n = *v.get_ref();
    if n < range.0 || n > range.1 {
        return Err(src.error(
            Some(v.span()),
            format!("{key} = {n} is out of range"),
            format!("use a whole number from {} to {}", range.0, range.1),
        ));
    }
    Ok(n)
}

fn option_error(src: &Source, e: OptionError) -> ExerciseError {
    src.error(Some(e.span), e.message, e.hint)
}

/// Where the text of a string value starts in the file, if offsets inside it are exact (the
/// string is written without escapes, as a literal string always is).
fn content_start(text: &str, span: &Range<usize>, value: &str) -> Option<usize> {
    let raw = text.get(span.clone())?;
    let quote = if raw.starts_with("'''") || raw.starts_with("\"\"\"") {
        3
    } else {
        1
    };
    let mut start = span.start + quote;
    // TOML drops a line break right after the opening quotes of a multi-line string.
    if quote == 3 {
        if text[start..].starts_with("\r\n") {
            start += 2;
        } else if text[start..].starts_with('\n') {
            start += 1;
        }
    }
    (text.get(start..start + value.len()) == Some(value)).then_some(start)
}

pub(super) fn check_name(src: &Source, name: &Spanned<String>) -> Result<()> {
    let n = name.get_ref();
    let ok = n.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && n.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !ok {
        return Err(src.error(
            Some(name.span()),
            format!("{n:?} is not a usable process name"),
            "start with a letter; then letters, digits, _ and - only (P1, editor, job_2)",
        ));
    }
    if RESERVED.contains(&n.as_str()) {
        return Err(src.error(
            Some(name.span()),
            format!("{n:?} is reserved for the answers file"),
            "choose another name, such as P1",
        ));
    }
    Ok(())
}

fn machine(src: &Source, k: Option<&Spanned<KernelTable>>) -> Result<Machine> {
    let Some(k) = k else {
        return Ok(Machine::new("fcfs", 1, 0));
    };
    let k = k.get_ref();
    let scheduler = policy(k.scheduler.get_ref()).map_err(|hint| {
        src.error(
            Some(k.scheduler.span()),
            format!("unknown scheduler {:?}", k.scheduler.get_ref()),
            hint,
        )
    })?;
    let quantum = match (&k.quantum, uses_quantum(scheduler)) {
        (Some(q), true) => number(src, q, "quantum", (1, 100))? as u64,
        (None, true) => {
            return Err(src.error(
                Some(k.scheduler.span()),
                format!("{scheduler} needs a quantum"),
                "add `quantum = 2` (or another number of ticks) under [kernel]",
            ));
        }
        (Some(q), false) => {
            return Err(src.error(
                Some(q.span()),
                format!("quantum has no effect with {scheduler}"),
                "only rr, mlfq, lottery and stride use a quantum; remove it",
            ));
        }
        (None, false) => 1,
    };
    let context_switch = match &k.context_switch {
        Some(c) => number(src, c, "context_switch", (0, 10))? as u64,
        None => 0,
    };
    Ok(Machine::new(scheduler, quantum, context_switch))
}

/// A step as written, with where it is: the whole step, and its first word after the keyword
/// (a mailbox's name), for messages exercises' checks.
pub(super) struct StepAt {
    /// The step.
    pub(super) burst: Burst,
    /// Where the step is written.
    pub(super) span: Range<usize>,
    /// Where its name (a mailbox's) is written, or the step's span.
    pub(super) name: Range<usize>,
}

fn program(
    src: &Source,
    kind: Kind,
    steps_list: &Spanned<Vec<Spanned<String>>>,
) -> Result<Vec<StepAt>> {
    if steps_list.get_ref().is_empty() {
        let example = match kind {
            Kind::Messages => "[\"cpu 1\", \"send box a1\"]",
            _ => "[\"cpu 3\", \"io disk 2\", \"cpu 1\"]",
        };
        return Err(src.error(
            Some(steps_list.span()),
            "the program is empty",
            format!("list its steps, such as {example}"),
        ));
    }
    let mut out = Vec::new();
    for step in steps_list.get_ref() {
        let span = step.span();
        let literal = content_start(&src.text, &span, step.get_ref()).is_some();
        let raw = steps::parse(step.get_ref(), span.clone(), literal)
            .map_err(|e| src.error(Some(e.span), e.message, e.hint.unwrap_or_default()))?;
        let mut name = span.clone();
        let burst = match (kind, raw) {
            (_, RawStep::Cpu(t)) if t <= 1000 => Burst::Cpu(t),
            (Kind::States, RawStep::Io(device, t)) if t <= 1000 => Burst::Io {
                device: device.text,
                ticks: t,
            },
            (_, RawStep::Cpu(_)) | (Kind::States, RawStep::Io(..)) => {
                return Err(src.error(
                    Some(span),
                    "a step of an exercise lasts at most 1000 ticks",
                    "use shorter steps",
                ));
            }
            (Kind::Messages, RawStep::Mailbox(word, capacity)) => {
                name = word.span;
                Burst::Mailbox {
                    name: word.text,
                    capacity,
                }
            }
            (Kind::Messages, RawStep::Send(word, text, wait)) => {
                name = word.span;
                Burst::Send {
                    to: word.text,
                    text,
                    wait,
                }
            }
            (Kind::Messages, RawStep::Receive(word, wait)) => {
                name = word.span;
                Burst::Receive {
                    from: word.text,
                    wait,
                }
            }
            (Kind::Messages, _) => {
                return Err(src.error(
                    Some(span),
                    "messages exercises use only cpu, mailbox, send, try-send, receive and \
                     try-receive steps",
                    "write steps such as \"cpu 2\", \"mailbox box 1\", \"send box a1\" and \
                     \"try-receive box\"",
                ));
            }
            _ => {
                return Err(src.error(
                    Some(span),
                    "states exercises use only cpu and io steps",
                    "write steps such as \"cpu 3\" and \"io disk 2\"",
                ));
            }
        };
        out.push(StepAt { burst, span, name });
    }
    Ok(out)
}

fn jobs(src: &Source, kind: Kind, list: &[Spanned<ProcessTable>]) -> Result<Vec<Job>> {
    let mut jobs: Vec<Job> = Vec::new();
    let mut written: Vec<Vec<StepAt>> = Vec::new();
    for entry in list {
        let p = entry.get_ref();
        check_name(src, &p.name)?;
        if jobs.iter().any(|j| &j.name == p.name.get_ref()) {
            return Err(src.error(
                Some(p.name.span()),
                format!("two processes are called {:?}", p.name.get_ref()),
                "give each process its own name",
            ));
        }
        let arrival = match &p.arrival {
            Some(a) => number(src, a, "arrival", (0, 1000))? as u64,
            None => 0,
        };
        let priority = match &p.priority {
            Some(v) => number(src, v, "priority", (-100, 100))?,
            None => 0,
        };
        let steps = match (kind, &p.burst, &p.program) {
            (Kind::Sched, Some(b), None) => {
                let t = number(src, b, "burst", (1, 1000))? as u64;
                vec![StepAt {
                    burst: Burst::Cpu(t),
                    span: b.span(),
                    name: b.span(),
                }]
            }
            (Kind::States | Kind::Messages, None, Some(steps)) => program(src, kind, steps)?,
            (Kind::Sched, _, _) => {
                let span = p.program.as_ref().map_or(entry.span(), Spanned::span);
                return Err(src.error(
                    Some(span),
                    "a process of a sched exercise has a burst",
                    "write `burst = N`; programs with I/O belong in states exercises",
                ));
            }
            _ => {
                let span = p.burst.as_ref().map_or(entry.span(), Spanned::span);
                let example = match kind {
                    Kind::Messages => "[\"cpu 1\", \"send box a1\", \"receive box\"]",
                    _ => "[\"cpu 3\", \"io disk 2\", \"cpu 1\"]",
                };
                return Err(src.error(
                    Some(span),
                    format!("a process of a {kind} exercise has a program"),
                    format!("write `program = {example}`"),
                ));
            }
        };
        jobs.push(Job {
            name: p.name.get_ref().clone(),
            arrival,
            priority,
            program: steps.iter().map(|s| s.burst.clone()).collect(),
        });
        written.push(steps);
    }
    if jobs.is_empty() {
        return Err(src.error(
            None,
            format!("a {kind} exercise needs its processes"),
            "add [[process]] tables, or a [generate] table to draw them from a seed",
        ));
    }
    if jobs.len() > 26 {
        return Err(src.error(
            Some(list[26].span()),
            "an exercise has at most 26 processes",
            "keep it small enough to work by hand",
        ));
    }
    if kind == Kind::Messages {
        super::messages::check(src, list, &jobs, &written)?;
    }
    Ok(jobs)
}

fn fork_program(src: &Source, p: &Spanned<String>) -> Result<ForkProgram> {
    ForkProgram::parse(p.get_ref()).map_err(|e| {
        let span = match content_start(&src.text, &p.span(), p.get_ref()) {
            Some(start) => start + e.span.start..start + e.span.end,
            None => p.span(),
        };
        src.error(Some(span), e.message, e.hint)
    })
}

/// The problem a file describes: drawn from `[generate]` and the seed, or written out.
pub(super) fn problem(src: &Source, f: &File, kind: Kind) -> Result<(Option<Params>, Exercise)> {
    let written = f.kernel.is_some() || !f.processes.is_empty() || f.program.is_some();
    if let Some(g) = &f.generate {
        if written {
            return Err(src.error(
                Some(g.span()),
                "this exercise both draws its problem and writes it out",
                "keep either [generate] or the written problem ([kernel] and [[process]], or program)",
            ));
        }
        let params = g
            .get_ref()
            .resolve(kind)
            .map_err(|e| option_error(src, e))?;
        let seed = match &f.seed {
            Some(s) => number(src, s, "seed", (0, i64::MAX))? as u64,
            None => 0,
        };
        return Ok((Some(params.clone()), Exercise::generate(&params, seed)));
    }
    if let Some(s) = &f.seed {
        return Err(src.error(
            Some(s.span()),
            "seed goes with [generate]",
            "remove it: this exercise writes its problem out",
        ));
    }
    let misplaced = match kind {
        Kind::Fork => f
            .kernel
            .as_ref()
            .map(Spanned::span)
            .or(f.processes.first().map(Spanned::span)),
        _ => f.program.as_ref().map(Spanned::span),
    };
    if let Some(span) = misplaced {
        let hint = match kind {
            Kind::Fork => "a fork exercise has only a program = '''…'''",
            _ => "processes go in [[process]] tables; program = '''…''' is for fork exercises",
        };
        return Err(src.error(
            Some(span),
            format!("this does not belong in a {kind} exercise"),
            hint,
        ));
    }
    let problem = match kind {
        Kind::Fork => match &f.program {
            Some(p) => Problem::Fork(fork_program(src, p)?),
            None => {
                return Err(src.error(
                    None,
                    "a fork exercise needs its program",
                    "add program = '''…''' with the C code, or a [generate] table",
                ));
            }
        },
        Kind::Sched | Kind::States | Kind::Messages => {
            let w = Workload {
                machine: machine(src, f.kernel.as_ref())?,
                jobs: jobs(src, kind, &f.processes)?,
            };
            match kind {
                Kind::Sched => Problem::Sched(w),
                Kind::States => Problem::States(w),
                _ => Problem::Messages(w),
            }
        }
    };
    let e = Exercise {
        id: None,
        title: String::new(),
        description: String::new(),
        seed: None,
        problem,
        ask: Vec::new(),
    };
    Ok((None, e))
}
