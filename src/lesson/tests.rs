//! Worked examples of lessons: moves, computed answers and the errors a lesson author sees.

use super::*;
use crate::lesson::query::Value;

const ZOMBIE: &str = r#"
id = "zombie-test"
title = "A zombie"
scenario = "lifecycle/zombie"

[[step]]
text = "The start."

[[step]]
text = "The child has finished."
go = "until child is zombie"
[step.question]
ask = "What state is the child in?"
answer = "state of child"
choices = "states"

[[step]]
text = "Predict."
go = "next step"
[step.question]
ask = "And after the next step?"
answer = "state of child"
predict = true

[[step]]
text = "The end."
go = "end"
[step.question]
ask = "Exit status?"
answer = "exit status of child"
"#;

fn lesson(text: &str) -> Lesson {
    Lesson::parse("test.toml", text, None).unwrap_or_else(|e| panic!("{e}"))
}

/// The author's error a lesson text is refused with, as `file:line:col: message (hint)`.
pub(super) fn error(text: &str) -> String {
    match Lesson::parse("test.toml", text, None) {
        Ok(_) => panic!("the lesson should not load"),
        Err(ScenarioError::Invalid(d)) => format!(
            "{}: {} ({})",
            d.location(),
            d.message,
            d.hint.unwrap_or_default()
        ),
        Err(e) => e.to_string(),
    }
}

// lifecycle/zombie: the child runs 2..4 and exits with status 3; the parent waits at tick 11.
#[test]
fn moves_resolve_and_answers_are_computed_from_the_run() {
    let l = lesson(ZOMBIE);
    assert_eq!(l.steps.len(), 4);
    assert_eq!((l.steps[0].from, l.steps[0].at, l.steps[0].time), (0, 0, 0));
    let zombie = &l.steps[1];
    assert_eq!(zombie.time, 4);
    let q = zombie.question.as_ref().unwrap();
    assert_eq!(q.answer, Some(Value::Text("zombie".into())));
    assert!(matches!(&q.choices, Choices::Pick(o) if o.len() == 7));
    assert_eq!(q.judge("zombie"), Verdict::Right);
    let predict = &l.steps[2];
    assert_eq!(predict.from + 1, predict.at);
    assert_eq!(
        predict.question.as_ref().unwrap().answer,
        Some(Value::Text("zombie".into()))
    );
    let end = &l.steps[3];
    assert_eq!(
        end.question.as_ref().unwrap().answer,
        Some(Value::Number(3.0))
    );
}

#[test]
fn time_moves_to_the_state_at_that_time() {
    let text = ZOMBIE.replace("go = \"until child is zombie\"", "go = \"time 7\"");
    let l = lesson(&text);
    // Nothing happens at tick 7, so the step shown is the last one before it.
    assert!(l.steps[1].time <= 7);
    assert_eq!(
        l.steps[1].question.as_ref().unwrap().answer,
        Some(Value::Text("zombie".into()))
    );
}

#[test]
fn authors_get_positions_and_hints() {
    let e = error(&ZOMBIE.replace("until child is zombie", "until chlid is zombie"));
    assert!(e.starts_with("test.toml:11:6:"), "{e}");
    assert!(e.contains("did you mean `child`?"), "{e}");
    let e = error(&ZOMBIE.replace("until child is zombie", "until child is zomby"));
    assert!(e.contains("did you mean `zombie`?"), "{e}");
    let e = error(
        &ZOMBIE
            .replace("exit status of child", "exit status of parent")
            .replace("go = \"end\"", "go = \"time 3\""),
    );
    assert!(e.contains("has no answer at this step (time 2)"), "{e}");
    let e = error(&ZOMBIE.replace("choices = \"states\"", "choices = [\"ready\", \"running\"]"));
    assert!(
        e.contains("the computed answer, `zombie`, is not among the choices"),
        "{e}"
    );
    let e = error(&ZOMBIE.replace("go = \"end\"", "go = \"until parent is new\""));
    assert!(e.contains("this never happens after step"), "{e}");
    let e = error(&ZOMBIE.replace("lifecycle/zombie", "lifecycle/zombi"));
    assert!(
        e.contains("did you mean the bundled scenario `lifecycle/zombie`?"),
        "{e}"
    );
    let e = error(&ZOMBIE.replace("zombie-test", "Zombie Test"));
    assert!(e.contains("not a valid lesson id"), "{e}");
    let e = error(&ZOMBIE.replace(
        "[[step]]\ntext = \"The start.\"",
        "[[step]]\ntext = \"The start.\"\nhighlight = [\"gant\"]",
    ));
    assert!(e.contains("did you mean `gantt`?"), "{e}");
}

