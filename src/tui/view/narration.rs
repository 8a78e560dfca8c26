//! The narration: what happened at this step and why, in sentences, then what the scenario is
//! about.

use super::pane_block;
use crate::report::text::event_line;
use crate::tui::app::ScenarioView;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

/// The pane.
pub fn render(frame: &mut Frame, area: Rect, view: &ScenarioView, focused: bool, theme: Theme) {
    let replay = &view.replay;
    let mut lines = Vec::new();
    if replay.step() == 0 {
        lines.push(Line::styled(
            "Before the first step: nothing has arrived yet. Press n (or →) to step, Enter to play.",
            theme.title(),
        ));
    } else {
        lines.push(Line::styled(
            format!("At time {}:", replay.kernel().now()),
            theme.title(),
        ));
        let said: Vec<String> = replay
            .events()
            .iter()
            .filter_map(|e| event_line(e, replay.names()))
            .collect();
        if said.is_empty() {
            lines.push(Line::raw("nothing anyone can see changed."));
        }
        for text in said {
            lines.push(Line::raw(squeeze(&text)));
        }
        if replay.step() == replay.steps() {
            lines.push(Line::styled(
                "This is the last step: the run is over.",
                theme.title(),
            ));
        }
    }
    if !view.scenario.description.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("About this scenario", theme.title()));
        for paragraph in view.scenario.description.split("\n\n") {
            lines.push(Line::raw(paragraph.replace('\n', " ")));
        }
    }
    let paragraph = Paragraph::new(lines)
        .block(pane_block("Narration", focused, theme))
        .wrap(Wrap { trim: true })
        .scroll((view.scrolls.narration, 0));
    frame.render_widget(paragraph, area);
}

/// The log's column padding, which only gets in the way of a sentence.
fn squeeze(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}
