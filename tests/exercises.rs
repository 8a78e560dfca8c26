//! Classroom exercises: a snapshot of every pinned exercise solved (text and JSON) and of
//! generated exercises of every kind for fixed seeds, through the library; figures pinned
//! against OSTEP's scheduler.py; and the built binary's `exercise` and `grade` commands, their
//! output and exit codes.

mod common;
use common::bin::{TempDir, keys, proclab, stderr, stdout};
use proclab::exercise::{Exercise, Kind, Options, Pinned, json};
use std::path::Path;
use toml::Spanned;

fn solved_text(e: &Exercise) -> String {
    let solution = e.solve().unwrap_or_else(|err| panic!("{}: {err}", e.title));
    format!("{}\n{}", e.problem_text(), e.solution_text(&solution))
}

#[test]
fn pinned_exercises_solved() {
    insta::glob!("../exercises", "*.toml", |path| {
        let pinned = Pinned::load(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let solution = pinned.solve().expect("solvable");
        insta::assert_snapshot!("text", solved_text(&pinned.exercise));
        insta::assert_snapshot!("json", json::render(&pinned.exercise, &solution));
    });
}

#[test]
fn pinned_exercises_have_unique_ids_matching_their_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("exercises");
    let all = proclab::exercise::list_dir(&dir).expect("every exercise loads");
    assert!(all.len() >= 4);
    let kinds: Vec<Kind> = all.iter().map(|p| p.exercise.kind()).collect();
    for kind in Kind::ALL {
        assert!(kinds.contains(&kind), "no {kind} exercise");
    }
    for p in &all {
        let stem = Path::new(&p.path).file_stem().and_then(|s| s.to_str());
        assert_eq!(stem, Some(p.id()), "{}", p.path);
    }
}

fn options(pairs: &[(&str, i64)], policy: Option<&str>, ostep: bool) -> Options {
    let mut o = Options {
        policy: policy.map(|p| Spanned::new(0..0, p.to_string())),
        ostep: ostep.then(|| Spanned::new(0..0, true)),
        ..Options::default()
    };
    for (key, value) in pairs {
        let v = Some(Spanned::new(0..0, *value));
        match *key {
            "jobs" => o.jobs = v,
            "minlen" => o.minlen = v,
            "maxlen" => o.maxlen = v,
            "quantum" => o.quantum = v,
            "context_switch" => o.context_switch = v,
            "max_arrival" => o.max_arrival = v,
            "max_io" => o.max_io = v,
            "forks" => o.forks = v,
            // A negative capacity stands for "unbounded" here.
            "capacity" if *value < 0 => {
                o.capacity = Some(Spanned::new(0..0, toml::Value::String("unbounded".into())))
            }
            "capacity" => o.capacity = Some(Spanned::new(0..0, toml::Value::Integer(*value))),
            other => panic!("unknown option {other}"),
        }
    }
    o
}

fn generated(kind: Kind, seed: u64, o: &Options) -> Exercise {
    Exercise::generate(&o.resolve(kind).expect("valid options"), seed)
}

#[test]
fn generated_exercises_solved() {
    let cases: Vec<(&str, Kind, u64, Options)> = vec![
        ("sched_fcfs_7", Kind::Sched, 7, options(&[], None, false)),
        (
            "sched_rr_7_arrivals",
            Kind::Sched,
            7,
            options(&[("max_arrival", 6)], Some("rr"), false),
        ),
        (
            "sched_srtf_11_arrivals",
            Kind::Sched,
            11,
            options(&[("jobs", 5), ("max_arrival", 8)], Some("srtf"), false),
        ),
        (
            "sched_priority_3",
            Kind::Sched,
            3,
            options(&[("max_arrival", 4)], Some("priority-preemptive"), false),
        ),
        (
            "sched_rr_switch_5",
            Kind::Sched,
            5,
            options(&[("context_switch", 1), ("quantum", 3)], Some("rr"), false),
        ),
        (
            "sched_ostep_rr_3",
            Kind::Sched,
            3,
            options(&[], Some("RR"), true),
        ),
        ("fork_1", Kind::Fork, 1, options(&[], None, false)),
        (
            "fork_2",
            Kind::Fork,
            2,
            options(&[("forks", 2)], None, false),
        ),
        ("fork_5", Kind::Fork, 5, options(&[], None, false)),
        (
            "fork_9_four_forks",
            Kind::Fork,
            9,
            options(&[("forks", 4)], None, false),
        ),
        ("states_3", Kind::States, 3, options(&[], None, false)),
        (
            "states_fcfs_8",
            Kind::States,
            8,
            options(&[("jobs", 2)], Some("fcfs"), false),
        ),
        ("messages_1", Kind::Messages, 1, options(&[], None, false)),
        (
            "messages_zero_4",
            Kind::Messages,
            4,
            options(&[("capacity", 0)], None, false),
        ),
        (
            "messages_rr_unbounded_6",
            Kind::Messages,
            6,
            options(&[("capacity", -1), ("jobs", 4)], Some("rr"), false),
        ),
        (
            "messages_two_processes_9",
            Kind::Messages,
            9,
            options(&[("capacity", 1), ("jobs", 2)], None, false),
        ),
    ];
    for (name, kind, seed, o) in cases {
        let e = generated(kind, seed, &o);
        assert_eq!(
            generated(kind, seed, &o),
            e,
            "{name}: the same seed, the same problem"
        );
        insta::assert_snapshot!(format!("generated_{name}"), solved_text(&e));
    }
}

