use super::*;
use crate::kernel::{Names, State};
use crate::report::gantt::Kind;

fn scenario(text: &str) -> Scenario {
    Scenario::parse("test.toml", text).expect("valid scenario")
}

/// P1 runs 0–2, the CPU idles 2–5, P2 runs 5–7.
const GAP: &str = r#"
title = "gap"
[[process]]
name = "P1"
burst = 2
[[process]]
name = "P2"
arrival = 5
burst = 2
"#;

/// Many short jobs under round robin with quantum 1: thousands of steps, so snapshots thin out.
fn long_run() -> Scenario {
    scenario(
        r#"
title = "long"
[kernel]
scheduler = "rr"
quantum = 1
context_switch = 1
[generate]
count = 40
arrival_gap = [0, 3]
burst = [50, 200]
"#,
    )
}

/// Everything a step shows, in a comparable form.
fn picture(r: &Replay) -> String {
    format!(
        "{} {:?} {:?} {:?}",
        r.step(),
        r.kernel(),
        r.events(),
        r.log().iter().collect::<Vec<_>>()
    )
}

#[test]
fn steps_and_times_of_a_worked_example() {
    let r = Replay::new(&scenario(GAP));
    // t=0 P1 arrives and runs, t=2 it exits, t=5 P2 arrives and runs, t=7 it exits.
    assert_eq!(r.steps(), 4);
    assert_eq!(r.timeline().times, vec![0, 0, 2, 5, 7]);
    assert_eq!(r.step(), 0);
    assert_eq!(r.kernel().processes().count(), 0);
}

#[test]
fn utilization_counts_idle_time() {
    let mut r = Replay::new(&scenario(GAP));
    assert_eq!(r.utilization(), 0.0);
    r.goto(3); // t=5: busy 0–2 only
    assert_eq!(r.kernel().now(), 5);
    assert!((r.utilization() - 2.0 / 5.0).abs() < 1e-9);
    r.goto(4); // t=7: busy 4 of 7
    assert!((r.utilization() - 4.0 / 7.0).abs() < 1e-9);
}

#[test]
fn gantt_window_cuts_blocks_to_the_window() {
    let r = Replay::new(&scenario(GAP));
    let rows = r.timeline().gantt_window(1, 6);
    let blocks: Vec<(u64, u64, Kind)> = rows[0].iter().map(|s| (s.start, s.end, s.kind)).collect();
    assert_eq!(
        blocks,
        vec![(1, 2, Kind::Run), (2, 5, Kind::Idle), (5, 6, Kind::Run)]
    );
}

#[test]
fn the_last_transition_of_a_step_is_found() {
    let mut r = Replay::new(&scenario(GAP));
    r.goto(2); // t=2: P1 exits
    let t = r.last_transition().expect("a transition");
    assert_eq!(t.to, State::Terminated);
    assert_eq!(r.names().process(t.pid), "P1");
}

#[test]
fn going_back_restores_exactly_what_going_forward_showed() {
    let s = long_run();
    let mut forward = Replay::new(&s);
    assert!(forward.steps() > 4_000, "{} steps", forward.steps());
    assert!(forward.timeline().snapshot_count() <= 128);
    let mut pictures = Vec::new();
    for step in [1, 2, 31, 32, 33, 100, 1_000, 4_000] {
        forward.goto(step);
        pictures.push(picture(&forward));
    }
    let mut back = Replay::new(&s);
    let last = back.steps();
    back.goto(last);
    for (step, expected) in [1, 2, 31, 32, 33, 100, 1_000, 4_000]
        .into_iter()
        .zip(&pictures)
        .rev()
    {
        back.goto(step);
        assert_eq!(&picture(&back), expected, "step {step}");
    }
    // One step at a time, backwards, equals a fresh walk to the same step.
    back.goto(120);
    for _ in 0..50 {
        let to = back.step() - 1;
        back.goto(to);
        let mut fresh = Replay::new(&s);
        fresh.goto(to);
        assert_eq!(picture(&back), picture(&fresh), "step {to}");
    }
}

#[test]
fn the_log_reaches_back_a_fixed_number_of_steps() {
    let mut r = Replay::new(&long_run());
    r.goto(500);
    let first = r.log().front().expect("lines").step;
    assert_eq!(first, 500 - LOG_STEPS + 1);
    assert_eq!(r.log().back().expect("lines").step, 500);
    assert!(r.log().len() <= LOG_LINES);
}

#[test]
fn goto_clamps_to_the_run() {
    let mut r = Replay::new(&scenario(GAP));
    assert_eq!(r.goto(99), 4);
    assert!(r.kernel().is_done());
    assert_eq!(r.goto(0), 0);
    assert_eq!(r.kernel().now(), 0);
}
