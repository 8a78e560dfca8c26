//! Speed of the simulated kernel (`cargo bench`). The targets and measured figures are in the
//! README; nothing here is a pass/fail test.

use criterion::{Criterion, criterion_group, criterion_main};
use proclab::compat::python_random::PythonRandom;
use proclab::kernel::event::{Event, EventKind, EventSink, Finished};
use proclab::report::{self, Options};
use proclab::scenario::Scenario;
use std::hint::black_box;
use std::time::Duration;

/// A million generated processes under round robin: the README's headline target
/// (`proclab run FILE --json --summary` in under 3 s).
fn million_processes(c: &mut Criterion) {
    let scenario = Scenario::parse(
        "million.toml",
        "title = \"a million processes\"\nseed = 1\n[kernel]\nscheduler = \"rr\"\nquantum = 4\ncontext_switch = 1\n\
         [generate]\ncount = 1000000\nburst = [1, 100]\narrival_gap = [0, 60]\n",
    )
    .expect("valid");
    let mut group = c.benchmark_group("million");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(30));
    group.bench_function("rr q=4 cs=1, 1,000,000 processes, summary only", |b| {
        b.iter(|| {
            black_box(report::run(
                &scenario,
                Options {
                    summary_only: true,
                    events: false,
                },
            ))
        })
    });
    group.finish();
}

/// Collects what scheduler.py prints: each job's finish and first run (so its turnaround,
/// response and waiting time), and nothing else.
#[derive(Default)]
struct PerJob(Vec<Finished>);

impl EventSink for PerJob {
    fn event(&mut self, event: Event) {
        if let Event::Finished(f) = event {
            self.0.push(f);
        }
    }

    fn wants(&self, kind: EventKind) -> bool {
        kind == EventKind::Finished
    }
}

/// The workload of OSTEP's `scheduler.py -s 1 -j 2000 -m 100 -p RR -q 1`, with the same job
/// lengths (drawn with Python's generator): what the script computes (each job's answers),
/// and the reports around it.
fn ostep_round_robin(c: &mut Criterion) {
    let mut rng = PythonRandom::new(1);
    let mut text = String::from(
        "title = \"scheduler.py -s 1 -j 2000 -m 100 -p RR -q 1\"\n[kernel]\nscheduler = \"rr\"\nquantum = 1\n",
    );
    for i in 0..2000 {
        let length = (100.0 * rng.random()) as u64 + 1;
        text += &format!("[[process]]\nname = \"J{i}\"\nburst = {length}\n");
    }
    let scenario = Scenario::parse("ostep.toml", &text).expect("valid");
    c.bench_function(
        "scheduler.py -s 1 -j 2000 -m 100 -p RR -q 1 (report with event log)",
        |b| {
            b.iter(|| {
                black_box(report::run(
                    &scenario,
                    Options {
                        summary_only: false,
                        events: true,
                    },
                ))
            })
        },
    );
    c.bench_function(
        "scheduler.py -s 1 -j 2000 -m 100 -p RR -q 1 (per-process report)",
        |b| b.iter(|| black_box(report::run(&scenario, Options::default()))),
    );
    c.bench_function(
        "scheduler.py -s 1 -j 2000 -m 100 -p RR -q 1 (per-job answers)",
        |b| {
            b.iter(|| {
                let mut sink = PerJob::default();
                scenario.kernel().keep_terminated(false).run(&mut sink);
                black_box(sink.0.len())
            })
        },
    );
    c.bench_function(
        "scheduler.py -s 1 -j 2000 -m 100 -p RR -q 1 (summary)",
        |b| {
            b.iter(|| {
                black_box(report::run(
                    &scenario,
                    Options {
                        summary_only: true,
                        events: false,
                    },
                ))
            })
        },
    );
}

criterion_group!(benches, ostep_round_robin, million_processes);
criterion_main!(benches);
