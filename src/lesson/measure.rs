//! A lesson step that measures the real kernel: `bench = { rounds = 500, size = "8M" }` runs
//! the transfers of `proclab bench ipc`, and a later question's answer may come from the table
//! it measured (`answer = "fastest round trip"`). Everything here is pure: the caller makes
//! the measurement (the TUI on a worker thread, the plain mode on its own) and hands the
//! [`Table`] to [`Lesson::measured`], which computes those answers from it.

use super::Lesson;
use super::mechanisms;
use super::query::{Query, Value};
use super::question::Choices;
use crate::ipc_bench::table::{grouped, micros};
use crate::ipc_bench::{Mechanism, Options, Table, default_warmup};

/// Round trips per mechanism when `bench` does not say.
pub const DEFAULT_ROUNDS: usize = 500;
/// Bytes per mechanism when `bench` does not say: 8 MiB.
pub const DEFAULT_BYTES: u64 = 8 << 20;
/// Most round trips a lesson may ask for: a lesson should measure in a second or two.
pub const MAX_ROUNDS: usize = 100_000;
/// Most bytes a lesson may move one way per mechanism: 256 MiB.
pub const MAX_BYTES: u64 = 256 << 20;

/// What a step measures: `proclab bench ipc --rounds ROUNDS --size BYTES`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bench {
    /// Round trips measured per mechanism.
    pub rounds: usize,
    /// Bytes sent one way per mechanism for the bandwidth.
    pub bytes: u64,
}

impl Bench {
    /// The options of the run: every mechanism, `bench ipc`'s message and chunk sizes.
    pub fn options(&self) -> Options {
        Options {
            rounds: self.rounds,
            warmup: default_warmup(self.rounds),
            total_bytes: self.bytes,
            ..Options::default()
        }
    }

    /// The mechanisms it measures, in the order it measures them.
    pub fn mechanisms(&self) -> Vec<Mechanism> {
        self.options().mechanisms
    }
}

/// A column of the table.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Figure {
    /// Median round trip, µs.
    Median,
    /// 99th percentile round trip, µs.
    P99,
    /// One-way bandwidth, MB/s.
    Bandwidth,
}

/// An answer read from the measured table.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Measured {
    /// The mechanism with the lowest figure in that column.
    Lowest(Figure),
    /// The mechanism with the highest figure in that column.
    Highest(Figure),
    /// One mechanism's figure, as the table prints it.
    Of(Figure, Mechanism),
}

impl Measured {
    /// Reads a measured answer (`None` if the words are not one).
    pub fn parse(t: &[&str]) -> Option<Result<Measured, String>> {
        use Figure::{Bandwidth, Median, P99};
        let figure = |word: &str| match word {
            "median" => Some(Median),
            "p99" => Some(P99),
            "bandwidth" => Some(Bandwidth),
            _ => None,
        };
        Some(Ok(match t {
            ["fastest", "round", "trip"] | ["lowest", "median"] => Measured::Lowest(Median),
            ["slowest", "round", "trip"] | ["highest", "median"] => Measured::Highest(Median),
            ["lowest", "p99"] => Measured::Lowest(P99),
            ["highest", "p99"] => Measured::Highest(P99),
            ["most" | "highest", "bandwidth"] => Measured::Highest(Bandwidth),
            ["least" | "lowest", "bandwidth"] => Measured::Lowest(Bandwidth),
            [f, "round", "trip", "of", name @ ..] | [f, "of", name @ ..]
                if figure(f).is_some() && !name.is_empty() =>
            {
                let name = name.join(" ");
                match mechanisms::parse(&name) {
                    Some(m) => Measured::Of(figure(f)?, m),
                    None => {
                        return Some(Err(format!(
                            "`{name}` is not a mechanism; the table has pipe, FIFO, shared \
                             memory, message queue and socket"
                        )));
                    }
                }
            }
            _ => return None,
        }))
    }

    /// True if the answer names a mechanism (not a figure).
    pub fn is_mechanism(self) -> bool {
        !matches!(self, Measured::Of(..))
    }

    /// How far a typed figure may be from the table's: half its last printed digit, or more.
    pub fn tolerance(self) -> f64 {
        match self {
            Measured::Of(Figure::Bandwidth, _) => 0.5,
            _ => 0.05,
        }
    }
}

/// A row's figure as the table prints it, so an answer never differs from what is on screen.
fn shown(table: &Table, m: Mechanism, figure: Figure) -> Option<f64> {
    let row = table.rows.iter().find(|r| r.mechanism == m)?;
    let text = match figure {
        Figure::Median => micros(row.latency.median_us),
        Figure::P99 => micros(row.latency.p99_us),
        Figure::Bandwidth => grouped(row.bandwidth.mb_per_s).replace(',', ""),
    };
    text.parse().ok()
}

