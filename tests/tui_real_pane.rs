//! The scenario view with the Real OS pane, drawn from a real run made by the built binary's
//! helper (this test process only spawns it; it never forks). Real pids differ from run to run,
//! so they are replaced by fixed stand-ins before drawing.

#![cfg(target_os = "linux")]

use proclab::lab::client::{Next, RealRun};
use proclab::lab::record::StepRecord;
use proclab::scenario::Scenario;
use proclab::tui::action::{Action, RealNews};
use proclab::tui::app::App;
use proclab::tui::theme::Theme;
use proclab::tui::update::update;
use proclab::tui::view::render;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Size;
use std::collections::HashMap;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

/// Replaces every number of `text` that is a key of `pids` by its stand-in.
fn replace_pids(text: &str, pids: &HashMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut digits = String::new();
    for c in text.chars().chain(std::iter::once('\0')) {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        if !digits.is_empty() {
            out.push_str(pids.get(&digits).unwrap_or(&digits));
            digits.clear();
        }
        if c != '\0' {
            out.push(c);
        }
    }
    out
}

/// A real run of `id`: the helper's pid and every step, with pids replaced.
fn recorded(id: &str) -> (Scenario, Vec<StepRecord>, proclab::lab::record::Summary) {
    let scenario = Scenario::open(id).expect("bundled");
    let exe = Path::new(env!("CARGO_BIN_EXE_proclab"));
    let mut run = RealRun::start_with(exe, &scenario, Duration::from_secs(10), Stdio::inherit())
        .expect("the helper starts");
    let mut records = Vec::new();
    let summary = loop {
        match run.step().expect("a step") {
            Next::Step(r) => records.push(*r),
            Next::End(s) => break s,
        }
    };
    run.finish().expect("a clean end");
    // Stand-ins of the same width for every real pid, in order of appearance.
    let mut pids = HashMap::new();
    pids.insert(summary.helper_pid.to_string(), "90000".to_string());
    for r in &records {
        for p in &r.real {
            let next = format!("{}", 90001 + pids.len() - 1);
            if p.pid > 0 {
                pids.entry(p.pid.to_string()).or_insert(next);
            }
        }
    }
    let records = records
        .iter()
        .map(|r| {
            let json = serde_json::to_string(r).expect("json");
            serde_json::from_str(&replace_pids(&json, &pids)).expect("json back")
        })
        .collect();
    (scenario, records, summary)
}

/// The TUI with `scenario` open beside its real run, every record delivered.
fn app_with(scenario: Scenario, records: Vec<StepRecord>) -> App {
    let mut app = App::new(Theme { color: false }, Size::new(120, 40));
    update(
        &mut app,
        Action::Loaded {
            scenario: Box::new(scenario),
            real: true,
        },
    );
    deliver(
        &mut app,
        records.into_iter().map(|r| RealNews::Step(Box::new(r))),
    );
    app
}

/// Hands news of the open scenario's real run to the TUI.
fn deliver(app: &mut App, news: impl IntoIterator<Item = RealNews>) {
    let run = app.runs;
    for news in news {
        update(app, Action::Real { run, news });
    }
}

fn screen(app: &App) -> String {
    let backend = TestBackend::new(app.size.width, app.size.height);
    let mut terminal = Terminal::new(backend).expect("terminal");
    terminal.draw(|f| render(app, f)).expect("draw");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let line: String = (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol())
            .collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[test]
fn the_real_pane_at_the_first_a_middle_and_the_last_step() {
    let (scenario, records, mut summary) = recorded("ipc/pipe-greeting");
    summary.helper_pid = 90000;
    let steps = records.len() as u64;
    let mut app = app_with(scenario, Vec::new());
    deliver(
        &mut app,
        [RealNews::Started {
            helper: 90000,
            steps,
        }],
    );
    insta::assert_snapshot!("real_step_0", screen(&app));
    let news = records.into_iter().map(|r| RealNews::Step(Box::new(r)));
    deliver(&mut app, news.chain([RealNews::Ended(summary)]));
    update(&mut app, Action::Next);
    insta::assert_snapshot!("real_first_step", screen(&app));
    update(&mut app, Action::Next);
    insta::assert_snapshot!("real_middle_step", screen(&app));
    update(&mut app, Action::Last);
    let last = screen(&app);
    assert!(last.contains("The run is over: 2 real processes"), "{last}");
    insta::assert_snapshot!("real_last_step", last);
}

#[test]
fn a_zombie_shows_as_z_in_the_real_pane() {
    let (scenario, records, _) = recorded("lifecycle/zombie");
    let zombie_step = records
        .iter()
        .find(|r| r.real.iter().any(|p| p.state == 'Z'))
        .map(|r| r.step)
        .expect("the child is a zombie at some step");
    let mut app = app_with(scenario, records);
    for _ in 0..zombie_step {
        update(&mut app, Action::Next);
    }
    let text = screen(&app);
    assert!(text.contains("Z = zombie: exited, not reaped"), "{text}");
    assert!(text.contains("zombie:  1"), "the model agrees: {text}");
}
