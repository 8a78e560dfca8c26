//! The short-term scheduler: the ready queue, ordered the way the policy wants, and the choice
//! of the next process to run. Each policy's own rules live in its module.

mod hrrn;
mod keyed;
mod lottery;
pub mod mlfq;

use super::config::{Policy, Rules};
use super::event::{Beat, Pick};
use super::ids::{Pid, Tick};
use super::pcb::Pcb;
use super::process_table::ProcessTable;
use super::random::{SeededRng, Stream};
use std::collections::{BTreeSet, VecDeque};

/// Sort key of a process in an ordered ready queue: the policy's key, then the tie-breaks.
type Key = (i64, Tick, u32, Pid);

#[derive(Clone, Debug)]
enum Queue {
    /// FCFS and RR: a FIFO.
    Fifo(VecDeque<Pid>),
    /// SJF, SRTF, priority, stride: ordered by a key fixed when the process enters.
    Keyed(BTreeSet<Key>),
    /// MLFQ: one FIFO per level, index 0 the bottom queue.
    Levels(Vec<VecDeque<Pid>>),
    /// Lottery and HRRN: every ready process is looked at for each choice, in tie-break order.
    Scan(Vec<Pid>),
}

/// The ready queue and the policy that orders it.
#[derive(Clone, Debug)]
pub struct Scheduler {
    policy: Policy,
    rules: Rules,
    queue: Queue,
    rng: SeededRng,
}

/// Where a process goes when it enters the ready queue.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Placement {
    /// The back (or its place by key).
    Back,
    /// The front of its queue: an MLFQ job preempted by a higher queue, or one back from I/O
    /// with OSTEP's iobump rule.
    Front,
}

impl Scheduler {
    /// An empty ready queue for `policy`; `seed` drives the lottery.
    pub fn new(policy: Policy, rules: Rules, seed: u64) -> Scheduler {
        let queue = match &policy {
            Policy::Fcfs | Policy::Rr { .. } => Queue::Fifo(VecDeque::new()),
            Policy::Sjf
            | Policy::Srtf
            | Policy::Priority
            | Policy::PriorityPreemptive
            | Policy::Stride { .. } => Queue::Keyed(BTreeSet::new()),
            Policy::Mlfq(cfg) => Queue::Levels(vec![VecDeque::new(); cfg.levels()]),
            Policy::Lottery { .. } | Policy::Hrrn => Queue::Scan(Vec::new()),
        };
        Scheduler {
            policy,
            rules,
            queue,
            rng: SeededRng::new(seed, Stream::Lottery),
        }
    }

    /// The tie-break part of the sort key: earlier arrival (unless the rule says file order),
    /// then file order.
    fn tie(&self, pcb: &Pcb) -> (Tick, u32) {
        self.rules.tie_key(pcb.acct.arrival, pcb.order)
    }

    /// Puts a process into the ready queue. Its key is computed now and kept in its PCB.
    #[inline]
    pub fn push(&mut self, pid: Pid, table: &mut ProcessTable, placement: Placement) {
        // A FIFO needs no key: skip the work on the round-robin fast path.
        if let Queue::Fifo(q) = &mut self.queue {
            match placement {
                Placement::Back => q.push_back(pid),
                Placement::Front => q.push_front(pid),
            }
            return;
        }
        let pcb = &mut table[pid];
        pcb.sched.burst_left = pcb.burst_left();
        let key = keyed::key(&self.policy, self.rules.priority, pcb);
        pcb.sched.queued_key = key;
        let pcb = &table[pid];
        let tie = self.tie(pcb);
        match &mut self.queue {
            Queue::Fifo(_) => {}
            Queue::Keyed(set) => {
                set.insert((key, tie.0, tie.1, pid));
            }
            Queue::Levels(levels) => {
                let q = &mut levels[pcb.sched.level as usize];
                match placement {
                    Placement::Back => q.push_back(pid),
                    Placement::Front => q.push_front(pid),
                }
            }
            Queue::Scan(list) => {
                let rules = self.rules;
                let at = list.partition_point(|&other| {
                    let o = &table[other];
                    rules.tie_key(o.acct.arrival, o.order) <= tie
                });
                list.insert(at, pid);
            }
        }
    }

