//! The command line: the TUI (`proclab`, `proclab open`), `run`, `check`, `scenarios`, and
//! classroom exercises (`exercise`, `grade`, in `exercise.rs`).
//! Errors in input files are reported here, at the edge, with exit code 2.

#![forbid(unsafe_code)]

mod bench;
mod diagnostics;
mod exercise;
mod lesson;
mod real;

use crate::report::{self, Options};
use crate::scenario::{Scenario, ScenarioError, bundled};
use clap::{Parser, Subcommand};
use std::io::Write;

/// Exit code for bad input: a scenario file that can't be used, or a bad command line.
pub const EXIT_BAD_INPUT: i32 = 2;
/// Exit code for other failures.
pub const EXIT_FAILURE: i32 = 1;

const EXAMPLES: &str = "\
Examples:
  proclab                                        the TUI: pick a scenario and step through it
  proclab open ipc/pipe-greeting                 open one in the TUI (beside the real kernel)
  proclab scenarios                              list the bundled scenarios
  proclab run scheduling/fcfs-convoy             run a bundled scenario by its id
  proclab run my-workload.toml --events          run a file and show every event
  proclab run big.toml --json --summary          only the summary, as JSON
  proclab run ipc/pipe-greeting --real           run it on the real kernel too, side by side
  proclab check scenarios/**/*.toml              validate files without running them
  proclab exercise sched --seed 7 --solve        a scheduling exercise and its worked answer
  proclab grade fcfs-convoy answers.toml         grade a student's answers to an exercise
  proclab bench ipc                              latency and bandwidth of five real IPC mechanisms";

#[derive(Parser, Debug)]
#[command(
    name = "proclab",
    version,
    about = "An educational simulator of operating-system processes",
    long_about = "An educational simulator of operating-system processes.\n\n\
proclab simulates a kernel's process management — PCBs, process states, job, ready and device \
queues, long-, medium- and short-term schedulers with context-switch cost — and reports what \
happens, step by step, with the reason for every decision.\n\n\
Without a command it opens the terminal UI on its home screen.",
    after_help = EXAMPLES
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Open a scenario in the terminal UI and step through it
    #[command(after_help = "\
FILE is a scenario file, or the id of a bundled scenario (see `proclab scenarios`). Scenarios
that say `real = true` (the lifecycle and IPC ones) open beside the real kernel by themselves.

Keys: n/→ next step, p/← previous, Enter play/pause, g/G first/last, Tab focus, ? help, q quit.
When standard output is not a terminal, the plain report is printed instead.

Examples:
  proclab open scheduling/rr-textbook
  proclab open my-workload.toml --real")]
    Open {
        /// Scenario file, or bundled scenario id
        file: String,
        /// Also run it on the real Linux kernel and show both side by side
        #[arg(long)]
        real: bool,
        /// With the real kernel: let `exec` run programs outside the allow-list
        #[arg(long)]
        allow_exec: bool,
        /// With the real kernel: seconds a real step may take before the run is stopped
        #[arg(long, default_value_t = 5.0, value_name = "SECS")]
        timeout: f64,
    },
    /// Run a scenario and print its report
    #[command(after_help = "\
FILE is a scenario file, or the id of a bundled scenario (see `proclab scenarios`).

Examples:
  proclab run scheduling/sjf-vs-srtf
  proclab run scenarios/scheduling/rr-quantum-tiny.toml --events
  proclab run my.toml --json > report.json
  proclab run big.toml --json --summary")]
    Run {
        /// Scenario file, or bundled scenario id
        file: String,
        /// Print one JSON document instead of text
        #[arg(long)]
        json: bool,
        /// Print only the summary (and keep no history while running: fast on huge workloads)
        #[arg(long)]
        summary: bool,
        /// Add the event log, with the reason for every change of state (JSON always has it)
        #[arg(long, conflicts_with = "summary")]
        events: bool,
        /// Also run the scenario on the real Linux kernel, step for step, and show both views
        /// (JSON: one line per step, then the comparison)
        #[arg(long, conflicts_with_all = ["summary", "events"])]
        real: bool,
        /// With --real: wait for Enter (a line on standard input) after each step
        #[arg(long, requires = "real")]
        step: bool,
        /// With --real: let `exec` run programs outside the allow-list
        #[arg(long, requires = "real")]
        allow_exec: bool,
        /// With --real: seconds a real step may take before the run is stopped
        #[arg(long, requires = "real", default_value_t = 5.0, value_name = "SECS")]
        timeout: f64,
    },
    /// The real-OS lab's helper process (started by proclab itself)
    #[command(name = "__lab", hide = true)]
    Lab,
    /// Check scenario files without running them
    #[command(after_help = "\
