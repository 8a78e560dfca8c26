//! What one pass over the whole run learns, so that any step can be reached again quickly: the
//! time of every step, kernel snapshots at regular steps, the Gantt chart and every process's
//! name.

use crate::kernel::event::{Event, EventSink};
use crate::kernel::{Kernel, Tick};
use crate::report::gantt::{GanttBuilder, Kind, Segment};
use crate::report::names::NameBook;
use crate::scenario::Scenario;

/// Snapshots kept at most; past this, every other one is dropped and the spacing doubles, so
/// memory stays bounded however long the run is.
const MAX_SNAPSHOTS: usize = 128;
/// Spacing of snapshots (in steps) to begin with.
const FIRST_SPACING: u64 = 32;

/// The whole run, as far as moving through it needs.
#[derive(Clone, Debug)]
pub struct Timeline {
    /// Steps in the run.
    pub steps: u64,
    /// Time after each step; `times[0]` is the start (0).
    pub times: Vec<Tick>,
    /// Kernels after steps `0, spacing, 2·spacing, …`.
    snapshots: Vec<Kernel>,
    /// Steps between two snapshots.
    spacing: u64,
    /// One row of blocks per CPU, covering the whole run.
    pub gantt: Vec<Vec<Segment>>,
    /// Busy ticks before the start of each block, per CPU (for utilization at any time).
    busy_before: Vec<Vec<Tick>>,
    /// Names of every process the run creates.
    pub names: NameBook,
}

/// Feeds the chart and the names while the first pass runs.
struct Learner {
    gantt: GanttBuilder,
    names: NameBook,
}

impl EventSink for Learner {
    fn event(&mut self, event: Event) {
        self.names.learn(&event);
        self.gantt.event(&event);
    }
}

impl Timeline {
    /// Runs `scenario` once from start to end.
    pub fn build(scenario: &Scenario) -> Timeline {
        let mut kernel = scenario.kernel().keep_terminated(true);
        let mut learner = Learner {
            gantt: GanttBuilder::new(scenario.config.cpus),
            names: NameBook::new(scenario),
        };
        let mut snapshots = vec![kernel.clone()];
        let mut spacing = FIRST_SPACING;
        let mut times = vec![0];
        while let Some(time) = kernel.step(&mut learner) {
            times.push(time);
            let step = kernel.steps();
            if step.is_multiple_of(spacing) {
                if snapshots.len() == MAX_SNAPSHOTS {
                    // Keep steps 0, 2·spacing, 4·spacing…
                    let mut i = 0;
                    snapshots.retain(|_| {
                        i += 1;
                        i % 2 == 1
                    });
                    spacing *= 2;
                }
                if step.is_multiple_of(spacing) {
                    snapshots.push(kernel.clone());
                }
            }
        }
        let end = kernel.now();
        let gantt = learner.gantt.finish(end);
        let busy_before = gantt
            .iter()
            .map(|row| {
                let mut busy = 0;
                row.iter()
                    .map(|s| {
                        let before = busy;
                        if s.kind == Kind::Run {
                            busy += s.end - s.start;
                        }
                        before
                    })
                    .collect()
            })
            .collect();
        Timeline {
            steps: kernel.steps(),
            times,
            snapshots,
            spacing,
            gantt,
            busy_before,
            names: learner.names,
        }
    }

    /// The latest snapshot at or before `step`, with its step number.
    pub fn snapshot_before(&self, step: u64) -> (u64, &Kernel) {
        let at = ((step / self.spacing) as usize).min(self.snapshots.len() - 1);
        (at as u64 * self.spacing, &self.snapshots[at])
    }

    /// Time after `step`.
    pub fn time_at(&self, step: u64) -> Tick {
        self.times[step.min(self.steps) as usize]
    }

    /// Ticks the CPUs spent running processes before `time`, all CPUs together.
    pub fn busy_before(&self, time: Tick) -> Tick {
        self.gantt
            .iter()
            .zip(&self.busy_before)
            .map(|(row, before)| {
                // The block that contains `time`, or the last one that starts before it.
                let at = row.partition_point(|s| s.start < time);
                if at == 0 {
                    return 0;
                }
                let s = &row[at - 1];
                let part = if s.kind == Kind::Run {
                    time.min(s.end) - s.start
                } else {
                    0
                };
                before[at - 1] + part
            })
            .sum()
    }

    /// The blocks of each CPU that overlap `[from, to)`, cut to it.
    pub fn gantt_window(&self, from: Tick, to: Tick) -> Vec<Vec<Segment>> {
        self.gantt
            .iter()
            .map(|row| {
                let first = row.partition_point(|s| s.end <= from);
                row[first..]
                    .iter()
                    .take_while(|s| s.start < to)
                    .map(|s| Segment {
                        start: s.start.max(from),
                        end: s.end.min(to),
                        ..*s
                    })
                    .collect()
            })
            .collect()
    }

    /// Number of snapshots held (for tests and benchmarks).
    pub fn snapshot_count(&self) -> usize {
        self.snapshots.len()
    }
}
