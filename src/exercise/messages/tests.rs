//! Messages exercises, worked by hand.

use super::*;
use crate::exercise::options::{Options, Params};
use crate::exercise::workload::Machine;
use crate::exercise::{Exercise, Kind, Problem, Solution};

fn send(text: &str, wait: bool) -> Burst {
    Burst::Send {
        to: MAILBOX.into(),
        text: text.into(),
        wait,
    }
}

fn receive(wait: bool) -> Burst {
    Burst::Receive {
        from: MAILBOX.into(),
        wait,
    }
}

fn job(name: &str, arrival: u64, program: Vec<Burst>) -> Job {
    Job {
        name: name.into(),
        arrival,
        priority: 0,
        program,
    }
}

/// FCFS; `box` holds 1 message.
///   A (arrives 0): mailbox box 1, send box a1, try-send box a2, send box a3, cpu 1, [send box a4]
///   B (arrives 1): cpu 2, receive box, try-receive box, receive box
fn two_processes(last_send: bool) -> RunSolution {
    let mut a = vec![
        Burst::Mailbox {
            name: MAILBOX.into(),
            capacity: Capacity::Bounded(1),
        },
        send("a1", true),
        send("a2", false),
        send("a3", true),
        Burst::Cpu(1),
    ];
    if last_send {
        a.push(send("a4", true));
    }
    let w = Workload {
        machine: Machine::new("fcfs", 1, 0),
        jobs: vec![
            job("A", 0, a),
            job(
                "B",
                1,
                vec![Burst::Cpu(2), receive(true), receive(false), receive(true)],
            ),
        ],
    };
    w.run(&w.scenario_toml("t", "", None)).expect("valid")
}

// Worked by hand. At 0 A runs alone: it makes box, a1 goes in (1 of 1), the try-send of a2
// finds box full and fails, and the send of a3 blocks: A waits from 0. B arrives at 1 and
// computes 1–3. At 3 its receive takes a1, which makes room: a3 goes in and A is woken at 3.
// B's try-receive then finds a3 waiting and takes it; its last receive finds box empty and
// blocks at 3. A runs 3–4 and at 4 sends a4 straight to the waiting B, which is woken at 4.
#[test]
fn a_bounded_mailbox_worked_by_hand() {
    let run = two_processes(true);
    let answer = |name, f| calls::answer(&run, name, f);
    assert_eq!(
        answer("A", ProcessField::Sent),
        ["a1", "failed", "a3", "a4"]
    );
    assert_eq!(answer("A", ProcessField::Blocked), ["send 0 to 3"]);
    assert_eq!(answer("B", ProcessField::Received), ["a1", "a3", "a4"]);
    assert_eq!(answer("B", ProcessField::Blocked), ["receive 3 to 4"]);
    assert!(answer("A", ProcessField::Received).is_empty());
    assert_eq!(run.row("B").and_then(|r| r.finish), Some(4));
}

// The same without A's last send: nobody ever sends to B again, so its last receive never
// returns, and the run ends with B blocked.
#[test]
fn a_receive_that_never_returns() {
    let run = two_processes(false);
    assert_eq!(
        calls::answer(&run, "B", ProcessField::Received),
        ["a1", "a3", "never"]
    );
    assert_eq!(
        calls::answer(&run, "B", ProcessField::Blocked),
        ["receive 3 forever"]
    );
    let why = calls::explain(&run, "B", ProcessField::Blocked);
    assert!(why.ends_with("nothing ever lets it go on"), "{why}");
    assert_eq!(run.row("B").and_then(|r| r.finish), None);
}

#[test]
fn a_wrong_entry_is_explained_by_its_call() {
    let run = two_processes(true);
    let given = ["a1".to_string(), "a2".to_string()];
    assert_eq!(
        calls::difference(&run, "B", ProcessField::Received, &given),
        "entry 2: you wrote \"a2\", it is \"a3\": at 3, try_receive(box) = 2 \"a3\" (from A)"
    );
    let given = ["send 0 to 3".to_string(), "send 4 to 4".to_string()];
    assert_eq!(
        calls::difference(&run, "A", ProcessField::Blocked, &given),
        "entry 2: \"send 4 to 4\" is one too many: A blocks once"
    );
}

fn defaults() -> MessagesParams {
    match Options::default().resolve(Kind::Messages) {
        Ok(Params::Messages(p)) => p,
        other => panic!("messages defaults: {other:?}"),
    }
}

#[test]
fn generated_problems_are_pinned() {
    let p = defaults();
    let w = generate(1, &p);
    assert_eq!(generate(1, &p), w, "the same seed, the same problem");
    let jobs: Vec<(&str, u64, String)> = w
        .jobs
        .iter()
        .map(|j| (j.name.as_str(), j.arrival, j.steps().join(", ")))
        .collect();
    assert_eq!(
        jobs,
        [
            (
                "P1",
                0,
                "mailbox box 1, cpu 1, try-send box a1, cpu 1, send box a2, cpu 2, send box a3"
                    .to_string()
            ),
            (
                "P2",
                3,
                "cpu 2, try-send box b1, cpu 1, send box b2, cpu 1".to_string()
            ),
            (
                "P3",
                3,
                "try-receive box, receive box, cpu 2, try-receive box, cpu 1".to_string()
            ),
        ]
    );
}

#[test]
fn generated_problems_are_worth_asking() {
    for capacity in [None, Some(Capacity::Zero), Some(Capacity::Unbounded)] {
        for seed in 0..40 {
            let p = MessagesParams {
                capacity,
                ..defaults()
            };
            let w = generate(seed, &p);
            assert!(worth_asking(&w, seed), "seed {seed}, {capacity:?}");
            if let Some(c) = capacity {
                assert_eq!(mailboxes(&w), [("P1", MAILBOX, c)], "seed {seed}");
            }
        }
    }
}

#[test]
fn only_senders_have_sent_and_only_receivers_received() {
    let e = Exercise::generate(&Params::Messages(defaults()), 1);
    let Problem::Messages(w) = &e.problem else {
        panic!("a messages problem")
    };
    let keys: Vec<String> = e.asked().iter().map(ToString::to_string).collect();
    assert_eq!(
        keys,
        [
            "P1.sent",
            "P1.blocked",
            "P2.sent",
            "P2.blocked",
            "P3.received",
            "P3.blocked"
        ]
    );
    assert!(has_field(&w.jobs[0], ProcessField::Sent));
    assert!(!has_field(&w.jobs[0], ProcessField::Received));
    let Ok(Solution::Run(run)) = e.solve() else {
        panic!("a kernel run")
    };
    // P2 blocks at 6 behind P1 in box's queue of senders; P3's receive at 6 lets both go on.
    let text = solution_text(&run, &[("P2", ProcessField::Blocked)]);
    assert!(
        text.contains("\nP2: blocked = [\"send 6 to 6\"]\n"),
        "{text}"
    );
}
