//! The command line: `proclab run`, `check` and `scenarios`. Errors in input files are
//! reported here, at the edge, with exit code 2.

#![forbid(unsafe_code)]

mod diagnostics;
mod real;

use crate::report::{self, Options};
use crate::scenario::{Scenario, ScenarioError, bundled};
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::Path;

/// Exit code for bad input: a scenario file that can't be used, or a bad command line.
pub const EXIT_BAD_INPUT: i32 = 2;
/// Exit code for other failures.
pub const EXIT_FAILURE: i32 = 1;

/// The bundled scenario the bare `proclab` command shows.
pub const SHOWCASE: &str = "scheduling/rr-context-switch";

const EXAMPLES: &str = "\
Examples:
  proclab scenarios                              list the bundled scenarios
  proclab run scheduling/fcfs-convoy             run a bundled scenario by its id
  proclab run my-workload.toml --events          run a file and show every event
  proclab run big.toml --json --summary          only the summary, as JSON
  proclab run ipc/pipe-greeting --real           run it on the real kernel too, side by side
  proclab check scenarios/**/*.toml              validate files without running them";

#[derive(Parser, Debug)]
#[command(
    name = "proclab",
    version,
    about = "An educational simulator of operating-system processes",
    long_about = "An educational simulator of operating-system processes.\n\n\
proclab simulates a kernel's process management — PCBs, process states, job, ready and device \
queues, long-, medium- and short-term schedulers with context-switch cost — and reports what \
happens, step by step, with the reason for every decision.\n\n\
Without a command it shows the report of a bundled scenario.",
    after_help = EXAMPLES
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
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
    /// List the bundled scenarios with what each one shows
    #[command(after_help = "\
Example:
  proclab scenarios
  proclab run scheduling/fcfs-convoy")]
    Scenarios,
}

/// Loads a scenario from a path, or else from the bundled scenarios by id.
pub fn load(file: &str) -> Result<Scenario, ScenarioError> {
    let path = Path::new(file);
    if !path.exists()
        && let Some(text) = bundled::find(file)
    {
        return Scenario::parse(
            &format!(
                "scenarios/{}.toml",
                file.trim_end_matches(".toml")
                    .trim_start_matches("scenarios/")
            ),
            text,
        );
    }
    Scenario::load(path)
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

fn showcase() -> i32 {
    let note = format!(
        "proclab {} — the report of the bundled scenario {SHOWCASE}.\n\
         List the others with `proclab scenarios`; run one with `proclab run ID`.\n\n",
        env!("CARGO_PKG_VERSION")
    );
    let code = print(&note);
    if code != 0 {
        return code;
    }
    run(SHOWCASE, false, false, false)
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
        None => showcase(),
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
    }
}
