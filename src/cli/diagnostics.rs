//! Problems in scenario files, shown the way compilers show them: the file, line and column,
//! the line itself with the offending text underlined, and a hint.

use crate::scenario::{Diagnostic, Severity};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource};
use std::io::IsTerminal;

/// True if colours may be used on standard error.
fn colour() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

/// Renders a diagnostic for standard error.
pub fn render(d: &Diagnostic) -> String {
    let severity = match d.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
    };
    let mut diagnostic = MietteDiagnostic::new(d.message.clone()).with_severity(severity);
    if let Some(hint) = &d.hint {
        diagnostic = diagnostic.with_help(hint.clone());
    }
    if let Some(span) = &d.span {
        let length = span
            .len()
            .max(1)
            .min(d.text.len().saturating_sub(span.start).max(1));
        diagnostic =
            diagnostic.with_label(LabeledSpan::at(span.start..span.start + length, "here"));
    }
    let report = miette::Report::new(diagnostic)
        .with_source_code(NamedSource::new(&d.path, d.text.to_string()));
    let theme = if colour() {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_links(false);
    let mut out = String::new();
    if handler.render_report(&mut out, report.as_ref()).is_err() {
        out.push_str(&d.to_string());
        out.push('\n');
    }
    out
}
