//! The top two lines (the scenario, the time, the step, playing or paused, the kernel's setup)
//! and the bottom line of key hints.

use crate::report::describe_setup;
use crate::tui::app::{Measurement, RealStatus, ScenarioView};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The header.
pub fn render(frame: &mut Frame, area: Rect, view: &ScenarioView, theme: Theme) {
    let replay = &view.replay;
    let state = if view.playing {
        Span::styled(
            format!("▶ playing, {} steps/s", speed(view.speed())),
            theme.agree(),
        )
    } else {
        Span::styled("‖ paused", theme.dim())
    };
    // Where the run is comes first, so that a narrow terminal cuts the title instead.
    let status = Line::from(vec![
        Span::styled(
            format!(" step {} of {}", replay.step(), replay.steps()),
            theme.title(),
        ),
        Span::raw(" · "),
        Span::styled(format!("time {}", replay.kernel().now()), theme.title()),
        Span::raw(" · "),
        state,
        Span::raw(" · "),
        match &view.lesson {
            Some(l) => Span::styled(
                format!(
                    "lesson step {} of {}: {}",
                    l.index + 1,
                    l.lesson.steps.len(),
                    l.lesson.title
                ),
                theme.spotlight(),
            ),
            None => Span::styled(view.scenario.title.clone(), theme.title()),
        },
    ]);
    let mut setup = vec![Span::styled(
        format!(
            " {} · {}",
            view.scenario.path,
            describe_setup(&view.scenario)
        ),
        theme.dim(),
    )];
    if let Some(real) = &view.real {
        let text = match &real.status {
            RealStatus::Starting => "real: starting…".to_string(),
            RealStatus::Running { .. } if real.recorded() < replay.step() => format!(
                "real: catching up, step {} of {}",
                real.recorded(),
                replay.step()
            ),
            RealStatus::Running { helper } => format!("real: twins under helper {helper}"),
            RealStatus::Ended(s) if s.agree => "real: done, both kernels agree".to_string(),
            RealStatus::Ended(s) => format!("real: done, {} disagreement(s)", s.mismatches.len()),
            RealStatus::Failed(_) => "real: stopped".to_string(),
        };
        let style = match &real.status {
            RealStatus::Failed(_) => theme.error(),
            RealStatus::Ended(s) if !s.agree => theme.mismatch(),
            _ => theme.dim(),
        };
        setup.push(Span::styled(format!(" · {text}"), style));
    }
    if let Some(l) = view.lesson.as_ref().filter(|_| view.measures()) {
        let (text, style) = match &l.measurement {
            Measurement::NotYet => ("measured: not yet".to_string(), theme.dim()),
            Measurement::Running { rows, .. } => (
                format!(
                    "measuring: {} of {} done…",
                    rows.len(),
                    l.lesson.bench().map_or(0, |b| b.mechanisms().len())
                ),
                theme.spotlight(),
            ),
            Measurement::Done(_) => ("measured".to_string(), theme.agree()),
            Measurement::Failed(_) => ("measurement: stopped".to_string(), theme.error()),
        };
        setup.push(Span::styled(format!(" · {text}"), style));
    }
    frame.render_widget(Paragraph::new(vec![status, Line::from(setup)]), area);
}

fn speed(steps: f64) -> String {
    if steps < 1.0 {
        format!("{steps:.1}")
    } else {
        format!("{steps:.0}")
    }
}

/// The key hints.
pub fn footer(frame: &mut Frame, area: Rect, view: &ScenarioView, theme: Theme) {
    let play = if view.playing { "pause" } else { "play" };
    if view.lesson.is_some() {
        let mut keys = vec![
            ("n/p", "lesson step"),
            ("a", "answer"),
            ("h", "hint"),
            ("s", "show answer"),
            ("→/←", "run step"),
            ("Enter", play),
            ("Tab", "focus"),
            ("?", "help"),
            ("Esc", "home"),
            ("q", "quit"),
        ];
        // The measuring key takes the place of playing, which such a lesson needs least.
        if view.measures() {
            keys[5] = ("m", "measure again");
        }
        frame.render_widget(Paragraph::new(hints(&keys, theme)), area);
        return;
    }
    let keys = [
        ("n/→", "next"),
        ("p/←", "back"),
        ("Enter", play),
        ("?", "help"),
        ("q", "quit"),
        ("Tab", "focus"),
        ("↑↓", "scroll"),
        ("g/G", "first/last"),
        ("+/-", "speed"),
        ("Esc", "home"),
    ];
    frame.render_widget(Paragraph::new(hints(&keys, theme)), area);
}

/// A line of `key what` pairs.
pub fn hints(keys: &[(&str, &str)], theme: Theme) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    for (key, what) in keys {
        spans.push(Span::styled(key.to_string(), theme.key()));
        spans.push(Span::raw(format!(" {what}  ")));
    }
    Line::from(spans)
}
