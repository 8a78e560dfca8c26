//! `proclab bench ipc`: the same transfers over five real Linux IPC mechanisms — pipe, FIFO,
//! POSIX shared memory, POSIX message queue and Unix-domain stream socket — measured between
//! proclab and a peer process, and printed side by side.
//!
//! proclab may be multithreaded, so it never forks: the peer is the same binary started with
//! `std::process::Command` under the hidden subcommand [`PEER_COMMAND`] ([`peer`]). Every named
//! object carries proclab's pid, is unlinked as soon as both ends have it open, and a later run
//! sweeps what a killed run left behind (`names`). [`stats`] and [`table`] are pure.

#![forbid(unsafe_code)]

pub mod peer;
pub mod stats;
pub mod table;

#[cfg(target_os = "linux")]
mod channel;
#[cfg(target_os = "linux")]
mod fifo;
#[cfg(target_os = "linux")]
mod mq;
#[cfg(target_os = "linux")]
pub mod names;
#[cfg(target_os = "linux")]
mod pipe;
#[cfg(target_os = "linux")]
mod runner;
#[cfg(target_os = "linux")]
mod shm;
#[cfg(target_os = "linux")]
mod socket;

pub use peer::PeerArgs;
pub use stats::Latency;
pub use table::{Bandwidth, Method, Row, Table};

use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// The hidden subcommand that runs the peer process.
pub const PEER_COMMAND: &str = "__ipc-peer";

/// One IPC mechanism.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Mechanism {
    /// An anonymous pipe, one each way.
    Pipe,
    /// A named pipe (FIFO), one each way, in the run's private directory.
    Fifo,
    /// A POSIX shared-memory object holding a ring each way.
    Shm,
    /// A POSIX message queue each way.
    Mq,
    /// A Unix-domain stream socket.
    Socket,
}

impl Mechanism {
    /// All five, in the order a run measures them.
    pub const ALL: [Mechanism; 5] = [
        Mechanism::Pipe,
        Mechanism::Fifo,
        Mechanism::Shm,
        Mechanism::Mq,
        Mechanism::Socket,
    ];

    /// Its name in a table.
    pub fn title(self) -> &'static str {
        match self {
            Mechanism::Pipe => "pipe",
            Mechanism::Fifo => "FIFO (named pipe)",
            Mechanism::Shm => "POSIX shared memory",
            Mechanism::Mq => "POSIX message queue",
            Mechanism::Socket => "Unix stream socket",
        }
    }

    /// Its name on the command line and in JSON.
    pub fn id(self) -> &'static str {
        match self {
            Mechanism::Pipe => "pipe",
            Mechanism::Fifo => "fifo",
            Mechanism::Shm => "shm",
            Mechanism::Mq => "mq",
            Mechanism::Socket => "socket",
        }
    }
}

impl std::fmt::Display for Mechanism {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.title())
    }
}

/// What a run measures.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Round trips measured per mechanism.
    pub rounds: usize,
    /// Round trips made before measuring, to warm caches and wake the CPUs.
    pub warmup: usize,
    /// Size of the round-trip message, in bytes.
    pub message_bytes: usize,
    /// Bytes moved one way per mechanism for the bandwidth figure.
    pub total_bytes: u64,
    /// Bytes per send in the bulk transfer (the message queue uses at most its msgsize).
    pub chunk_bytes: usize,
    /// The mechanisms to measure, in order.
    pub mechanisms: Vec<Mechanism>,
    /// The proclab binary to start as the peer; this program's own binary if `None`.
    pub peer_exe: Option<PathBuf>,
}

/// Default round trips per mechanism: the whole run takes about a second on 2 CPUs.
pub const DEFAULT_ROUNDS: usize = 10_000;
/// Default bulk size: 64 MiB.
pub const DEFAULT_TOTAL_BYTES: u64 = 64 << 20;
/// Most round trips one run may ask for.
pub const MAX_ROUNDS: usize = 10_000_000;
/// Largest chunk of the bulk transfer (it is also a shared-memory slot).
pub const MAX_CHUNK_BYTES: usize = 1 << 20;

impl Default for Options {
    fn default() -> Options {
        Options {
            rounds: DEFAULT_ROUNDS,
            warmup: default_warmup(DEFAULT_ROUNDS),
            message_bytes: 64,
            total_bytes: DEFAULT_TOTAL_BYTES,
            chunk_bytes: 64 << 10,
            mechanisms: Mechanism::ALL.to_vec(),
            peer_exe: None,
        }
    }
}

/// A tenth of the measured rounds, at most 1,000, as warm-up.
pub fn default_warmup(rounds: usize) -> usize {
    (rounds / 10).clamp(1, 1000)
}

