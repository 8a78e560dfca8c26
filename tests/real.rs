//! The real-OS lab, tested from outside: the built binary runs scenarios with `--real`, and
//! the tests read `/proc` themselves to check what it reports — and that nothing it made is
//! left behind, however the run ends. The tests never fork: only the binary's helper does.

#![cfg(target_os = "linux")]

mod common;
use common::lab::*;
use serde_json::Value;
use std::process::Command;
use std::time::{Duration, Instant};

/// A scenario file of its own in the temporary directory.
fn scenario_file(name: &str, text: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("lab-test-{}-{name}.toml", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
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

/// Stops a run at its third step with `signal`, then checks that everything is gone.
fn interrupted(signal: &str, target_helper: bool) {
    interrupted_in("ipc/producer-consumer", signal, target_helper);
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
