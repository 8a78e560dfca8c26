//! The window that asks for a scenario file to open.

use super::centered;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

/// The window, with what was typed and why the last try failed.
pub fn render(frame: &mut Frame, area: Rect, input: &str, error: Option<&str>, theme: Theme) {
    let mut lines = vec![
        Line::raw("Path of a scenario file (.toml), or the id of a bundled scenario:"),
        Line::from(vec![
            Span::styled("> ", theme.key()),
            Span::raw(input.to_string()),
            Span::styled("█", theme.focused()),
        ]),
        Line::styled("Enter: open · Esc: cancel", theme.dim()),
    ];
    if let Some(error) = error {
        lines.push(Line::raw(""));
        for text in error.lines() {
            lines.push(Line::styled(text.to_string(), theme.error()));
        }
    }
    let height = (lines.len() as u16 + 4).min(area.height);
    let rect = centered(area, 76, height);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::bordered()
                .border_type(BorderType::Double)
                .border_style(theme.focused())
                .title(" Open a scenario "),
        ),
        rect,
    );
}
