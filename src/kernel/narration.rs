//! Events in words: `describe` turns the reasons the kernel records, which name processes
//! and devices by number, into sentences a student can read.

use super::event::{Beat, LevelChange, Pick, Reason};
use super::ids::{DeviceId, Pid, Tick};
use super::program::{Channel, ObjectId, Peer, SpecIndex, Step, Stream};
use super::socket::Transport;
use super::syscalls::{Call, CallResult};

/// Looks up the names that events refer to by number.
pub trait Names {
    /// Name of a process (init for pid 1).
    fn process(&self, pid: Pid) -> String;
    /// Name of a listed process by its position in the scenario.
    fn spec(&self, index: SpecIndex) -> String;
    /// Name of a device.
    fn device(&self, device: DeviceId) -> String;
    /// Name of a pipe, FIFO, ring, mailbox or link.
    fn object(&self, object: ObjectId) -> String;
}

fn tie_note(tie: bool) -> &'static str {
    if tie {
        "; a tie, broken by the tie-break rule ([kernel.rules] tie_break)"
    } else {
        ""
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

impl Pick {
    /// The reason in words.
    pub fn describe(&self) -> String {
        match *self {
            Pick::Fcfs => "FCFS: first in the ready queue".into(),
            Pick::Sjf { burst, tie } => {
                format!("SJF: shortest next CPU burst ({burst}){}", tie_note(tie))
            }
            Pick::Srtf { left, tie } => {
                format!("SRTF: shortest remaining time ({left}){}", tie_note(tie))
            }
            Pick::Priority { priority, tie } => format!(
                "priority {priority} is the best among the ready processes{}",
                tie_note(tie)
            ),
            Pick::Rr { quantum } => format!("RR: next in the ready queue, for up to {quantum}"),
            Pick::Mlfq {
                level,
                quantum_left,
            } => format!(
                "MLFQ: first in queue {level}, the highest non-empty queue ({quantum_left} of its quantum left)"
            ),
            Pick::Lottery {
                ticket,
                total,
                held,
            } => format!("lottery: drew ticket {ticket} of {total}; holds {held}"),
            Pick::Stride { pass, tie } => format!("stride: lowest pass ({pass}){}", tie_note(tie)),
            Pick::Hrrn { waited, burst } => {
                let ratio = (waited + burst) as f64 / burst.max(1) as f64;
                format!(
                    "HRRN: highest response ratio {ratio:.2} = ({waited} waited + {burst} burst) / {burst}"
                )
            }
        }
    }
}

impl Beat {
    /// True if the two were equal (a preemption only `preempt_on_tie` allows).
    pub fn is_tie(&self) -> bool {
        match *self {
            Beat::Remaining { new, old } => new == old,
            Beat::Priority { new, old } => new == old,
            Beat::Level { .. } | Beat::IoToFront { .. } => false,
        }
    }

    fn describe(&self) -> String {
        match *self {
            Beat::Remaining { new, old } if new == old => {
                format!("remaining {new} = {old}, and preempt_on_tie is on")
            }
            Beat::Remaining { new, old } => format!("remaining {new} < {old}"),
            Beat::Priority { new, old } if new == old => {
                format!("priority {new} ties with {old}, and preempt_on_tie is on")
            }
            Beat::Priority { new, old } => format!("priority {new} beats {old}"),
            Beat::Level { new, old } => format!("queue {new} is above queue {old}"),
            Beat::IoToFront { level } => format!(
                "back from waiting, it goes to the front of queue {level}, ahead of the running job (io_to_front)"
            ),
        }
    }
}

fn level_change(quantum: Tick, change: &Option<LevelChange>) -> String {
    match change {
        None => format!("quantum of {quantum} expired"),
        Some(c) if c.at_bottom => format!(
            "quantum of {quantum} expired; it stays in the bottom queue with a fresh allotment"
        ),
        Some(c) if c.to < c.from => format!(
            "quantum of {quantum} expired and its allotment at queue {} is used up: moves down to queue {}",
            c.from, c.to
        ),
        Some(c) => format!(
            "quantum of {quantum} expired at queue {} ({} left of its allotment)",
            c.to,
            plural(c.allotment_left.into(), "quantum", "quanta")
        ),
    }
}

impl Reason {
    /// The reason as a sentence, using `names` for the processes and devices it mentions.
    pub fn describe(&self, names: &dyn Names) -> String {
        if let Some(text) = super::narration_ipc::describe(self, names) {
            return text;
        }
        let p = |pid: Pid| names.process(pid);
        match self.clone() {
            Reason::Arrived => "arrives; enters the job queue".into(),
            Reason::Forked { parent } => format!("created by {}'s fork", p(parent)),
            Reason::Admitted {
                in_use,
                limit,
                io_bound,
            } => {
                let mix = match io_bound {
                    Some(true) => " (mix: I/O-bound jobs are fewer, so an I/O-bound one goes next)",
                    Some(false) => " (mix: CPU-bound jobs are fewer, so a CPU-bound one goes next)",
                    None => "",
                };
                match limit {
                    Some(limit) => format!("admitted: {in_use} of {limit} slots in use{mix}"),
                    None => format!("admitted{mix}"),
                }
            }
            Reason::NoRoom { need, free } => format!(
                "admitted, but memory is full (needs {need}, {free} free): waits to be swapped in"
            ),
            Reason::BehindInSwapQueue { ahead } => format!(
                "admitted; waits to be swapped in behind {} already waiting for memory",
                plural(ahead.into(), "process", "processes")
            ),
            Reason::SwappedOut {
                for_pid,
                need,
                free,
            } => format!(
                "swapped out to make room for {} (needs {need}, {free} free)",
                p(for_pid)
            ),
            Reason::SwappedIn { size } => format!("swapped in ({size} units of memory)"),
            Reason::SwapOutDone { size } => {
                format!("swap-out finished: its {size} units of memory are free")
            }
            Reason::Dispatched(pick) => pick.describe(),
            Reason::QuantumExpired { quantum, level } => level_change(quantum, &level),
            Reason::Preempted { by, beat } => format!("{} preempts it: {}", p(by), beat.describe()),
            Reason::SwitchAbandoned { by } => format!(
                "{} became ready during the switch and goes first; back to the ready queue",
                p(by)
            ),
            Reason::SwitchCut { unused } => match unused {
                1 => "it ended while being switched in; the last tick of the switch is not spent"
                    .to_string(),
                n => format!(
                    "it ended while being switched in; the last {n} ticks of the switch are not spent"
                ),
            },
            Reason::Boost { period } => format!(
                "priority boost (every {period}): every job moves to the top queue, lowest queues first"
            ),
            Reason::QuantumRenewed {
                quantum,
                level,
                again,
            } => match again {
                None => format!(
                    "{}; nothing else is ready, so it keeps the CPU",
                    level_change(quantum, &level)
                ),
                Some(pick) => format!(
                    "{}; picked again ({}), so it keeps the CPU",
                    level_change(quantum, &level),
                    pick.describe()
                ),
            },
            Reason::IoRequested {
                device,
                ticks,
                ahead,
            } => {
                let queue = match ahead {
                    0 => "served at once".to_string(),
                    n => format!("{} ahead of it", plural(n.into(), "request", "requests")),
                };
                format!(
                    "requests {} on {}; {queue}",
                    plural(ticks, "tick", "ticks"),
                    names.device(device)
                )
            }
            Reason::IoStarted { device, ticks } => format!(
                "{} starts serving its request ({})",
                names.device(device),
                plural(ticks, "tick", "ticks")
            ),
            Reason::IoDone { device } => format!("{} finished its request", names.device(device)),
            Reason::Sleeping { ticks } => format!("sleeps for {}", plural(ticks, "tick", "ticks")),
            Reason::Woke { ticks } => {
                format!("woke up after {}", plural(ticks, "tick", "ticks"))
            }
            Reason::WaitsForChild { child: Some(c) } => format!("waits for its child {}", p(c)),
            Reason::WaitsForChild { child: None } => "waits for any child to exit".into(),
            Reason::ChildReaped { child, status } => {
                format!("wait returns: child {} {}", p(child), status.ending())
            }
            Reason::NoChildren { child: Some(c) } => format!(
                "wait for {} returns at once: it is not a child to wait for (ECHILD)",
                names.spec(c)
            ),
            Reason::NoChildren { child: None } => {
                "wait returns at once: no children left (ECHILD)".into()
            }
            Reason::Exited {
                status,
                parent,
                zombie,
            } => {
                if zombie {
                    format!(
                        "exits with {status}; stays a zombie until {} calls wait",
                        p(parent)
                    )
                } else if parent == Pid::INIT {
                    format!("exits with {status}; init, its parent, reaps it at once")
                } else {
                    format!(
                        "exits with {status}; {} is already waiting and reaps it",
                        p(parent)
                    )
                }
            }
            Reason::Reaped { by } => format!("reaped by {}", p(by)),
            Reason::Killed { by, signal } => format!("killed by {} with {}", p(by), signal.name()),
            Reason::KillFailed {
                target,
                signal,
                zombie,
            } => {
                if zombie {
                    format!(
                        "kill {} with {} has no effect: it has already exited",
                        names.spec(target),
                        signal.name()
                    )
                } else {
                    format!(
                        "kill {} with {} fails: no such process (ESRCH)",
                        names.spec(target),
                        signal.name()
                    )
                }
            }
            Reason::Cascade { ancestor } => {
                format!("cascading termination: its ancestor {} ended", p(ancestor))
            }
            Reason::Orphaned { parent } => {
                format!(
                    "orphaned: its parent {} exited; init (pid 1) adopts it",
                    p(parent)
                )
            }
            Reason::Exec {
                command,
                args,
                dropped,
            } => {
                let line: Vec<&str> = std::iter::once(&*command)
                    .chain(args.iter().map(|a| &**a))
                    .collect();
                let lost = match dropped {
                    0 => String::new(),
                    1 => "; the step after exec never runs".to_string(),
                    n => format!("; the {n} steps after exec never run"),
                };
                format!(
                    "exec {}: its program is replaced by {command}'s{lost}",
                    line.join(" ")
                )
            }
            Reason::Aged { from, to } => format!("aging: priority {from} → {to}"),
            Reason::Output { stream, text } => {
                format!("writes to the terminal ({}): {text:?}", stream.name())
            }
            Reason::WaitsToRead { object } => format!(
                "reads from {}, which is empty: waits for a writer",
                names.object(object)
            ),
            Reason::WaitsToWrite { object, room } => format!(
                "writes to {}, which has room for only {}: waits for a reader to make room",
                names.object(object),
                plural(room.into(), "byte", "bytes")
            ),
            Reason::WaitsToOpen { object } => format!(
                "opens the FIFO {}: waits until another process opens its other end",
                names.object(object)
            ),
            Reason::WaitsOnRing { object, full: true } => format!(
                "the buffer {} is full (in + 1 = out): waits for a consumer",
                names.object(object)
            ),
            Reason::WaitsOnRing {
                object,
                full: false,
            } => format!(
                "the buffer {} is empty (in = out): waits for a producer",
                names.object(object)
            ),
            Reason::ReadReturns { object, bytes: 0 } => format!(
                "read from {} returns 0: end of file, every write end is closed",
                names.object(object)
            ),
            Reason::ReadReturns { object, bytes } => format!(
                "read from {} returns {}",
                names.object(object),
                plural(bytes.into(), "byte", "bytes")
            ),
            Reason::WriteReturns { object, bytes } => format!(
                "write to {} returns: all {} are in the pipe",
                names.object(object),
                plural(bytes.into(), "byte", "bytes")
            ),
            Reason::BrokenPipe { object } => format!(
                "write to {} fails: the last reader closed its end (EPIPE)",
                names.object(object)
            ),
            Reason::Opened { object } => format!(
                "open of {} returns: the other end is open now",
                names.object(object)
            ),
            Reason::Produced { object } => format!(
                "a consumer made room in {}: the item goes in",
                names.object(object)
            ),
            Reason::Consumed { object } => format!(
                "a producer put an item in {}: it is taken",
                names.object(object)
            ),
            Reason::WaitsToSend {
                object,
                rendezvous: true,
            } => format!(
                "sends through {}, which holds no messages (zero capacity): waits until a receiver takes it",
                names.object(object)
            ),
            Reason::WaitsToSend {
                object,
                rendezvous: false,
            } => format!(
                "sends to {}, which is full: waits until a receiver makes room",
                names.object(object)
            ),
            Reason::WaitsToReceive { object } => format!(
                "receives from {}, which has no message: waits for a sender",
                names.object(object)
            ),
            Reason::SendReturns { object } => format!(
                "a receiver took a message from {}: the send returns",
                names.object(object)
            ),
            Reason::ReceiveReturns { object, from } => format!(
                "{} sent a message through {}: the receive returns with it",
                p(from),
                names.object(object)
            ),
            // Sockets and RPC are told in `narration_ipc`.
            _ => unreachable!("told above"),
        }
    }
}

/// A call's result as C would show it: `= 5 "hello"`, `= -1 EPIPE`.
pub fn result_text(result: &CallResult) -> String {
    if let Some(win) = &result.win32 {
        return super::narration_windows::result_text(result, win);
    }
    let mut text = match result.errno {
        Some(e) => format!("= -1 {}", e.name()),
        None => format!("= {}", result.ret),
    };
    if let Some(data) = &result.data {
        if data.starts_with('[') {
            text = format!("= {data}");
        } else {
            text.push_str(&format!(" {data:?}"));
        }
    }
    if let Some(status) = result.status {
        text.push_str(&format!(", {status}"));
    }
    text
}

impl Call {
    /// The call as a line of C-like pseudo-code with its result: `write(p, "hi") = 2`, or
    /// `read(p, 10) … blocks`.
    pub fn describe(&self, names: &dyn Names) -> String {
        if let Step::Win(step) = &self.step {
            return super::narration_windows::describe_call(self, step, names);
        }
        let call = self.call_text(names);
        let peer = self.peer.map(|p| names.process(p));
        // A successful exec has no return value: the caller's program is gone.
        if let (Step::Exec { command, .. }, Some(result)) = (&self.step, &self.result)
            && result.errno.is_none()
        {
            return format!("{call}: no return, now runs {command}");
        }
        match &self.result {
            Some(result) => {
                let mut text = format!("{call} {}", result_text(result));
                // Name the process behind a bare pid: the child made or reaped.
                if let (Step::Fork { .. } | Step::Wait { child: None }, Some(child)) =
                    (&self.step, &peer)
                {
                    text.push_str(&format!(" ({child})"));
                }
                let nothing = result.errno == Some(super::call::Errno::EAGAIN);
                match (&self.step, &peer) {
                    (Step::Receive { .. }, _) if nothing => text.push_str(" (no message)"),
                    (Step::Send { .. }, _) if nothing => text.push_str(" (no room: not sent)"),
                    (Step::Receive { .. }, Some(from)) => text.push_str(&format!(" (from {from})")),
                    (Step::Send { .. }, Some(to)) => {
                        text.push_str(&format!(" ({to} was waiting and takes it)"));
                    }
                    (Step::Accept { .. }, Some(client)) => {
                        text.push_str(&format!(" (from {client})"));
                    }
                    (Step::Connect { .. }, Some(server)) => {
                        text.push_str(&format!(" ({server} was waiting in accept)"));
                    }
                    (Step::SocketRecv { .. }, _) if result.ret == 0 && result.errno.is_none() => {
                        text.push_str(" (end of file)");
                    }
                    (Step::SocketRecv { .. }, Some(from)) => {
                        text.push_str(&format!(" (from {from})"));
                    }
                    _ => {}
                }
                text
            }
            None => format!("{call} … blocks"),
        }
    }

    /// The call alone, as C-like pseudo-code: `write(p, "hi")`.
    pub fn call_text(&self, names: &dyn Names) -> String {
        let object = |o: ObjectId| names.object(o);
        let channel = |c: &Channel| match c {
            Channel::Std { stream } => stream.name().to_string(),
            Channel::Object { object: o } => object(*o),
        };
        let peer = |p: &Peer| match p {
            Peer::Process { process, .. } => names.spec(*process),
            Peer::Mailbox { object: o } => object(*o),
        };
        match &self.step {
            Step::Fork { .. } => "fork()".to_string(),
            Step::Exec { command, args, .. } => {
                let argv: Vec<String> = std::iter::once(command)
                    .chain(args.iter())
                    .map(|a| format!("{a:?}"))
                    .collect();
                format!("execvp({command:?}, [{}])", argv.join(", "))
            }
            Step::Wait { child: Some(c) } => format!("waitpid({})", names.spec(*c)),
            Step::Wait { child: None } => "wait()".into(),
            Step::Exit { code } => format!("_exit({code})"),
            Step::Kill { target, signal } => {
                format!("kill({}, {})", names.spec(*target), signal.name())
            }
            Step::Pipe { object: o } => format!("pipe({})", object(*o)),
            Step::Write { to, data } => format!("write({}, {data:?})", channel(to)),
            Step::Read { from, max } => format!("read({}, {max})", channel(from)),
            Step::Close { object: o, end } => match end {
                Some(e) => format!("close({} {})", object(*o), e.name()),
                None => format!("close({})", object(*o)),
            },
            Step::Redirect { stream, object: o } => {
                let end = if *stream == Stream::Stdin {
                    "read"
                } else {
                    "write"
                };
                format!("dup2({} {end}, {})", object(*o), *stream as u8)
            }
            Step::Mkfifo { object: o } => format!("mkfifo({})", object(*o)),
            Step::Open { object: o, end } => format!("open({}, {})", object(*o), end.name()),
            Step::Shm {
                object: o,
                slots,
                flavour,
            } => format!("{}({}, {slots} slots)", flavour.making_calls(), object(*o)),
            Step::Produce { object: o, item } => format!("produce({}, {item:?})", object(*o)),
            Step::Consume { object: o } => format!("consume({})", object(*o)),
            Step::Mailbox {
                object: o,
                capacity,
            } => {
                format!("create_mailbox({}, {capacity})", object(*o))
            }
            Step::Send { to, text, wait } => {
                let verb = if *wait { "send" } else { "try_send" };
                format!("{verb}({}, {text:?})", peer(to))
            }
            Step::Receive { from, wait } => {
                let verb = if *wait { "receive" } else { "try_receive" };
                format!("{verb}({})", peer(from))
            }
            Step::Destroy { object: o } => format!("destroy_mailbox({})", object(*o)),
            Step::Listen {
                object: o,
                transport,
            } => {
                let kind = match transport {
                    Transport::Tcp => "AF_INET, SOCK_STREAM",
                    Transport::Udp => "AF_INET, SOCK_DGRAM",
                    Transport::Unix => "AF_UNIX, SOCK_STREAM",
                };
                let listen = if transport.is_stream() {
                    " + listen"
                } else {
                    ""
                };
                format!("socket({kind}) + bind({}){listen}", object(*o))
            }
            Step::Accept { object: o } => format!("accept({})", object(*o)),
            Step::Connect { object: o, .. } => format!("socket + connect({})", object(*o)),
            Step::SocketSend { object: o, text } => format!("send({}, {text:?})", object(*o)),
            Step::SocketRecv { object: o, max } => format!("recv({}, {max})", object(*o)),
            Step::RpcServer {
                object: o,
                semantics,
            } => format!("rpc_server({}, {})", object(*o), semantics.word()),
            Step::RpcServe { object: o } => format!("rpc_serve({})", object(*o)),
            Step::RpcReply { object: o } => format!("rpc_reply({})", object(*o)),
            Step::RpcCall {
                object: o,
                procedure,
                args,
                ..
            } => {
                let args: Vec<String> = args.iter().map(i32::to_string).collect();
                format!(
                    "rpc_call({}, {}({}))",
                    object(*o),
                    procedure.name(),
                    args.join(", ")
                )
            }
            Step::Cpu { .. } | Step::Io { .. } | Step::Sleep { .. } => "(no system call)".into(),
            Step::Win(w) => super::narration_windows::call_text(w, names),
            Step::Cleanup {
                object: o,
                flavour,
                act,
            } => act.call(*flavour, &object(*o)),
        }
    }
}
