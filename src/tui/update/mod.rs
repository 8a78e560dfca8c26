//! `update(app, action)`: the one place where the application's state changes. It performs no
//! I/O; what needs the outside world (reading a file, driving real processes) comes back as
//! [`Effect`]s for the runtime to carry out.

mod lesson;

use super::action::{Action, Effect, RealNews};
use super::app::{
    App, DEFAULT_SPEED, EntryKind, Measurement, Overlay, Pane, RealSide, RealStatus, SPEEDS,
    ScenarioView, Screen, Scrolls,
};
use super::view::layout;
use crate::lab::admit::admit;
use crate::replay::Replay;
use crate::scenario::Scenario;

/// True while the student types an answer in a lesson (keys are text then).
pub fn typing_an_answer(app: &App) -> bool {
    app.overlay.is_none() && lesson::typing(app)
}

/// Applies `action` to `app`; returns what the runtime must do.
pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Quit => {
            app.quit = true;
            return stop_real(app);
        }
        Action::Resize(size) => app.size = size,
        Action::Real { run, news } => return real_news(app, run, news),
        Action::Loaded { scenario, real } => return open(app, *scenario, real),
        Action::LessonLoaded(l) => return lesson::open_lesson(app, *l),
        Action::LessonNext => return lesson::next(app),
        Action::LessonPrevious => return lesson::previous(app),
        Action::Answer => lesson::start_answer(app, None),
        Action::Hint => lesson::hint(app),
        Action::ShowAnswer => return lesson::show_answer(app),
        Action::Measure => return lesson::measure_again(app),
        Action::Measuring { run, news } => return lesson::measuring(app, run, news),
        Action::LoadFailed(why) => match &mut app.overlay {
            Some(Overlay::Open { error, .. }) => *error = Some(why),
            _ => {
                app.overlay = Some(Overlay::Open {
                    input: String::new(),
                    error: Some(why),
                })
            }
        },
        Action::Help => {
            app.overlay = match app.overlay {
                Some(Overlay::Help) => None,
                _ => Some(Overlay::Help),
            }
        }
        Action::Back => {
            if app.overlay.take().is_none() {
                if lesson::typing(app) {
                    lesson::cancel(app);
                } else if let Some(view) = app.view() {
                    let in_lesson = view.lesson.is_some();
                    let mut effects = stop_real(app);
                    app.screen = Screen::Home;
                    if in_lesson {
                        effects.push(Effect::SaveProgress);
                    }
                    return effects;
                }
            }
        }
        Action::StartOpen => {
            app.overlay = Some(Overlay::Open {
                input: String::new(),
                error: None,
            })
        }
        Action::Type(c) => {
            if let Some(Overlay::Open { input, error }) = &mut app.overlay {
                input.push(c);
                *error = None;
            } else if lesson::typing(app) {
                lesson::type_char(app, c);
            } else {
                lesson::start_answer(app, Some(c));
            }
        }
        Action::Erase => {
            if let Some(Overlay::Open { input, error }) = &mut app.overlay {
                input.pop();
                *error = None;
            } else {
                lesson::erase(app);
            }
        }
        Action::Submit => {
            if app.overlay.is_none() {
                return lesson::submit(app);
            }
            if let Some(Overlay::Open { input, .. }) = &app.overlay {
                let source = input.trim().to_string();
                if !source.is_empty() {
                    return vec![Effect::Load {
                        source,
                        real: false,
                    }];
                }
            }
        }
        Action::OpenSelected { real } => {
            if let Some(entry) = app.home.current() {
                if let EntryKind::Lesson { .. } = entry.kind {
                    return vec![Effect::LoadLesson {
                        source: entry.id.clone(),
                    }];
                }
                return vec![Effect::Load {
                    source: entry.id.clone(),
                    real,
                }];
            }
        }
        Action::ScrollAt { column, row, lines } => match &mut app.screen {
            Screen::Home => scroll_home(app, lines),
            Screen::Scenario(view) => {
                if let Some(pane) = layout::pane_at(view, app.size, column, row) {
                    view.focus = pane;
                    scroll(view, pane, lines);
                }
            }
        },
        Action::Scroll(lines) => match &mut app.screen {
            Screen::Home => scroll_home(app, lines),
            Screen::Scenario(view) => scroll(view, view.focus, lines),
        },
        other => {
            if let Screen::Scenario(view) = &mut app.screen {
                return step(view, other);
            }
        }
    }
    Vec::new()
}

