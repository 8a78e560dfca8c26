//! From the file's shape to a lesson: checks every key, loads the scenario, resolves every
//! step's move to a step of the run and computes every answer there.

use super::file::{BenchEntry, ChoicesEntry, LessonFile, QuestionEntry, ScenarioRef};
use super::go::{self, Go};
use super::measure::{self, Bench, Measured};
use super::mechanisms;
use super::query::{self, Moment, Query, Value};
use super::question::{Choices, Question};
use super::words::{STATE_WORDS, Words};
use super::{Lesson, Step, invalid};
use crate::replay::Replay;
use crate::report::{self, Options};
use crate::scenario::error::did_you_mean;
use crate::scenario::{Scenario, ScenarioError, bundled};
use std::path::Path;
use std::sync::Arc;
use toml::Spanned;

/// A part of the screen a step can draw attention to.
#[derive(Copy, Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Highlight {
    /// The process table (PCBs).
    Processes,
    /// The state diagram.
    States,
    /// The job, ready and device queues.
    Queues,
    /// The Gantt chart.
    Gantt,
    /// The real kernel's pane.
    Real,
    /// The event log.
    Log,
    /// The table a `bench` step measured.
    Measured,
}

const HIGHLIGHTS: [(&str, Highlight); 7] = [
    ("processes", Highlight::Processes),
    ("states", Highlight::States),
    ("queues", Highlight::Queues),
    ("gantt", Highlight::Gantt),
    ("real", Highlight::Real),
    ("log", Highlight::Log),
    ("measured", Highlight::Measured),
];

impl Highlight {
    /// Its name in a lesson file.
    pub fn name(self) -> &'static str {
        HIGHLIGHTS[self as usize].0
    }
}

/// Ids are what progress is kept under: plain words joined by dashes.
fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

pub(super) fn resolve(
    file: LessonFile,
    path: Arc<str>,
    text: Arc<str>,
    dir: Option<&Path>,
) -> Result<Lesson, ScenarioError> {
    let err = |span: std::ops::Range<usize>, message: String, hint: Option<String>| {
        invalid(&path, &text, span, message, hint)
    };
    if !valid_id(file.id.get_ref()) {
        return Err(err(
            file.id.span(),
            format!("`id = {:?}` is not a valid lesson id", file.id.get_ref()),
            Some("use lower-case letters, digits and dashes, e.g. `id = \"process-states\"`; keep it stable, progress is kept under it".into()),
        ));
    }
    let scenario = load_scenario(&file.scenario, dir, &err)?;
    if file.steps.is_empty() {
        return Err(err(
            0..0,
            "the lesson has no steps".into(),
            Some("add a `[[step]]` with at least `text = \"…\"`".into()),
        ));
    }
    let words = Words::of(&scenario);
    let full = report::run(&scenario, Options::default());
    let mut replay = Replay::new(&scenario);
    let end = replay.steps();
    let mut at = 0u64;
    let measures = file.steps.iter().any(|s| s.get_ref().bench.is_some());
    let mut steps: Vec<Step> = Vec::new();
    for entry in file.steps {
        let entry = entry.into_inner();
        let bench = match &entry.bench {
            Some(b) if steps.iter().any(|s| s.bench.is_some()) => {
                return Err(err(
                    b.span(),
                    "a lesson measures once, and an earlier step measures already".into(),
                    Some("later questions can all use that step's table".into()),
                ));
            }
            Some(b) => Some(bench(b.get_ref(), &err)?),
            None => None,
        };
        let measured = bench
            .clone()
            .or_else(|| steps.iter().find_map(|s| s.bench.clone()));
        let go = match &entry.go {
            Some(g) => Go::parse(g.get_ref(), &words)
                .map_err(|m| err(g.span(), m, Some(format!("`go` is one of: {}", go::FORMS))))?,
            None => Go::Stay,
        };
        let from = at;
        at = step_after(&go, from, &mut replay).map_err(|m| {
            let span = entry.go.as_ref().map_or(entry.text.span(), Spanned::span);
            err(
                span,
                m,
                Some(format!(
                    "the run has {end} steps and ends at time {}",
                    replay.timeline().time_at(end)
                )),
            )
        })?;
        let mut highlight = Vec::new();
        for h in &entry.highlight {
            match HIGHLIGHTS.iter().find(|(n, _)| n == h.get_ref()) {
                Some((_, Highlight::Measured)) if !measures => {
                    return Err(err(
                        h.span(),
                        "`measured` points at the table of a measurement, but no step of this lesson measures".into(),
                        Some("add `bench = { rounds = 500, size = \"8M\" }` to the step that should measure".into()),
                    ));
                }
                Some((_, pane)) => highlight.push(*pane),
                None => {
                    let names = HIGHLIGHTS.map(|(n, _)| n);
                    let hint = did_you_mean(h.get_ref(), names).map_or_else(
                        || format!("panes are {}", names.join(", ")),
                        |n| format!("did you mean `{n}`?"),
                    );
                    return Err(err(
                        h.span(),
                        format!("`{}` is not a pane", h.get_ref()),
                        Some(hint),
                    ));
                }
            }
        }
        if let Some(q) = entry.question.as_ref().filter(|q| q.get_ref().predict)
            && from == at
        {
            return Err(err(
                q.span(),
                "`predict = true`, but the step does not move the simulation: there is nothing to predict".into(),
                Some("give the step a `go` (e.g. `go = \"next\"`), or drop `predict`".into()),
            ));
        }
        replay.goto(at);
        let question = match entry.question {
            Some(q) => {
                let span = q.span();
                let at = Here {
                    words: &words,
                    replay: &replay,
                    full: &full,
                    bench: measured.as_ref(),
                };
                Some(question(q.into_inner(), span, &at, &err)?)
            }
            None => None,
        };
        steps.push(Step {
            title: entry.title,
            text: entry.text.into_inner(),
            go,
            highlight,
            question,
            bench,
            from,
            at,
            time: replay.timeline().time_at(at),
        });
    }
    Ok(Lesson {
        id: file.id.into_inner(),
        title: file.title.into_inner(),
        order: file.order.map_or(i64::MAX, Spanned::into_inner),
        summary: file.summary.unwrap_or_default().trim().to_string(),
        path,
        scenario,
        steps,
    })
}

