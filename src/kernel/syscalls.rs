//! The system-call layer of the model: pipes and FIFOs, with the blocking and waking Unix
//! gives them, and the dispatch of every IPC step (the ring's calls are in `shared_memory`,
//! message passing in `messaging`). Every step that has a counterpart in the real kernel
//! is reported as a [`Call`] event with its result (or as blocked, and later a
//! [`CallDone`](super::event::Event::CallDone)), so that the real-OS lab can perform the same
//! call and compare.

pub use super::call::{Call, CallResult, Errno};
use super::engine::Kernel;
use super::event::{Event, EventKind, EventSink, Reason, emit};
use super::files::{Fd, Open};
use super::ids::Pid;
use super::ipc::{Channel, Object, PIPE_BUF, PendingWrite};
use super::program::{Channel as Via, End, ObjectId, Step, Stream};
use super::state::WaitOn;
use std::sync::Arc;

/// How a system call went in the model.
// A Flow lives for one call, on the stack; boxing `After` would cost an allocation per call.
#[allow(clippy::large_enum_variant)]
pub(super) enum Flow {
    /// It returned; the process goes on with its next step.
    Returned,
    /// It blocks until another process acts; what it set off follows once it is blocked
    /// (a partial write can wake a reader who makes room for the rest at once).
    Blocks(WaitOn, Reason, After),
}

impl Kernel {
    /// Reports a call and its immediate result.
    pub(super) fn report_call(
        &mut self,
        pid: Pid,
        step: &Step,
        peer: Option<Pid>,
        result: Option<CallResult>,
        sink: &mut impl EventSink,
    ) {
        let time = self.now;
        emit(sink, EventKind::Call, || {
            Event::Call(Call {
                time,
                pid,
                step: step.clone(),
                peer,
                result,
            })
        });
    }

    /// A blocked call returns: the process is told the result and becomes ready.
    pub(super) fn complete(
        &mut self,
        pid: Pid,
        result: CallResult,
        reason: Reason,
        sink: &mut impl EventSink,
    ) {
        let time = self.now;
        emit(sink, EventKind::Call, || Event::CallDone {
            time,
            pid,
            result,
        });
        self.wake(pid, reason, sink);
    }

