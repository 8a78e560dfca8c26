//! Answers about remote procedure calls: what a client's call returned, the bytes its stub
//! marshalled, a server's account and how many times it ran a procedure. The account is read
//! from the port in the kernel; the rest from the events of the run up to the step's point,
//! which the kernel is stepped through again from the start to see (so an answer is always the
//! one the event log shows).

use super::query::{Moment, Value};
use super::words::{self, Words};
use crate::kernel::event::{Event, Reason};
use crate::kernel::ipc::Object;
use crate::kernel::program::ObjectId;
use crate::kernel::rpc::{Port, Procedure};
use crate::kernel::{Kernel, Pid, Step};
use std::collections::HashMap;

/// A question about remote procedure calls.
#[derive(Clone, Debug, PartialEq)]
pub enum Asked {
    /// What the client's latest finished call (of that procedure, if named) returned.
    Result {
        /// The calling process.
        client: String,
        /// Only calls of this procedure.
        procedure: Option<Procedure>,
    },
    /// The client's latest request as its stub put it on the wire.
    RequestBytes(String),
    /// The arguments of the client's latest request as they went on the wire (big-endian).
    ArgumentBytes(String),
    /// The arguments of the client's latest request as a little-endian CPU holds them.
    LittleEndian(String),
    /// The account of the port's server now.
    Balance(String),
    /// How many times the port's server ran a procedure (that one, if named).
    Runs {
        /// The port.
        port: String,
        /// Only runs of this procedure.
        procedure: Option<Procedure>,
    },
}

/// The forms of answers about RPC, for hints.
pub const FORMS: &str = "result of P, result of PROCEDURE by P, request bytes of P, \
argument bytes of P, little-endian bytes of P, balance at PORT, runs at PORT, runs of PROCEDURE at PORT";

impl Asked {
    /// Reads `answer`'s words, if they are a question about RPC; names are checked against
    /// `words`.
    pub fn parse(t: &[&str], words: &Words) -> Option<Result<Asked, String>> {
        let p = |name: &str| words.process(name);
        let port = |name: &str| words.port(name);
        Some(match t {
            ["result", "of", n] => p(n).map(|client| Asked::Result {
                client,
                procedure: None,
            }),
            ["result", "of", f, "by", n] => procedure(f).and_then(|f| {
                Ok(Asked::Result {
                    client: p(n)?,
                    procedure: Some(f),
                })
            }),
            ["request" | "wire", "bytes", "of", n] => p(n).map(Asked::RequestBytes),
            ["argument", "bytes", "of", n] => p(n).map(Asked::ArgumentBytes),
            ["little-endian", "bytes", "of", n] => p(n).map(Asked::LittleEndian),
            ["balance", "at" | "of", o] => port(o).map(Asked::Balance),
            ["runs", "at", o] => port(o).map(|port| Asked::Runs {
                port,
                procedure: None,
            }),
            ["runs", "of", f, "at", o] => procedure(f).and_then(|f| {
                Ok(Asked::Runs {
                    port: port(o)?,
                    procedure: Some(f),
                })
            }),
            _ => return None,
        })
    }

    /// True if the answer is a figure (a call's result is a word: a number or an error).
    pub fn is_number(&self) -> bool {
        matches!(self, Asked::Balance(_) | Asked::Runs { .. })
    }

    /// Computes the answer at `moment`; an error says why there is none there.
    pub fn eval(&self, moment: &Moment) -> Result<Value, String> {
        let k = moment.kernel;
        let now = k.now();
        match self {
            Asked::Balance(name) => Ok(Value::Number(f64::from(port(k, name)?.1.balance))),
            Asked::Runs {
                port: name,
                procedure,
            } => {
                let (object, _) = port(k, name)?;
                let log = Log::of(moment);
                let runs = log
                    .runs
                    .iter()
                    .filter(|(o, f)| *o == object && procedure.is_none_or(|p| p == *f))
                    .count();
                Ok(Value::Number(runs as f64))
            }
            Asked::Result { client, procedure } => {
                let pid = pid(k, client)?;
                let log = Log::of(moment);
                let done = log
                    .returned
                    .iter()
                    .rev()
                    .find(|d| d.client == pid && procedure.is_none_or(|p| p == d.procedure));
                match done {
                    Some(d) => Ok(Value::Text(d.value.clone())),
                    None => Err(format!(
                        "no {}call of `{client}` has returned at time {now}",
                        procedure.map_or(String::new(), |p| format!("{} ", p.name()))
                    )),
                }
            }
            Asked::RequestBytes(client)
            | Asked::ArgumentBytes(client)
            | Asked::LittleEndian(client) => {
                let pid = pid(k, client)?;
                let log = Log::of(moment);
                let Some((_, wire, memory)) = log.marshalled.iter().rev().find(|m| m.0 == pid)
                else {
                    return Err(format!("`{client}` has made no call by time {now}"));
                };
                let bytes = match self {
                    Asked::RequestBytes(_) => wire.clone(),
                    // The request id and the procedure's number come first.
                    Asked::ArgumentBytes(_) => {
                        wire.split(" | ").skip(2).collect::<Vec<_>>().join(" | ")
                    }
                    _ => memory.clone(),
                };
                if bytes.is_empty() {
                    return Err(format!("the latest call of `{client}` has no arguments"));
                }
                Ok(Value::Text(bytes))
            }
        }
    }
}

