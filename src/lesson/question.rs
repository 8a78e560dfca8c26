//! Questions: what is asked, the computed answer, and how a student's reply is judged.

use super::mechanisms;
use super::query::{Query, Value};
use super::words::StateWord;

/// How the student answers.
#[derive(Clone, Debug, PartialEq)]
pub enum Choices {
    /// Types a number or a word.
    Free,
    /// Picks one of these (by number or by typing it).
    Pick(Vec<String>),
}

/// A question of a step.
#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    /// The question, in Markdown.
    pub ask: String,
    /// What the answer is computed from.
    pub query: Query,
    /// The answer as written in the file (`average waiting`), for reports.
    pub answer_source: String,
    /// The answer, computed from the simulation (or a fact) when the lesson loads; an answer
    /// read from a measurement is `None` until [`super::Lesson::measured`] is given the table.
    pub answer: Option<Value>,
    /// Free answer or a pick.
    pub choices: Choices,
    /// Asked before the step moves the simulation.
    pub predict: bool,
    /// How far off a number may be.
    pub tolerance: f64,
    /// Hints, one at a time.
    pub hints: Vec<String>,
    /// Shown after answering (Markdown), with `{answer}` filled in.
    pub explain: Option<String>,
}

/// Default tolerance for numbers: answers are given to two decimals.
pub const TOLERANCE: f64 = 0.01;

/// The result of judging a reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Right.
    Right,
    /// Wrong.
    Wrong,
    /// Not an answer of the right kind (e.g. a word for a number); the student may try again.
    Unusable(String),
}

impl Question {
    /// The right answer as shown to the student.
    pub fn answer_text(&self) -> String {
        match &self.answer {
            Some(answer) => answer.to_string(),
            None => PENDING.to_string(),
        }
    }

    /// True while the answer waits for the lesson's measurement.
    pub fn pending(&self) -> bool {
        self.answer.is_none()
    }

    /// Judges a reply: a number, a word, or (for a pick) the choice's number or text.
    pub fn judge(&self, reply: &str) -> Verdict {
        let reply = reply.trim();
        if reply.is_empty() {
            return Verdict::Unusable("type an answer first".into());
        }
        let reply = match &self.choices {
            // In a pick, a whole number is always a choice's position (the prompt says so);
            // anything else must be one of the choices, typed out.
            Choices::Pick(options) => match reply.parse::<usize>() {
                Ok(n) if (1..=options.len()).contains(&n) => options[n - 1].clone(),
                Ok(_) => {
                    return Verdict::Unusable(format!("pick a number from 1 to {}", options.len()));
                }
                Err(_) => reply.to_string(),
            },
            Choices::Free => reply.to_string(),
        };
        // State words have synonyms (`blocked`, `ready-suspended`, `swapped`): any will do.
        let reply = match StateWord::parse(&reply.to_lowercase()) {
            Ok(word) if self.query.is_state() => word.name().to_string(),
            _ => reply,
        };
        // A mechanism may be called by any of its names (`shm`, `shared memory`).
        let mechanism = self.query.is_mechanism().then(|| mechanisms::parse(&reply));
        if let Some(None) = mechanism {
            return Verdict::Unusable(
                "name a mechanism: pipe, FIFO, shared memory, message queue or socket".into(),
            );
        }
        let same = |right: &str| match mechanism {
            Some(m) => m == mechanisms::parse(right),
            None => normalize(&reply) == normalize(right),
        };
        let right = match &self.answer {
            None => return Verdict::Unusable(format!("{PENDING} yet")),
            Some(Value::Number(right)) => {
                return match ungrouped(&reply).parse::<f64>() {
                    Ok(n) if (n - right).abs() <= self.tolerance + 1e-9 => Verdict::Right,
                    Ok(_) => Verdict::Wrong,
                    Err(_) => Verdict::Unusable("the answer is a number".into()),
                };
            }
            Some(Value::Text(right)) => same(right),
            Some(Value::OneOf(all)) => all.iter().any(|right| same(right)),
        };
        if right {
            Verdict::Right
        } else {
            Verdict::Wrong
        }
    }

    /// The explanation with the answer filled in, or a plain statement of the answer.
    pub fn explanation(&self) -> String {
        let answer = self.answer_text();
        match &self.explain {
            Some(e) => e.replace("{answer}", &answer),
            None => format!("The answer is **{answer}**."),
        }
    }
}

/// What the answer of a question waiting for a measurement is called.
const PENDING: &str = "the answer comes from the measurement, which is not done";

/// `12,345` as `12345`: a figure copied from a table keeps its thousands separators.
fn ungrouped(reply: &str) -> String {
    let grouped = reply.split('.').next().is_some_and(|whole| {
        let groups: Vec<&str> = whole.split(',').collect();
        groups.len() > 1
            && (1..=3).contains(&groups[0].len())
            && groups[1..].iter().all(|g| g.len() == 3)
            && whole.chars().all(|c| c.is_ascii_digit() || c == ',')
    });
    if grouped {
        reply.replace(',', "")
    } else {
        reply.to_string()
    }
}

