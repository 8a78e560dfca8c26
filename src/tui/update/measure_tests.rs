//! A lesson that measures, in the TUI: the measurement starts when the student reaches its
//! step, fills in from the worker's news, answers its questions once done, starts again on
//! `m`, and stops when the student leaves. No process is started here: `update` only asks for
//! it (an effect), and the news is handed in by hand.

use super::*;
use crate::ipc_bench::{Mechanism, Table};
use crate::lesson::measure::tests::table;
use crate::lesson::progress::Status;
use crate::lesson::{Lesson, Verdict};
use crate::tui::action::MeasureNews;
use crate::tui::theme::Theme;
use ratatui::layout::Size;

const FIXTURE: &str = include_str!("../../../tests/fixtures/lesson-measure.toml");

fn taking(width: u16) -> (App, Vec<Effect>) {
    let mut app = App::new(Theme { color: false }, Size::new(width, 40));
    let lesson = Lesson::parse("fixture.toml", FIXTURE, None).expect("the fixture loads");
    let effects = update(&mut app, Action::LessonLoaded(Box::new(lesson)));
    (app, effects)
}

fn measurement(app: &App) -> &Measurement {
    &app.view()
        .and_then(|v| v.lesson.as_ref())
        .expect("a lesson is open")
        .measurement
}

fn question(app: &App) -> crate::lesson::Question {
    let l = app.view().and_then(|v| v.lesson.as_ref()).expect("open");
    l.step().question.clone().expect("the step asks")
}

/// The run a `StartMeasuring` effect asks for, and its rounds.
fn started(effects: &[Effect]) -> Option<(u64, usize)> {
    effects.iter().find_map(|e| match e {
        Effect::StartMeasuring { run, options } => Some((*run, options.rounds)),
        _ => None,
    })
}

fn tell(app: &mut App, run: u64, news: MeasureNews) {
    update(app, Action::Measuring { run, news });
}

/// The worker's news of a whole run that measured `t`.
fn measure(app: &mut App, run: u64, t: &Table) {
    for row in &t.rows {
        tell(app, run, MeasureNews::Starting(row.mechanism));
        tell(app, run, MeasureNews::Row(Box::new(row.clone())));
    }
    tell(app, run, MeasureNews::Done(Box::new(t.clone())));
}

#[test]
fn the_measurement_starts_at_its_step_and_fills_in_row_by_row() {
    let (mut app, effects) = taking(120);
    assert_eq!(started(&effects), None, "step 1 does not measure");
    assert_eq!(measurement(&app), &Measurement::NotYet);
    assert!(app.view().unwrap().panes().contains(&Pane::Measured));
    let effects = update(&mut app, Action::LessonNext);
    let (run, rounds) = started(&effects).expect("step 2 measures");
    assert_eq!(rounds, 50, "as the lesson says");
    // Until the table is there, the question cannot be answered nor its answer shown.
    assert!(question(&app).pending());
    update(&mut app, Action::Answer);
    update(&mut app, Action::ShowAnswer);
    let l = app.view().unwrap().lesson.as_ref().unwrap();
    assert_eq!((l.input.as_ref(), l.feedback.as_ref()), (None, None));
    let t = table();
    tell(&mut app, run, MeasureNews::Starting(Mechanism::Pipe));
    tell(&mut app, run, MeasureNews::Row(Box::new(t.rows[0].clone())));
    tell(&mut app, run, MeasureNews::Starting(Mechanism::Fifo));
    assert!(matches!(
        measurement(&app),
        Measurement::Running { rows, now: Some(Mechanism::Fifo), .. } if rows.len() == 1
    ));
    // News of another run is not this one's.
    tell(&mut app, run + 7, MeasureNews::Failed("old".into()));
    assert!(matches!(measurement(&app), Measurement::Running { .. }));
    for row in &t.rows[1..] {
        tell(&mut app, run, MeasureNews::Row(Box::new(row.clone())));
    }
    tell(&mut app, run, MeasureNews::Done(Box::new(t.clone())));
    assert_eq!(measurement(&app), &Measurement::Done(t));
    // Shared memory was fastest in the table: that, and only that, is right.
    let q = question(&app);
    assert_eq!(q.judge("3"), Verdict::Right);
    assert_eq!(q.judge("pipe"), Verdict::Wrong);
    update(&mut app, Action::Type('3'));
    update(&mut app, Action::Submit);
    assert_eq!(
        app.progress
            .entry("fixture-measure")
            .map(|e| e.right.clone()),
        Some(vec![1])
    );
    // Later steps use the same table; going back and forth does not measure again.
    let effects = update(&mut app, Action::LessonNext);
    assert_eq!(started(&effects), None);
    assert_eq!(question(&app).judge("shared memory"), Verdict::Right);
    let effects = update(&mut app, Action::LessonPrevious);
    assert_eq!(started(&effects), None);
}

#[test]
fn m_measures_again_and_leaving_stops_a_measurement() {
    let (mut app, _) = taking(120);
    // Before its step, m does nothing.
    assert!(update(&mut app, Action::Measure).is_empty());
    let (first, _) = started(&update(&mut app, Action::LessonNext)).unwrap();
    // m while it runs: the old run is stopped and a new one started.
    let effects = update(&mut app, Action::Measure);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::StopMeasuring { run } if *run == first))
    );
    let (second, _) = started(&effects).unwrap();
    assert!(second > first);
    measure(&mut app, second, &table());
    assert!(!question(&app).pending());
    // m after it is done: a fresh table, the answers wait for it again.
    let (third, _) = started(&update(&mut app, Action::Measure)).unwrap();
    assert!(question(&app).pending());
    let mut slow = table();
    slow.rows[2].latency.median_us = 500.0;
    measure(&mut app, third, &slow);
    assert_eq!(
        question(&app).judge("pipe"),
        Verdict::Right,
        "2.26 µs is now the fastest"
    );
    // Leaving while it runs stops it.
    let (fourth, _) = started(&update(&mut app, Action::Measure)).unwrap();
    let effects = update(&mut app, Action::Back);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::StopMeasuring { run } if *run == fourth)),
        "{effects:?}"
    );
    assert!(app.view().is_none(), "back home");
}

#[test]
fn a_failed_measurement_leaves_its_questions_to_skip_or_to_measure_again() {
    let (mut app, _) = taking(120);
    let (run, _) = started(&update(&mut app, Action::LessonNext)).unwrap();
    tell(
        &mut app,
        run,
        MeasureNews::Failed("The measurement failed: no.".into()),
    );
    assert!(matches!(measurement(&app), Measurement::Failed(_)));
    assert!(question(&app).pending());
    update(&mut app, Action::LessonNext);
    assert_eq!(app.progress.status("fixture-measure"), Status::Current(2));
    let (again, _) = started(&update(&mut app, Action::Measure)).unwrap();
    measure(&mut app, again, &table());
    assert_eq!(
        question(&app).judge("shm"),
        Verdict::Right,
        "bandwidth: 9,391 MB/s"
    );
}

#[test]
fn resuming_after_the_measuring_step_measures_at_once_and_shows_the_table() {
    let mut app = App::new(Theme { color: false }, Size::new(80, 24));
    app.progress.set_step("fixture-measure", 2);
    let lesson = Lesson::parse("fixture.toml", FIXTURE, None).unwrap();
    let effects = update(&mut app, Action::LessonLoaded(Box::new(lesson)));
    assert!(started(&effects).is_some());
    // One pane at a time: the table is the one shown, with the lesson under it.
    assert_eq!(app.view().unwrap().focus, Pane::Measured);
}
