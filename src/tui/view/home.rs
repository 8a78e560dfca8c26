//! The home screen: the lessons with the student's progress, the bundled scenarios by topic,
//! and what the selected one is about.

use super::header::hints;
use super::pane_block;
use crate::lesson::progress::Status;
use crate::tui::app::{App, Entry, EntryKind};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// The screen.
pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let theme = app.theme;
    let [top, body, footer] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(vec![
                Span::styled(" proclab ", theme.focused()),
                Span::styled(
                    "· processes in a simulated kernel, and in the real one beside it",
                    theme.title(),
                ),
            ]),
            match &app.notice {
                Some(notice) => Line::styled(format!(" {notice}"), theme.error()),
                None => Line::styled(
                    " Take a lesson, or pick a scenario and step through it; ◆ also runs on the real Linux kernel.",
                    theme.dim(),
                ),
            },
        ]),
        top,
    );
    let [list_area, about_area] =
        Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)]).areas(body);
    render_list(frame, list_area, app, theme);
    render_about(frame, about_area, app, theme);
    let keys = [
        ("↑↓", "choose"),
        ("Enter", "open"),
        ("r", "open with the real kernel"),
        ("o", "open a file"),
        ("?", "help"),
        ("q", "quit"),
    ];
    frame.render_widget(Paragraph::new(hints(&keys, theme)), footer);
}

fn render_list(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let home = &app.home;
    let mut lines = Vec::new();
    let mut selected_line = 0;
    let mut topic = "";
    for (i, e) in home.entries.iter().enumerate() {
        if e.topic != topic {
            if !topic.is_empty() {
                lines.push(Line::raw(""));
            }
            lines.push(Line::styled(e.topic.clone(), theme.title()));
            topic = &e.topic;
        }
        if i == home.selected {
            selected_line = lines.len();
        }
        let mark = if e.real || e.measures { "◆" } else { " " };
        let line = match e.kind {
            EntryKind::Lesson { .. } => {
                let (status, style) = status(app, e, theme);
                // Lessons come first, in course order: their position is their number.
                Line::from(vec![
                    Span::raw(format!(" {mark} {:>2}. {:<48} ", i + 1, fit(&e.title, 48))),
                    Span::styled(status, style),
                ])
            }
            EntryKind::Scenario => {
                let name = e.id.rsplit('/').next().unwrap_or(&e.id);
                Line::from(vec![
                    Span::raw(format!(" {mark} {name:<24} ")),
                    Span::styled(e.title.clone(), theme.dim()),
                ])
            }
        };
        lines.push(if i == home.selected {
            line.style(theme.highlight())
        } else {
            line
        });
    }
    let height = area.height.saturating_sub(2) as usize;
    let offset = selected_line
        .saturating_sub(height / 2)
        .min(lines.len().saturating_sub(height));
    let lessons = home
        .entries
        .iter()
        .filter(|e| matches!(e.kind, EntryKind::Lesson { .. }))
        .count();
    let title = format!(
        "Lessons ({lessons}) and scenarios ({})",
        home.entries.len() - lessons
    );
    frame.render_widget(
        Paragraph::new(lines)
            .block(pane_block(&title, true, theme))
            .scroll((offset as u16, 0)),
        area,
    );
}

fn render_about(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let mut lines = Vec::new();
    if let Some(e) = app.home.current() {
        lines.push(Line::styled(e.title.clone(), theme.title()));
        let command = match e.kind {
            EntryKind::Lesson { steps } => {
                format!("lesson of {steps} steps · proclab lesson {}", e.id)
            }
            EntryKind::Scenario => format!("{} · proclab open {}", e.topic, e.id),
        };
        lines.push(Line::styled(command, theme.dim()));
        if let EntryKind::Lesson { .. } = e.kind {
            let (status, style) = status(app, e, theme);
            lines.push(Line::styled(status, style));
        }
        lines.push(Line::raw(""));
        for paragraph in e.description.split("\n\n") {
            lines.push(Line::raw(paragraph.replace('\n', " ")));
            lines.push(Line::raw(""));
        }
        if e.real {
            lines.push(Line::styled(
                "◆ Opens beside the real Linux kernel: its processes run for real as twins.",
                theme.agree(),
            ));
        }
        if e.measures {
            lines.push(Line::styled(
                "◆ Measures the real Linux kernel: proclab starts peer processes and times real IPC between them.",
                theme.agree(),
            ));
        }
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(pane_block("About", false, theme))
            .wrap(Wrap { trim: true }),
        area,
    );
}

/// Where the student stands in a lesson: done, at step N, or new.
fn status(app: &App, e: &Entry, theme: Theme) -> (String, ratatui::style::Style) {
    let steps = match e.kind {
        EntryKind::Lesson { steps } => steps,
        EntryKind::Scenario => 0,
    };
    match app.progress.status(&e.id) {
        Status::Done => ("✔ done".into(), theme.agree()),
        Status::Current(step) => (
            format!("▸ at step {} of {steps}", (step + 1).min(steps)),
            theme.spotlight(),
        ),
        Status::New => ("new".into(), theme.dim()),
    }
}

/// `text` cut to `width` characters, with an ellipsis when cut, so that a long lesson title
/// does not push its status out of its column.
fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(width - 1).collect();
    cut.push('…');
    cut
}
