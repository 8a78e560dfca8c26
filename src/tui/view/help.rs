//! The help overlay: every key, grouped.

use super::centered;
use crate::tui::app::App;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

/// The keys, by group.
const GROUPS: &[(&str, &[(&str, &str)])] = &[
    (
        "Moving through time",
        &[
            ("n  →  space", "next step"),
            ("p  ←", "previous step (time travel)"),
            ("g  Home", "first step"),
            ("G  End", "last step"),
            ("Enter", "play / pause"),
            ("+  -", "play faster / slower"),
        ],
    ),
    (
        "Looking around",
        &[
            ("Tab", "focus the next pane (or tab, in narrow terminals)"),
            ("j k  ↑ ↓", "scroll the focused pane"),
            ("PgUp PgDn", "scroll a page"),
            ("mouse wheel", "scroll the pane under the pointer"),
        ],
    ),
    (
        "Screens",
        &[
            ("Enter", "home: open the selected scenario"),
            ("r", "home: open it beside the real kernel"),
            ("o", "open a scenario file by its path"),
            ("?", "show or hide this help"),
            ("Esc", "close a window, or go back home"),
            ("q  Ctrl-C", "quit (real processes are removed)"),
        ],
    ),
];

/// The keys of a lesson, shown instead of the first group while a lesson is open.
const LESSON: (&str, &[(&str, &str)]) = (
    "In a lesson",
    &[
        ("n  p", "next / previous lesson step"),
        ("a  1-9", "answer the question (Enter submits, Esc closes)"),
        ("h", "reveal a hint"),
        ("s", "show the answer and why"),
        (
            "m",
            "measure again (a lesson that measures the real kernel)",
        ),
        ("→ ← space", "step the run freely; Enter plays"),
    ],
);

/// The overlay.
pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let theme = app.theme;
    let mut lines = Vec::new();
    let in_lesson = app.view().is_some_and(|v| v.lesson.is_some());
    let groups = GROUPS
        .iter()
        .enumerate()
        .map(|(i, g)| if i == 0 && in_lesson { &LESSON } else { g });
    for (group, keys) in groups {
        lines.push(Line::styled(*group, theme.title()));
        for (key, what) in *keys {
            lines.push(Line::from(vec![
                Span::styled(format!("  {key:<13}"), theme.key()),
                Span::raw(*what),
            ]));
        }
        lines.push(Line::raw(""));
    }
    lines.push(Line::styled(
        "Colours: green running, yellow ready, blue waiting, red zombie, magenta suspended. \
         Set NO_COLOR to turn colours off.",
        theme.dim(),
    ));
    // The last paragraph wraps to two lines.
    let height = lines.len() as u16 + 3;
    let rect = centered(area, 72, height);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: true })
            .block(
                Block::bordered()
                    .border_type(BorderType::Double)
                    .border_style(theme.focused())
                    .title(" Help · Esc or ? to close "),
            ),
        rect,
    );
}
