//! Remote procedure calls, modelled: a port served by a server process, the client stub that
//! marshals a call into bytes (network order: big-endian, as XDR writes integers), the server
//! stub that unmarshals it, and the three promises an RPC system can make when a message is
//! lost — at least once, at most once, exactly once. Only the data and its rules live here;
//! `rpc_calls` moves processes in and out of the wait queues.

use super::ids::Pid;
use serde::Serialize;
use std::collections::VecDeque;
use std::fmt;

/// How long a client stub waits for a reply before it sends again (or gives up), by default.
pub const DEFAULT_TIMEOUT: u64 = 5;

/// How many times a client stub sends one call before it gives up.
pub const MAX_ATTEMPTS: u32 = 4;

/// What the RPC system promises about how often a call is executed.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Semantics {
    /// The client sends again until a reply comes; the server keeps no history, so a
    /// request whose reply was lost is executed again.
    AtLeastOnce,
    /// The server keeps a history of the requests it executed and never executes one twice;
    /// the client does not send again, so when a reply is lost it can't know what happened.
    AtMostOnce,
    /// The server's history, and a client that sends again until the reply (its
    /// acknowledgement) comes: every call is executed once and the client learns the result.
    ExactlyOnce,
}

impl Semantics {
    /// Every kind, as a scenario names them.
    pub const ALL: [Semantics; 3] = [
        Semantics::AtLeastOnce,
        Semantics::AtMostOnce,
        Semantics::ExactlyOnce,
    ];

    /// The scenario's word.
    pub fn word(self) -> &'static str {
        match self {
            Semantics::AtLeastOnce => "at-least-once",
            Semantics::AtMostOnce => "at-most-once",
            Semantics::ExactlyOnce => "exactly-once",
        }
    }

    /// From the scenario's word.
    pub fn parse(word: &str) -> Option<Semantics> {
        Semantics::ALL.into_iter().find(|s| s.word() == word)
    }

    /// True if the client stub sends a call again when no reply comes in time.
    pub fn retries(self) -> bool {
        self != Semantics::AtMostOnce
    }

    /// True if the server stub remembers the requests it executed, to answer a repeat from
    /// its history instead of executing it again.
    pub fn keeps_history(self) -> bool {
        self != Semantics::AtLeastOnce
    }
}

/// The procedures a port's server offers, each with its number on the wire.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Procedure {
    /// `add A B`: A + B.
    Add,
    /// `deposit N`: adds N to the server's account and returns the new balance.
    Deposit,
    /// `balance`: the account's balance.
    Balance,
    /// `time`: the server's clock (the simulated tick).
    Time,
}

impl Procedure {
    /// Every procedure.
    pub const ALL: [Procedure; 4] = [
        Procedure::Add,
        Procedure::Deposit,
        Procedure::Balance,
        Procedure::Time,
    ];

    /// Its name in a scenario.
    pub fn name(self) -> &'static str {
        match self {
            Procedure::Add => "add",
            Procedure::Deposit => "deposit",
            Procedure::Balance => "balance",
            Procedure::Time => "time",
        }
    }

    /// From its name.
    pub fn parse(name: &str) -> Option<Procedure> {
        Procedure::ALL.into_iter().find(|p| p.name() == name)
    }

    /// Its number in a marshalled request.
    pub fn number(self) -> u32 {
        self as u32 + 1
    }

    /// How many arguments it takes.
    pub fn arity(self) -> usize {
        match self {
            Procedure::Add => 2,
            Procedure::Deposit => 1,
            Procedure::Balance | Procedure::Time => 0,
        }
    }

    /// `deposit` changes the server's state: executing it twice is not the same as once.
    pub fn is_idempotent(self) -> bool {
        self != Procedure::Deposit
    }
}

/// One call as the client stub makes it: who, which request (its id, the same on every
/// retransmission), the procedure and its arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The calling process.
    pub client: Pid,
    /// The request id: the client's count of its calls.
    pub id: u32,
    /// What to call.
    pub procedure: Procedure,
    /// Its arguments.
    pub args: Vec<i32>,
}

