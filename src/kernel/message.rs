//! Message passing: the queues behind mailboxes (indirect communication) and behind the links
//! between two processes (direct communication), with the three kinds of buffering of the
//! textbook. Only the data and its rules live here; `messaging` moves processes in and out of
//! the wait queues.

use super::ids::Pid;
use super::narration::Names;
use super::program::SpecIndex;
use serde::Serialize;
use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;

/// The largest capacity a scenario may give a mailbox or link.
pub const MAX_CAPACITY: u32 = 1_000_000;

/// The longest message, in bytes (the real lab sizes its message queues for it).
pub const MAX_MESSAGE: usize = 1024;

/// How many messages a queue can hold: the buffering of the link.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "buffering", content = "messages")]
pub enum Capacity {
    /// None: every send waits for a receiver (a rendezvous).
    Zero,
    /// At most this many (at least 1); a sender waits while it is full.
    Bounded(u32),
    /// No limit: a sender never waits.
    Unbounded,
}

impl Capacity {
    /// From a count, where 0 means a rendezvous.
    pub fn of(n: u32) -> Capacity {
        if n == 0 {
            Capacity::Zero
        } else {
            Capacity::Bounded(n)
        }
    }

    /// True if a queue already holding `len` messages has room for one more.
    pub fn has_room(self, len: usize) -> bool {
        match self {
            Capacity::Zero => false,
            Capacity::Bounded(n) => len < n as usize,
            Capacity::Unbounded => true,
        }
    }

    /// The word a scenario file uses: `0`, `3`, `unbounded`.
    pub fn word(self) -> String {
        match self {
            Capacity::Zero => "0".into(),
            Capacity::Bounded(n) => n.to_string(),
            Capacity::Unbounded => "unbounded".into(),
        }
    }
}

impl fmt::Display for Capacity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Capacity::Zero => f.write_str("zero capacity (rendezvous)"),
            Capacity::Bounded(1) => f.write_str("capacity 1 message"),
            Capacity::Bounded(n) => write!(f, "capacity {n} messages"),
            Capacity::Unbounded => f.write_str("unbounded capacity"),
        }
    }
}

/// One message: its text and who sent it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// The sender.
    pub from: Pid,
    /// The text.
    pub text: Arc<str>,
}

/// A message queue with its buffering and the processes blocked on it. Senders and receivers
/// are served first come, first served: of several blocked receivers, the one that has waited
/// longest gets the next message (POSIX message queues do the same among receivers of equal
/// priority; the textbook leaves the choice to the system).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageQueue {
    /// How many messages it can hold.
    pub capacity: Capacity,
    /// Messages sent and not received yet, oldest first.
    pub messages: VecDeque<Message>,
    /// Processes blocked in `send`, with their message (the queue was full, or it has no
    /// capacity and no receiver was waiting).
    pub sending: VecDeque<Message>,
    /// Processes blocked in `receive`, longest waiting first.
    pub receiving: VecDeque<Pid>,
}

/// What a `send` does with a queue.
#[derive(Debug, PartialEq, Eq)]
pub enum Sent {
    /// A receiver was waiting (so the queue was empty): the caller hands it the message and
    /// wakes it.
    Handed(Pid),
    /// The message is in the queue.
    Queued,
    /// No room (or no receiver, at zero capacity): the sender must wait or give up.
    NoRoom,
}

/// What a `receive` does with a queue.
#[derive(Debug, PartialEq, Eq)]
pub enum Received {
    /// The oldest message; if a blocked sender could now put its message in (or hand it over,
    /// at zero capacity), that sender is woken.
    Got(Message, Option<Pid>),
    /// Nothing to take: the receiver must wait or give up.
    Nothing,
}

impl MessageQueue {
    /// An empty queue.
    pub fn new(capacity: Capacity) -> MessageQueue {
        MessageQueue {
            capacity,
            messages: VecDeque::new(),
            sending: VecDeque::new(),
            receiving: VecDeque::new(),
        }
    }

