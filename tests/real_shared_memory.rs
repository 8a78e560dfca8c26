//! Shared memory for real: the System V segment beside the model, as `/proc/sysvipc/shm` —
//! read by the test itself — shows it (key, nattch, marked for removal), and no segment left
//! behind however the run ends: Ctrl-C, SIGKILL of proclab, SIGKILL of its helper.

#![cfg(target_os = "linux")]

mod common;
use common::lab::*;
use serde_json::Value;

/// The line of `/proc/sysvipc/shm` with this shmid: (key, mode, nattch).
fn segment(shmid: i64) -> Option<(i32, u32, u64)> {
    let table = std::fs::read_to_string("/proc/sysvipc/shm").ok()?;
    table.lines().skip(1).find_map(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        (f.get(1)?.parse::<i64>().ok()? == shmid).then(|| {
            (
                f[0].parse().unwrap(),
                u32::from_str_radix(f[2], 8).unwrap(),
                f[6].parse().unwrap(),
            )
        })
    })
}

fn object<'a>(record: &'a Value, name: &str) -> &'a Value {
    record["objects"]
        .as_array()
        .and_then(|o| o.iter().find(|o| o["name"] == name))
        .unwrap_or_else(|| panic!("no object {name} in {record}"))
}

#[test]
fn a_system_v_segment_is_shown_beside_the_model_and_goes_at_its_last_detach() {
    let mut run = Stepper::start("ipc/shm-three-ways", &[]);
    let mut shmid = None;
    let (mut both_attached, mut gone) = (false, false);
    while let Some(record) = run.next() {
        if record["type"] == "report" {
            assert_eq!(record["real_check"]["agree"], true, "{record}");
            break;
        }
        for call in record["calls"].as_array().unwrap() {
            if call["event"]["kind"] == "shm"
                && call["event"]["process"] == "sysv-producer"
                && let Some(ret) = call["real_event"]["ret"].as_i64()
            {
                shmid = Some(ret);
            }
        }
        let view = object(&record, "buf-sysv");
        let sim = view["sim"].as_str().unwrap_or("");
        let Some(id) = shmid else { continue };
        if sim.contains("nattch 2") && !both_attached {
            // Seen from outside while the run is paused: the key is the run's own.
            let (key, mode, nattch) = segment(id).expect("the segment exists");
            assert_eq!(nattch, 2);
            assert_eq!(mode & 0o1000, 0, "not marked for removal yet");
            assert_eq!(sysv_keys_of(run.helper), [key]);
            assert!(
                view["real"].as_str().unwrap().contains("nattch 2"),
                "{view}"
            );
            both_attached = true;
        }
        if sim.starts_with("gone") {
            assert_eq!(segment(id), None, "destroyed at the consumer's shmdt");
            gone = true;
        }
    }
    assert!(both_attached && gone);
    run.child.wait().unwrap();
    assert_nothing_left(run.helper, &run.pids);
}

#[test]
fn a_segment_the_scenario_forgets_is_removed_by_the_lab() {
    let mut run = Stepper::start("ipc/shm-forgotten-cleanup", &[]);
    let mut report = Value::Null;
    while let Some(record) = run.next() {
        if record["type"] == "report" {
            report = record;
            break;
        }
    }
    let notes = report["real_check"]["notes"].to_string();
    assert!(notes.contains("ipcs -m would still list it"), "{notes}");
    run.child.wait().unwrap();
    assert_nothing_left(run.helper, &run.pids);
    assert!(sysv_keys_of(run.helper).is_empty());
}

#[test]
fn no_segment_outlives_a_run_stopped_by_ctrl_c() {
    interrupted_in("ipc/shm-three-ways", "INT", false);
}

#[test]
fn no_segment_outlives_proclab_killed_with_sigkill() {
    interrupted_in("ipc/shm-three-ways", "KILL", false);
}

#[test]
fn no_segment_outlives_a_helper_killed_with_sigkill() {
    // The twins die with the helper; the next run finds the key in the dead run's directory.
    interrupted_in("ipc/shm-three-ways", "KILL", true);
}