// Figures printed by OSTEP's `scheduler.py ARGS -c` (CPython 3.11): the job lengths and the
// average response, turnaround and wait. `proclab exercise sched --ostep` must give the same
// jobs, and the simulated kernel the same averages.
#[test]
fn ostep_figures_match_scheduler_py() {
    #[allow(clippy::type_complexity)]
    let cases: [(u64, i64, i64, &str, i64, &[u64], [f64; 3]); 6] = [
        (0, 3, 10, "FIFO", 1, &[9, 8, 5], [8.67, 16.00, 8.67]),
        (
            1,
            5,
            100,
            "FIFO",
            1,
            &[14, 85, 77, 26, 50],
            [98.20, 148.60, 98.20],
        ),
        (2, 3, 10, "SJF", 1, &[10, 10, 1], [4.00, 11.00, 4.00]),
        (3, 3, 10, "RR", 1, &[3, 6, 4], [1.00, 10.33, 6.00]),
        (4, 5, 20, "RR", 3, &[5, 3, 8, 4, 2], [6.00, 15.60, 11.20]),
        (42, 4, 8, "sjf", 1, &[6, 1, 3, 2], [2.50, 5.50, 2.50]),
    ];
    for (seed, jobs, maxlen, policy, quantum, lengths, [response, turnaround, wait]) in cases {
        let o = options(
            &[("jobs", jobs), ("maxlen", maxlen), ("quantum", quantum)],
            Some(policy),
            true,
        );
        let e = generated(Kind::Sched, seed, &o);
        let w = e.workload().expect("a workload");
        let bursts: Vec<u64> = w.jobs.iter().map(|j| j.burst()).collect();
        assert_eq!(bursts, lengths, "-s {seed} -j {jobs} -m {maxlen}");
        assert_eq!(w.jobs[0].name, "J0");
        let proclab::exercise::Solution::Run(run) = e.solve().expect("solvable") else {
            panic!("a kernel run")
        };
        let s = &run.report.summary;
        let ours = [s.avg_response, s.avg_turnaround, s.avg_waiting];
        for (ours, theirs) in ours.iter().zip([response, turnaround, wait]) {
            assert!(
                (ours - theirs).abs() < 0.006,
                "-s {seed} -p {policy}: {ours:.2} vs scheduler.py's {theirs:.2}"
            );
        }
    }
}

// ---- The built binary ----

