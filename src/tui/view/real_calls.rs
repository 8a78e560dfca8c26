//! The system calls of this step, as the model made them and as the twins made them.

use super::real_pane::heading;
use crate::lab::record::StepRecord;
use crate::tui::theme::Theme;
use ratatui::text::{Line, Span};

/// The calls, as lines (none if no call was made at this step).
pub fn lines(record: &StepRecord, theme: Theme) -> Vec<Line<'static>> {
    if record.calls.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![heading("System calls at this step (model | real)", theme)];
    for c in &record.calls {
        let (mark, style) = match c.agree {
            Some(true) => ("✓ ", theme.agree()),
            Some(false) => ("✗ ", theme.mismatch()),
            None => ("  ", theme.dim()),
        };
        let real = c.real.clone().unwrap_or_else(|| "not made for real".into());
        lines.push(Line::from(vec![
            Span::styled(mark, style),
            Span::styled(format!("{}: ", c.process), theme.title()),
            Span::raw(format!("{} {} ", c.call, c.sim)),
            Span::styled("| ", theme.dim()),
            Span::styled(
                real,
                if c.agree == Some(false) {
                    style
                } else {
                    ratatui::style::Style::new()
                },
            ),
        ]));
        if let Some(note) = &c.note {
            lines.push(Line::styled(format!("    {note}"), theme.dim()));
        }
    }
    lines
}
