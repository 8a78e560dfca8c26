//! Pipes, FIFOs and the shared ring, in the model and for real.

use super::real_pane::heading;
use crate::lab::record::StepRecord;
use crate::tui::theme::Theme;
use ratatui::text::{Line, Span};

/// The objects, as lines (none if the scenario has none).
pub fn lines(record: &StepRecord, theme: Theme) -> Vec<Line<'static>> {
    if record.objects.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![heading("IPC objects (model | real)", theme)];
    for o in &record.objects {
        let differs =
            o.sim_count.is_some() && o.real_count.is_some() && o.sim_count != o.real_count;
        let real_style = if differs {
            theme.mismatch()
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", o.name), theme.title()),
            Span::styled(format!("({}) ", o.kind), theme.dim()),
            Span::raw(o.sim.clone().unwrap_or_else(|| "not created".into())),
            Span::styled(" | ", theme.dim()),
            Span::styled(o.real.clone().unwrap_or_else(|| "—".into()), real_style),
        ]));
    }
    lines
}
