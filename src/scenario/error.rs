//! Problems found in a scenario file: where they are (file, line, column), which key, and
//! what to do about it. Also turns serde's and toml's terse messages into friendlier ones.

use std::ops::Range;
use std::sync::Arc;

/// How bad a problem is.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The file can't be used.
    Error,
    /// The file works, but probably not as its author meant.
    Warning,
}

/// A problem in a scenario file, pointing at the offending text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file's path as the user gave it.
    pub path: Arc<str>,
    /// The file's text (for line and column, and to show the line).
    pub text: Arc<str>,
    /// Byte range of the offending text, if known.
    pub span: Option<Range<usize>>,
    /// What is wrong, naming the key.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// 1-based line and column of the start of the span.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        let start = self.span.as_ref()?.start.min(self.text.len());
        let before = &self.text[..start];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = self.text[line_start..start].chars().count() + 1;
        Some((line, column))
    }

    /// An error of TOML syntax or shape in `text`, in friendly words.
    pub fn from_toml(path: &Arc<str>, text: &Arc<str>, e: &toml::de::Error) -> Diagnostic {
        let span = e.span();
        let (message, hint) = friendly(e.message(), text, span.as_ref());
        Diagnostic {
            severity: Severity::Error,
            path: path.clone(),
            text: text.clone(),
            span,
            message,
            hint,
        }
    }

    /// `path:line:column`, or just the path if the position is unknown.
    pub fn location(&self) -> String {
        match self.line_col() {
            Some((line, column)) => format!("{}:{line}:{column}", self.path),
            None => self.path.to_string(),
        }
    }
}

impl std::fmt::Display for Diagnostic {
    /// One line: `path:line:col: message (hint)`, for logs and tests.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}: {kind}: {}", self.location(), self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The path.
        path: String,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The file is not UTF-8 text.
    #[error("{path} is not a text file: its bytes stop being UTF-8 at byte {at}")]
    NotText {
        /// The path.
        path: String,
        /// The offset of the first byte that is not UTF-8.
        at: usize,
    },
    /// The file was read but is not a valid scenario.
    #[error("{0}")]
    Invalid(Box<Diagnostic>),
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|&(d, c)| d <= 2.max(c.len() / 3) && d < c.len().max(word.len()))
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// "expected one of a, b, c; did you mean b?"
pub fn one_of_hint(word: &str, candidates: &[&str]) -> String {
    let list = candidates.join(", ");
    match did_you_mean(word, candidates.iter().copied()) {
        Some(guess) => format!("expected one of {list}; did you mean {guess}?"),
        None => format!("expected one of {list}"),
    }
}

/// The `[table]` header (as written) whose body contains byte `offset`; empty at the top level.
fn table_at(text: &str, offset: usize) -> String {
    let before = &text[..offset.min(text.len())];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    for line in text[..line_start].lines().rev() {
        let line = line.trim();
        if line.starts_with('[') {
            return line.split('#').next().unwrap_or(line).trim().to_string();
        }
    }
    String::new()
}

/// The key being assigned on the line that contains byte `offset`, if the offset is in its value.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let before = &text[..offset.min(text.len())];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let (key, _) = text[line_start..offset.min(text.len())].split_once('=')?;
    let key = key.trim();
    (!key.is_empty()).then(|| key.to_string())
}

/// Splits serde's "`a`, `b`, `c`" list.
fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

fn plain_type(serde: &str) -> String {
    let t = serde.trim();
    if t == "i64" || t == "u64" || t == "u32" || t == "integer" || t.starts_with("an integer") {
        return "a whole number".into();
    }
    if t.contains("sequence") || t.contains("array") {
        return "a list".into();
    }
    if t.starts_with("struct") || t.contains("map") || t.contains("table") {
        return "a table".into();
    }
    if t == "a boolean" || t == "bool" {
        return "true or false".into();
    }
    if let Some(text) = t.strip_prefix("string ") {
        return format!("the text {text}");
    }
    t.to_string()
}

/// Rewrites a message from toml/serde into a message and a hint for a student.
pub fn friendly(
    message: &str,
    text: &str,
    span: Option<&Range<usize>>,
) -> (String, Option<String>) {
    let message = message.trim();
    let table = span.map(|s| table_at(text, s.start)).unwrap_or_default();
    let place = if table.is_empty() {
        "at the top level".to_string()
    } else {
        format!("in {table}")
    };
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (key, tail) = rest.split_once('`').unwrap_or((rest, ""));
        let expected = backticked(tail);
        let hint = if expected.is_empty() {
            "this table takes no keys".to_string()
        } else {
            one_of_hint(key, &expected)
        };
        return (format!("unknown key `{key}` {place}"), Some(hint));
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let key = rest.trim_end_matches('`');
        let example = match key {
            "title" => "title = \"What this scenario shows\"".to_string(),
            "name" => "name = \"P1\"".to_string(),
            other => format!("{other} = ..."),
        };
        return (
            format!("missing required key `{key}` {place}"),
            Some(format!("add `{example}`")),
        );
    }
    if let Some(rest) = message.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        let key = span
            .and_then(|s| key_at(text, s.start))
            .map_or(String::new(), |k| format!(" for `{k}`"));
        return (
            format!(
                "wrong type{key} {place}: expected {}, found {}",
                plain_type(expected),
                plain_type(found)
            ),
            Some("numbers are written without quotes, names and steps with quotes".into()),
        );
    }
    if message.starts_with("invalid value: integer") {
        return (
            format!("number out of range {place}"),
            Some("use a whole number that is zero or more".into()),
        );
    }
    if message.contains("duplicate key") {
        return (
            format!("{message} {place}"),
            Some("each key may appear only once in a table".into()),
        );
    }
    (
        format!("this is not valid TOML: {message}"),
        Some(
            "check the quotes, brackets and `=` signs on this line; see docs/scenario-format.md"
                .into(),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_misses_only() {
        assert_eq!(did_you_mean("rrr", ["fcfs", "sjf", "rr"]), Some("rr"));
        assert_eq!(
            did_you_mean("quantun", ["quantum", "cpus"]),
            Some("quantum")
        );
        assert_eq!(did_you_mean("banana", ["fcfs", "sjf", "rr"]), None);
    }

    #[test]
    fn rewrites_unknown_keys_with_their_table() {
        let text = "title = \"x\"\n[kernel]\nquantun = 4\n";
        let span = 21..28;
        let (msg, hint) = friendly(
            "unknown field `quantun`, expected one of `scheduler`, `quantum`",
            text,
            Some(&span),
        );
        assert_eq!(msg, "unknown key `quantun` in [kernel]");
        let (msg, _) = friendly(
            "invalid type: string \"5\", expected i64",
            "[[process]]\nburst = \"5\"\n",
            Some(&(20..23)),
        );
        assert_eq!(
            msg,
            "wrong type for `burst` in [[process]]: expected a whole number, found the text \"5\""
        );
        assert_eq!(
            hint.as_deref(),
            Some("expected one of scheduler, quantum; did you mean quantum?")
        );
    }

    #[test]
    fn line_and_column_are_one_based() {
        let d = Diagnostic {
            severity: Severity::Error,
            path: "f.toml".into(),
            text: "a = 1\nbb = 2\n".into(),
            span: Some(9..10),
            message: "m".into(),
            hint: None,
        };
        assert_eq!(d.line_col(), Some((2, 4)));
        assert_eq!(d.location(), "f.toml:2:4");
    }
}
