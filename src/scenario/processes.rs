//! The processes of a scenario: their fields, their programs' steps resolved to processes,
//! devices and images, and the structure of forks checked.

use super::checker::{Checker, MAX_PRIORITY, MAX_TICKETS, Result, check_name, spanned};
use super::error::{Severity, did_you_mean};
use super::file::ProcessEntry;
use super::objects::Declared;
use super::step_resolution::resolve_steps;
use super::steps::{self, RawStep, Word};
use crate::kernel::config::KernelConfig;
use crate::kernel::ipc::ObjectSpec;
use crate::kernel::program::{Program, SpecIndex, Step};
use crate::kernel::workload::{DEFAULT_TICKETS, ProcessSpec};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;
use toml::Spanned;

/// Is the string literal at `span` written without escapes, so offsets inside it are exact?
fn is_plain_literal(c: &Checker, span: &Range<usize>, value: &str) -> bool {
    c.text.get(span.clone()) == Some(&format!("\"{value}\"")[..])
}

fn parse_steps(c: &Checker, list: &[Spanned<String>]) -> Result<Vec<(RawStep, Range<usize>)>> {
    list.iter()
        .map(|s| {
            let span = spanned(s);
            let plain = is_plain_literal(c, &span, s.get_ref());
            steps::parse(s.get_ref(), span.clone(), plain)
                .map(|step| (step, span))
                .map_err(|e| c.error(e.span, e.message, e.hint.unwrap_or_default()))
        })
        .collect()
}

/// Steps that run without further resolution: the ones images and processes share.
pub(super) fn simple_step(c: &mut Checker, step: &RawStep) -> Option<Step> {
    match step {
        RawStep::Cpu(ticks) => Some(Step::Cpu { ticks: *ticks }),
        RawStep::Io(device, ticks) => Some(Step::Io {
            device: c.device(&device.text),
            ticks: *ticks,
        }),
        RawStep::Sleep(ticks) => Some(Step::Sleep { ticks: *ticks }),
        RawStep::Exit(code) => Some(Step::Exit { code: *code }),
        _ => None,
    }
}

pub(super) type Images = Vec<(Arc<str>, Program)>;

pub(super) fn images(
    c: &mut Checker,
    programs: &std::collections::BTreeMap<Spanned<String>, Spanned<Vec<Spanned<String>>>>,
) -> Result<Images> {
    let mut out = Vec::new();
    for (name, list) in programs {
        check_name(c, name, "program")?;
        if list.get_ref().is_empty() {
            return Err(c.error(
                spanned(list),
                format!("program {} has no steps", name.get_ref()),
                "give it steps such as [\"cpu 2\", \"exit 0\"]",
            ));
        }
        let mut steps = Vec::new();
        for (raw, span) in parse_steps(c, list.get_ref())? {
            match simple_step(c, &raw) {
                Some(step) => steps.push(step),
                None => {
                    return Err(c.error(
                        span,
                        format!("program {} can't use this step", name.get_ref()),
                        "a program loaded by exec may only use cpu, io, sleep and exit steps",
                    ));
                }
            }
        }
        out.push((
            Arc::from(name.get_ref().as_str()),
            Program::Steps(steps.into()),
        ));
    }
    Ok(out)
}

/// A listed process on its way to becoming a spec.
pub(super) struct Draft<'a> {
    pub(super) entry: &'a Spanned<ProcessEntry>,
    pub(super) steps: Vec<(RawStep, Range<usize>)>,
}

