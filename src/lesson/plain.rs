//! `proclab lesson ID --plain`: the lesson as plain text, step by step, reading answers from
//! standard input — for screen readers, scripts and tests. Everything is written to `out` and
//! read from `input`, so the whole exchange can be tested without a terminal.

use super::markdown;
pub use super::plain_measure::Measure;
use super::plain_measure::{Measuring, measure, stopped};
use super::progress::Progress;
use super::question::{Choices, Verdict};
use super::{Lesson, Step};
use crate::kernel::cpu::Activity;
use crate::kernel::{Kernel, Names, State};
use crate::replay::Replay;
use crate::report::gantt;
use std::io::{self, BufRead, Write};

/// Text width of the plain mode.
pub const WIDTH: usize = 78;

/// How a plain session ended.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Every step was shown.
    pub completed: bool,
    /// Questions answered right at the first try.
    pub first_try: usize,
    /// Questions asked.
    pub asked: usize,
}

/// The real kernel running the lesson's scenario underneath (the lab, from the command line).
pub trait RealKernel {
    /// What the real kernel shows at step `step` of the run, as text (`None` at step 0).
    /// Steps are asked for in order; an error stops the real side for the rest of the lesson.
    fn at(&mut self, step: u64) -> Result<Option<String>, String>;
}

/// What runs for real beside a plain lesson.
#[derive(Default)]
pub struct Beside<'a> {
    /// The real kernel running the lesson's scenario underneath.
    pub real: Option<&'a mut dyn RealKernel>,
    /// Makes the measurement of a lesson that measures; without it, the questions about the
    /// measurement are skipped.
    pub bench: Option<&'a mut dyn Measure>,
}

