//! A thread that owns one real run: it starts the helper (so the helper's parent-death signal
//! is tied to this thread, which lives exactly as long as the run), drives the twins to the step
//! asked for, and reports every record. The TUI thread never waits on a real process.

use super::action::RealNews;
use super::runtime::Message;
use crate::lab::client::{Next, RealRun};
use crate::scenario::Scenario;
use std::process::Stdio;
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::thread::JoinHandle;
use std::time::Duration;

/// What the worker is told.
#[derive(Debug)]
pub enum Command {
    /// Drive the twins up to this step.
    Advance(u64),
    /// End the run and remove the twins.
    Stop,
}

/// A running worker.
#[derive(Debug)]
pub struct Worker {
    /// Where to send commands.
    pub commands: Sender<Command>,
    /// The thread.
    pub thread: JoinHandle<()>,
}

/// Starts a worker for real run number `run`.
pub fn spawn(
    run: u64,
    scenario: Scenario,
    timeout: Duration,
    news: Sender<Message>,
) -> std::io::Result<Worker> {
    let (commands, inbox) = channel();
    let thread = std::thread::Builder::new()
        .name(format!("real-run-{run}"))
        .spawn(move || work(run, &scenario, timeout, &inbox, &news))?;
    Ok(Worker { commands, thread })
}

fn work(
    run: u64,
    scenario: &Scenario,
    timeout: Duration,
    inbox: &Receiver<Command>,
    news: &Sender<Message>,
) {
    let tell = |what: RealNews| {
        let _ = news.send(Message::Real { run, news: what });
    };
    let started = std::env::current_exe()
        .map_err(|e| crate::lab::error::LabError::setup("helper", e))
        .and_then(|exe| RealRun::start_with(&exe, scenario, timeout, Stdio::null()));
    let mut lab = match started {
        Ok(lab) => lab,
        Err(e) => {
            tell(RealNews::Failed(format!(
                "The real-OS lab could not start: {e}"
            )));
            return;
        }
    };
    tell(RealNews::Started {
        helper: lab.helper,
        steps: lab.steps,
    });
    let (mut done, mut target, mut ended) = (0, 0, false);
    loop {
        let command = if ended || done >= target {
            inbox.recv().map_err(|_| TryRecvError::Disconnected)
        } else {
            inbox.try_recv()
        };
        match command {
            Ok(Command::Advance(to)) => target = target.max(to),
            Ok(Command::Stop) | Err(TryRecvError::Disconnected) => break,
            Err(TryRecvError::Empty) => {}
        }
        if ended || done >= target {
            continue;
        }
        match lab.step() {
            Ok(Next::Step(record)) => {
                done += 1;
                tell(RealNews::Step(record));
                // After the last step the helper sends the comparison.
                if done == lab.steps {
                    target = target.max(done + 1);
                }
            }
            Ok(Next::End(summary)) => {
                ended = true;
                tell(RealNews::Ended(summary));
            }
            Err(e) => {
                drop(lab);
                tell(RealNews::Failed(format!(
                    "The real run stopped: {e}. Every real process and IPC object was removed."
                )));
                return;
            }
        }
    }
    if let Err(e) = lab.finish() {
        tell(RealNews::Failed(format!("Ending the real run: {e}")));
    }
}
