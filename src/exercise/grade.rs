//! Grading: each asked field of an answers file against the solution, right or wrong, and for
//! each wrong or missing one the right answer and why, from the run. Keys the exercise does not
//! have are errors that point at the key, with a did-you-mean.

use super::answers::{Answers, Entry, Given};
use super::error::ExerciseError;
use super::expected::and_list;
use super::expected::{Expected, TOLERANCE, expected, explain};
use super::field::{Field, ProcessField};
use super::messages::{calls, entries};
use super::states::{STATE_NAMES, StateAt};
use super::workload::RunSolution;
use super::{Exercise, Solution};
use crate::kernel::state::State;
use crate::scenario::error::did_you_mean;
use serde::Serialize;
use serde_json::{Value, json};
use std::fmt::Write;

/// The grade of one asked field.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldResult {
    /// The field.
    pub field: Field,
    /// True if the answer is right.
    pub right: bool,
    /// The answer as the student wrote it; `None` if not answered.
    pub answer: Option<String>,
    /// The right answer.
    pub expected: Expected,
    /// Why the right answer is right (for a wrong or missing answer, where it went wrong).
    pub explanation: String,
}

/// The grade of a whole answers file.
#[derive(Clone, Debug, PartialEq)]
pub struct Grade {
    /// The exercise's id (or title, for a generated one).
    pub exercise: String,
    /// The variant graded, for a generated exercise.
    pub seed: Option<u64>,
    /// The answers file.
    pub answers: String,
    /// One result per asked field, in the order asked.
    pub results: Vec<FieldResult>,
    /// Fields answered that the exercise does not ask (not graded).
    pub not_asked: Vec<Field>,
}

type Result<T> = std::result::Result<T, ExerciseError>;

/// Words students use for a state, and proclab's name for it.
const STATE_SYNONYMS: [(&str, &str); 8] = [
    ("blocked", "waiting"),
    ("block", "waiting"),
    ("sleeping", "waiting"),
    ("run", "running"),
    ("executing", "running"),
    ("exit", "terminated"),
    ("exited", "terminated"),
    ("done", "terminated"),
];

/// The field an answer names, or an error at the misspelt table or key.
fn resolve(answers: &Answers, fields: &[Field], e: &Entry) -> Result<Field> {
    if let Some(f) = fields
        .iter()
        .find(|f| f.place() == (e.table.as_deref(), &e.key))
    {
        return Ok(f.clone());
    }
    let keys_of = |table: Option<&str>| -> Vec<&str> {
        let mut keys: Vec<&str> = fields
            .iter()
            .filter(|f| f.place().0 == table)
            .map(|f| f.place().1)
            .collect();
        if table.is_none() {
            keys.extend(["exercise", "seed"]);
        }
        keys
    };
    let hint =
        |word: &str, candidates: &[&str]| match did_you_mean(word, candidates.iter().copied()) {
            Some(g) => format!("did you mean {g}?"),
            None if candidates.is_empty() => String::new(),
            None => format!("expected one of {}", candidates.join(", ")),
        };
    let mut tables: Vec<&str> = Vec::new();
    for t in fields.iter().filter_map(|f| f.place().0) {
        if !tables.contains(&t) {
            tables.push(t);
        }
    }
    let table_list = tables
        .iter()
        .map(|t| format!("[{t}]"))
        .collect::<Vec<_>>()
        .join(", ");
    match &e.table {
        None if tables.contains(&e.key.as_str()) => Err(answers.error(
            e.key_span.clone(),
            format!("{} is a table", e.key),
            format!("write its answers under [{}]", e.key),
        )),
        None => {
            let keys = keys_of(None);
            let guess = did_you_mean(&e.key, keys.iter().chain(&tables).copied());
            let hint = match guess {
                Some(g) => format!("did you mean {g}?"),
                None => format!(
                    "the top-level fields are {}; the tables are {table_list}",
                    keys.join(", ")
                ),
            };
            Err(answers.error(
                e.key_span.clone(),
                format!("unknown field `{}`", e.key),
                hint,
            ))
        }
        Some(table) if keys_of(Some(table)).is_empty() => Err(answers.error(
            e.table_span.clone().unwrap_or(e.key_span.clone()),
            format!("unknown table [{table}]"),
            format!("this exercise's tables are {table_list}"),
        )),
        Some(table) => {
            let keys = keys_of(Some(table));
            // A process of a messages exercise that only sends has no `received`, and the other
            // way round: say so rather than list the keys.
            let missing_call = match e.key.as_str() {
                "received" => Some("receive"),
                "sent" => Some("send"),
                _ => None,
            };
            let hint = match missing_call {
                Some(call) if keys.contains(&"blocked") => format!(
                    "{table} makes no {call} call; its answers are {}",
                    keys.join(", ")
                ),
                _ => hint(&e.key, &keys),
            };
            Err(answers.error(
                e.key_span.clone(),
                format!("unknown field `{}` in [{table}]", e.key),
                hint,
            ))
        }
    }
}

