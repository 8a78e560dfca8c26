//! Birth and death of processes: creation, fork, exec, wait, kill, exit, zombies, orphans and
//! cascading termination — and the I/O steps that block a process and wake it again.

use super::config::Policy;
use super::cpu::Activity;
use super::engine::{Entry, Kernel};
use super::event::{Event, EventKind, EventSink, Finished, Reason, Transition, emit};
use super::files::FdTable;
use super::ids::{DeviceId, Pid, Tick};
use super::pcb::{Accounting, MemoryInfo, Pcb, Priority, Registers, Residence, SchedData};
use super::program::{ExitStatus, Program, Signal, SpecIndex, Step};
use super::scheduler::mlfq;
use super::state::{State, WaitOn};
use super::syscalls::{CallResult, Errno};
use super::timers::Timer;
use super::workload::{Boundness, ProcessSpec};

/// Why a process is terminating.
#[derive(Copy, Clone, Debug)]
enum Cause {
    /// It called exit (or ran out of steps).
    Exit,
    /// Another process killed it.
    Killed { by: Pid, signal: Signal },
    /// An ancestor with `cascade` exited.
    Cascade { ancestor: Pid },
}

impl Kernel {
    /// Creates a process in the `new` state and tells the sink.
    pub(super) fn create(
        &mut self,
        spec: &ProcessSpec,
        parent: Pid,
        reason: Reason,
        sink: &mut impl EventSink,
    ) -> Pid {
        let pid = Pid(self.next_pid);
        self.next_pid += 1;
        let base = spec
            .priority
            .unwrap_or_else(|| self.table.get(parent).map_or(0, |p| p.priority.base));
        let mut sched = SchedData {
            tickets: spec.tickets,
            ..SchedData::default()
        };
        if let Policy::Mlfq(cfg) = &self.config.policy {
            mlfq::enter_top(cfg, &mut sched);
        }
        self.table.insert(Pcb {
            pid,
            name: spec.name.clone(),
            command: spec.name.clone(),
            order: spec.order,
            parent,
            children: Vec::new(),
            state: State::New,
            since: self.now,
            program: spec.program.clone(),
            regs: Registers::default(),
            priority: Priority {
                base,
                effective: base,
            },
            sched,
            memory: MemoryInfo {
                size: spec.memory,
                residence: Residence::Out,
                loaded_once: false,
            },
            acct: Accounting {
                arrival: self.now,
                ..Accounting::default()
            },
            device: None,
            boundness: Boundness::of(&spec.program),
            cascade: spec.cascade,
            exit_status: None,
            files: FdTable::default(),
        });
        if let Some(slot) = self.pid_of_spec.get_mut(spec.order as usize) {
            *slot = Some(pid);
        }
        if let Some(p) = self.table.get_mut(parent) {
            p.children.push(pid);
        }
        self.live += 1;
        emit(sink, EventKind::Created, || Event::Created {
            time: self.now,
            pid,
            name: spec.name.clone(),
            parent,
            order: spec.order,
        });
        emit(sink, EventKind::Transition, || {
            Event::Transition(Transition {
                time: self.now,
                pid,
                from: None,
                to: State::New,
                reason,
                cpu: None,
            })
        });
        pid
    }

    /// A newcomer's stride pass: the lowest pass among the processes competing now, so that
    /// it neither jumps the queue nor waits behind everyone's history.
    pub(super) fn lowest_pass(&mut self) -> u64 {
        // The running processes' passes must include what they ran so far.
        for i in 0..self.cpus.len() {
            self.checkpoint(i);
        }
        let queued = self.scheduler.min_key().map(|k| k as u64);
        let running = self
            .cpus
            .iter()
            .filter_map(|c| c.process())
            .map(|p| self.table[p].sched.pass)
            .min();
        [queued, running].into_iter().flatten().min().unwrap_or(0)
    }

    /// Counts a process in (or out of) the degree of multiprogramming.
    pub(super) fn count_admitted(&mut self, pid: Pid, admitted: bool) {
        let io = self.table[pid].boundness == Boundness::IoBound;
        if admitted {
            self.admitted += 1;
            self.admitted_io_bound += u32::from(io);
        } else {
            self.admitted -= 1;
            self.admitted_io_bound -= u32::from(io);
        }
    }

    /// `fork`: the child is created and, unlike a submitted job, admitted at once.
    pub(super) fn fork(&mut self, parent: Pid, child: SpecIndex, sink: &mut impl EventSink) {
        let spec = self.workload.spec(child).clone();
        let pid = self.create(&spec, parent, Reason::Forked { parent }, sink);
        self.inherit_files(parent, pid);
        let result = CallResult::ok(i64::from(pid.0));
        self.report_call(parent, &Step::Fork { child }, Some(pid), Some(result), sink);
        self.admit_child(pid, sink);
    }

