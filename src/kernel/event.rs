//! What the kernel tells the world: every change of state, with a reason a student can read.
//! Events carry pids, not names; `narration` turns them into sentences with a name lookup.

use super::ids::{CpuId, DeviceId, Pid, Tick};
use super::pcb::{Accounting, Registers};
use super::program::{ExitStatus, ObjectId, Signal, SpecIndex, Stream};
use super::state::State;
use super::syscalls::{Call, CallResult};
use serde::Serialize;
use std::sync::Arc;

/// Why the short-term scheduler picked a process.
#[derive(Copy, Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "policy")]
pub enum Pick {
    /// First in the FIFO ready queue.
    Fcfs,
    /// Shortest next burst (`tie`: another ready process had the same).
    Sjf { burst: Tick, tie: bool },
    /// Shortest remaining time.
    Srtf { left: Tick, tie: bool },
    /// Best priority.
    Priority { priority: i64, tie: bool },
    /// Next in the round-robin queue.
    Rr { quantum: Tick },
    /// Head of the highest non-empty MLFQ queue.
    Mlfq { level: u8, quantum_left: Tick },
    /// Holder of the winning lottery ticket.
    Lottery { ticket: u64, total: u64, held: u32 },
    /// Lowest pass.
    Stride { pass: u64, tie: bool },
    /// Highest response ratio (waited + burst) / burst.
    Hrrn { waited: Tick, burst: Tick },
}

/// Why a newly ready process takes the CPU from a running one.
#[derive(Copy, Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "by")]
pub enum Beat {
    /// SRTF: less time left.
    Remaining { new: Tick, old: Tick },
    /// Priority: more important.
    Priority { new: i64, old: i64 },
    /// MLFQ: a higher queue.
    Level { new: u8, old: u8 },
    /// MLFQ with `io_to_front`: back from waiting, it goes to the front of its queue, ahead of the
    /// running job (OSTEP's `-I`).
    IoToFront { level: u8 },
}

/// What the MLFQ did with a job whose quantum ran out.
#[derive(Copy, Clone, Debug, PartialEq, Serialize)]
pub struct LevelChange {
    /// Queue before.
    pub from: u8,
    /// Queue after (the same if allotment is left or it is already at the bottom).
    pub to: u8,
    /// Quanta of allotment left at the new level.
    pub allotment_left: u32,
    /// The allotment ran out at the bottom queue, so it starts over there.
    pub at_bottom: bool,
}

