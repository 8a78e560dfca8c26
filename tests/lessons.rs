//! Every lesson under `lessons/`, played through in plain mode with the computed answers typed
//! in and snapshotted (each step's text, the simulated state there, every answer), so that a
//! change in a scenario that changes an answer shows up in review. A lesson that measures the
//! real kernel is given a fixed table instead, so its snapshot never changes with the machine.
//! Also the course itself.

use proclab::ipc_bench::{
    Bandwidth, BenchError, Latency, Mechanism, Method, Options, Progress as Measuring, Row, Table,
};
use proclab::lesson::progress::{Progress, Status};
use proclab::lesson::{Choices, Lesson, bundled, plain};

/// A measurement that hands back the same table every time: the README's 2-CPU figures.
struct Fixed;

fn row(mechanism: Mechanism, median_us: f64, p99_us: f64, mb_per_s: f64, note: &str) -> Row {
    Row {
        mechanism,
        latency: Latency {
            rounds: 500,
            median_us,
            p99_us,
            min_us: median_us / 2.0,
            max_us: p99_us * 2.0,
        },
        bandwidth: Bandwidth {
            bytes: 8 << 20,
            chunk_bytes: 65536,
            seconds: (8 << 20) as f64 / (mb_per_s * 1e6),
            mb_per_s,
        },
        note: note.into(),
    }
}

impl plain::Measure for Fixed {
    fn measure(
        &mut self,
        options: &Options,
        progress: &mut dyn FnMut(Measuring<'_>),
    ) -> Result<Table, BenchError> {
        let rows = vec![
            row(
                Mechanism::Pipe,
                2.26,
                91.7,
                1561.0,
                "64 KiB writes; pipe buffer 64 KiB",
            ),
            row(
                Mechanism::Fifo,
                52.9,
                107.1,
                899.0,
                "64 KiB writes, as for the pipe",
            ),
            row(
                Mechanism::Shm,
                0.93,
                1.21,
                9391.0,
                "a ring of 8 × 64 KiB slots each way",
            ),
            row(
                Mechanism::Mq,
                2.70,
                90.4,
                4119.0,
                "8 KiB messages (msgsize_max 8192)",
            ),
            row(
                Mechanism::Socket,
                68.1,
                131.6,
                4269.0,
                "64 KiB writes; send buffer 208 KiB",
            ),
        ];
        for r in &rows {
            progress(Measuring::Starting(r.mechanism));
            progress(Measuring::Measured(r));
        }
        Ok(Table {
            rows,
            method: Method {
                rounds: options.rounds,
                warmup: options.warmup,
                message_bytes: options.message_bytes,
                total_bytes: options.total_bytes,
                chunk_bytes: options.chunk_bytes,
                cpus: 2,
                machine_cpus: 2,
                cpu_model: Some("Test CPU".into()),
                kernel: Some("6.0-test".into()),
            },
        })
    }
}

/// What a student who knows every answer types: a pick's position, or the answer.
fn right_answers(lesson: &Lesson) -> String {
    let mut input = String::new();
    for q in lesson.steps.iter().filter_map(|s| s.question.as_ref()) {
        let reply = match &q.choices {
            Choices::Pick(options) => {
                // Judged as typed out, as loading checks it: a choice such as "200" is no
                // position here.
                let typed = proclab::lesson::Question {
                    choices: Choices::Free,
                    ..q.clone()
                };
                let n = options
                    .iter()
                    .position(|o| typed.judge(o) == proclab::lesson::Verdict::Right)
                    .expect("the answer is among the choices");
                (n + 1).to_string()
            }
            Choices::Free => q.answer_text(),
        };
        input.push_str(&reply);
        input.push('\n');
    }
    input
}

#[test]
fn every_lesson_played_with_the_right_answers() {
    insta::glob!("../lessons", "*.toml", |path| {
        let lesson = Lesson::load(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        // The answers a student sees once the (fixed) table is measured.
        let table =
            plain::Measure::measure(&mut Fixed, &Options::default(), &mut |_| {}).expect("fixed");
        let input = right_answers(&lesson.measured(Some(&table)));
        let mut progress = Progress::in_memory();
        let mut out = Vec::new();
        let beside = plain::Beside {
            real: None,
            bench: Some(&mut Fixed),
        };
        let outcome = plain::run_beside(
            &lesson,
            0,
            &mut progress,
            beside,
            &mut input.as_bytes(),
            &mut out,
        )
        .expect("writes to memory");
        let out = String::from_utf8(out).expect("text");
        assert!(outcome.completed, "{}: {out}", path.display());
        assert_eq!(
            outcome.first_try,
            outcome.asked,
            "{}: {out}",
            path.display()
        );
        assert!(
            outcome.asked >= 3,
            "{}: every lesson asks at least 3 questions",
            path.display()
        );
        assert_eq!(progress.status(&lesson.id), Status::Done);
        insta::assert_snapshot!(out);
    });
}

#[test]
fn the_course_has_its_lessons_in_order_with_unique_ids() {
    let lessons: Vec<Lesson> = bundled::load_all()
        .into_iter()
        .map(|l| l.unwrap_or_else(|e| panic!("{e}")))
        .collect();
    let orders: Vec<i64> = lessons.iter().map(|l| l.order).collect();
    // Numbers may leave gaps for lessons to come, but no two lessons share one.
    assert!(
        orders.windows(2).all(|w| w[0] < w[1]),
        "one lesson per number: {orders:?}"
    );
    assert_eq!(
        orders[..12],
        (1..=12).collect::<Vec<_>>(),
        "lessons 1 to 12"
    );
    assert_eq!(
        lessons.last().map(|l| l.id.as_str()),
        Some("choosing-ipc"),
        "choosing a mechanism closes the course"
    );
    let mut ids: Vec<&str> = lessons.iter().map(|l| l.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), lessons.len(), "ids are unique");
    // The lessons on the real kernel are the ones the curriculum says (7 on): beside it, or
    // measuring it; except RPC and the Windows family, which Linux has no system calls for,
    // so they are only modelled.
    for l in lessons[6..].iter().filter(|l| l.id != "windows-ipc") {
        let rpc = l
            .scenario
            .objects
            .iter()
            .any(|o| o.kind == proclab::kernel::ipc::ObjectKind::RpcPort);
        assert!(
            l.scenario.real || l.bench().is_some() || rpc,
            "{} runs beside the real kernel or measures it",
            l.id
        );
    }
    let measuring: Vec<&str> = lessons
        .iter()
        .filter(|l| l.bench().is_some())
        .map(|l| l.id.as_str())
        .collect();
    assert_eq!(measuring, ["choosing-ipc"]);
    // The home screen marks it as the real kernel's too.
    let listed = bundled::listings();
    assert!(listed.iter().any(|l| l.id == "choosing-ipc" && l.measures));
    // Listing (the home screen) agrees with loading.
    let listed: Vec<String> = bundled::listings().into_iter().map(|l| l.id).collect();
    let loaded: Vec<String> = lessons.iter().map(|l| l.id.clone()).collect();
    assert_eq!(listed, loaded);
}
