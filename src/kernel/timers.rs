//! Things due at a future tick: device completions, wake-ups, swap transfers, aging steps.
//! Timers at the same tick fire in the order they were set.

use super::ids::{DeviceId, Pid, Tick};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// What is due.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Timer {
    /// A device finishes a request.
    DeviceDone { device: DeviceId, pid: Pid },
    /// A sleep of `ticks` ends.
    Wake { pid: Pid, ticks: Tick },
    /// A swap-out transfer is over and its memory is free.
    SwappedOut { pid: Pid },
    /// A swap-in transfer is over.
    SwappedIn { pid: Pid },
    /// A ready process has waited another aging period.
    Age { pid: Pid },
    /// An RPC client stub has waited `rpc_timeout` for the reply to attempt `attempt` of call
    /// `id` on port `object`.
    RpcTimeout {
        pid: Pid,
        object: u32,
        id: u32,
        attempt: u32,
    },
}

impl Timer {
    /// The process it concerns.
    pub fn pid(&self) -> Pid {
        match *self {
            Timer::DeviceDone { pid, .. }
            | Timer::Wake { pid, .. }
            | Timer::SwappedOut { pid }
            | Timer::SwappedIn { pid }
            | Timer::Age { pid }
            | Timer::RpcTimeout { pid, .. } => pid,
        }
    }
}

/// A timer with the process generation it was set for (aging timers belong to one stay in the
/// ready queue). Timers whose reason has gone — the process was killed, left the ready queue —
/// are dropped without ever becoming a step.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Armed {
    /// What.
    pub timer: Timer,
    /// The process's generation when it was set.
    pub generation: u32,
}

/// The pending timers, soonest first.
#[derive(Clone, Debug, Default)]
pub struct Timers {
    heap: BinaryHeap<Reverse<(Tick, u64, Armed)>>,
    sequence: u64,
}

impl Timers {
    /// Sets a timer for `at`.
    pub fn set(&mut self, at: Tick, timer: Timer, generation: u32) {
        self.sequence += 1;
        self.heap
            .push(Reverse((at, self.sequence, Armed { timer, generation })));
    }

    /// When the next timer is due.
    pub fn next(&self) -> Option<Tick> {
        self.heap.peek().map(|Reverse((at, _, _))| *at)
    }

    /// The next timer and when it is due.
    pub fn peek(&self) -> Option<(Tick, Armed)> {
        self.heap
            .peek()
            .map(|Reverse((at, _, armed))| (*at, *armed))
    }

    /// Drops the next timer.
    pub fn pop(&mut self) {
        self.heap.pop();
    }

    /// The next timer due at or before `now`, with when it was due.
    pub fn pop_due(&mut self, now: Tick) -> Option<(Tick, Armed)> {
        if self.next()? > now {
            return None;
        }
        self.heap.pop().map(|Reverse((at, _, armed))| (at, armed))
    }
}
