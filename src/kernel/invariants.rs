//! Consistency checks of the kernel's data structures, run by the tests after every step.

use super::cpu::Activity;
use super::engine::Kernel;
use super::ids::Pid;
use super::ipc::Object;
use super::pcb::Residence;
use super::state::{State, WaitOn};

impl Kernel {
    /// Checks that every process is in exactly the place its state says — the job queue, the
    /// ready queue, a CPU, a device, the swap queue, a timer — and that the counters add up.
    pub fn check_invariants(&self) -> Result<(), String> {
        let mut running = 0;
        let mut used = 0;
        let mut admitted = 0;
        let on_cpu = |pid: Pid| {
            self.cpus
                .iter()
                .filter(|c| c.process() == Some(pid))
                .count()
        };
        let in_devices = |pid: Pid| self.devices.iter().filter(|d| d.holds(pid)).count();
        for p in self.table.iter() {
            let pid = p.pid;
            let places = [
                ("job queue", self.job_queue.contains(&pid)),
                ("ready queue", self.scheduler.contains(p)),
                ("swap queue", self.swap_queue.contains(&pid)),
            ];
            let queued: Vec<&str> = places.iter().filter(|p| p.1).map(|p| p.0).collect();
            if queued.len() > 1 {
                return Err(format!("{} is in {queued:?} at once", p.name));
            }
            let cpus = on_cpu(pid);
            let devices = in_devices(pid);
            let fresh = self.newcomers.iter().any(|n| n.0 == pid) || self.expired.contains(&pid);
            let ok = match p.state {
                State::New => queued == ["job queue"] && cpus == 0,
                State::Ready => {
                    let switching = self.cpus.iter().any(
                        |c| matches!(c.activity, Activity::Switching { pid: s, .. } if s == pid),
                    );
                    (queued == ["ready queue"] && cpus == 0)
                        || (queued.is_empty() && switching)
                        || fresh
                }
                State::Running => {
                    queued.is_empty()
                        && cpus == 1
                        && self.cpus.iter().any(|c| c.running() == Some(pid))
                }
                State::Waiting(WaitOn::Device { .. })
                | State::WaitingSuspended(WaitOn::Device { .. }) => {
                    queued.is_empty() && cpus == 0 && devices == 1
                }
                State::Waiting(on) | State::WaitingSuspended(on) => {
                    let ipc = matches!(
                        on,
                        WaitOn::Read { .. }
                            | WaitOn::Write { .. }
                            | WaitOn::Open { .. }
                            | WaitOn::Ring { .. }
                            | WaitOn::Win(_)
                    );
                    queued.is_empty()
                        && cpus == 0
                        && devices == 0
                        && (!ipc || self.waits_on_object(pid, on))
                }
                State::ReadySuspended => {
                    cpus == 0
                        && (queued == ["swap queue"] || p.memory.residence == Residence::SwappingIn)
                }
                State::Zombie | State::Terminated => queued.is_empty() && cpus == 0 && devices == 0,
            };
            if !ok {
                return Err(format!(
                    "{} is {} but is in {queued:?}, on {cpus} CPUs and {devices} devices",
                    p.name, p.state
                ));
            }
            if p.state == State::Running {
                running += 1;
            }
            if p.state.is_admitted() {
                admitted += 1;
            }
            if p.memory.is_held() {
                used += u64::from(p.memory.size);
            }
            let resident = p.memory.residence == Residence::In;
            let must_be_resident =
                matches!(p.state, State::Ready | State::Running | State::Waiting(_));
            if self.config.memory.is_some() && must_be_resident && !resident {
                return Err(format!("{} is {} but not in memory", p.name, p.state));
            }
        }
        if running > self.cpus.len() {
            return Err(format!(
                "{running} processes run on {} CPUs",
                self.cpus.len()
            ));
        }
        if admitted != self.admitted {
            return Err(format!(
                "{admitted} processes admitted, counter says {}",
                self.admitted
            ));
        }
        if self.keep_terminated && used != self.memory_used {
            return Err(format!(
                "memory in use is {used}, counter says {}",
                self.memory_used
            ));
        }
        if let Some(total) = self.config.memory
            && self.memory_used > u64::from(total)
        {
            return Err(format!("{} units in use of {total}", self.memory_used));
        }
        Ok(())
    }
}

impl Kernel {
    /// Whether a process is where its state says: in the queue of the object it waits on.
    pub(super) fn waits_on_object(&self, pid: Pid, on: WaitOn) -> bool {
        let object = match on {
            WaitOn::Read { object }
            | WaitOn::Write { object }
            | WaitOn::Open { object }
            | WaitOn::Ring { object } => object,
            WaitOn::Send { object } | WaitOn::Receive { object } => {
                return self.waits_for_message(pid, object);
            }
            WaitOn::Accept { object } | WaitOn::Recv { object } => {
                return matches!(&self.objects[object as usize], Object::Socket(s) if s.holds(pid));
            }
            WaitOn::RpcRequest { object } | WaitOn::RpcReply { object } => {
                return matches!(&self.objects[object as usize], Object::RpcPort(p) if p.holds(pid));
            }
            WaitOn::Win(w) => return self.win_holds(pid, w),
            _ => return false,
        };
        match &self.objects[object as usize] {
            Object::Channel(c) => match on {
                WaitOn::Read { .. } => c.reading.iter().any(|r| r.0 == pid),
                WaitOn::Write { .. } => c.writing.iter().any(|w| w.pid == pid),
                _ => c.opening.iter().any(|o| o.0 == pid),
            },
            Object::Ring(m) => m.waits(pid),
            Object::Absent
            | Object::Mailbox(_)
            | Object::Link(_)
            | Object::Socket(_)
            | Object::RpcPort(_)
            | Object::Win(_) => false,
        }
    }
}
