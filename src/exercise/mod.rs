//! Classroom exercises: problems generated from a seed or pinned in files under `exercises/`,
//! their worked answers — computed by the simulated kernel (scheduling, states, messages) or by
//! a pure interpreter (fork), never typed in — and the grading of a student's answers file.
//!
//! The public API, for the command line, `proclab dev check` and tests:
//! - [`Exercise::generate`] a problem from [`Params`] and a seed; [`Exercise::solve`] it;
//! - [`Pinned::load`] an exercise file (parsed and checked, every asked answer computable),
//!   [`Pinned::solve`] it, [`list_dir`] a folder of them, [`find`] one by path or id;
//! - [`Answers::load`] a student's answers file and [`grade()`] it.
//!
//! The formats are documented in `docs/exercise-format.md`. Everything here is pure except the
//! functions that load files.

#![forbid(unsafe_code)]

pub mod answers;
pub mod error;
pub mod expected;
pub mod field;
pub mod fork;
pub mod grade;
pub mod json;
pub mod messages;
pub mod options;
pub mod pinned;
pub mod sched;
pub mod states;
mod text;
pub mod workload;

pub use answers::Answers;
pub use error::ExerciseError;
pub use field::Field;
pub use fork::{ForkProgram, ForkSolution};
pub use grade::{Grade, grade};
pub use options::{Options, Params};
pub use pinned::{Pinned, find, list_dir};
pub use workload::{RunSolution, Workload};

use std::fmt;

/// A fork exercise asks how many outputs are possible only when there are at most this many,
/// few enough to list by hand.
pub const ORDERS_BY_HAND: usize = 12;

/// The kinds of exercise.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Scheduling: finish, turnaround, waiting and response times under a policy.
    Sched,
    /// A fork program: processes, tree, output and its possible orders.
    Fork,
    /// Process states: the states each process goes through, with times.
    States,
    /// Message passing: what each receive gets, and when each process blocks.
    Messages,
}

impl Kind {
    /// Every kind, in the order the documentation lists them.
    pub const ALL: [Kind; 4] = [Kind::Sched, Kind::Fork, Kind::States, Kind::Messages];

    /// Its name on the command line and in files.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Sched => "sched",
            Kind::Fork => "fork",
            Kind::States => "states",
            Kind::Messages => "messages",
        }
    }

    /// The kind called `name`.
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The generator options the kind takes, as files write them.
    pub fn option_keys(self) -> &'static [&'static str] {
        match self {
            Kind::Sched => &[
                "policy",
                "jobs",
                "minlen",
                "maxlen",
                "quantum",
                "context_switch",
                "max_arrival",
                "ostep",
            ],
            Kind::States => &[
                "policy",
                "jobs",
                "minlen",
                "maxlen",
                "quantum",
                "context_switch",
                "max_arrival",
                "max_io",
            ],
            Kind::Fork => &["forks"],
            Kind::Messages => &[
                "policy",
                "jobs",
                "minlen",
                "maxlen",
                "quantum",
                "max_arrival",
                "capacity",
            ],
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What the student is given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Jobs with one CPU burst each, and a scheduler.
    Sched(Workload),
    /// Jobs with CPU and I/O bursts, and a scheduler.
    States(Workload),
    /// A fork program.
    Fork(ForkProgram),
    /// Processes that compute and pass messages through mailboxes, and a scheduler.
    Messages(Workload),
}

/// A problem ready to show, solve and grade: generated, or read from an exercise file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exercise {
    /// The pinned exercise's id; `None` for a generated one.
    pub id: Option<String>,
    /// One-line title.
    pub title: String,
    /// What the exercise is about, shown above the problem (may be empty).
    pub description: String,
    /// The seed the problem was drawn from; `None` for a workload written out in a file.
    pub seed: Option<u64>,
    /// The problem.
    pub problem: Problem,
    /// The answers asked for; empty means the kind's usual questions.
    pub ask: Vec<Field>,
}

/// The worked answers of an exercise.
#[derive(Clone, Debug)]
pub enum Solution {
    /// A run of the simulated kernel (scheduling, states and messages).
    Run(Box<RunSolution>),
    /// The fork program's interpretation.
    Fork(ForkSolution),
}

