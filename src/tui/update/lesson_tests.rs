//! Taking a lesson in the TUI: lesson steps, predictions, the answer box, hints, progress.

use super::*;
use crate::lesson::Lesson;
use crate::lesson::progress::Status;
use crate::tui::app::{EntryKind, Feedback, Home};
use crate::tui::theme::Theme;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent};
use ratatui::layout::Size;

const FIXTURE: &str = include_str!("../../../tests/fixtures/lesson-zombie.toml");

fn taking() -> (App, Vec<Effect>) {
    let mut app = App::new(Theme { color: false }, Size::new(120, 40));
    let lesson = Lesson::parse("fixture.toml", FIXTURE, None).expect("the fixture loads");
    let effects = update(&mut app, Action::LessonLoaded(Box::new(lesson)));
    (app, effects)
}

fn lesson(app: &App) -> &crate::tui::app::LessonView {
    app.view()
        .and_then(|v| v.lesson.as_ref())
        .expect("a lesson is open")
}

fn key(app: &App, code: KeyCode) -> Option<Action> {
    crate::tui::keymap::action(app, &Event::Key(KeyEvent::from(code)))
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    match key(app, code) {
        Some(action) => update(app, action),
        None => Vec::new(),
    }
}

#[test]
fn a_lesson_opens_on_its_first_step_with_the_text_in_focus() {
    let (app, effects) = taking();
    assert!(effects.iter().any(|e| matches!(e, Effect::SaveProgress)));
    let view = app.view().unwrap();
    assert_eq!(view.focus, Pane::Narration);
    assert_eq!(lesson(&app).index, 0);
    assert_eq!(view.replay.step(), 0);
    assert_eq!(app.progress.status("fixture-zombie"), Status::Current(0));
}

#[test]
fn answering_a_pick_by_number_with_a_bad_try_on_the_way() {
    let (mut app, _) = taking();
    press(&mut app, KeyCode::Char('n'));
    let at = lesson(&app).step().at;
    assert_eq!(app.view().unwrap().replay.step(), at);
    assert_eq!(
        app.view().unwrap().replay.kernel().now(),
        4,
        "the child is a zombie at 4"
    );
    // A digit opens the answer box; 9 is no choice.
    press(&mut app, KeyCode::Char('9'));
    press(&mut app, KeyCode::Enter);
    assert!(matches!(lesson(&app).feedback, Some(Feedback::Unusable(_))));
    assert_eq!(lesson(&app).tries, 0, "an unusable reply is not a try");
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Enter);
    assert_eq!(lesson(&app).feedback, Some(Feedback::Wrong));
    assert_eq!(
        lesson(&app).input.as_deref(),
        Some(""),
        "the box stays open to try again"
    );
    // While typing, q is a letter, not quit.
    assert!(matches!(
        key(&app, KeyCode::Char('q')),
        Some(Action::Type('q'))
    ));
    press(&mut app, KeyCode::Char('6'));
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(lesson(&app).feedback, Some(Feedback::Right));
    assert!(effects.iter().any(|e| matches!(e, Effect::SaveProgress)));
    assert_eq!(app.progress.entry("fixture-zombie").unwrap().right, vec![1]);
}

#[test]
fn hints_come_one_at_a_time_and_stop_at_the_last() {
    let (mut app, _) = taking();
    press(&mut app, KeyCode::Char('n'));
    for expected in [1, 2, 2] {
        press(&mut app, KeyCode::Char('h'));
        assert_eq!(lesson(&app).hints, expected);
    }
}

#[test]
fn a_prediction_is_asked_before_the_move_and_the_move_follows_the_answer() {
    let (mut app, _) = taking();
    press(&mut app, KeyCode::Char('n'));
    press(&mut app, KeyCode::Char('n'));
    let step = lesson(&app).step().clone();
    assert_eq!(
        app.view().unwrap().replay.step(),
        step.from,
        "asked before the move"
    );
    press(&mut app, KeyCode::Char('a'));
    for c in "ready".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    assert_eq!(lesson(&app).feedback, Some(Feedback::Wrong));
    assert_eq!(
        app.view().unwrap().replay.step(),
        step.from,
        "a wrong guess does not move"
    );
    press(&mut app, KeyCode::Esc);
    assert!(
        lesson(&app).input.is_none(),
        "Esc closes the box and stays in the lesson"
    );
    press(&mut app, KeyCode::Char('s'));
    assert_eq!(lesson(&app).feedback, Some(Feedback::Shown));
    assert_eq!(
        app.view().unwrap().replay.step(),
        step.at,
        "shown: the move happens"
    );
}

#[test]
fn arrows_step_the_run_and_n_p_step_the_lesson() {
    let (mut app, _) = taking();
    press(&mut app, KeyCode::Right);
    assert_eq!(app.view().unwrap().replay.step(), 1);
    assert_eq!(lesson(&app).index, 0);
    press(&mut app, KeyCode::Char('n'));
    press(&mut app, KeyCode::Char('p'));
    assert_eq!(lesson(&app).index, 0);
    assert_eq!(
        app.view().unwrap().replay.step(),
        0,
        "back on the step's own point"
    );
}

#[test]
fn going_past_the_last_step_completes_the_lesson_and_esc_goes_home() {
    let (mut app, _) = taking();
    let steps = lesson(&app).lesson.steps.len();
    for _ in 0..steps {
        press(&mut app, KeyCode::Char('n'));
    }
    assert!(lesson(&app).complete);
    assert_eq!(app.progress.status("fixture-zombie"), Status::Done);
    let effects = press(&mut app, KeyCode::Esc);
    assert!(matches!(app.screen, Screen::Home));
    assert!(effects.iter().any(|e| matches!(e, Effect::SaveProgress)));
}

#[test]
fn a_lesson_resumes_at_the_saved_step() {
    let mut app = App::new(Theme { color: false }, Size::new(120, 40));
    app.progress.set_step("fixture-zombie", 2);
    let lesson = Lesson::parse("fixture.toml", FIXTURE, None).unwrap();
    update(&mut app, Action::LessonLoaded(Box::new(lesson)));
    assert_eq!(self::lesson(&app).index, 2);
}

#[test]
fn the_home_entry_of_a_lesson_loads_the_lesson() {
    let mut app = App::new(Theme { color: false }, Size::new(120, 40));
    app.home = Home {
        entries: vec![crate::tui::app::Entry {
            topic: "lessons".into(),
            id: "fixture-zombie".into(),
            title: "A zombie".into(),
            description: String::new(),
            real: true,
            measures: false,
            kind: EntryKind::Lesson { steps: 4 },
        }],
        selected: 0,
    };
    let effects = press(&mut app, KeyCode::Enter);
    assert!(
        matches!(&effects[..], [Effect::LoadLesson { source }] if source == "fixture-zombie"),
        "{effects:?}"
    );
}
