//! The run's summary figures, accumulated from events without keeping any history, so that
//! a million-process run needs no more memory than its live processes.

use crate::kernel::event::{Event, EventKind, EventSink, Finished, Reason};
use crate::kernel::ids::Tick;
use serde::Serialize;

/// Running totals over finished processes and context switches.
#[derive(Clone, Debug, Default)]
pub struct SummarySink {
    finished: u64,
    ran: u64,
    turnaround: u128,
    waiting: u128,
    response: u128,
    cpu_busy: u128,
    switches: u64,
    switch_overhead: u128,
    makespan: Tick,
}

/// The summary of a run, as reported.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// Processes that finished.
    pub processes: u64,
    /// When the last process finished.
    pub makespan: Tick,
    /// Mean of finish − arrival.
    pub avg_turnaround: f64,
    /// Mean time spent ready (including being switched in and held in the job queue).
    pub avg_waiting: f64,
    /// Mean of first run − arrival, over the processes that ran.
    pub avg_response: f64,
    /// CPU time used by processes / (CPUs × makespan).
    pub cpu_utilization: f64,
    /// Processes finished per tick.
    pub throughput: f64,
    /// Context switches.
    pub context_switches: u64,
    /// Ticks spent switching.
    pub switch_overhead: Tick,
}

impl SummarySink {
    /// Adds a finished process.
    pub fn add(&mut self, f: &Finished) {
        let a = &f.acct;
        self.finished += 1;
        self.turnaround += u128::from(f.time - a.arrival);
        self.waiting += u128::from(a.waiting());
        if let Some(first) = a.first_run {
            self.ran += 1;
            self.response += u128::from(first - a.arrival);
        }
        self.cpu_busy += u128::from(a.cpu);
        self.makespan = self.makespan.max(f.time);
    }

    /// The figures so far, for `cpus` CPUs.
    pub fn summary(&self, cpus: u16) -> Summary {
        let mean = |sum: u128, n: u64| if n == 0 { 0.0 } else { sum as f64 / n as f64 };
        let span = self.makespan as f64;
        Summary {
            processes: self.finished,
            makespan: self.makespan,
            avg_turnaround: mean(self.turnaround, self.finished),
            avg_waiting: mean(self.waiting, self.finished),
            avg_response: mean(self.response, self.ran),
            cpu_utilization: if span > 0.0 {
                self.cpu_busy as f64 / (span * f64::from(cpus.max(1)))
            } else {
                0.0
            },
            throughput: if span > 0.0 {
                self.finished as f64 / span
            } else {
                0.0
            },
            context_switches: self.switches,
            switch_overhead: self.switch_overhead as Tick,
        }
    }
}

impl SummarySink {
    /// Takes in one event.
    #[inline]
    pub fn observe(&mut self, event: &Event) {
        match event {
            Event::Finished(f) => self.add(f),
            Event::Switch(s) => {
                self.switches += 1;
                self.switch_overhead += u128::from(s.cost);
            }
            Event::Note {
                reason: Reason::SwitchCut { unused },
                ..
            } => self.switch_overhead -= u128::from(*unused),
            _ => {}
        }
    }
}

impl EventSink for SummarySink {
    #[inline]
    fn event(&mut self, event: Event) {
        self.observe(&event);
    }

    #[inline]
    fn wants(&self, kind: EventKind) -> bool {
        matches!(
            kind,
            EventKind::Switch | EventKind::Note | EventKind::Finished
        )
    }
}