/// A `states` answer as (state, time) entries, or an error at the entry that is not one.
fn given_states(
    answers: &Answers,
    items: &[(String, std::ops::Range<usize>)],
) -> Result<Vec<StateAt>> {
    items
        .iter()
        .map(|(text, span)| {
            let words: Vec<&str> = text.split_whitespace().filter(|w| *w != "at").collect();
            let bad = |message: String, hint: String| answers.error(span.clone(), message, hint);
            let [state, time] = words.as_slice() else {
                return Err(bad(
                    format!("{text:?} is not a state and a time"),
                    "write \"STATE TIME\", such as \"ready 4\"".into(),
                ));
            };
            let lower = state.to_ascii_lowercase();
            let Some(name) = STATE_NAMES.iter().find(|n| **n == lower) else {
                let hint = match STATE_SYNONYMS.iter().find(|(w, _)| *w == lower) {
                    Some((_, n)) => format!("proclab calls it {n}"),
                    None => match did_you_mean(&lower, STATE_NAMES) {
                        Some(g) => format!("did you mean {g}?"),
                        None => format!("the states are {}", STATE_NAMES.join(", ")),
                    },
                };
                return Err(bad(format!("unknown state {state:?}"), hint));
            };
            let time = time.parse::<u64>().map_err(|_| {
                bad(
                    format!("{time:?} is not a time"),
                    "write the tick as a whole number, such as \"ready 4\"".into(),
                )
            })?;
            Ok(StateAt { state: name, time })
        })
        .collect()
}

/// What kept a process from running between `from` and `to`: the other processes the CPUs
/// ran then, from the Gantt chart.
fn kept_off(run: &RunSolution, name: &str, from: u64, to: u64) -> String {
    use crate::report::gantt::Kind as Block;
    let names = &run.report.names;
    let me = run.pid(name);
    let busy: Vec<String> = run
        .report
        .gantt
        .iter()
        .flatten()
        .filter(|b| b.start < to && b.end > from && b.kind != Block::Idle)
        .filter_map(|b| {
            let (start, end) = (b.start.max(from), b.end.min(to));
            match b.kind {
                Block::Run if b.pid != me => {
                    let who = crate::kernel::Names::process(names, b.pid?);
                    Some(format!("{who} from {start} to {end}"))
                }
                Block::Switch => Some(format!("a context switch from {start} to {end}")),
                _ => None,
            }
        })
        .collect();
    if busy.is_empty() {
        return String::new();
    }
    let refs: Vec<&str> = busy.iter().map(String::as_str).collect();
    format!(
        " (ready since {from}, it waits while the CPU runs {})",
        and_list(&refs)
    )
}

