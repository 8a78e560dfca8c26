//! The event loop: the kernel jumps from one interesting tick to the next, handles everything
//! due then in a fixed order, and lets the schedulers settle before time moves on.
//!
//! Order of business at a tick (the same order every time, so answers are reproducible):
//! 1. CPUs whose switch or CPU stretch ends now, in CPU order (bursts end, quanta expire);
//! 2. the MLFQ priority boost, if one is due;
//! 3. timers: devices finishing, sleepers waking, swap transfers ending, aging;
//! 4. arrivals, into the job queue;
//! 5. then, until nothing changes: the long-term scheduler admits, the medium-term scheduler
//!    swaps, newcomers enter the ready queue in the order the rules give, idle CPUs are
//!    dispatched and preemptive policies preempt.

use super::config::{KernelConfig, Policy, Preempted, Wakeups};
use super::cpu::{Activity, Cpu};
use super::devices::Device;
use super::event::{Event, EventKind, EventSink, Reason, Transition, emit};
use super::ids::{CpuId, Pid, Tick};
use super::ipc::{Object, Objects};
use super::pcb::Residence;
use super::process_table::ProcessTable;
use super::program::SpecIndex;
use super::scheduler::{Placement, Scheduler};
use super::state::State;
use super::state::WaitOn;
use super::timers::{Armed, Timer, Timers};
use super::workload::Workload;
use std::collections::VecDeque;
use std::sync::Arc;

/// How a process came to be ready at this tick, which decides its place among the others.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(super) enum Entry {
    /// Newly admitted or forked.
    Arrival,
    /// Back from I/O, a sleep, a wait or a swap.
    Wakeup,
}

/// What the kernel looks up about its policy at every time slice, worked out once.
#[derive(Copy, Clone, Debug)]
pub(super) struct PolicyTraits {
    /// The policy hands out the CPU in time slices.
    pub sliced: bool,
    /// The fixed time quantum (rr, lottery, stride).
    pub quantum: Option<Tick>,
    /// A newly ready process may preempt a running one.
    pub preemptive: bool,
}

/// The simulated kernel. Pure and deterministic: it has no I/O and no clock, and cloning it
/// is a snapshot that can be stepped again to the same results.
#[derive(Clone, Debug)]
pub struct Kernel {
    pub(super) config: Arc<KernelConfig>,
    pub(super) traits: PolicyTraits,
    pub(super) workload: Workload,
    pub(super) now: Tick,
    pub(super) table: ProcessTable,
    pub(super) job_queue: VecDeque<Pid>,
    pub(super) scheduler: Scheduler,
    pub(super) cpus: Vec<Cpu>,
    pub(super) devices: Vec<Device>,
    pub(super) timers: Timers,
    /// Memory units counted as used.
    pub(super) memory_used: u64,
    /// Memory being freed by swap-outs under way.
    pub(super) memory_outgoing: u64,
    /// The pipes, FIFOs and shared rings, by object id.
    pub(super) objects: Objects,
    /// Ready-suspended processes waiting to be swapped in, oldest first.
    pub(super) swap_queue: VecDeque<Pid>,
    /// Pid of each listed process, once it exists.
    pub(super) pid_of_spec: Vec<Option<Pid>>,
    pub(super) next_pid: u32,
    /// Processes counted in the degree of multiprogramming, and how many are I/O-bound.
    pub(super) admitted: u32,
    pub(super) admitted_io_bound: u32,
    /// Processes that have not finished yet (created, not zombie or terminated).
    pub(super) live: u64,
    /// Processes that became ready at this tick and are not in the ready queue yet.
    pub(super) newcomers: Vec<(Pid, Entry)>,
    /// Processes whose quantum expired at this tick, to enter after the newcomers.
    pub(super) expired: Vec<Pid>,
    /// Processes that became ready at this tick (arrived or woke up): only they may preempt
    /// on a tie.
    pub(super) arrived_now: Vec<Pid>,
    /// Processes preempted at this tick: they may not take the CPU back on a tie.
    pub(super) preempted_now: Vec<Pid>,
    /// Keep the PCBs of terminated processes (for views); reports without history turn it off.
    pub(super) keep_terminated: bool,
    pub(super) last_boost: Option<Tick>,
    /// Use the fast path for plain round-robin rotations (off only to test it against the
    /// general path).
    pub(super) fast_paths: bool,
    /// Set when a process ended or memory was freed: the schedulers get another round.
    pub(super) freed: bool,
    /// Device requests started since the last event was told (told as notes).
    pub(super) started: Vec<(Pid, super::ids::DeviceId, Tick)>,
    pub(super) steps: u64,
}

