//! Speed of the TUI's two costly moments (`cargo bench --bench tui`): drawing a frame of a
//! scenario with 1,000 processes, and stepping back 1,000 steps in a 1,000,000-tick run. The
//! targets (2 ms and 50 ms) and the measured figures are in the README.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use proclab::replay::Replay;
use proclab::scenario::Scenario;
use proclab::tui::action::Action;
use proclab::tui::app::App;
use proclab::tui::theme::Theme;
use proclab::tui::update::update;
use proclab::tui::view::render;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Size;
use std::hint::black_box;

/// 1,000 processes of about 1,000 ticks each, round robin: a run of about 1,000,000 ticks.
fn thousand() -> Scenario {
    Scenario::parse(
        "thousand.toml",
        "title = \"a thousand processes\"\nseed = 3\n[kernel]\nscheduler = \"rr\"\nquantum = 4\n\
         context_switch = 1\n[generate]\ncount = 1000\nburst = [900, 1100]\narrival_gap = [0, 2]\n",
    )
    .expect("valid")
}

fn frame(c: &mut Criterion) {
    let mut app = App::new(Theme { color: true }, Size::new(120, 40));
    update(
        &mut app,
        Action::Loaded {
            scenario: Box::new(thousand()),
            real: false,
        },
    );
    // A moment when all 1,000 processes are in the table and the ready queue.
    for _ in 0..2_000 {
        update(&mut app, Action::Next);
    }
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    c.bench_function("draw one 120x40 frame, 1,000 processes", |b| {
        b.iter(|| {
            terminal.draw(|f| render(black_box(&app), f)).expect("draw");
        })
    });
}

fn step_back(c: &mut Criterion) {
    let mut replay = Replay::new(&thousand());
    assert!(replay.kernel().now() == 0);
    let middle = replay.steps() / 2;
    replay.goto(middle);
    assert!(
        replay.timeline().times[replay.steps() as usize] >= 1_000_000,
        "a million-tick run"
    );
    let mut group = c.benchmark_group("time travel");
    group.sample_size(20);
    group.bench_function("step back 1,000 steps in a 1,000,000-tick run", |b| {
        b.iter_batched(
            || replay.clone(),
            |mut r| black_box(r.goto(middle - 1_000)),
            BatchSize::LargeInput,
        )
    });
    group.bench_function("step back 1 step in a 1,000,000-tick run", |b| {
        b.iter_batched(
            || replay.clone(),
            |mut r| black_box(r.goto(middle - 1)),
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, frame, step_back);
criterion_main!(benches);