#[test]
fn next_state_looks_ahead_without_moving() {
    let text = ZOMBIE.replace(
        "answer = \"state of child\"\nchoices",
        "answer = \"next state of child\"\nchoices",
    );
    let l = lesson(&text);
    // The zombie is reaped by the parent's wait: zombie → terminated.
    assert_eq!(
        l.steps[1].question.as_ref().unwrap().answer,
        Some(Value::Text("terminated".into()))
    );
}

#[test]
fn plain_mode_reads_answers_and_keeps_progress() {
    let l = lesson(ZOMBIE);
    let mut progress = progress::Progress::in_memory();
    let mut input: &[u8] = b"h\n2\n5\nzombie\nzombie\ns\n";
    let mut out = Vec::new();
    let outcome = plain::run(&l, 0, &mut progress, &mut input, &mut out).unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(outcome.completed, "{out}");
    assert_eq!((outcome.first_try, outcome.asked), (1, 3), "{out}");
    assert!(out.contains("No more hints."), "{out}");
    assert!(out.contains("Not quite. Try again."), "{out}");
    assert!(out.contains("The answer is 3."), "{out}");
    assert_eq!(progress.status("zombie-test"), progress::Status::Done);
    assert_eq!(progress.entry("zombie-test").unwrap().right, vec![1, 2]);
}

#[test]
fn plain_mode_stops_at_the_end_of_input() {
    let l = lesson(ZOMBIE);
    let mut progress = progress::Progress::in_memory();
    let mut input: &[u8] = b"";
    let mut out = Vec::new();
    let outcome = plain::run(&l, 0, &mut progress, &mut input, &mut out).unwrap();
    assert!(!outcome.completed);
    assert_eq!(progress.status("zombie-test"), progress::Status::Current(1));
}

/// The answer `answer` computes after `go` in `ipc/date-server`, or the author's error.
fn date_server(go: &str, answer: &str) -> Result<Value, String> {
    let text = format!(
        "id = \"t\"\ntitle = \"t\"\nscenario = \"ipc/date-server\"\n\
         [[step]]\ntext = \"t\"\ngo = \"{go}\"\n[step.question]\nask = \"?\"\nanswer = \"{answer}\"\n"
    );
    match Lesson::parse("test.toml", &text, None) {
        Ok(l) => Ok(l.steps[0]
            .question
            .as_ref()
            .unwrap()
            .answer
            .clone()
            .expect("computed from the simulation")),
        Err(ScenarioError::Invalid(d)) => {
            Err(format!("{} ({})", d.message, d.hint.unwrap_or_default()))
        }
        Err(e) => Err(e.to_string()),
    }
}

// ipc/date-server: server listens (fd 3) and blocks in accept at 0; client1 connects at 1 and
// is handed to the accept (fd 4), then blocks in recv; client2 connects at 3 while server
// computes, so its connection waits in the backlog; at 4 server sends client1 "the time is
// tick 4" (18 bytes), closes fd 4 and accepts client2 on fd 4 again; client1's second recv
// returns 0 at 5.
#[test]
fn a_socket_counts_its_backlog_and_calls_tell_what_they_returned() {
    let n = |v: f64| Ok(Value::Number(v));
    assert_eq!(
        date_server("until server is waiting", "items in daytime"),
        n(0.0)
    );
    assert_eq!(
        date_server("until server is waiting", "last listen of server"),
        n(3.0)
    );
    assert_eq!(
        date_server("until client1 is waiting", "last accept of server"),
        n(4.0)
    );
    assert_eq!(
        date_server("until client2 is waiting", "items in daytime"),
        n(1.0)
    );
    assert_eq!(
        date_server("until client2 is ready", "items in daytime"),
        n(0.0)
    );
    assert_eq!(
        date_server("until client1 is ready", "last recv of client1"),
        n(18.0)
    );
    assert_eq!(
        date_server("until client1 is ready", "data of last recv of client1"),
        Ok(Value::Text("the time is tick 4".into()))
    );
    assert_eq!(
        date_server("until client1 exits", "last recv of client1"),
        n(0.0)
    );
    assert_eq!(date_server("end", "last send of server"), n(18.0));
    assert_eq!(
        date_server("end", "data of last send of server"),
        Ok(Value::Text("the time is tick 7".into()))
    );
}

