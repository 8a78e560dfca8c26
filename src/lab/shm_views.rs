//! Shared memory on both sides: the model's ring and who has it, beside the real object —
//! the POSIX object's ring read from `/dev/shm`, the System V segment as
//! `/proc/sysvipc/shm` lists it (key, shmid, size, nattch, marked for removal) — and what
//! differs. At the end, what the model would leave behind, and that the lab did not.

#![forbid(unsafe_code)]

use super::driver::Lab;
use super::names;
use super::observe;
use super::record::{Finding, FindingKind};
use super::sysv;
use crate::kernel::Names;
use crate::kernel::ipc::{self, Object};
use crate::kernel::segment::{Flavour, SharedMemory};

/// A side of an object view: its text and its count.
type Side = (Option<String>, Option<u64>);

impl Lab {
    /// The model's ring `m`: its slots, then what the name stands for and who has it mapped.
    pub(super) fn sim_ring(&self, m: &SharedMemory) -> Side {
        let life = m.describe(&|p| self.names.process(p));
        match m.ring() {
            Some(r) => (
                Some(format!(
                    "{} of {} slots used (in={}, out={}): {:?}; {life}",
                    r.len(),
                    r.slots.len(),
                    r.next_in,
                    r.next_out,
                    r.slots.iter().flatten().collect::<Vec<_>>()
                )),
                Some(u64::from(r.len())),
            ),
            None => (Some(life), None),
        }
    }

    /// The real object behind the ring `name`: for POSIX its ring, read from `/dev/shm`; for
    /// System V the segment's line of `/proc/sysvipc/shm`.
    pub(super) fn real_ring(&self, name: &str) -> Side {
        let Some(object) = ipc::find(&self.scenario.objects, name) else {
            return (None, None);
        };
        let Some(Object::Ring(m)) = self.kernel.objects().get(object as usize) else {
            return (None, None);
        };
        match m.flavour {
            Flavour::Posix => {
                let shm = names::shm_name(self.twins.me.as_raw(), name);
                match observe::ring(&shm) {
                    Some(v) => (
                        Some(format!(
                            "{} of {} slots used (in={}, out={}): {:?}",
                            v.items.len(),
                            v.slots,
                            v.next_in,
                            v.next_out,
                            v.items
                        )),
                        Some(v.items.len() as u64),
                    ),
                    None if self.twins.shm.contains(&shm) => {
                        (Some(format!("not in {}", names::SHM_DIR)), None)
                    }
                    None => (None, None),
                }
            }
            Flavour::SystemV => match self.shmids.get(&object) {
                Some(&id) => match sysv::by_id(id) {
                    Some(s) => (Some(s.describe()), None),
                    None => (Some(format!("shmid {id} is gone from ipcs -m")), None),
                },
                None => (None, None),
            },
            Flavour::Windows => (Some("modelled only (Windows NT)".into()), None),
        }
    }

    /// System V segments whose life differs on the two sides: one exists and not the other,
    /// a different number attached, marked for removal on one side only.
    pub(super) fn segment_findings(&self, time: u64) -> Vec<Finding> {
        let mut out = Vec::new();
        for (object, o) in self.kernel.objects().iter().enumerate() {
            let Object::Ring(m) = o else { continue };
            let Some(&id) = self.shmids.get(&(object as u32)) else {
                continue;
            };
            if m.flavour != Flavour::SystemV {
                continue;
            }
            let name = self.names.object(object as u32);
            let model = m.segments.last();
            if let (Some(s), Some(key)) = (
                model,
                names::sysv_key(self.twins.me.as_raw(), object as u32),
            ) {
                out.push(Finding {
                    time,
                    kind: FindingKind::Note,
                    process: None,
                    text: format!(
                        "System V segment {name}: the real one has key 0x{key:08x}, made from the \
                         helper's pid so that no two runs share a segment, and the shmid the \
                         kernel chose ({id}); the model's key 0x{:08x} comes from the name, and \
                         it numbers segments from 0 ({})",
                        m.key, s.id
                    ),
                });
            }
            let text = match (model, sysv::by_id(id)) {
                (None, None) => continue,
                (Some(_), None) => "the model still has it, Linux has destroyed it".to_string(),
                (None, Some(_)) => "the model has destroyed it, Linux still has it".to_string(),
                (Some(s), Some(r)) if s.views.len() as u64 != r.nattch => format!(
                    "the model has nattch {}, ipcs -m says {}",
                    s.views.len(),
                    r.nattch
                ),
                (Some(s), Some(r)) if s.named == r.marked() => format!(
                    "marked for removal in the {} only",
                    if r.marked() { "real kernel" } else { "model" }
                ),
                _ => continue,
            };
            out.push(Finding {
                time,
                kind: FindingKind::Mismatch,
                process: None,
                text: format!("System V segment {name}: {text}"),
            });
        }
        out
    }

    /// What the model leaves in the system when the run ends (a POSIX name never unlinked, a
    /// System V segment never removed), each told with what the lab did with the real one.
    pub(super) fn leftover_notes(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        for (object, o) in self.kernel.objects().iter().enumerate() {
            let Object::Ring(m) = o else { continue };
            let Some(s) = m.left_behind() else { continue };
            let name = self.names.object(object as u32);
            let text = match m.flavour {
                Flavour::Posix => format!(
                    "left behind in the model: /{name} was never unlinked, so ls /dev/shm \
                     would still list it; the lab unlinked the real one when the run ended, \
                     as it removes everything it makes"
                ),
                Flavour::SystemV => format!(
                    "left behind in the model: the System V segment {name} (key 0x{:08x}, \
                     shmid {}) was never removed, so ipcs -m would still list it; the lab \
                     removed the real one (shmctl IPC_RMID) when the run ended",
                    m.key, s.id
                ),
                Flavour::Windows => continue,
            };
            out.push(Finding {
                time: self.kernel.now(),
                kind: FindingKind::Note,
                process: None,
                text,
            });
        }
        out
    }
}
