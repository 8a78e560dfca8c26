//! The narration pane during a lesson: the step's text, its question with choices, hints, the
//! answer box and what the last reply got.

use super::pane_block;
use crate::lesson::markdown::{self, BlockKind, Look};
use crate::lesson::{Choices, Question};
use crate::tui::app::{Feedback, LessonView, ScenarioView};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// The pane.
pub fn render(frame: &mut Frame, area: Rect, view: &ScenarioView, focused: bool, theme: Theme) {
    let Some(lesson) = &view.lesson else {
        return;
    };
    let lines = lines(lesson, theme);
    let title = format!(
        "Lesson · step {} of {}",
        lesson.index + 1,
        lesson.lesson.steps.len()
    );
    let paragraph = Paragraph::new(lines)
        .block(pane_block(&title, focused, theme))
        .wrap(Wrap { trim: false })
        .scroll((view.scrolls.narration, 0));
    frame.render_widget(paragraph, area);
}

/// The pane's text.
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
    if let Some(q) = &step.question {
        lines.push(Line::raw(""));
        question(&mut lines, lesson, q, theme);
    }
    lines.push(Line::raw(""));
    if lesson.complete {
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

fn question(lines: &mut Vec<Line<'static>>, lesson: &LessonView, q: &Question, theme: Theme) {
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
        for (n, o) in options.iter().enumerate() {
            lines.push(Line::from(vec![
                Span::styled(format!("  {}) ", n + 1), theme.key()),
                Span::raw(o.clone()),
            ]));
        }
    }
    for h in q.hints.iter().take(lesson.hints) {
        lines.push(Line::from(vec![
            Span::styled("Hint: ", theme.title()),
            Span::raw(h.clone()),
        ]));
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
    if let Some(input) = &lesson.input {
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
}

/// Markdown as styled lines (the paragraph wraps them).
fn rich(text: &str, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (i, block) in markdown::parse(text).into_iter().enumerate() {
        let item = matches!(block.kind, BlockKind::Item { .. });
        if i > 0 && !item {
            lines.push(Line::raw(""));
        }
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
