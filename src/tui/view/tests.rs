//! Whole screens drawn into a test backend, at a few sizes, and pinned with insta.

use super::{measured_pane, render};
use crate::scenario::Scenario;
use crate::tui::action::Action;
use crate::tui::app::{App, Overlay};
use crate::tui::theme::Theme;
use crate::tui::update::update;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Size;
use ratatui::style::Color;

fn app(width: u16, height: u16) -> App {
    App::new(Theme { color: true }, Size::new(width, height))
}

fn open(app: &mut App, id: &str) {
    let scenario = Scenario::open(id).expect("bundled");
    update(
        app,
        Action::Loaded {
            scenario: Box::new(scenario),
            real: false,
        },
    );
}

fn draw(app: &App) -> Buffer {
    let backend = TestBackend::new(app.size.width, app.size.height);
    let mut terminal = Terminal::new(backend).expect("terminal");
    terminal.draw(|f| render(app, f)).expect("draw");
    terminal.backend().buffer().clone()
}

/// The buffer's text, one line per row, trailing spaces cut.
fn text(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        for x in 0..area.width {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn screen(app: &App) -> String {
    text(&draw(app))
}

#[test]
fn home_screen() {
    insta::assert_snapshot!(screen(&app(120, 40)));
}

#[test]
fn scenario_at_its_first_step() {
    let mut a = app(120, 40);
    open(&mut a, "queues/two-devices");
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn scenario_at_a_middle_step() {
    let mut a = app(120, 40);
    open(&mut a, "queues/two-devices");
    let middle = a.view().expect("open").replay.steps() / 2;
    for _ in 0..middle {
        update(&mut a, Action::Next);
    }
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn scenario_at_its_last_step() {
    let mut a = app(120, 40);
    open(&mut a, "queues/two-devices");
    update(&mut a, Action::Last);
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn swapping_shows_the_suspended_states() {
    let mut a = app(120, 40);
    open(&mut a, "medium-term/swapping");
    for _ in 0..4 {
        update(&mut a, Action::Next);
    }
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn mlfq_shows_its_queues_by_level() {
    let mut a = app(120, 40);
    open(&mut a, "scheduling/mlfq-basic");
    for _ in 0..6 {
        update(&mut a, Action::Next);
    }
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn narrow_terminal_shows_tabs() {
    let mut a = app(80, 24);
    open(&mut a, "scheduling/rr-context-switch");
    update(&mut a, Action::Next);
    update(&mut a, Action::Next);
    insta::assert_snapshot!("narrow_simulated", screen(&a));
    update(&mut a, Action::FocusNext);
    insta::assert_snapshot!("narrow_narration", screen(&a));
}

#[test]
fn wide_terminal() {
    let mut a = app(200, 60);
    open(&mut a, "multiprocessor/two-cpus");
    for _ in 0..8 {
        update(&mut a, Action::Next);
    }
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn help_overlay() {
    let mut a = app(120, 40);
    open(&mut a, "scheduling/rr-textbook");
    update(&mut a, Action::Help);
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn open_prompt_with_an_error() {
    let mut a = app(120, 40);
    update(&mut a, Action::StartOpen);
    for c in "missing.toml".chars() {
        update(&mut a, Action::Type(c));
    }
    update(
        &mut a,
        Action::LoadFailed("cannot read missing.toml: No such file or directory".into()),
    );
    assert!(matches!(a.overlay, Some(Overlay::Open { .. })));
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn too_small_asks_to_enlarge_and_nothing_panics_at_any_size() {
    let mut a = app(79, 24);
    open(&mut a, "scheduling/rr-textbook");
    let small = screen(&a);
    assert!(small.contains("Please enlarge the terminal"), "{small}");
    assert!(small.contains("80×24"), "{small}");
    for (w, h) in [
        (1, 1),
        (0, 0),
        (2, 50),
        (300, 1),
        (80, 24),
        (119, 30),
        (120, 24),
    ] {
        a.size = Size::new(w, h);
        update(&mut a, Action::Help);
        let _ = draw(&a);
        update(&mut a, Action::Help);
        let _ = draw(&a);
    }
    let mut home = app(1, 1);
    update(&mut home, Action::StartOpen);
    let _ = draw(&home);
}

#[test]
fn every_bundled_scenario_draws_at_every_step_without_panicking() {
    for id in crate::scenario::bundled::ids() {
        let mut a = app(120, 40);
        open(&mut a, id);
        let steps = a.view().expect("open").replay.steps();
        for _ in 0..=steps.min(200) {
            let _ = draw(&a);
            update(&mut a, Action::Next);
        }
    }
}

#[test]
fn states_have_their_colours_and_no_color_removes_them() {
    let mut a = app(120, 40);
    open(&mut a, "scheduling/rr-textbook");
    update(&mut a, Action::Next);
    let buffer = draw(&a);
    let screen = text(&buffer);
    let (row, line) = screen
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("running") && l.contains("P1"))
        .expect("P1 is running");
    let column = line
        .find("running")
        .map(|b| line[..b].chars().count())
        .expect("state");
    assert_eq!(buffer[(column as u16, row as u16)].fg, Color::Green);
    a.theme = Theme { color: false };
    let plain = draw(&a);
    for cell in plain.content() {
        assert_eq!(cell.fg, Color::Reset, "NO_COLOR: no foreground colour");
        assert_eq!(cell.bg, Color::Reset, "NO_COLOR: no background colour");
    }
}

/// The fixture lesson at its question step, a hint shown and an answer being typed.
fn lesson_at_question(width: u16, height: u16) -> App {
    let mut app = app(width, height);
    let text = include_str!("../../../tests/fixtures/lesson-zombie.toml");
    let lesson = crate::lesson::Lesson::parse("fixture.toml", text, None).expect("fixture");
    update(&mut app, Action::LessonLoaded(Box::new(lesson)));
    for action in [Action::LessonNext, Action::Hint, Action::Type('6')] {
        update(&mut app, action);
    }
    app
}

#[test]
fn lesson_with_a_question_a_hint_and_the_answer_box() {
    insta::assert_snapshot!(screen(&lesson_at_question(120, 40)));
}

#[test]
fn lesson_in_a_small_terminal_keeps_the_answer_box_in_sight() {
    let app = lesson_at_question(80, 24);
    let shown = screen(&app);
    assert!(shown.contains("Your answer: 6"), "{shown}");
    insta::assert_snapshot!(shown);
}

#[test]
fn a_hint_is_markdown_like_the_question() {
    let mut app = app(120, 40);
    let text = include_str!("../../../tests/fixtures/lesson-zombie.toml")
        .replace("\"It has exited.\"", "\"It has called `exit`.\"");
    let lesson = crate::lesson::Lesson::parse("fixture.toml", &text, None).expect("fixture");
    update(&mut app, Action::LessonLoaded(Box::new(lesson)));
    update(&mut app, Action::LessonNext);
    update(&mut app, Action::Hint);
    let shown = screen(&app);
    assert!(shown.contains("Hint: It has called exit."), "{shown}");
}

#[test]
fn lesson_highlights_the_parts_a_step_points_at() {
    let mut app = app(120, 40);
    let text = include_str!("../../../tests/fixtures/lesson-zombie.toml");
    let lesson = crate::lesson::Lesson::parse("fixture.toml", text, None).expect("fixture");
    update(&mut app, Action::LessonLoaded(Box::new(lesson)));
    let shown = screen(&app);
    // Step 1 lights the queues and the event log; nothing else.
    assert_eq!(shown.matches("◀ look here").count(), 2, "{shown}");
    update(&mut app, Action::LessonNext);
    assert_eq!(screen(&app).matches("◀ look here").count(), 0);
}

/// The measuring fixture lesson at its measuring step, with the worker's news handed in by
/// hand: every row of the hand-made table (`done`), or the first two with the third under way.
fn lesson_measuring(width: u16, height: u16, done: bool) -> App {
    use crate::tui::action::MeasureNews;
    let mut app = app(width, height);
    let text = include_str!("../../../tests/fixtures/lesson-measure.toml");
    let lesson = crate::lesson::Lesson::parse("fixture.toml", text, None).expect("fixture");
    update(&mut app, Action::LessonLoaded(Box::new(lesson)));
    let run = update(&mut app, Action::LessonNext)
        .iter()
        .find_map(|e| match e {
            crate::tui::action::Effect::StartMeasuring { run, .. } => Some(*run),
            _ => None,
        })
        .expect("the step measures");
    let table = crate::lesson::measure::tests::table();
    let rows = if done { 5 } else { 2 };
    for row in &table.rows[..rows] {
        for news in [
            MeasureNews::Starting(row.mechanism),
            MeasureNews::Row(Box::new(row.clone())),
        ] {
            update(&mut app, Action::Measuring { run, news });
        }
    }
    let news = if done {
        MeasureNews::Done(Box::new(table))
    } else {
        MeasureNews::Starting(crate::ipc_bench::Mechanism::Shm)
    };
    update(&mut app, Action::Measuring { run, news });
    app
}

#[test]
fn lesson_with_its_measured_table() {
    let shown = screen(&lesson_measuring(120, 40, true));
    assert!(
        shown.contains("POSIX shared memory       0.93     1.21       9,391"),
        "{shown}"
    );
    assert!(shown.contains("m measure again"), "{shown}");
    insta::assert_snapshot!(shown);
}

#[test]
fn lesson_measuring_in_a_small_terminal() {
    let shown = screen(&lesson_measuring(80, 24, false));
    assert!(shown.contains("measuring…"), "{shown}");
    assert!(
        shown.contains("The answer comes from the measured table"),
        "{shown}"
    );
    insta::assert_snapshot!(shown);
}

#[test]
fn the_measured_pane_says_what_comes_before_and_after_a_failure() {
    use crate::tui::app::Measurement;
    let bench = crate::lesson::measure::Bench {
        rounds: 50,
        bytes: 256 << 10,
    };
    let theme = Theme { color: false };
    let text = |m: &Measurement| -> String {
        measured_pane::lines(m, &bench, 1, 60, theme)
            .iter()
            .map(|l| l.to_string() + "\n")
            .collect()
    };
    let before = text(&Measurement::NotYet);
    assert!(before.contains("Step 2 of the lesson measures"), "{before}");
    assert!(
        before.contains("50 round trips") && before.contains("256 KiB"),
        "{before}"
    );
    let failed = text(&Measurement::Failed(
        "The measurement failed: EPERM.".into(),
    ));
    assert!(
        failed.contains("EPERM") && failed.contains("m measures again"),
        "{failed}"
    );
    assert!(failed.lines().all(|l| l.chars().count() <= 60), "{failed}");
}

#[test]
fn windows_pipes_show_their_queues() {
    // Step to the moment c3 waits in WaitNamedPipe while both instances are busy.
    let mut a = app(120, 40);
    open(&mut a, "ipc/win-named-pipe-instances");
    for _ in 0..5 {
        update(&mut a, Action::Next);
    }
    let shown = screen(&a);
    assert!(shown.contains("WaitNamedPipe"), "{shown}");
    insta::assert_snapshot!(shown);
}
