//! The process control block: everything the kernel knows about one process.

use super::files::FdTable;
use super::ids::{DeviceId, Pid, Tick};
use super::program::{ExitStatus, Program, SpecIndex};
use super::state::{State, WaitOn};
use super::workload::Boundness;
use serde::Serialize;
use std::sync::Arc;

/// The simulated CPU's registers, saved in the PCB while the process is off the CPU.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Registers {
    /// Program counter: index of the step being executed.
    pub pc: u32,
    /// Accumulator: ticks of the current CPU step already executed.
    pub acc: Tick,
}

/// Priorities: the one the process was given and the one the scheduler uses now.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Priority {
    /// As given in the scenario (or inherited at fork).
    pub base: i64,
    /// After aging.
    pub effective: i64,
}

/// Per-policy scheduling data.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[repr(C)]
pub struct SchedData {
    /// Ticks left in the current time slice.
    pub quantum_left: Tick,
    /// CPU time left in the current burst, as of entering the ready queue.
    pub burst_left: Tick,
    /// The key the ready queue sorted this process by when it entered it.
    pub queued_key: i64,
    /// Bumped whenever a pending timer for this process (wake-up, aging) must be ignored.
    pub generation: u32,
    /// MLFQ: quanta left at this level before moving down.
    pub allotment_left: u32,
    /// Stride scheduler's pass value.
    pub pass: u64,
    /// Lottery tickets, stride share.
    pub tickets: u32,
    /// MLFQ queue (0 is the bottom queue).
    pub level: u8,
    /// Has been in the ready queue before (the stride pass of a newcomer is set on entry).
    pub joined: bool,
}

/// Where a process's memory is.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Residence {
    /// On the swap device (or not loaded yet).
    Out,
    /// Being copied in; its memory is already reserved.
    SwappingIn,
    /// In memory.
    In,
    /// Being copied out; its memory is free when that is done.
    SwappingOut,
}

/// Memory held by the process.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MemoryInfo {
    /// Units needed while resident.
    pub size: u32,
    /// Where it is.
    pub residence: Residence,
    /// Has been in memory at least once (a never-loaded newcomer may evict ready processes).
    pub loaded_once: bool,
}

impl MemoryInfo {
    /// True while its memory counts as used.
    pub fn is_held(&self) -> bool {
        self.residence != Residence::Out
    }
}

/// Time accounting. Every tick of a process's life is charged to exactly one of these
/// by the state it spent it in.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[repr(C)]
pub struct Accounting {
    /// Ticks running.
    pub cpu: Tick,
    /// Ticks ready (including being switched in).
    pub ready: Tick,
    /// When it first executed on a CPU.
    pub first_run: Option<Tick>,
    /// Times it was switched onto a CPU that held another context.
    pub switches: u32,
    /// Submission time.
    pub arrival: Tick,
    /// Ticks held in the job queue before admission.
    pub held: Tick,
    /// Ticks waiting for or using a device.
    pub io: Tick,
    /// Ticks blocked otherwise (sleep, wait for a child).
    pub blocked: Tick,
    /// Ticks swapped out.
    pub swapped: Tick,
    /// When it exited (or was killed).
    pub finish: Option<Tick>,
}

impl Accounting {
    /// Waiting time as the report defines it: ready (including switch-in) plus held in the job queue.
    pub fn waiting(&self) -> Tick {
        self.ready + self.held
    }

    /// Adds `ticks` spent in `state` to the right counter.
    pub fn charge(&mut self, state: &State, ticks: Tick) {
        match state {
            State::New => self.held += ticks,
            State::Ready => self.ready += ticks,
            State::Running => self.cpu += ticks,
            State::Waiting(WaitOn::Device { .. }) => self.io += ticks,
            State::Waiting(_) => self.blocked += ticks,
            State::ReadySuspended | State::WaitingSuspended(_) => self.swapped += ticks,
            State::Zombie | State::Terminated => {}
        }
    }
}

/// One process control block.
///
/// The fields a dispatch or a time slice touches come first, so that stepping through a
/// ready queue of hundreds of thousands of processes touches few cache lines per PCB.
#[derive(Clone, Debug)]
#[repr(C)]
pub struct Pcb {
    /// Current state.
    pub state: State,
    /// Position in the scenario file: the last tie-breaker.
    pub order: SpecIndex,
    /// Since when it has been in that state.
    pub since: Tick,
    /// Saved registers (current while the process is off the CPU).
    pub regs: Registers,
    /// The program it executes.
    pub program: Program,
    /// Process id.
    pub pid: Pid,
    /// Scheduling data.
    pub sched: SchedData,
    /// Accounting.
    pub acct: Accounting,
    /// Base and effective priority.
    pub priority: Priority,
    /// Memory.
    pub memory: MemoryInfo,
    /// Parent (init for top-level processes and orphans).
    pub parent: Pid,
    /// The device it is using or queued for.
    pub device: Option<DeviceId>,
    /// I/O-bound or CPU-bound, for the long-term scheduler.
    pub boundness: Boundness,
    /// Terminate descendants when it exits.
    pub cascade: bool,
    /// How it ended.
    pub exit_status: Option<ExitStatus>,
    /// Name from the scenario.
    pub name: Arc<str>,
    /// What it runs now: its name until it calls `exec`, then the program's name.
    pub command: Arc<str>,
    /// Live and zombie children.
    pub children: Vec<Pid>,
    /// Open file descriptors.
    pub files: FdTable,
}

impl Pcb {
    /// CPU time left in the burst that starts at the program counter.
    pub fn burst_left(&self) -> Tick {
        self.program.burst_from(self.regs.pc, self.regs.acc)
    }

    /// Time since arrival, split by state, up to `now` (for a live process).
    pub fn accounting_at(&self, now: Tick) -> Accounting {
        let mut acct = self.acct;
        if !self.state.is_finished() {
            acct.charge(&self.state, now.saturating_sub(self.since));
        }
        acct
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The hot part of a PCB (state to sched) must stay within two cache lines.
    #[test]
    fn the_hot_fields_fit_in_two_cache_lines() {
        assert!(
            std::mem::offset_of!(Pcb, acct) <= 128,
            "hot fields grew: {}",
            std::mem::offset_of!(Pcb, acct)
        );
        assert!(std::mem::offset_of!(Pcb, acct) + 16 + 16 + 8 <= 192);
    }
}
