//! The twins: one real process per simulated one, as `/proc` shows it, with the meaning of
//! each state letter that appears.

use super::real_pane::heading;
use crate::lab::record::{FindingKind, StepRecord, meaning};
use crate::tui::theme::Theme;
use ratatui::text::{Line, Span};

/// The table, as lines.
pub fn lines(record: &StepRecord, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = vec![
        heading("Twins (from /proc)", theme),
        Line::styled(
            format!(
                "{:<8} {:>7} {:>7} {} {:<11} {}",
                "NAME", "PID", "PPID", "S", "WCHAN", "COMM"
            ),
            theme.title(),
        ),
    ];
    let mut letters: Vec<char> = Vec::new();
    for p in &record.real {
        let disagrees = record
            .findings
            .iter()
            .any(|f| f.kind == FindingKind::Mismatch && f.process.as_deref() == Some(&p.name));
        let name_style = if disagrees {
            theme.mismatch()
        } else {
            theme.title()
        };
        let (pid, ppid) = if p.state == '-' {
            ("-".to_string(), "-".to_string())
        } else {
            (p.pid.to_string(), p.ppid.to_string())
        };
        if !letters.contains(&p.state) {
            letters.push(p.state);
        }
        let wchan = match p.wchan.chars().count() {
            0 => "-".to_string(),
            1..=11 => p.wchan.clone(),
            _ => format!("{}…", p.wchan.chars().take(10).collect::<String>()),
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{:<8}", p.name), name_style),
            Span::raw(format!(" {pid:>7} {ppid:>7} ")),
            Span::styled(p.state.to_string(), theme.letter(p.state)),
            Span::raw(format!(" {wchan:<11} {}", p.comm)),
        ]));
    }
    letters.sort_unstable();
    for letter in letters {
        lines.push(Line::from(vec![
            Span::styled(format!("  {letter}"), theme.letter(letter)),
            Span::styled(format!(" = {}", meaning(letter)), theme.dim()),
        ]));
    }
    lines
}