#[test]
fn sched_json_has_exactly_the_documented_shape() {
    let o = proclab(&[
        "exercise", "sched", "--seed", "7", "--policy", "rr", "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert_eq!(keys(&doc), ["answers", "kind", "seed", "workload"]);
    assert_eq!(doc["kind"], "sched");
    assert_eq!(doc["seed"], 7);
    let w = &doc["workload"];
    assert_eq!(
        keys(w),
        ["context_switch", "processes", "quantum", "scheduler"]
    );
    assert_eq!(w["scheduler"], "rr");
    assert_eq!(w["quantum"], 2);
    let processes = w["processes"].as_array().expect("a list");
    assert_eq!(processes.len(), 4);
    for p in processes {
        assert_eq!(keys(p), ["arrival", "burst", "name", "priority"]);
    }
    let answers = &doc["answers"];
    assert_eq!(keys(answers), ["processes", "summary"]);
    let names: Vec<&str> = answers["processes"]
        .as_object()
        .expect("a map")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(names, ["P1", "P2", "P3", "P4"]);
    for p in answers["processes"].as_object().expect("a map").values() {
        assert_eq!(keys(p), ["finish", "response", "turnaround", "waiting"]);
    }
    for key in ["avg_turnaround", "avg_waiting", "avg_response", "makespan"] {
        assert!(answers["summary"].get(key).is_some(), "summary.{key}");
    }
}

#[test]
fn the_printed_scenario_runs_to_the_same_answers() {
    let dir = TempDir::new("scenario");
    let o = proclab(&[
        "exercise",
        "sched",
        "--seed",
        "11",
        "--policy",
        "srtf",
        "--max-arrival",
        "6",
        "--scenario",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let file = dir.write("mine.toml", &stdout(&o));
    let run = proclab(&["run", &file, "--json"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).expect("JSON");
    let ex = proclab(&[
        "exercise",
        "sched",
        "--seed",
        "11",
        "--policy",
        "srtf",
        "--max-arrival",
        "6",
        "--json",
    ]);
    let answers: serde_json::Value = serde_json::from_slice(&ex.stdout).expect("JSON");
    for row in report["processes"].as_array().expect("rows") {
        let name = row["name"].as_str().expect("a name");
        for key in ["finish", "turnaround", "waiting", "response"] {
            assert_eq!(
                row[key], answers["answers"]["processes"][name][key],
                "{name} {key}"
            );
        }
    }
    let fork = proclab(&["exercise", "fork", "--seed", "3", "--scenario"]);
    let file = dir.write("fork.toml", &stdout(&fork));
    assert_eq!(proclab(&["check", &file]).status.code(), Some(0));
}

#[test]
fn grade_exits_0_when_right_1_when_wrong_2_when_unusable() {
    let dir = TempDir::new("grade");
    let right = dir.write(
        "right.toml",
        "exercise = \"fcfs-convoy\"\n[P2]\nwaiting = 24\n[P3]\nwaiting = 27\n[average]\nwaiting = 17\nturnaround = 27.004\n",
    );
    let o = proclab(&["grade", "fcfs-convoy", &right]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("4 of 4 right."), "{}", stdout(&o));

    let wrong = dir.write("wrong.toml", "[P2]\nwaiting = 6\n[average]\nwaiting = 17\n");
    let o = proclab(&["grade", "exercises/fcfs-convoy.toml", &wrong]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains(
            "wrong  P2 waiting: you wrote 6, it is 24: P2 waits in the ready queue from 0 to 24"
        ),
        "{out}"
    );
    assert!(
        out.contains("wrong  P3 waiting: not answered; it is 27"),
        "{out}"
    );
    assert!(out.contains("right  average waiting = 17"), "{out}");

    let typo = dir.write("typo.toml", "[P2]\nwating = 24\n");
    let o = proclab(&["grade", "fcfs-convoy", &typo]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("unknown field `wating` in [P2]"), "{err}");
    assert!(err.contains("typo.toml:2:1"), "{err}");
    assert!(err.contains("did you mean waiting?"), "{err}");

    let o = proclab(&["grade", "no-such-exercise", &right]);
    assert_eq!(o.status.code(), Some(2));
    let o = proclab(&[
        "grade",
        "fcfs-convoy",
        &dir.0.join("missing.toml").display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read"), "{}", stderr(&o));
}

#[test]
fn grading_a_variant_uses_its_seed() {
    let dir = TempDir::new("variant");
    let o = proclab(&["exercise", "rr-quantum-2", "--seed", "4", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let p = &doc["answers"]["processes"];
    let mut answers = String::from("exercise = \"rr-quantum-2\"\nseed = 4\n");
    for name in ["P1", "P2", "P3", "P4"] {
        answers.push_str(&format!("[{name}]\nfinish = {}\n", p[name]["finish"]));
    }
    let s = &doc["answers"]["summary"];
    answers.push_str(&format!(
        "[average]\nturnaround = {:.2}\nwaiting = {:.2}\nresponse = {:.2}\n",
        s["avg_turnaround"].as_f64().expect("a number"),
        s["avg_waiting"].as_f64().expect("a number"),
        s["avg_response"].as_f64().expect("a number"),
    ));
    let file = dir.write("alice.toml", &answers);
    let o = proclab(&["grade", "rr-quantum-2", &file]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    // The same answers are not those of another variant.
    let o = proclab(&["grade", "rr-quantum-2", &file, "--seed", "5"]);
    assert_eq!(o.status.code(), Some(2), "the file says seed 4");
    assert!(
        stderr(&o).contains("these answers are for seed 4, not 5"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_bad_exercise_file_is_named_with_line_and_column() {
    let dir = TempDir::new("bad");
    let file = dir.write(
        "bad.toml",
        "id = \"bad\"\nkind = \"sched\"\ntitle = \"A typo\"\n\n[kernel]\nschedular = \"rr\"\n",
    );
    let o = proclab(&["exercise", &file]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("bad.toml:6:1"), "{err}");
    assert!(err.contains("unknown key `schedular` in [kernel]"), "{err}");
    assert!(err.contains("did you mean scheduler?"), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    let o = proclab(&["exercise", "shed", "--seed", "1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean sched?"), "{}", stderr(&o));
    let o = proclab(&["exercise", "sched", "--forks", "2"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--forks does not apply to sched exercises"));
}

#[test]
fn fork_json_answers_count_tree_and_output() {
    let o = proclab(&["exercise", "fork-tree", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(doc["id"], "fork-tree");
    let a = &doc["answers"];
    assert_eq!(a["processes"], 3);
    assert_eq!(a["orders"], 2);
    assert_eq!(a["tree"]["children"][0]["children"][0]["name"], "P2");
    let child = a["output"]
        .as_array()
        .expect("lines")
        .iter()
        .find(|l| l["line"] == "child")
        .expect("child");
    assert_eq!(child["count"], 2);
}

// ---- The documentation's examples ----

/// The fenced blocks of a Markdown text with the given info string.
fn blocks(text: &str, info: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match &mut current {
            None if line.trim_start() == format!("```{info}") => current = Some(String::new()),
            Some(_) if line.trim_start().starts_with("```") => {
                out.push(current.take().unwrap_or_default())
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {}
        }
    }
    out
}

fn exercise_doc() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/exercise-format.md");
    std::fs::read_to_string(path).expect("the document exists")
}

// Each ```console block is `$ proclab ARGS`, then exactly what it prints (standard output,
// then standard error), then `[exit N]` unless the exit code is 0.
#[test]
fn documented_commands_print_what_the_document_shows() {
    let doc = exercise_doc();
    let examples = blocks(&doc, "console");
    assert!(examples.len() >= 8, "only {} examples", examples.len());
    for block in examples {
        let (command, expected) = block.split_once('\n').expect("a command and its output");
        let args: Vec<&str> = command
            .strip_prefix("$ proclab ")
            .expect("a proclab command")
            .split_whitespace()
            .collect();
        let (expected, code) = match expected.trim_end().rsplit_once('\n') {
            Some((body, last)) if last.starts_with("[exit ") => {
                let code: i32 = last[6..last.len() - 1].parse().expect("an exit code");
                (format!("{body}\n"), code)
            }
            _ => (expected.to_string(), 0),
        };
        let o = proclab(&args);
        let printed = format!("{}{}", stdout(&o), stderr(&o));
        assert_eq!(o.status.code(), Some(code), "{command}\n{printed}");
        assert_eq!(printed.trim_end(), expected.trim_end(), "{command}");
    }
}

#[test]
fn documented_files_are_valid() {
    let doc = exercise_doc();
    let mut checked = 0;
    for block in blocks(&doc, "toml") {
        if block.contains("kind = ") {
            let result = Pinned::parse("docs/exercise-format.md", &block);
            if block.contains("mistake") {
                let Err(proclab::exercise::ExerciseError::Invalid(d)) = result else {
                    panic!("the broken example loads:\n{block}")
                };
                assert_eq!(d.line_col(), Some((6, 8)), "{d}");
            } else {
                result.unwrap_or_else(|e| panic!("{e}\n{block}"));
            }
        } else {
            proclab::exercise::Answers::parse("answers.toml", &block)
                .unwrap_or_else(|e| panic!("{e}\n{block}"));
        }
        checked += 1;
    }
    assert!(checked >= 6, "only {checked} files");
}
