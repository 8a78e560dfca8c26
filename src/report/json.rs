//! The report as one JSON document, for scripts and graders.

use super::Report;
use super::gantt::Kind;
use super::recorder::ProcessRow;
use super::summary::Summary;
use crate::kernel::Names;
use crate::kernel::event::Event;
use crate::kernel::ids::{Pid, Tick};
use serde::Serialize;

#[derive(Serialize)]
struct Scenario<'a> {
    title: &'a str,
    setup: &'a str,
    cpus: u16,
}

#[derive(Serialize)]
struct GanttBlock {
    cpu: usize,
    start: Tick,
    end: Tick,
    process: Option<String>,
    kind: Kind,
}

#[derive(Serialize)]
struct EventEntry {
    time: Tick,
    pid: Pid,
    process: String,
    from: Option<&'static str>,
    to: &'static str,
    reason: String,
}

#[derive(Serialize)]
struct Full<'a> {
    scenario: Scenario<'a>,
    processes: &'a [ProcessRow],
    summary: &'a Summary,
    gantt: Vec<GanttBlock>,
    events: Vec<EventEntry>,
    stuck: &'a [super::Stuck],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    shared_memory: &'a [super::shared_memory::ShmFate],
}

#[derive(Serialize)]
struct SummaryOnly<'a> {
    scenario: Scenario<'a>,
    summary: &'a Summary,
    stuck: &'a [super::Stuck],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    shared_memory: &'a [super::shared_memory::ShmFate],
}

/// The report as pretty-printed JSON: everything, or only the summary.
pub fn render(report: &Report, summary_only: bool) -> String {
    let scenario = Scenario {
        title: &report.title,
        setup: &report.setup,
        cpus: report.cpus,
    };
    let text = if summary_only {
        serde_json::to_string_pretty(&SummaryOnly {
            scenario,
            summary: &report.summary,
            stuck: &report.stuck,
            shared_memory: &report.shared_memory,
        })
    } else {
        let names = &report.names;
        let gantt = report
            .gantt
            .iter()
            .enumerate()
            .flat_map(|(cpu, row)| {
                row.iter().map(move |s| GanttBlock {
                    cpu,
                    start: s.start,
                    end: s.end,
                    process: s.pid.map(|p| names.process(p)),
                    kind: s.kind,
                })
            })
            .collect();
        let events = report
            .events
            .iter()
            .filter_map(|e| match e {
                Event::Transition(t) => Some(EventEntry {
                    time: t.time,
                    pid: t.pid,
                    process: names.process(t.pid),
                    from: t.from.map(|s| s.name()),
                    to: t.to.name(),
                    reason: t.reason.describe(names),
                }),
                _ => None,
            })
            .collect();
        serde_json::to_string_pretty(&Full {
            scenario,
            processes: &report.rows,
            summary: &report.summary,
            gantt,
            events,
            stuck: &report.stuck,
            shared_memory: &report.shared_memory,
        })
    };
    // Serializing plain data to a String cannot fail.
    text.unwrap_or_default() + "\n"
}
