//! Questions: what is asked, the computed answer, and how a student's reply is judged.

use super::query::{Query, Value};

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
    /// The answer, computed from the simulation.
    pub answer: Value,
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
        self.answer.to_string()
    }

    /// Judges a reply: a number, a word, or (for a pick) the choice's number or text.
    pub fn judge(&self, reply: &str) -> Verdict {
        let reply = reply.trim();
        if reply.is_empty() {
            return Verdict::Unusable("type an answer first".into());
        }
        let reply = match &self.choices {
            // A choice typed out wins over a number read as a choice's position.
            Choices::Pick(options) if options.iter().any(|o| normalize(o) == normalize(reply)) => {
                reply.to_string()
            }
            Choices::Pick(options) => match reply.parse::<usize>() {
                Ok(n) if (1..=options.len()).contains(&n) => options[n - 1].clone(),
                Ok(_) if !matches!(self.answer, Value::Number(_)) => {
                    return Verdict::Unusable(format!("pick a number from 1 to {}", options.len()));
                }
                _ => reply.to_string(),
            },
            Choices::Free => reply.to_string(),
        };
        match &self.answer {
            Value::Number(right) => match reply.parse::<f64>() {
                Ok(n) if (n - right).abs() <= self.tolerance + 1e-9 => Verdict::Right,
                Ok(_) => Verdict::Wrong,
                Err(_) => Verdict::Unusable("the answer is a number".into()),
            },
            Value::Text(right) => {
                if normalize(&reply) == normalize(right) {
                    Verdict::Right
                } else {
                    Verdict::Wrong
                }
            }
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

/// Lower case, words separated by single spaces, commas ignored: "P2,P3" = "p2, p3".
fn normalize(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == ',')
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
            answer,
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
    fn a_number_that_is_a_choice_is_that_choice() {
        let options = vec!["2".to_string(), "4".into(), "8".into()];
        let q = question(Value::Number(2.0), Choices::Pick(options));
        assert_eq!(q.judge("2"), Verdict::Right);
        assert_eq!(q.judge("1"), Verdict::Right);
        assert_eq!(q.judge("3"), Verdict::Wrong);
    }

    #[test]
    fn lists_compare_word_by_word() {
        let q = question(Value::Text("P2, P3".into()), Choices::Free);
        assert_eq!(q.judge("p2 p3"), Verdict::Right);
        assert_eq!(q.judge("P3, P2"), Verdict::Wrong);
    }
}