/// A procedure's name, checked.
fn procedure(word: &str) -> Result<Procedure, String> {
    Procedure::parse(word).ok_or_else(|| {
        let names: Vec<&str> = Procedure::ALL.iter().map(|p| p.name()).collect();
        format!(
            "`{word}` is not a procedure of an RPC server; they are {}",
            names.join(", ")
        )
    })
}

fn pid(kernel: &Kernel, name: &str) -> Result<Pid, String> {
    words::find(kernel, name)
        .map(|p| p.pid)
        .ok_or_else(|| format!("`{name}` does not exist yet at time {}", kernel.now()))
}

/// The port named `name`, once its server has made it.
fn port<'k>(kernel: &'k Kernel, name: &str) -> Result<(ObjectId, &'k Port), String> {
    let object = kernel
        .workload()
        .objects()
        .iter()
        .position(|o| &*o.name == name)
        .ok_or_else(|| format!("no object is named `{name}`"))?;
    match kernel.objects().get(object) {
        Some(Object::RpcPort(p)) => Ok((object as ObjectId, p)),
        _ => Err(format!("`{name}` is not made yet at time {}", kernel.now())),
    }
}

/// A call that returned.
struct Returned {
    client: Pid,
    procedure: Procedure,
    /// The number it returned, or the error's name.
    value: String,
}

/// What the events of the run up to a moment say about its remote procedure calls.
#[derive(Default)]
struct Log {
    /// Every call that returned, in order.
    returned: Vec<Returned>,
    /// Every request marshalled, in order: (client, bytes on the wire, arguments in a
    /// little-endian memory).
    marshalled: Vec<(Pid, String, String)>,
    /// Every run of a procedure by a server (not answered from its history), in order.
    runs: Vec<(ObjectId, Procedure)>,
}

impl Log {
    /// Steps the run again from its start to `moment`, reading its events.
    fn of(moment: &Moment) -> Log {
        let mut kernel = moment.timeline.snapshot_before(0).1.clone();
        let mut events = Vec::new();
        while kernel.steps() < moment.kernel.steps() && kernel.step(&mut events).is_some() {}
        Log::read(&events)
    }

    fn read(events: &[Event]) -> Log {
        let mut log = Log::default();
        // The call each client is blocked in, if it is an RPC call.
        let mut pending: HashMap<Pid, Option<Procedure>> = HashMap::new();
        // Every request sent, by (client, port, request id): how a repeat is known.
        let mut sent: HashMap<(Pid, ObjectId), Vec<Procedure>> = HashMap::new();
        for e in events {
            match e {
                Event::Call(c) => match (&c.step, &c.result) {
                    (Step::RpcCall { procedure, .. }, Some(r)) => {
                        log.returned.push(Returned {
                            client: c.pid,
                            procedure: *procedure,
                            value: result(r),
                        });
                    }
                    (
                        Step::RpcCall {
                            object, procedure, ..
                        },
                        None,
                    ) => {
                        pending.insert(c.pid, Some(*procedure));
                        sent.entry((c.pid, *object)).or_default().push(*procedure);
                    }
                    (_, None) => {
                        pending.insert(c.pid, None);
                    }
                    (_, Some(_)) => {}
                },
                Event::CallDone { pid, result: r, .. } => {
                    if let Some(Some(procedure)) = pending.remove(pid) {
                        log.returned.push(Returned {
                            client: *pid,
                            procedure,
                            value: result(r),
                        });
                    }
                }
                Event::Note {
                    pid: Some(pid),
                    reason:
                        Reason::RpcMarshalled {
                            bytes,
                            little_endian,
                            ..
                        },
                    ..
                } => log
                    .marshalled
                    .push((*pid, bytes.to_string(), little_endian.to_string())),
                Event::Note {
                    reason: Reason::RpcRequestTaken { object, call, .. },
                    ..
                } => {
                    // `deposit(100)`: the procedure's name comes before the arguments.
                    if let Some(f) = call.split('(').next().and_then(Procedure::parse) {
                        log.runs.push((*object, f));
                    }
                }
                Event::Note {
                    reason:
                        Reason::RpcRepeat {
                            object,
                            id,
                            client,
                            executed: true,
                        },
                    ..
                } => {
                    // Request ids count each client's calls to the port from 1.
                    let calls = sent.get(&(*client, *object));
                    if let Some(f) = calls.and_then(|c| c.get(*id as usize - 1)) {
                        log.runs.push((*object, *f));
                    }
                }
                _ => {}
            }
        }
        log
    }
}

