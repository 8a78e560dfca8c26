//! The helper: the single-threaded process that proclab starts (`proclab __lab`) to make and
//! drive the twins, because forking a multithreaded process is unsafe. It reads requests on
//! standard input and answers on standard output, one JSON line each. It dies with proclab
//! (`PR_SET_PDEATHSIG`), adopts orphans (`PR_SET_CHILD_SUBREAPER`), and on every way out —
//! `quit`, end of input, SIGTERM, SIGINT, SIGHUP, an error — kills and reaps every twin and
//! removes every object of the run.

#![forbid(unsafe_code)]

use super::driver::Lab;
use super::error::LabError;
use super::names;
use super::protocol::{Request, Response, line};
use super::twins::Twins;
use crate::scenario::Scenario;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{SigSet, SigmaskHow, Signal, sigprocmask};
use nix::sys::signalfd::{SfdFlags, SignalFd};
use nix::unistd::{getpid, getppid};
use std::io::Write;
use std::os::fd::AsFd;
use std::time::Duration;

/// Reads request lines from standard input, watching for termination signals meanwhile.
struct Input {
    buf: Vec<u8>,
}

impl Input {
    fn next(&mut self, signals: &SignalFd) -> Result<Option<Request>, LabError> {
        loop {
            if let Some(end) = self.buf.iter().position(|&b| b == b'\n') {
                let rest = self.buf.split_off(end + 1);
                let text = std::mem::replace(&mut self.buf, rest);
                return serde_json::from_slice(&text)
                    .map(Some)
                    .map_err(|e| LabError::Protocol(format!("bad request: {e}")));
            }
            let stdin = std::io::stdin();
            let mut fds = [
                PollFd::new(stdin.as_fd(), PollFlags::POLLIN),
                PollFd::new(signals.as_fd(), PollFlags::POLLIN),
            ];
            match poll(&mut fds, PollTimeout::NONE) {
                Ok(_) | Err(nix::errno::Errno::EINTR) => {}
                Err(e) => return Err(LabError::Protocol(format!("poll: {e}"))),
            }
            if let Ok(Some(info)) = signals.read_signal() {
                return Err(LabError::Interrupted(
                    Signal::try_from(info.ssi_signo as i32)
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                ));
            }
            let mut chunk = [0u8; 65536];
            match nix::unistd::read(stdin.as_fd(), &mut chunk) {
                Ok(0) => return Ok(None), // proclab is gone
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(nix::errno::Errno::EAGAIN | nix::errno::Errno::EINTR) => {}
                Err(e) => return Err(LabError::Protocol(format!("read: {e}"))),
            }
        }
    }
}

/// Answers proclab; false if it can no longer be reached.
fn answer(response: &Response) -> bool {
    let mut out = std::io::stdout().lock();
    out.write_all(line(response).as_bytes())
        .and_then(|()| out.flush())
        .is_ok()
}

/// The helper's `main`; returns its exit code.
pub fn main() -> i32 {
    // Termination signals are read from a descriptor, so that they are handled between two
    // steps of the teardown-safe main loop, never in the middle of one.
    let mut mask = SigSet::empty();
    for s in [Signal::SIGTERM, Signal::SIGINT, Signal::SIGHUP] {
        mask.add(s);
    }
    if sigprocmask(SigmaskHow::SIG_BLOCK, Some(&mask), None).is_err() {
        return 1;
    }
    let Ok(signals) = SignalFd::with_flags(&mask, SfdFlags::SFD_NONBLOCK | SfdFlags::SFD_CLOEXEC)
    else {
        return 1;
    };
    let mut input = Input { buf: Vec::new() };
    let (path, text, timeout_ms, parent) = match input.next(&signals) {
        Ok(Some(Request::Start {
            path,
            text,
            timeout_ms,
            parent,
        })) => (path, text, timeout_ms, parent),
        _ => return 1,
    };
    // Die with proclab: SIGTERM when it goes, and make sure it had not gone already.
    if nix::sys::prctl::set_pdeathsig(Signal::SIGTERM).is_err() || getppid().as_raw() != parent {
        return 1;
    }
    let scenario = match Scenario::parse(&path, &text) {
        Ok(s) => s,
        Err(e) => {
            answer(&Response::Failed {
                message: format!("{path}: {e}"),
            });
            return 2;
        }
    };
    // Orphans come to the helper instead of init, so the lab can show and reap them.
    if nix::sys::prctl::set_child_subreaper(true).is_err() {
        answer(&Response::Failed {
            message: "cannot become child subreaper (PR_SET_CHILD_SUBREAPER)".into(),
        });
        return 1;
    }
    limit_processes();
    names::sweep_stale();
    let twins = match Twins::new(getpid(), Duration::from_millis(timeout_ms), signals) {
        Ok(t) => t,
        Err(e) => {
            answer(&Response::Failed {
                message: e.to_string(),
            });
            return 1;
        }
    };
    let mut lab = Lab::new(scenario, twins);
    let outcome = serve(&mut lab, &mut input);
    let problems = lab.twins_mut().teardown();
    match outcome {
        Ok(()) => {
            answer(&Response::Bye);
            0
        }
        Err(e) => {
            let mut message = e.to_string();
            if !problems.is_empty() {
                message.push_str(&format!(" (clean-up: {})", problems.join("; ")));
            }
            answer(&Response::Failed { message });
            1
        }
    }
}

fn serve(lab: &mut Lab, input: &mut Input) -> Result<(), LabError> {
    if !answer(&Response::Ready {
        steps: lab.steps(),
        helper: getpid().as_raw(),
    }) {
        return Ok(());
    }
    loop {
        let request = {
            let twins = lab.twins_mut();
            twins.check_signals()?;
            // Borrow the signal descriptor only for the read.
            input.next(twins.signals())?
        };
        let response = match request {
            None | Some(Request::Quit) => return Ok(()),
            Some(Request::Start { .. }) => {
                return Err(LabError::Protocol("started twice".into()));
            }
            Some(Request::Next) => match lab.step()? {
                Some(record) => Response::Step(Box::new(record)),
                None => Response::End(lab.summary()),
            },
        };
        if !answer(&response) {
            return Ok(());
        }
    }
}

/// `RLIMIT_NPROC` as a backstop against a fork bomb: the processes the user has now, plus the
/// lab's own cap and a margin. (It does not bind root; the lab's own count does.)
fn limit_processes() {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    use std::os::unix::fs::MetadataExt;
    let uid = nix::unistd::getuid().as_raw();
    let mine = std::fs::read_dir("/proc")
        .map(|d| {
            d.flatten()
                .filter(|e| {
                    e.file_name()
                        .to_str()
                        .is_some_and(|n| n.parse::<u32>().is_ok())
                })
                .filter(|e| e.metadata().is_ok_and(|m| m.uid() == uid))
                .count() as u64
        })
        .unwrap_or(0);
    let wanted = mine + u64::from(super::twins::MAX_PROCESSES) + 16;
    if let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NPROC)
        && wanted < soft
    {
        let _ = setrlimit(Resource::RLIMIT_NPROC, wanted, hard);
    }
}
