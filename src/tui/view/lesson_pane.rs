//! The narration pane during a lesson: the step's text, its question with choices, hints, the
//! answer box and what the last reply got.

use super::pane_block;
use crate::lesson::markdown::{self, BlockKind, Look};
use crate::lesson::{Choices, Question};
use crate::tui::app::{Feedback, LessonView, Measurement, ScenarioView};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// The pane.
pub fn render(frame: &mut Frame, area: Rect, view: &ScenarioView, focused: bool, theme: Theme) {
    let Some(lesson) = &view.lesson else {
        return;
    };
    let title = format!(
        "Lesson · step {} of {}",
        lesson.index + 1,
        lesson.lesson.steps.len()
    );
    let block = pane_block(&title, focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // The question stays in sight at the bottom; the text above it scrolls.
    let text = lines(lesson, theme);
    let text_height = wrapped_height(&text, inner.width);
    let mut asked = match &lesson.step().question {
        Some(q) => question(lesson, q, theme),
        None => Vec::new(),
    };
    let needed = wrapped_height(&asked, inner.width);
    let asked_height = needed.min(inner.height.saturating_sub(3).max(inner.height * 2 / 3));
    let [text_area, question_area] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(asked_height)]).areas(inner);
    let hidden = text_height.saturating_sub(view.scrolls.narration) > text_area.height;
    if hidden && let Some(rule) = asked.first_mut() {
        let how = if focused {
            "── the text goes on: ↓ scrolls it ──"
        } else {
            "── the text goes on: Tab to this pane, then ↓ ──"
        };
        *rule = Line::styled(how, theme.spotlight());
    }
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .scroll((view.scrolls.narration, 0)),
        text_area,
    );
    // When the question does not fit, its end (the answer box) is what must show.
    let skip = needed.saturating_sub(asked_height);
    frame.render_widget(
        Paragraph::new(asked)
            .wrap(Wrap { trim: false })
            .scroll((skip, 0)),
        question_area,
    );
}

/// Rows `lines` take when wrapped at `width` (close enough: words are not split).
fn wrapped_height(lines: &[Line], width: u16) -> u16 {
    let width = usize::from(width.max(1));
    let rows: usize = lines.iter().map(|l| l.width().max(1).div_ceil(width)).sum();
    u16::try_from(rows).unwrap_or(u16::MAX)
}

/// The step's text (the question is drawn apart).
pub fn lines(lesson: &LessonView, theme: Theme) -> Vec<Line<'static>> {
    let step = lesson.step();
    let mut lines = vec![Line::from(vec![
        Span::styled(lesson.lesson.title.clone(), theme.title()),
        Span::styled(
            step.title
                .as_ref()
                .map(|t| format!(" — {t}"))
                .unwrap_or_default(),
            theme.title(),
        ),
    ])];
    lines.push(Line::raw(""));
    lines.extend(rich(&step.text, theme));
    if lesson.complete {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "Lesson complete. Esc goes back to the list; p revisits a step.",
            theme.agree().add_modifier(Modifier::BOLD),
        ));
    } else if lesson.index + 1 == lesson.lesson.steps.len() {
        lines.push(Line::styled(
            "Last step: n completes the lesson.",
            theme.dim(),
        ));
    }
    lines
}

