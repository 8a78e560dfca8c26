//! Shared memory three ways: the same ring buffer in a POSIX shared-memory object
//! (`shm_open` + `mmap`), a System V segment (`shmget` + `shmat`) or a Windows file mapping
//! (`CreateFileMapping` + `MapViewOfFile`). What differs is the life cycle — what keeps the
//! memory alive and who must remove it:
//!
//! | flavour  | found by            | alive while                               | removed by |
//! | -------- | ------------------- | ----------------------------------------- | ---------- |
//! | POSIX    | its name            | named, or a descriptor or a mapping is left | `shm_unlink` (the name) |
//! | System V | its key             | not marked for removal, or still attached | `shmctl(IPC_RMID)` |
//! | Windows  | its name            | a handle or a view is left                | nobody: the last `CloseHandle` |
//!
//! A POSIX name or a System V key outlives every process that used it unless someone removes
//! it: the leak that `ls /dev/shm` and `ipcs -m` show. A Windows object cannot outlive its last
//! user. Only the data and its rules live here; `shared_memory` makes the calls.

use super::call::Errno;
use super::ids::{Pid, Tick};
use super::ipc::Ring;
use serde::Serialize;

/// Which API a ring's shared memory comes from.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Flavour {
    /// POSIX shared memory: `shm_open`, `ftruncate`, `mmap`; `munmap`, `close`, `shm_unlink`.
    #[default]
    Posix,
    /// System V shared memory: `shmget`, `shmat`; `shmdt`, `shmctl(IPC_RMID)`.
    #[serde(rename = "sysv")]
    SystemV,
    /// A Windows file mapping backed by the paging file: `CreateFileMapping`,
    /// `MapViewOfFile`; `UnmapViewOfFile`, `CloseHandle`.
    Windows,
}

impl Flavour {
    /// Every flavour, in the order the documentation lists them.
    pub const ALL: [Flavour; 3] = [Flavour::Posix, Flavour::SystemV, Flavour::Windows];

    /// The word a scenario writes: `posix`, `sysv` or `windows`.
    pub fn word(self) -> &'static str {
        match self {
            Flavour::Posix => "posix",
            Flavour::SystemV => "sysv",
            Flavour::Windows => "windows",
        }
    }

    /// The flavour a scenario's word names.
    pub fn parse(word: &str) -> Option<Flavour> {
        Flavour::ALL.into_iter().find(|f| f.word() == word)
    }

    /// What the object is called, for sentences: "POSIX shared-memory object".
    pub fn noun(self) -> &'static str {
        match self {
            Flavour::Posix => "POSIX shared-memory object",
            Flavour::SystemV => "System V segment",
            Flavour::Windows => "Windows file mapping",
        }
    }
}

impl Flavour {
    /// The calls of `shm` in this flavour: `shm_open + mmap`.
    pub fn making_calls(self) -> &'static str {
        match self {
            Flavour::Posix => "shm_open + mmap",
            Flavour::SystemV => "shmget + shmat",
            Flavour::Windows => "CreateFileMapping + MapViewOfFile",
        }
    }
}

/// How a process lets go of shared memory.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cleanup {
    /// `detach`: unmap it (`munmap`, `shmdt`, `UnmapViewOfFile`).
    Detach,
    /// `close`: close the descriptor (POSIX) or handle (Windows).
    Close,
    /// `unlink`: remove the POSIX name (`shm_unlink`).
    Unlink,
    /// `remove`: mark the System V segment for removal (`shmctl(IPC_RMID)`).
    Remove,
}

