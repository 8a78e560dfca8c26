//! Messages exercises through the built binary: `proclab exercise messages` as JSON and as a
//! scenario that `proclab run` runs to the same answers, and `proclab grade` of the pinned
//! messages exercises, with its exit codes.

mod common;
use common::bin::{TempDir, keys, proclab, stderr, stdout};

fn json(args: &[&str]) -> serde_json::Value {
    let o = proclab(args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("valid JSON")
}

#[test]
fn messages_json_has_the_documented_shape() {
    let doc = json(&[
        "exercise",
        "messages",
        "--seed",
        "4",
        "--capacity",
        "0",
        "--json",
    ]);
    assert_eq!(keys(&doc), ["answers", "kind", "seed", "workload"]);
    assert_eq!(doc["kind"], "messages");
    let w = &doc["workload"];
    assert_eq!(
        keys(w),
        [
            "context_switch",
            "mailboxes",
            "processes",
            "quantum",
            "scheduler"
        ]
    );
    assert_eq!(
        w["mailboxes"],
        serde_json::json!([{"name": "box", "made_by": "P1", "capacity": 0}])
    );
    for p in w["processes"].as_array().expect("a list") {
        assert_eq!(keys(p), ["arrival", "name", "priority", "program"]);
    }
    // The problem of tests/snapshots/exercises__generated_messages_zero_4.snap.
    let a = &doc["answers"]["processes"];
    assert_eq!(a["P1"]["received"], serde_json::json!(["c1", "c2"]));
    assert_eq!(
        a["P1"]["blocked"],
        serde_json::json!([{"call": "receive", "at": 2, "woken": 7}])
    );
    assert_eq!(a["P2"]["received"], serde_json::json!(["none"]));
    assert_eq!(a["P3"]["sent"], serde_json::json!(["c1", "c2"]));
    assert_eq!(
        keys(&a["P3"]),
        [
            "blocked",
            "finish",
            "response",
            "sent",
            "turnaround",
            "waiting"
        ]
    );
}

#[test]
fn the_printed_scenario_runs_to_the_same_answers() {
    let dir = TempDir::new("messages-scenario");
    let args = ["exercise", "messages", "--seed", "6", "--policy", "rr"];
    let o = proclab(&[&args[..], &["--scenario"]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let file = dir.write("mine.toml", &stdout(&o));
    assert_eq!(proclab(&["check", &file]).status.code(), Some(0));
    let report = json(&["run", &file, "--json"]);
    let answers = json(&[&args[..], &["--json"]].concat());
    for row in report["processes"].as_array().expect("rows") {
        let name = row["name"].as_str().expect("a name");
        for key in ["finish", "waiting"] {
            assert_eq!(
                row[key], answers["answers"]["processes"][name][key],
                "{name} {key}"
            );
        }
    }
}

#[test]
fn grading_the_rendezvous() {
    let dir = TempDir::new("messages-grade");
    let right = dir.write(
        "right.toml",
        "exercise = \"messages-rendezvous\"\n[producer]\nsent = [\"m1\", \"failed\", \"m3\"]\nblocked = [\"send 0 to 3\", \"send 3 to 5\"]\n[consumer]\nreceived = [\"m1\", \"no message\", \"m3\"]\nblocked = []\n",
    );
    let o = proclab(&["grade", "messages-rendezvous", &right]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("4 of 4 right."), "{}", stdout(&o));

    let wrong = dir.write(
        "wrong.toml",
        "[producer]\nsent = [\"m1\", \"m2\", \"m3\"]\n[consumer]\nblocked = [\"receive 3 to 5\"]\n",
    );
    let o = proclab(&["grade", "messages-rendezvous", &wrong]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("wrong  producer sent: entry 2: you wrote \"m2\", it is \"failed\": at 3, try_send(box, \"m2\") = -1 EAGAIN (no room: not sent)"),
        "{out}"
    );
    assert!(
        out.contains(
            "wrong  consumer blocked: entry 1: \"receive 3 to 5\" is one too many: consumer never blocks"
        ),
        "{out}"
    );
    assert!(out.contains("0 of 4 right."), "{out}");

    let unreadable = dir.write("bad.toml", "[producer]\nblocked = [\"send 0\"]\n");
    let o = proclab(&["grade", "messages-rendezvous", &unreadable]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("\"send 0\" is not a call and two ticks"),
        "{err}"
    );
    assert!(err.contains("bad.toml:2:12"), "{err}");
}

#[test]
fn grading_a_variant_of_the_bounded_mailbox() {
    let dir = TempDir::new("messages-variant");
    let doc = json(&["exercise", "messages-bounded", "--seed", "7", "--json"]);
    let mut answers = String::from("exercise = \"messages-bounded\"\nseed = 7\n");
    for (name, p) in doc["answers"]["processes"].as_object().expect("a map") {
        answers.push_str(&format!("[{name}]\n"));
        for key in ["sent", "received"] {
            if let Some(list) = p.get(key) {
                answers.push_str(&format!("{key} = {list}\n"));
            }
        }
        let blocks: Vec<String> = p["blocked"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|b| match b["woken"].as_u64() {
                Some(w) => format!(
                    "\"{} {} to {w}\"",
                    b["call"].as_str().unwrap_or(""),
                    b["at"]
                ),
                None => format!(
                    "\"{} {} forever\"",
                    b["call"].as_str().unwrap_or(""),
                    b["at"]
                ),
            })
            .collect();
        answers.push_str(&format!("blocked = [{}]\n", blocks.join(", ")));
    }
    let file = dir.write("alice.toml", &answers);
    let o = proclab(&["grade", "messages-bounded", &file]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{answers}\n{}{}",
        stdout(&o),
        stderr(&o)
    );
}

#[test]
fn bad_options_and_questions_exit_2() {
    let o = proclab(&["exercise", "messages", "--capacity", "lots"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--capacity \"lots\" is not a number of messages"),
        "{}",
        stderr(&o)
    );
    let o = proclab(&[
        "exercise",
        "messages",
        "--seed",
        "1",
        "--ask",
        "P3.recieved",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean P3.received?"),
        "{}",
        stderr(&o)
    );
    let o = proclab(&["exercise", "messages", "--jobs", "5"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("from 2 to 4"), "{}", stderr(&o));
}
