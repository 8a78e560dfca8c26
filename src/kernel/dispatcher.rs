//! The dispatcher: puts processes on CPUs (with the context switch and its cost), runs their
//! programs, takes them off when their quantum expires or a better process preempts them.

use super::config::Policy;
use super::cpu::Activity;
use super::engine::Kernel;
use super::event::{Beat, Event, EventKind, EventSink, Pick, Reason, Switch, Transition, emit};
use super::ids::{Pid, Tick};
use super::program::{ExitStatus, Step};
use super::scheduler::{Placement, mlfq};
use super::state::{State, WaitOn};
use super::syscalls::Flow;

/// The stride scheduler's big number: a process's stride is this divided by its tickets.
pub const STRIDE_ONE: u64 = 10_000;

impl Kernel {
    /// True for the policies that hand out the CPU in time slices.
    #[inline]
    fn sliced(&self) -> bool {
        self.traits.sliced
    }

    /// Folds the time CPU `i` has run its process since the last checkpoint into the PCB:
    /// progress in the current step, quantum used, stride pass.
    pub(super) fn checkpoint(&mut self, i: usize) {
        let Activity::Running { pid, since, until } = self.cpus[i].activity else {
            return;
        };
        let elapsed = self.now - since;
        if elapsed == 0 {
            return;
        }
        let stride = matches!(self.config.policy, Policy::Stride { .. });
        let pcb = &mut self.table[pid];
        pcb.regs.acc += elapsed;
        pcb.sched.quantum_left = pcb.sched.quantum_left.saturating_sub(elapsed);
        if stride {
            pcb.sched.pass += STRIDE_ONE / u64::from(pcb.sched.tickets.max(1)) * elapsed;
        }
        self.cpus[i].activity = Activity::Running {
            pid,
            since: self.now,
            until,
        };
    }

    /// Executes the program of the process running on CPU `i` from its program counter: instant
    /// steps at once, until it has a CPU stretch ahead (whose end is then set) or leaves the CPU.
    pub(super) fn continue_program(&mut self, i: usize, sink: &mut impl EventSink) {
        while let Some(pid) = self.cpus[i].running() {
            let pcb = &self.table[pid];
            let pc = pcb.regs.pc;
            if let Some(ticks) = pcb.program.cpu_ticks_at(pc) {
                let left = ticks - pcb.regs.acc;
                if left == 0 {
                    let pcb = &mut self.table[pid];
                    pcb.regs.pc += 1;
                    pcb.regs.acc = 0;
                    continue;
                }
                if self.sliced() && pcb.sched.quantum_left == 0 {
                    self.quantum_expired(i, pid, sink);
                    return;
                }
                self.set_stretch(i, pid, left);
                return;
            }
            match pcb.program.step(pc) {
                None => return self.terminate_exiting(pid, ExitStatus::Code(0), sink),
                Some(Step::Exit { code }) => {
                    return self.terminate_exiting(pid, ExitStatus::Code(code), sink);
                }
                Some(Step::Io { device, ticks }) => {
                    return self.request_io(i, pid, device, ticks, sink);
                }
                Some(Step::Sleep { ticks }) => {
                    let generation = self.table[pid].sched.generation;
                    self.timers.set(
                        self.now + ticks,
                        super::timers::Timer::Wake { pid, ticks },
                        generation,
                    );
                    return self.block(i, pid, WaitOn::Sleep, Reason::Sleeping { ticks }, sink);
                }
                Some(Step::Wait { child }) => {
                    if let Some(target) = self.wait_blocks(pid, child, sink) {
                        let reason = Reason::WaitsForChild { child: target };
                        return self.block(i, pid, WaitOn::Child { child: target }, reason, sink);
                    }
                    self.table[pid].regs.pc += 1;
                }
                Some(Step::Fork { child }) => {
                    self.table[pid].regs.pc += 1;
                    self.fork(pid, child, sink);
                }
                Some(step @ Step::Exec { .. }) => self.exec(pid, &step, sink),
                Some(Step::Kill { target, signal }) => {
                    self.table[pid].regs.pc += 1;
                    self.kill(pid, target, signal, sink);
                }
                Some(Step::Cpu { .. }) => unreachable!("CPU steps are handled above"),
                Some(step) => match self.syscall(pid, &step, sink) {
                    Flow::Returned => self.table[pid].regs.pc += 1,
                    Flow::Blocks(on, reason, after) => {
                        self.block(i, pid, on, reason, sink);
                        return self.follow(after, sink);
                    }
                },
            }
        }
    }

