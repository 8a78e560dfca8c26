//! The Measured pane of a lesson that measures the real kernel: the table `proclab bench ipc`
//! prints, filling in mechanism by mechanism while the measurement runs, then whole with its
//! notes and method; before that, what will be measured, and after a failure, why.

use super::{lit_block, pane_block};
use crate::ipc_bench::Row;
use crate::ipc_bench::table::{self, heading, method_sentences, name_width, row_line};
use crate::lesson::measure::Bench;
use crate::lesson::{Highlight, markdown};
use crate::report::text::wrap_paragraph;
use crate::tui::app::{Measurement, ScenarioView};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

/// The pane.
pub fn render(frame: &mut Frame, area: Rect, view: &ScenarioView, focused: bool, theme: Theme) {
    let Some(lesson) = &view.lesson else {
        return;
    };
    let (Some(bench), Some(at)) = (lesson.lesson.bench(), lesson.lesson.measuring_step()) else {
        return;
    };
    let block = lit_block(
        pane_block("Measured on this machine", focused, theme),
        view,
        Highlight::Measured,
        theme,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let text = lines(
        &lesson.measurement,
        bench,
        at,
        usize::from(inner.width),
        theme,
    );
    frame.render_widget(
        Paragraph::new(text).scroll((view.scrolls.measured, 0)),
        inner,
    );
}

/// What the pane shows for `measurement`, `width` columns wide (the table's lines are never
/// wrapped, so its columns stay aligned; the prose around it is).
pub fn lines(
    measurement: &Measurement,
    bench: &Bench,
    step: usize,
    width: usize,
    theme: Theme,
) -> Vec<Line<'static>> {
    let prose = |text: &str| -> Vec<String> {
        wrap_paragraph(text, width.max(20))
            .lines()
            .map(str::to_string)
            .collect()
    };
    let mut out: Vec<Line<'static>> = Vec::new();
    let all = bench.mechanisms();
    let w = name_width(all.iter().copied());
    match measurement {
        Measurement::NotYet => {
            out.push(Line::styled("Nothing measured yet.", theme.title()));
            out.push(Line::raw(""));
            let what = format!(
                "Step {} of the lesson measures five real IPC mechanisms here, as proclab bench ipc \
                 does: {} round trips of a 64 B message and {} one way each, between \
                 proclab and a peer process it starts.",
                step + 1,
                bench.rounds,
                table::bytes(bench.bytes)
            );
            out.extend(prose(&what).into_iter().map(Line::raw));
        }
        Measurement::Running { rows, now, .. } => {
            out.extend(figures(rows, w, width, theme));
            for m in all
                .iter()
                .filter(|m| !rows.iter().any(|r| r.mechanism == **m))
            {
                let (state, style) = if Some(*m) == *now {
                    ("measuring…", theme.spotlight())
                } else {
                    ("·", theme.dim())
                };
                out.push(Line::styled(
                    format!("{:w$}   {state:>8}", m.title()),
                    style,
                ));
            }
            out.push(Line::raw(""));
            out.push(Line::styled(
                format!("Measuring: {} of {} done.", rows.len(), all.len()),
                theme.spotlight(),
            ));
        }
        Measurement::Done(t) => {
            out.extend(figures(&t.rows, w, width, theme));
            if !fits_notes(&t.rows, w, width) {
                out.push(Line::raw(""));
                for row in &t.rows {
                    let note = format!("{}: {}", row.mechanism.title(), row.note);
                    // Indented after its first line, so each note stands apart.
                    let wrapped = markdown::wrap(&note, width.max(20), "", "  ");
                    out.extend(
                        wrapped
                            .lines()
                            .map(|l| Line::styled(l.to_string(), theme.dim())),
                    );
                }
            }
            out.push(Line::raw(""));
            out.push(Line::styled("m measures again.", theme.dim()));
            for sentence in method_sentences(&t.method) {
                out.push(Line::raw(""));
                out.extend(
                    prose(&sentence)
                        .into_iter()
                        .map(|l| Line::styled(l, theme.dim())),
                );
            }
        }
        Measurement::Failed(why) => {
            out.extend(
                prose(why)
                    .into_iter()
                    .map(|l| Line::styled(l, theme.error())),
            );
            out.push(Line::raw(""));
            out.extend(
                prose("m measures again. The questions about the measurement can be skipped (n).")
                    .into_iter()
                    .map(Line::raw),
            );
        }
    }
    out
}

/// True if the rows fit in `width` with their notes beside them.
fn fits_notes(rows: &[Row], w: usize, width: usize) -> bool {
    rows.iter()
        .all(|r| row_line(r, w, true).chars().count() <= width)
}

/// The heading and the measured rows, with the notes beside them if they fit.
fn figures(rows: &[Row], w: usize, width: usize, theme: Theme) -> Vec<Line<'static>> {
    let notes = !rows.is_empty() && fits_notes(rows, w, width);
    let mut out: Vec<Line<'static>> = heading(w, notes)
        .into_iter()
        .map(|h| Line::styled(h, theme.title()))
        .collect();
    out.extend(rows.iter().map(|r| Line::raw(row_line(r, w, notes))));
    out
}