/// For a wrong states answer: the first entry that differs, and what happened there.
fn states_difference(
    solution: &Solution,
    name: &str,
    given: &[StateAt],
    right: &[StateAt],
) -> String {
    let i = given
        .iter()
        .zip(right)
        .position(|(g, r)| g != r)
        .unwrap_or(given.len().min(right.len()));
    let why = |i: usize| match solution {
        Solution::Run(run) => run
            .transitions(name)
            .get(i)
            .map(|t| {
                let from = t.from.map_or("-".to_string(), |f| f.to_string());
                let mut s = format!(
                    ": at {}, {from} → {}: {}",
                    t.time,
                    t.to,
                    t.reason.describe(&run.report.names)
                );
                if t.to == State::Running && i > 0 {
                    s.push_str(&kept_off(run, name, right[i - 1].time, t.time));
                }
                s
            })
            .unwrap_or_default(),
        Solution::Fork(_) => String::new(),
    };
    match (given.get(i), right.get(i)) {
        (Some(g), Some(r)) => format!(
            "entry {}: you wrote \"{g}\", it is \"{r}\"{}",
            i + 1,
            why(i)
        ),
        (None, Some(r)) => format!("entry {} is missing: \"{r}\"{}", i + 1, why(i)),
        (Some(g), None) => format!(
            "entry {}: \"{g}\" is one too many: {name} ends with \"{}\"",
            i + 1,
            right.last().map(ToString::to_string).unwrap_or_default()
        ),
        (None, None) => String::new(),
    }
}

/// Grades `answers` against the solution of `exercise`.
pub fn grade(exercise: &Exercise, solution: &Solution, answers: &Answers) -> Result<Grade> {
    if let (Some(wrote), Some(id)) = (&answers.exercise, &exercise.id)
        && wrote.get_ref() != id
    {
        return Err(answers.error(
            wrote.span(),
            format!("these answers are for {:?}, not {id:?}", wrote.get_ref()),
            "grade them against the exercise they answer, or correct `exercise`",
        ));
    }
    if let Some(seed) = &answers.seed
        && exercise.seed != Some(*seed.get_ref())
    {
        let message = match exercise.seed {
            Some(s) => format!("these answers are for seed {}, not {s}", seed.get_ref()),
            None => "this exercise is not drawn from a seed".to_string(),
        };
        return Err(answers.error(seed.span(), message, "correct or remove `seed`"));
    }
    let fields = exercise.fields();
    let mut given: Vec<(Field, &Entry)> = Vec::new();
    for e in &answers.entries {
        let field = resolve(answers, &fields, e)?;
        match (&e.value, &field) {
            (Given::List(_), f) if !f.is_list() => {
                return Err(answers.error(
                    e.value_span.clone(),
                    format!("{} is a number", field.label()),
                    "write it without brackets or quotes",
                ));
            }
            (Given::Number(_), Field::Process(_, f)) if f.is_list() => {
                let (what, example) = match f {
                    ProcessField::States => ("states", "[\"new 0\", \"ready 0\", …]"),
                    f => ("entries", entries::placeholder(*f)),
                };
                return Err(answers.error(
                    e.value_span.clone(),
                    format!("{} is a list of {what}", field.label()),
                    format!("write it as {example}"),
                ));
            }
            _ => {}
        }
        given.push((field, e));
    }
    let asked = exercise.asked();
    let mut results = Vec::new();
    for field in &asked {
        let Some(right) = expected(solution, field) else {
            continue;
        };
        let entry = given.iter().find(|(f, _)| f == field).map(|(_, e)| *e);
        let written = entry.map(|e| answers.source.text[e.value_span.clone()].to_string());
        let why = explain(solution, field);
        let (ok, explanation) = match (entry.map(|e| &e.value), &right) {
            (None, _) => (
                false,
                format!("not answered; it is {}: {why}", right.show()),
            ),
            (Some(Given::Number(n)), Expected::Count(c)) => {
                let ok = (n - *c as f64).abs() < 1e-9;
                (
                    ok,
                    format!(
                        "you wrote {}, it is {c}: {why}",
                        written.clone().unwrap_or_default()
                    ),
                )
            }
            (Some(Given::Number(n)), Expected::Mean(parts)) => {
                let ok = (n - Expected::mean(parts)).abs() <= TOLERANCE + 1e-9;
                (
                    ok,
                    format!(
                        "you wrote {}, it is {}: {why} (answers within {TOLERANCE} of it count as right)",
                        written.clone().unwrap_or_default(),
                        right.show()
                    ),
                )
            }
            (Some(Given::List(items)), Expected::Entries(right)) => {
                let Field::Process(name, f) = field else {
                    continue;
                };
                let mine = items
                    .iter()
                    .map(|(text, span)| {
                        entries::read(*f, text)
                            .map_err(|e| answers.error(span.clone(), e.message, e.hint))
                    })
                    .collect::<Result<Vec<String>>>()?;
                let explanation = match solution {
                    Solution::Run(run) => calls::difference(run, name, *f, &mine),
                    Solution::Fork(_) => String::new(),
                };
                (&mine == right, explanation)
            }
            (Some(Given::List(items)), Expected::States(states)) => {
                let mine = given_states(answers, items)?;
                let ok = &mine == states;
                let name = match field {
                    Field::Process(name, _) => name.as_str(),
                    _ => "",
                };
                (ok, states_difference(solution, name, &mine, states))
            }
            _ => (false, why),
        };
        results.push(FieldResult {
            field: field.clone(),
            right: ok,
            answer: written,
            expected: right,
            explanation,
        });
    }
    let not_asked = given
        .iter()
        .filter(|(f, _)| !asked.contains(f))
        .map(|(f, _)| f.clone())
        .collect();
    Ok(Grade {
        exercise: exercise.id.clone().unwrap_or(exercise.title.clone()),
        seed: exercise.seed,
        answers: answers.path().to_string(),
        results,
        not_asked,
    })
}