    /// Sets when the current CPU stretch of CPU `i` ends: at the end of the step, or of the
    /// time slice if that comes first.
    fn set_stretch(&mut self, i: usize, pid: Pid, left: Tick) {
        let run = if self.sliced() {
            left.min(self.table[pid].sched.quantum_left)
        } else {
            left
        };
        self.cpus[i].activity = Activity::Running {
            pid,
            since: self.now,
            until: self.now + run,
        };
    }

    /// Recomputes the end of CPU `i`'s stretch after its process's quantum changed.
    pub(super) fn reslice(&mut self, i: usize) {
        self.checkpoint(i);
        if let Some(pid) = self.cpus[i].running() {
            let pcb = &self.table[pid];
            if let Some(ticks) = pcb.program.cpu_ticks_at(pcb.regs.pc) {
                let left = ticks - pcb.regs.acc;
                self.set_stretch(i, pid, left);
            }
        }
    }

    /// The quantum of the process on CPU `i` is used up while it still has CPU work.
    fn quantum_expired(&mut self, i: usize, pid: Pid, sink: &mut impl EventSink) {
        let (quantum, level) = match (self.traits.quantum, &self.config.policy) {
            (Some(quantum), _) => (quantum, None),
            (None, Policy::Mlfq(cfg)) => {
                let pcb = &mut self.table[pid];
                let quantum = cfg.quantum_at(pcb.sched.level);
                (quantum, Some(mlfq::quantum_used(cfg, &mut pcb.sched)))
            }
            (None, _) => (0, None),
        };
        self.yield_cpu(i, pid, Reason::QuantumExpired { quantum, level }, sink);
        self.requeue_expired(pid);
    }

    /// The process on CPU `i` leaves it but may get it straight back at this tick; its
    /// `running → ready` transition is told only if it does not.
    pub(super) fn yield_cpu(
        &mut self,
        i: usize,
        pid: Pid,
        reason: Reason,
        sink: &mut impl EventSink,
    ) {
        self.flush_yield_on(i, sink);
        self.leave_cpu(i);
        self.set_state_quietly(pid, State::Ready);
        self.cpus[i].yielded = Some((pid, reason));
    }

    /// Tells the deferred `running → ready` transition of the process that yielded CPU `i`.
    pub(super) fn flush_yield_on(&mut self, i: usize, sink: &mut impl EventSink) {
        if let Some((pid, reason)) = self.cpus[i].yielded.take() {
            emit(sink, EventKind::Transition, || {
                Event::Transition(Transition {
                    time: self.now,
                    pid,
                    from: Some(State::Running),
                    to: State::Ready,
                    reason,
                    cpu: Some(self.cpus[i].id),
                })
            });
        }
    }

    /// Tells the deferred transition of `pid`, if it yielded a CPU at this tick.
    pub(super) fn flush_yield_of(&mut self, pid: Pid, sink: &mut impl EventSink) {
        if let Some(i) = self
            .cpus
            .iter()
            .position(|c| c.yielded.as_ref().is_some_and(|y| y.0 == pid))
        {
            self.flush_yield_on(i, sink);
        }
    }

    /// Takes the process off CPU `i` (the CPU keeps its context). Aged priority goes back to
    /// the base priority when a process leaves the CPU.
    pub(super) fn leave_cpu(&mut self, i: usize) {
        self.checkpoint(i);
        if self.config.aging.is_some()
            && let Some(pid) = self.cpus[i].process()
        {
            let pcb = &mut self.table[pid];
            pcb.priority.effective = pcb.priority.base;
        }
        self.cpus[i].activity = Activity::Idle;
        self.cpus[i].pick = None;
    }

    /// The process on CPU `i` blocks: it leaves the CPU and starts waiting.
    pub(super) fn block(
        &mut self,
        i: usize,
        pid: Pid,
        on: WaitOn,
        reason: Reason,
        sink: &mut impl EventSink,
    ) {
        self.leave_cpu(i);
        let cpu = self.cpus[i].id;
        let level = match &self.config.policy {
            Policy::Mlfq(cfg) => {
                let pcb = &mut self.table[pid];
                let quantum = cfg.quantum_at(pcb.sched.level);
                mlfq::gives_up_cpu(cfg, &mut pcb.sched).map(|c| (quantum, c))
            }
            _ => None,
        };
        self.set_state(pid, State::Waiting(on), reason, Some(cpu), sink);
        if let Some((quantum, change)) = level {
            emit(sink, EventKind::Note, || Event::Note {
                time: self.now,
                pid: Some(pid),
                reason: Reason::QuantumExpired {
                    quantum,
                    level: Some(change),
                },
            });
        }
    }

