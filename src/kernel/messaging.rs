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

/// What a message-passing or socket call comes to.
pub(super) enum Outcome {
    /// It returns `result` (`peer`: the process it took a message from or handed one to), and
    /// then sets off `after`.
    Returns {
        result: CallResult,
        peer: Option<Pid>,
        after: After,
    },
    /// It blocks.
    Blocks(WaitOn, Reason),
    /// It blocks, and sets off `After` once it is told.
    BlocksThen(WaitOn, Reason, After),
}

impl Outcome {
    /// It returns `result` and sets off nothing.
    pub(super) fn returns(result: CallResult) -> Outcome {
        Outcome::Returns {
            result,
            peer: None,
            after: After::Nothing,
        }
    }
}

impl Kernel {
    /// Executes a message-passing step of the running process `pid`.
    pub(super) fn message_call(
        &mut self,
        pid: Pid,
        step: &Step,
        sink: &mut impl EventSink,
    ) -> Flow {
        let outcome = match *step {
            Step::Mailbox { object, capacity } => {
                Outcome::returns(self.create_mailbox(pid, object, capacity))
            }
            Step::Destroy { object } => Outcome::returns(self.destroy_mailbox(object)),
            Step::Send { to, ref text, wait } => self.send(pid, to, text, wait),
            Step::Receive { from, wait } => self.receive(pid, from, wait),
            _ => unreachable!("only message-passing steps come here"),
        };
        self.finish(pid, step, outcome, sink)
    }

    /// Tells the call and what it came to, then whatever it set off.
    pub(super) fn finish(
        &mut self,
        pid: Pid,
        step: &Step,
        outcome: Outcome,
        sink: &mut impl EventSink,
    ) -> Flow {
        match outcome {
            Outcome::Blocks(on, reason) => {
                self.report_call(pid, step, None, None, sink);
                Flow::Blocks(on, reason, After::Nothing)
            }
            Outcome::BlocksThen(on, reason, after) => {
                self.report_call(pid, step, None, None, sink);
                Flow::Blocks(on, reason, after)
            }
            Outcome::Returns {
                result,
                peer,
                after,
            } => {
                self.report_call(pid, step, peer, Some(result), sink);
                self.follow(after, sink);
                Flow::Returned
            }
        }
    }

    /// `send` (`wait`) or `try-send`.
    fn send(&mut self, pid: Pid, to: Peer, text: &Arc<str>, wait: bool) -> Outcome {
        let object = match self.queue_of(pid, to) {
            Ok(object) => object,
            Err(e) => return Outcome::returns(CallResult::err(e)),
        };
        let message = Message {
            from: pid,
            text: text.clone(),
        };
        let queue = self.queue(to);
        match queue.send(message.clone()) {
            Sent::Handed(receiver) => Outcome::Returns {
                result: CallResult::ok(0),
                peer: Some(receiver),
                after: After::Wake(vec![delivery(receiver, object, &message)]),
            },
            Sent::Queued => Outcome::returns(CallResult::ok(0)),
            Sent::NoRoom if wait => {
                let rendezvous = queue.capacity == Capacity::Zero;
                queue.sending.push_back(message);
                let reason = Reason::WaitsToSend { object, rendezvous };
                Outcome::Blocks(WaitOn::Send { object }, reason)
            }
            Sent::NoRoom => Outcome::returns(CallResult::err(Errno::EAGAIN)),
        }
    }

    /// `receive` (`wait`) or `try-receive`.
    fn receive(&mut self, pid: Pid, from: Peer, wait: bool) -> Outcome {
        let object = match self.queue_of(pid, from) {
            Ok(object) => object,
            Err(e) => return Outcome::returns(CallResult::err(e)),
        };
        let queue = self.queue(from);
        match queue.receive() {
            Received::Got(message, woken) => Outcome::Returns {
                result: received(&message),
                peer: Some(message.from),
                after: match woken {
                    Some(sender) => After::Wake(vec![Wakeup {
                        pid: sender,
                        result: CallResult::ok(0),
                        reason: Reason::SendReturns { object },
                    }]),
                    None => After::Nothing,
                },
            },
            Received::Nothing if wait => {
                queue.receiving.push_back(pid);
                Outcome::Blocks(
                    WaitOn::Receive { object },
                    Reason::WaitsToReceive { object },
                )
            }
            Received::Nothing => Outcome::returns(CallResult::err(Errno::EAGAIN)),
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
