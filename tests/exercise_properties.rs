//! Invariants of generated exercises, for any seed and options: the same seed gives the same
//! problem, every asked answer can be computed, and an answers file holding the worked answers
//! grades as all right. For messages exercises also: somebody sends and somebody receives,
//! every process ends, and the answers agree with each other (what is received was sent).

use proclab::exercise::expected::{Expected, expected};
use proclab::exercise::field::{Field, ProcessField};
use proclab::exercise::{Answers, Exercise, Kind, Options, Solution, grade};
use proptest::prelude::*;
use toml::Spanned;

/// The answers file a student who got everything right would write.
fn right_answers(e: &Exercise, solution: &Solution) -> String {
    let mut top = toml::Table::new();
    for field in e.asked() {
        let value = match expected(solution, &field).expect("every asked answer is computable") {
            Expected::Count(n) => toml::Value::Integer(n as i64),
            Expected::Mean(parts) => toml::Value::Float(Expected::mean(&parts)),
            Expected::States(s) => {
                toml::Value::Array(s.iter().map(|s| s.to_string().into()).collect())
            }
            Expected::Entries(list) => {
                toml::Value::Array(list.into_iter().map(toml::Value::String).collect())
            }
        };
        match field.place() {
            (Some(table), key) => {
                let t = top
                    .entry(table.to_string())
                    .or_insert_with(|| toml::Value::Table(toml::Table::new()));
                if let toml::Value::Table(t) = t {
                    t.insert(key.to_string(), value);
                }
            }
            (None, key) => {
                top.insert(key.to_string(), value);
            }
        }
    }
    toml::to_string(&top).expect("serializable")
}

fn number(n: i64) -> Option<Spanned<i64>> {
    Some(Spanned::new(0..0, n))
}

fn messages_options() -> impl Strategy<Value = Options> {
    (
        prop_oneof![
            Just("fcfs"),
            Just("rr"),
            Just("srtf"),
            Just("priority"),
            Just("lottery")
        ],
        2i64..=4,
        1i64..=4,
        1i64..=20,
        prop_oneof![
            Just(None),
            (0i64..=10).prop_map(|n| Some(toml::Value::Integer(n))),
            Just(Some(toml::Value::String("unbounded".into()))),
        ],
    )
        .prop_map(|(policy, jobs, maxlen, max_arrival, capacity)| Options {
            policy: Some(Spanned::new(0..0, policy.to_string())),
            jobs: number(jobs),
            maxlen: number(maxlen),
            max_arrival: number(max_arrival),
            quantum: number(1 + maxlen % 2),
            capacity: capacity.map(|c| Spanned::new(0..0, c)),
            ..Options::default()
        })
}

/// Seeds a lottery exercise can have: its scenario writes the seed as a TOML integer, which
/// stops at 2⁶³ − 1 (a known limit of every kind, left to its own change).
fn seed() -> impl Strategy<Value = u64> {
    0..=i64::MAX as u64
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn generated_messages_exercises_solve_and_grade_their_own_answers(
        seed in seed(),
        options in messages_options(),
    ) {
        let params = options.resolve(Kind::Messages).expect("valid options");
        let e = Exercise::generate(&params, seed);
        prop_assert_eq!(&Exercise::generate(&params, seed), &e);
        let solution = e.solve().expect("solvable");
        let Solution::Run(run) = &solution else {
            panic!("a kernel run")
        };
        prop_assert!(run.report.rows.iter().all(|r| r.finish.is_some()), "everyone ends");

        let text = right_answers(&e, &solution);
        let answers = Answers::parse("answers.toml", &text).expect("valid TOML");
        let g = grade(&e, &solution, &answers).expect("gradable");
        prop_assert!(g.all_right(), "{}\n{}", text, g.text());

        // What is received was sent (and sent once): a message is never duplicated or made up.
        let mut sent: Vec<String> = Vec::new();
        let mut received: Vec<String> = Vec::new();
        for f in e.fields() {
            let (Field::Process(_, pf @ (ProcessField::Sent | ProcessField::Received)), Some(Expected::Entries(list))) =
                (&f, expected(&solution, &f)) else { continue };
            let words = ["none", "failed", "never"];
            let kept = list.into_iter().filter(|m| !words.contains(&m.as_str()));
            if *pf == ProcessField::Sent { sent.extend(kept) } else { received.extend(kept) }
        }
        prop_assert!(!sent.is_empty());
        for m in &received {
            prop_assert!(sent.contains(m), "{} received, never sent", m);
            prop_assert_eq!(received.iter().filter(|r| *r == m).count(), 1);
        }
    }

    #[test]
    fn generated_scheduling_and_states_exercises_grade_their_own_answers(
        seed in seed(),
        states in any::<bool>(),
        policy in prop_oneof![Just("fcfs"), Just("rr"), Just("srtf"), Just("mlfq")],
        jobs in 1i64..=5,
    ) {
        let kind = if states { Kind::States } else { Kind::Sched };
        let options = Options {
            policy: Some(Spanned::new(0..0, policy.to_string())),
            jobs: number(jobs),
            max_arrival: number(5),
            ..Options::default()
        };
        let e = Exercise::generate(&options.resolve(kind).expect("valid options"), seed);
        let solution = e.solve().expect("solvable");
        let text = right_answers(&e, &solution);
        let answers = Answers::parse("answers.toml", &text).expect("valid TOML");
        let g = grade(&e, &solution, &answers).expect("gradable");
        prop_assert!(g.all_right(), "{}\n{}", text, g.text());
    }
}