impl Kernel {
    /// A kernel at time 0, before anything has arrived.
    pub fn new(config: KernelConfig, workload: Workload) -> Kernel {
        let scheduler = Scheduler::new(config.policy.clone(), config.rules, config.seed);
        let cpus = (0..config.cpus.max(1))
            .map(|i| Cpu::new(CpuId(i)))
            .collect();
        let devices = config.devices.iter().map(Device::new).collect();
        let listed = workload.specs().len();
        let objects = vec![Object::Absent; workload.objects().len()];
        let policy = &config.policy;
        let traits = PolicyTraits {
            sliced: policy.quantum().is_some() || matches!(policy, Policy::Mlfq(_)),
            quantum: policy.quantum(),
            preemptive: policy.is_preemptive(),
        };
        Kernel {
            traits,
            config: Arc::new(config),
            workload,
            now: 0,
            table: ProcessTable::default(),
            job_queue: VecDeque::new(),
            scheduler,
            cpus,
            devices,
            timers: Timers::default(),
            objects,
            memory_used: 0,
            memory_outgoing: 0,
            swap_queue: VecDeque::new(),
            pid_of_spec: vec![None; listed],
            next_pid: Pid::FIRST.0,
            admitted: 0,
            admitted_io_bound: 0,
            live: 0,
            newcomers: Vec::new(),
            expired: Vec::new(),
            arrived_now: Vec::new(),
            preempted_now: Vec::new(),
            keep_terminated: true,
            last_boost: None,
            fast_paths: true,
            freed: false,
            started: Vec::new(),
            steps: 0,
        }
    }

    /// Whether terminated processes stay in the process table (the default) or are dropped as
    /// soon as they are reaped, so that long runs hold only live processes.
    pub fn keep_terminated(mut self, keep: bool) -> Kernel {
        self.keep_terminated = keep;
        self
    }

    /// Turns the fast paths off (or on again): the results must not change, which the tests
    /// check by running both ways.
    #[doc(hidden)]
    pub fn with_fast_paths(mut self, on: bool) -> Kernel {
        self.fast_paths = on;
        self
    }

    /// Advances to the next tick at which anything happens and handles it. Returns that tick,
    /// or `None` if the run is over (everything finished, or nothing can ever happen again).
    pub fn step(&mut self, sink: &mut impl EventSink) -> Option<Tick> {
        self.drop_stale_timers();
        if self.is_done() {
            return None;
        }
        let now = self.next_time()?;
        self.now = now;
        self.steps += 1;
        self.arrived_now.clear();
        self.preempted_now.clear();
        if self.rotate(sink) {
            return Some(now);
        }
        self.end_cpu_stretches(sink);
        self.boost_if_due(sink);
        self.fire_timers(sink);
        self.take_arrivals(sink);
        self.settle(sink);
        Some(now)
    }

    /// Runs to the end.
    pub fn run(&mut self, sink: &mut impl EventSink) {
        while self.step(sink).is_some() {}
    }

    /// The next tick at which something is due, if any.
    fn next_time(&self) -> Option<Tick> {
        let earliest = |a: Option<Tick>, b: Option<Tick>| match (a, b) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let mut next = self.workload.next_arrival();
        for cpu in &self.cpus {
            next = earliest(next, cpu.busy_until());
        }
        next = earliest(next, self.timers.next());
        earliest(next, self.next_boost())
    }

    fn next_boost(&self) -> Option<Tick> {
        match &self.config.policy {
            Policy::Mlfq(cfg) if self.live > 0 => {
                let period = cfg.boost?;
                Some((self.now / period + 1) * period)
            }
            _ => None,
        }
    }

    /// Phase 1: switches and CPU stretches that end now.
    fn end_cpu_stretches(&mut self, sink: &mut impl EventSink) {
        for i in 0..self.cpus.len() {
            match self.cpus[i].activity {
                Activity::Switching { pid, until } if until == self.now => {
                    self.switch_done(i, pid, sink)
                }
                Activity::Running { until, .. } if until == self.now => {
                    self.checkpoint(i);
                    self.continue_program(i, sink);
                }
                _ => {}
            }
        }
    }

