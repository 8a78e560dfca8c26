//! The system calls of message passing: `mailbox`, `send`, `receive` (blocking or not) and
//! `destroy`, over mailboxes and over the direct links between two processes. A blocked
//! sender or receiver waits in the queue of its mailbox or link; the partner that lets it go
//! on wakes it, after its own call is told, as for pipes.

use super::engine::Kernel;
use super::event::{EventSink, Reason};
use super::files::Open;
use super::ids::Pid;
use super::ipc::Object;
use super::message::{Capacity, Link, Mailbox, Message, MessageQueue, Received, Sent};
use super::program::{ObjectId, Peer, Step};
use super::state::WaitOn;
use super::syscalls::{After, CallResult, Errno, Flow, Wakeup};
use std::sync::Arc;

impl Kernel {
    /// Executes a message-passing step of the running process `pid`.
    pub(super) fn message_call(
        &mut self,
        pid: Pid,
        step: &Step,
        sink: &mut impl EventSink,
    ) -> Flow {
        let mut peer = None;
        let (result, wait, after) = match *step {
            Step::Mailbox { object, capacity } => (
                self.create_mailbox(pid, object, capacity),
                None,
                After::Nothing,
            ),
            Step::Destroy { object } => (self.destroy_mailbox(object), None, After::Nothing),
            Step::Send { to, ref text, wait } => match self.queue_of(pid, to) {
                Err(e) => (CallResult::err(e), None, After::Nothing),
                Ok(object) => {
                    let message = Message {
                        from: pid,
                        text: text.clone(),
                    };
                    let queue = self.queue(to);
                    match queue.send(message.clone()) {
                        Sent::Handed(receiver) => {
                            peer = Some(receiver);
                            let woken = delivery(receiver, object, &message);
                            (CallResult::ok(0), None, After::Wake(vec![woken]))
                        }
                        Sent::Queued => (CallResult::ok(0), None, After::Nothing),
                        Sent::NoRoom if wait => {
                            let rendezvous = queue.capacity == Capacity::Zero;
                            queue.sending.push_back(message);
                            let reason = Reason::WaitsToSend { object, rendezvous };
                            (
                                CallResult::ok(0),
                                Some((WaitOn::Send { object }, reason)),
                                After::Nothing,
                            )
                        }
                        Sent::NoRoom => (CallResult::err(Errno::EAGAIN), None, After::Nothing),
                    }
                }
            },
            Step::Receive { from, wait } => match self.queue_of(pid, from) {
                Err(e) => (CallResult::err(e), None, After::Nothing),
                Ok(object) => {
                    let queue = self.queue(from);
                    match queue.receive() {
                        Received::Got(message, woken) => {
                            peer = Some(message.from);
                            let after = match woken {
                                Some(sender) => After::Wake(vec![Wakeup {
                                    pid: sender,
                                    result: CallResult::ok(0),
                                    reason: Reason::SendReturns { object },
                                }]),
                                None => After::Nothing,
                            };
                            (received(&message), None, after)
                        }
                        Received::Nothing if wait => {
                            queue.receiving.push_back(pid);
                            let reason = Reason::WaitsToReceive { object };
                            (
                                CallResult::ok(0),
                                Some((WaitOn::Receive { object }, reason)),
                                After::Nothing,
                            )
                        }
                        Received::Nothing => (CallResult::err(Errno::EAGAIN), None, After::Nothing),
                    }
                }
            },
            _ => unreachable!("only message-passing steps come here"),
        };
        match wait {
            Some((on, reason)) => {
                self.report_call(pid, step, None, None, sink);
                Flow::Blocks(on, reason, after)
            }
            None => {
                self.report_call(pid, step, peer, Some(result), sink);
                self.follow(after, sink);
                Flow::Returned
            }
        }
    }