impl Options {
    /// Checks the figures are in range.
    pub fn check(&self) -> Result<(), BenchError> {
        let bad = |m: String| Err(BenchError::Options(m));
        if !(1..=MAX_ROUNDS).contains(&self.rounds) || self.warmup > MAX_ROUNDS {
            return bad(format!("rounds must be between 1 and {MAX_ROUNDS}"));
        }
        if !(1..=MAX_CHUNK_BYTES).contains(&self.chunk_bytes) {
            return bad(format!("the chunk must be 1 to {MAX_CHUNK_BYTES} bytes"));
        }
        if !(1..=self.chunk_bytes).contains(&self.message_bytes) {
            return bad("the message must be 1 byte to one chunk long".into());
        }
        if self.total_bytes == 0 {
            return bad("the bulk size must be at least 1 byte".into());
        }
        if self.mechanisms.is_empty() {
            return bad("no mechanism to measure".into());
        }
        Ok(())
    }
}

/// Why a benchmark did not finish.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// Not on Linux.
    #[error(
        "proclab bench ipc measures Linux's IPC mechanisms, so it runs on Linux only \
         (the simulated kernel works everywhere)"
    )]
    Unsupported,
    /// Options out of range.
    #[error("{0}")]
    Options(String),
    /// A benchmark is already running in this process (their objects share names).
    #[error("an IPC benchmark is already running in this process")]
    Busy,
    /// Preparing the run failed.
    #[error("cannot {what}: {source}")]
    Setup {
        /// What was being done.
        what: String,
        /// The system's error.
        source: std::io::Error,
    },
    /// A system call of one mechanism failed.
    #[error("{mechanism}: {what}: {source}")]
    Io {
        /// The mechanism being measured.
        mechanism: Mechanism,
        /// What was being done.
        what: String,
        /// The system's error.
        source: std::io::Error,
    },
    /// The peer process failed or ended early.
    #[error("{mechanism}: the peer process {message}")]
    Peer {
        /// The mechanism being measured.
        mechanism: Mechanism,
        /// How it ended, and what it said.
        message: String,
    },
    /// Stopped by [`Cancel::cancel`] (Ctrl-C on the command line).
    #[error("stopped before the end")]
    Interrupted,
}

/// Stops a running benchmark from another thread: the peer is killed, the run cleans up and
/// returns [`BenchError::Interrupted`].
#[derive(Clone, Debug, Default)]
pub struct Cancel {
    inner: Arc<CancelInner>,
}

#[derive(Debug, Default)]
struct CancelInner {
    stopped: AtomicBool,
    /// The live peer's pid. The lock keeps a kill from racing with the reaping of the pid.
    peer: Mutex<Option<i32>>,
}

impl Cancel {
    /// A handle that has not been used.
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Asks the run to stop, and kills its peer so that no wait lasts.
    pub fn cancel(&self) {
        self.inner.stopped.store(true, Ordering::SeqCst);
        let peer = self.inner.peer.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(pid) = *peer {
            kill_peer(pid);
        }
    }

    /// Whether [`Cancel::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.inner.stopped.load(Ordering::SeqCst)
    }

    /// Records the live peer (`None` before reaping it); a peer born after a cancel is killed.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    fn set_peer(&self, pid: Option<i32>) {
        let mut peer = self.inner.peer.lock().unwrap_or_else(|e| e.into_inner());
        *peer = pid;
        if let Some(pid) = pid
            && self.is_cancelled()
        {
            kill_peer(pid);
        }
    }
}

#[cfg(target_os = "linux")]
fn kill_peer(pid: i32) {
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGKILL,
    );
}

#[cfg(not(target_os = "linux"))]
fn kill_peer(_: i32) {}

/// How far a run has got, told as it goes (for a display that fills the table row by row).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Progress<'a> {
    /// The measurement of this mechanism starts.
    Starting(Mechanism),
    /// This mechanism's row is measured.
    Measured(&'a Row),
}

/// Measures every mechanism in `options` and returns the table.
pub fn run(options: &Options) -> Result<Table, BenchError> {
    run_with(options, &Cancel::new())
}

/// [`run`], which `cancel` can stop from another thread.
pub fn run_with(options: &Options, cancel: &Cancel) -> Result<Table, BenchError> {
    run_reporting(options, cancel, &mut |_| {})
}

/// [`run_with`], telling `report` when each mechanism starts and when its row is measured.
pub fn run_reporting(
    options: &Options,
    cancel: &Cancel,
    report: &mut dyn FnMut(Progress<'_>),
) -> Result<Table, BenchError> {
    options.check()?;
    #[cfg(target_os = "linux")]
    return runner::run(options, cancel, report);
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (cancel, report);
        Err(BenchError::Unsupported)
    }
}