    /// Phase 3: timers due now.
    fn fire_timers(&mut self, sink: &mut impl EventSink) {
        while let Some((at, armed)) = self.timers.pop_due(self.now) {
            if !self.timer_is_live(at, &armed) {
                continue;
            }
            match armed.timer {
                Timer::DeviceDone { device, pid } => self.device_done(device, pid, sink),
                Timer::Wake { pid, ticks } => self.wake(pid, Reason::Woke { ticks }, sink),
                Timer::SwappedOut { pid } => self.swap_out_done(pid, sink),
                Timer::SwappedIn { pid } => self.swap_in_done(pid, sink),
                Timer::Age { pid } => self.age(pid, sink),
                Timer::RpcTimeout { pid, object, .. } => self.rpc_timeout(pid, object, sink),
            }
        }
    }

    /// Whether a timer still has a reason to fire: its process is still where it was when the
    /// timer was set.
    fn timer_is_live(&self, at: Tick, armed: &Armed) -> bool {
        let Some(pcb) = self.table.get(armed.timer.pid()) else {
            return false;
        };
        match armed.timer {
            Timer::DeviceDone { device, pid } => self.devices[device.0 as usize]
                .serving
                .iter()
                .any(|r| r.pid == pid && r.ends == at),
            Timer::Wake { .. } => pcb.state.waiting_on() == Some(WaitOn::Sleep),
            Timer::SwappedOut { .. } => pcb.memory.residence == Residence::SwappingOut,
            Timer::SwappedIn { .. } => pcb.memory.residence == Residence::SwappingIn,
            Timer::RpcTimeout {
                pid,
                object,
                id,
                attempt,
            } => self.rpc_timer_is_live(pid, object, id, attempt),
            Timer::Age { .. } => {
                pcb.state == State::Ready
                    && pcb.sched.generation == armed.generation
                    && self.scheduler.contains(pcb)
            }
        }
    }

    /// Drops timers that lost their reason, so they never make an empty step.
    fn drop_stale_timers(&mut self) {
        while let Some((at, armed)) = self.timers.peek()
            && !self.timer_is_live(at, &armed)
        {
            self.timers.pop();
        }
    }

    /// Phase 4: arrivals join the job queue.
    fn take_arrivals(&mut self, sink: &mut impl EventSink) {
        while let Some(spec) = self.workload.pop_arrived(self.now) {
            let pid = self.create(&spec, Pid::INIT, Reason::Arrived, sink);
            self.job_queue.push_back(pid);
        }
    }

    /// Phase 5: schedulers act until nothing changes.
    pub(super) fn settle(&mut self, sink: &mut impl EventSink) {
        // Every round moves some process on, so rounds are bounded by the processes present;
        // going past that bound would be a bug in the kernel, not in the scenario.
        let bound = 8 * (self.live as usize + self.cpus.len()) + 64;
        for round in 0.. {
            assert!(
                round < bound,
                "the schedulers did not settle at tick {}",
                self.now
            );
            let mut progressed = self.admit(sink);
            progressed |= self.balance_memory(sink);
            self.enqueue_newcomers(sink);
            progressed |= self.dispatch_idle_cpus(sink);
            progressed |= self.preempt(sink);
            // Another round if this one made room (a process ended), made newcomers, or changed
            // something while jobs or swapped-out processes wait (a process that just blocked
            // can now be swapped out for them).
            let freed = std::mem::take(&mut self.freed);
            let waiting = !self.job_queue.is_empty() || !self.swap_queue.is_empty();
            if !(freed || progressed && waiting)
                && self.newcomers.is_empty()
                && self.expired.is_empty()
            {
                break;
            }
        }
        for i in 0..self.cpus.len() {
            self.flush_yield_on(i, sink);
        }
    }