    /// Executes one pipe, FIFO or ring step of the running process `pid`. The call is told
    /// first, then whatever it sets off (a reader woken by a write, …), in that order, as the
    /// real kernel would see them.
    pub(super) fn syscall(&mut self, pid: Pid, step: &Step, sink: &mut impl EventSink) -> Flow {
        if let Step::Mailbox { .. }
        | Step::Send { .. }
        | Step::Receive { .. }
        | Step::Destroy { .. } = step
        {
            return self.message_call(pid, step, sink);
        }
        if let Step::Listen { .. }
        | Step::Accept { .. }
        | Step::Connect { .. }
        | Step::SocketSend { .. }
        | Step::SocketRecv { .. } = step
        {
            return self.socket_call(pid, step, sink);
        }
        if let Step::RpcServer { .. }
        | Step::RpcServe { .. }
        | Step::RpcReply { .. }
        | Step::RpcCall { .. } = step
        {
            return self.rpc_step(pid, step, sink);
        }
        if let Step::Win(_) = step {
            return self.win_call(pid, step, sink);
        }
        if let Step::Shm { .. }
        | Step::Produce { .. }
        | Step::Consume { .. }
        | Step::Cleanup { .. } = step
        {
            return self.shm_call(pid, step, sink);
        }
        let (result, after) = match *step {
            Step::Pipe { object } => (Some(self.pipe(pid, object)), After::Nothing),
            Step::Mkfifo { object } => match self.objects[object as usize] {
                Object::Absent => {
                    self.objects[object as usize] = Object::Channel(Channel::default());
                    (Some(CallResult::ok(0)), After::Nothing)
                }
                _ => (Some(CallResult::err(Errno::EEXIST)), After::Nothing),
            },
            Step::Close { object, end } => match self.table[pid].files.named(object, end) {
                Some(fd) => {
                    let open = self.table[pid].files.close(fd);
                    (Some(CallResult::ok(0)), After::Released(open))
                }
                None => (Some(CallResult::err(Errno::EBADF)), After::Nothing),
            },
            Step::Redirect { stream, object } => self.redirect(pid, stream, object),
            Step::Write { to, ref data } => match self.resolve(pid, to, End::Write) {
                Err(e) => (Some(CallResult::err(e)), After::Nothing),
                Ok(Target::Terminal(stream)) => {
                    let text: Arc<str> = data.clone();
                    self.note(pid, Reason::Output { stream, text }, sink);
                    (Some(CallResult::ok(data.len() as i64)), After::Nothing)
                }
                Ok(Target::Channel(object)) => (
                    self.write(pid, object, data.as_bytes().into()),
                    After::Readers(object),
                ),
            },
            Step::Read { from, max } => match self.resolve(pid, from, End::Read) {
                Err(e) => (Some(CallResult::err(e)), After::Nothing),
                // Standard input is the terminal's: empty, as /dev/null.
                Ok(Target::Terminal(_)) => (Some(CallResult::with_data(0, "")), After::Nothing),
                Ok(Target::Channel(object)) => {
                    let result = self.read(object, max);
                    if result.is_none() {
                        self.channel(object).reading.push_back((pid, max));
                    }
                    (result, After::Writers(object))
                }
            },
            Step::Open { object, end } => self.open(pid, object, end),
            _ => unreachable!("only IPC steps come here"),
        };
        let on = match (step, &result) {
            (_, Some(_)) => None,
            (Step::Write { .. }, None) => Some(WaitOn::Write {
                object: after.object(),
            }),
            (Step::Read { .. }, None) => Some(WaitOn::Read {
                object: after.object(),
            }),
            (Step::Open { object, .. }, None) => Some(WaitOn::Open { object: *object }),
            (_, None) => unreachable!("only reads, writes and opens block here"),
        };
        let reason = on.map(|on| self.wait_reason(on));
        self.report_call(pid, step, None, result, sink);
        match (on, reason) {
            (Some(on), Some(reason)) => Flow::Blocks(on, reason, after),
            _ => {
                self.follow(after, sink);
                Flow::Returned
            }
        }
    }

    /// Does what a call set off.
    pub(super) fn follow(&mut self, after: After, sink: &mut impl EventSink) {
        match after {
            After::Nothing => {}
            After::Readers(object) => self.serve_readers(object, sink),
            After::Writers(object) => self.serve_writers(object, sink),
            After::Consumers(object) => self.serve_consumers(object, sink),
            After::Producers(object) => self.serve_producers(object, sink),
            After::Released(Some(open)) => self.released(open, sink),
            After::Released(None) => {}
            After::Openers(object, end) => self.admit_openers(object, end, sink),
            After::Wake(wakeups) => {
                for w in wakeups {
                    self.complete(w.pid, w.result, w.reason, sink);
                }
            }
            After::Note(pid, reason) => self.note(pid, reason, sink),
            After::NoteThenWake(boxed) => {
                let (pid, reason, w) = *boxed;
                self.note(pid, reason, sink);
                self.complete(w.pid, w.result, w.reason, sink);
            }
        }
    }

    fn wait_reason(&self, on: WaitOn) -> Reason {
        match on {
            WaitOn::Read { object } => Reason::WaitsToRead { object },
            WaitOn::Write { object } => Reason::WaitsToWrite {
                object,
                room: self
                    .channel_ref(object)
                    .map_or(0, |c| c.room(self.config.pipe_capacity as usize) as u32),
            },
            WaitOn::Open { object } => Reason::WaitsToOpen { object },
            _ => unreachable!("pipe and FIFO waits only"),
        }
    }

    pub(super) fn channel(&mut self, object: ObjectId) -> &mut Channel {
        match &mut self.objects[object as usize] {
            Object::Channel(c) => c,
            other => {
                *other = Object::Channel(Channel::default());
                match other {
                    Object::Channel(c) => c,
                    _ => unreachable!(),
                }
            }
        }
    }

