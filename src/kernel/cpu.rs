//! A simulated CPU: what it is doing and whose context (registers) it holds.

use super::event::{Pick, Reason};
use super::ids::{CpuId, Pid, Tick};
use serde::Serialize;

/// What a CPU is doing.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "doing")]
pub enum Activity {
    /// Nothing.
    Idle,
    /// Saving one context and loading `pid`'s, until `until`.
    Switching {
        /// The incoming process.
        pid: Pid,
        /// When the switch is done.
        until: Tick,
    },
    /// Running `pid` since `since`; the next thing to look at happens at `until` (the end of a
    /// CPU step or of the time slice).
    Running {
        /// The process.
        pid: Pid,
        /// Since when (progress before that is already in its PCB).
        since: Tick,
        /// When the current stretch ends.
        until: Tick,
    },
}

/// One CPU.
#[derive(Clone, Debug)]
pub struct Cpu {
    /// Its number.
    pub id: CpuId,
    /// What it is doing.
    pub activity: Activity,
    /// Whose registers it holds (switching to anyone else costs a context switch).
    pub context: Option<Pid>,
    /// Why the process being switched in was picked.
    pub(super) pick: Option<Pick>,
    /// A process that left this CPU at this tick and may get it straight back; its
    /// `running → ready` transition is told only if it does not.
    pub(super) yielded: Option<(Pid, Reason)>,
}

impl Cpu {
    /// A fresh, idle CPU holding no context.
    pub fn new(id: CpuId) -> Cpu {
        Cpu {
            id,
            activity: Activity::Idle,
            context: None,
            pick: None,
            yielded: None,
        }
    }

    /// The process on this CPU (running or being switched in).
    pub fn process(&self) -> Option<Pid> {
        match self.activity {
            Activity::Idle => None,
            Activity::Switching { pid, .. } | Activity::Running { pid, .. } => Some(pid),
        }
    }

    /// The process running on it, if one is.
    pub fn running(&self) -> Option<Pid> {
        match self.activity {
            Activity::Running { pid, .. } => Some(pid),
            _ => None,
        }
    }

    /// When its current activity ends.
    pub fn busy_until(&self) -> Option<Tick> {
        match self.activity {
            Activity::Idle => None,
            Activity::Switching { until, .. } | Activity::Running { until, .. } => Some(until),
        }
    }
}
