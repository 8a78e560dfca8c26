//! proclab's end of the benchmark. For each mechanism a [`Session`] makes the objects, starts
//! the peer (`proclab __ipc-peer`, through `Command`: this process may have threads, so it never
//! forks itself), times the round trips and the bulk transfer, and reaps the peer. Dropping a
//! session, whatever the reason, kills and reaps its peer and unlinks what is still linked.

#![forbid(unsafe_code)]

use super::channel::{CONNECT_PATIENCE, Channel, DONE, HELLO, Watch};
use super::stats::{Latency, mb_per_s};
use super::table::{Bandwidth, Method, Row, Table};
use super::{BenchError, Cancel, Mechanism, Options, PEER_COMMAND, PeerArgs, Progress, names};
use super::{fifo, mq, pipe, shm, socket};
use nix::sys::wait::{Id, WaitPidFlag, WaitStatus, waitid};
use nix::unistd::Pid;
use std::io::{self, Read};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Set while a run is under way: two runs in one process would share the same names.
static RUNNING: AtomicBool = AtomicBool::new(false);

/// Holds [`RUNNING`] for the length of a run.
struct Busy;

impl Busy {
    fn take() -> Result<Busy, BenchError> {
        if RUNNING.swap(true, Ordering::SeqCst) {
            return Err(BenchError::Busy);
        }
        Ok(Busy)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        RUNNING.store(false, Ordering::SeqCst);
    }
}

/// The run's private directory, removed with everything in it when the run ends.
struct RunDir(PathBuf);

impl RunDir {
    fn create(owner: i32) -> Result<RunDir, BenchError> {
        use std::os::unix::fs::DirBuilderExt;
        let dir = names::run_dir(owner);
        // Left by an earlier run of this same process that could not remove it.
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&dir)
            .map_err(|source| BenchError::Setup {
                what: format!("create {}", dir.display()),
                source,
            })?;
        Ok(RunDir(dir))
    }
}

impl Drop for RunDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What every mechanism of one run shares.
pub struct Ctx<'a> {
    /// proclab's pid, in every name.
    pub owner: i32,
    /// The run's private directory.
    pub dir: PathBuf,
    /// The binary to start as the peer.
    exe: PathBuf,
    /// What to measure.
    pub options: &'a Options,
    cancel: &'a Cancel,
}

/// A named object, removed when the session ends if it was not unlinked before.
pub enum Named {
    /// A shared-memory object.
    Shm(String),
    /// A message queue.
    Mq(String),
    /// A FIFO or a socket in the run's directory.
    Path(PathBuf),
}

