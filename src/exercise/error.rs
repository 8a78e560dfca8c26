//! Why an exercise, an answers file or a command-line request could not be used. Problems in a
//! file carry a [`Diagnostic`] (file, line, column, hint), exactly as scenario files do.

use crate::scenario::{Diagnostic, Severity};
use std::ops::Range;
use std::sync::Arc;

/// Why an exercise or an answers file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ExerciseError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The path as given.
        path: String,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// A file is not UTF-8 text.
    #[error("{path} is not a text file: its bytes stop being UTF-8 at byte {at}")]
    NotText {
        /// The path as given.
        path: String,
        /// Offset of the first byte that is not UTF-8.
        at: usize,
    },
    /// A file was read but is not valid: where, what, and what to do.
    #[error("{0}")]
    Invalid(Box<Diagnostic>),
    /// A request that makes no sense, such as an option that does not apply to a kind.
    #[error("{message}")]
    Usage {
        /// What is wrong.
        message: String,
        /// What to do about it.
        hint: Option<String>,
    },
}

impl ExerciseError {
    /// A usage error with a hint.
    pub fn usage(message: impl Into<String>, hint: impl Into<String>) -> ExerciseError {
        let hint = hint.into();
        ExerciseError::Usage {
            message: message.into(),
            hint: (!hint.is_empty()).then_some(hint),
        }
    }
}

/// The text of a file being checked, so that problems can point into it.
#[derive(Clone, Debug)]
pub(crate) struct Source {
    pub(crate) path: Arc<str>,
    pub(crate) text: Arc<str>,
}

impl Source {
    /// A source named `path` with contents `text`.
    pub(crate) fn new(path: &str, text: &str) -> Source {
        Source {
            path: path.into(),
            text: text.into(),
        }
    }

    /// An error at `span` (or at the top of the file).
    pub(crate) fn error(
        &self,
        span: Option<Range<usize>>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> ExerciseError {
        let hint = hint.into();
        ExerciseError::Invalid(Box::new(Diagnostic {
            severity: Severity::Error,
            path: self.path.clone(),
            text: self.text.clone(),
            span,
            message: message.into(),
            hint: (!hint.is_empty()).then_some(hint),
        }))
    }

    /// A TOML syntax or type error, rewritten the way scenario files rewrite them.
    pub(crate) fn toml_error(&self, e: &toml::de::Error) -> ExerciseError {
        let span = e.span();
        let (message, hint) =
            crate::scenario::error::friendly(e.message(), &self.text, span.as_ref());
        let hint = hint.map(|h| h.replace("docs/scenario-format.md", "docs/exercise-format.md"));
        self.error(span, message, hint.unwrap_or_default())
    }
}

/// Reads a file as UTF-8 text.
pub(crate) fn read_text(path: &std::path::Path) -> Result<String, ExerciseError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ExerciseError::Read {
        path: shown.clone(),
        source,
    })?;
    String::from_utf8(bytes).map_err(|e| ExerciseError::NotText {
        path: shown,
        at: e.utf8_error().valid_up_to(),
    })
}
