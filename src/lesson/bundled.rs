//! The lessons shipped inside the binary (the files under `lessons/`).

include!(concat!(env!("OUT_DIR"), "/bundled_lessons.rs"));

use super::Lesson;
use crate::scenario::ScenarioError;

/// The `id` a lesson file declares, read without checking the rest of the file.
pub fn declared_id(text: &str) -> Option<String> {
    let table: toml::Table = toml::from_str(text).ok()?;
    table.get("id")?.as_str().map(str::to_string)
}

/// The bundled lesson whose file name or id is `key`: (file name, text).
pub fn find(key: &str) -> Option<(&'static str, &'static str)> {
    let name = key.trim_end_matches(".toml").trim_start_matches("lessons/");
    BUNDLED_LESSONS
        .iter()
        .find(|(n, _)| *n == name)
        .or_else(|| {
            BUNDLED_LESSONS
                .iter()
                .find(|(_, text)| declared_id(text).as_deref() == Some(name))
        })
        .copied()
}

/// Every bundled lesson, checked and in course order (errors are for `proclab dev check`).
pub fn load_all() -> Vec<Result<Lesson, ScenarioError>> {
    let mut all: Vec<Result<Lesson, ScenarioError>> = BUNDLED_LESSONS
        .iter()
        .map(|(name, text)| Lesson::parse(&format!("lessons/{name}.toml"), text, None))
        .collect();
    all.sort_by_key(|l| match l {
        Ok(l) => (0, l.order, l.id.clone()),
        Err(_) => (1, 0, String::new()),
    });
    all
}

/// The ids of the bundled lessons (read cheaply, without running them).
pub fn ids() -> Vec<String> {
    BUNDLED_LESSONS
        .iter()
        .filter_map(|(_, text)| declared_id(text))
        .collect()
}

/// What the home screen shows of a bundled lesson, read without running it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listing {
    /// Its file name under `lessons/`, without `.toml`.
    pub file: String,
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its summary.
    pub summary: String,
    /// Its position in the course.
    pub order: i64,
    /// How many steps it has.
    pub steps: usize,
    /// Its scenario asks for the real kernel.
    pub real: bool,
    /// One of its steps measures the real kernel (`bench`).
    pub measures: bool,
}

/// The bundled lessons in course order, read cheaply (files that do not parse are left out;
/// `proclab dev check` reports them).
pub fn listings() -> Vec<Listing> {
    let mut all: Vec<Listing> = BUNDLED_LESSONS
        .iter()
        .filter_map(|(file, text)| {
            let table: toml::Table = toml::from_str(text).ok()?;
            let text_of = |key: &str| table.get(key).and_then(|v| v.as_str()).map(str::to_string);
            let steps = table.get("step").and_then(toml::Value::as_array);
            let real = match table.get("scenario") {
                Some(toml::Value::String(id)) => crate::scenario::bundled::find(id)
                    .and_then(|t| toml::from_str::<toml::Table>(t).ok())
                    .and_then(|t| t.get("real").and_then(toml::Value::as_bool))
                    .unwrap_or(false),
                Some(toml::Value::Table(t)) => t
                    .get("real")
                    .and_then(toml::Value::as_bool)
                    .unwrap_or(false),
                _ => false,
            };
            Some(Listing {
                file: file.to_string(),
                id: text_of("id")?,
                title: text_of("title")?,
                summary: text_of("summary").unwrap_or_default().trim().to_string(),
                order: table
                    .get("order")
                    .and_then(toml::Value::as_integer)
                    .unwrap_or(i64::MAX),
                steps: steps.map_or(0, Vec::len),
                measures: steps.is_some_and(|s| {
                    s.iter()
                        .any(|step| step.as_table().is_some_and(|t| t.contains_key("bench")))
                }),
                real,
            })
        })
        .collect();
    all.sort_by(|a, b| (a.order, &a.id).cmp(&(b.order, &b.id)));
    all
}
