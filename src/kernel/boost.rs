//! The MLFQ priority boost (OSTEP's rule 5): every `boost` ticks all jobs go back to the top
//! queue, so long-running jobs can't starve and jobs that changed behaviour are treated anew.

use super::config::Policy;
use super::cpu::Activity;
use super::engine::Kernel;
use super::event::{Event, EventKind, EventSink, Reason, emit};
use super::ids::Pid;
use super::scheduler::mlfq;
use super::state::State;

impl Kernel {
    /// Phase 2 of a tick: the boost, if one is due now.
    pub(super) fn boost_if_due(&mut self, sink: &mut impl EventSink) {
        if !matches!(self.config.policy, Policy::Mlfq(_)) {
            return;
        }
        let config = self.config.clone();
        let Policy::Mlfq(cfg) = &config.policy else {
            return;
        };
        let Some(period) = cfg.boost else { return };
        if self.now == 0 || !self.now.is_multiple_of(period) || self.last_boost == Some(self.now) {
            return;
        }
        if self.live == 0 {
            return;
        }
        self.last_boost = Some(self.now);
        let top = cfg.top();
        // Jobs running below the top queue are the heads of their queues, as in mlfq.py.
        let mut lower: Vec<(usize, Pid, u8)> = Vec::new();
        for i in 0..self.cpus.len() {
            self.checkpoint(i);
            if let Some(pid) = self.cpus[i].running() {
                let level = self.table[pid].sched.level;
                if level < top {
                    lower.push((i, pid, level));
                }
            }
        }
        let heads: Vec<(Pid, u8)> = lower.iter().map(|&(_, p, l)| (p, l)).collect();
        self.scheduler.boost(&heads);
        for pcb in self.table.iter_mut() {
            if !pcb.state.is_finished() {
                mlfq::enter_top(cfg, &mut pcb.sched);
            }
        }
        emit(sink, EventKind::Note, || Event::Note {
            time: self.now,
            pid: None,
            reason: Reason::Boost { period },
        });
        // The jobs taken from lower queues are in the top queue now; they get their CPU back
        // only if they are first in line.
        for (i, pid, _) in lower {
            self.flush_yield_on(i, sink);
            self.leave_cpu(i);
            self.set_state_quietly(pid, State::Ready);
            self.cpus[i].yielded = Some((pid, Reason::Boost { period }));
        }
        for i in 0..self.cpus.len() {
            if matches!(self.cpus[i].activity, Activity::Running { .. }) {
                self.reslice(i);
            }
        }
    }
}
