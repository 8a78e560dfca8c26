//! The event log: every change of state of the last steps with its reason, newest at the
//! bottom; the lines of the current step stand out.

use super::pane_block;
use crate::lesson::Highlight;
use crate::tui::app::ScenarioView;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The pane.
pub fn render(frame: &mut Frame, area: Rect, view: &ScenarioView, focused: bool, theme: Theme) {
    let replay = &view.replay;
    let log = replay.log();
    let height = area.height.saturating_sub(2) as usize;
    // Scrolled back from the newest line by the pane's scroll position.
    let back = (view.scrolls.log as usize).min(log.len().saturating_sub(height));
    let end = log.len() - back;
    let start = end.saturating_sub(height);
    let lines: Vec<Line> = log
        .range(start..end)
        .map(|l| {
            let style = if l.step == replay.step() {
                theme.title()
            } else {
                theme.dim()
            };
            Line::from(vec![
                Span::styled(format!("t={:<4} ", l.time), theme.dim()),
                Span::styled(l.text.clone(), style),
            ])
        })
        .collect();
    let title = if back > 0 {
        format!("Event log ({back} lines back)")
    } else {
        "Event log".to_string()
    };
    let paragraph = Paragraph::new(if lines.is_empty() {
        vec![Line::styled("No events yet.", theme.dim())]
    } else {
        lines
    })
    .block(super::lit_block(
        pane_block(&title, focused, theme),
        view,
        Highlight::Log,
        theme,
    ));
    frame.render_widget(paragraph, area);
}
