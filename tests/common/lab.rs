//! The real-OS lab driven from outside: a stepped run of the built binary, `/proc` read by
//! the test itself, and the checks that nothing a run made is left behind however it ends.
//! The tests never fork: only the binary's helper does.

#![cfg(target_os = "linux")]

use proclab::lab::names::leftovers;
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_proclab");

/// A run of `proclab run … --real --json --step`, paused after every step until told to go on.
pub struct Stepper {
    pub child: Child,
    pub input: Option<ChildStdin>,
    pub output: BufReader<ChildStdout>,
    pub helper: i32,
    pub pids: Vec<i32>,
}

impl Stepper {
    pub fn start(scenario: &str, extra: &[&str]) -> Stepper {
        let mut child = Command::new(BIN)
            .args(["run", scenario, "--real", "--json", "--step"])
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let input = child.stdin.take();
        let output = BufReader::new(child.stdout.take().unwrap());
        Stepper {
            child,
            input,
            output,
            helper: 0,
            pids: Vec::new(),
        }
    }

    /// Lets the run take its next step, and reads what it prints: a step, or the report at the
    /// end (`None` after that).
    pub fn next(&mut self) -> Option<Value> {
        if let Some(input) = self.input.as_mut() {
            // The run reads a line before each step; after the last one it reads no more.
            let _ = input.write_all(b"\n").and_then(|()| input.flush());
        }
        self.line()
    }

    /// The next JSON line, or `None` at the end of output.
    pub fn line(&mut self) -> Option<Value> {
        let mut text = String::new();
        if self.output.read_line(&mut text).unwrap() == 0 {
            return None;
        }
        let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        if let Some(helper) = value["helper_pid"].as_i64() {
            self.helper = helper as i32;
        }
        for p in value["real"]
            .as_object()
            .into_iter()
            .flat_map(|m| m.values())
        {
            let pid = p["pid"].as_i64().unwrap() as i32;
            if !self.pids.contains(&pid) {
                self.pids.push(pid);
            }
        }
        Some(value)
    }
}

/// The state letter and parent pid of `pid`, read from `/proc` by the test itself.
pub fn proc_stat(pid: i32) -> Option<(char, i32)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &text[text.rfind(')')? + 2..];
    let mut fields = after.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let ppid = fields.next()?.parse().ok()?;
    Some((state, ppid))
}

/// Process `name` of one side (`sim` or `real`) of a step's record.
pub fn process<'a>(record: &'a Value, side: &str, name: &str) -> Option<&'a Value> {
    record[side].as_object()?.get(name)
}

/// The pids of every twin named in JSON lines.
pub fn pids_in(lines: &[Value]) -> Vec<i32> {
    let mut pids: Vec<i32> = lines
        .iter()
        .flat_map(|v| v["real"].as_object().into_iter().flat_map(|m| m.values()))
        .map(|p| p["pid"].as_i64().unwrap() as i32)
        .collect();
    pids.sort();
    pids.dedup();
    pids
}

/// Waits until none of `pids` is running (gone, or a zombie of someone outside the run) and the
/// helper's objects are gone.
pub fn assert_nothing_left(helper: i32, pids: &[i32]) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let alive: Vec<(i32, char)> = pids
            .iter()
            .chain(std::iter::once(&helper))
            .filter_map(|&p| proc_stat(p).map(|(s, _)| (p, s)))
            // The helper itself may stay a zombie of an init that does not reap; that is not ours.
            .filter(|&(p, s)| !(p == helper && s == 'Z'))
            .collect();
        let objects = leftovers(helper);
        if alive.is_empty() && objects.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "left behind: processes {alive:?}, objects {objects:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Whether the POSIX message queue `name` exists.
pub fn queue_exists(name: &str) -> bool {
    use nix::mqueue::{MQ_OFlag, mq_close, mq_open};
    match mq_open(
        name,
        MQ_OFlag::O_RDONLY,
        nix::sys::stat::Mode::empty(),
        None,
    ) {
        Ok(q) => {
            let _ = mq_close(q);
            true
        }
        Err(_) => false,
    }
}

/// The System V segments `/proc/sysvipc/shm` lists whose key is one the run of `helper` makes
/// (0x4 in the top bits, then the helper's pid): read by the test itself, not by the lab.
pub fn sysv_keys_of(helper: i32) -> Vec<i32> {
    let table = std::fs::read_to_string("/proc/sysvipc/shm").unwrap_or_default();
    table
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next()?.parse::<i32>().ok())
        .filter(|key| key >> 30 == 1 && (key >> 8) & 0x3f_ffff == helper)
        .collect()
}

/// Stops a run of `scenario` at its third step with `signal`, then checks that everything is
/// gone, message queues and System V segments included.
pub fn interrupted_in(scenario: &str, signal: &str, target_helper: bool) {
    let mut run = Stepper::start(scenario, &[]);
    for _ in 0..3 {
        run.next().unwrap();
    }
    assert!(!run.pids.is_empty());
    assert!(
        !leftovers(run.helper).is_empty(),
        "the run's objects exist while the run does"
    );
    // Queues can't be listed (/dev/mqueue may not be mounted): the run writes their names down.
    let list = proclab::lab::names::run_dir(run.helper).join("mqueues");
    let queues: Vec<String> = std::fs::read_to_string(list)
        .unwrap_or_default()
        .lines()
        .map(String::from)
        .collect();
    assert!(!queues.is_empty() || !scenario.contains("message"));
    // A System V segment has no name to find it by: its key carries the helper's pid.
    let segments = sysv_keys_of(run.helper);
    assert!(
        !segments.is_empty() || !scenario.contains("shm"),
        "a System V segment exists while the run does"
    );
    assert_eq!(
        queues.iter().filter(|q| queue_exists(q)).count(),
        queues.len()
    );
    let target = if target_helper {
        run.helper
    } else {
        run.child.id() as i32
    };
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &target.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    if target_helper {
        // Twins die with their helper; its objects are swept by the next run.
        let deadline = Instant::now() + Duration::from_secs(10);
        while run
            .pids
            .iter()
            .any(|&p| proc_stat(p).is_some_and(|(s, _)| s != 'Z'))
        {
            assert!(Instant::now() < deadline, "twins outlived their helper");
            std::thread::sleep(Duration::from_millis(20));
        }
        drop(run.input.take());
        let _ = run.child.wait();
        let next = Command::new(BIN)
            .args(["run", "lifecycle/kill", "--real", "--json"])
            .output()
            .unwrap();
        assert!(next.status.success());
    } else {
        let status = run.child.wait().unwrap();
        // Stopped on purpose, it says so with the usual code: 128 + the signal's number.
        match signal {
            "INT" => assert_eq!(status.code(), Some(130)),
            "TERM" => assert_eq!(status.code(), Some(143)),
            _ => assert_eq!(status.code(), None),
        }
    }
    assert_nothing_left(run.helper, &run.pids);
    let kept: Vec<&String> = queues.iter().filter(|q| queue_exists(q)).collect();
    assert!(kept.is_empty(), "message queues left behind: {kept:?}");
    let kept = sysv_keys_of(run.helper);
    assert!(kept.is_empty(), "System V segments left behind: {kept:x?}");
}