pub(super) fn processes(
    c: &mut Checker,
    list: &[Spanned<ProcessEntry>],
    config: &KernelConfig,
    images: &Images,
) -> Result<(Vec<ProcessSpec>, Vec<ObjectSpec>)> {
    let mut index: HashMap<&str, SpecIndex> = HashMap::new();
    let mut drafts = Vec::new();
    for (i, entry) in list.iter().enumerate() {
        let p = entry.get_ref();
        check_name(c, &p.name, "process")?;
        let name = p.name.get_ref().as_str();
        if name == "init" {
            return Err(c.error(
                spanned(&p.name),
                "the name init is taken",
                "init is the process that adopts orphans; choose another name",
            ));
        }
        if let Some(&first) = index.get(name) {
            let (line, _) = c
                .diagnostic(
                    Severity::Error,
                    Some(spanned(&list[first as usize].get_ref().name)),
                    String::new(),
                    None,
                )
                .line_col()
                .unwrap_or((0, 0));
            return Err(c.error(
                spanned(&p.name),
                format!("duplicate process name \"{name}\""),
                format!("it is already used on line {line}; every process needs its own name"),
            ));
        }
        index.insert(name, i as SpecIndex);
        let steps = match (&p.burst, &p.program) {
            (Some(b), None) => {
                c.ticks(b, 1, "burst", "the CPU time of the process")?;
                Vec::new()
            }
            (None, Some(program)) => {
                if program.get_ref().is_empty() {
                    return Err(c.error(
                        spanned(program),
                        format!("process {name} has an empty program"),
                        "give it steps such as [\"cpu 4\", \"io disk 2\", \"cpu 1\"]",
                    ));
                }
                parse_steps(c, program.get_ref())?
            }
            (Some(b), Some(_)) => {
                return Err(c.error(
                    spanned(b),
                    format!("process {name} has both burst and program"),
                    "burst = N is short for program = [\"cpu N\"]; keep one of them",
                ));
            }
            (None, None) => {
                return Err(c.error(spanned(entry), format!("process {name} has nothing to run"), "add `burst = 5` (CPU ticks) or `program = [\"cpu 3\", \"io disk 2\", \"cpu 1\"]`"));
            }
        };
        drafts.push(Draft { entry, steps });
    }
    super::win_checks::check_created(c, &drafts, &index)?;
    check_forks(c, &drafts, &index)?;
    let objects = Declared::collect(c, &drafts)?;
    let mut specs = Vec::new();
    for (i, draft) in drafts.iter().enumerate() {
        let p = draft.entry.get_ref();
        let name = p.name.get_ref().as_str();
        let program = match &p.burst {
            Some(b) => Program::Burst(*b.get_ref() as u64),
            None => Program::Steps(
                resolve_steps(c, i as SpecIndex, draft, &drafts, &index, images, &objects)?.into(),
            ),
        };
        let forked_by = p.forked_by.as_ref().map(|f| index[f.get_ref().as_str()]);
        let arrival = match (&p.arrival, forked_by) {
            (Some(a), Some(_)) => {
                return Err(c.error(
                    spanned(a),
                    format!("{name} is created by a fork, so it has no arrival time"),
                    "remove arrival: the process appears when its parent forks it",
                ));
            }
            (Some(a), None) => c.ticks(
                a,
                0,
                "arrival",
                "the tick at which the process is submitted",
            )?,
            (None, _) => 0,
        };
        let memory = match &p.memory {
            Some(m) => {
                let size = c.small(
                    m,
                    0,
                    i64::from(u32::MAX / 2),
                    "memory",
                    "the memory units the process needs",
                )?;
                if let Some(total) = config.memory
                    && size > total
                {
                    return Err(c.error(
                        spanned(m),
                        format!("{name} needs {size} units of memory but the machine has {total}"),
                        "make it smaller, or raise memory under [kernel]",
                    ));
                }
                size
            }
            None => 0,
        };
        let tickets = match &p.tickets {
            Some(t) => c.small(
                t,
                1,
                MAX_TICKETS,
                "tickets",
                "the process's lottery tickets",
            )?,
            None => DEFAULT_TICKETS,
        };
        specs.push(ProcessSpec {
            order: i as SpecIndex,
            name: name.into(),
            arrival,
            priority: match &p.priority {
                Some(v) if !(-MAX_PRIORITY..=MAX_PRIORITY).contains(v.get_ref()) => {
                    return Err(c.error(
                        spanned(v),
                        format!("priority = {} is out of range", v.get_ref()),
                        format!("use a priority between -{MAX_PRIORITY} and {MAX_PRIORITY}"),
                    ));
                }
                Some(v) => Some(*v.get_ref()),
                None => forked_by.is_none().then_some(0),
            },
            program,
            memory,
            tickets,
            forked_by,
            cascade: p.cascade.unwrap_or(false),
        });
    }
    Ok((specs, objects.specs))
}

