//! Taking a lesson in the TUI: moving between its steps, the answer box, hints, and progress.

use super::super::action::{Effect, MeasureNews};
use super::super::app::{App, Feedback, LessonView, Measurement, Pane, Screen};
use super::{drive_real, open};
use crate::lesson::query::Query;
use crate::lesson::{Lesson, Verdict};
use crate::tui::view::layout::WIDE;
use std::sync::Arc;

/// Opens a loaded lesson on its scenario, where the student last was.
pub fn open_lesson(app: &mut App, lesson: Lesson) -> Vec<Effect> {
    let mut effects = open(app, lesson.scenario.clone(), false);
    let index = match app.progress.status(&lesson.id) {
        crate::lesson::progress::Status::Current(step) if step < lesson.steps.len() => step,
        _ => 0,
    };
    if let Screen::Scenario(view) = &mut app.screen {
        // Side by side, the lesson's text is what scrolls first; one pane at a time, the
        // simulation stays in sight with the lesson under it.
        if app.size.width >= WIDE {
            view.focus = Pane::Narration;
        }
        view.lesson = Some(LessonView {
            lesson: Arc::new(lesson),
            index,
            input: None,
            hints: 0,
            tries: 0,
            feedback: None,
            complete: false,
            measurement: Measurement::NotYet,
        });
    }
    effects.extend(go_to(app, index));
    effects
}

/// Shows lesson step `index`.
fn go_to(app: &mut App, index: usize) -> Vec<Effect> {
    let Screen::Scenario(view) = &mut app.screen else {
        return Vec::new();
    };
    let Some(lesson) = view.lesson.as_mut() else {
        return Vec::new();
    };
    let index = index.min(lesson.lesson.steps.len() - 1);
    lesson.index = index;
    lesson.input = None;
    lesson.hints = 0;
    lesson.tries = 0;
    lesson.feedback = None;
    let id = lesson.lesson.id.clone();
    let at = lesson.shown_at();
    view.playing = false;
    view.replay.goto(at);
    view.scrolls.narration = 0;
    view.scrolls.log = 0;
    app.progress.set_step(&id, index);
    let mut effects = vec![Effect::SaveProgress];
    effects.extend(drive_real(view));
    effects.extend(measure(app, false));
    effects
}

/// Starts the lesson's measurement once the student reaches its measuring step (or any later
/// one, resuming); `again`: even if it was made already, as `m` asks.
fn measure(app: &mut App, again: bool) -> Vec<Effect> {
    let run = app.runs + 1;
    let narrow = app.size.width < WIDE;
    let Screen::Scenario(view) = &mut app.screen else {
        return Vec::new();
    };
    let Some(l) = view.lesson.as_mut() else {
        return Vec::new();
    };
    let (Some(at), Some(bench)) = (l.lesson.measuring_step(), l.lesson.bench()) else {
        return Vec::new();
    };
    let options = bench.options();
    if l.index < at {
        return Vec::new();
    }
    let mut effects = Vec::new();
    match &l.measurement {
        Measurement::NotYet => {
            // One pane at a time: show the table as it fills, with the lesson under it.
            if narrow && view.focus != Pane::Narration {
                view.focus = Pane::Measured;
            }
        }
        Measurement::Running { run, .. } if again => {
            effects.push(Effect::StopMeasuring { run: *run })
        }
        _ if again => {}
        _ => return effects,
    }
    l.measurement = Measurement::Running {
        run,
        rows: Vec::new(),
        now: None,
    };
    l.lesson = Arc::new(l.lesson.measured(None));
    // A question on screen whose answer comes from the table is asked afresh.
    if l.step()
        .question
        .as_ref()
        .is_some_and(|q| matches!(q.query, Query::Measured(_)))
    {
        l.feedback = None;
        l.input = None;
        l.tries = 0;
    }
    view.scrolls.measured = 0;
    app.runs = run;
    effects.push(Effect::StartMeasuring {
        run,
        options: Box::new(options),
    });
    effects
}

/// `m`: measures again, from the measuring step on.
pub fn measure_again(app: &mut App) -> Vec<Effect> {
    measure(app, true)
}

/// News from the measurement: a row more, the whole table (and so the answers that come from
/// it), or why it stopped.
pub fn measuring(app: &mut App, run: u64, news: MeasureNews) -> Vec<Effect> {
    let Some(l) = lesson(app) else {
        return Vec::new();
    };
    let Measurement::Running {
        run: current,
        rows,
        now,
    } = &mut l.measurement
    else {
        return Vec::new();
    };
    if *current != run {
        return Vec::new();
    }
    match news {
        MeasureNews::Starting(m) => *now = Some(m),
        MeasureNews::Row(row) => rows.push(*row),
        MeasureNews::Done(table) => {
            l.lesson = Arc::new(l.lesson.measured(Some(&table)));
            l.measurement = Measurement::Done(*table);
        }
        MeasureNews::Failed(why) => l.measurement = Measurement::Failed(why),
    }
    Vec::new()
}

