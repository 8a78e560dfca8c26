use super::*;
use crate::lab::record::Summary;
use crate::tui::action::RealNews;
use crate::tui::app::{Pane, RealStatus};
use crate::tui::theme::Theme;
use ratatui::layout::Size;

fn app() -> App {
    App::new(Theme { color: false }, Size::new(120, 40))
}

fn opened(id: &str, real: bool) -> (App, Vec<Effect>) {
    let mut app = app();
    let scenario = Scenario::open(id).expect("bundled");
    let effects = update(
        &mut app,
        Action::Loaded {
            scenario: Box::new(scenario),
            real,
        },
    );
    (app, effects)
}

fn view(app: &App) -> &ScenarioView {
    app.view().expect("a scenario is open")
}

fn view_mut(app: &mut App) -> &mut ScenarioView {
    match &mut app.screen {
        Screen::Scenario(v) => v,
        Screen::Home => panic!("no scenario open"),
    }
}

#[test]
fn stepping_forward_and_back_and_to_either_end() {
    let (mut app, effects) = opened("scheduling/rr-textbook", false);
    assert!(effects.is_empty(), "no real run for a scheduling scenario");
    let last = view(&app).replay.steps();
    update(&mut app, Action::Next);
    update(&mut app, Action::Next);
    assert_eq!(view(&app).replay.step(), 2);
    update(&mut app, Action::Previous);
    assert_eq!(view(&app).replay.step(), 1);
    update(&mut app, Action::Last);
    assert_eq!(view(&app).replay.step(), last);
    update(&mut app, Action::Next);
    assert_eq!(view(&app).replay.step(), last, "no step past the end");
    update(&mut app, Action::First);
    assert_eq!(view(&app).replay.step(), 0);
    update(&mut app, Action::Previous);
    assert_eq!(view(&app).replay.step(), 0, "no step before the start");
}

#[test]
fn playing_ticks_forward_and_stops_at_the_end() {
    let (mut app, _) = opened("scheduling/rr-textbook", false);
    update(&mut app, Action::Tick);
    assert_eq!(view(&app).replay.step(), 0, "paused: a tick does nothing");
    update(&mut app, Action::TogglePlay);
    assert!(view(&app).playing);
    let last = view(&app).replay.steps();
    for _ in 0..last {
        update(&mut app, Action::Tick);
    }
    assert_eq!(view(&app).replay.step(), last);
    update(&mut app, Action::Tick);
    assert!(!view(&app).playing, "playing stops at the last step");
    // Playing again from the end starts over.
    update(&mut app, Action::TogglePlay);
    assert_eq!(view(&app).replay.step(), 0);
    update(&mut app, Action::Previous);
    assert!(!view(&app).playing, "stepping back pauses");
}

#[test]
fn speed_stays_within_its_range() {
    let (mut app, _) = opened("scheduling/rr-textbook", false);
    assert_eq!(view(&app).speed(), 2.0);
    for _ in 0..20 {
        update(&mut app, Action::Faster);
    }
    assert_eq!(view(&app).speed(), 64.0);
    for _ in 0..20 {
        update(&mut app, Action::Slower);
    }
    assert_eq!(view(&app).speed(), 0.5);
}

#[test]
fn a_scenario_that_asks_for_the_real_kernel_starts_a_run_and_drives_it() {
    let (mut app, effects) = opened("ipc/pipe-greeting", false);
    let run = match effects.as_slice() {
        [Effect::StartReal { run, .. }] => *run,
        other => panic!("expected a start, got {other:?}"),
    };
    assert_eq!(view(&app).real.as_ref().map(|r| r.run), Some(run));
    let effects = update(&mut app, Action::Next);
    assert!(
        matches!(effects.as_slice(), [Effect::AdvanceReal { to: 1, .. }]),
        "{effects:?}"
    );
    // Going back and forward again asks for nothing new.
    update(&mut app, Action::Previous);
    assert!(update(&mut app, Action::Next).is_empty());
    // While the twins are behind, playing waits for them.
    update(&mut app, Action::TogglePlay);
    update(&mut app, Action::Tick);
    assert_eq!(view(&app).replay.step(), 1, "waits for the real step 1");
    // Leaving tears the run down.
    let effects = update(&mut app, Action::Back);
    assert!(matches!(effects.as_slice(), [Effect::StopReal { run: r }] if *r == run));
    assert!(app.view().is_none());
}

#[test]
fn news_from_another_run_is_ignored_and_a_wrong_step_count_stops_the_run() {
    let (mut app, _) = opened("ipc/pipe-greeting", false);
    let run = view(&app).real.as_ref().expect("real").run;
    let effects = update(
        &mut app,
        Action::Real {
            run: run + 7,
            news: RealNews::Failed("old".into()),
        },
    );
    assert!(effects.is_empty());
    assert_eq!(
        view(&app).real.as_ref().expect("real").status,
        RealStatus::Starting
    );
    let effects = update(
        &mut app,
        Action::Real {
            run,
            news: RealNews::Started {
                helper: 42,
                steps: 999,
            },
        },
    );
    assert!(matches!(effects.as_slice(), [Effect::StopReal { .. }]));
    assert!(matches!(
        view(&app).real.as_ref().expect("real").status,
        RealStatus::Failed(_)
    ));
}

