//! Where a lesson step moves the simulation: `go = "time 7"`, `"3 steps"`, `"until kid is
//! zombie"`, … A small language, parsed once when the lesson is loaded and resolved to a step
//! of the run, so an unreachable step is an error in the file, not a surprise in class.

use super::words::{self, Words};
use crate::kernel::event::Event;
use crate::kernel::{Kernel, Tick};

/// A move of the simulation.
#[derive(Clone, Debug, PartialEq)]
pub enum Go {
    /// Stay where the previous step left it.
    Stay,
    /// Back to the start (step 0).
    Start,
    /// To the end of the run.
    End,
    /// Forward this many steps.
    Steps(u64),
    /// To the state at this time: the last step at or before it.
    Time(Tick),
    /// Forward to the first later step where the condition holds.
    Until(Condition),
}

/// Something that becomes true at some step.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// The process is in that state.
    Is(String, words::StateWord),
    /// The process has exited (zombie or terminated).
    Exits(String),
    /// The process exists.
    Exists(String),
    /// Nobody is in the ready queue.
    ReadyEmpty,
    /// A context switch starts.
    Switch,
    /// The object (ring, pipe or FIFO) holds no data.
    Empty(String),
    /// The ring has no free slot.
    Full(String),
}

/// The forms `go` accepts, for hints.
pub const FORMS: &str = "start, end, next, N steps, time T, until NAME is STATE, \
until NAME exits, until NAME exists, until NAME runs, until the ready queue is empty, \
until a context switch, until OBJECT is full, until OBJECT is empty";

impl Go {
    /// Parses `go`; names are checked against `words`.
    pub fn parse(text: &str, words: &Words) -> Result<Go, String> {
        let t = words::tokens(text);
        let t: Vec<&str> = t.iter().map(String::as_str).collect();
        Ok(match t.as_slice() {
            [] => Go::Stay,
            ["start"] => Go::Start,
            ["end"] => Go::End,
            ["next"] | ["next", "step"] => Go::Steps(1),
            [n, "step" | "steps"] => Go::Steps(words::number(n)?),
            ["time", t] | ["t", t] => Go::Time(words::number(t)?),
            ["until", rest @ ..] => Go::Until(Condition::parse(rest, words)?),
            _ => return Err(format!("`{text}` is not a move I know")),
        })
    }
}

impl Condition {
    fn parse(t: &[&str], words: &Words) -> Result<Condition, String> {
        // "the" and "a" may be left out, but a process may also be called `a`: the words as
        // written are tried first.
        Condition::parse_words(t, words).or_else(|first| {
            let short: Vec<&str> = t
                .iter()
                .copied()
                .filter(|w| !matches!(*w, "the" | "a"))
                .collect();
            if short.len() == t.len() {
                return Err(first);
            }
            Condition::parse_words(&short, words).map_err(|_| first)
        })
    }

    fn parse_words(t: &[&str], words: &Words) -> Result<Condition, String> {
        Ok(match t {
            ["ready", "queue", "is", "empty"] => Condition::ReadyEmpty,
            ["context", "switch"] | ["switch"] => Condition::Switch,
            [name, "exits"] => Condition::Exits(words.process(name)?),
            [name, "exists" | "arrives" | "is", "created"] | [name, "exists" | "arrives"] => {
                Condition::Exists(words.process(name)?)
            }
            [name, "runs"] => Condition::Is(words.process(name)?, words::StateWord::Running),
            [name, "is", "full"] if words.is_object(name) => Condition::Full(words.object(name)?),
            [name, "is", "empty"] if words.is_object(name) => Condition::Empty(words.object(name)?),
            [name, "is", state @ ..] => Condition::Is(
                words.process(name)?,
                words::StateWord::parse(&state.join(" "))?,
            ),
            _ => return Err(format!("`until {}` is not a condition I know", t.join(" "))),
        })
    }

    /// True once the kernel, after a step that reported `events`, satisfies the condition.
    pub fn holds(&self, kernel: &Kernel, events: &[Event]) -> bool {
        match self {
            Condition::Is(name, state) => {
                words::find(kernel, name).is_some_and(|p| state.matches(&p.state))
            }
            Condition::Exits(name) => {
                words::find(kernel, name).is_some_and(|p| p.state.is_finished())
            }
            // A reaped process is gone, though the kernel keeps its PCB for the report.
            Condition::Exists(name) => words::find(kernel, name)
                .is_some_and(|p| p.state != crate::kernel::State::Terminated),
            Condition::ReadyEmpty => kernel.ready_queue().is_empty(),
            Condition::Switch => events.iter().any(|e| matches!(e, Event::Switch(_))),
            Condition::Empty(object) => {
                words::object_fill(kernel, object).is_some_and(|f| f.0 == 0)
            }
            Condition::Full(object) => {
                words::object_fill(kernel, object).is_some_and(|(used, room)| used > 0 && room == 0)
            }
        }
    }
}
