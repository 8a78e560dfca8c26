//! The Gantt chart: what each CPU did, one column per tick, scrolling so that the present is
//! always at the right; switches (`▒`) and idle time (`·`) drawn apart from running processes.

use super::section;
use crate::kernel::Names;
use crate::replay::Replay;
use crate::report::gantt::Kind;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Width of the row labels.
const LABEL: u16 = 6;

/// Lines the section takes: a title, one row per CPU and the time axis.
pub fn height(cpus: u16) -> u16 {
    cpus + 2
}

/// The section.
pub fn render(frame: &mut Frame, area: Rect, replay: &Replay, lit: bool, theme: Theme) {
    let now = replay.kernel().now();
    let width = u64::from(area.width.saturating_sub(LABEL + 1).max(1));
    let from = if now < width { 0 } else { now - width + 1 };
    let names = replay.names();
    let mut lines = Vec::new();
    for (cpu, row) in replay.timeline().gantt_window(from, now).iter().enumerate() {
        let mut spans = vec![Span::styled(format!("CPU {cpu:<2}"), theme.title())];
        for s in row {
            let cells = (s.end - s.start) as usize;
            match (s.kind, s.pid) {
                (Kind::Run, Some(pid)) => {
                    let name: String = names.process(pid).chars().take(cells).collect();
                    spans.push(Span::styled(
                        format!("{name:<cells$}"),
                        theme.process(pid.0),
                    ));
                }
                (Kind::Switch, _) => spans.push(Span::styled("▒".repeat(cells), theme.dim())),
                _ => spans.push(Span::styled("·".repeat(cells), theme.dim())),
            }
        }
        spans.push(Span::styled("▏", theme.focused()));
        lines.push(Line::from(spans));
    }
    lines.push(Line::from(Span::styled(
        axis(from, width, LABEL),
        theme.dim(),
    )));
    let busy = replay.timeline().busy_before(now);
    let cpus = replay.kernel().cpus().len() as u64;
    let title = if now == 0 {
        " Gantt chart ".to_string()
    } else {
        format!(
            " Gantt chart · CPU utilization {:.0}% ({busy} of {} CPU ticks busy) ",
            100.0 * replay.utilization(),
            now * cpus
        )
    };
    frame.render_widget(
        Paragraph::new(lines).block(section(title, lit, theme)),
        area,
    );
}

/// The time axis under the chart: a number at every multiple of 10 (or 5 when close).
fn axis(from: u64, width: u64, indent: u16) -> String {
    let mut text = " ".repeat(usize::from(indent));
    let mut t = from;
    while t < from + width {
        if t.is_multiple_of(10) {
            let label = t.to_string();
            text.push_str(&label);
            t += label.len() as u64;
        } else {
            text.push(' ');
            t += 1;
        }
    }
    text
}
