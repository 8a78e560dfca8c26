//! Exercises pinned in files (`exercises/*.toml`): an id, a kind, a title, the questions, and
//! the problem — written out (`[kernel]` and `[[process]]`, or a fork `program`) or drawn by a
//! `[generate]` table from a seed. Loading checks everything, down to every asked answer being
//! computable, so that a file that loads can always be shown, solved and graded.

use super::error::{ExerciseError, Source, read_text};
use super::field::{self, Field, RESERVED};
use super::options::{OptionError, Options, Params};
use super::workload::{Burst, Job, Machine, Workload, policy, uses_quantum};
use super::{Exercise, ForkProgram, Kind, Problem, Solution, expected};
use crate::scenario::error::{did_you_mean, one_of_hint};
use crate::scenario::steps::{self, RawStep};
use serde::Deserialize;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    id: Spanned<String>,
    kind: Spanned<String>,
    title: Spanned<String>,
    description: Option<String>,
    ask: Option<Spanned<Vec<Spanned<String>>>>,
    seed: Option<Spanned<i64>>,
    generate: Option<Spanned<Options>>,
    kernel: Option<Spanned<KernelTable>>,
    #[serde(default, rename = "process")]
    processes: Vec<Spanned<ProcessTable>>,
    program: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KernelTable {
    scheduler: Spanned<String>,
    quantum: Option<Spanned<i64>>,
    context_switch: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProcessTable {
    name: Spanned<String>,
    arrival: Option<Spanned<i64>>,
    burst: Option<Spanned<i64>>,
    priority: Option<Spanned<i64>>,
    program: Option<Spanned<Vec<Spanned<String>>>>,
}

/// An exercise file, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pinned {
    /// Where it was read from.
    pub path: String,
    /// The exercise, at the file's own seed for a generated one.
    pub exercise: Exercise,
    /// The generator, for a `[generate]` exercise (one variant per seed).
    generate: Option<Params>,
}

type Result<T> = std::result::Result<T, ExerciseError>;