/// Plays `lesson` from step `start` (0-based), saving progress after every step.
pub fn run(
    lesson: &Lesson,
    start: usize,
    progress: &mut Progress,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> io::Result<Outcome> {
    run_beside(lesson, start, progress, Beside::default(), input, out)
}

/// [`run`], with the real kernel underneath and the lesson's measurement made for real.
pub fn run_beside(
    lesson: &Lesson,
    start: usize,
    progress: &mut Progress,
    beside: Beside<'_>,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> io::Result<Outcome> {
    let Beside {
        mut real,
        bench: mut measurer,
    } = beside;
    let mut replay = Replay::new(&lesson.scenario);
    let mut outcome = Outcome {
        completed: false,
        first_try: 0,
        asked: 0,
    };
    writeln!(out, "{}", lesson.title)?;
    writeln!(out, "{}", "=".repeat(lesson.title.chars().count()))?;
    if !lesson.summary.is_empty() {
        write!(out, "{}", markdown::wrap(&lesson.summary, WIDTH, "", ""))?;
    }
    writeln!(
        out,
        "\nScenario: {} ({}). {} steps, {} questions.",
        lesson.scenario.title,
        lesson.scenario.path,
        lesson.steps.len(),
        lesson.questions()
    )?;
    if start > 0 {
        writeln!(
            out,
            "Resuming at step {} (use --restart to start over).",
            start + 1
        )?;
    }
    let mut shown = lesson.steps.get(start).map_or(0, |s| s.from);
    // The lesson with the answers that come from the measurement, once it is made.
    let mut measured: Option<Lesson> = None;
    if let (Some(b), Some(bench)) = (lesson.measuring_step(), lesson.bench())
        && b < start
    {
        writeln!(
            out,
            "The questions ahead come from the measurement of step {}, made again now.",
            b + 1
        )?;
        match measure(
            bench,
            measurer.as_mut().map(|m| &mut **m as &mut dyn Measure),
            out,
        )? {
            Measuring::Done(table) => measured = Some(lesson.measured(Some(&table))),
            Measuring::Failed => {}
            Measuring::Stopped => return stopped(start, outcome, out),
        }
    }
    // The real side is printed once per step of the run.
    let mut real_at = None;
    for (i, step) in lesson.steps.iter().enumerate().skip(start) {
        progress.set_step(&lesson.id, i);
        save(progress, out)?;
        let heading = match &step.title {
            Some(t) => format!("Step {} of {}: {t}", i + 1, lesson.steps.len()),
            None => format!("Step {} of {}", i + 1, lesson.steps.len()),
        };
        writeln!(out, "\n{heading}\n{}", "-".repeat(heading.chars().count()))?;
        let predict = step.question.as_ref().is_some_and(|q| q.predict);
        // A prediction is asked before the move; otherwise the step is shown after it.
        let first = if predict { step.from } else { step.at };
        write!(out, "{}", markdown::to_plain(&step.text, WIDTH))?;
        writeln!(out)?;
        show_simulation(&mut replay, shown, first, step, out)?;
        show_real(&mut real, &mut real_at, first, out)?;
        shown = first;
        if let Some(bench) = &step.bench {
            match measure(
                bench,
                measurer.as_mut().map(|m| &mut **m as &mut dyn Measure),
                out,
            )? {
                Measuring::Done(table) => measured = Some(lesson.measured(Some(&table))),
                Measuring::Failed => measured = None,
                Measuring::Stopped => return stopped(i, outcome, out),
            }
        }
        let question = match &measured {
            Some(l) => l.steps[i].question.as_ref(),
            None => step.question.as_ref(),
        };
        if let Some(q) = question.filter(|q| q.pending()) {
            write!(
                out,
                "\n{}",
                markdown::wrap(
                    &markdown::to_plain(&q.ask, WIDTH - 10).replace('\n', " "),
                    WIDTH,
                    "Question: ",
                    "  "
                )
            )?;
            writeln!(
                out,
                "(Skipped: its answer comes from the measurement, which was not made.)"
            )?;
        } else if let Some(q) = question {
            outcome.asked += 1;
            match ask(q, input, out)? {
                Asked::Quit => {
                    writeln!(out, "\nStopped at step {}; progress saved.", i + 1)?;
                    return Ok(outcome);
                }
                Asked::Right { first_try } => {
                    progress.answered_right(&lesson.id, i);
                    outcome.first_try += usize::from(first_try);
                }
                Asked::Shown => {}
            }
            if predict {
                writeln!(out, "\nThe simulation moves on:")?;
                show_simulation(&mut replay, shown, step.at, step, out)?;
                show_real(&mut real, &mut real_at, step.at, out)?;
                shown = step.at;
            }
        }
    }
    progress.set_step(&lesson.id, lesson.steps.len().saturating_sub(1));
    progress.complete(&lesson.id);
    save(progress, out)?;
    outcome.completed = true;
    writeln!(
        out,
        "\nLesson complete. Questions answered right at the first try: {} of {}.",
        outcome.first_try, outcome.asked
    )?;
    Ok(outcome)
}

fn save(progress: &Progress, out: &mut dyn Write) -> io::Result<()> {
    if let Err(e) = progress.save() {
        let path = progress
            .path()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        writeln!(out, "(cannot save progress to {path}: {e})")?;
    }
    Ok(())
}

enum Asked {
    Right { first_try: bool },
    Shown,
    Quit,
}

fn ask(q: &super::Question, input: &mut dyn BufRead, out: &mut dyn Write) -> io::Result<Asked> {
    let label = if q.predict { "Predict" } else { "Question" };
    write!(
        out,
        "\n{}",
        markdown::wrap(
            &markdown::to_plain(&q.ask, WIDTH - 10).replace('\n', " "),
            WIDTH,
            &format!("{label}: "),
            "  "
        )
    )?;
    if let Choices::Pick(options) = &q.choices {
        for (n, o) in options.iter().enumerate() {
            writeln!(out, "  {}) {o}", n + 1)?;
        }
    }
    let mut hints = q.hints.iter();
    let mut tries = 0;
    loop {
        let kind = match (&q.choices, &q.answer) {
            (Choices::Pick(_), _) => "a choice's number",
            (_, Some(super::query::Value::Number(_))) => "a number",
            _ => "a word",
        };
        let more = if hints.len() > 0 {
            "h for a hint, "
        } else {
            ""
        };
        write!(
            out,
            "Your answer ({kind}; {more}s to see the answer, q to stop): "
        )?;
        out.flush()?;
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            writeln!(out, "\n(end of input)")?;
            return Ok(Asked::Quit);
        }
        // Echo the reply so a transcript reads like the session did.
        writeln!(out, "{}", line.trim_end())?;
        match line.trim() {
            "q" | "quit" => return Ok(Asked::Quit),
            "h" | "hint" => {
                match hints.next() {
                    Some(h) => write!(
                        out,
                        "{}",
                        markdown::wrap(
                            &markdown::to_plain(h, WIDTH).replace('\n', " "),
                            WIDTH,
                            "Hint: ",
                            "  "
                        )
                    )?,
                    None => writeln!(out, "No more hints.")?,
                }
                continue;
            }
            "s" | "show" if q.explain.is_none() => {
                let text = markdown::to_plain(&q.explanation(), WIDTH).replace('\n', " ");
                write!(out, "{}", markdown::wrap(&text, WIDTH, "", "  "))?;
                return Ok(Asked::Shown);
            }
            "s" | "show" => {
                write!(
                    out,
                    "{}",
                    markdown::wrap(
                        &markdown::to_plain(&q.explanation(), WIDTH).replace('\n', " "),
                        WIDTH,
                        &format!("The answer is {}. ", q.answer_text()),
                        "  "
                    )
                )?;
                return Ok(Asked::Shown);
            }
            reply => match q.judge(reply) {
                Verdict::Right => {
                    write!(
                        out,
                        "{}",
                        markdown::wrap(
                            &markdown::to_plain(&q.explanation(), WIDTH).replace('\n', " "),
                            WIDTH,
                            "Right. ",
                            "  "
                        )
                    )?;
                    return Ok(Asked::Right {
                        first_try: tries == 0,
                    });
                }
                Verdict::Wrong => {
                    tries += 1;
                    writeln!(out, "Not quite. Try again.")?;
                }
                Verdict::Unusable(why) => writeln!(out, "That is not an answer: {why}.")?,
            },
        }
    }
}

