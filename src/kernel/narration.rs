//! Events in words: `describe` turns the reasons the kernel records, which name processes
//! and devices by number, into sentences a student can read.

use super::event::{Beat, LevelChange, Pick, Reason};
use super::ids::{DeviceId, Pid, Tick};
use super::program::SpecIndex;

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