/// The lesson being taken, if any.
fn lesson(app: &mut App) -> Option<&mut LessonView> {
    match &mut app.screen {
        Screen::Scenario(view) => view.lesson.as_mut(),
        Screen::Home => None,
    }
}

/// The next lesson step; past the last one, the lesson is complete.
pub fn next(app: &mut App) -> Vec<Effect> {
    let Some(l) = lesson(app) else {
        return Vec::new();
    };
    if l.index + 1 < l.lesson.steps.len() {
        let index = l.index + 1;
        return go_to(app, index);
    }
    l.complete = true;
    let id = l.lesson.id.clone();
    app.progress.complete(&id);
    vec![Effect::SaveProgress]
}

/// The previous lesson step.
pub fn previous(app: &mut App) -> Vec<Effect> {
    match lesson(app) {
        Some(l) if l.index > 0 => {
            let index = l.index - 1;
            go_to(app, index)
        }
        _ => Vec::new(),
    }
}

/// Opens the answer box (with `first` typed in it), if the step asks something not yet settled.
pub fn start_answer(app: &mut App, first: Option<char>) {
    if let Some(l) = lesson(app)
        && l.step().question.as_ref().is_some_and(|q| !q.pending())
        && !l.settled()
    {
        let input = l.input.get_or_insert_with(String::new);
        input.extend(first);
        if matches!(l.feedback, Some(Feedback::Unusable(_))) {
            l.feedback = None;
        }
    }
}

/// True while the answer box is open.
pub fn typing(app: &App) -> bool {
    app.view()
        .and_then(|v| v.lesson.as_ref())
        .is_some_and(|l| l.input.is_some())
}

/// Types into the answer box.
pub fn type_char(app: &mut App, c: char) {
    if let Some(input) = lesson(app).and_then(|l| l.input.as_mut()) {
        input.push(c);
    }
}

/// Erases in the answer box.
pub fn erase(app: &mut App) {
    if let Some(input) = lesson(app).and_then(|l| l.input.as_mut()) {
        input.pop();
    }
}

/// Closes the answer box without answering.
pub fn cancel(app: &mut App) {
    if let Some(l) = lesson(app) {
        l.input = None;
    }
}

/// Judges what is in the answer box.
pub fn submit(app: &mut App) -> Vec<Effect> {
    let Some(l) = lesson(app) else {
        return Vec::new();
    };
    let (Some(reply), Some(question)) = (l.input.clone(), l.step().question.clone()) else {
        return Vec::new();
    };
    match question.judge(&reply) {
        Verdict::Right => {
            l.feedback = Some(Feedback::Right);
            l.input = None;
            let (id, index) = (l.lesson.id.clone(), l.index);
            app.progress.answered_right(&id, index);
            let mut effects = settle(app);
            effects.push(Effect::SaveProgress);
            effects
        }
        Verdict::Wrong => {
            l.tries += 1;
            l.feedback = Some(Feedback::Wrong);
            l.input = Some(String::new());
            Vec::new()
        }
        Verdict::Unusable(why) => {
            l.feedback = Some(Feedback::Unusable(why));
            Vec::new()
        }
    }
}

/// Reveals the next hint.
pub fn hint(app: &mut App) {
    if let Some(l) = lesson(app)
        && let Some(q) = &l.step().question
    {
        l.hints = (l.hints + 1).min(q.hints.len());
    }
}

/// Shows the answer.
pub fn show_answer(app: &mut App) -> Vec<Effect> {
    match lesson(app) {
        Some(l) if l.step().question.as_ref().is_some_and(|q| !q.pending()) && !l.settled() => {
            l.feedback = Some(Feedback::Shown);
            l.input = None;
            settle(app)
        }
        _ => Vec::new(),
    }
}

/// After a prediction is settled, the simulation makes the move it predicted.
fn settle(app: &mut App) -> Vec<Effect> {
    let Screen::Scenario(view) = &mut app.screen else {
        return Vec::new();
    };
    let Some(at) = view.lesson.as_ref().map(LessonView::shown_at) else {
        return Vec::new();
    };
    if view.replay.step() != at {
        view.replay.goto(at);
        view.scrolls.log = 0;
    }
    drive_real(view).into_iter().collect()
}
