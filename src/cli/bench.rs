//! `proclab bench ipc`: measures the real kernel's IPC mechanisms side by side, and the hidden
//! `__ipc-peer` subcommand that serves as their far end. Ctrl-C (or SIGTERM, SIGHUP) stops a
//! run cleanly: the peer is killed and reaped, every object removed, and the exit code is
//! 128 + the signal's number.

#![forbid(unsafe_code)]

use super::{EXIT_BAD_INPUT, EXIT_FAILURE, print};
use crate::ipc_bench::{self, BenchError, Cancel, Mechanism, Options, PeerArgs, table};
use clap::{Args, Subcommand};

const IPC_HELP: &str = "\
Five mechanisms, one after the other: pipe, FIFO, POSIX shared memory, POSIX message queue,
Unix-domain stream socket. For each, proclab starts a peer process (itself, under a hidden
subcommand), times round trips of a 64-byte message (median and 99th percentile), then sends
the bulk size one way and reports MB/s. Everything the run creates carries proclab's pid in
its name and is removed at the end, on Ctrl-C too. Takes about a second with the defaults.

Examples:
  proclab bench ipc
  proclab bench ipc --rounds 100000 --size 256M
  proclab bench ipc --only shm,pipe --rounds 1000
  proclab bench ipc --json > ipc.json";

/// `proclab bench …`.
#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Round-trip latency and bandwidth of five real IPC mechanisms, side by side
    #[command(after_help = IPC_HELP)]
    Ipc(IpcArgs),
}

/// The options of `proclab bench ipc`.
#[derive(Args, Debug)]
pub struct IpcArgs {
    /// Round trips measured per mechanism (after a tenth as many, at most 1,000, as warm-up)
    #[arg(
        long,
        value_name = "N",
        default_value_t = ipc_bench::DEFAULT_ROUNDS as u64,
        value_parser = clap::value_parser!(u64).range(1..=ipc_bench::MAX_ROUNDS as u64)
    )]
    rounds: u64,
    /// Bytes sent one way per mechanism for the bandwidth figure: 65536, 512K, 64M, 1G…
    #[arg(long, value_name = "BYTES", default_value = "64M", value_parser = parse_size)]
    size: u64,
    /// Measure only these mechanisms, in this order (comma-separated)
    #[arg(long, value_name = "MECHANISM", value_enum, value_delimiter = ',')]
    only: Vec<Mechanism>,
    /// Print one JSON document instead of the table
    #[arg(long)]
    json: bool,
}

/// The largest bulk size accepted: 1 TiB.
const MAX_SIZE: u64 = 1 << 40;

fn parse_size(text: &str) -> Result<u64, String> {
    match table::parse_bytes(text)? {
        0 => Err("the size must be at least 1 byte".into()),
        n if n > MAX_SIZE => Err("the size may be at most 1T".into()),
        n => Ok(n),
    }
}

/// Runs `proclab bench …` and returns the exit code.
pub fn bench(command: &BenchCommand) -> i32 {
    match command {
        BenchCommand::Ipc(args) => ipc(args),
    }
}

fn ipc(args: &IpcArgs) -> i32 {
    let rounds = args.rounds as usize;
    let options = Options {
        rounds,
        warmup: ipc_bench::default_warmup(rounds),
        total_bytes: args.size,
        mechanisms: if args.only.is_empty() {
            Mechanism::ALL.to_vec()
        } else {
            args.only.clone()
        },
        ..Options::default()
    };
    let cancel = Cancel::new();
    let signal = match stop_on_signals(&cancel) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot handle signals: {e}");
            return EXIT_FAILURE;
        }
    };
    match ipc_bench::run_with(&options, &cancel) {
        Ok(t) => print(&if args.json {
            table::json(&t)
        } else {
            table::text(&t)
        }),
        Err(BenchError::Interrupted) => 128 + signal.load(std::sync::atomic::Ordering::SeqCst),
        Err(e @ BenchError::Options(_)) => {
            eprintln!("error: {e}");
            EXIT_BAD_INPUT
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_FAILURE
        }
    }
}

/// On SIGINT, SIGTERM or SIGHUP, cancels the run (which kills the peer; the run then cleans
/// up and returns). Returns where the signal's number will be, SIGINT's until one comes.
#[cfg(target_os = "linux")]
fn stop_on_signals(
    cancel: &Cancel,
) -> std::io::Result<std::sync::Arc<std::sync::atomic::AtomicI32>> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicI32, Ordering};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    let number = Arc::new(AtomicI32::new(SIGINT));
    let (cancel, seen) = (cancel.clone(), Arc::clone(&number));
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                seen.store(signal, Ordering::SeqCst);
                cancel.cancel();
                // The run normally returns within milliseconds; should it not, go anyway (a
                // later run sweeps whatever is left).
                std::thread::sleep(std::time::Duration::from_secs(5));
                std::process::exit(128 + signal);
            }
        })?;
    Ok(number)
}

#[cfg(not(target_os = "linux"))]
fn stop_on_signals(_: &Cancel) -> std::io::Result<std::sync::Arc<std::sync::atomic::AtomicI32>> {
    Ok(std::sync::Arc::new(std::sync::atomic::AtomicI32::new(2)))
}

/// Runs the peer process (`proclab __ipc-peer …`).
pub fn peer(args: &PeerArgs) -> i32 {
    ipc_bench::peer::main(args)
}