pub(super) fn lookup(
    c: &Checker,
    word: &Word,
    index: &HashMap<&str, SpecIndex>,
) -> Result<SpecIndex> {
    index.get(word.text.as_str()).copied().ok_or_else(|| {
        let hint = match did_you_mean(&word.text, index.keys().copied()) {
            Some(guess) => format!("did you mean {guess}?"),
            None => "name a process listed as [[process]] in this file".to_string(),
        };
        c.error(
            word.span.clone(),
            format!("no process named \"{}\"", word.text),
            hint,
        )
    })
}

/// Fork structure: every `forked_by` names a process that forks it exactly once, every
/// `fork` names a process created that way, and no process is its own ancestor.
fn check_forks(c: &Checker, drafts: &[Draft], index: &HashMap<&str, SpecIndex>) -> Result<()> {
    let name_of = |i: SpecIndex| drafts[i as usize].entry.get_ref().name.get_ref().as_str();
    let mut forked_at: Vec<Option<Range<usize>>> = vec![None; drafts.len()];
    for (i, draft) in drafts.iter().enumerate() {
        for (step, _) in &draft.steps {
            let Some(child) = step.child_made() else {
                continue;
            };
            let k = lookup(c, child, index)?;
            let entry = drafts[k as usize].entry.get_ref();
            match &entry.forked_by {
                Some(f) if f.get_ref() == name_of(i as SpecIndex) => {}
                Some(f) => {
                    return Err(c.error(
                        child.span.clone(),
                        format!(
                            "{} forks {}, but {} says forked_by = \"{}\"",
                            name_of(i as SpecIndex),
                            child.text,
                            child.text,
                            f.get_ref()
                        ),
                        format!(
                            "set forked_by = \"{}\" on {}, or fork it from {}",
                            name_of(i as SpecIndex),
                            child.text,
                            f.get_ref()
                        ),
                    ));
                }
                None => {
                    return Err(c.error(
                        child.span.clone(),
                        format!("{} is not created by a fork", child.text),
                        format!(
                            "add forked_by = \"{}\" to process {}",
                            name_of(i as SpecIndex),
                            child.text
                        ),
                    ));
                }
            }
            if forked_at[k as usize].is_some() {
                return Err(c.error(
                    child.span.clone(),
                    format!("{} is forked more than once", child.text),
                    "each [[process]] is one process; list another process for a second child",
                ));
            }
            forked_at[k as usize] = Some(child.span.clone());
        }
    }
    for (k, draft) in drafts.iter().enumerate() {
        let Some(parent) = &draft.entry.get_ref().forked_by else {
            continue;
        };
        let Some(&p) = index.get(parent.get_ref().as_str()) else {
            let word = Word {
                text: parent.get_ref().clone(),
                span: spanned(parent),
            };
            lookup(c, &word, index)?;
            continue;
        };
        if p as usize == k {
            return Err(c.error(
                spanned(parent),
                format!("{} can't fork itself", parent.get_ref()),
                "forked_by names the parent process",
            ));
        }
        // Walk up the ancestors: a cycle means none of them is ever created.
        let mut seen = vec![k as SpecIndex];
        let mut up = Some(p);
        while let Some(a) = up {
            if seen.contains(&a) {
                return Err(c.error(
                    spanned(parent),
                    format!(
                        "forked_by makes a cycle: {} is its own ancestor",
                        name_of(k as SpecIndex)
                    ),
                    "a chain of forked_by must end at a process that arrives on its own",
                ));
            }
            seen.push(a);
            up = drafts[a as usize]
                .entry
                .get_ref()
                .forked_by
                .as_ref()
                .and_then(|f| index.get(f.get_ref().as_str()).copied());
        }
        if forked_at[k].is_none() {
            return Err(c.error(
                spanned(parent),
                format!(
                    "{} never forks {}",
                    parent.get_ref(),
                    name_of(k as SpecIndex)
                ),
                format!(
                    "add \"fork {}\" to {}'s program",
                    name_of(k as SpecIndex),
                    parent.get_ref()
                ),
            ));
        }
    }
    Ok(())
}