/// The scenario named by the lesson: a bundled id, a path next to the lesson, or inline.
fn load_scenario(
    entry: &Spanned<ScenarioRef>,
    dir: Option<&Path>,
    err: &impl Fn(std::ops::Range<usize>, String, Option<String>) -> ScenarioError,
) -> Result<Scenario, ScenarioError> {
    match entry.get_ref() {
        ScenarioRef::Named(name) => {
            if let Some(text) = bundled::find(name) {
                let id = name
                    .trim_end_matches(".toml")
                    .trim_start_matches("scenarios/");
                return Scenario::parse(&format!("scenarios/{id}.toml"), text);
            }
            if let Some(dir) = dir {
                let file = dir.join(name);
                if file.exists() {
                    return Scenario::load(&file);
                }
            }
            let ids: Vec<&str> = bundled::ids().collect();
            let hint = match did_you_mean(name, ids.iter().copied()) {
                Some(id) => format!("did you mean the bundled scenario `{id}`?"),
                None => "give a bundled id (see `proclab scenarios`) or a path relative to the lesson file".into(),
            };
            Err(err(
                entry.span(),
                format!("no scenario `{name}`"),
                Some(hint),
            ))
        }
        ScenarioRef::Inline(table) => {
            let inline = toml::to_string(table).unwrap_or_default();
            Scenario::parse("[scenario] of the lesson", &inline).map_err(|e| match e {
                ScenarioError::Invalid(d) => err(
                    entry.span(),
                    format!("the inline scenario is not valid: {}", d.message),
                    d.hint.clone(),
                ),
                other => other,
            })
        }
    }
}

/// The run's step that a move from `from` reaches.
fn step_after(go: &Go, from: u64, replay: &mut Replay) -> Result<u64, String> {
    let end = replay.steps();
    Ok(match go {
        Go::Stay => from,
        Go::Start => 0,
        Go::End => end,
        Go::Steps(n) => {
            let to = from.saturating_add(*n);
            if to > end {
                return Err(format!(
                    "`{n} steps` from step {from} goes past the end of the run"
                ));
            }
            to
        }
        Go::Time(t) => {
            let times = &replay.timeline().times;
            if *t > times[end as usize] {
                return Err(format!("`time {t}` is after the end of the run"));
            }
            // The last step at or before t: the state the kernel is in at that time.
            (times.partition_point(|&x| x <= *t) as u64).saturating_sub(1)
        }
        Go::Until(condition) => {
            replay.goto(from);
            let mut kernel = replay.kernel().clone();
            let mut events = Vec::new();
            let mut step = from;
            loop {
                events.clear();
                if kernel.step(&mut events).is_none() {
                    return Err(format!(
                        "this never happens after step {from} (time {})",
                        replay.timeline().time_at(from)
                    ));
                }
                step += 1;
                if condition.holds(&kernel, &events) {
                    break step;
                }
            }
        }
    })
}