    /// A child a process made (by `fork`, or `CreateProcess`) is admitted at once.
    pub(super) fn admit_child(&mut self, pid: Pid, sink: &mut impl EventSink) {
        self.count_admitted(pid, true);
        let reason = Reason::Admitted {
            in_use: self.admitted,
            limit: self.config.max_multiprogramming,
            io_bound: None,
        };
        self.load(pid, reason, sink);
    }

    /// `exec`: the process gets a new program and keeps its pid.
    pub(super) fn exec(&mut self, pid: Pid, step: &Step, sink: &mut impl EventSink) {
        let Step::Exec {
            command,
            args,
            image,
        } = step
        else {
            return;
        };
        self.report_call(pid, step, None, Some(CallResult::ok(0)), sink);
        let program = match image {
            Some(i) => self.workload.image(*i).1.clone(),
            None => Program::Burst(DEFAULT_IMAGE_TICKS),
        };
        let pcb = &mut self.table[pid];
        let dropped = (pcb.program.len() as u32).saturating_sub(pcb.regs.pc + 1);
        pcb.program = program;
        pcb.command = command.clone();
        pcb.regs = Registers::default();
        let reason = Reason::Exec {
            command: command.clone(),
            args: args.clone(),
            dropped,
        };
        self.note(pid, reason, sink);
        self.shm_release(pid, false, sink);
    }

    /// `wait`: reaps a zombie child at once if there is one, returns at once if there is no
    /// child to wait for, and otherwise says whom to block for (`Some(None)`: any child).
    pub(super) fn wait_blocks(
        &mut self,
        pid: Pid,
        child: Option<SpecIndex>,
        sink: &mut impl EventSink,
    ) -> Option<Option<Pid>> {
        let step = Step::Wait { child };
        let target = match child {
            Some(spec) => {
                let mine = self.pid_of(spec).filter(|&c| {
                    self.table
                        .get(c)
                        .is_some_and(|p| p.parent == pid && p.state != State::Terminated)
                });
                match mine {
                    Some(c) => Some(c),
                    None => {
                        let result = Some(CallResult::err(Errno::ECHILD));
                        self.report_call(pid, &step, None, result, sink);
                        self.note(pid, Reason::NoChildren { child: Some(spec) }, sink);
                        return None;
                    }
                }
            }
            None => None,
        };
        let children = &self.table[pid].children;
        let zombie = children
            .iter()
            .copied()
            .find(|&c| target.is_none_or(|t| t == c) && self.table[c].state == State::Zombie);
        if let Some(c) = zombie {
            let result = Some(self.reaped(c));
            self.report_call(pid, &step, Some(c), result, sink);
            let status = self.reap(pid, c, sink);
            self.note(pid, Reason::ChildReaped { child: c, status }, sink);
            return None;
        }
        if target.is_none() && children.is_empty() {
            self.report_call(pid, &step, None, Some(CallResult::err(Errno::ECHILD)), sink);
            self.note(pid, Reason::NoChildren { child: None }, sink);
            return None;
        }
        self.report_call(pid, &step, target, None, sink);
        Some(target)
    }

    /// `kill`: terminates the target, or tells why nothing happened.
    pub(super) fn kill(
        &mut self,
        by: Pid,
        target: SpecIndex,
        signal: Signal,
        sink: &mut impl EventSink,
    ) {
        let step = Step::Kill { target, signal };
        let victim = self.pid_of(target).and_then(|p| self.table.get(p));
        match victim {
            Some(p) if !p.state.is_finished() => {
                let pid = p.pid;
                self.report_call(by, &step, Some(pid), Some(CallResult::ok(0)), sink);
                self.terminate(
                    pid,
                    ExitStatus::Signaled(signal),
                    Cause::Killed { by, signal },
                    None,
                    sink,
                );
            }
            found => {
                // Signalling a zombie succeeds on Linux; it just has no effect.
                let zombie = found.is_some_and(|p| p.state == State::Zombie);
                let peer = found.filter(|_| zombie).map(|p| p.pid);
                let result = if zombie {
                    CallResult::ok(0)
                } else {
                    CallResult::err(Errno::ESRCH)
                };
                self.report_call(by, &step, peer, Some(result), sink);
                self.note(
                    by,
                    Reason::KillFailed {
                        target,
                        signal,
                        zombie,
                    },
                    sink,
                );
            }
        }
    }