impl Cleanup {
    /// The step's keyword.
    pub fn word(self) -> &'static str {
        match self {
            Cleanup::Detach => "detach",
            Cleanup::Close => "close",
            Cleanup::Unlink => "unlink",
            Cleanup::Remove => "remove",
        }
    }

    /// The call as C would write it, on the object `name`: `shmdt(buf)`.
    pub fn call(self, flavour: Flavour, name: &str) -> String {
        match (self, flavour) {
            (Cleanup::Detach, Flavour::Posix) => format!("munmap({name})"),
            (Cleanup::Detach, Flavour::SystemV) => format!("shmdt({name})"),
            (Cleanup::Detach, Flavour::Windows) => format!("UnmapViewOfFile({name})"),
            (Cleanup::Close, Flavour::Windows) => format!("CloseHandle({name})"),
            (Cleanup::Close, _) => format!("close({name})"),
            (Cleanup::Unlink, _) => format!("shm_unlink({name})"),
            (Cleanup::Remove, _) => format!("shmctl({name}, IPC_RMID)"),
        }
    }

    /// The error when there is nothing to let go of: no mapping (EINVAL, as `shmdt` says),
    /// no descriptor (EBADF), no such name (ENOENT).
    pub fn nothing(self) -> Errno {
        match self {
            Cleanup::Detach => Errno::EINVAL,
            Cleanup::Close => Errno::EBADF,
            Cleanup::Unlink | Cleanup::Remove => Errno::ENOENT,
        }
    }
}

/// The System V key the model gives the ring `name`: a 32-bit FNV-1a hash of the name, as a
/// program would get a fixed key from `ftok` (the real lab uses a key of its own).
pub fn model_key(name: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for b in name.bytes() {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    // Positive, and never IPC_PRIVATE (0).
    (hash & 0x7fff_ffff).max(1)
}

/// One shared-memory object (one `shm_open`'d object, one segment, one section), with its ring
/// and everything that refers to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// The bounded buffer in it.
    pub ring: Ring,
    /// The model's System V shmid (other flavours: its serial number in the run).
    pub id: u32,
    /// Its name (or key) still finds it: not unlinked, not marked for removal.
    pub named: bool,
    /// Processes that have it mapped, one entry per mapping (`mmap`, `shmat`, a view).
    pub views: Vec<Pid>,
    /// Processes holding a descriptor (POSIX) or handle (Windows) to it, one entry each.
    pub handles: Vec<Pid>,
}

impl Segment {
    /// A fresh, empty object mapped by `pid`, holding a descriptor or handle if the flavour
    /// has them.
    fn new(flavour: Flavour, slots: u32, id: u32, pid: Pid) -> Segment {
        Segment {
            ring: Ring::new(slots),
            id,
            named: true,
            views: vec![pid],
            handles: if flavour == Flavour::SystemV {
                Vec::new()
            } else {
                vec![pid]
            },
        }
    }

    /// Whether anything still keeps the memory, by the flavour's rules.
    pub fn is_alive(&self, flavour: Flavour) -> bool {
        let used = !self.views.is_empty() || !self.handles.is_empty();
        match flavour {
            Flavour::Posix | Flavour::SystemV => self.named || used,
            // A file mapping has no existence apart from its handles and views.
            Flavour::Windows => used,
        }
    }
}

/// Everything made under one ring's name in a run: usually one object, but after its name is
/// removed while still mapped, a new `shm` makes a second, different one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedMemory {
    /// POSIX, System V or Windows.
    pub flavour: Flavour,
    /// The ring's size in slots.
    pub slots: u32,
    /// The model's System V key (see [`model_key`]).
    pub key: u32,
    /// The objects alive now, oldest first.
    pub segments: Vec<Segment>,
    /// Objects made so far under this name.
    pub made: u32,
    /// When the last object made under this name was destroyed, if one was.
    pub gone_at: Option<Tick>,
}

impl SharedMemory {
    /// Nothing made yet.
    pub fn new(flavour: Flavour, slots: u32, key: u32) -> SharedMemory {
        SharedMemory {
            flavour,
            slots,
            key,
            segments: Vec::new(),
            made: 0,
            gone_at: None,
        }
    }

    /// The object the name (or key) finds now, if any.
    pub fn current(&self) -> Option<usize> {
        self.segments.iter().rposition(|s| s.named)
    }

    /// Makes a new object, mapped by `pid`, with the model's `id`; returns its index.
    pub fn create(&mut self, pid: Pid, id: u32) -> usize {
        self.made += 1;
        self.segments
            .push(Segment::new(self.flavour, self.slots, id, pid));
        self.segments.len() - 1
    }