    /// Tries to send `message` without waiting.
    pub fn send(&mut self, message: Message) -> Sent {
        // A receiver waits only while the queue is empty, so handing over keeps the order.
        if let Some(receiver) = self.receiving.pop_front() {
            return Sent::Handed(receiver);
        }
        if self.capacity.has_room(self.messages.len()) {
            self.messages.push_back(message);
            Sent::Queued
        } else {
            Sent::NoRoom
        }
    }

    /// Tries to receive without waiting.
    pub fn receive(&mut self) -> Received {
        if let Some(message) = self.messages.pop_front() {
            // The room just made goes to the sender that has waited longest.
            let woken = if self.capacity.has_room(self.messages.len()) {
                self.sending.pop_front().map(|m| {
                    let pid = m.from;
                    self.messages.push_back(m);
                    pid
                })
            } else {
                None
            };
            return Received::Got(message, woken);
        }
        // At zero capacity a blocked sender's message passes straight to the receiver.
        match self.sending.pop_front() {
            Some(m) => {
                let pid = m.from;
                Received::Got(m, Some(pid))
            }
            None => Received::Nothing,
        }
    }

    /// Takes `pid` out of both wait queues (it ended); true if it was in one.
    pub fn forget(&mut self, pid: Pid) -> bool {
        let before = self.sending.len() + self.receiving.len();
        self.sending.retain(|m| m.from != pid);
        self.receiving.retain(|&p| p != pid);
        before != self.sending.len() + self.receiving.len()
    }

    /// True if `pid` is blocked on this queue.
    pub fn holds(&self, pid: Pid) -> bool {
        self.receiving.contains(&pid) || self.sending.iter().any(|m| m.from == pid)
    }

    /// True if a send would have to wait now.
    pub fn is_full(&self) -> bool {
        self.receiving.is_empty() && !self.capacity.has_room(self.messages.len())
    }

    /// What it holds and who waits on it, in a line: `2 of 3 messages ["a", "b"]; waiting to
    /// send: A`.
    pub fn describe(&self, names: &dyn Names) -> String {
        let texts: Vec<&str> = self.messages.iter().map(|m| &*m.text).collect();
        let mut s = match self.capacity {
            Capacity::Zero => "no buffer (rendezvous)".to_string(),
            Capacity::Bounded(n) => format!("{} of {n} messages {texts:?}", texts.len()),
            Capacity::Unbounded => format!("{} messages {texts:?}", texts.len()),
        };
        if !self.sending.is_empty() {
            let who: Vec<String> = self.sending.iter().map(|m| names.process(m.from)).collect();
            s.push_str(&format!("; waiting to send: {}", who.join(", ")));
        }
        if !self.receiving.is_empty() {
            let who: Vec<String> = self.receiving.iter().map(|&p| names.process(p)).collect();
            s.push_str(&format!("; waiting to receive: {}", who.join(", ")));
        }
        s
    }
}

/// A mailbox (a port): a message queue with a name, shared by any number of senders and
/// receivers. Destroying it removes the name, as `mq_unlink` does: processes that already use
/// it keep it, and it goes away when the last of them closes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mailbox {
    /// Its messages and waiting processes.
    pub queue: MessageQueue,
    /// False once destroyed: no new process can find it by name.
    pub named: bool,
    /// Descriptors open on it, in all processes.
    pub users: u32,
}

/// The link of direct communication between two processes, made the first time one of them
/// names the other: a queue in each direction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The two processes, in scenario order.
    pub ends: [SpecIndex; 2],
    /// Messages from the first process to the second.
    pub forward: MessageQueue,
    /// Messages from the second to the first.
    pub backward: MessageQueue,
}

impl Link {
    /// A new link between two processes whose two queues have `capacity`.
    pub fn new(a: SpecIndex, b: SpecIndex, capacity: Capacity) -> Link {
        Link {
            ends: [a.min(b), a.max(b)],
            forward: MessageQueue::new(capacity),
            backward: MessageQueue::new(capacity),
        }
    }

    /// The queue in one direction.
    pub fn queue(&mut self, forward: bool) -> &mut MessageQueue {
        if forward {
            &mut self.forward
        } else {
            &mut self.backward
        }
    }

