//! `proclab exercise` and `proclab grade`: classroom exercises on the command line. The work is
//! done by [`crate::exercise`]; this module reads the arguments and files, prints, and turns
//! errors into messages with exit code 2.

use super::{EXIT_BAD_INPUT, EXIT_FAILURE, diagnostics, print};
use crate::exercise::{
    self, Answers, Exercise, ExerciseError, Kind, Options, Pinned, field, options::OptionError,
};
use crate::scenario::error::did_you_mean;
use std::path::Path;
use toml::Spanned;

/// Where `proclab exercise ID` and `proclab grade ID …` look for exercise files.
pub const EXERCISES_DIR: &str = "exercises";

pub(super) const EXERCISE_HELP: &str = "\
TARGET is a kind to generate a problem from a seed — sched, fork, states or messages — or an exercise
file (or the id of one in ./exercises/). The same seed and options give the same problem on
every machine and in every version.

Options by kind (defaults in brackets):
  sched   --policy [fcfs] --jobs [4] --minlen [1] --maxlen [10] --quantum [2]
          --context-switch [0] --max-arrival [0]
          --ostep: the jobs of OSTEP's scheduler.py -s SEED -j JOBS -m MAXLEN
          (defaults --jobs 3 --maxlen 10 --policy FIFO --quantum 1)
  states  --policy [rr] --jobs [3] --minlen [1] --maxlen [4] --quantum [2]
          --context-switch [0] --max-arrival [4] --max-io [5]
  fork    --forks [3]
  messages --capacity [drawn: 0, 1, 2, 3 or unbounded] --jobs [3] --minlen [1]
          --maxlen [3] --max-arrival [3] --policy [fcfs] --quantum [2]
Policies: fcfs (or fifo), sjf, srtf, priority, priority-preemptive, rr, mlfq, lottery,
stride, hrrn, in any case.

Examples:
  proclab exercise sched --seed 7 --policy rr --quantum 2 --max-arrival 6
  proclab exercise sched --seed 7 --policy rr --solve
  proclab exercise sched --ostep --seed 1 --jobs 5 --maxlen 100 --policy SJF --solve
  proclab exercise fork --seed 5 --solve
  proclab exercise states --seed 3 --ask P2.states --solve
  proclab exercise messages --seed 4 --capacity 1 --solve
  proclab exercise sched --seed 7 --json
  proclab exercise sched --seed 7 --scenario > mine.toml && proclab open mine.toml
  proclab exercise exercises/fcfs-convoy.toml --solve
  proclab exercise rr-quantum-2 --seed 12         (a variant of a [generate] exercise)";

