//! What a terminal too small for the screens shows.

use super::layout::MIN;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

/// The request to enlarge the terminal.
pub fn render(frame: &mut Frame, area: Rect, theme: Theme) {
    let text = vec![
        Line::styled("Please enlarge the terminal.", theme.title()),
        Line::raw(format!(
            "proclab needs {}×{} at least; this one is {}×{}.",
            MIN.width, MIN.height, area.width, area.height
        )),
        Line::raw("Press q to quit."),
    ];
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}
