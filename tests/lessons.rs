//! Every lesson under `lessons/`, played through in plain mode with the computed answers typed
//! in and snapshotted (each step's text, the simulated state there, every answer), so that a
//! change in a scenario that changes an answer shows up in review. Also the course itself.

use proclab::lesson::progress::{Progress, Status};
use proclab::lesson::{Choices, Lesson, bundled, plain};

/// What a student who knows every answer types: a pick's position, or the answer.
fn right_answers(lesson: &Lesson) -> String {
    let mut input = String::new();
    for q in lesson.steps.iter().filter_map(|s| s.question.as_ref()) {
        let reply = match &q.choices {
            Choices::Pick(options) => {
                let n = options
                    .iter()
                    .position(|o| q.judge(o) == proclab::lesson::Verdict::Right)
                    .expect("the answer is among the choices");
                (n + 1).to_string()
            }
            Choices::Free => q.answer_text(),
        };
        input.push_str(&reply);
        input.push('\n');
    }
    input
}

#[test]
fn every_lesson_played_with_the_right_answers() {
    insta::glob!("../lessons", "*.toml", |path| {
        let lesson = Lesson::load(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let input = right_answers(&lesson);
        let mut progress = Progress::in_memory();
        let mut out = Vec::new();
        let outcome = plain::run(&lesson, 0, &mut progress, &mut input.as_bytes(), &mut out)
            .expect("writes to memory");
        let out = String::from_utf8(out).expect("text");
        assert!(outcome.completed, "{}: {out}", path.display());
        assert_eq!(
            outcome.first_try,
            outcome.asked,
            "{}: {out}",
            path.display()
        );
        assert!(
            outcome.asked >= 3,
            "{}: every lesson asks at least 3 questions",
            path.display()
        );
        assert_eq!(progress.status(&lesson.id), Status::Done);
        insta::assert_snapshot!(out);
    });
}

#[test]
fn the_course_has_its_lessons_in_order_with_unique_ids() {
    let lessons: Vec<Lesson> = bundled::load_all()
        .into_iter()
        .map(|l| l.unwrap_or_else(|e| panic!("{e}")))
        .collect();
    let orders: Vec<i64> = lessons.iter().map(|l| l.order).collect();
    assert_eq!(
        orders,
        (1..=12).collect::<Vec<_>>(),
        "lessons 1 to 12, one each"
    );
    let mut ids: Vec<&str> = lessons.iter().map(|l| l.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), lessons.len(), "ids are unique");
    // The lessons on the real kernel are the ones the curriculum says (7 on).
    for l in &lessons[6..] {
        assert!(l.scenario.real, "{} runs beside the real kernel", l.id);
    }
    // Listing (the home screen) agrees with loading.
    let listed: Vec<String> = bundled::listings().into_iter().map(|l| l.id).collect();
    let loaded: Vec<String> = lessons.iter().map(|l| l.id.clone()).collect();
    assert_eq!(listed, loaded);
}
