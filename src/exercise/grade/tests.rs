//! Grading, worked by hand.

use super::*;
use crate::exercise::Pinned;

// FCFS, P1 arrives at 0 and computes 5 ticks, P2 arrives at 1 and computes 3. By hand: P1
// runs 0–5; P2 waits in the ready queue from 1 to 5 (4 ticks), runs 5–8: turnaround
// 8 − 1 = 7, response 5 − 1 = 4. Waiting times 0 and 4: average 2.
const TWO_JOBS: &str = r#"
id = "two-jobs"
kind = "sched"
title = "Two jobs"
ask = ["P2.waiting", "P2.turnaround", "P2.response", "average.waiting", "P1.finish"]

[[process]]
name = "P1"
burst = 5

[[process]]
name = "P2"
arrival = 1
burst = 3
"#;

fn graded(exercise: &str, answers: &str) -> Result<Grade> {
    let pinned = Pinned::parse("exercise.toml", exercise).expect("a valid exercise");
    let solution = pinned.solve().expect("solvable");
    let answers = Answers::parse("answers.toml", answers).expect("valid TOML");
    grade(&pinned.exercise, &solution, &answers)
}

fn line(g: &Grade, field: &str) -> String {
    let r = g
        .results
        .iter()
        .find(|r| r.field.to_string() == field)
        .unwrap_or_else(|| panic!("{field} is graded"));
    format!(
        "{} {}",
        if r.right { "right" } else { "wrong" },
        r.explanation
    )
}

#[test]
fn right_wrong_and_missing_fields_with_their_explanations() {
    let g = graded(
        TWO_JOBS,
        "[P2]\nwaiting = 6\nturnaround = 7\nresponse = 4.0\n[average]\nwaiting = 2.004\n",
    )
    .expect("gradable");
    assert_eq!(
        line(&g, "P2.waiting"),
        "wrong you wrote 6, it is 4: P2 waits in the ready queue from 1 to 5"
    );
    assert!(line(&g, "P2.turnaround").starts_with("right "));
    assert!(line(&g, "P2.response").starts_with("right "), "4.0 is 4");
    assert!(
        line(&g, "average.waiting").starts_with("right "),
        "within 0.01"
    );
    assert_eq!(
        line(&g, "P1.finish"),
        "wrong not answered; it is 5: P1 last runs from 0 to 5, and ends then"
    );
    assert_eq!((g.right(), g.results.len(), g.all_right()), (3, 5, false));
    let text = g.text();
    assert!(
        text.contains(
            "  wrong  P2 waiting: you wrote 6, it is 4: P2 waits in the ready queue from 1 to 5\n"
        ),
        "{text}"
    );
    assert!(text.contains("  right  P2 turnaround = 7\n"), "{text}");
    assert!(text.ends_with("\n3 of 5 right.\n"), "{text}");
}

#[test]
fn explanations_of_turnaround_response_and_averages() {
    let g = graded(
        TWO_JOBS,
        "[P2]\nwaiting = 4\nturnaround = 8\nresponse = 5\n[average]\nwaiting = 2.02\n",
    )
    .expect("gradable");
    assert_eq!(
        line(&g, "P2.turnaround"),
        "wrong you wrote 8, it is 7: P2 arrives at 1 and finishes at 8: 8 − 1 = 7"
    );
    assert_eq!(
        line(&g, "P2.response"),
        "wrong you wrote 5, it is 4: P2 arrives at 1 and first runs at 5: 5 − 1 = 4"
    );
    assert_eq!(
        line(&g, "average.waiting"),
        "wrong you wrote 2.02, it is 2.00: (0 + 4) / 2 = 2.00 (answers within 0.01 of it count as right)"
    );
}

// RR with quantum 2: A (0, 4) and B (1, 4). By hand: A 0–2, B 2–4, A 4–6, B 6–8. B waits
// from 1 to 2 and from 4 to 6: 1 + 2 = 3.
#[test]
fn a_wait_in_several_stretches_is_summed() {
    let exercise = "id = \"rr\"\nkind = \"sched\"\ntitle = \"RR\"\nask = [\"B.waiting\"]\n[kernel]\nscheduler = \"rr\"\nquantum = 2\n[[process]]\nname = \"A\"\nburst = 4\n[[process]]\nname = \"B\"\narrival = 1\nburst = 4\n";
    let g = graded(exercise, "[B]\nwaiting = 3\n").expect("gradable");
    assert!(g.all_right());
    assert_eq!(
        g.results[0].explanation,
        "you wrote 3, it is 3: B waits in the ready queue from 1 to 2 and from 4 to 6: 1 + 2 = 3"
    );
}

