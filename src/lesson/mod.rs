//! Lessons: a scenario and ordered steps of Markdown text, each moving the simulation to a
//! point and perhaps asking a question whose answer is computed from the simulation there.
//! The format is documented in `docs/lesson-format.md`. Loading a lesson resolves every step
//! and computes every answer, so a lesson that loads can be completed.

#![forbid(unsafe_code)]

pub mod bundled;
pub mod calls;
mod file;
pub mod go;
pub mod markdown;
pub mod measure;
pub mod mechanisms;
pub mod plain;
mod plain_measure;
pub mod progress;
pub mod query;
pub mod question;
mod resolve;
pub mod rpc;
mod words;

pub use go::Go;
pub use question::{Choices, Question, Verdict};
pub use resolve::Highlight;

use crate::kernel::Tick;
use crate::scenario::{Diagnostic, Scenario, ScenarioError, Severity};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

/// One step of a lesson, resolved against its run.
#[derive(Clone, Debug)]
pub struct Step {
    /// A short title, if the author gave one.
    pub title: Option<String>,
    /// The text, in Markdown.
    pub text: String,
    /// The move written in the file.
    pub go: Go,
    /// The panes to draw attention to.
    pub highlight: Vec<Highlight>,
    /// A question, if any.
    pub question: Option<Question>,
    /// What the step measures on the real kernel when it is shown, if anything.
    pub bench: Option<measure::Bench>,
    /// The run's step before the move (where a prediction is asked).
    pub from: u64,
    /// The run's step after the move (where the step is shown).
    pub at: u64,
    /// Simulated time after the move.
    pub time: Tick,
}

/// A checked lesson with every step resolved and every answer computed.
#[derive(Clone, Debug)]
pub struct Lesson {
    /// Stable id (progress is kept under it).
    pub id: String,
    /// Title.
    pub title: String,
    /// Position in the course.
    pub order: i64,
    /// A sentence or two for the home screen.
    pub summary: String,
    /// Where it came from (a path, or `lessons/NAME.toml` for a bundled lesson).
    pub path: Arc<str>,
    /// Its scenario.
    pub scenario: Scenario,
    /// The steps.
    pub steps: Vec<Step>,
}

/// An error in a lesson file at `span`.
fn invalid(
    path: &Arc<str>,
    text: &Arc<str>,
    span: Range<usize>,
    message: String,
    hint: Option<String>,
) -> ScenarioError {
    ScenarioError::Invalid(Box::new(Diagnostic {
        severity: Severity::Error,
        path: path.clone(),
        text: text.clone(),
        span: Some(span),
        message,
        hint,
    }))
}

impl Lesson {
    /// Parses and checks lesson text; `path` names it in messages and locates a scenario given
    /// as a relative path (a bundled lesson may only use bundled scenarios).
    pub fn parse(path: &str, text: &str, dir: Option<&Path>) -> Result<Lesson, ScenarioError> {
        let path: Arc<str> = path.into();
        let text: Arc<str> = text.into();
        let file: file::LessonFile = toml::from_str(&text).map_err(|e| {
            ScenarioError::Invalid(Box::new(Diagnostic::from_toml(&path, &text, &e)))
        })?;
        resolve::resolve(file, path, text, dir)
    }

    /// Reads and checks a lesson file.
    pub fn load(path: &Path) -> Result<Lesson, ScenarioError> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| ScenarioError::Read {
            path: shown.clone(),
            source,
        })?;
        let text = std::str::from_utf8(&bytes).map_err(|e| ScenarioError::NotText {
            path: shown.clone(),
            at: e.valid_up_to(),
        })?;
        Lesson::parse(&shown, text, path.parent())
    }

    /// A lesson file, or else the bundled lesson with that id.
    pub fn open(file: &str) -> Result<Lesson, ScenarioError> {
        let path = Path::new(file);
        if !path.is_file()
            && let Some((name, text)) = bundled::find(file)
        {
            return Lesson::parse(&format!("lessons/{name}.toml"), text, None);
        }
        Lesson::load(path)
    }

    /// How many questions it asks.
    pub fn questions(&self) -> usize {
        self.steps.iter().filter(|s| s.question.is_some()).count()
    }
}

#[cfg(test)]
mod tests;