    fn channel_ref(&self, object: ObjectId) -> Option<&Channel> {
        match &self.objects[object as usize] {
            Object::Channel(c) => Some(c),
            _ => None,
        }
    }

    /// `pipe`: a new pipe, its read and write ends on the two lowest free descriptors.
    fn pipe(&mut self, pid: Pid, object: ObjectId) -> CallResult {
        self.objects[object as usize] = Object::Channel(Channel {
            readers: 1,
            writers: 1,
            ..Channel::default()
        });
        let files = &mut self.table[pid].files;
        let read = files.add(Open::End {
            object,
            end: End::Read,
            named: true,
        });
        let write = files.add(Open::End {
            object,
            end: End::Write,
            named: true,
        });
        CallResult::with_data(0, format!("[{read}, {write}]"))
    }

    /// Where a `read` or `write` goes: a standard stream's current target, or the named
    /// descriptor of a pipe or FIFO.
    fn resolve(&self, pid: Pid, via: Via, end: End) -> Result<Target, Errno> {
        let files = &self.table[pid].files;
        let open = match via {
            Via::Std { stream } => files.stream(stream).ok_or(Errno::EBADF)?,
            Via::Object { object } => {
                let fd = files.named(object, Some(end)).ok_or(Errno::EBADF)?;
                files.get(fd).ok_or(Errno::EBADF)?
            }
        };
        match (open, via) {
            (Open::Terminal, Via::Std { stream }) => Ok(Target::Terminal(stream)),
            (Open::End { object, end: e, .. }, _) if e == end => Ok(Target::Channel(object)),
            _ => Err(Errno::EBADF),
        }
    }

    /// `write` of `data` to a pipe or FIFO: `None` if the writer must wait for room (what
    /// fits is in the pipe already).
    fn write(&mut self, pid: Pid, object: ObjectId, data: Arc<[u8]>) -> Option<CallResult> {
        if self.channel(object).readers == 0 {
            return Some(CallResult::err(Errno::EPIPE));
        }
        let mut pending = PendingWrite { pid, data, done: 0 };
        if self.pour(object, &mut pending) {
            return Some(CallResult::ok(pending.done as i64));
        }
        self.channel(object).writing.push_back(pending);
        None
    }

    /// Moves as much of a pending write into the pipe as the rules allow (all of it at once
    /// if it is at most `PIPE_BUF` bytes); true when all of it is in.
    fn pour(&mut self, object: ObjectId, pending: &mut PendingWrite) -> bool {
        let capacity = self.config.pipe_capacity as usize;
        let channel = self.channel(object);
        let left = pending.data.len() - pending.done;
        let room = channel.room(capacity);
        let n = if left <= PIPE_BUF.min(capacity) {
            if room >= left { left } else { 0 }
        } else {
            room.min(left)
        };
        channel
            .data
            .extend(&pending.data[pending.done..pending.done + n]);
        pending.done += n;
        pending.done == pending.data.len()
    }

    /// `read` of up to `max` bytes: `None` if the reader must wait.
    fn read(&mut self, object: ObjectId, max: u32) -> Option<CallResult> {
        let channel = self.channel(object);
        if channel.data.is_empty() {
            return (channel.writers == 0).then(|| CallResult::with_data(0, ""));
        }
        let bytes = channel.take(max);
        Some(CallResult::with_data(
            bytes.len() as i64,
            String::from_utf8_lossy(&bytes).into_owned(),
        ))
    }

