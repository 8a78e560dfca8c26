//! The right pane: the real Linux kernel at the same step — the twins, their tree, the IPC
//! objects and the system calls — from what the lab recorded, never from a live process, so a
//! step looks the same when it is shown again.

use super::{ipc_objects, pane_block, process_tree, real_calls, twins};
use crate::lab::record::{FindingKind, StepRecord};
use crate::lesson::Highlight;
use crate::tui::app::{RealStatus, ScenarioView};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// The pane.
pub fn render(frame: &mut Frame, area: Rect, view: &ScenarioView, focused: bool, theme: Theme) {
    let block = super::lit_block(
        pane_block("Real OS", focused, theme),
        view,
        Highlight::Real,
        theme,
    );
    let Some(real) = &view.real else {
        frame.render_widget(block, area);
        return;
    };
    let step = view.replay.step();
    let mut lines: Vec<Line> = Vec::new();
    if let RealStatus::Failed(why) = &real.status {
        for (i, text) in why.lines().enumerate() {
            let style = if i == 0 { theme.error() } else { theme.dim() };
            lines.push(Line::from(Span::styled(text.to_string(), style)));
        }
        lines.push(Line::raw(""));
    }
    // The verdict of the whole run, at the top of its last step.
    if let RealStatus::Ended(summary) = &real.status
        && step == view.replay.steps()
    {
        let (text, style) = if summary.agree {
            (
                format!(
                    "The run is over: {} real processes, and the two kernels agree.",
                    summary.processes
                ),
                theme.agree(),
            )
        } else {
            (
                format!(
                    "The run is over: {} disagreement(s) between the kernels.",
                    summary.mismatches.len()
                ),
                theme.mismatch(),
            )
        };
        lines.push(Line::styled(text, style));
        lines.push(Line::raw(""));
    }
    match real.record(step) {
        Some(record) => lines.extend(record_lines(record, theme)),
        None if step == 0 => lines.push(Line::styled(
            "Step 0: nothing has happened yet. Each process of the model gets a real twin, \
             forked by proclab's helper when the model creates it. Press n to step.",
            theme.dim(),
        )),
        None if real.is_live() => lines.push(Line::styled(
            format!(
                "Waiting for the real kernel: its twins have done {} of {step} steps…",
                real.recorded()
            ),
            theme.dim(),
        )),
        None => lines.push(Line::styled("This step was not run for real.", theme.dim())),
    }
    let paragraph = Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false })
        .scroll((view.scrolls.real, 0));
    frame.render_widget(paragraph, area);
}

/// Everything recorded at one step, as lines.
fn record_lines(record: &StepRecord, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    lines.extend(twins::lines(record, theme));
    lines.extend(process_tree::lines(record, theme));
    lines.extend(ipc_objects::lines(record, theme));
    lines.extend(real_calls::lines(record, theme));
    if !record.output.is_empty() {
        lines.push(heading("Output", theme));
        for text in record.output.lines() {
            lines.push(Line::raw(format!("  {text}")));
        }
    }
    if !record.findings.is_empty() {
        lines.push(heading("Differences at this step", theme));
        for f in &record.findings {
            let (mark, style) = match f.kind {
                FindingKind::Mismatch => ("✗ ", theme.mismatch()),
                FindingKind::Note => ("· ", theme.dim()),
            };
            lines.push(Line::styled(format!("{mark}{}", f.text), style));
        }
    }
    lines
}

/// A heading inside the pane.
pub fn heading(text: &str, theme: Theme) -> Line<'static> {
    Line::styled(format!("── {text} "), theme.title())
}
