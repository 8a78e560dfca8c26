//! A run you can move through, step by step, forward and back. The simulated kernel is
//! deterministic, so going back is restoring the latest snapshot before the step wanted and
//! stepping again from there; nothing here decides anything the kernel did not.
//!
//! A step is one call of [`Kernel::step`]: the next tick at which anything happens. Step 0 is
//! the kernel before anything has arrived.

#![forbid(unsafe_code)]

mod timeline;

pub use timeline::Timeline;

use crate::kernel::event::{Event, Transition};
use crate::kernel::{Kernel, Tick};
use crate::report::names::NameBook;
use crate::report::text::event_line;
use crate::scenario::Scenario;
use std::collections::VecDeque;

/// How many steps back the event log reaches.
pub const LOG_STEPS: u64 = 40;
/// Most lines the event log holds.
pub const LOG_LINES: usize = 400;

/// One line of the event log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    /// The step it belongs to.
    pub step: u64,
    /// Simulated time.
    pub time: Tick,
    /// What happened, in words.
    pub text: String,
}

/// A scenario's run with a cursor on one step.
#[derive(Clone, Debug)]
pub struct Replay {
    timeline: Timeline,
    /// The step the cursor is on.
    at: u64,
    /// The kernel after step `at`.
    kernel: Kernel,
    /// What happened at step `at`.
    events: Vec<Event>,
    /// The event log up to step `at`, oldest first: the last [`LOG_STEPS`] steps, at most
    /// [`LOG_LINES`] lines.
    log: VecDeque<LogLine>,
}

impl Replay {
    /// Runs `scenario` through once, and puts the cursor on step 0.
    pub fn new(scenario: &Scenario) -> Replay {
        let timeline = Timeline::build(scenario);
        let kernel = timeline.snapshot_before(0).1.clone();
        Replay {
            timeline,
            at: 0,
            kernel,
            events: Vec::new(),
            log: VecDeque::new(),
        }
    }

    /// The step the cursor is on.
    pub fn step(&self) -> u64 {
        self.at
    }

    /// Steps in the whole run.
    pub fn steps(&self) -> u64 {
        self.timeline.steps
    }

    /// The kernel as it is after the current step.
    pub fn kernel(&self) -> &Kernel {
        &self.kernel
    }

    /// What the kernel reported at the current step.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The last change of state at the current step, if any.
    pub fn last_transition(&self) -> Option<&Transition> {
        self.events.iter().rev().find_map(|e| match e {
            Event::Transition(t) => Some(t),
            _ => None,
        })
    }

    /// The event log up to the current step, oldest first.
    pub fn log(&self) -> &VecDeque<LogLine> {
        &self.log
    }

    /// The names of every process of the run.
    pub fn names(&self) -> &NameBook {
        &self.timeline.names
    }

    /// The whole run's timeline (Gantt chart, times).
    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    /// Moves the cursor to `step` (clamped to the run); returns the step reached.
    pub fn goto(&mut self, step: u64) -> u64 {
        let target = step.min(self.timeline.steps);
        if target == self.at {
            return target;
        }
        // The log must look the same however the step was reached, so stepping starts early
        // enough to rebuild it.
        let log_from = target.saturating_sub(LOG_STEPS - 1).max(1);
        let (snap_step, snap) = self.timeline.snapshot_before(log_from.saturating_sub(1));
        let from_here = self.at < target && self.at >= snap_step;
        if !from_here {
            self.kernel = snap.clone();
            self.at = snap_step;
            self.log.clear();
            self.events.clear();
        }
        while self.at < target {
            self.events.clear();
            if self.kernel.step(&mut self.events).is_none() {
                break;
            }
            self.at += 1;
            if self.at >= log_from {
                self.record();
            }
        }
        while self.log.front().is_some_and(|l| l.step < log_from) {
            self.log.pop_front();
        }
        self.at
    }

    /// Adds the current step's events to the log.
    fn record(&mut self) {
        let time = self.kernel.now();
        for e in &self.events {
            if let Some(text) = event_line(e, &self.timeline.names) {
                self.log.push_back(LogLine {
                    step: self.at,
                    time,
                    text: text.trim_end().to_string(),
                });
            }
        }
        while self.log.len() > LOG_LINES {
            self.log.pop_front();
        }
    }

    /// Ticks the CPUs spent running processes so far, divided by the CPU time available: 0 to 1.
    pub fn utilization(&self) -> f64 {
        let now = self.kernel.now();
        let cpus = self.kernel.cpus().len() as f64;
        if now == 0 {
            return 0.0;
        }
        self.timeline.busy_before(now) as f64 / (now as f64 * cpus)
    }
}

#[cfg(test)]
mod tests;
