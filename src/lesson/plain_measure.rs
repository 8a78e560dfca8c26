//! The measurement of a lesson that measures, in plain mode: made by a [`Measure`] (the command
//! line's runs `ipc_bench`, a test's hands back a fixed table), told as it goes, and printed
//! as `proclab bench ipc` prints it.

use super::markdown;
use super::measure::Bench;
use super::plain::{Outcome, WIDTH};
use crate::ipc_bench::{self, BenchError, Options, Table};
use std::io::{self, Write};

/// Makes a lesson's measurement: the command line runs `ipc_bench`; a test hands back a table.
pub trait Measure {
    /// Measures with `options`, telling `progress` as each mechanism starts and ends.
    fn measure(
        &mut self,
        options: &Options,
        progress: &mut dyn FnMut(ipc_bench::Progress<'_>),
    ) -> Result<Table, BenchError>;
}

/// How a measurement ended.
pub(super) enum Measuring {
    /// It was made.
    Done(Table),
    /// It could not be made (said on `out`): its questions are skipped.
    Failed,
    /// The student stopped it (Ctrl-C): the lesson stops too.
    Stopped,
}

/// Makes the measurement, telling how far it has got, and prints the table as
/// `proclab bench ipc` does.
pub(super) fn measure(
    bench: &Bench,
    measurer: Option<&mut dyn Measure>,
    out: &mut dyn Write,
) -> io::Result<Measuring> {
    let Some(measurer) = measurer else {
        writeln!(
            out,
            "(Nothing is measured here, so the questions about the measurement are skipped.)"
        )?;
        return Ok(Measuring::Failed);
    };
    writeln!(
        out,
        "\nMeasuring on this machine: {} round trips and {} one way per mechanism.",
        bench.rounds,
        ipc_bench::table::bytes(bench.bytes)
    )?;
    out.flush()?;
    let mut failed_to_write = None;
    let result = measurer.measure(&bench.options(), &mut |p| {
        let written = match p {
            ipc_bench::Progress::Starting(m) => write!(out, "  {m}…").and_then(|()| out.flush()),
            ipc_bench::Progress::Measured(_) => writeln!(out, " done"),
        };
        if let Err(e) = written {
            failed_to_write.get_or_insert(e);
        }
    });
    if let Some(e) = failed_to_write {
        return Err(e);
    }
    match result {
        Ok(table) => {
            writeln!(out, "\n{}", ipc_bench::table::text(&table).trim_end())?;
            Ok(Measuring::Done(table))
        }
        Err(BenchError::Interrupted) => {
            writeln!(out, "\nThe measurement was stopped.")?;
            Ok(Measuring::Stopped)
        }
        Err(e) => {
            let text = format!(
                "The measurement failed: {e}. The questions about it are skipped \
                 (`proclab bench ipc` measures the same on its own)."
            );
            write!(out, "\n{}", markdown::wrap(&text, WIDTH, "", ""))?;
            Ok(Measuring::Failed)
        }
    }
}

/// Stops the lesson at step `index` (0-based) after the measurement was stopped.
pub(super) fn stopped(index: usize, outcome: Outcome, out: &mut dyn Write) -> io::Result<Outcome> {
    writeln!(out, "\nStopped at step {}; progress saved.", index + 1)?;
    Ok(outcome)
}
