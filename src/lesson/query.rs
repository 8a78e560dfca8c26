//! What a question's answer is computed from: `answer = "average waiting"`, `"state of kid"`,
//! `"running at 7"`, … Parsed when the lesson is loaded and evaluated on the simulation at the
//! step's point, so the answer follows the scenario whenever the scenario changes.

use super::calls::{self, Part, Which};
use super::measure::Measured;
use super::mechanisms::{FACT_FORMS, Property};
use super::rpc::Asked;
use super::words::{self, StateWord, Words};
use crate::kernel::call::CallResult;
use crate::kernel::cpu::Activity;
use crate::kernel::event::Event;
use crate::kernel::{ExitStatus, Kernel, Names, Pid, Tick};
use crate::replay::Timeline;
use crate::report::Report;
use crate::report::gantt::Kind;

/// A computed answer.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum Value {
    /// A figure.
    Number(f64),
    /// A name, a state, a list of names.
    Text(String),
    /// Any of these (a tie in a measured table: each is right).
    OneOf(Vec<String>),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            // Figures are already rounded as the report prints them: the shortest form shows
            // exactly that (76.2, 5.67, 3).
            Value::Number(n) => write!(f, "{n}"),
            Value::Text(t) => f.write_str(t),
            Value::OneOf(all) => match all.split_last() {
                Some((last, [])) => f.write_str(last),
                Some((last, rest)) => write!(f, "{} or {last}", rest.join(", ")),
                None => Ok(()),
            },
        }
    }
}

/// A per-process figure of the whole run, as in the report's table.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Figure {
    /// Arrival time.
    Arrival,
    /// Time of the first run.
    FirstRun,
    /// Time it exited.
    Finish,
    /// Finish − arrival.
    Turnaround,
    /// Ticks in the ready (or job) queue.
    Waiting,
    /// First run − arrival.
    Response,
    /// Ticks on the CPU.
    Cpu,
    /// Times switched onto a CPU.
    Switches,
}

/// The averages of the summary.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Average {
    /// Average waiting time.
    Waiting,
    /// Average turnaround time.
    Turnaround,
    /// Average response time.
    Response,
}