    /// `mailbox`: creates it and gives the creator a descriptor (`mq_open` with `O_CREAT`).
    fn create_mailbox(&mut self, pid: Pid, object: ObjectId, capacity: Capacity) -> CallResult {
        if !matches!(self.objects[object as usize], Object::Absent) {
            return CallResult::err(Errno::EEXIST);
        }
        self.objects[object as usize] = Object::Mailbox(Mailbox {
            queue: MessageQueue::new(capacity),
            named: true,
            users: 1,
        });
        let fd = self.table[pid].files.add(Open::Mailbox { object });
        CallResult::ok(i64::from(fd))
    }

    /// `destroy`: removes the mailbox's name (`mq_unlink`).
    fn destroy_mailbox(&mut self, object: ObjectId) -> CallResult {
        match &mut self.objects[object as usize] {
            Object::Mailbox(m) if m.named => {
                m.named = false;
                CallResult::ok(0)
            }
            _ => CallResult::err(Errno::ENOENT),
        }
    }

    /// The object a message goes through, after checking `pid` may use it: a link is made on
    /// first use; a mailbox is opened by name on first use (`ENOENT` once destroyed).
    fn queue_of(&mut self, pid: Pid, peer: Peer) -> Result<ObjectId, Errno> {
        match peer {
            Peer::Process { link, process, .. } => {
                if matches!(self.objects[link as usize], Object::Absent) {
                    let me = self.table[pid].order;
                    let link_state = Link::new(me, process, self.config.link_capacity);
                    self.objects[link as usize] = Object::Link(link_state);
                }
                Ok(link)
            }
            Peer::Mailbox { object } => {
                if self.table[pid].files.named(object, None).is_some() {
                    return Ok(object);
                }
                match &mut self.objects[object as usize] {
                    Object::Mailbox(m) if m.named => m.users += 1,
                    _ => return Err(Errno::ENOENT),
                }
                self.table[pid].files.add(Open::Mailbox { object });
                Ok(object)
            }
        }
    }

    /// The queue of a mailbox or link that `queue_of` has checked.
    fn queue(&mut self, peer: Peer) -> &mut MessageQueue {
        let (object, forward) = match peer {
            Peer::Process { link, forward, .. } => (link, forward),
            Peer::Mailbox { object } => (object, true),
        };
        match &mut self.objects[object as usize] {
            Object::Mailbox(m) => &mut m.queue,
            Object::Link(l) => l.queue(forward),
            _ => unreachable!("queue_of made or found it"),
        }
    }

    /// A descriptor of a mailbox was closed (or its process ended).
    pub(super) fn mailbox_released(&mut self, object: ObjectId) {
        if let Object::Mailbox(m) = &mut self.objects[object as usize] {
            m.users = m.users.saturating_sub(1);
        }
    }

    /// The message queues `pid` may be blocked on, for leaving them when it ends.
    pub(super) fn forget_in_queues(&mut self, pid: Pid) {
        for object in &mut self.objects {
            match object {
                Object::Mailbox(m) => {
                    m.queue.forget(pid);
                }
                Object::Link(l) => {
                    l.forward.forget(pid);
                    l.backward.forget(pid);
                }
                _ => {}
            }
        }
    }

    /// Whether `pid` is in the queue of the mailbox or link `object`.
    pub(super) fn waits_for_message(&self, pid: Pid, object: ObjectId) -> bool {
        match &self.objects[object as usize] {
            Object::Mailbox(m) => m.queue.holds(pid),
            Object::Link(l) => l.queues().iter().any(|q| q.holds(pid)),
            _ => false,
        }
    }
}

/// What a receive returns: the message's length and text.
fn received(message: &Message) -> CallResult {
    CallResult::with_data(message.text.len() as i64, Arc::clone(&message.text))
}

/// The wakeup of a receiver handed `message` by a sender.
fn delivery(receiver: Pid, object: ObjectId, message: &Message) -> Wakeup {
    Wakeup {
        pid: receiver,
        result: received(message),
        reason: Reason::ReceiveReturns {
            object,
            from: message.from,
        },
    }
}
