//! What the kernel tells the world: every change of state, with a reason a student can read.
//! Events carry pids, not names; `describe` turns them into sentences with a name lookup.

use super::ids::{CpuId, DeviceId, Pid, Tick};
use super::pcb::{Accounting, Registers};
use super::program::{ExitStatus, Signal, SpecIndex};
use super::state::State;
use serde::Serialize;
use std::sync::Arc;

/// Why the short-term scheduler picked a process.
#[derive(Copy, Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "policy")]
pub enum Pick {
    /// First in the FIFO ready queue.
    Fcfs,
    /// Shortest next burst (`tie`: another ready process had the same).
    Sjf { burst: Tick, tie: bool },
    /// Shortest remaining time.
    Srtf { left: Tick, tie: bool },
    /// Best priority.
    Priority { priority: i64, tie: bool },
    /// Next in the round-robin queue.
    Rr { quantum: Tick },
    /// Head of the highest non-empty MLFQ queue.
    Mlfq { level: u8, quantum_left: Tick },
    /// Holder of the winning lottery ticket.
    Lottery { ticket: u64, total: u64, held: u32 },
    /// Lowest pass.
    Stride { pass: u64, tie: bool },
    /// Highest response ratio (waited + burst) / burst.
    Hrrn { waited: Tick, burst: Tick },
}

/// Why a newly ready process takes the CPU from a running one.
#[derive(Copy, Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "by")]
pub enum Beat {
    /// SRTF: less time left.
    Remaining { new: Tick, old: Tick },
    /// Priority: more important.
    Priority { new: i64, old: i64 },
    /// MLFQ: a higher queue.
    Level { new: u8, old: u8 },
    /// MLFQ with `io_to_front`: back from waiting, it goes to the front of its queue, ahead of the
    /// running job (OSTEP's `-I`).
    IoToFront { level: u8 },
}

/// What the MLFQ did with a job whose quantum ran out.
#[derive(Copy, Clone, Debug, PartialEq, Serialize)]
pub struct LevelChange {
    /// Queue before.
    pub from: u8,
    /// Queue after (the same if allotment is left or it is already at the bottom).
    pub to: u8,
    /// Quanta of allotment left at the new level.
    pub allotment_left: u32,
    /// The allotment ran out at the bottom queue, so it starts over there.
    pub at_bottom: bool,
}

/// Why something happened, in a form that `describe` turns into a sentence.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "why")]
pub enum Reason {
    /// Submitted; enters the job queue.
    Arrived,
    /// Created by its parent's `fork`.
    Forked { parent: Pid },
    /// The long-term scheduler admitted it.
    Admitted {
        in_use: u32,
        limit: Option<u32>,
        io_bound: Option<bool>,
    },
    /// Admitted, but memory is full: it waits swapped out.
    NoRoom { need: u32, free: u32 },
    /// Admitted, but others are already waiting to be swapped in: it waits behind them.
    BehindInSwapQueue { ahead: u32 },
    /// Swapped out to make room for another process.
    SwappedOut { for_pid: Pid, need: u32, free: u32 },
    /// Swapped back in.
    SwappedIn { size: u32 },
    /// Its swap-out transfer is over; its memory is free.
    SwapOutDone { size: u32 },
    /// Picked by the short-term scheduler.
    Dispatched(Pick),
    /// Its time slice ran out.
    QuantumExpired {
        quantum: Tick,
        level: Option<LevelChange>,
    },
    /// A better process took its CPU.
    Preempted { by: Pid, beat: Beat },
    /// A switch was under way when a better process became ready; it goes back.
    SwitchAbandoned { by: Pid },
    /// The process being switched in on `cpu` ended before the switch was done; the rest of
    /// the switch (`unused` ticks) is not spent.
    SwitchCut { unused: Tick },
    /// The MLFQ priority boost moved every job to the top queue.
    Boost { period: Tick },
    /// Its time slice ran out and it was picked again: nothing else was ready, or (lottery,
    /// stride) the policy chose it again; `again` says why in the second case.
    QuantumRenewed {
        quantum: Tick,
        level: Option<LevelChange>,
        again: Option<Pick>,
    },
    /// Asked a device for service.
    IoRequested {
        device: DeviceId,
        ticks: Tick,
        ahead: u32,
    },
    /// The device started serving its request.
    IoStarted { device: DeviceId, ticks: Tick },
    /// The device finished its request.
    IoDone { device: DeviceId },
    /// Went to sleep.
    Sleeping { ticks: Tick },
    /// The sleep is over.
    Woke { ticks: Tick },
    /// Called `wait`.
    WaitsForChild { child: Option<Pid> },
    /// `wait` returned with a child's status.
    ChildReaped { child: Pid, status: ExitStatus },
    /// `wait` found no child to wait for.
    NoChildren { child: Option<SpecIndex> },
    /// Exited; `zombie` says whether it stays a zombie until its parent waits.
    Exited {
        status: ExitStatus,
        parent: Pid,
        zombie: bool,
    },
    /// Its parent (or init) collected the exit status.
    Reaped { by: Pid },
    /// Killed by another process's `kill`.
    Killed { by: Pid, signal: Signal },
    /// Its target was not alive (`zombie`: it had exited but was not reaped yet).
    KillFailed {
        target: SpecIndex,
        signal: Signal,
        zombie: bool,
    },
    /// Terminated because an ancestor with `cascade` exited.
    Cascade { ancestor: Pid },
    /// Its parent exited; init adopts it.
    Orphaned { parent: Pid },
    /// Replaced its program; `dropped` steps after the exec will never run.
    Exec {
        command: Arc<str>,
        args: Arc<[Arc<str>]>,
        dropped: u32,
    },
    /// Aging improved its priority.
    Aged { from: i64, to: i64 },
}

