//! The process table: PCBs by pid. Slots of reaped processes are reused, so a run that keeps
//! no history holds only the processes that are still alive.

use super::ids::Pid;
use super::pcb::Pcb;

const NONE: u32 = u32::MAX;

/// PCBs indexed by pid, in a slab with reusable slots.
#[derive(Clone, Debug, Default)]
pub struct ProcessTable {
    slots: Vec<Option<Pcb>>,
    free: Vec<u32>,
    slot_of: Vec<u32>,
    len: usize,
}

impl ProcessTable {
    /// Adds a PCB under its pid.
    pub fn insert(&mut self, pcb: Pcb) {
        let pid = pcb.pid.0 as usize;
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Some(pcb);
                slot
            }
            None => {
                self.slots.push(Some(pcb));
                (self.slots.len() - 1) as u32
            }
        };
        if self.slot_of.len() <= pid {
            self.slot_of.resize(pid + 1, NONE);
        }
        self.slot_of[pid] = slot;
        self.len += 1;
    }

    /// Forgets a process (its pid is not reused).
    pub fn remove(&mut self, pid: Pid) -> Option<Pcb> {
        let slot = *self.slot_of.get(pid.0 as usize)?;
        if slot == NONE {
            return None;
        }
        self.slot_of[pid.0 as usize] = NONE;
        self.free.push(slot);
        self.len -= 1;
        self.slots[slot as usize].take()
    }

    /// The PCB of `pid`, if it is in the table.
    #[inline]
    pub fn get(&self, pid: Pid) -> Option<&Pcb> {
        let slot = *self.slot_of.get(pid.0 as usize)?;
        self.slots.get(slot as usize)?.as_ref()
    }

    /// The PCB of `pid`, mutably.
    #[inline]
    pub fn get_mut(&mut self, pid: Pid) -> Option<&mut Pcb> {
        let slot = *self.slot_of.get(pid.0 as usize)?;
        self.slots.get_mut(slot as usize)?.as_mut()
    }

    /// Number of PCBs held.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True if no PCB is held.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// All PCBs, mutably, in no particular order.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Pcb> {
        self.slots.iter_mut().flatten()
    }

    /// All PCBs, in pid order.
    pub fn iter(&self) -> impl Iterator<Item = &Pcb> {
        self.slot_of
            .iter()
            .filter(|&&s| s != NONE)
            .filter_map(|&s| self.slots[s as usize].as_ref())
    }
}

impl std::ops::Index<Pid> for ProcessTable {
    type Output = Pcb;
    #[inline]
    fn index(&self, pid: Pid) -> &Pcb {
        self.get(pid)
            .unwrap_or_else(|| panic!("pid {pid} is not in the process table"))
    }
}

impl std::ops::IndexMut<Pid> for ProcessTable {
    #[inline]
    fn index_mut(&mut self, pid: Pid) -> &mut Pcb {
        self.get_mut(pid)
            .unwrap_or_else(|| panic!("pid {pid} is not in the process table"))
    }
}
