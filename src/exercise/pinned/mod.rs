//! Exercises pinned in files (`exercises/*.toml`): an id, a kind, a title, the questions, and
//! the problem — written out (`[kernel]` and `[[process]]`, or a fork `program`) or drawn by a
//! `[generate]` table from a seed. Loading checks everything, down to every asked answer being
//! computable, so that a file that loads can always be shown, solved and graded.

mod messages;
mod written;

use super::error::{ExerciseError, Source, read_text};
use super::field::{self, Field, ProcessField};
use super::options::{Options, Params};
use super::{Exercise, Kind, Solution, expected};
use crate::scenario::error::{did_you_mean, one_of_hint};
use serde::Deserialize;
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
        if generated
            && matches!(
                field,
                Field::Process(_, ProcessField::Sent | ProcessField::Received)
            )
        {
            return Err(src.error(
                Some(item.span()),
                "which processes send and which receive differs from seed to seed",
                "leave out ask to ask every process's answers, ask blocked, or write the problem out",
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
        let (generate, mut exercise) = written::problem(&src, &f, kind)?;
        exercise.id = Some(id.clone());
        exercise.title = title.to_string();
        exercise.description = f.description.clone().unwrap_or_default().trim().to_string();
        exercise.ask = ask(&src, &f, &exercise, generate.is_some())?;
        let solution = exercise.solve()?;
        if let (Kind::Messages, None, Solution::Run(run)) = (kind, &generate, &solution) {
            messages::check_run(&src, &f.processes, run)?;
        }
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
                 generate one (sched, fork, states, messages)",
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
