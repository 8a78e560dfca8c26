//! The real-OS lab, tested from outside: the built binary runs scenarios with `--real`, and
//! the tests read `/proc` themselves to check what it reports — and that nothing it made is
//! left behind, however the run ends. The tests never fork: only the binary's helper does.

#![cfg(target_os = "linux")]

use proclab::lab::names::leftovers;
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_proclab");

/// A scenario file of its own in the temporary directory.
fn scenario_file(name: &str, text: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("lab-test-{}-{name}.toml", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

/// A run of `proclab run … --real --json --step`, paused after every step until told to go on.
struct Stepper {
    child: Child,
    input: Option<ChildStdin>,
    output: BufReader<ChildStdout>,
    helper: i32,
    pids: Vec<i32>,
}

impl Stepper {
    fn start(scenario: &str, extra: &[&str]) -> Stepper {
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
    fn next(&mut self) -> Option<Value> {
        if let Some(input) = self.input.as_mut() {
            // The run reads a line before each step; after the last one it reads no more.
            let _ = input.write_all(b"\n").and_then(|()| input.flush());
        }
        self.line()
    }

    /// The next JSON line, or `None` at the end of output.
    fn line(&mut self) -> Option<Value> {
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
fn proc_stat(pid: i32) -> Option<(char, i32)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &text[text.rfind(')')? + 2..];
    let mut fields = after.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let ppid = fields.next()?.parse().ok()?;
    Some((state, ppid))
}

fn process<'a>(record: &'a Value, side: &str, name: &str) -> Option<&'a Value> {
    record[side].as_object()?.get(name)
}

/// The pids of every twin named in JSON lines.
fn pids_in(lines: &[Value]) -> Vec<i32> {
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
fn assert_nothing_left(helper: i32, pids: &[i32]) {
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

#[test]
fn every_bundled_scenario_agrees_with_the_real_kernel() {
    let list = Command::new(BIN).arg("scenarios").output().unwrap();
    let ids: Vec<String> = String::from_utf8_lossy(&list.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| w.contains('/'))
        .map(String::from)
        .collect();
    assert!(ids.len() >= 30, "{ids:?}");
    for id in &ids {
        let out = Command::new(BIN)
            .args(["run", id, "--real", "--json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{id}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let report = lines.last().unwrap();
        assert_eq!(report["type"], "report", "{id}");
        let check = &report["real_check"];
        assert_eq!(check["agree"], true, "{id}: {}", check["mismatches"]);
        // One line per step of the simulated kernel, numbered in order, then the report.
        let steps = &lines[..lines.len() - 1];
        assert_eq!(
            steps.len() as u64,
            steps[0]["steps"].as_u64().unwrap(),
            "{id}"
        );
        for (i, l) in steps.iter().enumerate() {
            assert_eq!(l["step"].as_u64(), Some(i as u64 + 1), "{id}");
            for p in l["sim"].as_object().unwrap().values() {
                let state = p["state"].as_str().unwrap();
                let known = ["new", "ready", "running", "waiting", "terminated", "zombie"];
                assert!(known.contains(&state), "{id}: {state}");
            }
        }
        // The simulated report is the one `run --json` prints.
        assert!(
            report["processes"]
                .as_array()
                .is_some_and(|p| !p.is_empty()),
            "{id}"
        );
        let helper = check["helper_pid"].as_i64().unwrap() as i32;
        assert_nothing_left(helper, &pids_in(&lines));
    }
}

#[test]
fn a_reported_zombie_is_a_zombie_in_proc() {
    let mut run = Stepper::start("lifecycle/zombie", &[]);
    let mut seen_zombie = false;
    while let Some(record) = run.next() {
        if record["type"] == "report" {
            assert_eq!(record["real_check"]["agree"], true);
            break;
        }
        let sim = process(&record, "sim", "child");
        if sim.is_some_and(|p| p["state"] == "zombie") {
            let real = process(&record, "real", "child").unwrap();
            let parent = process(&record, "real", "parent").unwrap();
            let pid = real["pid"].as_i64().unwrap() as i32;
            assert_eq!(real["state"], "Z");
            // Seen from outside while the run is paused at this step.
            let (state, ppid) = proc_stat(pid).expect("the zombie exists");
            assert_eq!(state, 'Z');
            assert_eq!(i64::from(ppid), parent["pid"].as_i64().unwrap());
            seen_zombie = true;
        }
        if sim.is_some_and(|p| p["state"] == "terminated") {
            let pid = process(&record, "real", "child").unwrap()["pid"]
                .as_i64()
                .unwrap();
            assert_eq!(
                proc_stat(pid as i32),
                None,
                "reaped: its /proc entry is gone"
            );
        }
    }
    assert!(seen_zombie);
    assert!(run.child.wait().unwrap().success());
    assert_nothing_left(run.helper, &run.pids);
}

#[test]
fn an_orphan_is_adopted_by_the_helper_and_a_blocked_reader_sleeps_in_the_kernel() {
    let mut run = Stepper::start("lifecycle/orphan", &[]);
    let mut adopted = false;
    while let Some(record) = run.next() {
        if record["type"] == "report" {
            break;
        }
        if let Some(worker) = process(&record, "real", "worker")
            && process(&record, "sim", "worker").is_some_and(|p| p["ppid"] == 1)
            && worker["state"] != "-"
        {
            let (_, ppid) = proc_stat(worker["pid"].as_i64().unwrap() as i32).unwrap();
            assert_eq!(ppid, run.helper, "the subreaper adopts the orphan");
            adopted = true;
        }
    }
    assert!(adopted);
    run.child.wait().unwrap();
    assert_nothing_left(run.helper, &run.pids);

    let mut run = Stepper::start("ipc/pipe-greeting", &[]);
    let mut blocked = false;
    while let Some(record) = run.next() {
        if record["type"] == "report" {
            break;
        }
        if process(&record, "sim", "child").is_some_and(|p| p["waits_for"] == "read greeting") {
            let real = process(&record, "real", "child").unwrap();
            let pid = real["pid"].as_i64().unwrap();
            let wchan = std::fs::read_to_string(format!("/proc/{pid}/wchan")).unwrap();
            assert!(wchan.contains("pipe_read"), "{wchan}");
            assert_eq!(proc_stat(pid as i32).unwrap().0, 'S');
            let fds = real["fds"].as_array().unwrap();
            assert!(
                fds.iter()
                    .any(|f| f["object"] == "greeting" && f["fd"] == 3),
                "{fds:?}"
            );
            blocked = true;
        }
    }
    assert!(blocked);
    run.child.wait().unwrap();
    assert_nothing_left(run.helper, &run.pids);
}

/// Whether the POSIX message queue `name` exists.
fn queue_exists(name: &str) -> bool {
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

/// Stops a run at its third step with `signal`, then checks that everything is gone.
fn interrupted(signal: &str, target_helper: bool) {
    interrupted_in("ipc/producer-consumer", signal, target_helper);
}

/// Stops a run of `scenario` at its third step with `signal`, then checks that everything is
/// gone, message queues included.
fn interrupted_in(scenario: &str, signal: &str, target_helper: bool) {
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
}

#[test]
fn no_message_queue_outlives_a_run_stopped_by_ctrl_c() {
    interrupted_in("ipc/message-buffer", "INT", false);
}

#[test]
fn no_message_queue_outlives_proclab_killed_with_sigkill() {
    interrupted_in("ipc/message-buffer", "KILL", false);
}

#[test]
fn no_message_queue_outlives_a_helper_killed_with_sigkill() {
    interrupted_in("ipc/message-buffer", "KILL", true);
}

#[test]
fn nothing_outlives_a_run_stopped_by_ctrl_c() {
    interrupted("INT", false);
}

#[test]
fn nothing_outlives_a_run_stopped_by_sigterm() {
    interrupted("TERM", false);
}

#[test]
fn nothing_outlives_proclab_killed_with_sigkill() {
    interrupted("KILL", false);
}

#[test]
fn nothing_outlives_a_helper_killed_with_sigkill() {
    interrupted("KILL", true);
}

#[test]
fn a_step_that_hangs_is_named_and_the_run_is_torn_down() {
    // The model's image of `sleep` ends after a tick; the real sleep takes 30 s.
    let file = scenario_file(
        "hang",
        "title = \"t\"\n[[process]]\nname = \"napper\"\nprogram = [\"exec sleep 30\"]\n",
    );
    let begun = Instant::now();
    let out = Command::new(BIN)
        .args([
            "run",
            file.to_str().unwrap(),
            "--real",
            "--json",
            "--timeout",
            "1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("napper (pid "), "{err}");
    assert!(err.contains("within 1 s"), "{err}");
    assert!(err.contains("removed"), "{err}");
    assert!(begun.elapsed() < Duration::from_secs(20));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let helper = lines[0]["helper_pid"].as_i64().unwrap() as i32;
    let pids = pids_in(&lines);
    assert!(!pids.is_empty());
    assert_nothing_left(helper, &pids);
    std::fs::remove_file(file).ok();
}

#[test]
fn exec_outside_the_allow_list_is_refused_with_its_line() {
    let file = scenario_file(
        "exec",
        "title = \"t\"\n[[process]]\nname = \"p\"\nprogram = [\"cpu 1\", \"exec python3 -c 1\"]\n",
    );
    let out = Command::new(BIN)
        .args(["run", file.to_str().unwrap(), "--real"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("exec python3"), "{err}");
    assert!(err.contains(":4:"), "line 4 is named: {err}");
    assert!(err.contains("--allow-exec"), "{err}");
    assert!(out.stdout.is_empty());
    // Without --real the model runs it (as a default image).
    let model = Command::new(BIN)
        .args(["run", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(model.status.success());
    std::fs::remove_file(file).ok();
}

#[test]
fn too_many_processes_are_refused() {
    let file = scenario_file(
        "many",
        "title = \"t\"\n[generate]\ncount = 100\nburst = [1, 3]\narrival_gap = [0, 5]\n",
    );
    let out = Command::new(BIN)
        .args(["run", file.to_str().unwrap(), "--real"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("at most 64"), "{err}");
    std::fs::remove_file(file).ok();
}

#[test]
fn allow_exec_runs_other_programs_and_their_output_is_shown() {
    let file = scenario_file(
        "uname",
        "title = \"t\"\n[[process]]\nname = \"p\"\nprogram = [\"exec uname -s\"]\n",
    );
    let path = file.to_str().unwrap();
    let refused = Command::new(BIN)
        .args(["run", path, "--real"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let out = Command::new(BIN)
        .args(["run", path, "--real", "--allow-exec"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    // The text report: both views, the real program's output, and the comparison.
    assert!(text.contains("real Linux kernel"), "{text}");
    assert!(
        text.contains("| Linux"),
        "uname's output on the run's terminal: {text}"
    );
    assert!(text.contains("the two views agree"), "{text}");
    std::fs::remove_file(file).ok();
}

/// The local addresses (`ip:port`, hex as `/proc/net/tcp` writes them) of the TCP sockets
/// with these inodes.
fn tcp_local_addresses(inodes: &[String]) -> Vec<String> {
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap();
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            inodes
                .contains(&f.get(9)?.to_string())
                .then(|| f[1].to_string())
        })
        .collect()
}

#[test]
fn sockets_show_in_the_descriptor_tables_stay_on_loopback_and_block_in_the_kernel() {
    let mut run = Stepper::start("ipc/date-server", &[]);
    let (mut accepting, mut receiving, mut closed) = (false, false, false);
    while let Some(record) = run.next() {
        if record["type"] == "report" {
            assert_eq!(record["real_check"]["agree"], true, "{record}");
            break;
        }
        let waits = |name: &str| {
            process(&record, "sim", name)
                .and_then(|p| p["waits_for"].as_str())
                .unwrap_or("")
                .to_string()
        };
        if waits("server") == "accept daytime" && !accepting {
            let server = process(&record, "real", "server").unwrap();
            let fds = server["fds"].as_array().unwrap();
            let listening: Vec<String> = fds
                .iter()
                .filter(|f| f["object"] == "daytime (listening tcp)")
                .map(|f| {
                    let target = f["target"].as_str().unwrap();
                    target["socket:[".len()..target.len() - 1].to_string()
                })
                .collect();
            assert_eq!(listening.len(), 1, "{fds:?}");
            // Bound to 127.0.0.1 (0100007F), never to another address.
            let addresses = tcp_local_addresses(&listening);
            assert_eq!(addresses.len(), 1);
            assert!(addresses[0].starts_with("0100007F:"), "{addresses:?}");
            let objects = record["objects"].as_array().unwrap();
            assert!(
                objects[0]["real"].as_str().unwrap().contains("Listen"),
                "{objects:?}"
            );
            accepting = true;
        }
        // Once the server has closed client1's connection, the client's socket is in
        // CloseWait; the server's FIN is not a byte waiting to be read.
        let real = record["objects"][0]["real"]
            .as_str()
            .unwrap_or("")
            .to_string();
        if let Some(at) = real.find("client1's client socket: CloseWait") {
            let rest = &real[at + "client1's client socket: CloseWait".len()..];
            assert!(!rest.starts_with(", "), "{real}");
            closed = true;
        }
        if waits("client1") == "recv daytime" && !receiving {
            let pid = process(&record, "real", "client1").unwrap()["pid"]
                .as_i64()
                .unwrap();
            let wchan = std::fs::read_to_string(format!("/proc/{pid}/wchan")).unwrap();
            assert_eq!(proc_stat(pid as i32).unwrap().0, 'S');
            assert!(wchan.contains("wait_woken"), "{wchan}");
            receiving = true;
        }
    }
    assert!(accepting && receiving && closed);
    run.child.wait().unwrap();
    assert_nothing_left(run.helper, &run.pids);
}

#[test]
fn no_socket_outlives_proclab_killed_with_sigkill() {
    // The Unix socket's file lives in the run's private directory, which must go too.
    interrupted_in("ipc/date-server-unix", "KILL", false);
}

#[test]
fn no_socket_outlives_a_helper_killed_with_sigkill() {
    interrupted_in("ipc/date-server", "KILL", true);
}
