//! The policies that keep the ready queue sorted by one number: SJF and SRTF (burst left),
//! the two priority policies (effective priority) and stride (pass).

use crate::kernel::config::{Policy, PriorityOrder};
use crate::kernel::event::{Beat, Pick};
use crate::kernel::pcb::Pcb;

/// The sort key of `pcb` under `policy`: smaller runs first.
pub fn key(policy: &Policy, order: PriorityOrder, pcb: &Pcb) -> i64 {
    match policy {
        Policy::Sjf | Policy::Srtf => pcb.sched.burst_left as i64,
        Policy::Priority | Policy::PriorityPreemptive => match order {
            PriorityOrder::LowerFirst => pcb.priority.effective,
            PriorityOrder::HigherFirst => -pcb.priority.effective,
        },
        Policy::Stride { .. } => pcb.sched.pass as i64,
        _ => 0,
    }
}

fn priority_of(order: PriorityOrder, key: i64) -> i64 {
    match order {
        PriorityOrder::LowerFirst => key,
        PriorityOrder::HigherFirst => -key,
    }
}

/// Why the process with `key` was picked; `tie` if the next in line had the same key.
pub fn pick(policy: &Policy, order: PriorityOrder, key: i64, tie: bool) -> Pick {
    match policy {
        Policy::Sjf => Pick::Sjf {
            burst: key as u64,
            tie,
        },
        Policy::Srtf => Pick::Srtf {
            left: key as u64,
            tie,
        },
        Policy::Stride { .. } => Pick::Stride {
            pass: key as u64,
            tie,
        },
        _ => Pick::Priority {
            priority: priority_of(order, key),
            tie,
        },
    }
}

/// Why a ready process with key `new` preempts a running one with key `old`.
pub fn beat(policy: &Policy, order: PriorityOrder, new: i64, old: i64) -> Beat {
    match policy {
        Policy::Srtf => Beat::Remaining {
            new: new as u64,
            old: old as u64,
        },
        _ => Beat::Priority {
            new: priority_of(order, new),
            old: priority_of(order, old),
        },
    }
}