    /// Gives every idle CPU the next ready process. Returns true if any was dispatched.
    pub(super) fn dispatch_idle_cpus(&mut self, sink: &mut impl EventSink) -> bool {
        let mut any = false;
        while !self.scheduler.is_empty() && self.cpus.iter().any(|c| c.activity == Activity::Idle) {
            let Some((pid, pick)) = self.scheduler.pop(&self.table, self.now) else {
                break;
            };
            let i = self.choose_cpu(pid);
            self.dispatch(i, pid, pick, sink);
            any = true;
        }
        any
    }

    /// Which idle CPU gets `pid`: one that still holds its context (no switch needed), else one
    /// whose context nobody ready is waiting to reuse, else the lowest-numbered.
    fn choose_cpu(&self, pid: Pid) -> usize {
        if self.cpus.len() == 1 {
            return 0;
        }
        let idle = || (0..self.cpus.len()).filter(|&i| self.cpus[i].activity == Activity::Idle);
        if let Some(i) = idle().find(|&i| self.cpus[i].context == Some(pid)) {
            return i;
        }
        let reusable = |i: &usize| match self.cpus[*i].context {
            None => true,
            Some(c) => self.table.get(c).is_none_or(|p| p.state != State::Ready),
        };
        idle().find(reusable).or_else(|| idle().next()).unwrap_or(0)
    }

    /// Puts `pid` on CPU `i`: straight away if the CPU holds its context (or is fresh, or
    /// switching is free), else after a context switch.
    fn dispatch(&mut self, i: usize, pid: Pid, pick: Pick, sink: &mut impl EventSink) {
        if self.cpus[i].yielded.as_ref().is_some_and(|y| y.0 == pid) {
            return self.resume(i, pid, pick, sink);
        }
        self.flush_yield_on(i, sink);
        self.flush_yield_of(pid, sink);
        let cpu = &self.cpus[i];
        let outgoing = cpu.context.filter(|&c| c != pid);
        if let Some(out) = outgoing {
            let cost = self.config.context_switch;
            emit(sink, EventKind::Switch, || {
                Event::Switch(Switch {
                    time: self.now,
                    cpu: cpu.id,
                    from: Some(out),
                    to: pid,
                    cost,
                    saved: self
                        .table
                        .get(out)
                        .filter(|p| !p.state.is_finished())
                        .map(|p| p.regs),
                    restored: self.table[pid].regs,
                })
            });
            self.table[pid].acct.switches += 1;
        }
        self.cpus[i].context = Some(pid);
        if outgoing.is_some() && self.config.context_switch > 0 {
            self.cpus[i].activity = Activity::Switching {
                pid,
                until: self.now + self.config.context_switch,
            };
            self.cpus[i].pick = Some(pick);
        } else {
            self.start_running(i, pid, Reason::Dispatched(pick), sink);
        }
    }

    /// The process that yielded CPU `i` at this tick gets it straight back: no transition, no
    /// switch, a fresh time slice.
    fn resume(&mut self, i: usize, pid: Pid, pick: Pick, sink: &mut impl EventSink) {
        // Others were ready, yet the policy chose this one again (lottery, stride).
        let again = (!self.scheduler.is_empty()).then_some(pick);
        let Some((_, reason)) = self.cpus[i].yielded.take() else {
            return;
        };
        self.set_state_quietly(pid, State::Running);
        self.begin_slice(pid);
        if let Reason::QuantumExpired { quantum, level } = reason {
            emit(sink, EventKind::Note, || Event::Note {
                time: self.now,
                pid: Some(pid),
                reason: Reason::QuantumRenewed {
                    quantum,
                    level,
                    again,
                },
            });
        }
        self.cpus[i].activity = Activity::Running {
            pid,
            since: self.now,
            until: self.now,
        };
        self.continue_program(i, sink);
    }

    /// A fresh time slice for the fixed-quantum policies (an MLFQ job keeps what it has left).
    fn begin_slice(&mut self, pid: Pid) {
        if let Some(quantum) = self.traits.quantum {
            self.table[pid].sched.quantum_left = quantum;
        }
    }

    fn start_running(&mut self, i: usize, pid: Pid, reason: Reason, sink: &mut impl EventSink) {
        let cpu = self.cpus[i].id;
        self.set_state(pid, State::Running, reason, Some(cpu), sink);
        self.begin_slice(pid);
        self.cpus[i].activity = Activity::Running {
            pid,
            since: self.now,
            until: self.now,
        };
        self.continue_program(i, sink);
    }

