//! Drawing: a pure function of the application's state, one module per region of the screen,
//! named after what it shows.

mod event_log;
mod gantt;
mod header;
mod help;
mod home;
mod ipc_objects;
pub mod layout;
mod lesson_pane;
pub(crate) mod measured_pane;
mod narration;
mod open_prompt;
mod process_table;
mod process_tree;
mod queues;
mod real_calls;
mod real_pane;
mod simulated_pane;
mod state_diagram;
mod too_small;
mod twins;

use super::app::{App, Overlay, Pane, ScenarioView, Screen};
use super::theme::Theme;
use crate::lesson::Highlight;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Tabs};

/// Draws the whole screen.
pub fn render(app: &App, frame: &mut Frame) {
    let area = frame.area();
    if !layout::fits(area) {
        too_small::render(frame, area, app.theme);
        return;
    }
    match &app.screen {
        Screen::Home => home::render(frame, area, app),
        Screen::Scenario(view) => scenario(frame, area, view, app.theme),
    }
    match &app.overlay {
        Some(Overlay::Help) => help::render(frame, area, app),
        Some(Overlay::Open { input, error }) => {
            open_prompt::render(frame, area, input, error.as_deref(), app.theme)
        }
        None => {}
    }
}

fn scenario(frame: &mut Frame, area: Rect, view: &ScenarioView, theme: Theme) {
    let regions = layout::regions(view, area);
    header::render(frame, regions.header, view, theme);
    if let Some(tabs) = regions.tabs {
        let panes = view.panes();
        let titles = panes.iter().map(|p| p.title());
        let selected = panes.iter().position(|p| *p == view.focus);
        frame.render_widget(
            Tabs::new(titles)
                .select(selected)
                .highlight_style(theme.focused().reversed())
                .divider("│"),
            tabs,
        );
    }
    for (pane, rect) in &regions.panes {
        let focused = *pane == view.focus;
        match pane {
            Pane::Simulated => simulated_pane::render(frame, *rect, view, focused, theme),
            Pane::Real => real_pane::render(frame, *rect, view, focused, theme),
            Pane::Measured => measured_pane::render(frame, *rect, view, focused, theme),
            Pane::Narration if view.lesson.is_some() => {
                lesson_pane::render(frame, *rect, view, focused, theme)
            }
            Pane::Narration => narration::render(frame, *rect, view, focused, theme),
            Pane::Log => event_log::render(frame, *rect, view, focused, theme),
        }
    }
    header::footer(frame, regions.footer, view, theme);
}

/// The frame of a pane: its title, and a heavier border when it has the focus.
fn pane_block(title: &str, focused: bool, theme: Theme) -> Block<'static> {
    let block = Block::bordered().title(Line::from(Span::styled(
        format!(" {title} "),
        theme.title(),
    )));
    if focused {
        block
            .border_type(BorderType::Thick)
            .border_style(theme.focused())
    } else {
        block.border_style(theme.dim())
    }
}

/// A titled section inside a pane: a rule with the title on it; a lesson step can light it.
fn section(title: String, lit: bool, theme: Theme) -> Block<'static> {
    let block = Block::new()
        .borders(ratatui::widgets::Borders::TOP)
        .border_style(theme.dim());
    if lit {
        block
            .border_style(theme.spotlight())
            .title(Span::styled(title, theme.spotlight()))
            .title(Span::styled(" ◀ look here ", theme.spotlight()))
    } else {
        block.title(Span::styled(title, theme.title()))
    }
}

/// True if the open lesson's step draws attention to `part`.
fn lit(view: &ScenarioView, part: Highlight) -> bool {
    view.lesson
        .as_ref()
        .is_some_and(|l| l.step().highlight.contains(&part))
}

/// A pane's frame, lit when the open lesson's step draws attention to it.
fn lit_block(
    block: Block<'static>,
    view: &ScenarioView,
    part: Highlight,
    theme: Theme,
) -> Block<'static> {
    if lit(view, part) {
        block
            .border_style(theme.spotlight())
            .title(Span::styled(" ◀ look here ", theme.spotlight()))
    } else {
        block
    }
}

/// A rectangle of at most `width`×`height` in the middle of `area`.
fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [middle] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    middle
}

#[cfg(test)]
mod tests;
