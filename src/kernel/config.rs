//! How the simulated kernel is set up: its policies, rules and resources.

use super::ids::Tick;
use serde::Serialize;
use std::sync::Arc;

/// The short-term scheduling policy.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "name")]
pub enum Policy {
    /// First come, first served.
    Fcfs,
    /// Shortest job (next CPU burst) first, non-preemptive.
    Sjf,
    /// Shortest remaining time first (preemptive SJF).
    Srtf,
    /// Priority, non-preemptive.
    Priority,
    /// Priority, preemptive.
    PriorityPreemptive,
    /// Round robin with a time quantum.
    Rr {
        /// The time quantum.
        quantum: Tick,
    },
    /// Multi-level feedback queue.
    Mlfq(MlfqConfig),
    /// Lottery scheduling: each quantum goes to a randomly drawn ticket.
    Lottery {
        /// The time quantum.
        quantum: Tick,
    },
    /// Stride scheduling: each quantum goes to the lowest pass.
    Stride {
        /// The time quantum.
        quantum: Tick,
    },
    /// Highest response ratio next, non-preemptive.
    Hrrn,
}

impl Policy {
    /// Every policy's scenario-file name, in the order the documentation lists them.
    pub const NAMES: [&'static str; 10] = [
        "fcfs",
        "sjf",
        "srtf",
        "priority",
        "priority-preemptive",
        "rr",
        "mlfq",
        "lottery",
        "stride",
        "hrrn",
    ];

    /// The scenario-file name of the policy.
    pub fn name(&self) -> &'static str {
        match self {
            Policy::Fcfs => "fcfs",
            Policy::Sjf => "sjf",
            Policy::Srtf => "srtf",
            Policy::Priority => "priority",
            Policy::PriorityPreemptive => "priority-preemptive",
            Policy::Rr { .. } => "rr",
            Policy::Mlfq(_) => "mlfq",
            Policy::Lottery { .. } => "lottery",
            Policy::Stride { .. } => "stride",
            Policy::Hrrn => "hrrn",
        }
    }

    /// The textbook's name for the policy.
    pub fn title(&self) -> &'static str {
        match self {
            Policy::Fcfs => "first come, first served",
            Policy::Sjf => "shortest job first",
            Policy::Srtf => "shortest remaining time first",
            Policy::Priority => "priority (non-preemptive)",
            Policy::PriorityPreemptive => "priority (preemptive)",
            Policy::Rr { .. } => "round robin",
            Policy::Mlfq(_) => "multi-level feedback queue",
            Policy::Lottery { .. } => "lottery",
            Policy::Stride { .. } => "stride",
            Policy::Hrrn => "highest response ratio next",
        }
    }

    /// The fixed time quantum, for the policies that have one.
    pub fn quantum(&self) -> Option<Tick> {
        match self {
            Policy::Rr { quantum } | Policy::Lottery { quantum } | Policy::Stride { quantum } => {
                Some(*quantum)
            }
            _ => None,
        }
    }

    /// True if a newly ready process can take the CPU from a running one.
    pub fn is_preemptive(&self) -> bool {
        matches!(
            self,
            Policy::Srtf | Policy::PriorityPreemptive | Policy::Mlfq(_)
        )
    }

    /// True for the policies that use process priorities (and so can age them).
    pub fn uses_priority(&self) -> bool {
        matches!(self, Policy::Priority | Policy::PriorityPreemptive)
    }
}

/// The multi-level feedback queue's configuration. Level `levels - 1` is the top queue, as in
/// OSTEP; `quantum[0]` and `allotment[0]` belong to the top queue.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MlfqConfig {
    /// Time slice of each queue, top queue first.
    pub quantum: Vec<Tick>,
    /// How many quanta a job may use at each queue before it moves down, top queue first.
    pub allotment: Vec<u32>,
    /// Period of the priority boost; `None` for no boost.
    pub boost: Option<Tick>,
    /// OSTEP's `-S`: issuing an I/O resets the job's quantum and allotment at its level.
    pub io_resets_allotment: bool,
    /// OSTEP's `-I`: a job that finishes I/O goes to the front of its queue.
    pub io_to_front: bool,
}

impl MlfqConfig {
    /// Number of queues.
    pub fn levels(&self) -> usize {
        self.quantum.len()
    }

    /// The number of the top queue.
    pub fn top(&self) -> u8 {
        (self.levels() - 1) as u8
    }

    /// Time slice at `level` (0 is the bottom queue).
    pub fn quantum_at(&self, level: u8) -> Tick {
        self.quantum[self.levels() - 1 - level as usize]
    }

    /// Allotment, in quanta, at `level`.
    pub fn allotment_at(&self, level: u8) -> u32 {
        self.allotment[self.levels() - 1 - level as usize]
    }
}

/// Optional aging for the priority policies: a process that waits in the ready queue gets
/// one step better every `every` ticks, up to `best`, until it leaves the CPU again.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Aging {
    /// Ticks of waiting per step.
    pub every: Tick,
    /// How much one step improves the priority.
    pub step: i64,
    /// The most important priority aging can reach.
    pub best: i64,
}

