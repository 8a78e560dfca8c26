//! Descriptor tables: what each process's file descriptors refer to. Every process starts
//! with the terminal on 0, 1 and 2 (standard input reads as empty, like /dev/null); pipes,
//! FIFOs and shared-memory rings take the lowest free descriptors, as in Unix. A fork copies
//! the table; exec keeps it.

use super::program::{End, ObjectId, Stream};
use super::socket::SocketEnd;
use serde::Serialize;

/// A file descriptor number.
pub type Fd = u32;

/// What a descriptor refers to.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "open")]
pub enum Open {
    /// The terminal.
    Terminal,
    /// One end of a pipe or FIFO; `named` marks the descriptor the scenario's name refers to
    /// (the one `pipe` or `open` returned), as opposed to copies made by `redirect`.
    End {
        /// The pipe or FIFO.
        object: ObjectId,
        /// Which end.
        end: End,
        /// Whether this is the named descriptor.
        named: bool,
    },
    /// A shared-memory ring.
    Ring {
        /// The ring.
        object: ObjectId,
    },
    /// A mailbox (a message-queue descriptor).
    Mailbox {
        /// The mailbox.
        object: ObjectId,
    },
    /// A socket: the listening one or one side of a connection.
    Socket {
        /// The socket's scenario object.
        object: ObjectId,
        /// Which of its sockets.
        end: SocketEnd,
    },
    /// A handle of the Windows family (it sits in the same table).
    Handle(super::win::Handle),
}

/// A process's descriptor table. The usual table — just the terminal on 0, 1 and 2 — takes
/// no memory, so a million simple processes cost nothing here.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FdTable(Option<Vec<Option<Open>>>);

const STANDARD: [Option<Open>; 3] = [Some(Open::Terminal); 3];

impl FdTable {
    fn slots(&self) -> &[Option<Open>] {
        self.0.as_deref().unwrap_or(&STANDARD)
    }

    fn slots_mut(&mut self) -> &mut Vec<Option<Open>> {
        self.0.get_or_insert_with(|| STANDARD.to_vec())
    }

    /// What descriptor `fd` refers to.
    pub fn get(&self, fd: Fd) -> Option<Open> {
        self.slots().get(fd as usize).copied().flatten()
    }

    /// Installs `open` at the lowest free descriptor and returns it.
    pub fn add(&mut self, open: Open) -> Fd {
        let slots = self.slots_mut();
        match slots.iter().position(Option::is_none) {
            Some(fd) => {
                slots[fd] = Some(open);
                fd as Fd
            }
            None => {
                slots.push(Some(open));
                (slots.len() - 1) as Fd
            }
        }
    }

    /// Puts `open` at descriptor `fd` (closing what was there); returns what was replaced.
    pub fn set(&mut self, fd: Fd, open: Open) -> Option<Open> {
        let slots = self.slots_mut();
        if slots.len() <= fd as usize {
            slots.resize(fd as usize + 1, None);
        }
        slots[fd as usize].replace(open)
    }

    /// Closes descriptor `fd`; returns what it referred to.
    pub fn close(&mut self, fd: Fd) -> Option<Open> {
        let slots = self.slots_mut();
        let old = slots.get_mut(fd as usize)?.take();
        while slots.last() == Some(&None) {
            slots.pop();
        }
        old
    }

    /// The named descriptor of `object` (for a pipe or FIFO: of that end; for a socket, the
    /// one [`socket`](Self::socket) picks).
    pub fn named(&self, object: ObjectId, end: Option<End>) -> Option<Fd> {
        if let Some((fd, _)) = self.socket(object) {
            return Some(fd);
        }
        self.iter().find_map(|(fd, open)| match open {
            Open::End {
                object: o,
                end: e,
                named: true,
            } if o == object && end.is_none_or(|want| want == e) => Some(fd),
            Open::Ring { object: o } | Open::Mailbox { object: o } if o == object => Some(fd),
            _ => None,
        })
    }

    /// The descriptor a scenario's socket name stands for in this process: its newest
    /// connection (the one `accept` or `connect` made last), or else the listening socket.
    pub fn socket(&self, object: ObjectId) -> Option<(Fd, SocketEnd)> {
        let rank = |end: SocketEnd| match end {
            SocketEnd::Listener => 0,
            SocketEnd::Server(c) | SocketEnd::Client(c) => u64::from(c) + 1,
        };
        self.iter()
            .filter_map(|(fd, open)| match open {
                Open::Socket { object: o, end } if o == object => Some((fd, end)),
                _ => None,
            })
            .max_by_key(|&(_, end)| rank(end))
    }

    /// True if this process holds the listening socket of `object`.
    pub fn listens_on(&self, object: ObjectId) -> bool {
        self.iter().any(|(_, open)| {
            open == Open::Socket {
                object,
                end: SocketEnd::Listener,
            }
        })
    }

    /// The descriptor a standard stream uses.
    pub fn stream(&self, stream: Stream) -> Option<Open> {
        self.get(stream as Fd)
    }

    /// Every open descriptor, lowest first.
    pub fn iter(&self) -> impl Iterator<Item = (Fd, Open)> + '_ {
        self.slots()
            .iter()
            .enumerate()
            .filter_map(|(fd, open)| open.map(|o| (fd as Fd, o)))
    }

    /// Closes every descriptor (at exit); returns what they referred to.
    pub fn close_all(&mut self) -> Vec<Open> {
        let old = self.iter().map(|(_, o)| o).collect();
        self.0 = Some(Vec::new());
        old
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptors_are_the_lowest_free_ones() {
        let mut t = FdTable::default();
        assert_eq!(t.iter().count(), 3);
        let end = |end, named| Open::End {
            object: 0,
            end,
            named,
        };
        assert_eq!(t.add(end(End::Read, true)), 3);
        assert_eq!(t.add(end(End::Write, true)), 4);
        assert_eq!(t.named(0, Some(End::Write)), Some(4));
        assert_eq!(t.close(3), Some(end(End::Read, true)));
        assert_eq!(t.set(1, end(End::Write, false)), Some(Open::Terminal));
        assert_eq!(t.add(Open::Ring { object: 1 }), 3);
        assert_eq!(
            t.named(0, Some(End::Write)),
            Some(4),
            "the copy on 1 is not the named one"
        );
        assert_eq!(t.stream(Stream::Stdout), Some(end(End::Write, false)));
        assert_eq!(t.close_all().len(), 5);
        assert_eq!(t.iter().count(), 0);
    }
}