    /// The object `pid` has mapped (the newest, if several).
    pub fn mapped_by(&self, pid: Pid) -> Option<usize> {
        self.segments.iter().rposition(|s| s.views.contains(&pid))
    }

    /// The object `pid` holds a descriptor or handle to (the newest, if several).
    pub fn held_by(&self, pid: Pid) -> Option<usize> {
        self.segments.iter().rposition(|s| s.handles.contains(&pid))
    }

    /// The ring to show for the name: the one it finds, or else the newest still alive.
    pub fn ring(&self) -> Option<&Ring> {
        self.current()
            .or_else(|| self.segments.len().checked_sub(1))
            .map(|i| &self.segments[i].ring)
    }

    /// Destroys the objects nothing keeps any more; returns how many went.
    pub fn collect(&mut self, now: Tick) -> usize {
        let flavour = self.flavour;
        let before = self.segments.len();
        self.segments.retain(|s| s.is_alive(flavour));
        let gone = before - self.segments.len();
        if gone > 0 {
            self.gone_at = Some(now);
        }
        gone
    }

    /// Takes `pid` out of every ring's wait queues (it is ending).
    pub fn forget_waiter(&mut self, pid: Pid) {
        for s in &mut self.segments {
            s.ring.producing.retain(|p| p.0 != pid);
            s.ring.consuming.retain(|&p| p != pid);
        }
    }

    /// Whether `pid` waits to produce into or consume from one of the rings.
    pub fn waits(&self, pid: Pid) -> bool {
        self.segments
            .iter()
            .any(|s| s.ring.producing.iter().any(|p| p.0 == pid) || s.ring.consuming.contains(&pid))
    }

    /// Gives `child` a copy of every mapping and descriptor `parent` has (a fork).
    pub fn inherit(&mut self, parent: Pid, child: Pid) {
        for s in &mut self.segments {
            let views = s.views.iter().filter(|&&p| p == parent).count();
            let handles = s.handles.iter().filter(|&&p| p == parent).count();
            s.views.extend(std::iter::repeat_n(child, views));
            s.handles.extend(std::iter::repeat_n(child, handles));
        }
    }

    /// What the name stands for now, in a few words: mapped by whom, named or not.
    pub fn describe(&self, process: &dyn Fn(Pid) -> String) -> String {
        let Some(i) = self
            .current()
            .or_else(|| self.segments.len().checked_sub(1))
        else {
            return match self.gone_at {
                Some(t) => format!("gone since tick {t}"),
                None => "not made yet".into(),
            };
        };
        let s = &self.segments[i];
        let who: Vec<String> = s.views.iter().map(|&p| process(p)).collect();
        let mapped = match (self.flavour, who.is_empty()) {
            (Flavour::SystemV, true) => "nattch 0".to_string(),
            (Flavour::SystemV, false) => format!("nattch {} ({})", who.len(), who.join(", ")),
            (_, true) => "mapped by nobody".to_string(),
            (_, false) => format!("mapped by {}", who.join(", ")),
        };
        let name = match (self.flavour, s.named) {
            (Flavour::Posix, true) => "in /dev/shm".to_string(),
            (Flavour::Posix, false) => "unlinked".to_string(),
            (Flavour::SystemV, true) => format!("key 0x{:08x}, shmid {}", self.key, s.id),
            (Flavour::SystemV, false) => format!("shmid {}, marked for removal", s.id),
            (Flavour::Windows, _) => format!(
                "{} handle{}",
                s.handles.len(),
                if s.handles.len() == 1 { "" } else { "s" }
            ),
        };
        format!("{}: {name}, {mapped}", self.flavour.word())
    }

    /// The object that would stay in the system once every process is gone, if any: the one
    /// the name still finds, for the flavours that keep a name without users.
    pub fn left_behind(&self) -> Option<&Segment> {
        match self.flavour {
            Flavour::Posix | Flavour::SystemV => self.current().map(|i| &self.segments[i]),
            Flavour::Windows => None,
        }
    }
}

