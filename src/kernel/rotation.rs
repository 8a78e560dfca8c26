//! A fast path for the commonest tick of a round-robin run: one CPU's quantum runs out and
//! nothing else happens at that tick, so the expired process goes to the back of the queue
//! and the next one takes the CPU. It produces exactly the events and state of the general
//! path in `engine` (a property test runs both and compares), with a fraction of the work —
//! which is what lets a million processes run in a couple of seconds.

use super::config::Policy;
use super::cpu::Activity;
use super::engine::Kernel;
use super::event::{Event, EventKind, EventSink, Reason, Transition, emit};
use super::scheduler::Placement;
use super::state::State;

impl Kernel {
    /// Handles this tick if it is a plain round-robin rotation; returns false, having changed
    /// nothing, if it is not.
    pub(super) fn rotate(&mut self, sink: &mut impl EventSink) -> bool {
        if !self.fast_paths || !matches!(self.config.policy, Policy::Rr { .. }) {
            return false;
        }
        let now = self.now;
        // Exactly one CPU's stretch ends now, and nothing else is due.
        let mut ending = None;
        for (i, cpu) in self.cpus.iter().enumerate() {
            match cpu.activity {
                Activity::Running { until, .. } if until == now => {
                    if ending.is_some() {
                        return false;
                    }
                    ending = Some(i);
                }
                Activity::Switching { until, .. } if until == now => return false,
                _ => {}
            }
        }
        let Some(i) = ending else { return false };
        if self.timers.next() == Some(now)
            || self.workload.next_arrival() == Some(now)
            || !self.job_queue.is_empty()
            || !self.swap_queue.is_empty()
            || !self.newcomers.is_empty()
        {
            return false;
        }
        // Its process must have CPU work left and no quantum.
        self.checkpoint(i);
        let Some(pid) = self.cpus[i].running() else {
            return false;
        };
        let pcb = &self.table[pid];
        let Some(ticks) = pcb.program.cpu_ticks_at(pcb.regs.pc) else {
            return false;
        };
        let left = ticks - pcb.regs.acc;
        if left == 0 || pcb.sched.quantum_left != 0 {
            return false;
        }
        let quantum = self.traits.quantum.unwrap_or(0);
        if self.scheduler.is_empty() {
            // Nobody else is ready: a fresh quantum, no switch.
            self.table[pid].sched.quantum_left = quantum;
            let reason = Reason::QuantumRenewed {
                quantum,
                level: None,
                again: None,
            };
            self.note(pid, reason, sink);
            self.cpus[i].activity = Activity::Running {
                pid,
                since: now,
                until: now + left.min(quantum),
            };
            return true;
        }
        self.leave_cpu(i);
        self.set_state_quietly(pid, State::Ready);
        emit(sink, EventKind::Transition, || {
            Event::Transition(Transition {
                time: now,
                pid,
                from: Some(State::Running),
                to: State::Ready,
                reason: Reason::QuantumExpired {
                    quantum,
                    level: None,
                },
                cpu: Some(self.cpus[i].id),
            })
        });
        self.make_ready(pid, Placement::Back);
        self.dispatch_idle_cpus(sink);
        // Whatever followed from the dispatch (an exit, a fork…) the general path settles.
        if self.freed || !self.newcomers.is_empty() || !self.expired.is_empty() {
            self.settle(sink);
        }
        true
    }
}