impl Named {
    fn unlink(&self) -> io::Result<()> {
        let gone = match self {
            Named::Shm(name) => nix::sys::mman::shm_unlink(name.as_str()).map_err(io::Error::from),
            Named::Mq(name) => nix::mqueue::mq_unlink(name.as_str()).map_err(io::Error::from),
            Named::Path(path) => std::fs::remove_file(path),
        };
        match gone {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// One mechanism's measurement: its peer process and its named objects.
pub struct Session<'a> {
    /// The mechanism measured.
    pub mechanism: Mechanism,
    /// The run.
    pub ctx: &'a Ctx<'a>,
    /// Bytes per send of the bulk transfer (the message queue may lower it).
    pub chunk: usize,
    /// The row's note.
    pub note: String,
    child: Option<Child>,
    named: Vec<Named>,
}

impl<'a> Session<'a> {
    fn new(mechanism: Mechanism, ctx: &'a Ctx<'a>) -> Session<'a> {
        Session {
            mechanism,
            ctx,
            chunk: ctx.options.chunk_bytes,
            note: String::new(),
            child: None,
            named: Vec::new(),
        }
    }

    /// Remembers an object to remove if the session ends before [`Session::unlink_all`].
    pub fn own(&mut self, named: Named) {
        self.named.push(named);
    }

    /// Unlinks every named object: both sides have them open, and open objects live on.
    pub fn unlink_all(&mut self) -> Result<(), BenchError> {
        for named in std::mem::take(&mut self.named) {
            named.unlink().map_err(|e| self.fail("unlink", e))?;
        }
        Ok(())
    }

    /// Starts the peer with these standard input and output.
    pub fn spawn(&mut self, stdin: Stdio, stdout: Stdio) -> Result<(), BenchError> {
        let o = self.ctx.options;
        let args = PeerArgs {
            mechanism: self.mechanism,
            owner: self.ctx.owner,
            rounds: o.warmup + o.rounds,
            message: o.message_bytes,
            total: o.total_bytes,
            chunk: self.chunk,
        };
        // Its own process group: a Ctrl-C typed at the terminal reaches proclab only, which
        // then ends the peer itself, in order.
        let child = Command::new(&self.ctx.exe)
            .arg(PEER_COMMAND)
            .args(args.to_args())
            .stdin(stdin)
            .stdout(stdout)
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .map_err(|source| BenchError::Setup {
                what: format!("start {} {PEER_COMMAND}", self.ctx.exe.display()),
                source,
            })?;
        self.ctx.cancel.set_peer(Some(child.id() as i32));
        self.child = Some(child);
        Ok(())
    }

    /// What proclab's waits check: the run is wanted and the peer is alive.
    pub fn watch(&self) -> Watch {
        Watch {
            cancel: Some(self.ctx.cancel.clone()),
            peer: self.child.as_ref().map(|c| Pid::from_raw(c.id() as i32)),
            parent: None,
        }
    }

    /// The error to report for a failed `what`: a stop, the peer's own failure (what it
    /// said), or the system call's error.
    pub fn fail(&mut self, what: &str, error: impl Into<io::Error>) -> BenchError {
        if self.ctx.cancel.is_cancelled() {
            return BenchError::Interrupted;
        }
        if let Some(child) = self.child.as_mut() {
            // A peer that failed closes its ends as it exits: give it a moment to be done.
            let deadline = Instant::now() + Duration::from_millis(500);
            while Instant::now() < deadline {
                if let Ok(Some(status)) = child.try_wait() {
                    self.ctx.cancel.set_peer(None);
                    let message = ended(status, child);
                    self.child = None;
                    return BenchError::Peer {
                        mechanism: self.mechanism,
                        message,
                    };
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        }
        BenchError::Io {
            mechanism: self.mechanism,
            what: what.into(),
            source: error.into(),
        }
    }

    /// Waits for the peer's first word, then unlinks the objects both sides now hold open.
    pub fn greet(&mut self, channel: &mut dyn Channel) -> Result<(), BenchError> {
        let mut hello = [0u8; 1];
        channel
            .recv(&mut hello, &self.watch())
            .map_err(|e| self.fail("wait for the peer to open its end", e))?;
        if hello != HELLO {
            return Err(self.fail("greet", io::Error::other("unexpected first message")));
        }
        self.unlink_all()
    }

    /// Waits for the peer to exit after its last message, and reaps it.
    fn finish(&mut self) -> Result<(), BenchError> {
        let Some(child) = self.child.as_mut() else {
            return Ok(());
        };
        let pid = Pid::from_raw(child.id() as i32);
        let deadline = Instant::now() + CONNECT_PATIENCE;
        // Look without reaping while the pid is still registered for a cancel's kill.
        let flags = WaitPidFlag::WEXITED | WaitPidFlag::WNOHANG | WaitPidFlag::WNOWAIT;
        while let Ok(WaitStatus::StillAlive) = waitid(Id::Pid(pid), flags) {
            if Instant::now() > deadline {
                return Err(self.fail("wait for the peer to exit", io::ErrorKind::TimedOut));
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        self.ctx.cancel.set_peer(None);
        let status = child.wait().map_err(|e| BenchError::Io {
            mechanism: self.mechanism,
            what: "wait for the peer".into(),
            source: e,
        })?;
        if !status.success() {
            let message = ended(status, child);
            self.child = None;
            return Err(BenchError::Peer {
                mechanism: self.mechanism,
                message,
            });
        }
        self.child = None;
        Ok(())
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // Unregistered first, so that a cancel never kills a pid that was reaped.
            self.ctx.cancel.set_peer(None);
            let _ = child.kill();
            let _ = child.wait();
        }
        for named in std::mem::take(&mut self.named) {
            let _ = named.unlink();
        }
    }
}

/// How a peer ended, with the last line it wrote to standard error.
fn ended(status: ExitStatus, child: &mut Child) -> String {
    let how = match (status.code(), status.signal()) {
        (Some(code), _) => format!("exited with code {code}"),
        (None, Some(signal)) => format!("was killed by signal {signal}"),
        _ => status.to_string(),
    };
    let mut said = String::new();
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut said);
    }
    match said.lines().rev().find(|l| !l.trim().is_empty()) {
        Some(line) => format!("{how}: {}", line.trim()),
        None => how,
    }
}

/// Measures every mechanism in `options`, telling `report` how far it has got.
pub fn run(
    options: &Options,
    cancel: &Cancel,
    report: &mut dyn FnMut(Progress<'_>),
) -> Result<Table, BenchError> {
    let _busy = Busy::take()?;
    let owner = std::process::id() as i32;
    names::sweep_stale();
    let exe = match &options.peer_exe {
        Some(path) => path.clone(),
        None => std::env::current_exe().map_err(|source| BenchError::Setup {
            what: "find proclab's own binary".into(),
            source,
        })?,
    };
    let dir = RunDir::create(owner)?;
    let ctx = Ctx {
        owner,
        dir: dir.0.clone(),
        exe,
        options,
        cancel,
    };
    let mut rows = Vec::new();
    // Once a stop is asked for, whatever fails next (the peer killed as it was exiting, say)
    // is the stop, and a run that ended anyway is not reported as complete.
    let stopped = |e: BenchError| {
        if cancel.is_cancelled() {
            BenchError::Interrupted
        } else {
            e
        }
    };
    for &mechanism in &options.mechanisms {
        if cancel.is_cancelled() {
            return Err(BenchError::Interrupted);
        }
        report(Progress::Starting(mechanism));
        let row = measure(mechanism, &ctx).map_err(stopped)?;
        report(Progress::Measured(&row));
        rows.push(row);
    }
    drop(dir);
    if cancel.is_cancelled() {
        return Err(BenchError::Interrupted);
    }
    Ok(Table {
        rows,
        method: method(options),
    })
}

/// One row: connect, round trips, bulk transfer, reap.
fn measure(mechanism: Mechanism, ctx: &Ctx<'_>) -> Result<Row, BenchError> {
    let mut session = Session::new(mechanism, ctx);
    let s = &mut session;
    let mut channel: Box<dyn Channel> = match mechanism {
        Mechanism::Pipe => pipe::open(s)?,
        Mechanism::Fifo => fifo::open(s)?,
        Mechanism::Shm => shm::open(s)?,
        Mechanism::Mq => mq::open(s)?,
        Mechanism::Socket => socket::open(s)?,
    };
    let watch = s.watch();
    let o = ctx.options;
    let samples = round_trips(channel.as_mut(), o, &watch).map_err(|e| s.fail("round trip", e))?;
    let seconds = bulk(channel.as_mut(), o.total_bytes, s.chunk, &watch)
        .map_err(|e| s.fail("bulk transfer", e))?;
    drop(channel);
    s.finish()?;
    Ok(Row {
        mechanism,
        latency: Latency::from_nanos(&samples),
        bandwidth: Bandwidth {
            bytes: o.total_bytes,
            chunk_bytes: s.chunk,
            seconds,
            mb_per_s: mb_per_s(o.total_bytes, seconds),
        },
        note: std::mem::take(&mut s.note),
    })
}

/// Times each round trip after the warm-up, in nanoseconds; checks each reply is the message.
fn round_trips(channel: &mut dyn Channel, o: &Options, watch: &Watch) -> io::Result<Vec<u64>> {
    let mut message = vec![0x5a_u8; o.message_bytes];
    let mut reply = vec![0u8; o.message_bytes];
    let mut samples = Vec::with_capacity(o.rounds);
    for round in 0..o.warmup + o.rounds {
        // A different first byte every round, so that a stale reply cannot pass for this one.
        message[0] = round as u8;
        let start = Instant::now();
        channel.send(&message, watch)?;
        channel.recv(&mut reply, watch)?;
        let took = start.elapsed();
        if reply != message {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("round {round}: the reply differs from the message"),
            ));
        }
        if round >= o.warmup {
            samples.push(took.as_nanos().min(u128::from(u64::MAX)) as u64);
        }
    }
    Ok(samples)
}

/// Sends `total` bytes in `chunk`-sized pieces and waits for the peer's word that all arrived.
fn bulk(channel: &mut dyn Channel, total: u64, chunk: usize, watch: &Watch) -> io::Result<f64> {
    let data: Vec<u8> = (0..chunk).map(|i| i as u8).collect();
    let start = Instant::now();
    let mut left = total;
    while left > 0 {
        let n = left.min(chunk as u64) as usize;
        channel.send(&data[..n], watch)?;
        left -= n as u64;
    }
    let mut done = [0u8; 1];
    channel.recv(&mut done, watch)?;
    let seconds = start.elapsed().as_secs_f64();
    if done != DONE {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "the peer's last message is not the expected one",
        ));
    }
    Ok(seconds)
}

/// The conditions of the run, read from this machine.
fn method(o: &Options) -> Method {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu_model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, model)| model.split_whitespace().collect::<Vec<_>>().join(" "));
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .ok()
        .map(|k| k.trim().to_string());
    Method {
        rounds: o.rounds,
        warmup: o.warmup,
        message_bytes: o.message_bytes,
        total_bytes: o.total_bytes,
        chunk_bytes: o.chunk_bytes,
        cpus,
        // Every CPU the kernel lists, whatever this process's affinity.
        machine_cpus: cpuinfo
            .lines()
            .filter(|l| l.starts_with("processor"))
            .count()
            .max(cpus),
        cpu_model,
        kernel,
    }
}