impl Request {
    /// The request as the client stub puts it on the wire: id, procedure number, then each
    /// argument, each a 4-byte big-endian integer.
    pub fn marshal(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(8 + 4 * self.args.len());
        bytes.extend_from_slice(&self.id.to_be_bytes());
        bytes.extend_from_slice(&self.procedure.number().to_be_bytes());
        for a in &self.args {
            bytes.extend_from_slice(&a.to_be_bytes());
        }
        bytes
    }

    /// What the server stub reads back from `bytes`: (id, procedure, arguments), or `None`
    /// if they are not a request.
    pub fn unmarshal(bytes: &[u8]) -> Option<(u32, Procedure, Vec<i32>)> {
        let word = |i: usize| -> Option<[u8; 4]> { bytes.get(4 * i..4 * i + 4)?.try_into().ok() };
        if !bytes.len().is_multiple_of(4) || bytes.len() < 8 {
            return None;
        }
        let id = u32::from_be_bytes(word(0)?);
        let number = u32::from_be_bytes(word(1)?);
        let procedure = Procedure::ALL.into_iter().find(|p| p.number() == number)?;
        let args: Vec<i32> = (2..bytes.len() / 4)
            .map(|i| word(i).map(i32::from_be_bytes))
            .collect::<Option<_>>()?;
        (args.len() == procedure.arity()).then_some((id, procedure, args))
    }
}

impl fmt::Display for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let args: Vec<String> = self.args.iter().map(i32::to_string).collect();
        write!(f, "{}({})", self.procedure.name(), args.join(", "))
    }
}

