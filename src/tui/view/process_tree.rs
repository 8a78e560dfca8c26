//! The real process tree: the helper (which stands in for init, as the twins' subreaper) and
//! the twins under their real parents.

use super::real_pane::heading;
use crate::lab::record::{HELPER_NAME, RealProcess, StepRecord};
use crate::tui::theme::Theme;
use ratatui::text::{Line, Span};

/// The tree, as lines.
pub fn lines(record: &StepRecord, theme: Theme) -> Vec<Line<'static>> {
    let alive: Vec<&RealProcess> = record.real.iter().filter(|p| p.state != '-').collect();
    let mut lines = vec![heading("Process tree", theme)];
    lines.push(Line::styled(HELPER_NAME.to_string(), theme.dim()));
    let is_root = |p: &&RealProcess| !alive.iter().any(|q| q.name == p.parent);
    let roots: Vec<&RealProcess> = alive.iter().copied().filter(is_root).collect();
    let count = roots.len();
    for (i, root) in roots.into_iter().enumerate() {
        branch(&mut lines, &alive, root, "", i + 1 == count, theme);
    }
    if alive.is_empty() {
        lines.push(Line::styled("  (no twin is alive)", theme.dim()));
    }
    lines
}

fn branch(
    lines: &mut Vec<Line<'static>>,
    all: &[&RealProcess],
    p: &RealProcess,
    prefix: &str,
    last: bool,
    theme: Theme,
) {
    let joint = if last { "└─ " } else { "├─ " };
    let mut spans = vec![
        Span::styled(format!("{prefix}{joint}"), theme.dim()),
        Span::styled(p.name.clone(), theme.title()),
        Span::raw(format!(" [{}] ", p.pid)),
        Span::styled(p.state.to_string(), theme.letter(p.state)),
    ];
    if p.comm != p.name {
        spans.push(Span::styled(format!(" {}", p.comm), theme.dim()));
    }
    lines.push(Line::from(spans));
    let children: Vec<&RealProcess> = all
        .iter()
        .copied()
        .filter(|c| c.parent == p.name && c.name != p.name)
        .collect();
    let next = format!("{prefix}{}", if last { "   " } else { "│  " });
    let count = children.len();
    for (i, c) in children.into_iter().enumerate() {
        branch(lines, all, c, &next, i + 1 == count, theme);
    }
}
