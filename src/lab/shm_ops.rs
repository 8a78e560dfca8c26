//! The ops that make the model's shared-memory steps for real: POSIX through
//! `/dev/shm/proclab-PID-NAME`, System V through a key made from the helper's pid (written
//! down before the segment is made, so that no crash can leak it). Windows file mappings have
//! no Linux counterpart and stay in the model.

#![forbid(unsafe_code)]

use super::driver::Lab;
use super::names;
use super::protocol::Op;
use super::record::Outcome;
use crate::kernel::Names;
use crate::kernel::Step;
use crate::kernel::ipc::Object;
use crate::kernel::program::ObjectId;
use crate::kernel::segment::{Cleanup, Flavour};

/// Why a Windows ring's calls are made in the model only.
pub(super) const WINDOWS: &str = "modelled only: a Windows file mapping (CreateFileMapping, \
    MapViewOfFile, UnmapViewOfFile, CloseHandle) has no Linux counterpart; the model follows \
    Windows NT's rules";

impl Lab {
    /// The flavour of the ring `object`, as the model made it (POSIX until it is made).
    pub(super) fn flavour_of(&self, object: ObjectId) -> Flavour {
        match self.kernel.objects().get(object as usize) {
            Some(Object::Ring(m)) => m.flavour,
            _ => Flavour::Posix,
        }
    }

    /// The op that makes the shared-memory step `step` for real, or why there is none.
    pub(super) fn shm_op(&mut self, step: &Step) -> Result<Op, String> {
        let (object, flavour) = match *step {
            Step::Shm {
                object, flavour, ..
            }
            | Step::Cleanup {
                object, flavour, ..
            } => (object, flavour),
            Step::Produce { object, .. } | Step::Consume { object } => {
                (object, self.flavour_of(object))
            }
            _ => return Err("not a shared-memory step".into()),
        };
        if flavour == Flavour::Windows {
            return Err(WINDOWS.into());
        }
        let name = self.names.object(object);
        let me = self.twins.me.as_raw();
        Ok(match *step {
            Step::Shm {
                slots,
                flavour: Flavour::Posix,
                ..
            } => {
                let shm = names::shm_name(me, &name);
                if !self.twins.shm.contains(&shm) {
                    self.twins.shm.push(shm.clone());
                }
                self.labels.insert(
                    names::shm_file(&shm).display().to_string(),
                    format!("{name} (shared ring)"),
                );
                Op::Shm { name, shm, slots }
            }
            Step::Shm { slots, .. } => Op::Shmget {
                key: self.sysv_key(object)?,
                name,
                slots,
            },
            Step::Produce { ref item, .. } => Op::Produce {
                name,
                item: item.to_string(),
            },
            Step::Consume { .. } => Op::Consume { name },
            Step::Cleanup { act, .. } => match act {
                Cleanup::Detach => Op::Detach { name },
                Cleanup::Close => Op::Close { name, end: None },
                Cleanup::Unlink => Op::ShmUnlink {
                    shm: names::shm_name(me, &name),
                    name,
                },
                Cleanup::Remove => Op::ShmRemove {
                    key: self.sysv_key(object)?,
                    name,
                },
            },
            _ => unreachable!("matched above"),
        })
    }

    /// The run's System V key for the ring `object`, written down in the run's directory the
    /// first time, before any segment can be made under it.
    fn sysv_key(&mut self, object: ObjectId) -> Result<i32, String> {
        let key = names::sysv_key(self.twins.me.as_raw(), object).ok_or(
            "modelled only: the lab gives a System V key of its own to the first 256 objects \
             of a scenario only",
        )?;
        if !self.twins.sysv.contains(&key) {
            names::record_sysv(&self.twins.dir, key).map_err(|e| {
                format!("not made for real: the segment's key could not be noted ({e})")
            })?;
            self.twins.sysv.push(key);
        }
        Ok(key)
    }

    /// Learns the shmid a real `shmget` returned, to find the segment in `/proc/sysvipc/shm`
    /// after its key is gone (a segment marked for removal has none).
    pub(super) fn shm_made(&mut self, step: &Step, outcome: &Outcome) {
        if let Step::Shm {
            object,
            flavour: Flavour::SystemV,
            ..
        } = *step
            && outcome.errno.is_none()
            && let Ok(shmid) = i32::try_from(outcome.ret)
        {
            self.shmids.insert(object, shmid);
        }
    }
}