    /// The running process exits with `status`.
    pub(super) fn terminate_exiting(
        &mut self,
        pid: Pid,
        status: ExitStatus,
        sink: &mut impl EventSink,
    ) {
        if let ExitStatus::Code(code) = status {
            self.report_call(
                pid,
                &Step::Exit { code },
                None,
                Some(CallResult::ok(0)),
                sink,
            );
        }
        self.terminate(pid, status, Cause::Exit, None, sink);
    }

    /// What `wait` returns for the zombie `child`: its pid and how it ended.
    fn reaped(&self, child: Pid) -> CallResult {
        CallResult {
            status: self.table[child].exit_status,
            ..CallResult::ok(i64::from(child.0))
        }
    }

    /// Ends a process: takes it out of wherever it is, makes it a zombie (or terminated, if
    /// init or a waiting parent reaps it at once), and deals with its children. `cascading`
    /// is the ancestor whose exit is taking all its descendants down, if any.
    fn terminate(
        &mut self,
        pid: Pid,
        status: ExitStatus,
        cause: Cause,
        cascading: Option<Pid>,
        sink: &mut impl EventSink,
    ) {
        let cpu = self
            .cpus
            .iter()
            .find(|c| c.process() == Some(pid))
            .map(|c| c.id);
        let cut = self.cpus.iter().find_map(|c| match c.activity {
            Activity::Switching { pid: p, until } if p == pid && until > self.now => {
                Some(until - self.now)
            }
            _ => None,
        });
        self.detach(pid);
        if self.table[pid].state.is_admitted() {
            self.count_admitted(pid, false);
        }
        self.live -= 1;
        self.freed = true;
        let parent = self.table[pid].parent;
        let parent_waits = parent != Pid::INIT
            && match self.table[parent].state.waiting_on() {
                Some(WaitOn::Child { child }) => child.is_none_or(|c| c == pid),
                _ => false,
            };
        let reason = match cause {
            Cause::Exit => Reason::Exited {
                status,
                parent,
                zombie: parent != Pid::INIT && !parent_waits,
            },
            Cause::Killed { by, signal } => Reason::Killed { by, signal },
            Cause::Cascade { ancestor } => Reason::Cascade { ancestor },
        };
        let to = if parent == Pid::INIT {
            State::Terminated
        } else {
            State::Zombie
        };
        self.set_state(pid, to, reason, cpu, sink);
        if let Some(unused) = cut {
            self.note(pid, Reason::SwitchCut { unused }, sink);
        }
        let pcb = &mut self.table[pid];
        pcb.exit_status = Some(status);
        pcb.acct.finish = Some(self.now);
        emit(sink, EventKind::Finished, || {
            Event::Finished(Finished {
                time: self.now,
                pid,
                order: pcb.order,
                status,
                acct: pcb.acct,
            })
        });
        let cascading = cascading.or(pcb.cascade.then_some(pid));
        self.tell_started(sink);
        self.release_all(pid, sink);
        self.orphan_children(pid, cascading, sink);
        if parent_waits {
            let result = self.reaped(pid);
            let status = self.reap(parent, pid, sink);
            self.complete(
                parent,
                result,
                Reason::ChildReaped { child: pid, status },
                sink,
            );
        } else if to == State::Terminated {
            self.forget(pid);
        }
    }

    /// The children of an exiting process: zombies are reaped by init, live ones are adopted
    /// by init — or terminated, under cascading termination.
    fn orphan_children(&mut self, pid: Pid, cascading: Option<Pid>, sink: &mut impl EventSink) {
        let Some(pcb) = self.table.get_mut(pid) else {
            return;
        };
        let children = std::mem::take(&mut pcb.children);
        for child in children {
            self.table[child].parent = Pid::INIT;
            match self.table[child].state {
                State::Zombie => {
                    self.set_state(
                        child,
                        State::Terminated,
                        Reason::Reaped { by: Pid::INIT },
                        None,
                        sink,
                    );
                    self.forget(child);
                }
                State::Terminated => {}
                _ => match cascading {
                    Some(ancestor) => self.terminate(
                        child,
                        ExitStatus::Signaled(Signal::KILL),
                        Cause::Cascade { ancestor },
                        Some(ancestor),
                        sink,
                    ),
                    None => self.note(child, Reason::Orphaned { parent: pid }, sink),
                },
            }
        }
    }

    /// `parent` collects the exit status of its zombie `child`, which is then gone.
    fn reap(&mut self, parent: Pid, child: Pid, sink: &mut impl EventSink) -> ExitStatus {
        self.set_state(
            child,
            State::Terminated,
            Reason::Reaped { by: parent },
            None,
            sink,
        );
        if let Some(p) = self.table.get_mut(parent) {
            p.children.retain(|&c| c != child);
        }
        let status = self.table[child].exit_status.unwrap_or(ExitStatus::Code(0));
        self.forget(child);
        status
    }