/// What took a mapping away.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unmapped {
    /// The process's own `detach`.
    Detach,
    /// `exec`: the new program starts with none of the old memory.
    Exec,
    /// The process ended, and the kernel unmapped everything it had.
    End,
}

/// What happened in the life of a shared-memory object, told as a note after the call (or
/// the exit) that made it happen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "life")]
pub enum Life {
    /// A new object was made and mapped (`id`: the model's shmid, for System V).
    Created {
        /// The model's shmid or serial number.
        id: u32,
    },
    /// The name found an existing object, now mapped by `views` processes.
    Attached {
        /// Mappings after this one.
        views: u32,
    },
    /// A mapping went.
    Detached {
        /// Mappings left.
        views: u32,
        /// Descriptors or handles left.
        handles: u32,
        /// Whether the name still finds the object.
        named: bool,
        /// What unmapped it.
        by: Unmapped,
    },
    /// A descriptor or handle was closed (`close`, or at exit).
    Closed {
        /// Descriptors or handles left.
        handles: u32,
        /// Mappings left.
        views: u32,
    },
    /// The name was removed (`shm_unlink`, `IPC_RMID`); the memory stays while mapped.
    NameRemoved {
        /// Mappings left.
        views: u32,
    },
    /// Nothing refers to the object any more: it is destroyed.
    Gone,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared(flavour: Flavour) -> SharedMemory {
        let mut m = SharedMemory::new(flavour, 4, model_key("buf"));
        m.create(Pid(2), 0);
        m
    }

    #[test]
    fn each_flavour_keeps_its_object_by_its_own_rules() {
        // Nobody maps it and nobody holds it: only a name keeps it.
        for flavour in Flavour::ALL {
            let mut m = shared(flavour);
            let s = &mut m.segments[0];
            s.views.clear();
            s.handles.clear();
            assert_eq!(
                s.is_alive(flavour),
                flavour != Flavour::Windows,
                "{flavour:?}"
            );
            assert_eq!(m.left_behind().is_some(), flavour != Flavour::Windows);
        }
        // Unnamed but still mapped: alive everywhere, left behind nowhere.
        for flavour in Flavour::ALL {
            let mut m = shared(flavour);
            m.segments[0].named = false;
            assert!(m.segments[0].is_alive(flavour));
            assert!(m.left_behind().is_none());
            m.segments[0].views.clear();
            m.segments[0].handles.clear();
            assert_eq!(m.collect(7), 1);
            assert_eq!(m.gone_at, Some(7));
        }
    }

    #[test]
    fn a_fork_copies_mappings_and_handles_but_system_v_has_no_handles() {
        let mut m = shared(Flavour::SystemV);
        m.inherit(Pid(2), Pid(3));
        assert_eq!(m.segments[0].views, [Pid(2), Pid(3)]);
        assert!(m.segments[0].handles.is_empty());
        let mut w = shared(Flavour::Windows);
        w.inherit(Pid(2), Pid(3));
        assert_eq!(w.segments[0].handles, [Pid(2), Pid(3)]);
    }

    #[test]
    fn a_name_removed_while_mapped_leaves_room_for_a_new_object() {
        let mut m = shared(Flavour::Posix);
        m.segments[0].named = false;
        assert_eq!(m.current(), None);
        let i = m.create(Pid(5), 1);
        assert_eq!((i, m.current(), m.made), (1, Some(1), 2));
        assert_eq!(m.mapped_by(Pid(2)), Some(0));
        assert_eq!(m.mapped_by(Pid(5)), Some(1));
    }

    #[test]
    fn keys_are_fixed_positive_and_words_round_trip() {
        assert_eq!(model_key("buf"), model_key("buf"));
        assert_ne!(model_key("buf"), model_key("ring"));
        assert!(model_key("x") > 0);
        for f in Flavour::ALL {
            assert_eq!(Flavour::parse(f.word()), Some(f));
        }
        assert_eq!(Flavour::parse("win32"), None);
    }
}