/// Lower case, words separated by single spaces, commas ignored: "P2,P3" = "p2, p3"; and the
/// bars between the words of marshalled bytes: "00 00 | 00 64" = "00 00 00 64".
fn normalize(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == ',' || c == '|')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(answer: Value, choices: Choices) -> Question {
        Question {
            ask: "?".into(),
            query: Query::Time,
            answer_source: "time".into(),
            answer: Some(answer),
            choices,
            predict: false,
            tolerance: TOLERANCE,
            hints: vec![],
            explain: Some("It is {answer}.".into()),
        }
    }

    #[test]
    fn numbers_are_right_within_the_tolerance() {
        let q = question(Value::Number(5.67), Choices::Free);
        assert_eq!(q.judge("5.67"), Verdict::Right);
        assert_eq!(q.judge(" 5.666 "), Verdict::Right);
        assert_eq!(q.judge("5.6"), Verdict::Wrong);
        assert!(matches!(q.judge("five"), Verdict::Unusable(_)));
        assert!(matches!(q.judge(""), Verdict::Unusable(_)));
        assert_eq!(q.explanation(), "It is 5.67.");
    }

    #[test]
    fn picks_take_the_number_or_the_text() {
        let options = vec!["ready".to_string(), "running".into(), "zombie".into()];
        let q = question(Value::Text("zombie".into()), Choices::Pick(options));
        assert_eq!(q.judge("3"), Verdict::Right);
        assert_eq!(q.judge("Zombie"), Verdict::Right);
        assert_eq!(q.judge("1"), Verdict::Wrong);
        assert!(matches!(q.judge("4"), Verdict::Unusable(_)));
    }

    #[test]
    fn in_a_pick_a_whole_number_is_a_position() {
        let options = vec!["0".to_string(), "1".into(), "2".into()];
        let q = question(Value::Number(1.0), Choices::Pick(options));
        assert_eq!(q.judge("2"), Verdict::Right, "choice 2 is 1");
        assert_eq!(q.judge("1"), Verdict::Wrong, "choice 1 is 0");
        assert!(matches!(q.judge("7"), Verdict::Unusable(_)), "not a try");
        let options = vec!["2.5".to_string(), "3.5".into()];
        let q = question(Value::Number(3.5), Choices::Pick(options));
        assert_eq!(q.judge("3.5"), Verdict::Right, "typed out");
    }

    #[test]
    fn states_take_their_synonyms() {
        let mut q = question(Value::Text("suspended".into()), Choices::Free);
        q.query = Query::StateOf("P".into());
        assert_eq!(q.judge("ready-suspended"), Verdict::Right);
        assert_eq!(q.judge("Swapped"), Verdict::Right);
        q.answer = Some(Value::Text("waiting".into()));
        assert_eq!(q.judge("blocked"), Verdict::Right);
        assert_eq!(q.judge("ready"), Verdict::Wrong);
    }

    #[test]
    fn mechanisms_are_judged_by_what_they_name() {
        use crate::lesson::mechanisms::Property;
        let options = crate::lesson::mechanisms::choices();
        let mut q = question(
            Value::Text("POSIX shared memory".into()),
            Choices::Pick(options),
        );
        q.query = Query::Fact(Property::NoSystemCalls);
        assert_eq!(q.judge("3"), Verdict::Right);
        assert_eq!(q.judge("shm"), Verdict::Right);
        assert_eq!(q.judge("Shared  memory"), Verdict::Right);
        assert_eq!(q.judge("pipe"), Verdict::Wrong);
        assert!(
            matches!(q.judge("a pigeon"), Verdict::Unusable(_)),
            "not a try"
        );
        // A tie: either is right, nothing else.
        q.answer = Some(Value::OneOf(vec![
            "pipe".into(),
            "FIFO (named pipe)".into(),
        ]));
        assert_eq!(q.answer_text(), "pipe or FIFO (named pipe)");
        assert_eq!(q.judge("1"), Verdict::Right);
        assert_eq!(q.judge("named pipe"), Verdict::Right);
        assert_eq!(q.judge("socket"), Verdict::Wrong);
    }

    #[test]
    fn a_pending_answer_is_no_try_and_figures_may_keep_their_commas() {
        let mut q = question(Value::Number(12345.0), Choices::Free);
        assert_eq!(q.judge("12,345"), Verdict::Right);
        assert_eq!(q.judge("12345"), Verdict::Right);
        assert!(matches!(q.judge("12,34"), Verdict::Unusable(_)));
        q.answer = None;
        assert!(q.pending());
        assert!(matches!(q.judge("12345"), Verdict::Unusable(_)));
    }

    #[test]
    fn lists_compare_word_by_word() {
        let q = question(Value::Text("P2, P3".into()), Choices::Free);
        assert_eq!(q.judge("p2 p3"), Verdict::Right);
        assert_eq!(q.judge("P3, P2"), Verdict::Wrong);
        let q = question(
            Value::Text("00 00 00 01 | 00 00 00 64".into()),
            Choices::Free,
        );
        assert_eq!(
            q.judge("00 00 00 01 00 00 00 64"),
            Verdict::Right,
            "bars or not"
        );
        assert_eq!(q.judge("00 00 00 01|00 00 00 64"), Verdict::Right);
        assert_eq!(q.judge("00 00 00 01 64 00 00 00"), Verdict::Wrong);
    }
}