/// A call's result as an answer: the number it returned, or the error's name.
fn result(r: &crate::kernel::call::CallResult) -> String {
    match r.errno {
        Some(e) => e.name().to_string(),
        None => r.ret.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replay::Replay;
    use crate::report::{self, Options};
    use crate::scenario::{Scenario, bundled};

    fn load(id: &str) -> Scenario {
        Scenario::parse(id, bundled::find(id).expect("bundled")).expect("valid")
    }

    fn words(t: &str) -> Vec<String> {
        words::tokens(t)
    }

    fn parse(text: &str, w: &Words) -> Option<Result<Asked, String>> {
        let t = words(text);
        let t: Vec<&str> = t.iter().map(String::as_str).collect();
        Asked::parse(&t, w)
    }

    /// Every answer about RPC at each step of `id`, with the kernel's port beside it.
    fn at_each_step(id: &str, mut check: impl FnMut(&Moment, &Words)) {
        let scenario = load(id);
        let w = Words::of(&scenario);
        let full = report::run(&scenario, Options::default());
        let mut replay = Replay::new(&scenario);
        for step in 0..=replay.steps() {
            replay.goto(step);
            let moment = Moment {
                kernel: replay.kernel(),
                report: &full,
                timeline: replay.timeline(),
                step,
            };
            check(&moment, &w);
        }
    }

    fn answer(text: &str, moment: &Moment, w: &Words) -> Result<Value, String> {
        parse(text, w).expect("an RPC form")?.eval(moment)
    }

    fn text(s: &str) -> Result<Value, String> {
        Ok(Value::Text(s.into()))
    }

    fn number(n: f64) -> Result<Value, String> {
        Ok(Value::Number(n))
    }

    #[test]
    fn forms_are_read_and_names_checked() {
        let scenario = load("ipc/rpc-lost-reply");
        let w = Words::of(&scenario);
        assert_eq!(
            parse("result of deposit by Client1", &w),
            Some(Ok(Asked::Result {
                client: "client1".into(),
                procedure: Some(Procedure::Deposit)
            }))
        );
        assert_eq!(
            parse("runs of balance at least", &w),
            Some(Ok(Asked::Runs {
                port: "least".into(),
                procedure: Some(Procedure::Balance)
            }))
        );
        assert_eq!(
            parse("wire bytes of client2", &w),
            Some(Ok(Asked::RequestBytes("client2".into())))
        );
        let bad = |t: &str| parse(t, &w).expect("an RPC form").unwrap_err();
        assert!(bad("result of withdraw by client1").contains("add, deposit, balance, time"));
        assert!(bad("balance at bank1").contains("no RPC port is named `bank1`"));
        assert!(bad("balance at leest").contains("did you mean `least`?"));
        assert!(bad("request bytes of client9").contains("no process"));
        assert_eq!(parse("state of client1", &w), None, "not about RPC");
        assert!(
            super::super::query::FORMS.contains(FORMS),
            "the hint names every form"
        );
        assert!(
            !Asked::RequestBytes("c".into()).is_number() && Asked::Balance("b".into()).is_number()
        );
    }

    // ipc/rpc-lost-reply, by hand: at tick 1 each client deposits 100 and every reply is lost;
    // at tick 5 the stubs time out. least (at least once) runs the deposit again: 200. most
    // (at most once) does not send again: ETIMEDOUT, and its account holds 100. exactly
    // (exactly once) answers the repeat from its history: 100. Then each client asks for the
    // balance, which its server runs once.
    #[test]
    fn a_lost_reply_under_the_three_promises() {
        let mut ended = false;
        at_each_step("ipc/rpc-lost-reply", |m, w| {
            let a = |t: &str| answer(t, m, w);
            match m.kernel.now() {
                0 if m.kernel.steps() == 0 => {
                    assert!(a("balance at least").unwrap_err().contains("not made yet"));
                    assert!(a("request bytes of client1").unwrap_err().contains("exist"));
                }
                1 => {
                    assert_eq!(a("balance at least"), number(100.0));
                    assert_eq!(a("runs of deposit at least"), number(1.0));
                    assert_eq!(
                        a("request bytes of client1"),
                        text("00 00 00 01 | 00 00 00 02 | 00 00 00 64")
                    );
                    assert_eq!(a("argument bytes of client1"), text("00 00 00 64"));
                    assert_eq!(a("little-endian bytes of client1"), text("64 00 00 00"));
                    let none = a("result of client1").unwrap_err();
                    assert!(none.contains("no call of `client1` has returned at time 1"));
                }
                5 if m.kernel.steps() == m.timeline.steps => {
                    ended = true;
                    assert_eq!(a("result of deposit by client1"), text("200"));
                    assert_eq!(a("result of deposit by client2"), text("ETIMEDOUT"));
                    assert_eq!(a("result of deposit by client3"), text("100"));
                    assert_eq!(a("result of client2"), text("100"), "the balance call");
                    assert_eq!(a("balance at least"), number(200.0));
                    assert_eq!(a("balance at most"), number(100.0));
                    assert_eq!(a("balance at exactly"), number(100.0));
                    assert_eq!(a("runs of deposit at least"), number(2.0));
                    assert_eq!(a("runs of deposit at most"), number(1.0));
                    assert_eq!(a("runs of deposit at exactly"), number(1.0));
                    assert_eq!(a("runs of balance at exactly"), number(1.0));
                    assert_eq!(
                        a("request bytes of client3"),
                        text("00 00 00 02 | 00 00 00 03"),
                        "request 2, balance, no arguments"
                    );
                    let none = a("little-endian bytes of client3").unwrap_err();
                    assert!(none.contains("no arguments"));
                    assert!(
                        a("argument bytes of client3").is_err(),
                        "balance() has none"
                    );
                }
                _ => {}
            }
        });
        assert!(ended, "the run ends at tick 5");
    }

    // The runs counted from the events are the executions the kernel's port counted, at every
    // step of both bundled RPC scenarios.
    #[test]
    fn runs_agree_with_the_kernel_at_every_step() {
        for id in ["ipc/rpc-lost-reply", "ipc/rpc-marshalling"] {
            let mut compared = 0;
            at_each_step(id, |m, w| {
                for (o, spec) in m.kernel.workload().objects().iter().enumerate() {
                    if let Some(Object::RpcPort(p)) = m.kernel.objects().get(o) {
                        let counted = answer(&format!("runs at {}", spec.name), m, w);
                        assert_eq!(counted, number(f64::from(p.executed)), "{id}");
                        compared += 1;
                    }
                }
            });
            assert!(compared > 0, "{id} has a port");
        }
    }

    // ipc/rpc-marshalling: add(258, -2) at tick 2, 258 = 0x102 most significant byte first on
    // the wire, least significant first in an x86's memory; -2 in two's complement.
    #[test]
    fn marshalled_bytes_and_results_of_add_and_time() {
        let mut checked = Vec::new();
        at_each_step("ipc/rpc-marshalling", |m, w| {
            let a = |t: &str| answer(t, m, w);
            checked.push(m.kernel.now());
            match m.kernel.now() {
                2 => {
                    assert_eq!(
                        a("request bytes of client"),
                        text("00 00 00 01 | 00 00 00 01 | 00 00 01 02 | ff ff ff fe")
                    );
                    assert_eq!(
                        a("argument bytes of client"),
                        text("00 00 01 02 | ff ff ff fe")
                    );
                    assert_eq!(
                        a("little-endian bytes of client"),
                        text("02 01 00 00 | fe ff ff ff")
                    );
                    assert!(a("result of client").is_err(), "still waiting");
                }
                4 => assert_eq!(a("result of add by client"), text("256")),
                6 => {
                    assert_eq!(
                        a("result of client"),
                        text("5"),
                        "time() as the server ran it"
                    );
                    assert_eq!(a("result of add by client"), text("256"));
                    assert_eq!(a("balance at math"), number(0.0));
                }
                _ => {}
            }
        });
        assert!([2, 4, 6].iter().all(|t| checked.contains(t)), "{checked:?}");
    }
}