/// What an answer is computed from.
#[derive(Clone, Debug, PartialEq)]
pub enum Query {
    /// The process's state now.
    StateOf(String),
    /// The state the process goes to next.
    NextStateOf(String),
    /// Its parent's name.
    ParentOf(String),
    /// How many live or zombie children it has now.
    ChildrenOf(String),
    /// The program it runs now.
    CommandOf(String),
    /// Its program counter now.
    PcOf(String),
    /// Its exit status.
    ExitStatusOf(String),
    /// Its effective priority now.
    PriorityOf(String),
    /// Memory units it holds while resident.
    MemoryOf(String),
    /// Its pid.
    PidOf(String),
    /// A figure of the whole run.
    Figure(Figure, String),
    /// An average of the whole run.
    Average(Average),
    /// Who runs on CPU 0 now (`idle` if nobody).
    Running,
    /// Who ran on CPU 0 during tick T.
    RunningAt(Tick),
    /// The ready queue now, front first.
    ReadyQueue,
    /// How many are in the ready queue now.
    ReadyCount,
    /// How many are in the job queue (submitted, not admitted) now.
    JobCount,
    /// How many processes exist now (zombies included).
    Processes,
    /// How many zombies there are now.
    Zombies,
    /// How many processes are swapped out now.
    Suspended,
    /// How many processes are admitted now (the degree of multiprogramming).
    Admitted,
    /// The time now.
    Time,
    /// Context switches in the whole run.
    Switches,
    /// Ticks the CPUs spent switching, whole run.
    SwitchOverhead,
    /// CPU utilization of the whole run, in percent.
    Utilization,
    /// When the last process finished.
    Makespan,
    /// Items a ring can hold at most.
    Capacity(String),
    /// Items (ring), bytes (pipe, FIFO), messages (mailbox, link), connections waiting to be
    /// accepted (stream socket) or datagrams (UDP socket) in the object now.
    Fill(String),
    /// A part of what one of the process's calls of one kind returned: (part, which, call,
    /// process).
    Call(Part, Which, &'static str, String),
    /// Read from the table a `bench` step measured (see [`super::measure`]).
    Measured(Measured),
    /// The one mechanism among the choices that a fact holds for.
    Fact(Property),
    /// What the process's most recent call of that kind (`recv`, `accept`, …) returned.
    LastCall(&'static str, String),
    /// The data the process's most recent call of that kind returned (the bytes it read, …).
    LastCallData(&'static str, String),
    /// About remote procedure calls: a call's result, a request's bytes, a server's account.
    Rpc(Asked),
}

/// The forms `answer` accepts, for hints.
pub const FORMS: &str = "state of P, next state of P, parent of P, children of P, command of P, \
pc of P, pid of P, memory of P, exit status of P, priority of P, arrival|first run|finish|turnaround|waiting|response|\
cpu time|switches of P, average waiting|turnaround|response, running, running at T, ready queue, \
ready count, job count, processes, zombies, suspended, admitted, time, switches, switch overhead, \
utilization, makespan, capacity of RING, items in OBJECT, last CALL of P, data of last CALL of P, \
data|error of first|second|third|last CALL of P; about RPC: result of P, result of PROCEDURE by \
P, request bytes of P, argument bytes of P, little-endian bytes of P, balance at PORT, runs at \
PORT, runs of PROCEDURE at PORT; from a `bench` step's table: fastest round trip, slowest round \
trip, lowest|highest median, lowest|highest p99, most|least bandwidth, \
median|p99|bandwidth of MECHANISM; facts: which keeps message boundaries, which is a byte \
stream, which moves data without system calls, which needs its own synchronization, which has \
no name, which must be unlinked, which works across machines";

impl Query {
    /// Parses `answer`; names are checked against `words`.
    pub fn parse(text: &str, words: &Words) -> Result<Query, String> {
        let t = words::tokens(text);
        let t: Vec<&str> = t.iter().map(String::as_str).collect();
        let p = |name: &str| words.process(name);
        if let Some(measured) = Measured::parse(&t) {
            return measured.map(Query::Measured);
        }
        if let Some(asked) = Asked::parse(&t, words) {
            return asked.map(Query::Rpc);
        }
        if let ["which", fact @ ..] = t.as_slice() {
            return Property::parse(fact).map(Query::Fact).ok_or_else(|| {
                format!("`{text}` is not a fact I know; the facts are: {FACT_FORMS}")
            });
        }
        Ok(match t.as_slice() {
            ["state", "of", n] => Query::StateOf(p(n)?),
            ["next", "state", "of", n] => Query::NextStateOf(p(n)?),
            ["parent", "of", n] => Query::ParentOf(p(n)?),
            ["children", "of", n] => Query::ChildrenOf(p(n)?),
            ["command" | "program", "of", n] => Query::CommandOf(p(n)?),
            ["pc" | "program-counter", "of", n] | ["program", "counter", "of", n] => {
                Query::PcOf(p(n)?)
            }
            ["exit", "status", "of", n] => Query::ExitStatusOf(p(n)?),
            ["priority", "of", n] => Query::PriorityOf(p(n)?),
            ["memory", "of", n] => Query::MemoryOf(p(n)?),
            ["pid", "of", n] => Query::PidOf(p(n)?),
            ["arrival", "of", n] => Query::Figure(Figure::Arrival, p(n)?),
            ["first", "run", "of", n] => Query::Figure(Figure::FirstRun, p(n)?),
            ["finish", "of", n] => Query::Figure(Figure::Finish, p(n)?),
            ["turnaround", "of", n] => Query::Figure(Figure::Turnaround, p(n)?),
            ["waiting", "of", n] => Query::Figure(Figure::Waiting, p(n)?),
            ["response", "of", n] => Query::Figure(Figure::Response, p(n)?),
            ["cpu", "time", "of", n] => Query::Figure(Figure::Cpu, p(n)?),
            ["switches", "of", n] => Query::Figure(Figure::Switches, p(n)?),
            ["average", "waiting"] => Query::Average(Average::Waiting),
            ["average", "turnaround"] => Query::Average(Average::Turnaround),
            ["average", "response"] => Query::Average(Average::Response),
            ["running"] => Query::Running,
            ["running", "at", t] => Query::RunningAt(words::number(t)?),
            ["ready", "queue"] => Query::ReadyQueue,
            ["ready", "count"] => Query::ReadyCount,
            ["job", "count"] => Query::JobCount,
            ["processes"] => Query::Processes,
            ["zombies"] => Query::Zombies,
            ["suspended"] => Query::Suspended,
            ["admitted"] => Query::Admitted,
            ["time"] => Query::Time,
            ["switches"] => Query::Switches,
            ["switch", "overhead"] => Query::SwitchOverhead,
            ["utilization"] => Query::Utilization,
            ["makespan"] => Query::Makespan,
            ["capacity", "of", o] => Query::Capacity(words.ring(o)?),
            ["items" | "bytes", "in", o] => Query::Fill(words.object(o)?),
            ["last", call, "of", n] => Query::LastCall(words::call(call)?, p(n)?),
            // A Unix call's last data; Win32 functions and first|second|third go below.
            ["data", "of", "last", call, "of", n] if words::call(call).is_ok() => {
                Query::LastCallData(words::call(call)?, p(n)?)
            }
            [part @ ("data" | "error"), "of", which, c, "of", n]
                if Which::parse(which).is_some() =>
            {
                let part = if *part == "data" {
                    Part::Data
                } else {
                    Part::Error
                };
                let which = Which::parse(which).unwrap_or(Which::Last);
                Query::Call(part, which, calls::call_name(c)?, p(n)?)
            }
            _ => return Err(format!("`{text}` is not something I can compute")),
        })
    }

    /// True if the answer is one of the state words.
    pub fn is_state(&self) -> bool {
        matches!(self, Query::StateOf(_) | Query::NextStateOf(_))
    }

    /// True if the answer names an IPC mechanism (so `shm` and `shared memory` are the same).
    pub fn is_mechanism(&self) -> bool {
        match self {
            Query::Fact(_) => true,
            Query::Measured(m) => m.is_mechanism(),
            _ => false,
        }
    }

    /// The default tolerance for a numeric answer: half the last decimal shown.
    pub fn tolerance(&self) -> f64 {
        match self {
            Query::Utilization => 0.05,
            Query::Measured(m) => m.tolerance(),
            _ => super::question::TOLERANCE,
        }
    }

    /// True if the answer is a number.
    pub fn is_number(&self) -> bool {
        if let Query::Rpc(asked) = self {
            return asked.is_number();
        }
        !matches!(
            self,
            Query::StateOf(_)
                | Query::NextStateOf(_)
                | Query::ParentOf(_)
                | Query::CommandOf(_)
                | Query::Running
                | Query::RunningAt(_)
                | Query::ReadyQueue
                | Query::LastCallData(..)
                | Query::Call(..)
        ) && !self.is_mechanism()
    }
}

/// The simulation at one step, and the whole run's report, for computing answers.
pub struct Moment<'a> {
    /// The kernel after the step.
    pub kernel: &'a Kernel,
    /// The whole run.
    pub report: &'a Report,
    /// The whole run's timeline.
    pub timeline: &'a Timeline,
    /// The step of the run `kernel` is at.
    pub step: u64,
}

impl Moment<'_> {
    fn process(&self, name: &str) -> Result<&crate::kernel::pcb::Pcb, String> {
        words::find(self.kernel, name)
            .ok_or_else(|| format!("`{name}` does not exist yet at time {}", self.kernel.now()))
    }

    fn name(&self, pid: Pid) -> String {
        self.timeline.names.process(pid)
    }

    fn row(&self, name: &str) -> Result<&crate::report::recorder::ProcessRow, String> {
        self.report
            .rows
            .iter()
            .find(|r| &*r.name == name)
            .ok_or_else(|| format!("`{name}` never runs in this scenario"))
    }

    /// Computes `query` here; an error says why it has no answer at this point.
    pub fn eval(&self, query: &Query) -> Result<Value, String> {
        let k = self.kernel;
        let num = |n: u64| Ok(Value::Number(n as f64));
        match query {
            Query::StateOf(n) => Ok(Value::Text(
                StateWord::of(&self.process(n)?.state).name().into(),
            )),
            Query::NextStateOf(n) => self.next_state(n),
            Query::ParentOf(n) => Ok(Value::Text(self.name(self.process(n)?.parent))),
            Query::ChildrenOf(n) => num(self.process(n)?.children.len() as u64),
            Query::CommandOf(n) => Ok(Value::Text(self.process(n)?.command.to_string())),
            Query::PcOf(n) => num(u64::from(self.process(n)?.regs.pc)),
            Query::ExitStatusOf(n) => match self.process(n)?.exit_status {
                Some(ExitStatus::Code(c)) => Ok(Value::Number(f64::from(c))),
                // "killed by SIGKILL": reads well after "the answer is".
                Some(killed) => Ok(Value::Text(
                    killed.ending().trim_start_matches("was ").to_string(),
                )),
                None => Err(format!("`{n}` has not exited at time {}", k.now())),
            },
            Query::PriorityOf(n) => Ok(Value::Number(self.process(n)?.priority.effective as f64)),
            Query::MemoryOf(n) => num(u64::from(self.process(n)?.memory.size)),
            Query::PidOf(n) => num(u64::from(self.process(n)?.pid.0)),
            Query::Figure(figure, n) => self.figure(*figure, n),
            Query::Average(a) => {
                let s = &self.report.summary;
                let v = match a {
                    Average::Waiting => s.avg_waiting,
                    Average::Turnaround => s.avg_turnaround,
                    Average::Response => s.avg_response,
                };
                Ok(Value::Number(rounded(v, 2)))
            }
            Query::Running => Ok(Value::Text(match k.cpus().first().map(|c| &c.activity) {
                Some(Activity::Running { pid, .. }) => self.name(*pid),
                Some(Activity::Switching { .. }) => "a context switch".into(),
                _ => "idle".into(),
            })),
            Query::RunningAt(t) => {
                let row = self
                    .timeline
                    .gantt
                    .first()
                    .map(Vec::as_slice)
                    .unwrap_or(&[]);
                let seg = row.iter().find(|s| s.start <= *t && *t < s.end);
                Ok(Value::Text(match seg {
                    Some(s) if s.kind == Kind::Run => self.name(s.pid.unwrap_or(Pid::INIT)),
                    Some(s) if s.kind == Kind::Switch => "a context switch".into(),
                    Some(_) => "idle".into(),
                    None => return Err(format!("the run is over before time {t}")),
                }))
            }
            Query::ReadyQueue => {
                let names: Vec<String> =
                    k.ready_queue().into_iter().map(|p| self.name(p)).collect();
                Ok(Value::Text(if names.is_empty() {
                    "empty".into()
                } else {
                    names.join(", ")
                }))
            }
            Query::ReadyCount => num(k.ready_queue().len() as u64),
            Query::JobCount => num(k.job_queue().len() as u64),
            Query::Processes => num(k
                .processes()
                .filter(|p| p.state != crate::kernel::state::State::Terminated)
                .count() as u64),
            Query::Zombies => num(k
                .processes()
                .filter(|p| StateWord::of(&p.state) == StateWord::Zombie)
                .count() as u64),
            Query::Suspended => num(k
                .processes()
                .filter(|p| StateWord::of(&p.state) == StateWord::Suspended)
                .count() as u64),
            Query::Admitted => num(u64::from(k.admitted())),
            Query::Time => num(k.now()),
            Query::Switches => num(self.report.summary.context_switches),
            Query::SwitchOverhead => num(self.report.summary.switch_overhead),
            // As the report prints it: a percentage with one decimal.
            Query::Utilization => Ok(Value::Number(rounded(
                self.report.summary.cpu_utilization * 100.0,
                1,
            ))),
            Query::Makespan => num(self.report.summary.makespan),
            Query::Capacity(o) => {
                let fill = words::object_fill(k, o)
                    .ok_or_else(|| format!("`{o}` is not created yet at time {}", k.now()))?;
                num(fill.0 + fill.1)
            }
            Query::Fill(o) => {
                let fill = words::object_fill(k, o)
                    .ok_or_else(|| format!("`{o}` is not created yet at time {}", k.now()))?;
                num(fill.0)
            }
            Query::Rpc(asked) => asked.eval(self),
            Query::Call(part, which, call, n) => {
                let pid = self.process(n)?.pid;
                match calls::result(self.timeline, self.step, pid, call, *which)? {
                    Some(result) => calls::part_of(&result, *part).map(Value::Text),
                    None => Err(format!("`{n}` is still blocked in that {call}")),
                }
            }
            // Not from the simulation: see `measure::eval` and `measure::fact`.
            Query::Measured(_) | Query::Fact(_) => {
                Err("it comes from a measurement or a fact, not from the simulation".into())
            }
            Query::LastCall(call, n) => Ok(Value::Number(self.last_call(call, n)?.ret as f64)),
            Query::LastCallData(call, n) => match self.last_call(call, n)?.data {
                Some(data) if !data.is_empty() => Ok(Value::Text(data.to_string())),
                _ => Err(format!("`{n}`'s last `{call}` returned no data")),
            },
        }
    }

    /// What `name`'s most recent `call` returned by now (found as `calls::result` finds any
    /// call: by stepping the run again from its start, as the timeline keeps no events).
    fn last_call(&self, call: &'static str, name: &str) -> Result<CallResult, String> {
        let pid = self.process(name)?.pid;
        let now = self.kernel.now();
        match super::calls::result(
            self.timeline,
            self.step,
            pid,
            call,
            super::calls::Which::Last,
        ) {
            Ok(Some(result)) => Ok(result),
            Ok(None) => Err(format!(
                "`{name}`'s last `{call}` has not returned by time {now}"
            )),
            Err(_) => Err(format!("`{name}` has made no `{call}` call by time {now}")),
        }
    }

    fn figure(&self, figure: Figure, name: &str) -> Result<Value, String> {
        let r = self.row(name)?;
        let unfinished = || format!("`{name}` never finishes in this scenario");
        let v = match figure {
            Figure::Arrival => r.arrival,
            Figure::FirstRun => r.first_run.ok_or_else(|| format!("`{name}` never runs"))?,
            Figure::Finish => r.finish.ok_or_else(unfinished)?,
            Figure::Turnaround => r.turnaround.ok_or_else(unfinished)?,
            Figure::Waiting => r.waiting,
            Figure::Response => r.response.ok_or_else(|| format!("`{name}` never runs"))?,
            Figure::Cpu => r.cpu_time,
            Figure::Switches => u64::from(r.context_switches),
        };
        Ok(Value::Number(v as f64))
    }

    /// Steps a copy of the kernel until the process changes state.
    fn next_state(&self, name: &str) -> Result<Value, String> {
        let pid = self.process(name)?.pid;
        let mut kernel = self.kernel.clone();
        let mut events = Vec::new();
        loop {
            events.clear();
            if kernel.step(&mut events).is_none() {
                return Err(format!("`{name}` does not change state again"));
            }
            for e in &events {
                if let Event::Transition(t) = e
                    && t.pid == pid
                    && StateWord::of(&t.to) != t.from.as_ref().map_or(StateWord::New, StateWord::of)
                {
                    return Ok(Value::Text(StateWord::of(&t.to).name().into()));
                }
            }
        }
    }
}

/// `v` as the report prints it with `decimals` decimals (so an answer never differs from the
/// figure on screen by a rounding).
fn rounded(v: f64, decimals: usize) -> f64 {
    format!("{v:.decimals$}").parse().unwrap_or(v)
}
