//! The left pane: the simulated kernel — its process table, the state diagram, the queues and
//! the Gantt chart.

use super::{gantt, lit, pane_block, process_table, queues, state_diagram};
use crate::lesson::Highlight;
use crate::tui::app::ScenarioView;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

/// Width the state diagram needs.
const DIAGRAM_WIDTH: u16 = state_diagram::WIDTH + 1;

/// The pane.
pub fn render(frame: &mut Frame, area: Rect, view: &ScenarioView, focused: bool, theme: Theme) {
    let block = pane_block("Simulated kernel", focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let kernel = view.replay.kernel();
    let processes = kernel.processes().count() as u16;
    let cpus = kernel.cpus().len() as u16;
    let diagram_height = state_diagram::height(kernel);
    let gantt_height = gantt::height(cpus);
    // The table gets what the others leave, but at least a few rows.
    let side_by_side = inner.width >= DIAGRAM_WIDTH + 28;
    let middle = if side_by_side {
        diagram_height.max(queues::height(kernel))
    } else {
        diagram_height + queues::height(kernel)
    };
    let table_rows = processes.max(1) + 2;
    let [table, middle_area, chart] = Layout::vertical([
        Constraint::Min(table_rows.min(5)),
        Constraint::Length(middle),
        Constraint::Length(gantt_height),
    ])
    .areas(inner);
    process_table::render(frame, table, view, theme);
    if side_by_side {
        let [diagram, queue_area] =
            Layout::horizontal([Constraint::Length(DIAGRAM_WIDTH), Constraint::Min(0)])
                .areas(middle_area);
        state_diagram::render(
            frame,
            diagram,
            &view.replay,
            lit(view, Highlight::States),
            theme,
        );
        queues::render(
            frame,
            queue_area,
            &view.replay,
            lit(view, Highlight::Queues),
            theme,
        );
    } else {
        let [diagram, queue_area] =
            Layout::vertical([Constraint::Length(diagram_height), Constraint::Min(0)])
                .areas(middle_area);
        state_diagram::render(
            frame,
            diagram,
            &view.replay,
            lit(view, Highlight::States),
            theme,
        );
        queues::render(
            frame,
            queue_area,
            &view.replay,
            lit(view, Highlight::Queues),
            theme,
        );
    }
    gantt::render(
        frame,
        chart,
        &view.replay,
        lit(view, Highlight::Gantt),
        theme,
    );
}
