//! What became of each ring's shared memory by the end of a run, and above all what a
//! flavour leaves behind when nobody removes it: a POSIX name in `/dev/shm`, a System V
//! segment in `ipcs -m`. A Windows file mapping never outlives its last user.

use crate::kernel::Kernel;
use crate::kernel::ipc::Object;
use crate::kernel::segment::{Flavour, SharedMemory};
use serde::Serialize;

/// The end of one ring's shared memory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ShmFate {
    /// The ring's name.
    pub name: String,
    /// POSIX, System V or Windows.
    pub flavour: Flavour,
    /// Whether an object stays in the system with nobody left to remove it.
    pub left_behind: bool,
    /// What became of it, in words.
    pub text: String,
}

/// The fate of every ring the run made.
pub fn fates(kernel: &Kernel) -> Vec<ShmFate> {
    kernel
        .workload()
        .objects()
        .iter()
        .zip(kernel.objects())
        .filter_map(|(spec, object)| match object {
            Object::Ring(m) => Some(fate(&spec.name, m, kernel)),
            _ => None,
        })
        .collect()
}

fn fate(name: &str, m: &SharedMemory, kernel: &Kernel) -> ShmFate {
    let who = |pids: &[crate::kernel::Pid]| {
        let mut names: Vec<String> = Vec::new();
        for &p in pids {
            let name = crate::kernel::Names::process(kernel, p);
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names.join(", ")
    };
    let left = m.left_behind();
    let text = if let Some(s) = left {
        match m.flavour {
            Flavour::Posix => format!(
                "left behind: /{name} was never unlinked, so ls /dev/shm lists it until \
                 shm_unlink or a reboot"
            ),
            _ => format!(
                "left behind: System V segment key 0x{:08x}, shmid {}, nattch {}: ipcs -m lists \
                 it until shmctl(IPC_RMID) or a reboot",
                m.key,
                s.id,
                s.views.len()
            ),
        }
    } else if let Some(s) = m.segments.last() {
        let users = who(&[s.views.as_slice(), s.handles.as_slice()].concat());
        match m.flavour {
            Flavour::Posix => {
                format!("unlinked, still mapped by {users}: freed when the last mapping goes")
            }
            Flavour::SystemV => format!(
                "marked for removal, still attached by {users}: destroyed at the last shmdt"
            ),
            Flavour::Windows => format!(
                "still open in {users}: Windows destroys it when its last handle and view go"
            ),
        }
    } else {
        let at = m.gone_at.unwrap_or_default();
        match m.flavour {
            Flavour::Posix => format!("unlinked and unmapped by all: gone at tick {at}"),
            Flavour::SystemV => {
                format!("removed (IPC_RMID) and detached by all: gone at tick {at}")
            }
            Flavour::Windows => format!(
                "its last handle and view closed at tick {at}: gone, with nothing to remove"
            ),
        }
    };
    ShmFate {
        name: name.to_string(),
        flavour: m.flavour,
        left_behind: left.is_some(),
        text,
    }
}
