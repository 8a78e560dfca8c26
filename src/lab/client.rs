//! proclab's end of the lab: starts the helper (`proclab __lab`, through `Command`, which does
//! not fork this multithreaded process in a way that could deadlock), and asks it for one step
//! at a time. Dropping a [`RealRun`] ends the helper, which tears the twins down; if proclab
//! dies instead, the helper gets SIGTERM from the kernel and does the same.

#![forbid(unsafe_code)]

use super::error::LabError;
use super::protocol::{Request, Response, line};
pub use super::{HELPER_COMMAND, Next};
use crate::scenario::Scenario;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

/// A scenario running on the real kernel under a helper.
#[derive(Debug)]
pub struct RealRun {
    child: Child,
    to: Option<ChildStdin>,
    from: BufReader<ChildStdout>,
    /// Steps in the whole run.
    pub steps: u64,
    /// The helper's pid.
    pub helper: i32,
}

impl RealRun {
    /// Starts the helper for `scenario` with a per-step time limit.
    pub fn start(scenario: &Scenario, timeout: Duration) -> Result<RealRun, LabError> {
        let exe = std::env::current_exe().map_err(|e| LabError::setup("helper", e))?;
        RealRun::start_with(&exe, scenario, timeout, Stdio::inherit())
    }

    /// Starts the helper from the proclab binary at `exe`, its standard error going to
    /// `stderr` (the TUI sends it nowhere: its errors come back as answers anyway).
    pub fn start_with(
        exe: &std::path::Path,
        scenario: &Scenario,
        timeout: Duration,
        stderr: Stdio,
    ) -> Result<RealRun, LabError> {
        let mut child = Command::new(exe)
            .arg(HELPER_COMMAND)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .map_err(|e| LabError::setup("helper", e))?;
        let (Some(to), Some(from)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(LabError::Protocol("the helper has no pipes".into()));
        };
        let mut run = RealRun {
            child,
            to: Some(to),
            from: BufReader::new(from),
            steps: 0,
            helper: 0,
        };
        run.send(&Request::Start {
            path: scenario.path.to_string(),
            text: scenario.text.to_string(),
            timeout_ms: timeout.as_millis() as u64,
            parent: std::process::id() as i32,
        })?;
        match run.receive()? {
            Response::Ready { steps, helper } => {
                run.steps = steps;
                run.helper = helper;
                Ok(run)
            }
            other => Err(unexpected(other)),
        }
    }

    fn send(&mut self, request: &Request) -> Result<(), LabError> {
        let to = self
            .to
            .as_mut()
            .ok_or_else(|| LabError::Protocol("the helper's input is closed".into()))?;
        to.write_all(line(request).as_bytes())
            .and_then(|()| to.flush())
            .map_err(|e| LabError::Protocol(format!("the helper is gone: {e}")))
    }

    fn receive(&mut self) -> Result<Response, LabError> {
        let mut text = String::new();
        match self.from.read_line(&mut text) {
            Ok(0) => Err(LabError::Protocol("the helper ended without a word".into())),
            Ok(_) => serde_json::from_str(&text)
                .map_err(|e| LabError::Protocol(format!("the helper said {text:?}: {e}"))),
            Err(e) => Err(LabError::Protocol(format!("cannot read the helper: {e}"))),
        }
    }

    /// Ends the run cleanly if proclab is told to stop (SIGINT, SIGTERM, SIGHUP), even when it
    /// was started with those signals ignored: the helper is sent SIGTERM (it then tears the
    /// twins down) and proclab exits with 128 + the signal's number once the helper is gone.
    pub fn stop_on_signals(&self) -> Result<(), LabError> {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
            .map_err(|e| LabError::setup("signal handler", e))?;
        let helper = nix::unistd::Pid::from_raw(self.helper);
        std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    let _ = nix::sys::signal::kill(helper, nix::sys::signal::Signal::SIGTERM);
                    let deadline = Instant::now() + Duration::from_secs(10);
                    // The helper is our child: it stays a zombie (state Z) once it has finished.
                    while Instant::now() < deadline
                        && super::observe::look(helper.as_raw()).is_some_and(|l| l.state != 'Z')
                    {
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    std::process::exit(128 + signal);
                }
            })
            .map_err(|e| LabError::setup("signal handler", e))?;
        Ok(())
    }

    /// Runs the next step.
    pub fn step(&mut self) -> Result<Next, LabError> {
        self.send(&Request::Next)?;
        match self.receive()? {
            Response::Step(record) => Ok(Next::Step(record)),
            Response::End(summary) => Ok(Next::End(summary)),
            other => Err(unexpected(other)),
        }
    }

    /// Ends the run: the helper tears everything down and exits.
    pub fn finish(mut self) -> Result<(), LabError> {
        self.send(&Request::Quit)?;
        let said = self.receive();
        self.to = None;
        self.reap();
        match said? {
            Response::Bye => Ok(()),
            other => Err(unexpected(other)),
        }
    }

    /// Waits for the helper to exit (it has been told to), killing it after a while.
    fn reap(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        // SIGKILL leaves the twins to their parent-death signals.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for RealRun {
    fn drop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        // Closing its input tells the helper to tear down and go.
        self.to = None;
        self.reap();
    }
}

fn unexpected(response: Response) -> LabError {
    match response {
        Response::Failed { message } => LabError::Protocol(message),
        other => LabError::Protocol(format!("unexpected answer from the helper: {other:?}")),
    }
}
