//! Aging for the priority policies: a process waiting in the ready queue gets one step more
//! important every `every` ticks, so low-priority processes can't starve. Its priority goes
//! back to its base when it leaves the CPU. Aging stops at the most important priority in use
//! (0, or a more important base priority if the scenario has one).

use super::config::PriorityOrder;
use super::engine::Kernel;
use super::event::{EventSink, Reason};
use super::ids::Pid;
use super::scheduler::Placement;
use super::state::State;
use super::timers::Timer;

impl Kernel {
    /// An aging period of `pid` in the ready queue is over.
    pub(super) fn age(&mut self, pid: Pid, sink: &mut impl EventSink) {
        let Some(aging) = self.config.aging else {
            return;
        };
        if self.table[pid].state != State::Ready || !self.scheduler.contains(&self.table[pid]) {
            return;
        }
        let from = self.table[pid].priority.effective;
        let at_best = match self.config.rules.priority {
            PriorityOrder::LowerFirst => from <= aging.best,
            PriorityOrder::HigherFirst => from >= aging.best,
        };
        if at_best {
            return;
        }
        self.scheduler.remove(&self.table[pid]);
        let pcb = &mut self.table[pid];
        let from = pcb.priority.effective;
        let to = match self.config.rules.priority {
            PriorityOrder::LowerFirst => (from - aging.step).max(aging.best.min(from)),
            PriorityOrder::HigherFirst => (from + aging.step).min(aging.best.max(from)),
        };
        if to == from {
            return; // already as important as aging can make it
        }
        pcb.priority.effective = to;
        let generation = pcb.sched.generation;
        self.scheduler.push(pid, &mut self.table, Placement::Back);
        self.timers
            .set(self.now + aging.every, Timer::Age { pid }, generation);
        self.note(pid, Reason::Aged { from, to }, sink);
    }
}
