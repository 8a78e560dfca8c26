//! The steps of shared memory, resolved against the rings the file declares: `shm` with its
//! flavour, and the ways of letting go — `detach`, `close`, `unlink`, `remove` — each checked
//! against what the ring's flavour has (System V has no descriptor to close and no name to
//! unlink; POSIX has no segment to mark for removal; Windows removes nothing by hand).

use super::checker::{Checker, Result};
use super::objects::Declared;
use super::steps::{RawStep, Word};
use crate::kernel::ipc::{self, ObjectKind};
use crate::kernel::program::{ObjectId, Step};
use crate::kernel::segment::{Cleanup, Flavour};

impl Declared {
    /// The step `raw` if it is a shared-memory step (or `close` of a ring); `None` for every
    /// other step.
    pub(super) fn shm_step(&self, c: &Checker, raw: &RawStep) -> Option<Result<Step>> {
        match raw {
            RawStep::Shm(name, slots, flavour) => {
                Some(self.ring(c, name).map(|object| Step::Shm {
                    object,
                    slots: *slots,
                    flavour: *flavour,
                }))
            }
            RawStep::Close(name, None)
                if ipc::find(&self.specs, &name.text)
                    .is_some_and(|o| self.kind(o) == ObjectKind::Ring) =>
            {
                Some(self.cleanup(c, name, Cleanup::Close))
            }
            RawStep::Close(name, Some(end))
                if ipc::find(&self.specs, &name.text)
                    .is_some_and(|o| self.kind(o) == ObjectKind::Ring) =>
            {
                Some(Err(c.error(
                    end.span.clone(),
                    format!("{} is a ring: it has no {} end", name.text, end.text),
                    format!("write \"close {}\"", name.text),
                )))
            }
            RawStep::Cleanup(name, act) => Some(self.cleanup(c, name, *act)),
            _ => None,
        }
    }

    fn ring(&self, c: &Checker, name: &Word) -> Result<ObjectId> {
        self.find(c, name, &[ObjectKind::Ring])
    }

    /// `detach`, `close`, `unlink` or `remove` of the ring `name`, if its flavour has it.
    fn cleanup(&self, c: &Checker, name: &Word, act: Cleanup) -> Result<Step> {
        let object = self.ring(c, name)?;
        let flavour = self.flavours.get(&object).copied().unwrap_or_default();
        let n = &name.text;
        let refused = match (flavour, act) {
            (_, Cleanup::Detach) => None,
            (Flavour::Posix | Flavour::Windows, Cleanup::Close) => None,
            (Flavour::Posix, Cleanup::Unlink) | (Flavour::SystemV, Cleanup::Remove) => None,
            (Flavour::SystemV, Cleanup::Close) => Some((
                format!("{n} is a System V segment: it has no descriptor to close"),
                format!(
                    "shmat gives an address, not a descriptor: \"detach {n}\" (shmdt) lets go of it, \"remove {n}\" (shmctl IPC_RMID) removes it"
                ),
            )),
            (Flavour::SystemV, Cleanup::Unlink) => Some((
                format!("{n} is a System V segment: it has a key, not a name to unlink"),
                format!("remove it with \"remove {n}\" (shmctl IPC_RMID)"),
            )),
            (Flavour::Posix, Cleanup::Remove) => Some((
                format!("{n} is POSIX shared memory: it is removed by unlinking its name"),
                format!("write \"unlink {n}\" (shm_unlink)"),
            )),
            (Flavour::Windows, Cleanup::Unlink | Cleanup::Remove) => Some((
                format!("{n} is a Windows file mapping: Windows has no call that removes one"),
                format!(
                    "it goes by itself when its last handle and view go: \"close {n}\" (CloseHandle) and \"detach {n}\" (UnmapViewOfFile)"
                ),
            )),
        };
        match refused {
            Some((message, hint)) => Err(c.error(name.span.clone(), message, hint)),
            None => Ok(Step::Cleanup {
                object,
                flavour,
                act,
            }),
        }
    }
}