#[test]
fn a_call_that_was_not_made_or_has_not_returned_has_no_answer() {
    let e = date_server("until client2 is waiting", "last recv of client1").unwrap_err();
    assert!(
        e.contains("`client1`'s last `recv` has not returned by time 3"),
        "{e}"
    );
    let e = date_server("until client1 is waiting", "last recv of server").unwrap_err();
    assert!(
        e.contains("`server` has made no `recv` call by time 1"),
        "{e}"
    );
    let e = date_server("until client1 exits", "data of last recv of client1").unwrap_err();
    assert!(e.contains("returned no data"), "{e}");
    let e = date_server("end", "last recieve of client1").unwrap_err();
    assert!(e.contains("did you mean `receive`?"), "{e}");
    let e = date_server("end", "last cpu of server").unwrap_err();
    assert!(e.contains("`cpu` is not a system call"), "{e}");
    let e = date_server("end", "items in daytme").unwrap_err();
    assert!(e.contains("did you mean `daytime`?"), "{e}");
}

/// The answers to `answers`, each asked in its own step at the point `go` moves to, in
/// `ipc/win-named-pipe-vs-fifo` (the same exchange over a message-mode named pipe and over
/// two FIFOs).
fn call_answers(go: &str, answers: &[&str]) -> Vec<Value> {
    let mut text = String::from(
        "id = \"calls-test\"\ntitle = \"Calls\"\nscenario = \"ipc/win-named-pipe-vs-fifo\"\n",
    );
    for (i, a) in answers.iter().enumerate() {
        let go = if i == 0 {
            format!("go = \"{go}\"\n")
        } else {
            String::new()
        };
        text.push_str(&format!(
            "[[step]]\ntext = \"Ask.\"\n{go}[step.question]\nask = \"?\"\nanswer = \"{a}\"\n"
        ));
    }
    lesson(&text)
        .steps
        .iter()
        .map(|s| s.question.as_ref().unwrap().answer.clone().unwrap())
        .collect()
}

fn text(t: &str) -> Value {
    Value::Text(t.into())
}

// At tick 3 win-server has read "time?" and "date?", one message each, and waits in a third
// ReadFile; at tick 7 win-client closes its handle and that read fails.
#[test]
fn answers_look_back_at_a_process_calls() {
    assert_eq!(
        call_answers(
            "time 3",
            &[
                "data of first ReadFile of win-server",
                "data of second readfile of win-server",
                "error of first ReadFile of win-server",
            ]
        ),
        [text("time?"), text("date?"), text("ERROR_SUCCESS")]
    );
    // The FIFO runs the two questions together; its end is a read of 0 bytes, no error.
    assert_eq!(
        call_answers(
            "end",
            &[
                "error of last ReadFile of win-server",
                "data of last ReadFile of win-client",
                "data of first read of unix-server",
                "data of first read of unix-client",
                "error of last read of unix-server",
            ]
        ),
        [
            text("ERROR_BROKEN_PIPE"),
            text("3 Dec"),
            text("time?date?"),
            text("12:003 Dec"),
            text("none"),
        ]
    );
}

#[test]
fn a_call_not_made_or_not_returned_has_no_answer() {
    let ask = |go: &str, answer: &str| {
        error(&format!(
            "id = \"calls-test\"\ntitle = \"Calls\"\nscenario = \"ipc/win-named-pipe-vs-fifo\"\n\
             [[step]]\ntext = \"Ask.\"\ngo = \"{go}\"\n[step.question]\nask = \"?\"\n\
             answer = \"{answer}\"\n"
        ))
    };
    let e = ask("time 3", "data of third ReadFile of win-server");
    assert!(e.contains("still blocked in that ReadFile"), "{e}");
    let e = ask("time 3", "data of first ReadFile of win-client");
    assert!(
        e.contains("has made no first ReadFile call by time 3"),
        "{e}"
    );
    let e = ask("end", "data of last read of unix-server");
    assert!(e.contains("returned no data"), "{e}");
    let e = ask("end", "data of last ReadFiles of win-server");
    assert!(e.contains("not a call I can look back at"), "{e}");
    let e = ask("end", "data of fourth ReadFile of win-server");
    assert!(e.contains("is not something I can compute"), "{e}");
}
