//! The home screen: the bundled scenarios by topic, and what the selected one is about.

use super::header::hints;
use super::pane_block;
use crate::tui::app::App;
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
            Line::styled(
                " Pick a scenario and step through it; scenarios marked ◆ also run on the real Linux kernel.",
                theme.dim(),
            ),
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
        let name = e.id.rsplit('/').next().unwrap_or(&e.id);
        let mark = if e.real { "◆" } else { " " };
        let line = Line::from(vec![
            Span::raw(format!(" {mark} {name:<24} ")),
            Span::styled(e.title.clone(), theme.dim()),
        ]);
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
    let title = format!("Scenarios ({})", home.entries.len());
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
        lines.push(Line::styled(
            format!("{} · proclab open {}", e.topic, e.id),
            theme.dim(),
        ));
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
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(pane_block("About", false, theme))
            .wrap(Wrap { trim: true }),
        area,
    );
}