#[test]
fn unknown_fields_and_tables_are_errors_at_their_place() {
    let e = graded(TWO_JOBS, "[P2]\nwating = 4\n").unwrap_err();
    let ExerciseError::Invalid(d) = e else {
        panic!("a diagnostic")
    };
    assert_eq!(d.message, "unknown field `wating` in [P2]");
    assert_eq!(d.location(), "answers.toml:2:1");
    assert_eq!(d.hint.as_deref(), Some("did you mean waiting?"));

    let ExerciseError::Invalid(d) = graded(TWO_JOBS, "[P3]\nwaiting = 4\n").unwrap_err() else {
        panic!("a diagnostic")
    };
    assert_eq!(d.message, "unknown table [P3]");
    assert_eq!(
        d.hint.as_deref(),
        Some("this exercise's tables are [P1], [P2], [average]")
    );

    let ExerciseError::Invalid(d) = graded(TWO_JOBS, "makespna = 8\n").unwrap_err() else {
        panic!("a diagnostic")
    };
    assert_eq!(d.hint.as_deref(), Some("did you mean makespan?"));

    let ExerciseError::Invalid(d) = graded(TWO_JOBS, "exercise = \"other\"\n").unwrap_err() else {
        panic!("a diagnostic")
    };
    assert_eq!(
        d.message,
        "these answers are for \"other\", not \"two-jobs\""
    );
}

#[test]
fn answered_but_not_asked_is_noted_not_graded() {
    let g = graded(TWO_JOBS, "makespan = 8\n").expect("gradable");
    assert_eq!(g.not_asked, [Field::Makespan]);
    assert!(
        g.text()
            .contains("note   makespan is not asked, so it is not graded")
    );
}

// The states trace of `states::tests` (A: cpu 3, io 2, cpu 1 at 0; B: cpu 2 at 1; RR 2).
#[test]
fn a_states_answer_is_compared_entry_by_entry() {
    let exercise = "id = \"st\"\nkind = \"states\"\ntitle = \"S\"\nask = [\"A.states\"]\n[kernel]\nscheduler = \"rr\"\nquantum = 2\n[[process]]\nname = \"A\"\nprogram = [\"cpu 3\", \"io disk 2\", \"cpu 1\"]\n[[process]]\nname = \"B\"\narrival = 1\nprogram = [\"cpu 2\"]\n";
    let right = "[A]\nstates = [\"new 0\", \"ready 0\", \"running 0\", \"ready 2\", \"running 4\", \"waiting 5\", \"ready 7\", \"running 7\", \"terminated 8\"]\n";
    assert!(graded(exercise, right).expect("gradable").all_right());
    let wrong = right.replace("\"running 4\"", "\"running 3\"");
    let g = graded(exercise, &wrong).expect("gradable");
    assert_eq!(
        g.results[0].explanation,
        "entry 5: you wrote \"running 3\", it is \"running 4\": at 4, ready → running: RR: next in the ready queue, for up to 2 (ready since 2, it waits while the CPU runs B from 2 to 4)"
    );
    let short = "[A]\nstates = [\"new 0\", \"ready 0\", \"running 0\"]\n";
    let g = graded(exercise, short).expect("gradable");
    assert!(
        g.results[0]
            .explanation
            .starts_with("entry 4 is missing: \"ready 2\": at 2, running → ready"),
        "{}",
        g.results[0].explanation
    );
    let ExerciseError::Invalid(d) =
        graded(exercise, "[A]\nstates = [\"new 0\", \"blocked 5\"]\n").unwrap_err()
    else {
        panic!("a diagnostic")
    };
    assert_eq!(d.message, "unknown state \"blocked\"");
    assert_eq!(d.hint.as_deref(), Some("proclab calls it waiting"));
}

