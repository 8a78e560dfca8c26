//! The process table: one row per PCB, its state in the state's colour.

use super::queues::places;
use super::section;
use crate::kernel::{Names, Pcb, State};
use crate::lesson::Highlight;
use crate::replay::Replay;
use crate::tui::app::ScenarioView;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};

/// The table, scrolled by the pane's scroll position.
pub fn render(frame: &mut Frame, area: Rect, view: &ScenarioView, theme: Theme) {
    let lit = super::lit(view, Highlight::Processes);
    let replay = &view.replay;
    let kernel = replay.kernel();
    let total = kernel.processes().count();
    let visible = area.height.saturating_sub(2) as usize;
    let first = (view.scrolls.simulated as usize).min(total.saturating_sub(visible.max(1)));
    let title = if total > visible {
        format!(
            " Processes {}–{} of {total} (↑↓ to scroll) ",
            first + 1,
            (first + visible).min(total)
        )
    } else {
        format!(" Processes ({total}) ")
    };
    let places = places(replay);
    let changed = replay.last_transition().map(|t| t.pid);
    let rows: Vec<Row> = kernel
        .processes()
        .skip(first)
        .take(visible)
        .map(|p| {
            let place = places.get(&p.pid).cloned().unwrap_or_default();
            let row = Row::new(vec![
                Cell::from(p.pid.to_string()),
                Cell::from(p.name.to_string()),
                Cell::from(Span::styled(short_state(&p.state), theme.state(&p.state))),
                Cell::from(program_step(replay, p)),
                Cell::from(p.priority.effective.to_string()),
                Cell::from(if p.state.is_finished() {
                    "-".to_string()
                } else {
                    kernel.burst_left_now(p).to_string()
                }),
                Cell::from(place),
            ]);
            if changed == Some(p.pid) {
                row.style(theme.title())
            } else {
                row
            }
        })
        .collect();
    let header =
        Row::new(["PID", "NAME", "STATE", "STEP", "PRI", "LEFT", "WHERE"]).style(theme.title());
    let table = Table::new(
        rows,
        [
            Constraint::Length(4),
            Constraint::Length(8),
            Constraint::Length(12),
            Constraint::Fill(1),
            Constraint::Length(3),
            Constraint::Length(4),
            Constraint::Length(13),
        ],
    )
    .header(header)
    .block(section(title, lit, theme));
    frame.render_widget(table, area);
}

/// A state's name, short enough for the table.
fn short_state(state: &State) -> &'static str {
    match state {
        State::ReadySuspended => "ready-susp",
        State::WaitingSuspended(_) => "waiting-susp",
        other => other.name(),
    }
}

/// `3/7 write greeting "hello"`: the step the program counter is on, of how many.
fn program_step(replay: &Replay, p: &Pcb) -> Line<'static> {
    let names = replay.names();
    let len = p.program.len();
    let pc = p.regs.pc as usize;
    match p.program.step(p.regs.pc) {
        Some(step) if !p.state.is_finished() => {
            let text = step.describe(|s| names.spec(s), |d| names.device(d), |o| names.object(o));
            Line::from(format!("{}/{len} {text}", pc + 1))
        }
        _ => Line::from(format!("{len}/{len} done")),
    }
}
