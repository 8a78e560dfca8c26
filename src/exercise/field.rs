//! The answers an exercise can ask for, each named by a key such as `P2.waiting`,
//! `average.waiting`, `makespan` or `output.A`. The same key names the question in an
//! exercise's `ask` list and the answer in a student's answers file (`[P2] waiting = 6`).

use super::Kind;
use std::fmt;

/// A figure asked about one process.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum ProcessField {
    /// When it finished.
    Finish,
    /// Finish − arrival.
    Turnaround,
    /// Ticks spent ready (or held in the job queue).
    Waiting,
    /// First run − arrival.
    Response,
    /// The states it enters, in order, with the time of each.
    States,
    /// What each of its receives gets: a message, or none.
    Received,
    /// What each of its sends comes to: the message goes, or the try-send fails.
    Sent,
    /// Each time it blocks in a send or a receive: when, and when it is woken.
    Blocked,
}

impl ProcessField {
    /// The figures of a scheduling answer, in the order the tables show them.
    pub const TIMES: [ProcessField; 4] = [
        ProcessField::Finish,
        ProcessField::Turnaround,
        ProcessField::Waiting,
        ProcessField::Response,
    ];

    /// The key in files.
    pub fn key(self) -> &'static str {
        match self {
            ProcessField::Finish => "finish",
            ProcessField::Turnaround => "turnaround",
            ProcessField::Waiting => "waiting",
            ProcessField::Response => "response",
            ProcessField::States => "states",
            ProcessField::Received => "received",
            ProcessField::Sent => "sent",
            ProcessField::Blocked => "blocked",
        }
    }

    /// True for the answers of messages exercises (`received`, `sent`, `blocked`).
    pub fn is_message(self) -> bool {
        matches!(
            self,
            ProcessField::Received | ProcessField::Sent | ProcessField::Blocked
        )
    }

    /// True if the answer is a list of strings rather than a number.
    pub fn is_list(self) -> bool {
        self == ProcessField::States || self.is_message()
    }
}

/// An average over all processes.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum AverageField {
    /// Mean turnaround.
    Turnaround,
    /// Mean waiting time.
    Waiting,
    /// Mean response time.
    Response,
}

impl AverageField {
    /// All of them, in table order.
    pub const ALL: [AverageField; 3] = [
        AverageField::Turnaround,
        AverageField::Waiting,
        AverageField::Response,
    ];

    /// The key in files.
    pub fn key(self) -> &'static str {
        match self {
            AverageField::Turnaround => "turnaround",
            AverageField::Waiting => "waiting",
            AverageField::Response => "response",
        }
    }

    /// The per-process figure it averages.
    pub fn of(self) -> ProcessField {
        match self {
            AverageField::Turnaround => ProcessField::Turnaround,
            AverageField::Waiting => ProcessField::Waiting,
            AverageField::Response => ProcessField::Response,
        }
    }
}

/// One answer an exercise can ask for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// A figure of one process, by name.
    Process(String, ProcessField),
    /// An average over the processes.
    Average(AverageField),
    /// When the last process finished.
    Makespan,
    /// How many context switches the run makes.
    ContextSwitches,
    /// Fork: how many processes run the program, the first one included.
    Processes,
    /// Fork: how many lines are printed in all.
    Lines,
    /// Fork: how many different outputs (orders of the lines) are possible.
    Orders,
    /// Fork: how many times this line is printed.
    Output(String),
}

/// The table of the answers file for averages.
pub const AVERAGE: &str = "average";
/// The table of the answers file for the fork program's lines.
pub const OUTPUT: &str = "output";

/// Keys that cannot be process names, because they are tables or fields of the answers file.
pub const RESERVED: [&str; 9] = [
    AVERAGE,
    OUTPUT,
    "makespan",
    "context_switches",
    "processes",
    "lines",
    "orders",
    "exercise",
    "seed",
];

