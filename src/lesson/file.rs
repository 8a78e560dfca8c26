//! The shape of a lesson file, exactly as TOML gives it, with positions kept for error
//! messages. `Lesson::parse` checks it and computes every step.

use serde::Deserialize;
use toml::Spanned;

/// A whole lesson file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LessonFile {
    /// Stable id; progress is kept under it.
    pub id: Spanned<String>,
    /// Title shown on the home screen.
    pub title: Spanned<String>,
    /// Position in the course (lessons are listed by it, then by id).
    pub order: Option<Spanned<i64>>,
    /// One or two sentences for the home screen.
    pub summary: Option<String>,
    /// A bundled scenario id, a path relative to the lesson file, or an inline scenario.
    pub scenario: Spanned<ScenarioRef>,
    /// The steps, in order.
    #[serde(rename = "step", default)]
    pub steps: Vec<Spanned<StepEntry>>,
}

/// Where the lesson's scenario comes from.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum ScenarioRef {
    /// A bundled id (`lifecycle/zombie`) or a path relative to the lesson file.
    Named(String),
    /// A whole scenario written inside the lesson, as a TOML table.
    Inline(toml::Table),
}

/// `[[step]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepEntry {
    /// A short title for the step.
    pub title: Option<String>,
    /// Markdown.
    pub text: Spanned<String>,
    /// Where the simulation moves before the step is shown.
    pub go: Option<Spanned<String>>,
    /// The panes to draw attention to.
    #[serde(default)]
    pub highlight: Vec<Spanned<String>>,
    /// A question for the student.
    pub question: Option<Spanned<QuestionEntry>>,
    /// Measure the real IPC mechanisms when the step is shown.
    pub bench: Option<Spanned<BenchEntry>>,
}

/// `bench = { rounds = 500, size = "8M" }`: the step runs `proclab bench ipc` with these.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BenchEntry {
    /// Round trips per mechanism.
    pub rounds: Option<Spanned<i64>>,
    /// Bytes sent one way per mechanism: a number, or `"8M"`.
    pub size: Option<Spanned<toml::Value>>,
}

/// `[step.question]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionEntry {
    /// The question, in Markdown.
    pub ask: Spanned<String>,
    /// What the answer is computed from (see `docs/lesson-format.md`).
    pub answer: Spanned<String>,
    /// Offer these choices (a list, or `"processes"` or `"states"`).
    pub choices: Option<Spanned<ChoicesEntry>>,
    /// Ask before the step's `go` moves the simulation: the student predicts.
    #[serde(default)]
    pub predict: bool,
    /// How far off a number may be and still count as right.
    pub tolerance: Option<Spanned<f64>>,
    /// Hints, revealed one at a time.
    #[serde(default)]
    pub hints: Vec<String>,
    /// Shown after answering, in Markdown; `{answer}` stands for the right answer.
    pub explain: Option<String>,
}

/// `choices = [...]` or `choices = "processes"`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum ChoicesEntry {
    /// A word naming a computed list: `processes` or `states`.
    Computed(String),
    /// The choices as written.
    Listed(Vec<Choice>),
}

/// One listed choice: text or a number.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Choice {
    /// A word or phrase.
    Text(String),
    /// A whole number.
    Integer(i64),
    /// A number with a fraction.
    Float(f64),
}

impl Choice {
    /// As shown to the student.
    pub fn text(&self) -> String {
        match self {
            Choice::Text(t) => t.clone(),
            Choice::Integer(n) => n.to_string(),
            Choice::Float(x) => x.to_string(),
        }
    }
}
