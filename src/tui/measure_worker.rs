//! A thread that makes one lesson measurement: it runs `ipc_bench` (which starts its peer
//! processes by executing the proclab binary, never by forking this multithreaded TUI) and
//! reports each mechanism as it starts and each row as it is measured, so the table fills in
//! while the screen stays live. Stopping it kills the peer; the run then removes everything
//! it made and the thread ends within milliseconds.

use super::action::MeasureNews;
use super::runtime::Message;
use crate::ipc_bench::{self, BenchError, Cancel, Options, Progress};
use std::sync::mpsc::Sender;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a new measurement waits for a stopped one to finish cleaning up (runs in one
/// process take turns: their objects share names).
const TURN_PATIENCE: Duration = Duration::from_secs(5);

/// A running measurement.
#[derive(Debug)]
pub struct Worker {
    /// Stops it.
    pub cancel: Cancel,
    /// The thread.
    pub thread: JoinHandle<()>,
}

/// Starts measurement number `run`.
pub fn spawn(run: u64, options: Options, news: Sender<Message>) -> std::io::Result<Worker> {
    let cancel = Cancel::new();
    let stop = cancel.clone();
    let thread = std::thread::Builder::new()
        .name(format!("measure-{run}"))
        .spawn(move || work(run, &options, &stop, &news))?;
    Ok(Worker { cancel, thread })
}

fn work(run: u64, options: &Options, cancel: &Cancel, news: &Sender<Message>) {
    let tell = |what: MeasureNews| {
        let _ = news.send(Message::Measuring { run, news: what });
    };
    let since = Instant::now();
    let result = loop {
        let result = ipc_bench::run_reporting(options, cancel, &mut |p| match p {
            Progress::Starting(m) => tell(MeasureNews::Starting(m)),
            Progress::Measured(row) => tell(MeasureNews::Row(Box::new(row.clone()))),
        });
        match result {
            Err(BenchError::Busy) if since.elapsed() < TURN_PATIENCE && !cancel.is_cancelled() => {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => break other,
        }
    };
    tell(match result {
        Ok(table) => MeasureNews::Done(Box::new(table)),
        Err(BenchError::Interrupted) => MeasureNews::Failed("The measurement was stopped.".into()),
        Err(e) => MeasureNews::Failed(format!("The measurement failed: {e}.")),
    });
}