#[test]
fn the_end_of_a_real_run_is_kept() {
    let (mut app, _) = opened("ipc/pipe-greeting", false);
    let run = view(&app).real.as_ref().expect("real").run;
    let summary = Summary {
        steps: 3,
        agree: true,
        mismatches: Vec::new(),
        notes: Vec::new(),
        processes: 2,
        helper_pid: 42,
    };
    update(
        &mut app,
        Action::Real {
            run,
            news: RealNews::Ended(summary.clone()),
        },
    );
    let real = view(&app).real.as_ref().expect("real");
    assert_eq!(real.status, RealStatus::Ended(summary));
    assert!(!real.is_live());
    // Nothing more to drive, nothing to stop.
    assert!(update(&mut app, Action::Next).is_empty());
    assert!(update(&mut app, Action::Quit).is_empty());
    assert!(app.quit);
}

#[test]
fn exec_outside_the_allow_list_is_refused_in_the_pane_not_run() {
    let mut app = app();
    let scenario = Scenario::parse(
        "x.toml",
        "title = \"t\"\nreal = true\n[[process]]\nname = \"a\"\nprogram = [\"exec rm -rf /tmp/x\"]\n",
    )
    .expect("valid");
    let effects = update(
        &mut app,
        Action::Loaded {
            scenario: Box::new(scenario),
            real: false,
        },
    );
    assert!(effects.is_empty(), "{effects:?}");
    match &view(&app).real.as_ref().expect("real").status {
        RealStatus::Failed(why) => assert!(why.contains("x.toml:5"), "{why}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn tab_cycles_through_the_panes_that_exist() {
    let (mut app, _) = opened("scheduling/rr-textbook", false);
    let mut seen = vec![view(&app).focus];
    for _ in 0..3 {
        update(&mut app, Action::FocusNext);
        seen.push(view(&app).focus);
    }
    assert_eq!(
        seen,
        vec![Pane::Simulated, Pane::Narration, Pane::Log, Pane::Simulated]
    );
}

#[test]
fn scrolling_is_clamped_and_the_log_counts_back() {
    let (mut app, _) = opened("scheduling/rr-textbook", false);
    update(&mut app, Action::Last);
    update(&mut app, Action::Scroll(50));
    assert_eq!(
        view(&app).scrolls.simulated,
        2,
        "3 processes: at most 2 down"
    );
    update(&mut app, Action::Scroll(-99));
    assert_eq!(view(&app).scrolls.simulated, 0);
    view_mut(&mut app).focus = Pane::Log;
    update(&mut app, Action::Scroll(-3));
    assert_eq!(view(&app).scrolls.log, 3, "up goes back in the log");
    update(&mut app, Action::Next);
    update(&mut app, Action::First);
    assert_eq!(
        view(&app).scrolls.log,
        0,
        "a new step follows the newest line"
    );
}

#[test]
fn the_mouse_scrolls_the_pane_under_it() {
    let (mut app, _) = opened("scheduling/rr-textbook", false);
    update(&mut app, Action::Last);
    // Bottom right is the event log at 120×40.
    update(
        &mut app,
        Action::ScrollAt {
            column: 100,
            row: 35,
            lines: -3,
        },
    );
    assert_eq!(view(&app).focus, Pane::Log);
    assert_eq!(view(&app).scrolls.log, 3);
}

#[test]
fn the_open_prompt_takes_a_path_and_shows_why_it_failed() {
    let mut app = app();
    update(&mut app, Action::StartOpen);
    for c in "nope.toml".chars() {
        update(&mut app, Action::Type(c));
    }
    update(&mut app, Action::Erase);
    let effects = update(&mut app, Action::Submit);
    assert!(
        matches!(effects.as_slice(), [Effect::Load { source, real: false }] if source == "nope.tom"),
        "{effects:?}"
    );
    update(&mut app, Action::LoadFailed("cannot read nope.tom".into()));
    assert_eq!(
        app.overlay,
        Some(Overlay::Open {
            input: "nope.tom".into(),
            error: Some("cannot read nope.tom".into())
        })
    );
    update(&mut app, Action::Back);
    assert_eq!(app.overlay, None);
}

#[test]
fn home_selection_moves_within_the_list_and_opens_the_entry() {
    let mut app = app();
    update(&mut app, Action::Scroll(-5));
    assert_eq!(app.home.selected, 0);
    update(&mut app, Action::Scroll(10_000));
    assert_eq!(app.home.selected, app.home.entries.len() - 1);
    let id = app.home.current().expect("entry").id.clone();
    let effects = update(&mut app, Action::OpenSelected { real: true });
    assert!(
        matches!(effects.as_slice(), [Effect::Load { source, real: true }] if *source == id),
        "{effects:?}"
    );
}

#[test]
fn help_toggles_and_esc_goes_home() {
    let (mut app, _) = opened("scheduling/rr-textbook", false);
    update(&mut app, Action::Help);
    assert_eq!(app.overlay, Some(Overlay::Help));
    update(&mut app, Action::Back);
    assert_eq!(app.overlay, None);
    assert!(app.view().is_some(), "the first Esc only closes the help");
    update(&mut app, Action::Back);
    assert!(app.view().is_none());
}
