//! What can go wrong in a lab run.

#![forbid(unsafe_code)]

use thiserror::Error;

/// A lab run that could not go on. Everything is torn down before it is reported.
#[derive(Debug, Error)]
pub enum LabError {
    /// A twin did not do its step in time.
    #[error(
        "{name} (pid {pid}) did not {doing} within {seconds} s{}",
        wchan.as_ref().map(|w| format!("; it sleeps in the kernel in {w}")).unwrap_or_default()
    )]
    Hang {
        /// The twin.
        name: String,
        /// Its pid.
        pid: i32,
        /// What it should have done.
        doing: String,
        /// Where it sleeps, if it does.
        wchan: Option<String>,
        /// The time limit.
        seconds: f64,
    },
    /// A twin disappeared while it had a call under way.
    #[error("{name} (pid {pid}) died in the middle of a step")]
    Vanished {
        /// The twin.
        name: String,
        /// Its pid.
        pid: i32,
    },
    /// The helper could not fork.
    #[error("cannot fork {0}: {1}")]
    Fork(String, String),
    /// Too many real processes.
    #[error("the run needs more than {0} real processes, the most the lab makes")]
    TooMany(u32),
    /// The run's directory, socket or terminal file could not be made.
    #[error("cannot set up the run's {what}: {source}")]
    Setup {
        /// Which object.
        what: &'static str,
        /// Why.
        source: std::io::Error,
    },
    /// proclab or the helper said something unexpected, or went away.
    #[error("{0}")]
    Protocol(String),
    /// A termination signal arrived.
    #[error("interrupted by {0}")]
    Interrupted(String),
}

impl LabError {
    /// A set-up failure.
    pub fn setup(what: &'static str, source: std::io::Error) -> LabError {
        LabError::Setup { what, source }
    }
}
