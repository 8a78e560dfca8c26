//! `proclab bench ipc`, tested from outside through the built binary: five rows with figures
//! in text and JSON, and nothing left behind — no directory, shared memory, message queue or
//! peer process — after a normal end, after Ctrl-C, or (swept by the next run) after a run
//! that died. No timing is asserted: only that the figures are there and make sense. The tests
//! never fork; the binary starts its peers itself.

#![cfg(target_os = "linux")]

mod common;
use common::bench::{assert_nothing_left, peers_of};

use proclab::ipc_bench::Mechanism;
use proclab::ipc_bench::names::{leftovers, mq_names, run_dir, shm_name};
use serde_json::Value;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_proclab");

/// Small enough to be quick, big enough to measure something.
const QUICK: [&str; 6] = ["bench", "ipc", "--rounds", "200", "--size", "2M"];

/// Runs proclab to the end; returns its pid and output.
fn run(args: &[&str]) -> (i32, Output) {
    let child = Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as i32;
    (pid, child.wait_with_output().unwrap())
}

fn positive(x: f64) -> bool {
    x.is_finite() && x > 0.0
}

#[test]
fn the_table_has_five_rows_of_positive_figures_and_nothing_is_left() {
    let (pid, out) = run(&QUICK);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for mechanism in Mechanism::ALL {
        let line = text
            .lines()
            .find(|l| l.starts_with(mechanism.title()))
            .unwrap_or_else(|| panic!("no row for {mechanism}:\n{text}"));
        // median, p99 and MB/s follow the name.
        let figures: Vec<f64> = line[mechanism.title().len()..]
            .split_whitespace()
            .take(3)
            .map(|f| f.replace(',', "").parse().unwrap())
            .collect();
        assert!(figures.iter().all(|&f| positive(f)), "{line}");
        assert!(figures[0] <= figures[1], "median above p99: {line}");
    }
    assert!(
        text.contains("Method: a round trip is one 64 B message"),
        "{text}"
    );
    assert!(
        text.contains("separate processes") && text.contains("CPU"),
        "{text}"
    );
    assert!(text.contains("msgsize_max"), "{text}");
    assert_nothing_left(pid);
}

#[test]
fn json_has_five_rows_of_positive_figures_and_nothing_is_left() {
    let mut args = QUICK.to_vec();
    args.push("--json");
    let (pid, out) = run(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = doc["rows"].as_array().unwrap();
    let ids: Vec<&str> = rows
        .iter()
        .map(|r| r["mechanism"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["pipe", "fifo", "shm", "mq", "socket"]);
    for row in rows {
        for figure in [
            &row["latency"]["median_us"],
            &row["latency"]["p99_us"],
            &row["bandwidth"]["mb_per_s"],
            &row["bandwidth"]["seconds"],
        ] {
            assert!(positive(figure.as_f64().unwrap()), "{row}");
        }
        assert_eq!(row["latency"]["rounds"], 200);
        assert_eq!(row["bandwidth"]["bytes"], 2 << 20);
    }
    let mq = &rows[3];
    assert!(
        mq["bandwidth"]["chunk_bytes"].as_u64().unwrap() <= 8192,
        "{mq}"
    );
    assert!(positive(doc["method"]["cpus"].as_f64().unwrap()));
    assert_eq!(doc["method"]["message_bytes"], 64);
    assert_nothing_left(pid);
}

/// Starts a run that would take hours, and waits until its peer is up.
fn long_run(mechanism: &str) -> (Child, i32) {
    let child = Command::new(BIN)
        .args(["bench", "ipc", "--only", mechanism, "--size", "1T"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as i32;
    let deadline = Instant::now() + Duration::from_secs(20);
    while peers_of(pid).is_empty() || !run_dir(pid).exists() {
        assert!(
            Instant::now() < deadline,
            "{mechanism}: the run did not start"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    (child, pid)
}

#[test]
fn ctrl_c_stops_every_mechanism_with_130_and_nothing_left() {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    for mechanism in Mechanism::ALL {
        for wait_ms in [0, 150] {
            let (child, pid) = long_run(mechanism.id());
            // At once (while connecting or in the round trips), and later (in the bulk).
            std::thread::sleep(Duration::from_millis(wait_ms));
            kill(Pid::from_raw(pid), Signal::SIGINT).unwrap();
            let out = child.wait_with_output().unwrap();
            assert_eq!(
                out.status.code(),
                Some(130),
                "{mechanism} after {wait_ms} ms: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_nothing_left(pid);
        }
    }
}

#[test]
fn objects_of_a_dead_run_are_swept_by_the_next() {
    use nix::mqueue::{MQ_OFlag, MqAttr, mq_close, mq_open};
    use nix::sys::stat::Mode;
    // A pid that is surely not a live proclab: a finished child's.
    let mut gone = Command::new("true").spawn().unwrap();
    gone.wait().unwrap();
    let dead = gone.id() as i32;
    std::fs::create_dir_all(run_dir(dead).join("inside")).unwrap();
    std::fs::write(format!("/dev/shm{}", shm_name(dead)), b"stale").unwrap();
    let mode = Mode::S_IRUSR | Mode::S_IWUSR;
    // With O_CREAT, attributes must be given: nix passes the mode only along with them.
    let attr = MqAttr::new(0, 1, 64, 0);
    for name in mq_names(dead) {
        let flags = MQ_OFlag::O_CREAT | MQ_OFlag::O_RDWR;
        mq_close(mq_open(name.as_str(), flags, mode, Some(&attr)).unwrap()).unwrap();
    }
    assert_eq!(leftovers(dead).len(), 4, "{:?}", leftovers(dead));
    let (pid, out) = run(&[
        "bench", "ipc", "--only", "pipe", "--rounds", "5", "--size", "64K",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_nothing_left(dead);
    assert_nothing_left(pid);
}

#[test]
fn bad_options_are_refused_with_exit_code_2() {
    for args in [
        &["bench", "ipc", "--rounds", "0"][..],
        &["bench", "ipc", "--rounds", "many"],
        &["bench", "ipc", "--size", "0"],
        &["bench", "ipc", "--size", "12Q"],
        &["bench", "ipc", "--only", "carrier-pigeon"],
        &["bench", "ipc", "--frobnicate"],
        &["bench"],
    ] {
        let (_, out) = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
    let (_, help) = run(&["bench", "ipc", "--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("Examples"));
}