/// The real kernel at step `at`; after an error, the real side is dropped.
fn show_real(
    real: &mut Option<&mut dyn RealKernel>,
    shown: &mut Option<u64>,
    at: u64,
    out: &mut dyn Write,
) -> io::Result<()> {
    let Some(kernel) = real else {
        return Ok(());
    };
    if *shown == Some(at) {
        return Ok(());
    }
    *shown = Some(at);
    match kernel.at(at) {
        Ok(Some(text)) => write!(out, "On the real Linux kernel:\n{text}"),
        Ok(None) => Ok(()),
        Err(e) => {
            *real = None;
            writeln!(
                out,
                "(The real kernel's side stopped: {e}. The lesson goes on with the model.)"
            )
        }
    }
}

/// What happened since step `since`, and the simulation at step `at`.
fn show_simulation(
    replay: &mut Replay,
    since: u64,
    at: u64,
    step: &Step,
    out: &mut dyn Write,
) -> io::Result<()> {
    replay.goto(at);
    let happened: Vec<String> = replay
        .log()
        .iter()
        .filter(|l| l.step > since && l.step <= at)
        .map(|l| format!("  {:>4}  {}", l.time, l.text))
        .collect();
    if !happened.is_empty() {
        writeln!(out, "What happened:")?;
        let skip = happened.len().saturating_sub(12);
        if skip > 0 {
            writeln!(out, "  ({skip} earlier events not shown)")?;
        }
        for line in &happened[skip..] {
            writeln!(out, "{line}")?;
        }
    }
    write!(out, "{}", state_text(replay, at))?;
    if step.highlight.contains(&super::Highlight::Gantt) && replay.kernel().now() > 0 {
        let names = replay.names().clone();
        let rows = replay.timeline().gantt_window(0, replay.kernel().now());
        writeln!(out, "Gantt chart so far:")?;
        write!(out, "{}", gantt::draw(&rows, &|pid| names.process(pid)))?;
    }
    if !step.highlight.is_empty() {
        let panes: Vec<&str> = step.highlight.iter().map(|h| h.name()).collect();
        writeln!(out, "(In the TUI, look at: {}.)", panes.join(", "))?;
    }
    Ok(())
}