    /// Both queues.
    pub fn queues(&self) -> [&MessageQueue; 2] {
        [&self.forward, &self.backward]
    }

    /// Both directions in a line: `A→B: 1 messages ["hi"]; B→A: 0 messages []`.
    pub fn describe(&self, names: &dyn Names) -> String {
        let [a, b] = self.ends.map(|s| names.spec(s));
        format!(
            "{a}→{b}: {}; {b}→{a}: {}",
            self.forward.describe(names),
            self.backward.describe(names)
        )
    }

    /// Messages waiting in both directions.
    pub fn len(&self) -> usize {
        self.forward.messages.len() + self.backward.messages.len()
    }

    /// True if no message waits in either direction.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Mailbox {
    /// Its queue in a line, and whether it was destroyed.
    pub fn describe(&self, names: &dyn Names) -> String {
        let queue = self.queue.describe(names);
        match (self.named, self.users) {
            (true, _) => queue,
            (false, 0) => format!("{queue} (destroyed)"),
            (false, 1) => format!("{queue} (destroyed; still open in 1 process)"),
            (false, n) => format!("{queue} (destroyed; still open in {n} processes)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(from: u32, text: &str) -> Message {
        Message {
            from: Pid(from),
            text: text.into(),
        }
    }

    #[test]
    fn a_bounded_queue_makes_the_sender_wait_when_full() {
        // Capacity 2: two sends go in, the third finds no room; a receive takes "a" and lets
        // the waiting sender's "c" in behind "b".
        let mut q = MessageQueue::new(Capacity::Bounded(2));
        assert_eq!(q.send(msg(1, "a")), Sent::Queued);
        assert_eq!(q.send(msg(1, "b")), Sent::Queued);
        assert_eq!(q.send(msg(2, "c")), Sent::NoRoom);
        assert!(q.is_full());
        q.sending.push_back(msg(2, "c"));
        assert_eq!(q.receive(), Received::Got(msg(1, "a"), Some(Pid(2))));
        let left: Vec<&str> = q.messages.iter().map(|m| &*m.text).collect();
        assert_eq!(left, ["b", "c"]);
    }

    #[test]
    fn zero_capacity_is_a_rendezvous() {
        let mut q = MessageQueue::new(Capacity::Zero);
        assert_eq!(q.send(msg(1, "x")), Sent::NoRoom, "nobody is receiving yet");
        q.sending.push_back(msg(1, "x"));
        assert_eq!(q.receive(), Received::Got(msg(1, "x"), Some(Pid(1))));
        assert!(q.messages.is_empty() && q.sending.is_empty());
        // The other way round: the receiver waits first and the send hands over.
        assert_eq!(q.receive(), Received::Nothing);
        q.receiving.push_back(Pid(7));
        assert_eq!(q.send(msg(1, "y")), Sent::Handed(Pid(7)));
        assert!(q.messages.is_empty() && q.receiving.is_empty());
    }

    #[test]
    fn the_longest_waiting_receiver_gets_the_next_message() {
        let mut q = MessageQueue::new(Capacity::Unbounded);
        q.receiving.extend([Pid(4), Pid(5)]);
        assert_eq!(q.send(msg(1, "first")), Sent::Handed(Pid(4)));
        assert_eq!(q.send(msg(1, "second")), Sent::Handed(Pid(5)));
        assert_eq!(q.send(msg(1, "third")), Sent::Queued);
        assert!(!q.is_full());
    }

    #[test]
    fn an_ended_process_leaves_the_wait_queues() {
        let mut q = MessageQueue::new(Capacity::Zero);
        q.sending.push_back(msg(3, "never"));
        q.receiving.push_back(Pid(4));
        assert!(q.holds(Pid(3)) && q.holds(Pid(4)));
        assert!(q.forget(Pid(3)));
        assert!(q.forget(Pid(4)));
        assert!(!q.forget(Pid(4)));
        assert_eq!(q.receive(), Received::Nothing);
    }
}