/// Why something happened, in a form that `describe` turns into a sentence.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "why")]
pub enum Reason {
    /// Submitted; enters the job queue.
    Arrived,
    /// Created by its parent's `fork`.
    Forked { parent: Pid },
    /// The long-term scheduler admitted it.
    Admitted {
        in_use: u32,
        limit: Option<u32>,
        io_bound: Option<bool>,
    },
    /// Admitted, but memory is full: it waits swapped out.
    NoRoom { need: u32, free: u32 },
    /// Admitted, but others are already waiting to be swapped in: it waits behind them.
    BehindInSwapQueue { ahead: u32 },
    /// Swapped out to make room for another process.
    SwappedOut { for_pid: Pid, need: u32, free: u32 },
    /// Swapped back in.
    SwappedIn { size: u32 },
    /// Its swap-out transfer is over; its memory is free.
    SwapOutDone { size: u32 },
    /// Picked by the short-term scheduler.
    Dispatched(Pick),
    /// Its time slice ran out.
    QuantumExpired {
        quantum: Tick,
        level: Option<LevelChange>,
    },
    /// A better process took its CPU.
    Preempted { by: Pid, beat: Beat },
    /// A switch was under way when a better process became ready; it goes back.
    SwitchAbandoned { by: Pid },
    /// The process being switched in on `cpu` ended before the switch was done; the rest of
    /// the switch (`unused` ticks) is not spent.
    SwitchCut { unused: Tick },
    /// The MLFQ priority boost moved every job to the top queue.
    Boost { period: Tick },
    /// Its time slice ran out and it was picked again: nothing else was ready, or (lottery,
    /// stride) the policy chose it again; `again` says why in the second case.
    QuantumRenewed {
        quantum: Tick,
        level: Option<LevelChange>,
        again: Option<Pick>,
    },
    /// Asked a device for service.
    IoRequested {
        device: DeviceId,
        ticks: Tick,
        ahead: u32,
    },
    /// The device started serving its request.
    IoStarted { device: DeviceId, ticks: Tick },
    /// The device finished its request.
    IoDone { device: DeviceId },
    /// Went to sleep.
    Sleeping { ticks: Tick },
    /// The sleep is over.
    Woke { ticks: Tick },
    /// Called `wait`.
    WaitsForChild { child: Option<Pid> },
    /// `wait` returned with a child's status.
    ChildReaped { child: Pid, status: ExitStatus },
    /// `wait` found no child to wait for.
    NoChildren { child: Option<SpecIndex> },
    /// Exited; `zombie` says whether it stays a zombie until its parent waits.
    Exited {
        status: ExitStatus,
        parent: Pid,
        zombie: bool,
    },
    /// Its parent (or init) collected the exit status.
    Reaped { by: Pid },
    /// Killed by another process's `kill`.
    Killed { by: Pid, signal: Signal },
    /// Its target was not alive (`zombie`: it had exited but was not reaped yet).
    KillFailed {
        target: SpecIndex,
        signal: Signal,
        zombie: bool,
    },
    /// Terminated because an ancestor with `cascade` exited.
    Cascade { ancestor: Pid },
    /// Its parent exited; init adopts it.
    Orphaned { parent: Pid },
    /// Replaced its program; `dropped` steps after the exec will never run.
    Exec {
        command: Arc<str>,
        args: Arc<[Arc<str>]>,
        dropped: u32,
    },
    /// Aging improved its priority.
    Aged { from: i64, to: i64 },
    /// Wrote to the terminal.
    Output { stream: Stream, text: Arc<str> },
    /// `read` found the pipe empty, with a writer left: waits.
    WaitsToRead { object: ObjectId },
    /// `write` found no room: waits.
    WaitsToWrite { object: ObjectId, room: u32 },
    /// `open` of a FIFO nobody has opened from the other side: waits.
    WaitsToOpen { object: ObjectId },
    /// `produce` found the ring full (or `consume` found it empty): waits.
    WaitsOnRing { object: ObjectId, full: bool },
    /// A blocked `read` returned.
    ReadReturns { object: ObjectId, bytes: u32 },
    /// A blocked `write` returned.
    WriteReturns { object: ObjectId, bytes: u32 },
    /// The last reader went away while it waited to write.
    BrokenPipe { object: ObjectId },
    /// A blocked `open` of a FIFO returned.
    Opened { object: ObjectId },
    /// A blocked `produce` returned.
    Produced { object: ObjectId },
    /// A blocked `consume` returned.
    Consumed { object: ObjectId },
    /// `send` found no room (`rendezvous`: zero capacity and no receiver waiting): waits.
    WaitsToSend { object: ObjectId, rendezvous: bool },
    /// `receive` found no message: waits.
    WaitsToReceive { object: ObjectId },
    /// A blocked `send` returned: a receiver took the message, or made room for it.
    SendReturns { object: ObjectId },
    /// A blocked `receive` returned with a message from `from`.
    ReceiveReturns { object: ObjectId, from: Pid },
    /// `accept` found no connection waiting: waits for a client.
    WaitsToAccept { object: ObjectId },
    /// A blocked `accept` returned: `client` connected.
    Accepted { object: ObjectId, client: Pid },
    /// `recv` found nothing to read: waits for the peer to send.
    WaitsToRecv { object: ObjectId },
    /// A blocked `recv` returned with `bytes` bytes (0: the peer closed, end of file).
    RecvReturns { object: ObjectId, bytes: u32 },
    /// A blocked `recv` failed: the server closed its listening socket before accepting.
    ConnectionReset { object: ObjectId },
    /// A datagram went to a socket nobody reads: UDP drops it without a word.
    DatagramLost { object: ObjectId },
    /// The client stub marshalled `call` into `bytes` (big-endian); its arguments in a
    /// little-endian machine's memory are `little_endian`.
    RpcMarshalled {
        object: ObjectId,
        call: Arc<str>,
        bytes: Arc<str>,
        little_endian: Arc<str>,
    },
    /// `rpc-call` sent its request: waits for the reply.
    WaitsForReply { object: ObjectId },
    /// `rpc-serve` found no request: waits for one.
    WaitsForRequest { object: ObjectId },
    /// A blocked `rpc-serve` returned: a request came.
    RpcRequestArrives { object: ObjectId },
    /// The server stub unmarshalled a request and ran `call`, which returned `value`.
    RpcRequestTaken {
        object: ObjectId,
        call: Arc<str>,
        value: i32,
    },
    /// A request the server has taken before came again: answered from the history
    /// (`executed` false), or executed again by a server that keeps none.
    RpcRepeat {
        object: ObjectId,
        id: u32,
        client: Pid,
        executed: bool,
    },
    /// The network lost the reply.
    RpcReplyLost { object: ObjectId },
    /// A reply came for a call nobody waits for any more: dropped.
    RpcReplyDropped { object: ObjectId },
    /// A blocked `rpc-call` returned with its reply.
    RpcReplyArrives { object: ObjectId },
    /// No reply in time: the client stub sends call `id` again (attempt `attempt`).
    RpcRetransmits {
        object: ObjectId,
        id: u32,
        attempt: u32,
    },
    /// No reply in time, and the client stub gives up (`retries`: after sending it again
    /// and again): the call fails with ETIMEDOUT.
    RpcTimedOut { object: ObjectId, retries: bool },
    /// Something of the Windows family.
    Win(super::win_reason::WinReason),
    /// Something happened in the life of a shared-memory object.
    Shm {
        object: ObjectId,
        flavour: super::segment::Flavour,
        life: super::segment::Life,
    },
}