// The fork program of `fork::run::tests`: 3 processes; A once, B once, C twice.
#[test]
fn fork_answers_are_explained_from_the_tree() {
    let exercise = "id = \"f\"\nkind = \"fork\"\ntitle = \"F\"\nask = [\"processes\", \"output.C\", \"lines\"]\nprogram = '''\nprintf(\"A\\n\");\nif (fork() == 0) {\n    printf(\"B\\n\");\n    exit(0);\n}\nfork();\nprintf(\"C\\n\");\n'''\n";
    let g = graded(exercise, "processes = 4\nlines = 4\n[output]\nC = 2\n").expect("gradable");
    assert_eq!(
        line(&g, "processes"),
        "wrong you wrote 4, it is 3: fork() is called 2 times in all (P0 twice), and each call makes one more process: 1 + 2 = 3"
    );
    assert!(line(&g, "output.C").starts_with("right "));
    assert!(line(&g, "lines").starts_with("right "));
    assert_eq!(
        crate::exercise::expected::explain(
            &Pinned::parse("e.toml", exercise).unwrap().solve().unwrap(),
            &Field::Output("C".into())
        ),
        "\"C\" is printed by P0 and P2"
    );
}

// The bounded mailbox of `messages::tests`, written out: A sends a1, fails to try-send a2,
// blocks on a3 from 0 to 3 and sends a4; B takes a1, a3 (by try-receive) and a4, blocked
// from 3 to 4.
const MAILBOX: &str = r#"
id = "mb"
kind = "messages"
title = "M"
ask = ["A.sent", "A.blocked", "B.received", "B.blocked"]

[[process]]
name = "A"
program = ["mailbox box 1", "send box a1", "try-send box a2", "send box a3", "cpu 1", "send box a4"]

[[process]]
name = "B"
arrival = 1
program = ["cpu 2", "receive box", "try-receive box", "receive box"]
"#;

#[test]
fn messages_answers_are_read_in_the_students_words() {
    let right = "[A]\nsent = [\"a1\", \"EAGAIN\", \"a3\", \"a4\"]\nblocked = [\"send at 0 until 3\"]\n[B]\nreceived = [\"a1\", \"a3\", \"a4\"]\nblocked = [\"receive 3-4\"]\n";
    let g = graded(MAILBOX, right).expect("gradable");
    assert!(g.all_right(), "{}", g.text());
    let wrong = right.replace("\"a1\", \"a3\", \"a4\"", "\"a1\", \"none\", \"a3\"");
    let g = graded(MAILBOX, &wrong).expect("gradable");
    assert_eq!(
        line(&g, "B.received"),
        "wrong entry 2: you wrote \"none\", it is \"a3\": at 3, try_receive(box) = 2 \"a3\" (from A)"
    );
    let g = graded(MAILBOX, "[A]\nblocked = []\n").expect("gradable");
    assert_eq!(
        line(&g, "A.blocked"),
        "wrong entry 1 is missing: \"send 0 to 3\": at 0, send(box, \"a3\") … blocks: sends to box, which is full: waits until a receiver makes room; at 3, a receiver took a message from box: the send returns"
    );
}

#[test]
fn messages_answers_of_the_wrong_shape_are_errors() {
    let diagnostic = |answers: &str| match graded(MAILBOX, answers) {
        Err(ExerciseError::Invalid(d)) => d,
        other => panic!("a diagnostic, not {other:?}"),
    };
    let d = diagnostic("[B]\nreceived = 3\n");
    assert_eq!(d.message, "B received is a list of entries");
    assert_eq!(
        d.hint.as_deref(),
        Some("write it as [\"MESSAGE or none\", …]")
    );
    let d = diagnostic("[B]\nblocked = [\"try-receive 3 to 4\"]\n");
    assert_eq!(d.message, "try-receive never blocks");
    assert_eq!(d.location(), "answers.toml:2:12");
    let d = diagnostic("[A]\nreceived = [\"a1\"]\n");
    assert_eq!(
        d.hint.as_deref(),
        Some(
            "A makes no receive call; its answers are sent, blocked, finish, turnaround, waiting, response"
        )
    );
}
