//! Helpers shared by the integration tests: run inline scenarios through the library.

#![allow(dead_code)]

#[cfg(target_os = "linux")]
pub mod bench;
pub mod bin;
pub mod calls;
#[cfg(target_os = "linux")]
pub mod lab;
pub mod windows;

use proclab::report::gantt::{Kind, Segment};
use proclab::report::recorder::ProcessRow;
use proclab::report::{self, Options, Report};
use proclab::scenario::Scenario;

/// Parses an inline scenario, panicking with the error if it is invalid.
pub fn scenario(toml: &str) -> Scenario {
    Scenario::parse("test.toml", toml).unwrap_or_else(|e| panic!("invalid test scenario: {e}"))
}

/// Runs an inline scenario with the event log.
pub fn run(toml: &str) -> Report {
    report::run(
        &scenario(toml),
        Options {
            summary_only: false,
            events: true,
        },
    )
}

/// The row of the process called `name`.
pub fn row<'a>(report: &'a Report, name: &str) -> &'a ProcessRow {
    report
        .rows
        .iter()
        .find(|r| &*r.name == name)
        .unwrap_or_else(|| panic!("no process {name}"))
}

/// (waiting, turnaround, response) of each named process.
pub fn times(report: &Report, names: &[&str]) -> Vec<(u64, u64, u64)> {
    names
        .iter()
        .map(|n| {
            let r = row(report, n);
            (
                r.waiting,
                r.turnaround.expect("finished"),
                r.response.expect("ran"),
            )
        })
        .collect()
}

/// The run blocks of CPU `cpu` as (process, start, end).
pub fn runs(report: &Report, cpu: usize) -> Vec<(String, u64, u64)> {
    report.gantt[cpu]
        .iter()
        .filter(|s| s.kind == Kind::Run)
        .map(|s: &Segment| {
            let name = proclab::kernel::Names::process(
                &report.names,
                s.pid.expect("run blocks have a process"),
            );
            (name, s.start, s.end)
        })
        .collect()
}

/// Shorthand for building the expected run blocks.
pub fn blocks(list: &[(&str, u64, u64)]) -> Vec<(String, u64, u64)> {
    list.iter()
        .map(|(n, a, b)| (n.to_string(), *a, *b))
        .collect()
}

/// `[[process]]` entries with bursts, all arriving at 0.
pub fn bursts(list: &[(&str, u64)]) -> String {
    list.iter()
        .map(|(n, b)| format!("[[process]]\nname = \"{n}\"\nburst = {b}\n"))
        .collect()
}