pub(super) const GRADE_HELP: &str = "\
EXERCISE is an exercise file, or the id of one in ./exercises/. ANSWERS is a TOML file with a
table per process, an [average] table and top-level figures, where the exercise's `ask` puts
them (P2.waiting is `waiting` under [P2]):

  exercise = \"fcfs-convoy\"      # optional: checked against the exercise
  [P2]
  waiting = 24
  [average]
  waiting = 17                  # averages are right within 0.01

  states exercises:  [P1] states = [\"new 0\", \"ready 0\", \"running 2\", …]
  messages exercises: [P2] received = [\"a1\", \"none\"], sent = [\"b1\", \"failed\"],
                     blocked = [\"receive 2 to 5\", \"send 7 forever\"]
  fork exercises:    processes = 8, lines = 7, orders = 3, and [output] A = 2
  a variant of a [generate] exercise: seed = 12 in the file, or --seed 12

Prints each asked field right or wrong (wrong ones with the right answer and why); see
docs/exercise-format.md. Exit code: 0 if every asked field is right, 1 if not, 2 if a file
cannot be used.

Examples:
  proclab grade fcfs-convoy answers.toml
  proclab grade exercises/rr-quantum-2.toml alice.toml --seed 12
  proclab grade fcfs-convoy answers.toml --json";

/// The generator options as the command line gives them.
#[derive(clap::Args, Debug, Default)]
pub(super) struct GenArgs {
    /// Scheduling policy: fcfs (fifo), sjf, srtf, priority, priority-preemptive, rr, mlfq,
    /// lottery, stride, hrrn
    #[arg(long, value_name = "POLICY")]
    policy: Option<String>,
    /// Number of jobs
    #[arg(long, value_name = "N")]
    jobs: Option<u64>,
    /// Shortest CPU burst
    #[arg(long, value_name = "TICKS")]
    minlen: Option<u64>,
    /// Longest CPU burst
    #[arg(long, value_name = "TICKS")]
    maxlen: Option<u64>,
    /// Time quantum (rr, mlfq, lottery, stride)
    #[arg(long, value_name = "TICKS")]
    quantum: Option<u64>,
    /// Ticks a context switch costs
    #[arg(long, value_name = "TICKS")]
    context_switch: Option<u64>,
    /// Latest arrival time (0: all jobs arrive at 0)
    #[arg(long, value_name = "TICK")]
    max_arrival: Option<u64>,
    /// Longest I/O (states)
    #[arg(long, value_name = "TICKS")]
    max_io: Option<u64>,
    /// Number of fork() calls in the program (fork, 1 to 4)
    #[arg(long, value_name = "N")]
    forks: Option<u64>,
    /// The jobs of OSTEP's scheduler.py -s SEED -j JOBS -m MAXLEN (sched)
    #[arg(long)]
    ostep: bool,
    /// The mailbox's capacity: 0 (a rendezvous) to 10 messages, or unbounded (messages;
    /// drawn from the seed if not given)
    #[arg(long, value_name = "N|unbounded")]
    capacity: Option<String>,
}

impl GenArgs {
    fn options(&self) -> Options {
        let n =
            |v: Option<u64>| v.map(|v| Spanned::new(0..0, i64::try_from(v).unwrap_or(i64::MAX)));
        Options {
            policy: self.policy.clone().map(|p| Spanned::new(0..0, p)),
            jobs: n(self.jobs),
            minlen: n(self.minlen),
            maxlen: n(self.maxlen),
            quantum: n(self.quantum),
            context_switch: n(self.context_switch),
            max_arrival: n(self.max_arrival),
            max_io: n(self.max_io),
            forks: n(self.forks),
            ostep: self.ostep.then(|| Spanned::new(0..0, true)),
            capacity: self.capacity.as_deref().map(|c| {
                // A number is a number of messages; anything else is checked as a word.
                let value = c
                    .parse::<i64>()
                    .map_or_else(|_| toml::Value::String(c.to_string()), toml::Value::Integer);
                Spanned::new(0..0, value)
            }),
        }
    }

    /// The first option given, as its flag.
    fn first_given(&self) -> Option<&'static str> {
        let o = self.options();
        [
            ("--policy", o.policy.is_some()),
            ("--jobs", o.jobs.is_some()),
            ("--minlen", o.minlen.is_some()),
            ("--maxlen", o.maxlen.is_some()),
            ("--quantum", o.quantum.is_some()),
            ("--context-switch", o.context_switch.is_some()),
            ("--max-arrival", o.max_arrival.is_some()),
            ("--max-io", o.max_io.is_some()),
            ("--forks", o.forks.is_some()),
            ("--ostep", o.ostep.is_some()),
            ("--capacity", o.capacity.is_some()),
        ]
        .into_iter()
        .find_map(|(flag, given)| given.then_some(flag))
    }
}

/// `proclab exercise`'s arguments.
#[derive(clap::Args, Debug)]
pub(super) struct ExerciseArgs {
    /// sched, fork, states or messages; or an exercise file, or its id in ./exercises/
    target: String,
    /// Seed of the problem (a generated kind, or a variant of a [generate] exercise)
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Add the worked answer
    #[arg(long)]
    solve: bool,
    /// Print the problem and its answers as one JSON document
    #[arg(long, conflicts_with = "scenario")]
    json: bool,
    /// Print the problem as a scenario file for `proclab run` and `proclab open`
    #[arg(long, conflicts_with = "solve")]
    scenario: bool,
    /// Ask only this answer, such as P2.waiting, P1.states or P3.received (repeatable)
    #[arg(long, value_name = "FIELD")]
    ask: Vec<String>,
    #[command(flatten)]
    options: GenArgs,
}

/// `proclab grade`'s arguments.
#[derive(clap::Args, Debug)]
pub(super) struct GradeArgs {
    /// Exercise file, or its id in ./exercises/
    exercise: String,
    /// The student's answers (TOML)
    answers: String,
    /// The variant to grade, for an exercise with a [generate] table
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Print the grade as JSON
    #[arg(long)]
    json: bool,
}

/// What `proclab exercise` prints.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Output {
    /// The problem, and the answer with `solve`.
    Text {
        /// Add the worked answer.
        solve: bool,
    },
    /// Problem and answers as JSON.
    Json,
    /// The problem as a scenario file.
    Scenario,
}

/// Prints an error about an exercise or answers file and returns exit code 2.
pub(super) fn report(error: &ExerciseError) -> i32 {
    match error {
        ExerciseError::Invalid(d) => eprint!("{}", diagnostics::render(d)),
        ExerciseError::Read { path, source } => {
            let hint = if source.kind() == std::io::ErrorKind::NotFound {
                "\n  hint: check the path; an exercise can also be named by its id in ./exercises/"
            } else {
                ""
            };
            eprintln!("error: cannot read {path}: {source}{hint}");
        }
        ExerciseError::NotText { .. } => {
            eprintln!(
                "error: {error}\n  hint: exercise and answers files are TOML text, saved as UTF-8"
            );
        }
        ExerciseError::Usage { message, hint } => {
            eprintln!("error: {message}");
            if let Some(hint) = hint {
                eprintln!("  hint: {hint}");
            }
        }
    }
    EXIT_BAD_INPUT
}

const KEYS: [&str; 11] = [
    "context_switch",
    "max_arrival",
    "max_io",
    "policy",
    "jobs",
    "minlen",
    "maxlen",
    "quantum",
    "forks",
    "ostep",
    "capacity",
];

/// Rewrites an option error in command-line terms: `max_arrival = 5` becomes `--max-arrival 5`.
fn flags(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        let at_word = out
            .chars()
            .last()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'));
        let key = KEYS.iter().find(|k| {
            at_word
                && rest.starts_with(**k)
                && !rest[k.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        });
        match key {
            Some(k) => {
                out.push_str("--");
                out.push_str(&k.replace('_', "-"));
                rest = &rest[k.len()..];
                if let Some(r) = rest.strip_prefix(" =") {
                    rest = r;
                }
            }
            None => {
                let c = rest.chars().next().unwrap_or(' ');
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

fn option_error(e: OptionError) -> ExerciseError {
    ExerciseError::usage(flags(&e.message), flags(&e.hint))
}

/// The exercise TARGET names: generated from a kind, or read from a file or id.
fn exercise_for(
    target: &str,
    seed: Option<u64>,
    args: &GenArgs,
    ask: &[String],
) -> Result<Exercise, ExerciseError> {
    if let Some(kind) = Kind::parse(target) {
        let params = args.options().resolve(kind).map_err(option_error)?;
        let mut e = Exercise::generate(&params, seed.unwrap_or(0));
        let fields = e.fields();
        for written in ask {
            let f = field::find(&fields, written).map_err(|guess| {
                ExerciseError::usage(
                    format!("this exercise has no answer {written:?}"),
                    guess.map_or_else(
                        || "name a field such as P1.waiting, average.waiting or P1.states".into(),
                        |g| format!("did you mean {g}?"),
                    ),
                )
            })?;
            e.ask.push(f.clone());
        }
        return Ok(e);
    }
    let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
    if !Path::new(target).exists()
        && let Some(kind) = did_you_mean(target, kinds.iter().copied())
    {
        return Err(ExerciseError::usage(
            format!("unknown kind {target:?}"),
            format!("did you mean {kind}? The kinds are {}", kinds.join(", ")),
        ));
    }
    if let Some(flag) = args.first_given() {
        return Err(ExerciseError::usage(
            format!("{flag} applies to generated exercises, not to {target}"),
            "an exercise file sets its problem itself; edit its [generate] table instead",
        ));
    }
    if !ask.is_empty() {
        return Err(ExerciseError::usage(
            format!("--ask applies to generated exercises, not to {target}"),
            "an exercise file lists its questions in `ask`",
        ));
    }
    let pinned = exercise::find(target, Path::new(EXERCISES_DIR))?;
    match seed {
        Some(seed) => pinned.variant(seed),
        None => Ok(pinned.exercise),
    }
}

/// `proclab exercise TARGET …`.
pub(super) fn exercise(args: &ExerciseArgs) -> i32 {
    let output = match (args.json, args.scenario) {
        (true, _) => Output::Json,
        (_, true) => Output::Scenario,
        _ => Output::Text { solve: args.solve },
    };
    let e = match exercise_for(&args.target, args.seed, &args.options, &args.ask) {
        Ok(e) => e,
        Err(err) => return report(&err),
    };
    let text = match output {
        Output::Scenario => e.scenario_toml(),
        Output::Json | Output::Text { solve: true } => {
            let solution = match e.solve() {
                Ok(s) => s,
                Err(err) => return report(&err),
            };
            if output == Output::Json {
                exercise::json::render(&e, &solution)
            } else {
                format!("{}\n{}", e.problem_text(), e.solution_text(&solution))
            }
        }
        Output::Text { solve: false } => e.problem_text(),
    };
    print(&text)
}

fn graded(
    exercise: &str,
    answers: &str,
    seed: Option<u64>,
) -> Result<exercise::Grade, ExerciseError> {
    let pinned: Pinned = exercise::find(exercise, Path::new(EXERCISES_DIR))?;
    let answers = Answers::load(Path::new(answers))?;
    // A seed on the command line must name a variant; one in the answers file is checked by
    // `grade`, which points at it if the exercise has no variants.
    let e = match (seed, answers.seed.as_ref().map(|s| *s.get_ref())) {
        (Some(seed), _) => pinned.variant(seed)?,
        (None, Some(seed)) if pinned.is_generated() => pinned.variant(seed)?,
        _ => pinned.exercise.clone(),
    };
    let solution = e.solve()?;
    exercise::grade(&e, &solution, &answers)
}

/// `proclab grade EXERCISE ANSWERS`: exit 0 if every asked field is right, 1 if not.
pub(super) fn grade(args: &GradeArgs) -> i32 {
    let grade = match graded(&args.exercise, &args.answers, args.seed) {
        Ok(g) => g,
        Err(err) => return report(&err),
    };
    let text = if args.json {
        grade.json()
    } else {
        grade.text()
    };
    match print(&text) {
        0 if grade.all_right() => 0,
        0 => EXIT_FAILURE,
        code => code,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_errors_speak_in_flags() {
        assert_eq!(
            flags("max_arrival = 5000 is out of range"),
            "--max-arrival 5000 is out of range"
        );
        assert_eq!(
            flags("minlen does not go with ostep"),
            "--minlen does not go with --ostep"
        );
        assert_eq!(
            flags("sched exercises take: policy, jobs, context_switch"),
            "sched exercises take: --policy, --jobs, --context-switch"
        );
        assert_eq!(flags("the longest job"), "the longest job");
    }
}