/// What a question's answer can be computed from at its step.
struct Here<'a> {
    words: &'a Words,
    replay: &'a Replay,
    full: &'a report::Report,
    /// What this step or an earlier one measures.
    bench: Option<&'a Bench>,
}

/// Checks `bench = { … }`; missing keys take the lesson defaults.
fn bench(
    entry: &BenchEntry,
    err: &impl Fn(std::ops::Range<usize>, String, Option<String>) -> ScenarioError,
) -> Result<Bench, ScenarioError> {
    let rounds = match &entry.rounds {
        Some(r) if !(1..=measure::MAX_ROUNDS as i64).contains(r.get_ref()) => {
            return Err(err(
                r.span(),
                format!("`rounds = {}` is out of range", r.get_ref()),
                Some(format!(
                    "a lesson measures 1 to {} round trips per mechanism; a few hundred finish in a second",
                    measure::MAX_ROUNDS
                )),
            ));
        }
        Some(r) => *r.get_ref() as usize,
        None => measure::DEFAULT_ROUNDS,
    };
    let bytes = match &entry.size {
        Some(size) => measure::bytes(size.get_ref()).map_err(|m| {
            err(
                size.span(),
                m,
                Some("e.g. `size = \"8M\"`: a few MiB are enough to see the bandwidth".into()),
            )
        })?,
        None => measure::DEFAULT_BYTES,
    };
    Ok(Bench { rounds, bytes })
}

/// The choices a question offers, as written or computed.
fn options(
    entry: &Spanned<ChoicesEntry>,
    query: &Query,
    full: &report::Report,
    err: &impl Fn(std::ops::Range<usize>, String, Option<String>) -> ScenarioError,
) -> Result<Vec<String>, ScenarioError> {
    Ok(match entry.get_ref() {
        ChoicesEntry::Listed(list) => list.iter().map(|c| c.text()).collect(),
        ChoicesEntry::Computed(word) if word == "states" => {
            STATE_WORDS.iter().map(|s| s.to_string()).collect()
        }
        ChoicesEntry::Computed(word) if word == "mechanisms" => mechanisms::choices(),
        ChoicesEntry::Computed(word) if word == "processes" => {
            let mut names: Vec<String> = full.rows.iter().map(|r| r.name.to_string()).collect();
            if matches!(query, Query::Running | Query::RunningAt(_)) {
                names.extend(["idle".into(), "a context switch".into()]);
            }
            if matches!(query, Query::ParentOf(_)) {
                names.insert(0, "init".into());
            }
            names
        }
        ChoicesEntry::Computed(word) => {
            return Err(err(
                entry.span(),
                format!("`choices = {word:?}` is not a list I can make"),
                Some(
                    "write the choices as a list, or use \"processes\", \"states\" or \"mechanisms\""
                        .into(),
                ),
            ));
        }
    })
}

/// The answer of a question about the real mechanisms: from a fact now, or from the
/// measurement later (`None`), once it is sure that every possible result is among the choices.
fn real_answer(
    q: &QuestionEntry,
    query: &Query,
    options: Option<&[String]>,
    bench: Option<&Bench>,
    err: &impl Fn(std::ops::Range<usize>, String, Option<String>) -> ScenarioError,
) -> Result<Option<Value>, ScenarioError> {
    let here = q.answer.span();
    if let (Some(o), Some(c)) = (options, &q.choices)
        && query.is_mechanism()
    {
        measure::check_choices(o).map_err(|m| {
            err(
                c.span(),
                m,
                Some(format!(
                    "name the mechanisms as the table does ({}), or use `choices = \"mechanisms\"`",
                    mechanisms::choices().join(", ")
                )),
            )
        })?;
    }
    let measured = match query {
        Query::Fact(property) => {
            return measure::fact(*property, options).map(Some).map_err(|m| {
                err(
                    here,
                    m,
                    Some("list choices of which exactly one fits the fact".into()),
                )
            });
        }
        Query::Measured(m) => *m,
        _ => return Ok(None),
    };
    let Some(bench) = bench else {
        return Err(err(
            here,
            format!(
                "`{}` comes from a measurement, but no step up to this one measures",
                q.answer.get_ref()
            ),
            Some(
                "add `bench = { rounds = 500, size = \"8M\" }` to this step or an earlier one"
                    .into(),
            ),
        ));
    };
    if q.predict {
        let span = q.answer.span();
        return Err(err(
            span,
            "an answer from the measurement cannot be predicted: `predict` waits for a move of the simulation".into(),
            Some("drop `predict`, and ask before the measuring step in words".into()),
        ));
    }
    let measures = bench.mechanisms();
    if let Measured::Of(_, m) = measured
        && !measures.contains(&m)
    {
        return Err(err(
            here,
            format!("the measurement has no row for {m}"),
            None,
        ));
    }
    if let (Some(o), Some(c)) = (options, &q.choices)
        && measured.is_mechanism()
        && let Some(missing) = measures
            .iter()
            .find(|m| !o.iter().any(|x| mechanisms::parse(x) == Some(**m)))
    {
        return Err(err(
            c.span(),
            format!(
                "the measurement may make {missing} the answer, but it is not among the choices"
            ),
            Some("offer every measured mechanism, e.g. `choices = \"mechanisms\"`".into()),
        ));
    }
    Ok(None)
}