    /// Drops a terminated process from the table, unless terminated processes are kept.
    fn forget(&mut self, pid: Pid) {
        if !self.keep_terminated {
            self.table.remove(pid);
        }
    }

    /// Takes a process out of every CPU, queue and device, frees its memory and cancels its
    /// timers.
    fn detach(&mut self, pid: Pid) {
        for i in 0..self.cpus.len() {
            if self.cpus[i].process() == Some(pid) {
                self.checkpoint(i);
                self.cpus[i].activity = Activity::Idle;
                self.cpus[i].pick = None;
            }
        }
        self.newcomers.retain(|n| n.0 != pid);
        self.expired.retain(|&p| p != pid);
        let pcb = &self.table[pid];
        match pcb.state {
            State::New => self.job_queue.retain(|&p| p != pid),
            State::Ready if self.scheduler.contains(pcb) => self.scheduler.remove(pcb),
            State::ReadySuspended => self.swap_queue.retain(|&p| p != pid),
            _ => {}
        }
        if let Some(device) = self.table[pid].device.take() {
            self.release_device(device, pid);
        }
        let pcb = &mut self.table[pid];
        pcb.sched.generation += 1;
        let memory = pcb.memory;
        pcb.memory.residence = Residence::Out;
        if memory.is_held() {
            self.memory_used -= u64::from(memory.size);
        }
        if memory.residence == Residence::SwappingOut {
            self.memory_outgoing -= u64::from(memory.size);
        }
    }

    /// Ends `pid`'s request on a device and starts the next one waiting there.
    fn release_device(&mut self, device: DeviceId, pid: Pid) {
        if let Some(next) = self.devices[device.0 as usize].finish(pid, self.now) {
            self.start_service(device, next.pid, next.ticks, next.ends);
        }
    }

    fn start_service(&mut self, device: DeviceId, pid: Pid, ticks: Tick, ends: Tick) {
        let generation = self.table[pid].sched.generation;
        self.timers
            .set(ends, Timer::DeviceDone { device, pid }, generation);
        self.started.push((pid, device, ticks));
    }

    /// The process on CPU `i` asks a device for `ticks` of service and blocks.
    pub(super) fn request_io(
        &mut self,
        i: usize,
        pid: Pid,
        device: DeviceId,
        ticks: Tick,
        sink: &mut impl EventSink,
    ) {
        let ahead = match self.devices[device.0 as usize].request(pid, ticks, self.now) {
            Ok(ends) => {
                let generation = self.table[pid].sched.generation;
                self.timers
                    .set(ends, Timer::DeviceDone { device, pid }, generation);
                0
            }
            Err(ahead) => ahead,
        };
        self.table[pid].device = Some(device);
        let reason = Reason::IoRequested {
            device,
            ticks,
            ahead,
        };
        self.block(i, pid, WaitOn::Device { device }, reason, sink);
    }

    /// A device finished `pid`'s request.
    pub(super) fn device_done(&mut self, device: DeviceId, pid: Pid, sink: &mut impl EventSink) {
        self.table[pid].device = None;
        self.release_device(device, pid);
        self.wake(pid, Reason::IoDone { device }, sink);
        self.tell_started(sink);
    }

    /// Tells which queued requests a device started serving.
    fn tell_started(&mut self, sink: &mut impl EventSink) {
        for (pid, device, ticks) in std::mem::take(&mut self.started) {
            self.note(pid, Reason::IoStarted { device, ticks }, sink);
        }
    }

    /// The blocking step of a waiting process is complete: it moves past it and becomes ready
    /// (or ready-suspended, if it was swapped out meanwhile).
    pub(super) fn wake(&mut self, pid: Pid, reason: Reason, sink: &mut impl EventSink) {
        let pcb = &mut self.table[pid];
        pcb.regs.pc += 1;
        match pcb.state {
            State::Waiting(_) => {
                self.set_state(pid, State::Ready, reason, None, sink);
                self.newcomer(pid, Entry::Wakeup);
            }
            State::WaitingSuspended(_) => {
                self.set_state(pid, State::ReadySuspended, reason, None, sink);
                self.swap_queue.push_back(pid);
            }
            _ => {}
        }
    }

    /// Tells something that changes no state.
    pub(super) fn note(&mut self, pid: Pid, reason: Reason, sink: &mut impl EventSink) {
        emit(sink, EventKind::Note, || Event::Note {
            time: self.now,
            pid: Some(pid),
            reason,
        });
    }
}

/// CPU ticks of the image `exec` loads when the scenario has no `[programs]` entry for it
/// (after them the process exits with status 0).
pub const DEFAULT_IMAGE_TICKS: Tick = 1;