    /// Blocked readers take what is in the pipe now (or see end-of-file if no writer is left).
    fn serve_readers(&mut self, object: ObjectId, sink: &mut impl EventSink) {
        loop {
            let channel = self.channel(object);
            let Some(&(pid, max)) = channel.reading.front() else {
                break;
            };
            if channel.data.is_empty() && channel.writers > 0 {
                break;
            }
            channel.reading.pop_front();
            let bytes = channel.take(max);
            let n = bytes.len();
            let result =
                CallResult::with_data(n as i64, String::from_utf8_lossy(&bytes).into_owned());
            self.complete(
                pid,
                result,
                Reason::ReadReturns {
                    object,
                    bytes: n as u32,
                },
                sink,
            );
        }
        self.serve_writers(object, sink);
    }

    /// Blocked writers pour in what now fits (or fail with EPIPE if no reader is left).
    fn serve_writers(&mut self, object: ObjectId, sink: &mut impl EventSink) {
        let mut progress = false;
        loop {
            let channel = self.channel(object);
            let Some(mut pending) = channel.writing.pop_front() else {
                break;
            };
            if channel.readers == 0 {
                let result = if pending.done > 0 {
                    CallResult::ok(pending.done as i64)
                } else {
                    CallResult::err(Errno::EPIPE)
                };
                self.complete(pending.pid, result, Reason::BrokenPipe { object }, sink);
                continue;
            }
            let before = pending.done;
            if self.pour(object, &mut pending) {
                progress = true;
                let n = pending.done as u32;
                self.complete(
                    pending.pid,
                    CallResult::ok(n.into()),
                    Reason::WriteReturns { object, bytes: n },
                    sink,
                );
            } else {
                progress |= pending.done > before;
                self.channel(object).writing.push_front(pending);
                break;
            }
        }
        let channel = self.channel(object);
        if progress && !channel.reading.is_empty() && !channel.data.is_empty() {
            self.serve_readers(object, sink);
        }
    }

    /// `open` of a FIFO: returns at once if the other side is open (or opening), else waits.
    fn open(&mut self, pid: Pid, object: ObjectId, end: End) -> (Option<CallResult>, After) {
        if !matches!(self.objects[object as usize], Object::Channel(_)) {
            return (Some(CallResult::err(Errno::ENOENT)), After::Nothing);
        }
        let other = match end {
            End::Read => End::Write,
            End::Write => End::Read,
        };
        let channel = self.channel(object);
        let other_open = match other {
            End::Read => channel.readers > 0,
            End::Write => channel.writers > 0,
        };
        let other_opening = channel.opening.iter().any(|&(_, e)| e == other);
        if !other_open && !other_opening {
            channel.opening.push_back((pid, end));
            return (None, After::Nothing);
        }
        let fd = self.attach(pid, object, end);
        (
            Some(CallResult::ok(i64::from(fd))),
            After::Openers(object, other),
        )
    }

    /// Everyone waiting to open `end` of a FIFO gets through, now that the other side is open.
    fn admit_openers(&mut self, object: ObjectId, end: End, sink: &mut impl EventSink) {
        let waiting: Vec<Pid> = self
            .channel(object)
            .opening
            .iter()
            .filter(|&&(_, e)| e == end)
            .map(|&(p, _)| p)
            .collect();
        self.channel(object).opening.retain(|&(_, e)| e != end);
        for waiter in waiting {
            let fd = self.attach(waiter, object, end);
            self.complete(
                waiter,
                CallResult::ok(i64::from(fd)),
                Reason::Opened { object },
                sink,
            );
        }
    }

    /// Gives `pid` a descriptor for one end of a FIFO.
    fn attach(&mut self, pid: Pid, object: ObjectId, end: End) -> Fd {
        self.channel(object).count(end, 1);
        self.table[pid].files.add(Open::End {
            object,
            end,
            named: true,
        })
    }

    /// `redirect`: makes a standard stream a copy of a pipe end, as `dup2` does.
    fn redirect(
        &mut self,
        pid: Pid,
        stream: Stream,
        object: ObjectId,
    ) -> (Option<CallResult>, After) {
        let end = match stream {
            Stream::Stdin => End::Read,
            Stream::Stdout | Stream::Stderr => End::Write,
        };
        if self.table[pid].files.named(object, Some(end)).is_none() {
            return (Some(CallResult::err(Errno::EBADF)), After::Nothing);
        }
        self.channel(object).count(end, 1);
        let copy = Open::End {
            object,
            end,
            named: false,
        };
        let old = self.table[pid].files.set(stream as Fd, copy);
        (Some(CallResult::ok(stream as i64)), After::Released(old))
    }