/// A change of state.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Transition {
    /// When.
    pub time: Tick,
    /// Who.
    pub pid: Pid,
    /// State before (`None` when the process is created).
    pub from: Option<State>,
    /// State after.
    pub to: State,
    /// Why.
    pub reason: Reason,
    /// The CPU involved, when the process starts or stops running.
    pub cpu: Option<CpuId>,
}

/// A context switch: the dispatcher saves one context and loads another.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Switch {
    /// When it starts.
    pub time: Tick,
    /// Which CPU.
    pub cpu: CpuId,
    /// Whose context the CPU held.
    pub from: Option<Pid>,
    /// Whose context it loads.
    pub to: Pid,
    /// How long it takes.
    pub cost: Tick,
    /// Registers saved in the outgoing PCB when it left the CPU.
    pub saved: Option<Registers>,
    /// Registers loaded from the incoming PCB.
    pub restored: Registers,
}

/// The final record of a process, sent when it exits or is killed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finished {
    /// When.
    pub time: Tick,
    /// Who.
    pub pid: Pid,
    /// Position in the scenario.
    pub order: SpecIndex,
    /// How it ended.
    pub status: ExitStatus,
    /// Its time, by state.
    pub acct: Accounting,
}

/// Everything the kernel reports.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Event {
    /// A process exists from now on.
    Created {
        /// When.
        time: Tick,
        /// Its pid.
        pid: Pid,
        /// Its name.
        name: Arc<str>,
        /// Its parent.
        parent: Pid,
        /// Position in the scenario.
        order: SpecIndex,
    },
    /// A change of state.
    Transition(Transition),
    /// A context switch begins.
    Switch(Switch),
    /// Something worth telling that changes no state.
    Note {
        /// When.
        time: Tick,
        /// Who, if anyone.
        pid: Option<Pid>,
        /// What.
        reason: Reason,
    },
    /// A process has finished.
    Finished(Finished),
    /// A process executed a step that has a counterpart in the real kernel.
    Call(Call),
    /// A call that blocked has returned.
    CallDone {
        /// When.
        time: Tick,
        /// Who.
        pid: Pid,
        /// What it returned.
        result: CallResult,
    },
}

impl Event {
    /// When it happened.
    pub fn time(&self) -> Tick {
        match self {
            Event::Created { time, .. } | Event::Note { time, .. } => *time,
            Event::Transition(t) => t.time,
            Event::Switch(s) => s.time,
            Event::Finished(f) => f.time,
            Event::Call(c) => c.time,
            Event::CallDone { time, .. } => *time,
        }
    }
}

/// The kinds of event, so that a sink can say which it wants.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// [`Event::Created`].
    Created,
    /// [`Event::Transition`].
    Transition,
    /// [`Event::Switch`].
    Switch,
    /// [`Event::Note`].
    Note,
    /// [`Event::Finished`].
    Finished,
    /// [`Event::Call`] and [`Event::CallDone`].
    Call,
}

/// A consumer of kernel events: a report, a recorder, the TUI.
pub trait EventSink {
    /// Receives one event.
    fn event(&mut self, event: Event);

    /// Whether the sink wants events of this kind; the kernel does not even build the others
    /// (a summary needs no transitions, and a million-process run makes tens of millions).
    #[inline]
    fn wants(&self, _kind: EventKind) -> bool {
        true
    }
}

impl EventSink for Vec<Event> {
    fn event(&mut self, event: Event) {
        self.push(event);
    }
}

/// Sends the event `build` makes, if the sink wants events of that kind; otherwise the event
/// is not even built.
#[inline]
pub fn emit<S: EventSink + ?Sized>(sink: &mut S, kind: EventKind, build: impl FnOnce() -> Event) {
    if sink.wants(kind) {
        sink.event(build());
    }
}

/// A sink that drops everything.
#[derive(Debug, Default)]
pub struct Discard;

impl EventSink for Discard {
    #[inline]
    fn event(&mut self, _: Event) {}

    #[inline]
    fn wants(&self, _kind: EventKind) -> bool {
        false
    }
}
