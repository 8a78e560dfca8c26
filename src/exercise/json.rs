//! An exercise and its answers as one JSON document. For a generated `sched` exercise the shape
//! is exactly `{kind, seed, workload: {scheduler, quantum, context_switch, processes: [{name,
//! arrival, burst, priority}]}, answers: {processes: {NAME: {finish, turnaround, waiting,
//! response}}, summary}}`; `states` adds each process's program and states, `messages` each
//! process's program, the mailboxes, and each process's `sent`, `received` and `blocked`;
//! `fork` has `program` instead of `workload`; a pinned exercise starts with `id`, `title` and
//! `ask`.

use super::field::ProcessField;
use super::messages;
use super::states::states_of;
use super::workload::{RunSolution, Workload};
use super::{Exercise, Kind, Problem, Solution};
use crate::kernel::message::Capacity;
use crate::report::summary::Summary;
use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::json;

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
struct MailboxJson<'a> {
    name: &'a str,
    made_by: &'a str,
    /// A number of messages (0: a rendezvous), or `"unbounded"`.
    capacity: serde_json::Value,
}

#[derive(Serialize)]
struct WorkloadJson<'a> {
    scheduler: &'static str,
    quantum: Option<u64>,
    context_switch: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    mailboxes: Option<Vec<MailboxJson<'a>>>,
    processes: Vec<JobJson<'a>>,
}

#[derive(Serialize)]
struct BlockJson {
    call: &'static str,
    at: u64,
    woken: Option<u64>,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    sent: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    received: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    blocked: Option<Vec<BlockJson>>,
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
    let mailboxes = (kind == Kind::Messages).then(|| {
        messages::mailboxes(w)
            .into_iter()
            .map(|(made_by, name, capacity)| MailboxJson {
                name,
                made_by,
                capacity: match capacity {
                    Capacity::Zero => json!(0),
                    Capacity::Bounded(n) => json!(n),
                    Capacity::Unbounded => json!("unbounded"),
                },
            })
            .collect()
    });
    WorkloadJson {
        scheduler: w.machine.scheduler,
        quantum: w.machine.quantum,
        context_switch: w.machine.context_switch,
        mailboxes,
        processes: w
            .jobs
            .iter()
            .map(|j| JobJson {
                name: &j.name,
                arrival: j.arrival,
                burst: (kind == Kind::Sched).then(|| j.burst()),
                priority: j.priority,
                program: (kind != Kind::Sched).then(|| j.steps()),
            })
            .collect(),
    }
}

fn run_answers<'a>(e: &Exercise, run: &'a RunSolution, kind: Kind) -> RunAnswers<'a> {
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
            let job = e
                .workload()
                .and_then(|w| w.jobs.iter().find(|j| *j.name == *r.name));
            let list = |f: ProcessField| {
                job.filter(|j| kind == Kind::Messages && messages::has_field(j, f))
                    .map(|_| messages::calls::answer(run, &r.name, f))
            };
            let blocked = (kind == Kind::Messages).then(|| {
                messages::calls::calls_of(run, &r.name)
                    .iter()
                    .filter(|c| c.blocked)
                    .map(|c| BlockJson {
                        call: if c.send { "send" } else { "receive" },
                        at: c.at,
                        woken: c.returned.as_ref().map(|(t, _)| *t),
                    })
                    .collect()
            });
            let times = TimesJson {
                finish: r.finish,
                turnaround: r.turnaround,
                waiting: r.waiting,
                response: r.response,
                states,
                sent: list(ProcessField::Sent),
                received: list(ProcessField::Received),
                blocked,
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
        Solution::Run(run) => Answers::Run(run_answers(e, run, kind)),
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