impl Grade {
    /// True if every asked field is right.
    pub fn all_right(&self) -> bool {
        self.results.iter().all(|r| r.right)
    }

    /// How many asked fields are right.
    pub fn right(&self) -> usize {
        self.results.iter().filter(|r| r.right).count()
    }

    /// The grade as text: a line per field, then the count.
    pub fn text(&self) -> String {
        let variant = self.seed.map(|s| format!(", seed {s}")).unwrap_or_default();
        let mut out = format!(
            "Grading {} for {}{variant}\n\n",
            self.answers, self.exercise
        );
        for r in &self.results {
            let label = r.field.label();
            if r.right {
                let _ = writeln!(
                    out,
                    "  right  {label} = {}",
                    r.answer.as_deref().unwrap_or("")
                );
            } else {
                let _ = writeln!(out, "  wrong  {label}: {}", r.explanation);
            }
        }
        for f in &self.not_asked {
            let _ = writeln!(
                out,
                "  note   {} is not asked, so it is not graded",
                f.label()
            );
        }
        let _ = writeln!(out, "\n{} of {} right.", self.right(), self.results.len());
        out
    }

    /// The grade as JSON.
    pub fn json(&self) -> String {
        #[derive(Serialize)]
        struct FieldJson<'a> {
            field: String,
            right: bool,
            answer: Option<&'a str>,
            expected: Value,
            explanation: &'a str,
        }
        #[derive(Serialize)]
        struct GradeJson<'a> {
            exercise: &'a str,
            seed: Option<u64>,
            answers: &'a str,
            right: usize,
            total: usize,
            fields: Vec<FieldJson<'a>>,
            not_asked: Vec<String>,
        }
        let fields = self
            .results
            .iter()
            .map(|r| FieldJson {
                field: r.field.to_string(),
                right: r.right,
                answer: r.answer.as_deref(),
                expected: match &r.expected {
                    Expected::Count(n) => json!(n),
                    Expected::Mean(parts) => json!(Expected::mean(parts)),
                    Expected::States(s) => {
                        json!(s.iter().map(ToString::to_string).collect::<Vec<_>>())
                    }
                    Expected::Entries(e) => json!(e),
                },
                explanation: &r.explanation,
            })
            .collect();
        let doc = GradeJson {
            exercise: &self.exercise,
            seed: self.seed,
            answers: &self.answers,
            right: self.right(),
            total: self.results.len(),
            fields,
            not_asked: self.not_asked.iter().map(ToString::to_string).collect(),
        };
        let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        text.push('\n');
        text
    }
}

#[cfg(test)]
mod tests;
