//! Read-only views of the kernel's state, for reports, the TUI and tests.

use super::config::KernelConfig;
use super::cpu::{Activity, Cpu};
use super::devices::Device;
use super::engine::Kernel;
use super::ids::{Pid, Tick};
use super::ipc::Object;
use super::pcb::Pcb;
use super::program::SpecIndex;
use super::workload::Workload;

impl Kernel {
    /// The current time.
    pub fn now(&self) -> Tick {
        self.now
    }

    /// How the kernel is set up.
    pub fn config(&self) -> &KernelConfig {
        &self.config
    }

    /// The workload (listed specs, exec images, what is still to arrive).
    pub fn workload(&self) -> &Workload {
        &self.workload
    }

    /// Every process in the table, in pid order (terminated ones too, unless dropped).
    pub fn processes(&self) -> impl Iterator<Item = &Pcb> {
        self.table.iter()
    }

    /// One process.
    pub fn process(&self, pid: Pid) -> Option<&Pcb> {
        self.table.get(pid)
    }

    /// CPU time left in a process's current burst, now: what its PCB says, less what it has
    /// run since it was last dispatched (the PCB is brought up to date only when it stops).
    pub fn burst_left_now(&self, pcb: &Pcb) -> Tick {
        let running = self.cpus.iter().find_map(|c| match c.activity {
            Activity::Running { pid, since, .. } if pid == pcb.pid => Some(since),
            _ => None,
        });
        let left = pcb.burst_left();
        match running {
            Some(since) => left.saturating_sub(self.now.saturating_sub(since)),
            None => left,
        }
    }

    /// The pid of listed process number `spec`, once it exists.
    pub fn pid_of_spec(&self, spec: SpecIndex) -> Option<Pid> {
        self.pid_of(spec)
    }

    /// The job queue, oldest first.
    pub fn job_queue(&self) -> Vec<Pid> {
        self.job_queue.iter().copied().collect()
    }

    /// The ready queue in the order the policy would run it.
    pub fn ready_queue(&self) -> Vec<Pid> {
        self.scheduler.ordered(&self.table, self.now)
    }

    /// MLFQ only: each queue's processes, bottom queue first.
    pub fn mlfq_levels(&self) -> Option<Vec<Vec<Pid>>> {
        self.scheduler.levels()
    }

    /// The CPUs.
    pub fn cpus(&self) -> &[Cpu] {
        &self.cpus
    }

    /// The devices with their queues.
    pub fn devices(&self) -> &[Device] {
        &self.devices
    }

    /// Ready-suspended processes waiting to be swapped in, first first.
    pub fn swap_queue(&self) -> Vec<Pid> {
        self.swap_queue.iter().copied().collect()
    }

    /// Memory units in use (including transfers under way).
    pub fn memory_used(&self) -> u64 {
        self.memory_used
    }

    /// Processes currently admitted (the degree of multiprogramming).
    pub fn admitted(&self) -> u32 {
        self.admitted
    }

    /// Number of ticks at which something happened so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// True when every process has finished and none is still to arrive.
    pub fn is_done(&self) -> bool {
        self.live == 0 && self.workload.remaining() == 0
    }

    /// The pipes, FIFOs and rings, by object id, as they are now.
    pub fn objects(&self) -> &[Object] {
        &self.objects
    }

    /// Processes that have not finished although nothing more can happen (a deadlock), after
    /// `step` has returned `None`. Empty for a run that ended normally.
    pub fn stuck(&self) -> Vec<Pid> {
        self.table
            .iter()
            .filter(|p| !p.state.is_finished())
            .map(|p| p.pid)
            .collect()
    }
}

/// The kernel knows every name it needs to tell its own story (a process that has been dropped
/// from the table is told by its pid).
impl super::narration::Names for Kernel {
    fn process(&self, pid: Pid) -> String {
        if pid == Pid::INIT {
            return "init".into();
        }
        self.table
            .get(pid)
            .map_or_else(|| format!("pid {pid}"), |p| p.name.to_string())
    }

    fn spec(&self, index: SpecIndex) -> String {
        self.workload
            .specs()
            .get(index as usize)
            .map_or_else(|| format!("process #{index}"), |s| s.name.to_string())
    }

    fn device(&self, device: super::ids::DeviceId) -> String {
        self.config
            .devices
            .get(device.0 as usize)
            .map_or_else(|| format!("device {}", device.0), |d| d.name.to_string())
    }

    fn object(&self, object: super::program::ObjectId) -> String {
        self.workload
            .objects()
            .get(object as usize)
            .map_or_else(|| format!("object {object}"), |o| o.name.to_string())
    }
}
