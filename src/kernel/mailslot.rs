//! Mailslots, modelled on Windows NT: one-way datagrams to a name. A server makes a mailslot
//! and is the only one to read it; any process that knows the name writes to it. A machine
//! has at most one mailslot of a name, but several machines of a domain may each have one:
//! a client writes to one machine's, or broadcasts to every one at once. Each write is one
//! message, kept whole until read; none is promised to arrive. Only the data and its rules
//! live here; `mailslot_calls` moves processes in and out of the queues.

use super::ids::Pid;
use super::socket::Direction;
use std::sync::Arc;

/// The longest message a broadcast to a whole domain may carry, in bytes.
pub const BROADCAST_LIMIT: usize = 400;

/// This machine, as a mailslot's path names it: `\\.\mailslot\NAME`.
pub const LOCAL: &str = ".";

/// Every machine of the domain: `\\*\mailslot\NAME`.
pub const DOMAIN: &str = "*";

/// One machine's mailslot of the name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    /// Its machine, by index in the name's list of machines.
    pub machine: u32,
    /// The messages not read yet, and the readers waiting.
    pub inbox: Direction,
    /// Its handles open (the server's, and copies it passed on).
    pub refs: u32,
}

/// Every mailslot of one name, and the machines they are on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mailslot {
    /// The machines named so far (by `CreateMailslot` or a client's `CreateFile`).
    pub machines: Vec<Arc<str>>,
    /// Every mailslot made, in order (deleted ones stay, with no handle left).
    pub slots: Vec<Slot>,
}

impl Mailslot {
    /// The index of `machine`, added to the list if new.
    pub fn machine(&mut self, machine: &str) -> u32 {
        match self.machines.iter().position(|m| &**m == machine) {
            Some(i) => i as u32,
            None => {
                self.machines.push(machine.into());
                (self.machines.len() - 1) as u32
            }
        }
    }

    /// The name of machine `index`.
    pub fn machine_name(&self, index: u32) -> Arc<str> {
        self.machines
            .get(index as usize)
            .cloned()
            .unwrap_or_else(|| LOCAL.into())
    }

    /// The mailslot that exists on `machine`, if any.
    pub fn open_on(&self, machine: u32) -> Option<u32> {
        self.slots
            .iter()
            .position(|s| s.machine == machine && s.refs > 0)
            .map(|i| i as u32)
    }

    /// The mailslots a write reaches: the one on `machine`, or (`None`) every one that exists.
    pub fn targets(&self, machine: Option<u32>) -> Vec<u32> {
        match machine {
            Some(m) => self.open_on(m).into_iter().collect(),
            None => (0..self.slots.len() as u32)
                .filter(|&i| self.slots[i as usize].refs > 0)
                .collect(),
        }
    }

    /// Takes `pid` out of every queue.
    pub fn forget(&mut self, pid: Pid) {
        for s in &mut self.slots {
            s.inbox.reading.retain(|r| r.0 != pid);
        }
    }

    /// True if `pid` waits to read one of the mailslots.
    pub fn holds(&self, pid: Pid) -> bool {
        self.slots
            .iter()
            .any(|s| s.inbox.reading.iter().any(|r| r.0 == pid))
    }

    /// One line for the views: each machine's mailslot and its messages.
    pub fn describe(&self) -> String {
        let open: Vec<String> = self
            .slots
            .iter()
            .filter(|s| s.refs > 0)
            .map(|s| {
                let n = s.inbox.data.len();
                let plural = if n == 1 { "" } else { "s" };
                format!("on {}: {n} message{plural}", self.machine_name(s.machine))
            })
            .collect();
        if open.is_empty() {
            "no mailslot of this name exists".into()
        } else {
            open.join("; ")
        }
    }
}

/// What a mailslot's reader gets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Got {
    /// The next message, whole.
    Message(Arc<str>),
    /// The next message needs this many bytes, more than the reader's buffer: it stays.
    TooSmall(u32),
}

/// Reads the next message from `inbox` into a buffer of `max` bytes; `None` if it is empty.
pub fn read(inbox: &mut Direction, max: u32) -> Option<Got> {
    let front = inbox.data.front()?;
    if front.len() > max as usize {
        return Some(Got::TooSmall(front.len() as u32));
    }
    inbox.data.pop_front().map(Got::Message)
}

/// Hands the waiting messages to the waiting readers, longest waiting first: who got what.
pub fn serve(inbox: &mut Direction) -> Vec<(Pid, Got)> {
    let mut out = Vec::new();
    while let Some(&(pid, max)) = inbox.reading.front() {
        let Some(got) = read(inbox, max) else {
            break;
        };
        inbox.reading.pop_front();
        out.push((pid, got));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_reaches_one_machine_or_every_one() {
        let mut m = Mailslot::default();
        let (a, b, c) = (m.machine("alpha"), m.machine("beta"), m.machine("gamma"));
        assert_eq!(m.machine("beta"), b, "a machine is named once");
        for machine in [a, b] {
            m.slots.push(Slot {
                machine,
                inbox: Direction::default(),
                refs: 1,
            });
        }
        assert_eq!(m.targets(Some(b)), [1]);
        assert_eq!(m.targets(Some(c)), [] as [u32; 0], "nobody on gamma");
        assert_eq!(m.targets(None), [0, 1]);
        m.slots[0].refs = 0;
        assert_eq!(m.targets(None), [1], "a deleted mailslot gets nothing");
    }

    #[test]
    fn a_message_is_read_whole_or_not_at_all() {
        let mut inbox = Direction::default();
        inbox.data.push_back("hello".into());
        assert_eq!(read(&mut inbox, 3), Some(Got::TooSmall(5)));
        assert_eq!(read(&mut inbox, 5), Some(Got::Message("hello".into())));
        assert_eq!(read(&mut inbox, 5), None);
    }
}