    /// A descriptor went away: one reader or writer fewer, which may end someone's wait.
    fn released(&mut self, open: Open, sink: &mut impl EventSink) {
        match open {
            Open::End { object, end, .. } => {
                self.channel(object).count(end, -1);
                match end {
                    End::Write => self.serve_readers(object, sink),
                    End::Read => self.serve_writers(object, sink),
                }
            }
            Open::Mailbox { object } => self.mailbox_released(object),
            Open::Socket { object, end } => self.socket_released(object, end, sink),
            Open::Terminal | Open::Ring { .. } => {}
            Open::Handle(h) => self.handle_gone(h, sink),
        }
    }

    /// A forked child gets copies of all its parent's descriptors.
    pub(super) fn inherit_files(&mut self, parent: Pid, child: Pid) {
        let files = self.table[parent].files.clone();
        for (_, open) in files.iter() {
            match open {
                Open::End { object, end, .. } => self.channel(object).count(end, 1),
                Open::Mailbox { object } => {
                    if let Object::Mailbox(m) = &mut self.objects[object as usize] {
                        m.users += 1;
                    }
                }
                Open::Socket { object, end } => self.socket_inherited(object, end),
                Open::Terminal | Open::Ring { .. } => {}
                Open::Handle(h) => self.handle_copied(h),
            }
        }
        self.table[child].files = files;
        self.shm_inherit(parent, child);
    }

    /// An ending process closes all its descriptors and leaves every wait queue.
    pub(super) fn release_all(&mut self, pid: Pid, sink: &mut impl EventSink) {
        for object in &mut self.objects {
            match object {
                Object::Channel(c) => {
                    c.reading.retain(|r| r.0 != pid);
                    c.writing.retain(|w| w.pid != pid);
                    c.opening.retain(|o| o.0 != pid);
                }
                Object::Ring(m) => m.forget_waiter(pid),
                Object::Socket(s) => s.forget(pid),
                Object::RpcPort(p) => p.forget(pid),
                Object::Absent | Object::Mailbox(_) | Object::Link(_) => {}
                Object::Win(w) => w.forget(pid),
            }
        }
        self.forget_in_queues(pid);
        self.shm_release(pid, true, sink);
        for open in self.table[pid].files.close_all() {
            self.released(open, sink);
        }
    }
}

/// What a call sets off once it is told: serving processes that wait on the object.
pub(super) enum After {
    Nothing,
    Readers(ObjectId),
    Writers(ObjectId),
    Consumers(ObjectId),
    Producers(ObjectId),
    Released(Option<Open>),
    Openers(ObjectId, End),
    /// Blocked calls that now return.
    Wake(Vec<Wakeup>),
    /// Something the caller should be told about its call.
    Note(Pid, Reason),
    /// Something to tell about a process, then its blocked call returns (boxed: rare, and
    /// large beside the other variants).
    NoteThenWake(Box<(Pid, Reason, Wakeup)>),
}

/// A blocked call that returns: to whom, what, and why.
pub(super) struct Wakeup {
    pub(super) pid: Pid,
    pub(super) result: CallResult,
    pub(super) reason: Reason,
}

impl After {
    fn object(&self) -> ObjectId {
        match *self {
            After::Readers(o) | After::Writers(o) | After::Consumers(o) | After::Producers(o) => o,
            After::Openers(o, _) => o,
            After::Nothing
            | After::Released(_)
            | After::Wake(_)
            | After::Note(..)
            | After::NoteThenWake(..) => 0,
        }
    }
}

/// Where a read or write goes.
enum Target {
    /// The terminal, on this stream.
    Terminal(Stream),
    /// A pipe or FIFO.
    Channel(ObjectId),
}
