//! The parameters of a generated exercise, as the command line (`--jobs 5`) or an exercise
//! file's `[generate]` table (`jobs = 5`) gives them, checked per kind into typed parameters.

use super::Kind;
use super::workload::{Machine, policy, uses_quantum};
use crate::kernel::message::Capacity;
use serde::Deserialize;
use std::ops::Range;
use toml::Spanned;

/// Generator parameters, each optional; a missing one takes its kind's default.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Options {
    /// Scheduling policy (`fcfs`/`fifo`, `sjf`, `srtf`, `rr`, …), in any case.
    pub policy: Option<Spanned<String>>,
    /// Number of jobs.
    pub jobs: Option<Spanned<i64>>,
    /// Shortest CPU burst.
    pub minlen: Option<Spanned<i64>>,
    /// Longest CPU burst.
    pub maxlen: Option<Spanned<i64>>,
    /// Time quantum (for the policies that have one).
    pub quantum: Option<Spanned<i64>>,
    /// Ticks a context switch costs.
    pub context_switch: Option<Spanned<i64>>,
    /// Latest arrival time.
    pub max_arrival: Option<Spanned<i64>>,
    /// Longest I/O (states).
    pub max_io: Option<Spanned<i64>>,
    /// Number of fork calls in the program (fork).
    pub forks: Option<Spanned<i64>>,
    /// Reproduce OSTEP's `scheduler.py` (sched).
    pub ostep: Option<Spanned<bool>>,
    /// The mailbox's capacity (messages): a number of messages, or `"unbounded"`.
    pub capacity: Option<Spanned<toml::Value>>,
}

/// A parameter that is out of range or does not apply, with its key and position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionError {
    /// The key as a file writes it (`max_arrival`); the command line says `--max-arrival`.
    pub key: &'static str,
    /// Where it is in the file (empty for the command line).
    pub span: Range<usize>,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub hint: String,
}

/// A scheduling exercise's parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchedParams {
    /// The scheduler.
    pub machine: Machine,
    /// Number of jobs.
    pub jobs: u64,
    /// Shortest burst.
    pub minlen: u64,
    /// Longest burst.
    pub maxlen: u64,
    /// Latest arrival.
    pub max_arrival: u64,
    /// Jobs drawn as OSTEP's `scheduler.py` draws them.
    pub ostep: bool,
}

/// A states exercise's parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatesParams {
    /// The scheduler.
    pub machine: Machine,
    /// Number of jobs.
    pub jobs: u64,
    /// Shortest CPU burst.
    pub minlen: u64,
    /// Longest CPU burst.
    pub maxlen: u64,
    /// Latest arrival.
    pub max_arrival: u64,
    /// Longest I/O.
    pub max_io: u64,
}

/// A messages exercise's parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessagesParams {
    /// The scheduler.
    pub machine: Machine,
    /// Number of processes.
    pub jobs: u64,
    /// Shortest CPU step.
    pub minlen: u64,
    /// Longest CPU step.
    pub maxlen: u64,
    /// Latest arrival of the processes after the first, which arrives at 0.
    pub max_arrival: u64,
    /// The mailbox's capacity; `None`: drawn from the seed.
    pub capacity: Option<Capacity>,
}

/// The largest bounded capacity a generated mailbox may have: a few messages, to follow by hand.
pub const MAX_EXERCISE_CAPACITY: u32 = 10;

/// A fork exercise's parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForkParams {
    /// Number of `fork()` calls written in the program.
    pub forks: u64,
}

/// Checked parameters of one kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Params {
    /// `sched`.
    Sched(SchedParams),
    /// `states`.
    States(StatesParams),
    /// `fork`.
    Fork(ForkParams),
    /// `messages`.
    Messages(MessagesParams),
}

impl Params {
    /// The kind these parameters generate.
    pub fn kind(&self) -> Kind {
        match self {
            Params::Sched(_) => Kind::Sched,
            Params::States(_) => Kind::States,
            Params::Fork(_) => Kind::Fork,
            Params::Messages(_) => Kind::Messages,
        }
    }
}

type Result<T> = std::result::Result<T, OptionError>;

fn number(
    v: &Option<Spanned<i64>>,
    key: &'static str,
    default: u64,
    range: (u64, u64),
) -> Result<u64> {
    let Some(v) = v else {
        return Ok(default);
    };
    let n = *v.get_ref();
    if n < range.0 as i64 || n > range.1 as i64 {
        return Err(OptionError {
            key,
            span: v.span(),
            message: format!("{key} = {n} is out of range"),
            hint: format!("use a whole number from {} to {}", range.0, range.1),
        });
    }
    Ok(n as u64)
}

