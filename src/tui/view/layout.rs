//! Where each region of the scenario view goes. Used by the renderer and, for the mouse, by
//! `update`, so a wheel turn scrolls the pane under the pointer.
//!
//! At 120 columns and wider, side by side:
//!
//! ```text
//! ┌ header: title · time · step N of M · playing/paused ───────────────────────────┐
//! ┌ Simulated kernel ───────────────────────┐┌ Real OS (or Measured, in a lesson) ──┐
//! │ processes, state diagram, queues, Gantt ││ twins, tree, IPC objects, calls       │
//! └─────────────────────────────────────────┘└───────────────────────────────────────┘
//! ┌ Narration ──────────────────────────────┐┌ Event log ───────────────────────────┐
//! └─────────────────────────────────────────┘└───────────────────────────────────────┘
//!   keys
//! ```
//!
//! Narrower, one pane at a time under a row of tabs (the focused pane is shown; the narration
//! stays under it), and below 80×24 a request to enlarge the terminal.

use crate::tui::app::{Pane, ScenarioView};
use ratatui::layout::{Constraint, Layout, Position, Rect, Size};

/// Narrowest and lowest terminal the screens are drawn in.
pub const MIN: Size = Size::new(80, 24);
/// From this width on, panes sit side by side.
pub const WIDE: u16 = 120;

/// The regions of the scenario view.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Regions {
    /// Title, time, step, playing.
    pub header: Rect,
    /// The row of tabs, when panes are shown one at a time.
    pub tabs: Option<Rect>,
    /// Each visible pane.
    pub panes: Vec<(Pane, Rect)>,
    /// The key hints.
    pub footer: Rect,
}

/// True if the area is big enough to draw the screens in.
pub fn fits(area: Rect) -> bool {
    area.width >= MIN.width && area.height >= MIN.height
}

/// The regions of `view` drawn in `area`.
pub fn regions(view: &ScenarioView, area: Rect) -> Regions {
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    if area.width >= WIDE {
        // A lesson's text needs more room than the narration.
        let bottom_height = if view.lesson.is_some() {
            (body.height * 2 / 5).clamp(10, 20)
        } else {
            (body.height / 4).clamp(7, 14)
        };
        let [top, bottom] =
            Layout::vertical([Constraint::Min(0), Constraint::Length(bottom_height)]).areas(body);
        // The simulated kernel on the left; the real OS and a lesson's measured table (which
        // needs about 52 columns) beside it, one above the other if there are both.
        let beside: Vec<Pane> = view
            .panes()
            .into_iter()
            .filter(|p| matches!(p, Pane::Real | Pane::Measured))
            .collect();
        let share = if beside == [Pane::Measured] { 55 } else { 57 };
        let mut panes = Vec::new();
        if beside.is_empty() {
            panes.push((Pane::Simulated, top));
        } else {
            let [sim, right] = Layout::horizontal([
                Constraint::Percentage(share),
                Constraint::Percentage(100 - share),
            ])
            .areas(top);
            panes.push((Pane::Simulated, sim));
            let rows = Layout::vertical(beside.iter().map(|_| Constraint::Fill(1))).split(right);
            panes.extend(beside.into_iter().zip(rows.iter().copied()));
        }
        let share = if view.lesson.is_some() { 62 } else { 50 };
        let [narration, log] = Layout::horizontal([
            Constraint::Percentage(share),
            Constraint::Percentage(100 - share),
        ])
        .areas(bottom);
        panes.push((Pane::Narration, narration));
        panes.push((Pane::Log, log));
        return Regions {
            header,
            tabs: None,
            panes,
            footer,
        };
    }
    let [tabs, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(body);
    let panes = if view.focus == Pane::Narration {
        vec![(Pane::Narration, rest)]
    } else {
        // A measured table needs its 5 rows and 2 headings in sight: the lesson gives 2 lines.
        let below = match (&view.lesson, view.focus) {
            (Some(_), Pane::Measured) => 10,
            (Some(_), _) => 12,
            (None, _) => 6,
        };
        let [shown, narration] =
            Layout::vertical([Constraint::Min(0), Constraint::Length(below)]).areas(rest);
        vec![(view.focus, shown), (Pane::Narration, narration)]
    };
    Regions {
        header,
        tabs: Some(tabs),
        panes,
        footer,
    }
}

/// The pane under a point of a terminal of `size`, if any.
pub fn pane_at(view: &ScenarioView, size: Size, column: u16, row: u16) -> Option<Pane> {
    let area = Rect::from((Position::ORIGIN, size));
    if !fits(area) {
        return None;
    }
    regions(view, area)
        .panes
        .into_iter()
        .find(|(_, r)| r.contains(Position::new(column, row)))
        .map(|(p, _)| p)
}