/// The question, its choices, hints, the answer box and what the last reply got.
fn question(lesson: &LessonView, q: &Question, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled("─".repeat(12), theme.dim())];
    let label = if q.predict && !lesson.settled() {
        "Predict: "
    } else {
        "Question: "
    };
    let mut ask = rich(&q.ask, theme);
    if let Some(first) = ask.first_mut() {
        first
            .spans
            .insert(0, Span::styled(label, theme.spotlight()));
    }
    lines.extend(ask);
    if let Choices::Pick(options) = &q.choices {
        // On one line (wrapped by the paragraph), to leave room for the rest.
        let mut spans = Vec::new();
        for (n, o) in options.iter().enumerate() {
            spans.push(Span::styled(format!("  {}) ", n + 1), theme.key()));
            spans.push(Span::raw(o.clone()));
        }
        lines.push(Line::from(spans));
    }
    // Hints are Markdown like the rest (plain mode renders them so too).
    for h in q.hints.iter().take(lesson.hints) {
        let mut hint = rich(h, theme);
        if let Some(first) = hint.first_mut() {
            first.spans.insert(0, Span::styled("Hint: ", theme.title()));
        }
        lines.extend(hint);
    }
    match &lesson.feedback {
        Some(Feedback::Right) => {
            lines.push(Line::styled(
                "✔ Right.",
                theme.agree().add_modifier(Modifier::BOLD),
            ));
            lines.extend(rich(&q.explanation(), theme));
        }
        Some(Feedback::Shown) => {
            lines.push(Line::styled(
                format!("The answer is {}.", q.answer_text()),
                theme.title(),
            ));
            lines.extend(rich(&q.explanation(), theme));
        }
        Some(Feedback::Wrong) => lines.push(Line::styled(
            format!(
                "✘ Not quite ({} {}). Try again.",
                lesson.tries,
                if lesson.tries == 1 { "try" } else { "tries" }
            ),
            theme.error(),
        )),
        Some(Feedback::Unusable(why)) => lines.push(Line::styled(
            format!("That is not an answer: {why}."),
            theme.error(),
        )),
        None => {}
    }
    if q.pending() {
        let why = match &lesson.measurement {
            Measurement::Failed(_) => {
                "The measurement did not finish, so this question has no answer here: m measures \
                 again, n skips it."
            }
            _ => "⧗ The answer comes from the measured table: wait for it (a second or two).",
        };
        lines.push(Line::styled(why, theme.spotlight()));
    } else if let Some(input) = &lesson.input {
        lines.push(Line::from(vec![
            Span::styled("Your answer: ", theme.title()),
            Span::styled(format!("{input}▏"), theme.highlight()),
            Span::styled("  Enter to answer, Esc to close", theme.dim()),
        ]));
    } else if !lesson.settled() {
        let hints_left = q.hints.len() - lesson.hints;
        let mut keys = vec![("a", "answer".to_string())];
        if hints_left > 0 {
            keys.push(("h", format!("hint ({hints_left} left)")));
        }
        keys.push(("s", "show the answer".into()));
        keys.push(("n", "skip".into()));
        let mut spans = Vec::new();
        for (key, what) in keys {
            spans.push(Span::styled(key, theme.key()));
            spans.push(Span::styled(format!(" {what}  "), theme.dim()));
        }
        lines.push(Line::from(spans));
    }
    lines
}

/// Markdown as styled lines (the paragraph wraps them).
fn rich(text: &str, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut previous: Option<BlockKind> = None;
    for block in markdown::parse(text) {
        let item = |k: Option<BlockKind>| matches!(k, Some(BlockKind::Item { .. }));
        // A blank line between blocks, except between the items of a list.
        if previous.is_some() && !(item(previous) && item(Some(block.kind))) {
            lines.push(Line::raw(""));
        }
        previous = Some(block.kind);
        if block.kind == BlockKind::Code {
            let code: String = block.runs.iter().map(|(t, _)| t.as_str()).collect();
            for l in code.trim_end().lines() {
                lines.push(Line::styled(format!("    {l}"), theme.key()));
            }
            continue;
        }
        let mut spans = vec![Span::styled(markdown::bullet(block.kind), theme.dim())];
        for (t, look) in block.runs {
            // Hard breaks start a new line.
            let mut parts = t.split('\n');
            if let Some(first) = parts.next() {
                spans.push(Span::styled(
                    first.to_string(),
                    style(look, block.kind, theme),
                ));
            }
            for part in parts {
                lines.push(Line::from(std::mem::take(&mut spans)));
                spans.push(Span::styled(
                    part.to_string(),
                    style(look, block.kind, theme),
                ));
            }
        }
        lines.push(Line::from(spans));
    }
    lines
}

fn style(look: Look, kind: BlockKind, theme: Theme) -> Style {
    let mut s = if look.code { theme.key() } else { Style::new() };
    if look.strong || kind == BlockKind::Heading {
        s = s.add_modifier(Modifier::BOLD);
    }
    if look.emphasis || kind == BlockKind::Quote {
        s = s.add_modifier(Modifier::ITALIC);
    }
    s
}
