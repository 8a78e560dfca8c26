//! The full record of a run, built from its events: a row per process, the Gantt chart, the
//! event log and the summary.

use super::gantt::{GanttBuilder, Segment};
use super::names::NameBook;
use super::summary::SummarySink;
use crate::kernel::event::{Event, EventSink, Finished};
use crate::kernel::ids::{Pid, Tick};
use crate::kernel::pcb::Accounting;
use crate::kernel::program::{ExitStatus, SpecIndex};
use serde::Serialize;
use std::sync::Arc;

/// One process's figures, as the report tables show them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProcessRow {
    /// Name.
    pub name: Arc<str>,
    /// Process id.
    pub pid: Pid,
    /// Position in the scenario (the table's order).
    #[serde(skip)]
    pub order: SpecIndex,
    /// Arrival (for a forked process: the fork).
    pub arrival: Tick,
    /// Ticks on a CPU.
    pub cpu_time: Tick,
    /// Ticks queued for or using devices.
    pub io_time: Tick,
    /// Ticks blocked otherwise (sleep, wait).
    pub blocked_time: Tick,
    /// Ticks swapped out.
    pub swapped_time: Tick,
    /// First time on a CPU.
    pub first_run: Option<Tick>,
    /// When it finished.
    pub finish: Option<Tick>,
    /// finish − arrival.
    pub turnaround: Option<Tick>,
    /// Ticks ready (including switch-in) or held in the job queue.
    pub waiting: Tick,
    /// first run − arrival.
    pub response: Option<Tick>,
    /// Times it was switched onto a CPU.
    pub context_switches: u32,
    /// How it ended.
    pub exit_status: Option<ExitStatus>,
}

impl ProcessRow {
    /// The row of a process from its accounting (`finish` is `None` if it never finished).
    pub fn new(
        name: Arc<str>,
        pid: Pid,
        order: SpecIndex,
        acct: &Accounting,
        status: Option<ExitStatus>,
    ) -> ProcessRow {
        ProcessRow {
            name,
            pid,
            order,
            arrival: acct.arrival,
            cpu_time: acct.cpu,
            io_time: acct.io,
            blocked_time: acct.blocked,
            swapped_time: acct.swapped,
            first_run: acct.first_run,
            finish: acct.finish,
            turnaround: acct.finish.map(|f| f - acct.arrival),
            waiting: acct.waiting(),
            response: acct.first_run.map(|f| f - acct.arrival),
            context_switches: acct.switches,
            exit_status: status,
        }
    }
}

/// An event sink that keeps everything a full report needs.
#[derive(Clone, Debug)]
pub struct Recorder {
    /// Names learnt from the events.
    pub names: NameBook,
    /// A row per finished process, in the order they finished.
    pub rows: Vec<ProcessRow>,
    /// Every event (if kept).
    pub events: Vec<Event>,
    gantt: GanttBuilder,
    summary: SummarySink,
    keep_events: bool,
}

impl Recorder {
    /// A recorder for `cpus` CPUs that keeps the event log if `keep_events`.
    pub fn new(names: NameBook, cpus: u16, keep_events: bool) -> Recorder {
        Recorder {
            names,
            rows: Vec::new(),
            events: Vec::new(),
            gantt: GanttBuilder::new(cpus),
            summary: SummarySink::default(),
            keep_events,
        }
    }

    /// The summary totals.
    pub fn summary(&self) -> &SummarySink {
        &self.summary
    }

    /// The Gantt chart up to `end` (the recorder's own copy is handed over).
    pub fn take_gantt(&mut self, end: Tick) -> Vec<Vec<Segment>> {
        let cpus = self.gantt.cpus();
        std::mem::replace(&mut self.gantt, GanttBuilder::new(cpus)).finish(end)
    }

    fn finished(&mut self, f: &Finished) {
        let name: Arc<str> = crate::kernel::Names::process(&self.names, f.pid).into();
        self.rows.push(ProcessRow::new(
            name,
            f.pid,
            f.order,
            &f.acct,
            Some(f.status),
        ));
    }
}

impl EventSink for Recorder {
    fn event(&mut self, event: Event) {
        self.names.learn(&event);
        self.gantt.event(&event);
        if let Event::Finished(f) = &event {
            self.finished(f);
        }
        self.summary.observe(&event);
        if self.keep_events {
            self.events.push(event);
        }
    }
}