Exits with 0 if every file is valid, 2 if any is not. Warnings do not fail the check.

Examples:
  proclab check my.toml
  proclab check scenarios/*/*.toml")]
    Check {
        /// Scenario files (or bundled ids)
        #[arg(required = true)]
        files: Vec<String>,
    },
    /// Take a lesson: in the TUI, or as plain text with --plain
    #[command(after_help = "\
ID is a lesson's id or file name (see `proclab lessons`), or a lesson file. Progress is kept by
lesson id in progress.toml in your data directory (e.g. ~/.local/share/proclab/), or in FILE.

In the TUI: n/p next and previous lesson step, a to answer, h for a hint, ? for all keys.
With --plain the lesson is printed step by step and answers are read from standard input, one
per line (h for a hint, s to see the answer, q to stop); at the end of input it stops, saved.

Examples:
  proclab lesson process-states
  proclab lesson process-states --plain
  printf '2\\n' | proclab lesson process-states --plain --progress /tmp/p.toml")]
    Lesson {
        /// Lesson id, bundled lesson file name, or lesson file
        id: String,
        /// Plain text on standard output, answers from standard input
        #[arg(long)]
        plain: bool,
        /// Keep progress in this file instead of the data directory
        #[arg(long, value_name = "FILE")]
        progress: Option<std::path::PathBuf>,
        /// Start the lesson over instead of resuming where you stopped
        #[arg(long)]
        restart: bool,
        /// With --plain: leave the real kernel out, even for a lesson whose scenario runs on it
        #[arg(long, requires = "plain")]
        no_real: bool,
    },
    /// List the lessons, in course order, with your progress
    #[command(after_help = "\
Example:
  proclab lessons
  proclab lessons --progress /tmp/p.toml")]
    Lessons {
        /// Read progress from this file instead of the data directory
        #[arg(long, value_name = "FILE")]
        progress: Option<std::path::PathBuf>,
    },
    /// Tools for instructors and lesson authors
    #[command(subcommand)]
    Dev(DevCommand),
    /// List the bundled scenarios with what each one shows
    #[command(after_help = "\
Example:
  proclab scenarios
  proclab run scheduling/fcfs-convoy")]
    Scenarios,
    /// Generate an exercise from a seed (sched, fork, states, messages), or show a pinned one
    #[command(after_help = exercise::EXERCISE_HELP)]
    Exercise(exercise::ExerciseArgs),
    /// Grade a student's answers file against an exercise
    #[command(after_help = exercise::GRADE_HELP)]
    Grade(exercise::GradeArgs),
    /// Measure the real kernel (`bench ipc`: five IPC mechanisms side by side)
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// The IPC benchmark's peer process (started by proclab itself)
    #[command(name = "__ipc-peer", hide = true)]
    IpcPeer(crate::ipc_bench::PeerArgs),
}

/// `proclab dev …`.
#[derive(Subcommand, Debug)]
enum DevCommand {
    /// Check lessons, exercises and scenarios: files parse, ids are unique, every step's move
    /// is reachable, every question answerable, every referenced scenario exists
    #[command(after_help = "\
PATH is a file or a folder (searched for .toml files). A file is a lesson, an exercise or a
scenario by the folder it is in (lessons/, exercises/, scenarios/), or else by its keys.
Without PATH: lessons/, exercises/ and scenarios/ in the current folder.
Exits with 0 if everything is valid, 2 if anything is not.

Examples:
  proclab dev check
  proclab dev check lessons/05-context-switch.toml
  proclab dev check my-course/")]
    Check {
        /// Files or folders to check
        paths: Vec<String>,
    },
}

/// Loads a scenario from a path, or else from the bundled scenarios by id.
pub fn load(file: &str) -> Result<Scenario, ScenarioError> {
    Scenario::open(file)
}

pub(crate) fn report_error(error: &ScenarioError) -> i32 {
    match error {
        ScenarioError::Invalid(d) => eprint!("{}", diagnostics::render(d)),
        ScenarioError::Read { path, source } => {
            let hint = if source.kind() == std::io::ErrorKind::NotFound {
                let ids: Vec<&str> = bundled::ids().collect();
                // Also match a bare name against the last part of each id.
                let guess = crate::scenario::error::did_you_mean(path, ids.iter().copied())
                    .or_else(|| {
                        ids.iter().copied().find(|id| {
                            id.rsplit('/').next() == Some(path.trim_end_matches(".toml"))
                        })
                    });
                match guess {
                    Some(id) => format!("\n  hint: did you mean the bundled scenario {id}?"),
                    None => "\n  hint: give a path to a .toml file, or a bundled id from `proclab scenarios`".into(),
                }
            } else {
                String::new()
            };
            eprintln!("error: cannot read {path}: {source}{hint}");
        }
        ScenarioError::NotText { .. } => {
            eprintln!("error: {error}\n  hint: a scenario is a TOML text file, saved as UTF-8");
        }
    }
    EXIT_BAD_INPUT
}

pub(crate) fn warn(scenario: &Scenario) {
    for w in &scenario.warnings {
        eprint!("{}", diagnostics::render(w));
    }
}

/// Writes to standard output; a closed pipe (`proclab … | head`) is not an error.
pub(crate) fn print(text: &str) -> i32 {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => 0,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            eprintln!("error: cannot write the report: {e}");
            EXIT_FAILURE
        }
    }
}

fn run(file: &str, json: bool, summary: bool, events: bool) -> i32 {
    let scenario = match load(file) {
        Ok(s) => s,
        Err(e) => return report_error(&e),
    };
    warn(&scenario);
    let options = Options {
        summary_only: summary,
        events: events || json,
    };
    let report = report::run(&scenario, options);
    let text = if json {
        report::json::render(&report, summary)
    } else {
        report::text::render(&report)
    };
    print(&text)
}

fn check(files: &[String]) -> i32 {
    let mut code = 0;
    for file in files {
        match load(file) {
            Ok(scenario) => {
                warn(&scenario);
                let count = |n: u64| match n {
                    1 => "1 process".to_string(),
                    n => format!("{n} processes"),
                };
                let listed = scenario.specs.len() as u64;
                let processes = match &scenario.generate {
                    Some(g) => format!("{listed} listed + {} generated", count(g.count)),
                    None => count(listed),
                };
                code = code.max(print(&format!(
                    "ok: {} — {} ({processes})\n",
                    scenario.path, scenario.title
                )));
            }
            Err(e) => code = code.max(report_error(&e)),
        }
    }
    code
}

fn scenarios() -> i32 {
    let mut out = String::new();
    let mut topic = "";
    for id in bundled::ids() {
        let Some(text) = bundled::find(id) else {
            continue;
        };
        let t = bundled::topic(id);
        if t != topic {
            out.push_str(&format!(
                "{}{t}\n",
                if topic.is_empty() { "" } else { "\n" }
            ));
            topic = t;
        }
        let title = match Scenario::parse(id, text) {
            Ok(s) => s.title,
            Err(e) => format!("(invalid: {e})"),
        };
        out.push_str(&format!("  {id:<40} {title}\n"));
    }
    out.push_str(
        "\nRun one with `proclab run ID`; add --events to see every decision explained.\n",
    );
    print(&out)
}

/// True when the TUI can draw: both standard output and input are a terminal.
fn on_a_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && std::io::stdin().is_terminal()
}

/// `proclab`: the TUI's home screen, or the list of scenarios when there is no terminal.
fn home() -> i32 {
    if !on_a_terminal() {
        eprintln!(
            "proclab: not a terminal, so no TUI; here is the list of scenarios instead \
             (run one with `proclab run ID`)."
        );
        return scenarios();
    }
    crate::tui::run(crate::tui::Start {
        open: None,
        allow_exec: false,
        timeout: std::time::Duration::from_secs(5),
        lesson: None,
        progress: lesson::open_progress(None, None),
    })
}

/// `proclab open FILE`: a scenario in the TUI, or its plain report when there is no terminal.
fn open(file: &str, real: bool, allow_exec: bool, timeout: f64) -> i32 {
    let scenario = match load(file) {
        Ok(s) => s,
        Err(e) => return report_error(&e),
    };
    let with_real = real || scenario.real;
    if !on_a_terminal() {
        eprintln!("proclab: not a terminal, so no TUI; here is the plain report instead.");
        if with_real {
            let options = real::Options {
                json: false,
                step: false,
                allow_exec,
                timeout,
            };
            return real::run(file, &options);
        }
        return run(file, false, false, true);
    }
    if !(timeout > 0.0 && timeout <= 3600.0) {
        eprintln!("error: --timeout must be between 0 and 3600 seconds");
        return EXIT_BAD_INPUT;
    }
    // Asked for on the command line, a refusal is an error; asked for by the file, the TUI
    // shows why in the real pane and the model still runs.
    if real && let Err(d) = crate::lab::admit::admit(&scenario, allow_exec) {
        eprint!("{}", diagnostics::render(&d));
        return EXIT_BAD_INPUT;
    }
    warn(&scenario);
    crate::tui::run(crate::tui::Start {
        open: Some((scenario, real)),
        allow_exec,
        timeout: std::time::Duration::from_secs_f64(timeout),
        lesson: None,
        progress: lesson::open_progress(None, None),
    })
}

#[cfg(target_os = "linux")]
fn lab_helper() -> i32 {
    crate::lab::helper::main()
}

#[cfg(not(target_os = "linux"))]
fn lab_helper() -> i32 {
    eprintln!("error: the real-OS lab needs Linux");
    EXIT_FAILURE
}

/// Runs the command line and returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_BAD_INPUT } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match cli.command {
        None => home(),
        Some(Command::Open {
            file,
            real,
            allow_exec,
            timeout,
        }) => open(&file, real, allow_exec, timeout),
        Some(Command::Run {
            file,
            json,
            real: true,
            step,
            allow_exec,
            timeout,
            ..
        }) => real::run(
            &file,
            &real::Options {
                json,
                step,
                allow_exec,
                timeout,
            },
        ),
        Some(Command::Run {
            file,
            json,
            summary,
            events,
            ..
        }) => run(&file, json, summary, events),
        Some(Command::Lab) => lab_helper(),
        Some(Command::Check { files }) => check(&files),
        Some(Command::Scenarios) => scenarios(),
        Some(Command::Lesson {
            id,
            plain: true,
            progress,
            restart,
            no_real,
        }) => lesson::plain(&id, progress.as_deref(), restart, !no_real),
        Some(Command::Lesson {
            id,
            progress,
            restart,
            ..
        }) => lesson::tui(&id, progress.as_deref(), restart),
        Some(Command::Lessons { progress }) => lesson::list(progress.as_deref()),
        Some(Command::Dev(DevCommand::Check { paths })) => lesson::dev_check(&paths),
        Some(Command::Exercise(args)) => exercise::exercise(&args),
        Some(Command::Grade(args)) => exercise::grade(&args),
        Some(Command::Bench(command)) => bench::bench(&command),
        Some(Command::IpcPeer(args)) => bench::peer(&args),
    }
}