impl Exercise {
    /// The problem that `params` and `seed` give, with the kind's usual questions.
    pub fn generate(params: &Params, seed: u64) -> Exercise {
        let (title, problem) = match params {
            // The title names the scheduler.py command that gives the same jobs.
            Params::Sched(p) if p.ostep => (
                format!("OSTEP {}", sched::ostep_command(seed, p)),
                Problem::Sched(sched::generate(seed, p)),
            ),
            Params::Sched(p) => (
                format!("Scheduling exercise, seed {seed}"),
                Problem::Sched(sched::generate(seed, p)),
            ),
            Params::States(p) => (
                format!("Process states exercise, seed {seed}"),
                Problem::States(states::generate(seed, p)),
            ),
            Params::Fork(p) => (
                format!("fork() exercise, seed {seed}"),
                Problem::Fork(ForkProgram::generated(seed, p.forks)),
            ),
            Params::Messages(p) => (
                format!("Message passing exercise, seed {seed}"),
                Problem::Messages(messages::generate(seed, p)),
            ),
        };
        Exercise {
            id: None,
            title,
            description: String::new(),
            seed: Some(seed),
            problem,
            ask: Vec::new(),
        }
    }

    /// Its kind.
    pub fn kind(&self) -> Kind {
        match self.problem {
            Problem::Sched(_) => Kind::Sched,
            Problem::States(_) => Kind::States,
            Problem::Fork(_) => Kind::Fork,
            Problem::Messages(_) => Kind::Messages,
        }
    }

    /// The workload, for scheduling, states and messages exercises.
    pub fn workload(&self) -> Option<&Workload> {
        match &self.problem {
            Problem::Sched(w) | Problem::States(w) | Problem::Messages(w) => Some(w),
            Problem::Fork(_) => None,
        }
    }

    /// Every answer this exercise could ask for.
    pub fn fields(&self) -> Vec<Field> {
        match &self.problem {
            Problem::Sched(w) | Problem::States(w) => {
                let names: Vec<&str> = w.jobs.iter().map(|j| j.name.as_str()).collect();
                Field::all(self.kind(), &names, &[])
            }
            Problem::Messages(w) => {
                let names: Vec<&str> = w.jobs.iter().map(|j| j.name.as_str()).collect();
                // Only a process that sends has a `sent` answer, and one that receives a
                // `received`.
                Field::all(Kind::Messages, &names, &[])
                    .into_iter()
                    .filter(|f| match f {
                        Field::Process(name, pf) => w
                            .jobs
                            .iter()
                            .find(|j| &j.name == name)
                            .is_some_and(|j| messages::has_field(j, *pf)),
                        _ => true,
                    })
                    .collect()
            }
            Problem::Fork(p) => {
                let lines: Vec<&str> = p.run.lines.iter().map(String::as_str).collect();
                Field::all(Kind::Fork, &[], &lines)
            }
        }
    }

    /// The answers asked for: the `ask` list, or the kind's usual questions — every time of
    /// every job and the averages (sched), every process's states (states), the number of
    /// processes, how often each line is printed and, when there are at most
    /// [`ORDERS_BY_HAND`], how many outputs are possible (fork), what every process's sends
    /// and receives come to and when it blocks (messages).
    pub fn asked(&self) -> Vec<Field> {
        if !self.ask.is_empty() {
            return self.ask.clone();
        }
        let few_orders = match &self.problem {
            Problem::Fork(p) => p
                .orders
                .outputs
                .as_ref()
                .is_some_and(|o| o.len() <= ORDERS_BY_HAND),
            _ => false,
        };
        self.fields()
            .into_iter()
            .filter(|f| match (self.kind(), f) {
                (Kind::Sched, Field::Process(..) | Field::Average(_)) => true,
                (Kind::States, Field::Process(_, field::ProcessField::States)) => true,
                (Kind::Messages, Field::Process(_, pf)) => pf.is_message(),
                (Kind::Fork, Field::Processes | Field::Output(_)) => true,
                (Kind::Fork, Field::Orders) => few_orders,
                _ => false,
            })
            .collect()
    }

    /// The scenario file that runs this problem on the simulated kernel (for `proclab run`
    /// and `proclab open`).
    pub fn scenario_toml(&self) -> String {
        match &self.problem {
            Problem::Sched(w) | Problem::States(w) | Problem::Messages(w) => {
                w.scenario_toml(&self.title, &self.description, self.seed)
            }
            Problem::Fork(p) => fork::scenario_toml(&p.run, &self.title, &p.source),
        }
    }

    /// Works out every answer.
    pub fn solve(&self) -> Result<Solution, ExerciseError> {
        match &self.problem {
            Problem::Sched(w) | Problem::States(w) | Problem::Messages(w) => {
                Ok(Solution::Run(Box::new(w.run(&self.scenario_toml())?)))
            }
            Problem::Fork(p) => Ok(Solution::Fork(p.solve())),
        }
    }

    /// The problem as text, with its questions.
    pub fn problem_text(&self) -> String {
        text::problem(self)
    }

    /// The worked answer as text.
    pub fn solution_text(&self, solution: &Solution) -> String {
        text::solution(self, solution)
    }
}
