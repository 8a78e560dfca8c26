//! An exercise and its answers as one JSON document. For a generated `sched` exercise the shape
//! is exactly `{kind, seed, workload: {scheduler, quantum, context_switch, processes: [{name,
//! arrival, burst, priority}]}, answers: {processes: {NAME: {finish, turnaround, waiting,
//! response}}, summary}}`; `states` adds each process's program and states, `fork` has `program`
//! instead of `workload`; a pinned exercise starts with `id`, `title` and `ask`.

use super::states::states_of;
use super::workload::{RunSolution, Workload};
use super::{Exercise, Kind, Problem, Solution};
use crate::report::summary::Summary;
use serde::Serialize;
use serde::ser::SerializeMap;

/// A map that keeps its keys in the order given (processes in table order, not sorted).
struct Ordered<T>(Vec<(String, T)>);

impl<T: Serialize> Serialize for Ordered<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct JobJson<'a> {
    name: &'a str,
    arrival: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    burst: Option<u64>,
    priority: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    program: Option<Vec<String>>,
}

#[derive(Serialize)]
struct WorkloadJson<'a> {
    scheduler: &'static str,
    quantum: Option<u64>,
    context_switch: u64,
    processes: Vec<JobJson<'a>>,
}

#[derive(Serialize)]
struct StateJson {
    time: u64,
    from: Option<&'static str>,
    state: &'static str,
    reason: String,
}

#[derive(Serialize)]
struct TimesJson {
    finish: Option<u64>,
    turnaround: Option<u64>,
    waiting: u64,
    response: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    states: Option<Vec<StateJson>>,
}

#[derive(Serialize)]
struct RunAnswers<'a> {
    processes: Ordered<TimesJson>,
    summary: &'a Summary,
}

#[derive(Serialize)]
struct Doc<'a, A: Serialize> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    kind: &'static str,
    seed: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ask: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    workload: Option<WorkloadJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    program: Option<&'a str>,
    answers: A,
}

fn workload(w: &Workload, kind: Kind) -> WorkloadJson<'_> {
    WorkloadJson {
        scheduler: w.machine.scheduler,
        quantum: w.machine.quantum,
        context_switch: w.machine.context_switch,
        processes: w
            .jobs
            .iter()
            .map(|j| JobJson {
                name: &j.name,
                arrival: j.arrival,
                burst: (kind == Kind::Sched).then(|| j.burst()),
                priority: j.priority,
                program: (kind == Kind::States).then(|| j.steps()),
            })
            .collect(),
    }
}

fn run_answers(run: &RunSolution, kind: Kind) -> RunAnswers<'_> {
    let names = &run.report.names;
    let processes = run
        .report
        .rows
        .iter()
        .map(|r| {
            let states = (kind == Kind::States).then(|| {
                let transitions = run.transitions(&r.name);
                states_of(&transitions)
                    .into_iter()
                    .zip(&transitions)
                    .map(|(s, t)| StateJson {
                        time: s.time,
                        from: t.from.map(|f| f.name()),
                        state: s.state,
                        reason: t.reason.describe(names),
                    })
                    .collect()
            });
            let times = TimesJson {
                finish: r.finish,
                turnaround: r.turnaround,
                waiting: r.waiting,
                response: r.response,
                states,
            };
            (r.name.to_string(), times)
        })
        .collect();
    RunAnswers {
        processes: Ordered(processes),
        summary: &run.report.summary,
    }
}

#[derive(Serialize)]
#[serde(untagged)]
enum Answers<'a> {
    Run(RunAnswers<'a>),
    Fork(super::fork::ForkJson),
}

/// The exercise and its answers as pretty-printed JSON.
pub fn render(e: &Exercise, s: &Solution) -> String {
    let kind = e.kind();
    let answers = match s {
        Solution::Run(run) => Answers::Run(run_answers(run, kind)),
        Solution::Fork(f) => Answers::Fork(f.json()),
    };
    let doc = Doc {
        id: e.id.as_deref(),
        title: e.id.as_ref().map(|_| e.title.as_str()),
        kind: kind.name(),
        seed: e.seed,
        ask: e
            .id
            .as_ref()
            .map(|_| e.asked().iter().map(ToString::to_string).collect()),
        workload: e.workload().map(|w| workload(w, kind)),
        program: match &e.problem {
            Problem::Fork(p) => Some(p.source.as_str()),
            _ => None,
        },
        answers,
    };
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}
