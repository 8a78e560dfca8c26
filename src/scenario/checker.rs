//! The checker that validation runs on: the file, its warnings, and the checks of single
//! values (ranges, choices, names) that report problems at the right place.

use super::error::{Diagnostic, ScenarioError, Severity, one_of_hint};
use super::steps;
use crate::kernel::config::DeviceConfig;
use crate::kernel::ids::DeviceId;
use std::ops::Range;
use std::sync::Arc;
use toml::Spanned;

pub(super) type Result<T> = std::result::Result<T, ScenarioError>;

/// The largest number of ticks any one value may have: a billion is far beyond any lesson,
/// and keeps every sum of them far from overflowing.
pub const MAX_TICKS: u64 = steps::MAX_TICKS;

/// Most tickets a process may hold: the stride scheduler's stride is 10,000 / tickets, which
/// must stay at least 1.
pub(super) const MAX_TICKETS: i64 = crate::kernel::STRIDE_ONE as i64;

/// Programs that `exec` may name without a `[programs]` entry: the ones the real-OS lab runs.
pub const KNOWN_PROGRAMS: [&str; 10] = [
    "ls", "echo", "cat", "wc", "sort", "head", "true", "false", "sleep", "proclab",
];

/// Largest magnitude of a priority.
pub(super) const MAX_PRIORITY: i64 = 1_000_000_000;

/// The file being checked, and the warnings found so far.
pub(super) struct Checker {
    pub(super) path: Arc<str>,
    pub(super) text: Arc<str>,
    pub(super) warnings: Vec<Diagnostic>,
    pub(super) devices: Vec<DeviceConfig>,
    pub(super) device_spans: Vec<Option<Range<usize>>>,
    pub(super) device_used: Vec<bool>,
    pub(super) execs: Vec<ExecSite>,
}

/// An `exec` step in the file: the program it names and where, so that the real-OS lab can
/// refuse programs outside its allow-list with a pointer to the line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecSite {
    /// The program named.
    pub program: String,
    /// Where its name is in the file.
    pub span: Range<usize>,
}

pub(super) fn spanned<T>(v: &Spanned<T>) -> Range<usize> {
    v.span()
}

impl Checker {
    pub(super) fn diagnostic(
        &self,
        severity: Severity,
        span: Option<Range<usize>>,
        message: String,
        hint: Option<String>,
    ) -> Diagnostic {
        Diagnostic {
            severity,
            path: self.path.clone(),
            text: self.text.clone(),
            span,
            message,
            hint,
        }
    }

    pub(super) fn error(
        &self,
        span: Range<usize>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> ScenarioError {
        let hint = Some(hint.into()).filter(|h| !h.is_empty());
        ScenarioError::Invalid(Box::new(self.diagnostic(
            Severity::Error,
            Some(span),
            message.into(),
            hint,
        )))
    }

    pub(super) fn warn(
        &mut self,
        span: Range<usize>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let hint = Some(hint.into()).filter(|h| !h.is_empty());
        let d = self.diagnostic(Severity::Warning, Some(span), message.into(), hint);
        self.warnings.push(d);
    }

    /// A whole number of at least `min`.
    pub(super) fn at_least(
        &self,
        v: &Spanned<i64>,
        min: i64,
        key: &str,
        what: &str,
    ) -> Result<u64> {
        let n = *v.get_ref();
        if n < min {
            let hint = match min {
                0 => format!("{key} is {what}; it can't be negative"),
                _ => format!("{key} is {what}; use {min} or more"),
            };
            return Err(self.error(spanned(v), format!("{key} = {n} is too small"), hint));
        }
        Ok(n as u64)
    }

    /// A number of ticks: from `min` up to [`MAX_TICKS`].
    pub(super) fn ticks(&self, v: &Spanned<i64>, min: i64, key: &str, what: &str) -> Result<u64> {
        self.small(v, min, MAX_TICKS as i64, key, what)
            .map(u64::from)
    }

    pub(super) fn small(
        &self,
        v: &Spanned<i64>,
        min: i64,
        max: i64,
        key: &str,
        what: &str,
    ) -> Result<u32> {
        let n = self.at_least(v, min, key, what)?;
        if n > max as u64 {
            return Err(self.error(
                spanned(v),
                format!("{key} = {n} is too large"),
                format!("{key} is {what}; use at most {max}"),
            ));
        }
        Ok(n as u32)
    }

    pub(super) fn choice<'a>(
        &self,
        v: &Spanned<String>,
        key: &str,
        options: &[&'a str],
    ) -> Result<&'a str> {
        let text = v.get_ref().as_str();
        options
            .iter()
            .find(|o| **o == text)
            .copied()
            .ok_or_else(|| {
                self.error(
                    spanned(v),
                    format!("unknown {key} \"{text}\""),
                    one_of_hint(text, options),
                )
            })
    }

    pub(super) fn range(
        &self,
        v: &Spanned<Vec<i64>>,
        key: &str,
        min: i64,
        max: i64,
    ) -> Result<(i64, i64)> {
        let list = v.get_ref();
        let hint = format!(
            "write it as {key} = [LOW, HIGH], for example {key} = [{}, {}]",
            min.max(1),
            min.max(1) + 9
        );
        let [lo, hi] = list[..] else {
            return Err(self.error(spanned(v), format!("{key} must be a pair of numbers"), hint));
        };
        if lo < min {
            return Err(self.error(
                spanned(v),
                format!("{key} starts at {lo}, below {min}"),
                hint,
            ));
        }
        if lo > hi {
            return Err(self.error(
                spanned(v),
                format!("{key} = [{lo}, {hi}] is upside down"),
                hint,
            ));
        }
        if hi > max {
            return Err(self.error(
                spanned(v),
                format!("{key} goes up to {hi}, above {max}"),
                hint,
            ));
        }
        Ok((lo, hi))
    }

    /// The device named `name`, created on first use.
    pub(super) fn device(&mut self, name: &str) -> DeviceId {
        let at = match self.devices.iter().position(|d| &*d.name == name) {
            Some(at) => at,
            None => {
                self.devices.push(DeviceConfig {
                    name: name.into(),
                    servers: Some(1),
                });
                self.device_spans.push(None);
                self.device_used.push(false);
                self.devices.len() - 1
            }
        };
        self.device_used[at] = true;
        DeviceId(at as u16)
    }
}

/// Process and device names appear inside steps, so they must be single words.
pub(super) fn check_name(c: &Checker, name: &Spanned<String>, what: &str) -> Result<()> {
    let text = name.get_ref();
    if text.is_empty()
        || text
            .chars()
            .any(|ch| ch.is_whitespace() || ch == '"' || ch.is_control())
    {
        return Err(c.error(
            spanned(name),
            format!("{what} name \"{text}\" is not a single word"),
            "names are used inside steps, so they can't be empty or contain spaces or quotes",
        ));
    }
    Ok(())
}