/// Which way priority numbers point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PriorityOrder {
    /// 0 is the highest priority (the textbook's and Linux's nice convention).
    LowerFirst,
    /// Bigger numbers are more important.
    HigherFirst,
}

/// How ties between otherwise equal processes are broken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TieBreak {
    /// The earlier arrival wins, then the one written first in the file.
    Arrival,
    /// The one written first in the file wins.
    FileOrder,
}

/// Where a process whose quantum expires goes, relative to processes that become ready at the
/// same tick.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Preempted {
    /// Newcomers enter the ready queue first (the textbook's convention).
    AfterNewcomers,
    /// The preempted process goes back first (what OSTEP's mlfq.py does).
    BeforeNewcomers,
}

/// The order among processes that become ready at the same tick.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Wakeups {
    /// Arrivals and processes returning from I/O are ordered by the tie-break rule.
    ByTieBreak,
    /// Arrivals first, then returns from I/O in the order they happened (mlfq.py).
    AfterArrivals,
}

/// The ordering rules: stated, documented and switchable under `[kernel.rules]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Rules {
    /// Tie-break between equal candidates.
    pub tie_break: TieBreak,
    /// Which priority numbers are more important.
    pub priority: PriorityOrder,
    /// Where a process whose quantum expired re-enters the ready queue.
    pub preempted: Preempted,
    /// Order of simultaneous arrivals and wake-ups.
    pub wakeups: Wakeups,
    /// Preempt when the newcomer is only as good as the running process (default: no).
    pub preempt_on_tie: bool,
}

impl Rules {
    /// The tie-break sort key of a process that arrived at `arrival` and is number `order` in
    /// the file: smaller wins.
    pub fn tie_key(&self, arrival: Tick, order: u32) -> (Tick, u32) {
        match self.tie_break {
            TieBreak::Arrival => (arrival, order),
            TieBreak::FileOrder => (0, order),
        }
    }

    /// The default rules for a policy: the textbook's, except that mlfq follows OSTEP's mlfq.py.
    pub fn defaults_for(policy: &Policy) -> Rules {
        let mlfq = matches!(policy, Policy::Mlfq(_));
        Rules {
            tie_break: TieBreak::Arrival,
            priority: PriorityOrder::LowerFirst,
            preempted: if mlfq {
                Preempted::BeforeNewcomers
            } else {
                Preempted::AfterNewcomers
            },
            wakeups: if mlfq {
                Wakeups::AfterArrivals
            } else {
                Wakeups::ByTieBreak
            },
            preempt_on_tie: false,
        }
    }
}

/// How the long-term scheduler picks the next job to admit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Admission {
    /// Oldest job first.
    Fcfs,
    /// Keep a balance of I/O-bound and CPU-bound processes in memory.
    Mix,
}

/// A device and how many requests it can serve at once.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DeviceConfig {
    /// Its name in the scenario.
    pub name: Arc<str>,
    /// Requests served at once; `None` for no limit (every request is served at once).
    pub servers: Option<u32>,
}

/// Everything the kernel needs to know that is not the workload.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KernelConfig {
    /// Short-term scheduler.
    pub policy: Policy,
    /// Aging for the priority policies.
    pub aging: Option<Aging>,
    /// Ordering rules.
    pub rules: Rules,
    /// Ticks per context switch.
    pub context_switch: Tick,
    /// Number of CPUs.
    pub cpus: u16,
    /// Long-term scheduler: most processes admitted at once.
    pub max_multiprogramming: Option<u32>,
    /// Long-term scheduler: which job next.
    pub admission: Admission,
    /// Medium-term scheduler: memory units in all; `None` for unlimited.
    pub memory: Option<u32>,
    /// Ticks to swap a process out, and again to swap it in.
    pub swap_time: Tick,
    /// The devices, in the order they were first named.
    pub devices: Vec<DeviceConfig>,
    /// Seed for the lottery draws (and the scenario's generator).
    pub seed: u64,
    /// Bytes a pipe or FIFO holds.
    pub pipe_capacity: u32,
    /// Buffering of the links of direct communication.
    pub link_capacity: super::message::Capacity,
    /// Ticks an RPC client stub waits for a reply before it sends again or gives up.
    pub rpc_timeout: u64,
}

impl KernelConfig {
    /// A configuration with one CPU, no limits and no switch cost.
    pub fn new(policy: Policy) -> KernelConfig {
        KernelConfig {
            rules: Rules::defaults_for(&policy),
            policy,
            aging: None,
            context_switch: 0,
            cpus: 1,
            max_multiprogramming: None,
            admission: Admission::Fcfs,
            memory: None,
            swap_time: 0,
            devices: Vec::new(),
            seed: 0,
            pipe_capacity: super::ipc::PIPE_CAPACITY as u32,
            link_capacity: super::message::Capacity::Unbounded,
            rpc_timeout: super::rpc::DEFAULT_TIMEOUT,
        }
    }
}