/// Moving through the run, playing, focus.
fn step(view: &mut ScenarioView, action: Action) -> Vec<Effect> {
    let at = view.replay.step();
    match action {
        Action::Next => {
            view.replay.goto(at + 1);
        }
        Action::Previous => {
            view.playing = false;
            view.replay.goto(at.saturating_sub(1));
        }
        Action::First => {
            view.playing = false;
            view.replay.goto(0);
        }
        Action::Last => {
            view.playing = false;
            let last = view.replay.steps();
            view.replay.goto(last);
        }
        Action::TogglePlay => {
            view.playing = !view.playing;
            // Playing from the end starts again from the beginning.
            if view.playing && at == view.replay.steps() {
                view.replay.goto(0);
            }
        }
        Action::Faster => view.speed = (view.speed + 1).min(SPEEDS.len() - 1),
        Action::Slower => view.speed = view.speed.saturating_sub(1),
        Action::Tick => {
            if !view.playing {
                return Vec::new();
            }
            if at == view.replay.steps() {
                view.playing = false;
                return Vec::new();
            }
            // The model waits for the real twins to catch up, so both sides stay in step.
            if view
                .real
                .as_ref()
                .is_some_and(|r| r.is_live() && r.recorded() < at)
            {
                return Vec::new();
            }
            view.replay.goto(at + 1);
        }
        Action::FocusNext => {
            let panes = view.panes();
            let here = panes.iter().position(|p| *p == view.focus).unwrap_or(0);
            view.focus = panes[(here + 1) % panes.len()];
        }
        _ => {}
    }
    if view.replay.step() != at {
        // A new step: the narration starts at its top, the log follows its newest line.
        view.scrolls.narration = 0;
        view.scrolls.log = 0;
    }
    drive_real(view).into_iter().collect()
}

/// Asks the twins to reach the step on screen, if they are behind and can go on.
fn drive_real(view: &mut ScenarioView) -> Option<Effect> {
    let at = view.replay.step();
    let real = view.real.as_mut()?;
    (real.is_live() && at > real.requested).then(|| {
        real.requested = at;
        Effect::AdvanceReal {
            run: real.run,
            to: at,
        }
    })
}

fn scroll(view: &mut ScenarioView, pane: Pane, lines: i32) {
    let limit = match pane {
        Pane::Simulated => view.replay.kernel().processes().count(),
        Pane::Log => view.replay.log().len(),
        // Long texts: the renderer stops at their end.
        Pane::Real | Pane::Measured | Pane::Narration => 500,
    };
    let limit = u16::try_from(limit.saturating_sub(1)).unwrap_or(u16::MAX);
    // The log counts back from its newest line: scrolling up goes further back.
    let lines = if pane == Pane::Log { -lines } else { lines };
    let value = view.scrolls.get_mut(pane);
    *value = (i64::from(*value) + i64::from(lines)).clamp(0, i64::from(limit)) as u16;
}

fn scroll_home(app: &mut App, lines: i32) {
    let last = app.home.entries.len().saturating_sub(1) as i64;
    app.home.selected = (app.home.selected as i64 + i64::from(lines)).clamp(0, last) as usize;
}

/// Opens a scenario that was read and checked.
fn open(app: &mut App, scenario: Scenario, force_real: bool) -> Vec<Effect> {
    let mut effects = stop_real(app);
    app.overlay = None;
    let replay = Replay::new(&scenario);
    let real = if force_real || scenario.real {
        app.runs += 1;
        match admit(&scenario, app.allow_exec) {
            Ok(()) => {
                effects.push(Effect::StartReal {
                    run: app.runs,
                    scenario: Box::new(scenario.clone()),
                });
                Some(RealSide::starting(app.runs))
            }
            Err(d) => Some(RealSide::failed(
                app.runs,
                format!("This scenario can't run for real.\n{d}"),
            )),
        }
    } else {
        None
    };
    app.screen = Screen::Scenario(Box::new(ScenarioView {
        scenario,
        replay,
        playing: false,
        speed: DEFAULT_SPEED,
        focus: Pane::Simulated,
        scrolls: Scrolls::default(),
        real,
        lesson: None,
    }));
    effects
}

/// Ends the open scenario's real run and its lesson's measurement, if they are still going.
fn stop_real(app: &mut App) -> Vec<Effect> {
    let mut effects = Vec::new();
    let Some(view) = app.view() else {
        return effects;
    };
    if let Some(real) = view.real.as_ref().filter(|r| r.is_live()) {
        effects.push(Effect::StopReal { run: real.run });
    }
    if let Some(Measurement::Running { run, .. }) = view.lesson.as_ref().map(|l| &l.measurement) {
        effects.push(Effect::StopMeasuring { run: *run });
    }
    effects
}

fn real_news(app: &mut App, run: u64, news: RealNews) -> Vec<Effect> {
    let Screen::Scenario(view) = &mut app.screen else {
        return Vec::new();
    };
    let Some(real) = view.real.as_mut().filter(|r| r.run == run) else {
        return Vec::new();
    };
    match news {
        RealNews::Started { helper, steps } => {
            if steps != view.replay.steps() {
                real.status = RealStatus::Failed(format!(
                    "the real run has {steps} steps but the model has {}",
                    view.replay.steps()
                ));
                return vec![Effect::StopReal { run }];
            }
            real.status = RealStatus::Running { helper };
        }
        RealNews::Step(record) => {
            if record.step == real.recorded() + 1 {
                real.records.push(*record);
            }
        }
        RealNews::Ended(summary) => real.status = RealStatus::Ended(summary),
        RealNews::Failed(why) => real.status = RealStatus::Failed(why),
    }
    Vec::new()
}

#[cfg(test)]
mod lesson_tests;
#[cfg(test)]
mod measure_tests;
#[cfg(test)]
mod tests;
