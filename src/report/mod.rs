//! Reports of a run: the Gantt chart, a table per process, the summary and the event log, as
//! text for people or JSON for programs. Built only from the kernel's events.

#![forbid(unsafe_code)]

pub mod gantt;
pub mod json;
pub mod names;
pub mod recorder;
pub mod shared_memory;
pub mod summary;
pub mod text;

use crate::kernel::event::Event;
use crate::kernel::ids::Tick;
use crate::scenario::Scenario;
use gantt::Segment;
use names::NameBook;
use recorder::{ProcessRow, Recorder};
use summary::{Summary, SummarySink};

/// What to put in a report.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Only the summary (and keep no history while running).
    pub summary_only: bool,
    /// Include the event log.
    pub events: bool,
}

/// A process that never finished because nothing more could happen (a deadlock).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Stuck {
    /// Its name.
    pub name: String,
    /// Its pid.
    pub pid: crate::kernel::Pid,
    /// Its state at the end.
    pub state: &'static str,
    /// What it waits for.
    pub waits_for: String,
}

/// A finished run, ready to print.
#[derive(Clone, Debug)]
pub struct Report {
    /// The scenario's title.
    pub title: String,
    /// What the scenario teaches.
    pub description: String,
    /// "round robin (quantum 4), 1 CPU, context switch 1" and the like.
    pub setup: String,
    /// Number of CPUs.
    pub cpus: u16,
    /// The summary figures.
    pub summary: Summary,
    /// A row per process, in scenario order (empty for a summary-only report).
    pub rows: Vec<ProcessRow>,
    /// Gantt chart, one row per CPU (empty for a summary-only report).
    pub gantt: Vec<Vec<Segment>>,
    /// The event log (empty unless asked for).
    pub events: Vec<Event>,
    /// Names for the pids in the events.
    pub names: NameBook,
    /// Processes that never finished because nothing more could happen.
    pub stuck: Vec<Stuck>,
    /// When the run stopped.
    pub end: Tick,
    /// What became of each ring's shared memory (empty if the scenario has no ring).
    pub shared_memory: Vec<shared_memory::ShmFate>,
}

/// A description of the kernel set-up in one line.
pub fn describe_setup(scenario: &Scenario) -> String {
    let c = &scenario.config;
    let mut parts = vec![match &c.policy {
        crate::kernel::Policy::Mlfq(m) => {
            let q: Vec<String> = m.quantum.iter().map(u64::to_string).collect();
            let mut s = format!(
                "MLFQ: {} queues, quanta {} (top first)",
                m.levels(),
                q.join("/")
            );
            if let Some(b) = m.boost {
                s.push_str(&format!(", boost every {b}"));
            }
            s
        }
        p => match p.quantum() {
            Some(q) => format!("{} (quantum {q})", p.title()),
            None => p.title().to_string(),
        },
    }];
    if c.aging.is_some() {
        parts.push("aging".into());
    }
    parts.push(if c.cpus == 1 {
        "1 CPU".into()
    } else {
        format!("{} CPUs", c.cpus)
    });
    if c.context_switch > 0 {
        parts.push(format!("context switch {}", c.context_switch));
    }
    if let Some(m) = c.max_multiprogramming {
        parts.push(format!("at most {m} admitted"));
    }
    if let Some(m) = c.memory {
        parts.push(format!("memory {m}, swap time {}", c.swap_time));
    }
    parts.join(", ")
}

/// Runs a scenario to the end and builds its report.
pub fn run(scenario: &Scenario, options: Options) -> Report {
    let setup = describe_setup(scenario);
    let cpus = scenario.config.cpus;
    let names = NameBook::new(scenario);
    if options.summary_only {
        let mut kernel = scenario.kernel().keep_terminated(false);
        let mut sink = SummarySink::default();
        kernel.run(&mut sink);
        let stuck = stuck(&kernel);
        return Report {
            title: scenario.title.clone(),
            description: scenario.description.clone(),
            setup,
            cpus,
            summary: sink.summary(cpus),
            rows: Vec::new(),
            gantt: Vec::new(),
            events: Vec::new(),
            names,
            stuck,
            end: kernel.now(),
            shared_memory: shared_memory::fates(&kernel),
        };
    }
    let mut kernel = scenario.kernel();
    let mut recorder = Recorder::new(names, cpus, options.events);
    kernel.run(&mut recorder);
    let summary = recorder.summary().summary(cpus);
    let end = summary.makespan.max(kernel.now());
    let mut rows = std::mem::take(&mut recorder.rows);
    for p in kernel.processes().filter(|p| !p.state.is_finished()) {
        rows.push(ProcessRow::new(
            p.name.clone(),
            p.pid,
            p.order,
            &p.accounting_at(end),
            None,
        ));
    }
    rows.sort_by_key(|r| (r.order, r.pid));
    Report {
        title: scenario.title.clone(),
        description: scenario.description.clone(),
        setup,
        cpus,
        summary,
        gantt: recorder.take_gantt(end),
        stuck: stuck(&kernel),
        rows,
        events: std::mem::take(&mut recorder.events),
        names: recorder.names,
        end,
        shared_memory: shared_memory::fates(&kernel),
    }
}

fn stuck(kernel: &crate::kernel::Kernel) -> Vec<Stuck> {
    let name = |pid| {
        kernel
            .process(pid)
            .map_or_else(|| format!("pid {pid}"), |p| p.name.to_string())
    };
    kernel
        .stuck()
        .into_iter()
        .filter_map(|pid| kernel.process(pid))
        .map(|p| Stuck {
            name: p.name.to_string(),
            pid: p.pid,
            state: p.state.name(),
            waits_for: match p.state.waiting_on() {
                Some(crate::kernel::WaitOn::Child { child: Some(c) }) => {
                    format!("its child {}", name(c))
                }
                Some(crate::kernel::WaitOn::Child { child: None }) => "any child".into(),
                Some(crate::kernel::WaitOn::Sleep) => "the end of its sleep".into(),
                Some(crate::kernel::WaitOn::Device { .. }) => "a device".into(),
                Some(crate::kernel::WaitOn::Read { .. }) => "data in a pipe".into(),
                Some(crate::kernel::WaitOn::Write { .. }) => "room in a pipe".into(),
                Some(crate::kernel::WaitOn::Open { .. }) => "the other end of a FIFO".into(),
                Some(crate::kernel::WaitOn::Ring { .. }) => "the shared buffer".into(),
                Some(crate::kernel::WaitOn::Send { .. }) => "a receiver for its message".into(),
                Some(crate::kernel::WaitOn::Receive { .. }) => "a message".into(),
                Some(crate::kernel::WaitOn::Accept { .. }) => "a client to connect".into(),
                Some(crate::kernel::WaitOn::Recv { .. }) => "data on a socket".into(),
                Some(crate::kernel::WaitOn::RpcRequest { .. }) => "an RPC request".into(),
                Some(crate::kernel::WaitOn::RpcReply { .. }) => "the reply to its RPC".into(),
                Some(crate::kernel::WaitOn::Win(w)) => w.stuck().into(),
                None => "memory or the CPU".into(),
            },
        })
        .collect()
}
