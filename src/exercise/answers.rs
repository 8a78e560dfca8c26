//! A student's answers file: TOML with one table per process (`[P2] waiting = 6`), an
//! `[average]` table, an `[output]` table for fork lines, and top-level figures
//! (`makespan = 30`, `processes = 8`), plus optional `exercise = "ID"` and `seed = N`. Every
//! value keeps its position, so that grading can point at a misspelt key.

use super::error::{ExerciseError, Source, read_text};
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// What a student wrote for one field.
#[derive(Clone, Debug, PartialEq)]
pub enum Given {
    /// A number (whole numbers are exact).
    Number(f64),
    /// A list of strings, each with its position (`states`, `received`, `sent`, `blocked`).
    List(Vec<(String, Range<usize>)>),
}

/// One answer: the table it is in (if any), its key, its value, and where they are.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The table: a process name, `average` or `output`; `None` at the top level.
    pub table: Option<String>,
    /// Where the table's name is written, if in a table.
    pub table_span: Option<Range<usize>>,
    /// The key.
    pub key: String,
    /// Where the key is written.
    pub key_span: Range<usize>,
    /// The value.
    pub value: Given,
    /// Where the value is written.
    pub value_span: Range<usize>,
}

/// An answers file, parsed.
#[derive(Clone, Debug)]
pub struct Answers {
    pub(crate) source: Source,
    /// The exercise id the answers say they are for, with its position.
    pub exercise: Option<Spanned<String>>,
    /// The variant (seed) the answers say they are for, with its position.
    pub seed: Option<Spanned<u64>>,
    /// The answers, in file order.
    pub entries: Vec<Entry>,
}

type Result<T> = std::result::Result<T, ExerciseError>;

fn value(src: &Source, v: &Spanned<DeValue>) -> Result<Given> {
    let bad = |what: &str| {
        src.error(
            Some(v.span()),
            format!("expected a number or a list, found {what}"),
            "write numbers without quotes (waiting = 6, or 4.33 for an average), and lists of quoted entries, such as [\"new 0\", \"ready 0\"] or [\"a1\", \"none\"]",
        )
    };
    match v.get_ref() {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .map(|n| Given::Number(n as f64))
            .map_err(|_| bad("a number too large")),
        DeValue::Float(f) => f
            .as_str()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .map(Given::Number)
            .ok_or_else(|| bad("a number that is not finite")),
        DeValue::Array(items) => items
            .iter()
            .map(|item| match item.get_ref() {
                DeValue::String(s) => Ok((s.to_string(), item.span())),
                _ => Err(src.error(
                    Some(item.span()),
                    "expected an entry in quotes",
                    "write each entry in quotes, such as \"ready 4\", \"a1\" or \"receive 2 to 5\"",
                )),
            })
            .collect::<Result<Vec<_>>>()
            .map(Given::List),
        DeValue::String(s) => Err(bad(&format!("the text {s:?}"))),
        DeValue::Boolean(_) => Err(bad("true or false")),
        DeValue::Datetime(_) => Err(bad("a date")),
        DeValue::Table(_) => Err(bad("a table")),
    }
}

impl Answers {
    /// Reads and parses an answers file.
    pub fn load(path: &std::path::Path) -> Result<Answers> {
        let text = read_text(path)?;
        Answers::parse(&path.display().to_string(), &text)
    }

    /// Parses answers text; `path` is only used in messages.
    pub fn parse(path: &str, text: &str) -> Result<Answers> {
        let src = Source::new(path, text);
        let doc = DeTable::parse(text).map_err(|e| src.toml_error(&e))?;
        let mut answers = Answers {
            source: src.clone(),
            exercise: None,
            seed: None,
            entries: Vec::new(),
        };
        for (key, v) in doc.get_ref() {
            match (key.get_ref().as_ref(), v.get_ref()) {
                ("exercise", DeValue::String(s)) => {
                    answers.exercise = Some(Spanned::new(v.span(), s.to_string()));
                }
                ("exercise", _) => {
                    return Err(src.error(
                        Some(v.span()),
                        "exercise is the exercise's id, in quotes",
                        "for example exercise = \"fcfs-convoy\"",
                    ));
                }
                ("seed", DeValue::Integer(i)) => {
                    let n = u64::from_str_radix(i.as_str(), i.radix()).map_err(|_| {
                        src.error(
                            Some(v.span()),
                            "seed is a whole number, zero or more",
                            "write the seed of your variant, such as seed = 7",
                        )
                    })?;
                    answers.seed = Some(Spanned::new(v.span(), n));
                }
                ("seed", _) => {
                    return Err(src.error(
                        Some(v.span()),
                        "seed is a whole number, zero or more",
                        "write the seed of your variant, such as seed = 7",
                    ));
                }
                (_, DeValue::Table(table)) => {
                    for (k, item) in table {
                        if let DeValue::Table(_) = item.get_ref() {
                            return Err(src.error(
                                Some(k.span()),
                                "tables do not nest in an answers file",
                                "write one [NAME] table per process, [average] and [output]",
                            ));
                        }
                        answers.entries.push(Entry {
                            table: Some(key.get_ref().to_string()),
                            table_span: Some(key.span()),
                            key: k.get_ref().to_string(),
                            key_span: k.span(),
                            value: value(&src, item)?,
                            value_span: item.span(),
                        });
                    }
                }
                (k, _) => answers.entries.push(Entry {
                    table: None,
                    table_span: None,
                    key: k.to_string(),
                    key_span: key.span(),
                    value: value(&src, v)?,
                    value_span: v.span(),
                }),
            }
        }
        // The table keeps keys sorted; report and grade in the order of the file.
        answers.entries.sort_by_key(|e| e.key_span.start);
        Ok(answers)
    }

    /// Where the answers came from.
    pub fn path(&self) -> &str {
        &self.source.path
    }

    /// An error at `span` of the answers file.
    pub(crate) fn error(
        &self,
        span: Range<usize>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> ExerciseError {
        self.source.error(Some(span), message, hint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_keep_their_table_and_position() {
        let text = "exercise = \"x\"\nseed = 3\nmakespan = 30\n\n[P2]\nwaiting = 6\nstates = [\"new 0\"]\n\n[average]\nwaiting = 4.33\n";
        let a = Answers::parse("a.toml", text).expect("valid");
        assert_eq!(a.exercise.as_ref().map(|e| e.get_ref().as_str()), Some("x"));
        assert_eq!(a.seed.as_ref().map(|s| *s.get_ref()), Some(3));
        let keys: Vec<(Option<&str>, &str)> = a
            .entries
            .iter()
            .map(|e| (e.table.as_deref(), e.key.as_str()))
            .collect();
        assert_eq!(
            keys,
            [
                (None, "makespan"),
                (Some("P2"), "waiting"),
                (Some("P2"), "states"),
                (Some("average"), "waiting")
            ]
        );
        assert_eq!(&text[a.entries[1].key_span.clone()], "waiting");
        assert_eq!(a.entries[3].value, Given::Number(4.33));
    }

    #[test]
    fn values_of_the_wrong_type_are_pointed_at() {
        let e = Answers::parse("a.toml", "[P2]\nwaiting = \"6\"\n").unwrap_err();
        let ExerciseError::Invalid(d) = e else {
            panic!("a diagnostic")
        };
        assert_eq!(d.location(), "a.toml:2:11");
        assert!(d.message.contains("the text \"6\""), "{}", d.message);
        assert!(Answers::parse("a.toml", "[P2\nwaiting = 6\n").is_err());
    }
}