/// Bytes as hex, a space between bytes and a bar between 4-byte words: `00 00 00 01 | …`.
pub fn hex(bytes: &[u8]) -> String {
    bytes
        .chunks(4)
        .map(|w| {
            w.iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// A reply: the request it answers and the value, marshalled as two big-endian words.
pub fn marshal_reply(id: u32, value: i32) -> Vec<u8> {
    let mut bytes = id.to_be_bytes().to_vec();
    bytes.extend_from_slice(&value.to_be_bytes());
    bytes
}

/// A client blocked in a call, with where its call stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingCall {
    /// The call.
    pub request: Request,
    /// How many times it has been sent.
    pub attempts: u32,
    /// True while the next reply to it is to be lost (the scenario's `lost-reply`).
    pub lose_reply: bool,
}

/// A port: its promise, the requests waiting for the server, the servers waiting for a
/// request, the calls waiting for a reply, and the server's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Port {
    /// What it promises.
    pub semantics: Semantics,
    /// Requests sent and not taken by a server yet (retransmissions included).
    pub requests: VecDeque<Request>,
    /// Servers blocked in `rpc-serve`, longest waiting first.
    pub serving: VecDeque<Pid>,
    /// Clients blocked in `rpc-call`.
    pub calls: Vec<PendingCall>,
    /// The request each server took last and has not answered yet, with its result.
    pub answering: Vec<(Pid, Request, i32)>,
    /// The server's account, which `deposit` changes.
    pub balance: i32,
    /// At most once and exactly once: the requests executed, with the reply each got.
    pub history: Vec<(Pid, u32, i32)>,
    /// How many times a procedure was executed (not answered from the history).
    pub executed: u32,
    /// Every call each client made, as (client, request id): where the next id comes from.
    pub sent: Vec<(Pid, u32)>,
    /// Every request a server took, as (client, request id): how a repeat is recognised.
    pub seen: Vec<(Pid, u32)>,
}

impl Port {
    /// A port with no server state yet.
    pub fn new(semantics: Semantics) -> Port {
        Port {
            semantics,
            requests: VecDeque::new(),
            serving: VecDeque::new(),
            calls: Vec::new(),
            answering: Vec::new(),
            balance: 0,
            history: Vec::new(),
            executed: 0,
            sent: Vec::new(),
            seen: Vec::new(),
        }
    }

    /// True if a server has taken this request before (it is a retransmission).
    pub fn seen_before(&self, request: &Request) -> bool {
        self.seen.contains(&(request.client, request.id))
    }

    /// The reply the history holds for `request`, if the server keeps one and executed it.
    pub fn remembered(&self, request: &Request) -> Option<i32> {
        if !self.semantics.keeps_history() {
            return None;
        }
        self.history
            .iter()
            .find(|(c, id, _)| *c == request.client && *id == request.id)
            .map(|h| h.2)
    }

    /// Runs the procedure at time `now`, changing the server's state as it says.
    pub fn execute(&mut self, request: &Request, now: u64) -> i32 {
        self.executed += 1;
        let value = match request.procedure {
            Procedure::Add => request.args[0].wrapping_add(request.args[1]),
            Procedure::Deposit => {
                self.balance = self.balance.wrapping_add(request.args[0]);
                self.balance
            }
            Procedure::Balance => self.balance,
            Procedure::Time => i32::try_from(now).unwrap_or(i32::MAX),
        };
        if self.semantics.keeps_history() {
            self.history.push((request.client, request.id, value));
        }
        value
    }

    /// The call `client` is blocked in, if any.
    pub fn call_of(&mut self, client: Pid) -> Option<&mut PendingCall> {
        self.calls.iter_mut().find(|c| c.request.client == client)
    }

    /// Takes `pid` out of every queue of the port.
    pub fn forget(&mut self, pid: Pid) {
        self.serving.retain(|&p| p != pid);
        self.calls.retain(|c| c.request.client != pid);
        self.answering.retain(|a| a.0 != pid);
    }

    /// True if `pid` waits on the port, as a server or as a client.
    pub fn holds(&self, pid: Pid) -> bool {
        self.serving.contains(&pid) || self.calls.iter().any(|c| c.request.client == pid)
    }

    /// One line about the port for views.
    pub fn describe(&self) -> String {
        format!(
            "{}, {} request(s) waiting, balance {}, {} execution(s)",
            self.semantics.word(),
            self.requests.len(),
            self.balance,
            self.executed
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deposit(amount: i32) -> Request {
        Request {
            client: Pid(3),
            id: 1,
            procedure: Procedure::Deposit,
            args: vec![amount],
        }
    }

    #[test]
    fn a_request_goes_on_the_wire_big_endian_and_comes_back_whole() {
        // id 1, procedure 2 (deposit), argument 100 = 0x64: most significant byte first.
        let bytes = deposit(100).marshal();
        assert_eq!(hex(&bytes), "00 00 00 01 | 00 00 00 02 | 00 00 00 64");
        assert_eq!(
            Request::unmarshal(&bytes),
            Some((1, Procedure::Deposit, vec![100]))
        );
        // A negative argument is two's complement, still most significant byte first.
        assert_eq!(
            hex(&deposit(-2).marshal()[8..]),
            "ff ff ff fe",
            "-2 on the wire"
        );
    }

    #[test]
    fn bytes_that_are_no_request_are_refused() {
        assert_eq!(Request::unmarshal(&[0, 0, 0, 1]), None);
        assert_eq!(Request::unmarshal(&[0, 0, 0, 1, 0, 0, 0, 9]), None);
        // deposit with no argument
        assert_eq!(Request::unmarshal(&[0, 0, 0, 1, 0, 0, 0, 2]), None);
    }

    #[test]
    fn only_a_server_with_a_history_answers_a_repeat_without_executing_it() {
        let mut once = Port::new(Semantics::ExactlyOnce);
        assert_eq!(once.execute(&deposit(100), 0), 100);
        assert_eq!(once.remembered(&deposit(100)), Some(100));
        let mut twice = Port::new(Semantics::AtLeastOnce);
        assert_eq!(twice.execute(&deposit(100), 0), 100);
        assert_eq!(twice.remembered(&deposit(100)), None);
        assert_eq!(twice.execute(&deposit(100), 0), 200, "executed again");
    }
}
