//! `proclab run FILE --real`: the scenario on the simulated kernel and, underneath, on the real
//! one, printed step by step (text side by side, or one JSON line per step).

use super::{EXIT_BAD_INPUT, EXIT_FAILURE, diagnostics, load, print, report_error, warn};
use crate::lab::admit::admit;
use crate::lab::client::{Next, RealRun};
use crate::lab::{json as lab_json, render};
use crate::report::{self, Options as ReportOptions};
use std::io::{BufRead, IsTerminal};
use std::time::Duration;

/// The options of a real run.
pub struct Options {
    /// One JSON line per step.
    pub json: bool,
    /// Pause after each step until a line arrives on standard input.
    pub step: bool,
    /// Let exec run any program.
    pub allow_exec: bool,
    /// Seconds per step.
    pub timeout: f64,
}

/// Runs a scenario with its real twins and returns the exit code.
pub fn run(file: &str, options: &Options) -> i32 {
    let scenario = match load(file) {
        Ok(s) => s,
        Err(e) => return report_error(&e),
    };
    warn(&scenario);
    if let Err(d) = admit(&scenario, options.allow_exec) {
        eprint!("{}", diagnostics::render(&d));
        return EXIT_BAD_INPUT;
    }
    if !(options.timeout > 0.0 && options.timeout <= 3600.0) {
        eprintln!("error: --timeout must be between 0 and 3600 seconds");
        return EXIT_BAD_INPUT;
    }
    let mut lab = match RealRun::start(&scenario, Duration::from_secs_f64(options.timeout)) {
        Ok(lab) => lab,
        Err(e) => {
            eprintln!("error: the real-OS lab could not start: {e}");
            return EXIT_FAILURE;
        }
    };
    if let Err(e) = lab.stop_on_signals() {
        eprintln!("error: {e}");
        return EXIT_FAILURE;
    }
    if !options.json
        && print(&render::header(
            &scenario.title,
            &scenario.path,
            lab.steps,
            lab.helper,
        )) != 0
    {
        return EXIT_FAILURE;
    }
    let stdin = std::io::stdin();
    let mut pausing = options.step;
    let prompt = options.step && stdin.is_terminal() && !options.json;
    loop {
        if pausing {
            if prompt {
                eprint!("[Enter: next step] ");
            }
            let mut line = String::new();
            // End of input: carry on without pausing.
            if stdin.lock().read_line(&mut line).map_or(true, |n| n == 0) {
                pausing = false;
            }
        }
        let next = match lab.step() {
            Ok(n) => n,
            Err(e) => {
                drop(lab);
                eprintln!(
                    "error: {e}\n  the run was stopped and every real process and object removed"
                );
                return EXIT_FAILURE;
            }
        };
        let (text, end) = match &next {
            Next::Step(r) if options.json => {
                (format!("{}\n", lab_json::step(r, lab.helper)), false)
            }
            Next::Step(r) => (render::step(r), false),
            Next::End(s) if options.json => {
                // The simulated report, computed again (the model is deterministic).
                let sim = report::run(
                    &scenario,
                    ReportOptions {
                        summary_only: false,
                        events: true,
                    },
                );
                let value =
                    serde_json::from_str(&report::json::render(&sim, false)).unwrap_or_default();
                (format!("{}\n", lab_json::report(value, s)), true)
            }
            Next::End(s) => (render::summary(s), true),
        };
        if print(&text) != 0 {
            return EXIT_FAILURE;
        }
        if end {
            break;
        }
    }
    match lab.finish() {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: ending the real run: {e}");
            EXIT_FAILURE
        }
    }
}