/// Checks a question and computes its answer at the replay's current step (or, for a
/// measured answer, checks that it can be computed once the table is there).
fn question(
    q: QuestionEntry,
    span: std::ops::Range<usize>,
    at: &Here,
    err: &impl Fn(std::ops::Range<usize>, String, Option<String>) -> ScenarioError,
) -> Result<Question, ScenarioError> {
    let query = Query::parse(q.answer.get_ref(), at.words).map_err(|m| {
        err(
            q.answer.span(),
            m,
            Some(format!("`answer` is one of: {}", query::FORMS)),
        )
    })?;
    let options = match &q.choices {
        Some(c) => Some(options(c, &query, at.full, err)?),
        None => None,
    };
    let answer = if matches!(query, Query::Measured(_) | Query::Fact(_)) {
        real_answer(&q, &query, options.as_deref(), at.bench, err)?
    } else {
        let moment = Moment {
            kernel: at.replay.kernel(),
            report: at.full,
            timeline: at.replay.timeline(),
            step: at.replay.step(),
        };
        Some(moment.eval(&query).map_err(|m| {
            err(
                q.answer.span(),
                format!(
                    "`{}` has no answer at this step (time {}): {m}",
                    q.answer.get_ref(),
                    at.replay.kernel().now()
                ),
                Some(
                    "move the step (`go`) to where it can be answered, or ask something else"
                        .into(),
                ),
            )
        })?)
    };
    let tolerance = match &q.tolerance {
        Some(t) if !(t.get_ref().is_finite() && *t.get_ref() >= 0.0) => {
            return Err(err(
                t.span(),
                format!("`tolerance = {}` can never be met", t.get_ref()),
                Some("give a number of 0 or more, e.g. `tolerance = 0.5`".into()),
            ));
        }
        Some(t) => *t.get_ref(),
        None => query.tolerance(),
    };
    let choices = match (options, &q.choices) {
        (Some(options), Some(c)) => {
            let probe = Question {
                ask: String::new(),
                query: query.clone(),
                answer_source: String::new(),
                answer: answer.clone(),
                choices: Choices::Free,
                predict: false,
                tolerance,
                hints: Vec::new(),
                explain: None,
            };
            if let Some(answer) = &answer
                && !options
                    .iter()
                    .any(|o| probe.judge(o) == super::Verdict::Right)
            {
                return Err(err(
                    c.span(),
                    format!("the computed answer, `{answer}`, is not among the choices"),
                    Some("add it to the choices (the answer comes from the simulation, so check the scenario)".into()),
                ));
            }
            if options.len() < 2 {
                return Err(err(
                    c.span(),
                    "a pick needs at least two choices".into(),
                    None,
                ));
            }
            Choices::Pick(options)
        }
        _ => Choices::Free,
    };
    let words = matches!(answer, Some(Value::Text(_) | Value::OneOf(_))) || query.is_mechanism();
    if words && q.tolerance.is_some() {
        let t = q.tolerance.as_ref().map_or(span.clone(), Spanned::span);
        return Err(err(t, "`tolerance` only applies to numbers".into(), None));
    }
    Ok(Question {
        ask: q.ask.into_inner(),
        query,
        answer_source: q.answer.into_inner(),
        answer,
        choices,
        predict: q.predict,
        tolerance,
        hints: q.hints,
        explain: q.explain,
    })
}