/// The simulated kernel at the replay's step, as a few lines of text.
pub fn state_text(replay: &Replay, at: u64) -> String {
    let k: &Kernel = replay.kernel();
    let names = replay.names();
    let mut s = format!(
        "At time {} (run step {at} of {}):\n",
        k.now(),
        replay.steps()
    );
    for cpu in k.cpus() {
        let doing = match cpu.activity {
            Activity::Idle => "idle".to_string(),
            Activity::Switching { pid, .. } => format!("switching to {}", names.process(pid)),
            Activity::Running { pid, .. } => format!("runs {}", names.process(pid)),
        };
        s.push_str(&format!("  {}: {doing}\n", cpu.id));
    }
    let list = |pids: Vec<crate::kernel::Pid>| {
        if pids.is_empty() {
            "empty".to_string()
        } else {
            pids.iter()
                .map(|p| names.process(*p))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    s.push_str(&format!("  Ready queue: {}\n", list(k.ready_queue())));
    if !k.job_queue().is_empty() {
        s.push_str(&format!("  Job queue: {}\n", list(k.job_queue())));
    }
    for d in k.devices() {
        let serving: Vec<_> = d.serving.iter().map(|r| r.pid).collect();
        let queue: Vec<_> = d.queue.iter().map(|r| r.pid).collect();
        if !serving.is_empty() || !queue.is_empty() {
            s.push_str(&format!(
                "  Device {}: serving {}; queue {}\n",
                d.name,
                list(serving),
                list(queue)
            ));
        }
    }
    let rows: Vec<_> = k
        .processes()
        .filter(|p| p.state != State::Terminated)
        .collect();
    let gone = k
        .processes()
        .filter(|p| p.state == State::Terminated)
        .count();
    if !rows.is_empty() {
        let cells: Vec<[String; 5]> = rows
            .iter()
            .map(|p| {
                let state = match p.state.waiting_on() {
                    Some(w) => format!("{} ({})", p.state.name(), w.describe(names)),
                    None => p.state.name().to_string(),
                };
                [
                    p.name.to_string(),
                    p.pid.0.to_string(),
                    state,
                    names.process(p.parent),
                    p.command.to_string(),
                ]
            })
            .collect();
        let header = ["Process", "PID", "State", "Parent", "Program"];
        let widths: Vec<usize> = (0..5)
            .map(|c| {
                cells
                    .iter()
                    .map(|r| r[c].chars().count())
                    .chain([header[c].len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |row: [&str; 5], pc: &str| {
            let mut l = String::from(" ");
            for (c, cell) in row.iter().enumerate() {
                l.push_str(&format!(" {cell:<w$} ", w = widths[c]));
            }
            format!("{l} {pc}").trim_end().to_string() + "\n"
        };
        s.push_str(&line(header, "PC"));
        for (p, r) in rows.iter().zip(&cells) {
            let row = [r[0].as_str(), &r[1], &r[2], &r[3], &r[4]];
            s.push_str(&line(row, &p.regs.pc.to_string()));
        }
    }
    s.push_str(&objects_text(k));
    if gone > 0 {
        s.push_str(&format!("  ({gone} terminated and reaped)\n"));
    }
    s
}

/// The pipes, FIFOs, rings, mailboxes and links that exist, with what they hold.
fn objects_text(k: &Kernel) -> String {
    use crate::kernel::ipc::Object;
    let mut s = String::new();
    for (spec, object) in k.workload().objects().iter().zip(k.objects()) {
        let kind = match spec.kind {
            crate::kernel::ipc::ObjectKind::Pipe => "Pipe",
            crate::kernel::ipc::ObjectKind::Fifo => "FIFO",
            crate::kernel::ipc::ObjectKind::Ring => "Ring",
            crate::kernel::ipc::ObjectKind::Mailbox => "Mailbox",
            crate::kernel::ipc::ObjectKind::Link => "Link",
            crate::kernel::ipc::ObjectKind::TcpSocket => "TCP socket",
            crate::kernel::ipc::ObjectKind::UdpSocket => "UDP socket",
            crate::kernel::ipc::ObjectKind::UnixSocket => "Unix socket",
            crate::kernel::ipc::ObjectKind::RpcPort => "RPC port",
            crate::kernel::ipc::ObjectKind::Win(k) => k.name(),
        };
        match object {
            Object::Absent => {}
            Object::Channel(c) => s.push_str(&format!(
                "  {kind} {}: {} bytes waiting; {} read end(s), {} write end(s) open\n",
                spec.name,
                c.data.len(),
                c.readers,
                c.writers
            )),
            Object::Ring(m) => match m.ring() {
                Some(r) => s.push_str(&format!(
                    "  {kind} {}: {} of {} items (slots {}, in = {}, out = {})\n",
                    spec.name,
                    r.len(),
                    r.slots.len() - 1,
                    r.slots.len(),
                    r.next_in,
                    r.next_out
                )),
                None => s.push_str(&format!("  {kind} {}: gone\n", spec.name)),
            },
            Object::Mailbox(m) => {
                s.push_str(&format!("  {kind} {}: {}\n", spec.name, m.describe(k)));
            }
            Object::Link(l) => s.push_str(&format!("  {kind} {}\n", l.describe(k))),
            Object::RpcPort(port) => {
                s.push_str(&format!("  {kind} {}: {}\n", spec.name, port.describe()));
            }
            Object::Socket(so) => {
                s.push_str(&format!("  {kind} {}: {}\n", spec.name, so.describe()));
            }
            Object::Win(w) => s.push_str(&format!("  {kind} {}: {}\n", spec.name, w.describe())),
        }
    }
    s
}
