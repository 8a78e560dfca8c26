//! Answers read from a hand-made table, checked by hand, and the errors an author meets when a
//! lesson measures.

use super::*;
use crate::ipc_bench::{Bandwidth, Latency, Method, Row};
use crate::lesson::Lesson;
use crate::lesson::mechanisms::Property;
use crate::lesson::tests::error;

fn row(mechanism: Mechanism, median_us: f64, p99_us: f64, mb_per_s: f64, note: &str) -> Row {
    Row {
        mechanism,
        latency: Latency {
            rounds: 500,
            median_us,
            p99_us,
            min_us: median_us / 2.0,
            max_us: p99_us * 2.0,
        },
        bandwidth: Bandwidth {
            bytes: 8 << 20,
            chunk_bytes: 65536,
            seconds: (8 << 20) as f64 / (mb_per_s * 1e6),
            mb_per_s,
        },
        note: note.into(),
    }
}

/// The README's table from the 2-CPU build machine, with a few more digits than it prints.
pub(crate) fn table() -> Table {
    Table {
        rows: vec![
            row(Mechanism::Pipe, 2.2612, 91.74, 1561.4, "64 KiB writes"),
            row(Mechanism::Fifo, 52.93, 107.06, 899.2, "64 KiB writes"),
            row(
                Mechanism::Shm,
                0.9301,
                1.2149,
                9391.0,
                "a ring of 8 × 64 KiB slots",
            ),
            row(
                Mechanism::Mq,
                2.7049,
                90.38,
                4119.5,
                "8 KiB messages (msgsize_max 8192)",
            ),
            row(Mechanism::Socket, 68.12, 131.61, 4268.7, "64 KiB writes"),
        ],
        method: Method {
            rounds: 500,
            warmup: 50,
            message_bytes: 64,
            total_bytes: 8 << 20,
            chunk_bytes: 65536,
            cpus: 2,
            machine_cpus: 2,
            cpu_model: Some("Test CPU".into()),
            kernel: None,
        },
    }
}

fn text(v: Value) -> String {
    match v {
        Value::Text(t) => t,
        other => panic!("not one name: {other:?}"),
    }
}

#[test]
fn the_best_of_each_column_as_the_table_prints_it() {
    let t = table();
    let best = |q| text(eval(q, &t, None).unwrap());
    // Medians 2.26, 52.9, 0.93, 2.70, 68.1.
    assert_eq!(
        best(Measured::Lowest(Figure::Median)),
        "POSIX shared memory"
    );
    assert_eq!(
        best(Measured::Highest(Figure::Median)),
        "Unix stream socket"
    );
    // p99s 91.7, 107.1, 1.21, 90.4, 131.6.
    assert_eq!(best(Measured::Lowest(Figure::P99)), "POSIX shared memory");
    assert_eq!(best(Measured::Highest(Figure::P99)), "Unix stream socket");
    // MB/s 1,561, 899, 9,391, 4,120, 4,269.
    assert_eq!(
        best(Measured::Highest(Figure::Bandwidth)),
        "POSIX shared memory"
    );
    assert_eq!(
        best(Measured::Lowest(Figure::Bandwidth)),
        "FIFO (named pipe)"
    );
}

#[test]
fn a_figure_is_the_one_on_screen() {
    let t = table();
    let of = |f, m| eval(Measured::Of(f, m), &t, None).unwrap();
    assert_eq!(of(Figure::Median, Mechanism::Pipe), Value::Number(2.26));
    assert_eq!(of(Figure::Median, Mechanism::Fifo), Value::Number(52.9));
    assert_eq!(of(Figure::P99, Mechanism::Shm), Value::Number(1.21));
    assert_eq!(of(Figure::Bandwidth, Mechanism::Mq), Value::Number(4120.0));
    let mut short = table();
    short.rows.retain(|r| r.mechanism != Mechanism::Mq);
    assert!(eval(Measured::Of(Figure::Median, Mechanism::Mq), &short, None).is_err());
}

#[test]
fn a_tie_as_printed_makes_each_right_named_as_the_choices_name_it() {
    let mut t = table();
    // 2.2612 and 2.2649 both print as 2.26: on screen, the pipe and the FIFO tie.
    t.rows[1].latency.median_us = 2.2649;
    t.rows[2].latency.median_us = 3.0;
    let choices: Vec<String> = ["pipe", "named pipe", "shm", "mq", "socket"]
        .map(String::from)
        .into();
    let answer = eval(Measured::Lowest(Figure::Median), &t, Some(&choices)).unwrap();
    assert_eq!(
        answer,
        Value::OneOf(vec!["pipe".into(), "named pipe".into()])
    );
    // A winner that is not among the choices cannot be answered.
    let e = eval(Measured::Lowest(Figure::Median), &t, Some(&choices[2..])).unwrap_err();
    assert!(e.contains("pipe is not among the choices"), "{e}");
}