/// A change of state.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Transition {
    /// When.
    pub time: Tick,
    /// Who.
    pub pid: Pid,
    /// State before (`None` when the process is created).
    pub from: Option<State>,
    /// State after.
    pub to: State,
    /// Why.
    pub reason: Reason,
    /// The CPU involved, when the process starts or stops running.
    pub cpu: Option<CpuId>,
}

/// A context switch: the dispatcher saves one context and loads another.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Switch {
    /// When it starts.
    pub time: Tick,
    /// Which CPU.
    pub cpu: CpuId,
    /// Whose context the CPU held.
    pub from: Option<Pid>,
    /// Whose context it loads.
    pub to: Pid,
    /// How long it takes.
    pub cost: Tick,
    /// Registers saved in the outgoing PCB when it left the CPU.
    pub saved: Option<Registers>,
    /// Registers loaded from the incoming PCB.
    pub restored: Registers,
}

/// The final record of a process, sent when it exits or is killed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finished {
    /// When.
    pub time: Tick,
    /// Who.
    pub pid: Pid,
    /// Position in the scenario.
    pub order: SpecIndex,
    /// How it ended.
    pub status: ExitStatus,
    /// Its time, by state.
    pub acct: Accounting,
}

/// Everything the kernel reports.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Event {
    /// A process exists from now on.
    Created {
        /// When.
        time: Tick,
        /// Its pid.
        pid: Pid,
        /// Its name.
        name: Arc<str>,
        /// Its parent.
        parent: Pid,
        /// Position in the scenario.
        order: SpecIndex,
    },
    /// A change of state.
    Transition(Transition),
    /// A context switch begins.
    Switch(Switch),
    /// Something worth telling that changes no state.
    Note {
        /// When.
        time: Tick,
        /// Who, if anyone.
        pid: Option<Pid>,
        /// What.
        reason: Reason,
    },
    /// A process has finished.
    Finished(Finished),
}

impl Event {
    /// When it happened.
    pub fn time(&self) -> Tick {
        match self {
            Event::Created { time, .. } | Event::Note { time, .. } => *time,
            Event::Transition(t) => t.time,
            Event::Switch(s) => s.time,
            Event::Finished(f) => f.time,
        }
    }
}

/// The kinds of event, so that a sink can say which it wants.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// [`Event::Created`].
    Created,
    /// [`Event::Transition`].
    Transition,
    /// [`Event::Switch`].
    Switch,
    /// [`Event::Note`].
    Note,
    /// [`Event::Finished`].
    Finished,
}

/// A consumer of kernel events: a report, a recorder, the TUI.
pub trait EventSink {
    /// Receives one event.
    fn event(&mut self, event: Event);

    /// Whether the sink wants events of this kind; the kernel does not even build the others
    /// (a summary needs no transitions, and a million-process run makes tens of millions).
    #[inline]
    fn wants(&self, _kind: EventKind) -> bool {
        true
    }
}

impl EventSink for Vec<Event> {
    fn event(&mut self, event: Event) {
        self.push(event);
    }
}

/// Sends the event `build` makes, if the sink wants events of that kind; otherwise the event
/// is not even built.
#[inline]
pub fn emit<S: EventSink + ?Sized>(sink: &mut S, kind: EventKind, build: impl FnOnce() -> Event) {
    if sink.wants(kind) {
        sink.event(build());
    }
}

/// A sink that drops everything.
#[derive(Debug, Default)]
pub struct Discard;

impl EventSink for Discard {
    #[inline]
    fn event(&mut self, _: Event) {}

    #[inline]
    fn wants(&self, _kind: EventKind) -> bool {
        false
    }
}

