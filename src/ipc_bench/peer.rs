//! The peer process, `proclab __ipc-peer`: the far end of every measurement. It is started by
//! proclab with `Command` (never forked from it), dies with it (`PR_SET_PDEATHSIG`), opens its
//! ends, says hello, echoes every round-trip message, receives the bulk transfer, says it is
//! done and exits. It prints nothing on standard output, which may be one of its pipes.

#![forbid(unsafe_code)]

use super::Mechanism;

/// The peer's command line, as proclab writes it.
#[derive(clap::Args, Clone, Debug, PartialEq)]
pub struct PeerArgs {
    /// The mechanism to open
    #[arg(long, value_enum)]
    pub mechanism: Mechanism,
    /// The pid of the proclab that started it: its parent, and the owner in every name
    #[arg(long)]
    pub owner: i32,
    /// Round trips to answer, warm-up included
    #[arg(long)]
    pub rounds: usize,
    /// Bytes of each round-trip message
    #[arg(long)]
    pub message: usize,
    /// Bytes of the bulk transfer
    #[arg(long)]
    pub total: u64,
    /// Bytes of each piece of the bulk transfer
    #[arg(long)]
    pub chunk: usize,
}

impl PeerArgs {
    /// The arguments after the subcommand's name.
    pub fn to_args(&self) -> Vec<String> {
        vec![
            "--mechanism".into(),
            self.mechanism.id().into(),
            "--owner".into(),
            self.owner.to_string(),
            "--rounds".into(),
            self.rounds.to_string(),
            "--message".into(),
            self.message.to_string(),
            "--total".into(),
            self.total.to_string(),
            "--chunk".into(),
            self.chunk.to_string(),
        ]
    }
}

/// The peer's `main`: 0 when it has served the whole run, 1 on an error (said on stderr).
pub fn main(args: &PeerArgs) -> i32 {
    match serve(args) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!(
                "proclab {} ({}): {e}",
                super::PEER_COMMAND,
                args.mechanism.id()
            );
            1
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn serve(_: &PeerArgs) -> Result<(), String> {
    Err(super::BenchError::Unsupported.to_string())
}

#[cfg(target_os = "linux")]
fn serve(args: &PeerArgs) -> Result<(), String> {
    use super::channel::{Channel, DONE, HELLO, Watch};
    use super::{fifo, mq, pipe, shm, socket};
    use nix::unistd::{Pid, getppid};

    let owner = Pid::from_raw(args.owner);
    // Die with proclab, then make sure it had not died already.
    nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL)
        .map_err(|e| format!("PR_SET_PDEATHSIG: {e}"))?;
    if getppid() != owner {
        return Err("this is started by `proclab bench ipc`, not by hand".into());
    }
    if args.message == 0 || args.chunk == 0 || args.message > args.chunk {
        return Err("bad message or chunk size".into());
    }
    let watch = Watch {
        parent: Some(owner),
        ..Watch::default()
    };
    let opened = match args.mechanism {
        Mechanism::Pipe => pipe::peer(),
        Mechanism::Fifo => fifo::peer(args.owner),
        Mechanism::Shm => shm::peer(args.owner, args.chunk),
        Mechanism::Mq => mq::peer(args.owner),
        Mechanism::Socket => socket::peer(args.owner),
    };
    let mut channel: Box<dyn Channel> = opened.map_err(|e| format!("open: {e}"))?;
    let io = |what: &'static str| move |e: std::io::Error| format!("{what}: {e}");
    channel.send(HELLO, &watch).map_err(io("hello"))?;
    let mut message = vec![0u8; args.message];
    for _ in 0..args.rounds {
        channel
            .recv(&mut message, &watch)
            .map_err(io("round trip"))?;
        channel.send(&message, &watch).map_err(io("round trip"))?;
    }
    let mut piece = vec![0u8; args.chunk];
    let mut left = args.total;
    while left > 0 {
        let n = left.min(args.chunk as u64) as usize;
        channel
            .recv(&mut piece[..n], &watch)
            .map_err(io("bulk transfer"))?;
        left -= n as u64;
    }
    channel.send(DONE, &watch).map_err(io("done"))
}