    /// Takes a process out of the ready queue (it was swapped out or killed).
    pub fn remove(&mut self, pcb: &Pcb) {
        let pid = pcb.pid;
        let tie = self.tie(pcb);
        match &mut self.queue {
            Queue::Fifo(q) => q.retain(|&p| p != pid),
            Queue::Keyed(set) => {
                set.remove(&(pcb.sched.queued_key, tie.0, tie.1, pid));
            }
            Queue::Levels(levels) => levels.iter_mut().for_each(|q| q.retain(|&p| p != pid)),
            Queue::Scan(list) => list.retain(|&p| p != pid),
        }
    }

    /// Takes `pid` out of the ready queue to run it, with the reason it is picked.
    pub fn take(&mut self, pid: Pid, table: &ProcessTable) -> Option<Pick> {
        let pcb = table.get(pid)?;
        if !self.contains(pcb) {
            return None;
        }
        self.remove(pcb);
        let key = pcb.sched.queued_key;
        let tie = match &self.queue {
            Queue::Keyed(set) => set.first().is_some_and(|next| next.0 == key),
            _ => false,
        };
        Some(match &self.policy {
            Policy::Mlfq(_) => Pick::Mlfq {
                level: pcb.sched.level,
                quantum_left: pcb.sched.quantum_left,
            },
            Policy::Rr { quantum } => Pick::Rr { quantum: *quantum },
            Policy::Fcfs => Pick::Fcfs,
            policy => keyed::pick(policy, self.rules.priority, key, tie),
        })
    }

    /// The smallest key in an ordered ready queue (the stride scheduler's lowest pass).
    pub fn min_key(&self) -> Option<i64> {
        match &self.queue {
            Queue::Keyed(set) => set.first().map(|k| k.0),
            _ => None,
        }
    }

    /// Number of ready processes.
    #[inline]
    pub fn len(&self) -> usize {
        match &self.queue {
            Queue::Fifo(q) => q.len(),
            Queue::Keyed(set) => set.len(),
            Queue::Levels(levels) => levels.iter().map(VecDeque::len).sum(),
            Queue::Scan(list) => list.len(),
        }
    }

    /// True if nothing is ready.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Removes and returns the process to run next, with the reason.
    #[inline]
    pub fn pop(&mut self, table: &ProcessTable, now: Tick) -> Option<(Pid, Pick)> {
        match &mut self.queue {
            Queue::Fifo(q) => {
                let pid = q.pop_front()?;
                let pick = match self.policy.quantum() {
                    Some(quantum) => Pick::Rr { quantum },
                    None => Pick::Fcfs,
                };
                Some((pid, pick))
            }
            Queue::Keyed(set) => {
                let (key, _, _, pid) = set.pop_first()?;
                let tie = set.first().is_some_and(|next| next.0 == key);
                Some((
                    pid,
                    keyed::pick(&self.policy, self.rules.priority, key, tie),
                ))
            }
            Queue::Levels(levels) => {
                let level = levels.iter().rposition(|q| !q.is_empty())?;
                let pid = levels[level].pop_front()?;
                let pick = Pick::Mlfq {
                    level: level as u8,
                    quantum_left: table[pid].sched.quantum_left,
                };
                Some((pid, pick))
            }
            Queue::Scan(list) => {
                let (at, pick) = match self.policy {
                    Policy::Lottery { .. } => lottery::draw(list, table, &mut self.rng)?,
                    _ => hrrn::choose(list, table, now)?,
                };
                Some((list.remove(at), pick))
            }
        }
    }