/// Looks up the names that events refer to by number.
pub trait Names {
    /// Name of a process (init for pid 1).
    fn process(&self, pid: Pid) -> String;
    /// Name of a listed process by its position in the scenario.
    fn spec(&self, index: SpecIndex) -> String;
    /// Name of a device.
    fn device(&self, device: DeviceId) -> String;
}

fn tie_note(tie: bool) -> &'static str {
    if tie {
        "; a tie, broken by the tie-break rule ([kernel.rules] tie_break)"
    } else {
        ""
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

impl Pick {
    /// The reason in words.
    pub fn describe(&self) -> String {
        match *self {
            Pick::Fcfs => "FCFS: first in the ready queue".into(),
            Pick::Sjf { burst, tie } => {
                format!("SJF: shortest next CPU burst ({burst}){}", tie_note(tie))
            }
            Pick::Srtf { left, tie } => {
                format!("SRTF: shortest remaining time ({left}){}", tie_note(tie))
            }
            Pick::Priority { priority, tie } => format!(
                "priority {priority} is the best among the ready processes{}",
                tie_note(tie)
            ),
            Pick::Rr { quantum } => format!("RR: next in the ready queue, for up to {quantum}"),
            Pick::Mlfq {
                level,
                quantum_left,
            } => format!(
                "MLFQ: first in queue {level}, the highest non-empty queue ({quantum_left} of its quantum left)"
            ),
            Pick::Lottery {
                ticket,
                total,
                held,
            } => format!("lottery: drew ticket {ticket} of {total}; holds {held}"),
            Pick::Stride { pass, tie } => format!("stride: lowest pass ({pass}){}", tie_note(tie)),
            Pick::Hrrn { waited, burst } => {
                let ratio = (waited + burst) as f64 / burst.max(1) as f64;
                format!(
                    "HRRN: highest response ratio {ratio:.2} = ({waited} waited + {burst} burst) / {burst}"
                )
            }
        }
    }
}

impl Beat {
    /// True if the two were equal (a preemption only `preempt_on_tie` allows).
    pub fn is_tie(&self) -> bool {
        match *self {
            Beat::Remaining { new, old } => new == old,
            Beat::Priority { new, old } => new == old,
            Beat::Level { .. } | Beat::IoToFront { .. } => false,
        }
    }

    fn describe(&self) -> String {
        match *self {
            Beat::Remaining { new, old } if new == old => {
                format!("remaining {new} = {old}, and preempt_on_tie is on")
            }
            Beat::Remaining { new, old } => format!("remaining {new} < {old}"),
            Beat::Priority { new, old } if new == old => {
                format!("priority {new} ties with {old}, and preempt_on_tie is on")
            }
            Beat::Priority { new, old } => format!("priority {new} beats {old}"),
            Beat::Level { new, old } => format!("queue {new} is above queue {old}"),
            Beat::IoToFront { level } => format!(
                "back from waiting, it goes to the front of queue {level}, ahead of the running job (io_to_front)"
            ),
        }
    }
}

fn level_change(quantum: Tick, change: &Option<LevelChange>) -> String {
    match change {
        None => format!("quantum of {quantum} expired"),
        Some(c) if c.at_bottom => format!(
            "quantum of {quantum} expired; it stays in the bottom queue with a fresh allotment"
        ),
        Some(c) if c.to < c.from => format!(
            "quantum of {quantum} expired and its allotment at queue {} is used up: moves down to queue {}",
            c.from, c.to
        ),
        Some(c) => format!(
            "quantum of {quantum} expired at queue {} ({} left of its allotment)",
            c.to,
            plural(c.allotment_left.into(), "quantum", "quanta")
        ),
    }
}

impl Reason {
    /// The reason as a sentence, using `names` for the processes and devices it mentions.
    pub fn describe(&self, names: &dyn Names) -> String {
        let p = |pid: Pid| names.process(pid);
        match self.clone() {
            Reason::Arrived => "arrives; enters the job queue".into(),
            Reason::Forked { parent } => format!("created by {}'s fork", p(parent)),
            Reason::Admitted {
                in_use,
                limit,
                io_bound,
            } => {
                let mix = match io_bound {
                    Some(true) => " (mix: I/O-bound jobs are fewer, so an I/O-bound one goes next)",
                    Some(false) => " (mix: CPU-bound jobs are fewer, so a CPU-bound one goes next)",
                    None => "",
                };
                match limit {
                    Some(limit) => format!("admitted: {in_use} of {limit} slots in use{mix}"),
                    None => format!("admitted{mix}"),
                }
            }
            Reason::NoRoom { need, free } => format!(
                "admitted, but memory is full (needs {need}, {free} free): waits to be swapped in"
            ),
            Reason::BehindInSwapQueue { ahead } => format!(
                "admitted; waits to be swapped in behind {} already waiting for memory",
                plural(ahead.into(), "process", "processes")
            ),
            Reason::SwappedOut {
                for_pid,
                need,
                free,
            } => format!(
                "swapped out to make room for {} (needs {need}, {free} free)",
                p(for_pid)
            ),
            Reason::SwappedIn { size } => format!("swapped in ({size} units of memory)"),
            Reason::SwapOutDone { size } => {
                format!("swap-out finished: its {size} units of memory are free")
            }
            Reason::Dispatched(pick) => pick.describe(),
            Reason::QuantumExpired { quantum, level } => level_change(quantum, &level),
            Reason::Preempted { by, beat } => format!("{} preempts it: {}", p(by), beat.describe()),
            Reason::SwitchAbandoned { by } => format!(
                "{} became ready during the switch and goes first; back to the ready queue",
                p(by)
            ),
            Reason::SwitchCut { unused } => match unused {
                1 => "it ended while being switched in; the last tick of the switch is not spent"
                    .to_string(),
                n => format!(
                    "it ended while being switched in; the last {n} ticks of the switch are not spent"
                ),
            },
            Reason::Boost { period } => format!(
                "priority boost (every {period}): every job moves to the top queue, lowest queues first"
            ),
            Reason::QuantumRenewed {
                quantum,
                level,
                again,
            } => match again {
                None => format!(
                    "{}; nothing else is ready, so it keeps the CPU",
                    level_change(quantum, &level)
                ),
                Some(pick) => format!(
                    "{}; picked again ({}), so it keeps the CPU",
                    level_change(quantum, &level),
                    pick.describe()
                ),
            },
            Reason::IoRequested {
                device,
                ticks,
                ahead,
            } => {
                let queue = match ahead {
                    0 => "served at once".to_string(),
                    n => format!("{} ahead of it", plural(n.into(), "request", "requests")),
                };
                format!(
                    "requests {} on {}; {queue}",
                    plural(ticks, "tick", "ticks"),
                    names.device(device)
                )
            }
            Reason::IoStarted { device, ticks } => format!(
                "{} starts serving its request ({})",
                names.device(device),
                plural(ticks, "tick", "ticks")
            ),
            Reason::IoDone { device } => format!("{} finished its request", names.device(device)),
            Reason::Sleeping { ticks } => format!("sleeps for {}", plural(ticks, "tick", "ticks")),
            Reason::Woke { ticks } => {
                format!("woke up after {}", plural(ticks, "tick", "ticks"))
            }
            Reason::WaitsForChild { child: Some(c) } => format!("waits for its child {}", p(c)),
            Reason::WaitsForChild { child: None } => "waits for any child to exit".into(),
            Reason::ChildReaped { child, status } => {
                format!("wait returns: child {} {}", p(child), status.ending())
            }
            Reason::NoChildren { child: Some(c) } => format!(
                "wait for {} returns at once: it is not a child to wait for (ECHILD)",
                names.spec(c)
            ),
            Reason::NoChildren { child: None } => {
                "wait returns at once: no children left (ECHILD)".into()
            }
            Reason::Exited {
                status,
                parent,
                zombie,
            } => {
                if zombie {
                    format!(
                        "exits with {status}; stays a zombie until {} calls wait",
                        p(parent)
                    )
                } else if parent == Pid::INIT {
                    format!("exits with {status}; init, its parent, reaps it at once")
                } else {
                    format!(
                        "exits with {status}; {} is already waiting and reaps it",
                        p(parent)
                    )
                }
            }
            Reason::Reaped { by } => format!("reaped by {}", p(by)),
            Reason::Killed { by, signal } => format!("killed by {} with {}", p(by), signal.name()),
            Reason::KillFailed {
                target,
                signal,
                zombie,
            } => {
                if zombie {
                    format!(
                        "kill {} with {} has no effect: it has already exited",
                        names.spec(target),
                        signal.name()
                    )
                } else {
                    format!(
                        "kill {} with {} fails: no such process (ESRCH)",
                        names.spec(target),
                        signal.name()
                    )
                }
            }
            Reason::Cascade { ancestor } => {
                format!("cascading termination: its ancestor {} ended", p(ancestor))
            }
            Reason::Orphaned { parent } => {
                format!(
                    "orphaned: its parent {} exited; init (pid 1) adopts it",
                    p(parent)
                )
            }
            Reason::Exec {
                command,
                args,
                dropped,
            } => {
                let line: Vec<&str> = std::iter::once(&*command)
                    .chain(args.iter().map(|a| &**a))
                    .collect();
                let lost = match dropped {
                    0 => String::new(),
                    1 => "; the step after exec never runs".to_string(),
                    n => format!("; the {n} steps after exec never run"),
                };
                format!(
                    "exec {}: its program is replaced by {command}'s{lost}",
                    line.join(" ")
                )
            }
            Reason::Aged { from, to } => format!("aging: priority {from} → {to}"),
        }
    }
}