/// How `m` is written among `choices` (its title without choices).
fn named(m: Mechanism, choices: Option<&[String]>) -> Result<String, String> {
    match choices {
        None => Ok(m.title().to_string()),
        Some(options) => options
            .iter()
            .find(|o| mechanisms::parse(o) == Some(m))
            .cloned()
            .ok_or_else(|| format!("{} is not among the choices", m.title())),
    }
}

/// The answer to `query` from `table`; a mechanism is written as among `choices`. A tie, as
/// printed, makes every mechanism in it right.
pub fn eval(query: Measured, table: &Table, choices: Option<&[String]>) -> Result<Value, String> {
    let (figure, lowest) = match query {
        Measured::Of(figure, m) => {
            return shown(table, m, figure)
                .map(Value::Number)
                .ok_or_else(|| format!("the table has no row for {}", m.title()));
        }
        Measured::Lowest(figure) => (figure, true),
        Measured::Highest(figure) => (figure, false),
    };
    let figures: Vec<(Mechanism, f64)> = table
        .rows
        .iter()
        .filter_map(|r| Some((r.mechanism, shown(table, r.mechanism, figure)?)))
        .collect();
    let best = figures
        .iter()
        .map(|(_, x)| *x)
        .reduce(|a, b| if (b < a) == lowest { b } else { a })
        .ok_or("the table has no rows")?;
    let mut names = Vec::new();
    for (m, _) in figures.iter().filter(|(_, x)| *x == best) {
        names.push(named(*m, choices)?);
    }
    Ok(match <[String; 1]>::try_from(names) {
        Ok([one]) => Value::Text(one),
        Err(tied) => Value::OneOf(tied),
    })
}

/// The answer to a `which …` fact: the one mechanism among `choices` (or among all five)
/// that it holds for.
pub fn fact(property: mechanisms::Property, choices: Option<&[String]>) -> Result<Value, String> {
    let all = mechanisms::choices();
    let options = choices.unwrap_or(&all);
    let holding: Vec<&String> = options
        .iter()
        .filter(|o| mechanisms::parse(o).is_some_and(|m| property.holds(m)))
        .collect();
    match holding.as_slice() {
        [one] => Ok(Value::Text((*one).clone())),
        [] => Err(format!(
            "none of the {} `{}`",
            if choices.is_some() {
                "choices"
            } else {
                "mechanisms"
            },
            property.name()
        )),
        many => Err(format!(
            "{} of them `{}` ({}), so there is no one answer",
            many.len(),
            property.name(),
            many.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Checks that every choice names a mechanism, so that a reply can be judged by what it means.
pub fn check_choices(options: &[String]) -> Result<(), String> {
    match options.iter().find(|o| mechanisms::parse(o).is_none()) {
        Some(o) => Err(format!("`{o}` is not a mechanism I know")),
        None => Ok(()),
    }
}

/// Reads `bench`'s `size`: a byte count, as `proclab bench ipc --size` takes it.
pub fn bytes(size: &toml::Value) -> Result<u64, String> {
    let n = match size {
        toml::Value::Integer(n) => u64::try_from(*n).map_err(|_| "a size is positive".to_string()),
        toml::Value::String(s) => crate::ipc_bench::table::parse_bytes(s),
        _ => Err("`size` is a byte count: 8388608, \"512K\", \"8M\"".into()),
    }?;
    if n == 0 || n > MAX_BYTES {
        return Err(format!(
            "`size` is from 1 byte to {} in a lesson",
            crate::ipc_bench::table::bytes(MAX_BYTES)
        ));
    }
    Ok(n)
}

impl Lesson {
    /// The step that measures, if any (a lesson measures once).
    pub fn measuring_step(&self) -> Option<usize> {
        self.steps.iter().position(|s| s.bench.is_some())
    }

    /// What the lesson measures, if anything.
    pub fn bench(&self) -> Option<&Bench> {
        self.steps.iter().find_map(|s| s.bench.as_ref())
    }

    /// The lesson with every answer that comes from the measurement computed from `table`,
    /// or, without a table, waiting for one.
    pub fn measured(&self, table: Option<&Table>) -> Lesson {
        let mut lesson = self.clone();
        for q in lesson.steps.iter_mut().filter_map(|s| s.question.as_mut()) {
            if let Query::Measured(m) = q.query {
                let choices = match &q.choices {
                    Choices::Pick(options) => Some(options.as_slice()),
                    Choices::Free => None,
                };
                q.answer = table.and_then(|t| eval(m, t, choices).ok());
            }
        }
        lesson
    }
}

#[cfg(test)]
#[path = "measure_tests.rs"]
pub(crate) mod tests;