fn number(src: &Source, v: &Spanned<i64>, key: &str, range: (i64, i64)) -> Result<i64> {
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

fn check_name(src: &Source, name: &Spanned<String>) -> Result<()> {
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

fn program(src: &Source, steps_list: &Spanned<Vec<Spanned<String>>>) -> Result<Vec<Burst>> {
    if steps_list.get_ref().is_empty() {
        return Err(src.error(
            Some(steps_list.span()),
            "the program is empty",
            "list its steps, such as [\"cpu 3\", \"io disk 2\", \"cpu 1\"]",
        ));
    }
    let mut out = Vec::new();
    for step in steps_list.get_ref() {
        let span = step.span();
        let literal = content_start(&src.text, &span, step.get_ref()).is_some();
        let raw = steps::parse(step.get_ref(), span.clone(), literal)
            .map_err(|e| src.error(Some(e.span), e.message, e.hint.unwrap_or_default()))?;
        let burst = match raw {
            RawStep::Cpu(t) if t <= 1000 => Burst::Cpu(t),
            RawStep::Io(device, t) if t <= 1000 => Burst::Io {
                device: device.text,
                ticks: t,
            },
            RawStep::Cpu(_) | RawStep::Io(..) => {
                return Err(src.error(
                    Some(span),
                    "a step of an exercise lasts at most 1000 ticks",
                    "use shorter steps",
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
        out.push(burst);
    }
    Ok(out)
}

fn jobs(src: &Source, kind: Kind, list: &[Spanned<ProcessTable>]) -> Result<Vec<Job>> {
    let mut jobs: Vec<Job> = Vec::new();
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
        let program = match (kind, &p.burst, &p.program) {
            (Kind::Sched, Some(b), None) => {
                vec![Burst::Cpu(number(src, b, "burst", (1, 1000))? as u64)]
            }
            (Kind::States, None, Some(steps)) => program(src, steps)?,
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
                return Err(src.error(
                    Some(span),
                    "a process of a states exercise has a program",
                    "write `program = [\"cpu 3\", \"io disk 2\", \"cpu 1\"]`",
                ));
            }
        };
        jobs.push(Job {
            name: p.name.get_ref().clone(),
            arrival,
            priority,
            program,
        });
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
fn problem(src: &Source, f: &File, kind: Kind) -> Result<(Option<Params>, Exercise)> {
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
        Kind::Sched | Kind::States => {
            let w = Workload {
                machine: machine(src, f.kernel.as_ref())?,
                jobs: jobs(src, kind, &f.processes)?,
            };
            if kind == Kind::Sched {
                Problem::Sched(w)
            } else {
                Problem::States(w)
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

/// The `ask` list as fields, each checked against what the exercise can answer.
fn ask(src: &Source, f: &File, e: &Exercise, generated: bool) -> Result<Vec<Field>> {
    let Some(list) = &f.ask else {
        return Ok(Vec::new());
    };
    if list.get_ref().is_empty() {
        return Err(src.error(
            Some(list.span()),
            "ask is empty",
            "name the answers to ask for, or leave ask out to ask the usual ones",
        ));
    }
    let fields = e.fields();
    let mut out: Vec<Field> = Vec::new();
    for item in list.get_ref() {
        let field = field::find(&fields, item.get_ref()).map_err(|guess| {
            let hint = match guess {
                Some(g) => format!("did you mean {g}?"),
                None => "see the fields of each kind in docs/exercise-format.md".into(),
            };
            src.error(
                Some(item.span()),
                format!("this exercise has no answer {:?}", item.get_ref()),
                hint,
            )
        })?;
        if out.contains(field) {
            return Err(src.error(
                Some(item.span()),
                format!("{field} is asked twice"),
                "remove one",
            ));
        }
        if generated && matches!(field, Field::Output(_)) {
            return Err(src.error(
                Some(item.span()),
                "the lines of a generated program differ from seed to seed",
                "ask processes, lines or orders, or write the program out",
            ));
        }
        out.push(field.clone());
    }
    Ok(out)
}

impl Pinned {
    /// Reads and checks an exercise file.
    pub fn load(path: &Path) -> Result<Pinned> {
        let text = read_text(path)?;
        Pinned::parse(&path.display().to_string(), &text)
    }

    /// Parses and checks exercise text; `path` is only used in messages.
    pub fn parse(path: &str, text: &str) -> Result<Pinned> {
        let src = Source::new(path, text);
        let f: File = toml::from_str(text).map_err(|e| src.toml_error(&e))?;
        let id = f.id.get_ref();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(src.error(
                Some(f.id.span()),
                format!("{id:?} is not a usable id"),
                "use lowercase letters, digits and dashes, such as fcfs-convoy",
            ));
        }
        let names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
        let kind = Kind::parse(f.kind.get_ref()).ok_or_else(|| {
            src.error(
                Some(f.kind.span()),
                format!("unknown kind {:?}", f.kind.get_ref()),
                one_of_hint(f.kind.get_ref(), &names),
            )
        })?;
        let title = f.title.get_ref().trim();
        if title.is_empty() {
            return Err(src.error(
                Some(f.title.span()),
                "the title is empty",
                "give the exercise a one-line title",
            ));
        }
        let (generate, mut exercise) = problem(&src, &f, kind)?;
        exercise.id = Some(id.clone());
        exercise.title = title.to_string();
        exercise.description = f.description.clone().unwrap_or_default().trim().to_string();
        exercise.ask = ask(&src, &f, &exercise, generate.is_some())?;
        let solution = exercise.solve()?;
        if let Some(list) = &f.ask {
            for (field, item) in exercise.ask.iter().zip(list.get_ref()) {
                if expected::expected(&solution, field).is_none() {
                    return Err(src.error(
                        Some(item.span()),
                        format!("{field} cannot be computed for this exercise"),
                        "the possible outputs are too many to count (or to search); ask something else",
                    ));
                }
            }
        }
        Ok(Pinned {
            path: path.to_string(),
            exercise,
            generate,
        })
    }

    /// The exercise's id.
    pub fn id(&self) -> &str {
        self.exercise.id.as_deref().unwrap_or_default()
    }

    /// The worked answers (of the file's own seed, for a generated exercise).
    pub fn solve(&self) -> Result<Solution> {
        self.exercise.solve()
    }

    /// True if the problem is drawn from a seed, so that each seed gives a variant.
    pub fn is_generated(&self) -> bool {
        self.generate.is_some()
    }

    /// The variant of a generated exercise for `seed`, with the same questions.
    pub fn variant(&self, seed: u64) -> Result<Exercise> {
        let Some(params) = &self.generate else {
            return Err(ExerciseError::usage(
                format!(
                    "{} writes its problem out, so it has no variants",
                    self.id()
                ),
                "--seed and seed = … apply only to exercises with a [generate] table",
            ));
        };
        let mut e = Exercise::generate(params, seed);
        e.id = self.exercise.id.clone();
        e.title = self.exercise.title.clone();
        e.description = self.exercise.description.clone();
        e.ask = self.exercise.ask.clone();
        Ok(e)
    }
}

/// Every exercise file (`*.toml`) directly in `dir`, checked, sorted by file name. Fails on the
/// first invalid file, or on two files with the same id.
pub fn list_dir(dir: &Path) -> Result<Vec<Pinned>> {
    let entries = std::fs::read_dir(dir).map_err(|source| ExerciseError::Read {
        path: dir.display().to_string(),
        source,
    })?;
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    let mut out: Vec<Pinned> = Vec::new();
    for path in paths {
        let pinned = Pinned::load(&path)?;
        if let Some(other) = out.iter().find(|p| p.id() == pinned.id()) {
            let text = read_text(&path)?;
            let src = Source::new(&path.display().to_string(), &text);
            let at = text.find(&format!("{:?}", pinned.id()));
            return Err(src.error(
                at.map(|a| a..a + pinned.id().len() + 2),
                format!("the id {:?} is already used by {}", pinned.id(), other.path),
                "give every exercise its own id",
            ));
        }
        out.push(pinned);
    }
    Ok(out)
}

/// An exercise by path, or by id among the files in `dir`.
pub fn find(name: &str, dir: &Path) -> Result<Pinned> {
    let path = Path::new(name);
    if path.exists() || name.ends_with(".toml") {
        return Pinned::load(path);
    }
    if !dir.is_dir() {
        return Err(ExerciseError::usage(
            format!("no exercise file or id {name:?}"),
            format!(
                "there is no {} folder here: give the path to an exercise file, or a kind to \
                 generate one (sched, fork, states)",
                dir.display()
            ),
        ));
    }
    let direct = dir.join(format!("{name}.toml"));
    if direct.exists() {
        let p = Pinned::load(&direct)?;
        if p.id() == name {
            return Ok(p);
        }
    }
    let all = list_dir(dir)?;
    if let Some(p) = all.iter().find(|p| p.id() == name) {
        return Ok(p.clone());
    }
    let ids: Vec<&str> = all.iter().map(Pinned::id).collect();
    let hint = match did_you_mean(name, ids.iter().copied()) {
        Some(g) => format!("did you mean {g}?"),
        None if ids.is_empty() => format!("{} has no exercises", dir.display()),
        None => format!("the exercises in {} are: {}", dir.display(), ids.join(", ")),
    };
    Err(ExerciseError::usage(
        format!("no exercise file or id {name:?}"),
        hint,
    ))
}