    /// For preemptive policies: the ready process that should take the CPU from `running`
    /// (whose current burst has `left` ticks to go), and why.
    pub fn beats(&self, running: &Pcb, left: Tick) -> Option<(Pid, Beat)> {
        let strict = !self.rules.preempt_on_tie;
        match (&self.policy, &self.queue) {
            (Policy::Mlfq(_), Queue::Levels(levels)) => {
                let level = levels.iter().rposition(|q| !q.is_empty())? as u8;
                let pid = *levels[level as usize].front()?;
                (level > running.sched.level).then_some((
                    pid,
                    Beat::Level {
                        new: level,
                        old: running.sched.level,
                    },
                ))
            }
            (Policy::Srtf | Policy::PriorityPreemptive, Queue::Keyed(set)) => {
                let &(key, _, _, pid) = set.first()?;
                let mine = self.running_key(running, left);
                let better = if strict { key < mine } else { key <= mine };
                better.then(|| {
                    (
                        pid,
                        keyed::beat(&self.policy, self.rules.priority, key, mine),
                    )
                })
            }
            _ => None,
        }
    }

    /// The key a running process would have in the ready queue; bigger is worse. Used to pick
    /// which of several CPUs to preempt.
    pub fn running_key(&self, running: &Pcb, left: Tick) -> i64 {
        match &self.policy {
            Policy::Mlfq(_) => -i64::from(running.sched.level),
            Policy::Srtf => left as i64,
            _ => keyed::key(&self.policy, self.rules.priority, running),
        }
    }

    /// The ready processes in the order the policy would run them (for MLFQ: top queue first;
    /// for lottery: in ticket order, as the draw walks them; for HRRN: by current ratio).
    pub fn ordered(&self, table: &ProcessTable, now: Tick) -> Vec<Pid> {
        match &self.queue {
            Queue::Fifo(q) => q.iter().copied().collect(),
            Queue::Keyed(set) => set.iter().map(|k| k.3).collect(),
            Queue::Levels(levels) => levels.iter().rev().flatten().copied().collect(),
            Queue::Scan(list) => match self.policy {
                Policy::Hrrn => hrrn::ranked(list, table, now),
                _ => list.clone(),
            },
        }
    }

    /// MLFQ: the queue of each level, bottom first.
    pub fn levels(&self) -> Option<Vec<Vec<Pid>>> {
        match &self.queue {
            Queue::Levels(levels) => {
                Some(levels.iter().map(|q| q.iter().copied().collect()).collect())
            }
            _ => None,
        }
    }

    /// MLFQ boost: every queue but the top one is emptied into the top queue, lowest first; in
    /// each level the jobs running at that level (`running`, already in CPU order) come first,
    /// because in OSTEP's mlfq.py the running job is the head of its queue.
    pub fn boost(&mut self, running: &[(Pid, u8)]) {
        if let Queue::Levels(levels) = &mut self.queue {
            let top = levels.len() - 1;
            let mut moved = Vec::new();
            for (level, queue) in levels.iter_mut().enumerate().take(top) {
                moved.extend(
                    running
                        .iter()
                        .filter(|r| r.1 as usize == level)
                        .map(|r| r.0),
                );
                moved.extend(queue.drain(..));
            }
            levels[top].extend(moved);
        }
    }

    /// True if the process is in the ready queue (found by its key in an ordered queue).
    #[inline]
    pub fn contains(&self, pcb: &Pcb) -> bool {
        let pid = pcb.pid;
        match &self.queue {
            Queue::Fifo(q) => q.contains(&pid),
            Queue::Keyed(set) => {
                let tie = self.tie(pcb);
                set.contains(&(pcb.sched.queued_key, tie.0, tie.1, pid))
            }
            Queue::Levels(levels) => levels.iter().any(|q| q.contains(&pid)),
            Queue::Scan(list) => list.contains(&pid),
        }
    }
}
