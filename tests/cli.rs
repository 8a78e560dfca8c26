//! The command line as a user meets it: the built binary, its output and its exit codes.

use std::process::{Command, Output};

fn proclab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_proclab"))
        .args(args)
        .env("NO_COLOR", "1")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn the_bare_command_without_a_terminal_says_so_and_lists_the_scenarios() {
    let o = proclab(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("not a terminal"), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("scheduling/fcfs-convoy"), "{out}");
    assert!(!out.contains('\x1b'), "no escape codes: {out:?}");
}

#[test]
fn open_without_a_terminal_prints_the_plain_report() {
    let o = proclab(&["open", "scheduling/rr-textbook"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("not a terminal"), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("Gantt chart") && out.contains("Average waiting"),
        "{out}"
    );
    assert!(!out.contains('\x1b'), "no escape codes: {out:?}");
}

#[test]
fn open_with_a_bad_file_names_the_place_and_exits_with_2() {
    let o = proclab(&["open", "tests/invalid/missing-title.toml"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn run_prints_chart_table_and_summary() {
    let o = proclab(&["run", "scenarios/scheduling/fcfs-convoy.toml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    for part in [
        "Gantt chart",
        "Process",
        "Turnaround",
        "Waiting",
        "Response",
        "Average waiting",
        "CPU utilization",
        "Throughput",
        "Context switches",
    ] {
        assert!(out.contains(part), "missing {part}:\n{out}");
    }
    assert!(!out.contains("Events"), "no event log unless asked");
    let by_id = proclab(&["run", "scheduling/fcfs-convoy"]);
    assert_eq!(stdout(&by_id), out, "a bundled id runs the same file");
    let events = stdout(&proclab(&["run", "scheduling/fcfs-convoy", "--events"]));
    assert!(
        events.contains("Events") && events.contains("ready → running"),
        "{events}"
    );
}

#[test]
fn json_has_every_documented_field() {
    let o = proclab(&[
        "run",
        "scenarios/scheduling/rr-context-switch.toml",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    let processes = doc["processes"].as_array().expect("processes");
    assert!(!processes.is_empty());
    for key in [
        "name",
        "pid",
        "arrival",
        "cpu_time",
        "io_time",
        "first_run",
        "finish",
        "turnaround",
        "waiting",
        "response",
        "context_switches",
    ] {
        assert!(
            processes.iter().all(|p| p.get(key).is_some()),
            "process field {key}"
        );
    }
    for key in [
        "makespan",
        "avg_turnaround",
        "avg_waiting",
        "avg_response",
        "cpu_utilization",
        "throughput",
        "context_switches",
        "switch_overhead",
    ] {
        assert!(doc["summary"].get(key).is_some(), "summary field {key}");
    }
    let gantt = doc["gantt"].as_array().expect("gantt");
    assert!(
        gantt.iter().any(|b| b["kind"] == "switch"),
        "the showcase has switch blocks"
    );
    for key in ["cpu", "start", "end", "process", "kind"] {
        assert!(
            gantt.iter().all(|b| b.get(key).is_some()),
            "gantt field {key}"
        );
    }
    let events = doc["events"].as_array().expect("events");
    for key in ["time", "pid", "process", "from", "to", "reason"] {
        assert!(
            events.iter().all(|e| e.get(key).is_some()),
            "event field {key}"
        );
    }
    let states: Vec<&str> = events.iter().filter_map(|e| e["to"].as_str()).collect();
    assert!(states.contains(&"running") && states.contains(&"terminated"));
}

#[test]
fn summary_only_json_is_just_the_summary() {
    let o = proclab(&["run", "scheduling/fcfs-convoy", "--json", "--summary"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert!(
        doc.get("processes").is_none() && doc.get("gantt").is_none() && doc.get("events").is_none()
    );
    assert_eq!(doc["summary"]["avg_waiting"], 17.0);
    let text = stdout(&proclab(&["run", "scheduling/fcfs-convoy", "--summary"]));
    assert!(
        text.contains("Average waiting      17.00") && !text.contains("Gantt"),
        "{text}"
    );
}

#[test]
fn check_accepts_good_files_and_names_the_position_of_bad_ones() {
    let o = proclab(&[
        "check",
        "scenarios/scheduling/fcfs-convoy.toml",
        "scheduling/rr-context-switch",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).lines().filter(|l| l.starts_with("ok: ")).count(),
        2
    );

    let o = proclab(&["check", "tests/invalid/unknown-scheduler.toml"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("unknown scheduler \"rrr\""), "{err}");
    assert!(
        err.contains("tests/invalid/unknown-scheduler.toml:6:13"),
        "{err}"
    );
    assert!(err.contains("did you mean rr?"), "{err}");
    assert!(
        err.contains("scheduler = \"rrr\""),
        "the offending line is shown:\n{err}"
    );
    assert!(!err.contains("panicked"), "{err}");

    // One bad file among good ones still fails the check, and the good ones are reported.
    let o = proclab(&[
        "check",
        "scheduling/fcfs-convoy",
        "tests/invalid/not-toml.toml",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).contains("ok: "));
}

#[test]
fn every_invalid_file_exits_2_without_a_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invalid");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let o = proclab(&["run", path.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{}", path.display());
        let err = stderr(&o);
        assert!(
            err.contains(&*path.file_name().unwrap().to_string_lossy()),
            "{err}"
        );
        assert!(!err.contains("panicked") && o.stdout.is_empty(), "{err}");
    }
}

#[test]
fn a_missing_file_is_bad_input() {
    let o = proclab(&["run", "no/such/file.toml"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("cannot read no/such/file.toml") && err.contains("proclab scenarios"),
        "{err}"
    );
}

#[test]
fn bad_command_lines_exit_2_and_help_has_examples() {
    assert_eq!(proclab(&["run"]).status.code(), Some(2));
    assert_eq!(proclab(&["run", "x.toml", "--jsn"]).status.code(), Some(2));
    assert_eq!(proclab(&["frobnicate"]).status.code(), Some(2));
    for args in [
        &["--help"][..],
        &["run", "--help"],
        &["check", "--help"],
        &["scenarios", "--help"],
    ] {
        let o = proclab(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        assert!(stdout(&o).contains("Example"), "{args:?}: {}", stdout(&o));
    }
}

#[test]
fn scenarios_lists_every_bundled_file_by_topic() {
    let o = proclab(&["scenarios"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    let ids: Vec<&str> = proclab::scenario::bundled::ids().collect();
    assert!(ids.len() >= 15, "only {} bundled scenarios", ids.len());
    for id in ids {
        assert!(out.contains(id), "{id} not listed");
    }
    assert!(!out.contains("(invalid"), "{out}");
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let o = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' run scheduling/fcfs-convoy --events | head -1",
            env!("CARGO_BIN_EXE_proclab")
        ))
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(
        !stderr(&o).contains("panicked") && stderr(&o).is_empty(),
        "{}",
        stderr(&o)
    );
}
