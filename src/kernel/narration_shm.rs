//! The sentences for the life of a shared-memory object, flavour by flavour: what each call
//! did to it, and — the point of comparing the three — whose duty its removal is.

use super::segment::{Flavour, Life, Unmapped, model_key};

fn plural(n: u32, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// What happened to the object of the ring `name`, as a sentence.
pub(super) fn life(name: &str, flavour: Flavour, life: &Life) -> String {
    let views = |n: u32| plural(n, "mapping", "mappings");
    match (flavour, life.clone()) {
        (Flavour::Posix, Life::Created { .. }) => format!(
            "shm_open creates /{name}, ftruncate sizes it for the ring and mmap maps it; the \
             name stays in /dev/shm until someone calls shm_unlink, even with nobody using it"
        ),
        (Flavour::SystemV, Life::Created { id }) => format!(
            "shmget creates a System V segment (key 0x{:08x}, shmid {id}) and shmat attaches it \
             (nattch 1); it stays in the system, listed by ipcs -m, until someone calls \
             shmctl(IPC_RMID), even after every process has exited",
            model_key(name)
        ),
        (Flavour::Windows, Life::Created { .. }) => format!(
            "CreateFileMapping creates the file mapping object {name}, backed by the paging \
             file, and MapViewOfFile maps a view of it; it lives while a handle or a view \
             refers to it, and nobody ever has to remove it"
        ),
        (Flavour::Posix, Life::Attached { views: n }) => format!(
            "shm_open finds /{name} by its name and mmap maps it: {} now",
            views(n)
        ),
        (Flavour::SystemV, Life::Attached { views }) => {
            format!(
                "shmget finds the segment {name} by its key and shmat attaches it: nattch {views}"
            )
        }
        (Flavour::Windows, Life::Attached { views: n }) => format!(
            "CreateFileMapping finds {name} by its name and gives a new handle to it; \
             MapViewOfFile maps a view: {} now",
            plural(n, "view", "views")
        ),
        (
            _,
            Life::Detached {
                views: n,
                handles,
                named,
                by,
            },
        ) => {
            let what = match (flavour, by) {
                (Flavour::Posix, Unmapped::Detach) => format!("munmap unmaps /{name}"),
                (Flavour::SystemV, Unmapped::Detach) => {
                    format!("shmdt detaches the segment {name}")
                }
                (Flavour::Windows, Unmapped::Detach) => {
                    format!("UnmapViewOfFile unmaps the view of {name}")
                }
                (Flavour::Posix, Unmapped::Exec) => format!(
                    "exec starts the new program without /{name}: unmapped, and its descriptor \
                     closed (shm_open makes it close-on-exec)"
                ),
                (_, Unmapped::Exec) => {
                    format!("exec starts the new program without {name}: unmapped")
                }
                (Flavour::Posix, Unmapped::End) => format!("its end unmaps /{name}"),
                (Flavour::SystemV, Unmapped::End) => {
                    format!("its end detaches the segment {name}")
                }
                (Flavour::Windows, Unmapped::End) => {
                    format!("its end closes its handles and unmaps its views of {name}")
                }
            };
            let left = match (flavour, n, named) {
                (Flavour::Posix, 0, true) => format!(
                    ": nobody has it mapped, but /{name} stays in /dev/shm until shm_unlink"
                ),
                (Flavour::SystemV, 0, true) => ": nattch 0, and the segment stays in the system \
                    (ipcs -m lists it) until shmctl(IPC_RMID)"
                    .to_string(),
                (Flavour::SystemV, n, _) => format!(": nattch {n}"),
                (Flavour::Windows, n, _) => format!(
                    ": {} and {} left",
                    plural(handles, "handle", "handles"),
                    plural(n, "view", "views")
                ),
                (Flavour::Posix, n, _) => format!(": {} left", views(n)),
            };
            format!("{what}{left}")
        }
        (Flavour::Windows, Life::Closed { handles, views: n }) => format!(
            "CloseHandle closes a handle to {name}: {} and {} left",
            plural(handles, "handle", "handles"),
            plural(n, "view", "views")
        ),
        (_, Life::Closed { handles, views: n }) => format!(
            "its descriptor for /{name} is closed; a mapping does not need it ({} and {} left)",
            plural(handles, "descriptor", "descriptors"),
            views(n)
        ),
        (Flavour::SystemV, Life::NameRemoved { views }) => format!(
            "shmctl(IPC_RMID) marks the segment {name} for removal (ipcs -m shows it as dest, \
             its key now 0x00000000): it is destroyed when nattch reaches 0 (now {views})"
        ),
        (_, Life::NameRemoved { views: 0 }) => {
            format!("shm_unlink removes the name /{name} from /dev/shm, and nothing has it mapped")
        }
        (_, Life::NameRemoved { views: 1 }) => format!(
            "shm_unlink removes the name /{name} from /dev/shm: nobody can open it any more, \
             and its memory is freed when its last mapping goes"
        ),
        (_, Life::NameRemoved { views: n }) => format!(
            "shm_unlink removes the name /{name} from /dev/shm: nobody can open it any more, \
             and its memory is freed when the last of its {n} mappings goes"
        ),
        (Flavour::Posix, Life::Gone) => {
            format!("nothing refers to /{name} any more: its memory is freed")
        }
        (Flavour::SystemV, Life::Gone) => format!(
            "the segment {name}, marked for removal, has nothing attached: it is destroyed and \
             ipcs -m no longer lists it"
        ),
        (Flavour::Windows, Life::Gone) => format!(
            "the last handle and view of {name} are gone: Windows destroys the file mapping \
             object, and its name with it"
        ),
    }
}
