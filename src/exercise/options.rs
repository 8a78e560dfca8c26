//! The parameters of a generated exercise, as the command line (`--jobs 5`) or an exercise
//! file's `[generate]` table (`jobs = 5`) gives them, checked per kind into typed parameters.

use super::Kind;
use super::workload::{Machine, policy, uses_quantum};
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
}

impl Params {
    /// The kind these parameters generate.
    pub fn kind(&self) -> Kind {
        match self {
            Params::Sched(_) => Kind::Sched,
            Params::States(_) => Kind::States,
            Params::Fork(_) => Kind::Fork,
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

impl Options {
    /// The first given option that `kind` does not use, if any.
    fn unused(&self, kind: Kind, ostep: bool) -> Option<(&'static str, Range<usize>)> {
        let span = |v: &Option<Spanned<i64>>| v.as_ref().map(Spanned::span);
        let given: [(&'static str, Option<Range<usize>>); 10] = [
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
        let scheduler = match &self.policy {
            Some(p) => policy(p.get_ref()).map_err(|hint| OptionError {
                key: "policy",
                span: p.span(),
                message: format!("policy = {:?} is unknown", p.get_ref()),
                hint,
            })?,
            None if kind == Kind::States => "rr",
            None => "fcfs",
        };
        let quantum_default = if ostep { 1 } else { 2 };
        let quantum = number(&self.quantum, "quantum", quantum_default, (1, 100))?;
        let context_switch = number(&self.context_switch, "context_switch", 0, (0, 10))?;
        let machine = Machine::new(scheduler, quantum, context_switch);
        debug_assert_eq!(machine.quantum.is_some(), uses_quantum(scheduler));
        let max_jobs = if kind == Kind::States { 6 } else { 26 };
        let jobs_default = if ostep || kind == Kind::States { 3 } else { 4 };
        let jobs = number(&self.jobs, "jobs", jobs_default, (1, max_jobs))?;
        let (len_default, len_max) = match (kind, ostep) {
            (Kind::States, _) => (4, 20),
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
        let max_arrival_default = if kind == Kind::States { 4 } else { 0 };
        let max_arrival = number(
            &self.max_arrival,
            "max_arrival",
            max_arrival_default,
            (0, 1000),
        )?;
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
}