#[test]
fn a_fact_picks_the_one_choice_it_holds_for() {
    let choices: Vec<String> = ["pipe", "FIFO", "mq"].map(String::from).into();
    assert_eq!(
        fact(Property::KeepsBoundaries, Some(&choices)),
        Ok(Value::Text("mq".into()))
    );
    assert_eq!(fact(Property::NoName, None), Ok(Value::Text("pipe".into())));
    let e = fact(Property::ByteStream, Some(&choices)).unwrap_err();
    assert!(e.contains("2 of them"), "{e}");
    let e = fact(Property::AcrossMachines, Some(&choices)).unwrap_err();
    assert!(e.contains("none of the choices"), "{e}");
}

const LESSON: &str = r#"
id = "measuring"
title = "Measuring"
scenario = "basics/five-states"

[[step]]
text = "Before."
highlight = ["measured"]

[[step]]
text = "Measure."
bench = { rounds = 20, size = "64K" }
[step.question]
ask = "Fastest?"
answer = "fastest round trip"
choices = "mechanisms"

[[step]]
text = "After."
[step.question]
ask = "Median of the pipe?"
answer = "median of pipe"

[[step]]
text = "A fact."
[step.question]
ask = "Which keeps message boundaries?"
answer = "which keeps message boundaries"
choices = ["pipe", "message queue"]
"#;

#[test]
fn measured_answers_wait_for_the_table_and_facts_do_not() {
    let lesson = Lesson::parse("test.toml", LESSON, None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(lesson.measuring_step(), Some(1));
    let bench = lesson.bench().unwrap();
    assert_eq!((bench.rounds, bench.bytes), (20, 64 << 10));
    let options = bench.options();
    assert_eq!((options.rounds, options.warmup), (20, 2));
    assert_eq!(options.mechanisms, Mechanism::ALL);
    let answer = |l: &Lesson, i: usize| l.steps[i].question.as_ref().unwrap().answer.clone();
    assert_eq!(answer(&lesson, 1), None);
    assert_eq!(answer(&lesson, 2), None);
    assert_eq!(
        answer(&lesson, 3),
        Some(Value::Text("message queue".into()))
    );
    let measured = lesson.measured(Some(&table()));
    assert_eq!(
        answer(&measured, 1),
        Some(Value::Text("POSIX shared memory".into()))
    );
    assert_eq!(answer(&measured, 2), Some(Value::Number(2.26)));
    let q = measured.steps[2].question.as_ref().unwrap();
    assert_eq!(q.judge("2.3"), crate::lesson::Verdict::Right, "within 0.05");
    assert_eq!(q.judge("2.4"), crate::lesson::Verdict::Wrong);
    // Measuring again starts from nothing.
    assert_eq!(answer(&measured.measured(None), 1), None);
    assert_eq!(answer(&measured.measured(None), 3), answer(&lesson, 3));
}

#[test]
fn authors_are_told_what_a_measured_lesson_needs() {
    let e = error(
        &LESSON
            .replace("bench = { rounds = 20, size = \"64K\" }\n", "")
            .replace("highlight = [\"measured\"]", ""),
    );
    assert!(e.contains("no step up to this one measures"), "{e}");
    let e = error(&LESSON.replace("text = \"After.\"", "text = \"After.\"\nbench = {}"));
    assert!(e.contains("a lesson measures once"), "{e}");
    let e = error(&LESSON.replace("rounds = 20", "rounds = 0"));
    assert!(e.contains("`rounds = 0` is out of range"), "{e}");
    let e = error(&LESSON.replace("\"64K\"", "\"64Q\""));
    assert!(e.contains("unknown unit"), "{e}");
    let e = error(&LESSON.replace("\"64K\"", "\"1G\""));
    assert!(e.contains("from 1 byte to 256 MiB"), "{e}");
    let e = error(&LESSON.replace(
        "choices = \"mechanisms\"",
        "choices = [\"pipe\", \"shm\", \"mq\", \"socket\"]",
    ));
    assert!(
        e.contains("may make FIFO (named pipe) the answer, but it is not among the choices"),
        "{e}"
    );
    let e = error(&LESSON.replace("[\"pipe\", \"message queue\"]", "[\"pipe\", \"pigeon\"]"));
    assert!(e.contains("`pigeon` is not a mechanism I know"), "{e}");
    let e = error(&LESSON.replace("[\"pipe\", \"message queue\"]", "[\"pipe\", \"FIFO\"]"));
    assert!(e.contains("none of the choices"), "{e}");
    let e = error(&LESSON.replace("median of pipe", "median of pigeon"));
    assert!(e.contains("`pigeon` is not a mechanism"), "{e}");
    let e = error(&LESSON.replace("which keeps message", "which keeps mesage"));
    assert!(e.contains("is not a fact I know"), "{e}");
    let e = error(
        &LESSON
            .replace("bench = { rounds = 20, size = \"64K\" }\n", "")
            .replace(
                "answer = \"fastest round trip\"\nchoices = \"mechanisms\"",
                "answer = \"state of parent\"",
            )
            .replace("answer = \"median of pipe\"", "answer = \"time\""),
    );
    assert!(e.contains("no step of this lesson measures"), "{e}");
}