    /// Puts this tick's newcomers into the ready queue, in the order the rules give, and then
    /// the processes whose quantum expired (when they go after the newcomers).
    fn enqueue_newcomers(&mut self, sink: &mut impl EventSink) {
        if self.newcomers.is_empty() {
            // The common case under time slicing: only processes whose quantum expired.
            for k in 0..self.expired.len() {
                let pid = self.expired[k];
                self.make_ready(pid, Placement::Back);
            }
            self.expired.clear();
            return;
        }
        let mut newcomers = std::mem::take(&mut self.newcomers);
        let tie = |k: &Kernel, pid: Pid| {
            let p = &k.table[pid];
            k.config.rules.tie_key(p.acct.arrival, p.order)
        };
        match self.config.rules.wakeups {
            Wakeups::ByTieBreak => newcomers.sort_by_key(|&(pid, _)| tie(self, pid)),
            Wakeups::AfterArrivals => newcomers.sort_by_key(|&(pid, entry)| {
                let arrivals_first = entry != Entry::Arrival;
                let within = if entry == Entry::Arrival {
                    tie(self, pid)
                } else {
                    (0, 0)
                };
                (arrivals_first, within)
            }),
        }
        let to_front = matches!(&self.config.policy, Policy::Mlfq(c) if c.io_to_front);
        self.arrived_now.extend(newcomers.iter().map(|n| n.0));
        for &(pid, entry) in &newcomers {
            let placement = if to_front && entry == Entry::Wakeup {
                self.bump_running_job(pid, sink);
                Placement::Front
            } else {
                Placement::Back
            };
            self.make_ready(pid, placement);
        }
        // Hand the buffers back, so their memory is reused at the next tick.
        newcomers.clear();
        self.newcomers = newcomers;
        let mut expired = std::mem::take(&mut self.expired);
        for &pid in &expired {
            self.make_ready(pid, Placement::Back);
        }
        expired.clear();
        self.expired = expired;
    }

    /// Enters a process (already in the ready state) into the ready queue.
    pub(super) fn make_ready(&mut self, pid: Pid, placement: Placement) {
        let joined = self.table[pid].sched.joined;
        if !joined && matches!(self.config.policy, Policy::Stride { .. }) {
            let pass = self.lowest_pass();
            self.table[pid].sched.pass = pass;
        }
        let pcb = &mut self.table[pid];
        pcb.sched.joined = true;
        pcb.sched.generation += 1;
        let generation = pcb.sched.generation;
        self.scheduler.push(pid, &mut self.table, placement);
        if let Some(aging) = self.config.aging
            && self.config.policy.uses_priority()
        {
            self.timers
                .set(self.now + aging.every, Timer::Age { pid }, generation);
        }
    }

    /// Notes that `pid` became ready at this tick; it enters the ready queue when the tick's
    /// newcomers are ordered.
    pub(super) fn newcomer(&mut self, pid: Pid, entry: Entry) {
        self.newcomers.push((pid, entry));
    }

    /// A quantum-expired process re-enters the ready queue: at once if the rules put it before
    /// the newcomers, else after them.
    pub(super) fn requeue_expired(&mut self, pid: Pid) {
        match self.config.rules.preempted {
            Preempted::BeforeNewcomers => self.make_ready(pid, Placement::Back),
            Preempted::AfterNewcomers => self.expired.push(pid),
        }
    }

    /// Changes a process's state, charges the time spent in the old one and tells the sink.
    pub(super) fn set_state(
        &mut self,
        pid: Pid,
        to: State,
        reason: Reason,
        cpu: Option<CpuId>,
        sink: &mut impl EventSink,
    ) {
        self.flush_yield_of(pid, sink);
        let from = self.set_state_quietly(pid, to);
        emit(sink, EventKind::Transition, || {
            Event::Transition(Transition {
                time: self.now,
                pid,
                from: Some(from),
                to,
                reason,
                cpu,
            })
        });
    }

    /// Changes a process's state without an event (the caller tells it, or decides not to).
    pub(super) fn set_state_quietly(&mut self, pid: Pid, to: State) -> State {
        let now = self.now;
        let pcb = &mut self.table[pid];
        let from = pcb.state;
        pcb.acct.charge(&from, now - pcb.since);
        pcb.state = to;
        pcb.since = now;
        if to == State::Running && pcb.acct.first_run.is_none() {
            pcb.acct.first_run = Some(now);
        }
        from
    }

    /// The pid of listed process number `spec`, if it has been created.
    pub(super) fn pid_of(&self, spec: SpecIndex) -> Option<Pid> {
        self.pid_of_spec.get(spec as usize).copied().flatten()
    }
}
