//! The five IPC mechanisms that `proclab bench ipc` measures, as a lesson names them, and facts
//! about them that an answer can be computed from: `answer = "which keeps message boundaries"`
//! picks, among a question's choices, the one mechanism the fact holds for. The facts are about
//! the mechanisms as proclab measures them (a Unix *stream* socket, POSIX shared memory and
//! message queues on Linux), and are written down here once, so a lesson cannot contradict them.

use crate::ipc_bench::Mechanism;

/// A fact that holds for some of the mechanisms.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Property {
    /// Each send arrives as one whole receive: only the message queue. A pipe, a FIFO and a
    /// stream socket carry a stream of bytes, and shared memory is just memory.
    KeepsBoundaries,
    /// Bytes come out in order, with nothing marking where one write ended.
    ByteStream,
    /// Once set up, data moves by ordinary loads and stores, with no system call and no copy
    /// made by the kernel: shared memory.
    NoSystemCalls,
    /// The processes must coordinate themselves (who may read, who may write, who waits):
    /// shared memory. The others block and wake in the kernel.
    OwnSynchronization,
    /// Found by inheriting descriptors, not by a name: only related processes can use it.
    NoName,
    /// Its name stays after the processes end, until somebody removes it (`unlink`,
    /// `shm_unlink`, `mq_unlink`): a FIFO, shared memory, a message queue, a socket bound to
    /// a path. A pipe goes away with its last descriptor.
    MustBeUnlinked,
    /// The same calls connect processes on different machines: sockets (with an Internet
    /// address instead of a path).
    AcrossMachines,
}

/// The properties as a lesson writes them after `which`.
const PROPERTIES: [(&str, Property); 7] = [
    ("keeps message boundaries", Property::KeepsBoundaries),
    ("is a byte stream", Property::ByteStream),
    ("moves data without system calls", Property::NoSystemCalls),
    (
        "needs its own synchronization",
        Property::OwnSynchronization,
    ),
    ("has no name", Property::NoName),
    ("must be unlinked", Property::MustBeUnlinked),
    ("works across machines", Property::AcrossMachines),
];

/// The forms of `which …`, for hints.
pub const FACT_FORMS: &str = "which keeps message boundaries, which is a byte stream, \
which moves data without system calls, which needs its own synchronization, which has no name, \
which must be unlinked, which works across machines";

impl Property {
    /// Reads the words after `which`.
    pub fn parse(words: &[&str]) -> Option<Property> {
        let text = words.join(" ");
        PROPERTIES
            .iter()
            .find(|(name, _)| *name == text)
            .map(|(_, p)| *p)
    }

    /// How a lesson writes it.
    pub fn name(self) -> &'static str {
        PROPERTIES
            .iter()
            .find(|(_, p)| *p == self)
            .map_or("", |(name, _)| name)
    }

    /// True if the fact holds for `m`.
    pub fn holds(self, m: Mechanism) -> bool {
        use Mechanism::{Fifo, Mq, Pipe, Shm, Socket};
        match self {
            Property::KeepsBoundaries => m == Mq,
            Property::ByteStream => matches!(m, Pipe | Fifo | Socket),
            Property::NoSystemCalls | Property::OwnSynchronization => m == Shm,
            Property::NoName => m == Pipe,
            Property::MustBeUnlinked => matches!(m, Fifo | Shm | Mq | Socket),
            Property::AcrossMachines => m == Socket,
        }
    }
}

/// The names a student or an author may use for each mechanism (lower case, words separated
/// by single spaces, no punctuation).
const NAMES: [(Mechanism, &[&str]); 5] = [
    (
        Mechanism::Pipe,
        &["pipe", "pipes", "a pipe", "ordinary pipe", "anonymous pipe"],
    ),
    (
        Mechanism::Fifo,
        &["fifo", "fifos", "a fifo", "named pipe", "fifo named pipe"],
    ),
    (
        Mechanism::Shm,
        &["shm", "shared memory", "posix shared memory"],
    ),
    (
        Mechanism::Mq,
        &[
            "mq",
            "message queue",
            "message queues",
            "posix message queue",
            "mqueue",
        ],
    ),
    (
        Mechanism::Socket,
        &[
            "socket",
            "sockets",
            "unix socket",
            "unix stream socket",
            "unix domain socket",
            "stream socket",
        ],
    ),
];

/// The mechanism a name means: `pipe`, `FIFO (named pipe)`, `shared memory`, `mq`,
/// `Unix socket`… (any case; parentheses and dashes ignored).
pub fn parse(name: &str) -> Option<Mechanism> {
    let cleaned: String = name
        .chars()
        .map(|c| if matches!(c, '(' | ')' | '-') { ' ' } else { c })
        .collect();
    let words: Vec<String> = cleaned.split_whitespace().map(str::to_lowercase).collect();
    let text = words.join(" ");
    NAMES
        .iter()
        .find(|(_, names)| names.contains(&text.as_str()))
        .map(|(m, _)| *m)
}

/// The choices `choices = "mechanisms"` makes: every mechanism's name in a table.
pub fn choices() -> Vec<String> {
    Mechanism::ALL
        .iter()
        .map(|m| m.title().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_any_form() {
        assert_eq!(parse("FIFO (named pipe)"), Some(Mechanism::Fifo));
        assert_eq!(parse("  Named   Pipe "), Some(Mechanism::Fifo));
        assert_eq!(parse("POSIX shared memory"), Some(Mechanism::Shm));
        assert_eq!(parse("Unix-domain socket"), Some(Mechanism::Socket));
        assert_eq!(parse("mq"), Some(Mechanism::Mq));
        assert_eq!(parse("carrier pigeon"), None);
        for m in Mechanism::ALL {
            assert_eq!(parse(m.title()), Some(m), "its own title");
            assert_eq!(parse(m.id()), Some(m), "its command-line name");
        }
    }

    #[test]
    fn each_fact_holds_where_it_should() {
        let holding = |p: Property| -> Vec<Mechanism> {
            Mechanism::ALL.into_iter().filter(|m| p.holds(*m)).collect()
        };
        assert_eq!(holding(Property::KeepsBoundaries), [Mechanism::Mq]);
        assert_eq!(holding(Property::NoName), [Mechanism::Pipe]);
        assert_eq!(holding(Property::AcrossMachines), [Mechanism::Socket]);
        assert_eq!(holding(Property::NoSystemCalls), [Mechanism::Shm]);
        assert_eq!(
            holding(Property::ByteStream),
            [Mechanism::Pipe, Mechanism::Fifo, Mechanism::Socket]
        );
        // Every mechanism either vanishes with its descriptors or has a name to remove.
        for m in Mechanism::ALL {
            assert_ne!(Property::NoName.holds(m), Property::MustBeUnlinked.holds(m));
        }
        for (name, p) in PROPERTIES {
            let words: Vec<&str> = name.split(' ').collect();
            assert_eq!(Property::parse(&words), Some(p));
            assert_eq!(p.name(), name);
            assert!(FACT_FORMS.contains(name), "{name} is in the hint");
        }
    }
}