/// The capacity option: a number of messages from 0 (a rendezvous) to
/// [`MAX_EXERCISE_CAPACITY`], or `unbounded`.
fn capacity(v: &Spanned<toml::Value>) -> Result<Capacity> {
    let error = |shown: String| OptionError {
        key: "capacity",
        span: v.span(),
        // No other word of the message may be a key: the command line turns keys into flags.
        message: format!("capacity = {shown} is not a number of messages"),
        hint: format!(
            "use a number of messages from 0 (a rendezvous) to {MAX_EXERCISE_CAPACITY}, or \"unbounded\""
        ),
    };
    match v.get_ref() {
        toml::Value::Integer(n) => match u32::try_from(*n) {
            Ok(n) if n <= MAX_EXERCISE_CAPACITY => Ok(Capacity::of(n)),
            _ => Err(OptionError {
                message: format!("capacity = {n} is out of range"),
                ..error(n.to_string())
            }),
        },
        toml::Value::String(s) if s.eq_ignore_ascii_case("unbounded") => Ok(Capacity::Unbounded),
        other => Err(error(other.to_string())),
    }
}

impl Options {
    /// The first given option that `kind` does not use, if any.
    fn unused(&self, kind: Kind, ostep: bool) -> Option<(&'static str, Range<usize>)> {
        let span = |v: &Option<Spanned<i64>>| v.as_ref().map(Spanned::span);
        let given: [(&'static str, Option<Range<usize>>); 11] = [
            ("policy", self.policy.as_ref().map(Spanned::span)),
            ("jobs", span(&self.jobs)),
            ("minlen", span(&self.minlen)),
            ("maxlen", span(&self.maxlen)),
            ("quantum", span(&self.quantum)),
            ("context_switch", span(&self.context_switch)),
            ("max_arrival", span(&self.max_arrival)),
            ("max_io", span(&self.max_io)),
            ("forks", span(&self.forks)),
            ("ostep", self.ostep.as_ref().map(Spanned::span)),
            ("capacity", self.capacity.as_ref().map(Spanned::span)),
        ];
        // scheduler.py has only -j, -m, -p and -q (and the seed, given apart).
        let uses: &[&str] = if ostep {
            &["policy", "jobs", "maxlen", "quantum", "ostep"]
        } else {
            kind.option_keys()
        };
        given
            .into_iter()
            .find_map(|(key, span)| span.filter(|_| !uses.contains(&key)).map(|s| (key, s)))
    }

    /// Checks the options for `kind` and fills in the defaults.
    pub fn resolve(&self, kind: Kind) -> Result<Params> {
        let ostep = self.ostep.as_ref().is_some_and(|o| *o.get_ref());
        if let Some((key, span)) = self.unused(kind, ostep) {
            let (message, hint) = if ostep {
                (
                    format!("{key} does not go with ostep"),
                    "scheduler.py has no such option; leave out ostep to use it".to_string(),
                )
            } else {
                (
                    format!("{key} does not apply to {kind} exercises"),
                    format!("{kind} exercises take: {}", kind.option_keys().join(", ")),
                )
            };
            return Err(OptionError {
                key,
                span,
                message,
                hint,
            });
        }
        if kind == Kind::Fork {
            let forks = number(&self.forks, "forks", 3, (1, 4))?;
            return Ok(Params::Fork(ForkParams { forks }));
        }
        let capacity = self.capacity.as_ref().map(capacity).transpose()?;
        let scheduler = match &self.policy {
            Some(p) => policy(p.get_ref()).map_err(|hint| OptionError {
                key: "policy",
                span: p.span(),
                message: format!("policy = {:?} is unknown", p.get_ref()),
                hint,
            })?,
            None if kind == Kind::States => "rr",
            None if kind == Kind::Messages => "fcfs",
            None => "fcfs",
        };
        let quantum_default = if ostep { 1 } else { 2 };
        let quantum = number(&self.quantum, "quantum", quantum_default, (1, 100))?;
        let context_switch = number(&self.context_switch, "context_switch", 0, (0, 10))?;
        let machine = Machine::new(scheduler, quantum, context_switch);
        debug_assert_eq!(machine.quantum.is_some(), uses_quantum(scheduler));
        let (min_jobs, max_jobs) = match kind {
            Kind::States => (1, 6),
            // A sender and a receiver at least; few enough to follow every message by hand.
            Kind::Messages => (2, 4),
            _ => (1, 26),
        };
        let jobs_default = if ostep || kind != Kind::Sched { 3 } else { 4 };
        let jobs = number(&self.jobs, "jobs", jobs_default, (min_jobs, max_jobs))?;
        let (len_default, len_max) = match (kind, ostep) {
            (Kind::States, _) => (4, 20),
            (Kind::Messages, _) => (3, 10),
            (_, true) => (10, 1000),
            _ => (10, 100),
        };
        let minlen = number(&self.minlen, "minlen", 1, (1, len_max))?;
        let maxlen = number(&self.maxlen, "maxlen", len_default, (1, len_max))?;
        if maxlen < minlen {
            let at = self.maxlen.as_ref().or(self.minlen.as_ref());
            return Err(OptionError {
                key: if self.maxlen.is_some() {
                    "maxlen"
                } else {
                    "minlen"
                },
                span: at.map_or(0..0, Spanned::span),
                message: format!("maxlen = {maxlen} is less than minlen = {minlen}"),
                hint: "the longest job cannot be shorter than the shortest".into(),
            });
        }
        let (max_arrival_default, arrival_range) = match kind {
            Kind::States => (4, (0, 1000)),
            // The first process arrives alone at 0 and makes the mailbox, so that it exists
            // before anybody else runs; the others arrive from 1.
            Kind::Messages => (3, (1, 20)),
            _ => (0, (0, 1000)),
        };
        let max_arrival = number(
            &self.max_arrival,
            "max_arrival",
            max_arrival_default,
            arrival_range,
        )
        .map_err(|e| match kind {
            Kind::Messages => OptionError {
                hint: format!(
                    "{}: the first process arrives alone at 0 to make the mailbox, the others from 1 on",
                    e.hint
                ),
                ..e
            },
            _ => e,
        })?;
        if kind == Kind::Messages {
            return Ok(Params::Messages(MessagesParams {
                machine,
                jobs,
                minlen,
                maxlen,
                max_arrival,
                capacity,
            }));
        }
        if kind == Kind::States {
            let max_io = number(&self.max_io, "max_io", 5, (1, 100))?;
            return Ok(Params::States(StatesParams {
                machine,
                jobs,
                minlen,
                maxlen,
                max_arrival,
                max_io,
            }));
        }
        Ok(Params::Sched(SchedParams {
            machine,
            jobs,
            minlen,
            maxlen,
            max_arrival,
            ostep,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn given(key: i64) -> Option<Spanned<i64>> {
        Some(Spanned::new(0..0, key))
    }

    #[test]
    fn defaults_follow_the_kind() {
        let sched = Options::default().resolve(Kind::Sched).expect("valid");
        let Params::Sched(s) = sched else {
            panic!("sched")
        };
        assert_eq!((s.jobs, s.minlen, s.maxlen, s.max_arrival), (4, 1, 10, 0));
        assert_eq!(s.machine, Machine::new("fcfs", 2, 0));
        let ostep = Options {
            ostep: Some(Spanned::new(0..0, true)),
            policy: Some(Spanned::new(0..0, "RR".into())),
            ..Options::default()
        };
        let Ok(Params::Sched(o)) = ostep.resolve(Kind::Sched) else {
            panic!("ostep")
        };
        assert_eq!((o.jobs, o.maxlen, o.machine.quantum), (3, 10, Some(1)));
    }

    #[test]
    fn options_of_another_kind_are_refused() {
        let o = Options {
            forks: given(2),
            ..Options::default()
        };
        let e = o.resolve(Kind::Sched).unwrap_err();
        assert_eq!(e.message, "forks does not apply to sched exercises");
        let o = Options {
            ostep: Some(Spanned::new(0..0, true)),
            minlen: given(2),
            ..Options::default()
        };
        assert_eq!(
            o.resolve(Kind::Sched).unwrap_err().message,
            "minlen does not go with ostep"
        );
        let o = Options {
            minlen: given(5),
            maxlen: given(3),
            ..Options::default()
        };
        assert_eq!(o.resolve(Kind::Sched).unwrap_err().key, "maxlen");
    }

    #[test]
    fn a_capacity_is_a_number_of_messages_or_unbounded() {
        let with = |v: toml::Value| Options {
            capacity: Some(Spanned::new(0..0, v)),
            ..Options::default()
        };
        let capacity = |v: toml::Value| match with(v).resolve(Kind::Messages) {
            Ok(Params::Messages(p)) => Ok(p.capacity),
            Ok(other) => panic!("{other:?}"),
            Err(e) => Err(e.message),
        };
        assert_eq!(capacity(toml::Value::Integer(0)), Ok(Some(Capacity::Zero)));
        assert_eq!(
            capacity(toml::Value::Integer(3)),
            Ok(Some(Capacity::Bounded(3)))
        );
        assert_eq!(
            capacity(toml::Value::String("Unbounded".into())),
            Ok(Some(Capacity::Unbounded))
        );
        assert_eq!(
            capacity(toml::Value::Integer(11)),
            Err("capacity = 11 is out of range".into())
        );
        assert_eq!(
            capacity(toml::Value::String("lots".into())),
            Err("capacity = \"lots\" is not a number of messages".into())
        );
        let e = with(toml::Value::Integer(1))
            .resolve(Kind::States)
            .unwrap_err();
        assert_eq!(e.message, "capacity does not apply to states exercises");
        let Ok(Params::Messages(d)) = Options::default().resolve(Kind::Messages) else {
            panic!("defaults")
        };
        assert_eq!(
            (d.jobs, d.maxlen, d.max_arrival, d.capacity),
            (3, 3, 3, None)
        );
        assert_eq!(d.machine, Machine::new("fcfs", 2, 0));
    }
}