impl Field {
    /// Where the answer goes in an answers file: its table (if any) and its key.
    pub fn place(&self) -> (Option<&str>, &str) {
        match self {
            Field::Process(name, f) => (Some(name), f.key()),
            Field::Average(a) => (Some(AVERAGE), a.key()),
            Field::Makespan => (None, "makespan"),
            Field::ContextSwitches => (None, "context_switches"),
            Field::Processes => (None, "processes"),
            Field::Lines => (None, "lines"),
            Field::Orders => (None, "orders"),
            Field::Output(line) => (Some(OUTPUT), line),
        }
    }

    /// What the field asks, in words: "P2 waiting", "average waiting", "times \"A\" is printed".
    pub fn label(&self) -> String {
        match self {
            Field::Process(name, f) => format!("{name} {}", f.key()),
            Field::Average(a) => format!("average {}", a.key()),
            Field::Makespan => "makespan".into(),
            Field::ContextSwitches => "context switches".into(),
            Field::Processes => "number of processes".into(),
            Field::Lines => "number of lines printed".into(),
            Field::Orders => "number of possible outputs".into(),
            Field::Output(line) => format!("times {line:?} is printed"),
        }
    }

    /// True if the answer is an average, compared with a tolerance.
    pub fn is_average(&self) -> bool {
        matches!(self, Field::Average(_))
    }

    /// True if the answer is a list of strings (`states`, `received`, `sent`, `blocked`).
    pub fn is_list(&self) -> bool {
        matches!(self, Field::Process(_, f) if f.is_list())
    }

    /// Every field an exercise of `kind` could ask, given its process names (scheduling,
    /// states and messages) or its printed lines (fork). For messages, every process has
    /// `sent` and `received` here; the exercise keeps those its programs make sense of.
    pub fn all(kind: Kind, processes: &[&str], lines: &[&str]) -> Vec<Field> {
        let mut out = Vec::new();
        match kind {
            Kind::Sched | Kind::States | Kind::Messages => {
                for name in processes {
                    if kind == Kind::States {
                        out.push(Field::Process(name.to_string(), ProcessField::States));
                    }
                    if kind == Kind::Messages {
                        for f in [
                            ProcessField::Sent,
                            ProcessField::Received,
                            ProcessField::Blocked,
                        ] {
                            out.push(Field::Process(name.to_string(), f));
                        }
                    }
                    for f in ProcessField::TIMES {
                        out.push(Field::Process(name.to_string(), f));
                    }
                }
                out.extend(AverageField::ALL.map(Field::Average));
                out.extend([Field::Makespan, Field::ContextSwitches]);
            }
            Kind::Fork => {
                out.extend([Field::Processes, Field::Lines, Field::Orders]);
                out.extend(lines.iter().map(|l| Field::Output(l.to_string())));
            }
        }
        out
    }
}

impl fmt::Display for Field {
    /// The key as an `ask` list writes it: `P2.waiting`, `average.waiting`, `makespan`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.place() {
            (Some(table), key) => write!(f, "{table}.{key}"),
            (None, key) => f.write_str(key),
        }
    }
}

/// The field an `ask` entry names among `fields`, or the closest key as a hint.
pub fn find<'a>(fields: &'a [Field], written: &str) -> Result<&'a Field, Option<String>> {
    if let Some(f) = fields.iter().find(|f| f.to_string() == written) {
        return Ok(f);
    }
    let keys: Vec<String> = fields.iter().map(Field::to_string).collect();
    Err(
        crate::scenario::error::did_you_mean(written, keys.iter().map(String::as_str))
            .map(str::to_string),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_through_find() {
        let fields = Field::all(Kind::Sched, &["P1", "P2"], &[]);
        assert_eq!(
            find(&fields, "P2.waiting"),
            Ok(&Field::Process("P2".into(), ProcessField::Waiting))
        );
        assert_eq!(
            find(&fields, "average.waiting"),
            Ok(&Field::Average(AverageField::Waiting))
        );
        assert_eq!(find(&fields, "P2.wating"), Err(Some("P2.waiting".into())));
        assert!(find(&fields, "P1.states").is_err(), "only states exercises");
        let fork = Field::all(Kind::Fork, &[], &["hello world"]);
        assert_eq!(
            find(&fork, "output.hello world"),
            Ok(&Field::Output("hello world".into()))
        );
    }
}
