//! The medium-term scheduler: memory is finite, so when admitted processes do not fit, some
//! are swapped out (suspended) and swapped back in when room frees up.
//!
//! Rules: processes waiting to be swapped in are served first come, first served. When the
//! first one does not fit, blocked processes are swapped out for it (longest blocked first);
//! a process that has never been in memory may also push out ready ones (the one that would
//! run last first). Running processes are never swapped out.

use super::engine::{Entry, Kernel};
use super::event::{EventSink, Reason};
use super::ids::Pid;
use super::pcb::Residence;
use super::state::State;
use super::timers::Timer;

impl Kernel {
    /// Free memory units (unlimited memory counts as `u32::MAX` free).
    fn free_memory(&self) -> u32 {
        self.config.memory.map_or(u32::MAX, |total| {
            u32::try_from(u64::from(total).saturating_sub(self.memory_used)).unwrap_or(0)
        })
    }

    /// Brings a newly admitted process into memory: it becomes ready if it fits (and nobody is
    /// waiting to be swapped in before it), else it waits swapped out.
    pub(super) fn load(&mut self, pid: Pid, admitted: Reason, sink: &mut impl EventSink) {
        let size = self.table[pid].memory.size;
        let free = self.free_memory();
        if self.config.memory.is_none() || (self.swap_queue.is_empty() && free >= size) {
            self.memory_used += u64::from(size);
            let memory = &mut self.table[pid].memory;
            memory.residence = Residence::In;
            memory.loaded_once = true;
            self.set_state(pid, State::Ready, admitted, None, sink);
            self.newcomer(pid, Entry::Arrival);
        } else {
            let reason = if free >= size {
                Reason::BehindInSwapQueue {
                    ahead: self.swap_queue.len() as u32,
                }
            } else {
                Reason::NoRoom { need: size, free }
            };
            self.set_state(pid, State::ReadySuspended, reason, None, sink);
            self.swap_queue.push_back(pid);
        }
    }

    /// Swaps in the first waiting process if it fits, or swaps others out to make room for it.
    /// Returns true if anything moved.
    pub(super) fn balance_memory(&mut self, sink: &mut impl EventSink) -> bool {
        if self.config.memory.is_none() {
            return false;
        }
        let mut changed = false;
        while let Some(&pid) = self.swap_queue.front() {
            let memory = self.table[pid].memory;
            if memory.residence != Residence::Out {
                break; // its own swap-out is still under way
            }
            let free = self.free_memory();
            if free >= memory.size {
                self.swap_queue.pop_front();
                self.swap_in(pid, sink);
                changed = true;
                continue;
            }
            let short = memory.size - free;
            let outgoing = u32::try_from(self.memory_outgoing).unwrap_or(u32::MAX);
            if short > outgoing
                && let Some(victims) = self.swap_victims(pid, short - outgoing)
            {
                for victim in victims {
                    self.swap_out(victim, pid, memory.size, free, sink);
                }
                changed = true;
                if self.config.swap_time == 0 {
                    continue; // the room is free already
                }
            }
            break;
        }
        changed
    }

    /// Who to swap out to free `short` more units for `pid`, if enough can be freed.
    fn swap_victims(&self, pid: Pid, short: u32) -> Option<Vec<Pid>> {
        let on_cpu: Vec<Pid> = self.cpus.iter().filter_map(|c| c.process()).collect();
        let mut blocked: Vec<(u64, Pid)> = self
            .table
            .iter()
            .filter(|p| p.memory.residence == Residence::In && matches!(p.state, State::Waiting(_)))
            .map(|p| (p.since, p.pid))
            .collect();
        blocked.sort();
        let mut candidates: Vec<Pid> = blocked.into_iter().map(|(_, p)| p).collect();
        if !self.table[pid].memory.loaded_once {
            let ready = self.scheduler.ordered(&self.table, self.now);
            candidates.extend(ready.into_iter().rev().filter(|p| !on_cpu.contains(p)));
        }
        let mut freed = 0;
        let mut chosen = Vec::new();
        for victim in candidates {
            if freed >= short {
                break;
            }
            let size = self.table[victim].memory.size;
            if size == 0 {
                continue;
            }
            freed += size;
            chosen.push(victim);
        }
        (freed >= short).then_some(chosen)
    }

    fn swap_out(
        &mut self,
        pid: Pid,
        for_pid: Pid,
        need: u32,
        free: u32,
        sink: &mut impl EventSink,
    ) {
        let to = match self.table[pid].state {
            State::Ready => {
                self.scheduler.remove(&self.table[pid]);
                State::ReadySuspended
            }
            State::Waiting(on) => State::WaitingSuspended(on),
            _ => return,
        };
        let reason = Reason::SwappedOut {
            for_pid,
            need,
            free,
        };
        self.set_state(pid, to, reason, None, sink);
        if to == State::ReadySuspended {
            self.swap_queue.push_back(pid);
        }
        let size = self.table[pid].memory.size;
        if self.config.swap_time == 0 {
            self.table[pid].memory.residence = Residence::Out;
            self.memory_used -= u64::from(size);
        } else {
            self.table[pid].memory.residence = Residence::SwappingOut;
            self.memory_outgoing += u64::from(size);
            let generation = self.table[pid].sched.generation;
            self.timers.set(
                self.now + self.config.swap_time,
                Timer::SwappedOut { pid },
                generation,
            );
        }
    }

    fn swap_in(&mut self, pid: Pid, sink: &mut impl EventSink) {
        let size = self.table[pid].memory.size;
        self.memory_used += u64::from(size);
        if self.config.swap_time == 0 {
            self.table[pid].memory.residence = Residence::SwappingIn;
            self.swap_in_done(pid, sink);
        } else {
            self.table[pid].memory.residence = Residence::SwappingIn;
            let generation = self.table[pid].sched.generation;
            self.timers.set(
                self.now + self.config.swap_time,
                Timer::SwappedIn { pid },
                generation,
            );
        }
    }

    /// A swap-out transfer is over: its memory is free.
    pub(super) fn swap_out_done(&mut self, pid: Pid, sink: &mut impl EventSink) {
        let memory = &mut self.table[pid].memory;
        if memory.residence == Residence::SwappingOut {
            memory.residence = Residence::Out;
            let size = memory.size;
            self.memory_used -= u64::from(size);
            self.memory_outgoing -= u64::from(size);
            self.freed = true;
            self.note(pid, Reason::SwapOutDone { size }, sink);
        }
    }

    /// A swap-in transfer is over: the process is ready.
    pub(super) fn swap_in_done(&mut self, pid: Pid, sink: &mut impl EventSink) {
        let memory = &mut self.table[pid].memory;
        memory.residence = Residence::In;
        // A process loaded for the first time is arriving, not coming back.
        let entry = if memory.loaded_once {
            Entry::Wakeup
        } else {
            Entry::Arrival
        };
        memory.loaded_once = true;
        let size = memory.size;
        self.set_state(pid, State::Ready, Reason::SwappedIn { size }, None, sink);
        self.newcomer(pid, entry);
    }
}