    /// A context switch on CPU `i` is done. Under a preemptive policy a better process may
    /// have become ready meanwhile; then the incoming one goes back without running.
    pub(super) fn switch_done(&mut self, i: usize, pid: Pid, sink: &mut impl EventSink) {
        let pick = self.cpus[i].pick.take();
        if self.traits.preemptive {
            let pcb = &self.table[pid];
            // Only a strictly better process stops a switch; a tie never does.
            if let Some((by, _)) = self
                .scheduler
                .beats(pcb, pcb.burst_left())
                .filter(|(_, beat)| !beat.is_tie())
            {
                self.cpus[i].activity = Activity::Idle;
                emit(sink, EventKind::Note, || Event::Note {
                    time: self.now,
                    pid: Some(pid),
                    reason: Reason::SwitchAbandoned { by },
                });
                self.make_ready(pid, Placement::Front);
                return;
            }
        }
        let reason = Reason::Dispatched(pick.unwrap_or(Pick::Fcfs));
        self.start_running(i, pid, reason, sink);
    }

    /// MLFQ with `io_to_front`: a job back from I/O goes to the front of its queue, and in
    /// mlfq.py the running job is that queue's head, so a running job at the same level (on a
    /// CPU nobody else is idle beside) steps back behind it.
    pub(super) fn bump_running_job(&mut self, pid: Pid, sink: &mut impl EventSink) {
        if self.cpus.iter().any(|c| c.activity == Activity::Idle) {
            return;
        }
        let level = self.table[pid].sched.level;
        let victim = (0..self.cpus.len()).rev().find(|&i| {
            self.cpus[i]
                .running()
                .is_some_and(|r| self.table[r].sched.level == level)
        });
        if let Some(i) = victim {
            self.preempt_on(i, pid, Beat::IoToFront { level }, sink);
        }
    }

    /// Takes the running process off CPU `i` because `by` beats it.
    fn preempt_on(&mut self, i: usize, by: Pid, beat: Beat, sink: &mut impl EventSink) {
        let Some(pid) = self.cpus[i].running() else {
            return;
        };
        let cpu = self.cpus[i].id;
        self.leave_cpu(i);
        self.set_state(
            pid,
            State::Ready,
            Reason::Preempted { by, beat },
            Some(cpu),
            sink,
        );
        // An MLFQ job keeps its place at the head of its queue and the rest of its quantum.
        let placement = match self.config.policy {
            Policy::Mlfq(_) => Placement::Front,
            _ => Placement::Back,
        };
        self.make_ready(pid, placement);
    }

    /// Preemptive policies: while a ready process beats the worst running one, it takes that
    /// one's CPU. Returns true if anything was preempted.
    pub(super) fn preempt(&mut self, sink: &mut impl EventSink) -> bool {
        if !self.traits.preemptive {
            return false;
        }
        let mut any = false;
        while !self.scheduler.is_empty() {
            let mut worst: Option<(i64, usize)> = None;
            for i in 0..self.cpus.len() {
                self.checkpoint(i);
                if let Some(pid) = self.cpus[i].running() {
                    let pcb = &self.table[pid];
                    let key = self.scheduler.running_key(pcb, pcb.burst_left());
                    if worst.is_none_or(|(k, _)| key >= k) {
                        worst = Some((key, i));
                    }
                }
            }
            let Some((_, i)) = worst else { break };
            let Some(pid) = self.cpus[i].running() else {
                break;
            };
            let pcb = &self.table[pid];
            let Some((by, beat)) = self.scheduler.beats(pcb, pcb.burst_left()) else {
                break;
            };
            // A tie preempts only for a process that has just become ready (preempt_on_tie);
            // else two equal processes would take the CPU from each other forever.
            if beat.is_tie() && !self.arrived_now.contains(&by) {
                break;
            }
            // Nor can a process preempted at this tick take the CPU back on a tie.
            if beat.is_tie() && self.preempted_now.contains(&by) {
                break;
            }
            self.preempted_now.push(pid);
            any = true;
            self.preempt_on(i, by, beat, sink);
            // The CPU goes to the preemptor itself: on a tie the tie-break could otherwise hand
            // it straight back to the process just preempted.
            if let Some(pick) = self.scheduler.take(by, &self.table) {
                self.dispatch(i, by, pick, sink);
            }
            self.dispatch_idle_cpus(sink);
        }
        any
    }
}
