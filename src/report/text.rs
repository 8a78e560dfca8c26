//! The report as text: title, Gantt chart, per-process table, summary, event log.

use super::Report;
use super::gantt;
use super::names::NameBook;
use crate::kernel::Names;
use crate::kernel::event::Event;
use crate::kernel::program::ExitStatus;
use std::fmt::Write;

fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |cells: &[String], out: &mut String| {
        let mut text = String::new();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            if i == 0 {
                let _ = write!(text, "{cell:<w$}");
            } else {
                let _ = write!(text, "  {cell:>w$}");
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(
        &header.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
        &mut out,
    );
    for row in rows {
        line(row, &mut out);
    }
    out
}

/// Wraps text at `width` columns, keeping blank lines between paragraphs.
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    for paragraph in text.split("\n\n") {
        out.push_str(&wrap_paragraph(paragraph, width));
        out.push('\n');
    }
    out.pop();
    out
}

/// The words of `text` on lines of at most `width` columns, each line ending in a newline.
pub fn wrap_paragraph(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn opt(v: Option<u64>) -> String {
    v.map_or_else(|| "-".into(), |v| v.to_string())
}

/// The per-process table. Blocked and swapped time get a column only when some process has
/// any, so that every row's turnaround = CPU + I/O + blocked + swapped + waiting stays visible.
pub fn process_table(report: &Report) -> String {
    let blocked = report.rows.iter().any(|r| r.blocked_time > 0);
    let swapped = report.rows.iter().any(|r| r.swapped_time > 0);
    let mut header = vec!["Process", "PID", "Arrival", "CPU", "I/O"];
    if blocked {
        header.push("Blocked");
    }
    if swapped {
        header.push("Swapped");
    }
    header.extend([
        "First run",
        "Finish",
        "Turnaround",
        "Waiting",
        "Response",
        "Switches",
        "Exit",
    ]);
    let rows: Vec<Vec<String>> = report
        .rows
        .iter()
        .map(|r| {
            let status = match r.exit_status {
                Some(ExitStatus::Code(c)) => c.to_string(),
                Some(ExitStatus::Signaled(s)) => s.name(),
                None => "-".into(),
            };
            let mut row = vec![
                r.name.to_string(),
                r.pid.to_string(),
                r.arrival.to_string(),
                r.cpu_time.to_string(),
                r.io_time.to_string(),
            ];
            if blocked {
                row.push(r.blocked_time.to_string());
            }
            if swapped {
                row.push(r.swapped_time.to_string());
            }
            row.extend([
                opt(r.first_run),
                opt(r.finish),
                opt(r.turnaround),
                r.waiting.to_string(),
                opt(r.response),
                r.context_switches.to_string(),
                status,
            ]);
            row
        })
        .collect();
    table(&header, &rows)
}

/// The whole report, or only the summary when it was asked for.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", report.title);
    let _ = writeln!(out, "{}", report.setup);
    out.push('\n');
    if !report.description.is_empty() {
        out.push_str(&wrap(&report.description, 96));
        out.push('\n');
    }
    out.push_str(&gantt_section(report));
    if !report.rows.is_empty() {
        out.push_str(&process_table(report));
        out.push('\n');
    }
    out.push_str(&summary_section(report));
    if !report.stuck.is_empty() {
        out.push('\n');
        let _ = writeln!(
            out,
            "Deadlock at tick {}: nothing more can happen, but these processes never finished:",
            report.end
        );
        for s in &report.stuck {
            let _ = writeln!(
                out,
                "  {} (pid {}) is {}, waiting for {}",
                s.name, s.pid, s.state, s.waits_for
            );
        }
    }
    if !report.shared_memory.is_empty() {
        out.push('\n');
        out.push_str("Shared memory when the run ended:\n");
        for f in &report.shared_memory {
            let _ = writeln!(out, "  {} ({}): {}", f.name, f.flavour.noun(), f.text);
        }
    }
    if !report.events.is_empty() {
        out.push('\n');
        out.push_str(&events(report));
    }
    out
}

/// The Gantt chart with its legend and a blank line after it; empty if nothing ever ran.
pub fn gantt_section(report: &Report) -> String {
    let mut out = String::new();
    let anything_ran = report
        .gantt
        .iter()
        .flatten()
        .any(|s| s.kind != gantt::Kind::Idle);
    if anything_ran {
        let has = |k: gantt::Kind| report.gantt.iter().flatten().any(|s| s.kind == k);
        let mut legend = Vec::new();
        if has(gantt::Kind::Switch) {
            legend.push("# context switch");
        }
        if has(gantt::Kind::Idle) {
            legend.push(". idle");
        }
        let legend = if legend.is_empty() {
            String::new()
        } else {
            format!(" ({})", legend.join(", "))
        };
        let _ = writeln!(out, "Gantt chart{legend}");
        out.push_str(&gantt::draw(&report.gantt, &|pid| {
            report.names.process(pid)
        }));
        out.push('\n');
    }
    out
}

/// The summary lines: averages, makespan, utilization, throughput, context switches.
pub fn summary_section(report: &Report) -> String {
    let mut out = String::new();
    let s = &report.summary;
    let _ = writeln!(out, "Processes finished   {}", s.processes);
    let _ = writeln!(out, "Average turnaround   {:.2}", s.avg_turnaround);
    let _ = writeln!(out, "Average waiting      {:.2}", s.avg_waiting);
    let _ = writeln!(out, "Average response     {:.2}", s.avg_response);
    let _ = writeln!(out, "Makespan             {}", s.makespan);
    let _ = writeln!(
        out,
        "CPU utilization      {:.1}%",
        s.cpu_utilization * 100.0
    );
    let per = if s.throughput > 0.0 {
        format!(" (one every {:.2} ticks)", 1.0 / s.throughput)
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "Throughput           {:.4} processes/tick{per}",
        s.throughput
    );
    let _ = writeln!(
        out,
        "Context switches     {} (overhead {} ticks)",
        s.context_switches, s.switch_overhead
    );
    out
}

/// The event log: transitions, switches and notes, one per line.
pub fn events(report: &Report) -> String {
    let mut out = String::from("Events\n");
    for event in &report.events {
        if let Some(line) = event_line(event, &report.names) {
            let _ = writeln!(out, "  t={:<6} {}", event.time(), line.trim_end());
        }
    }
    out
}

/// One event as a line of the event log (without its time), or `None` for the events the log
/// leaves out (creations, final records, and exits, which their transition tells).
pub fn event_line(event: &Event, names: &NameBook) -> Option<String> {
    let line = match event {
        Event::Transition(t) => {
            let from = t.from.map_or("-".to_string(), |f| f.to_string());
            let cpu = t.cpu.map(|c| format!(" on {c}")).unwrap_or_default();
            format!(
                "{:<12} {from} → {}{cpu}: {}",
                names.process(t.pid),
                t.to,
                t.reason.describe(names)
            )
        }
        Event::Switch(s) => {
            let cost = match s.cost {
                1 => "1 tick".to_string(),
                n => format!("{n} ticks"),
            };
            let to = names.process(s.to);
            let (pc, acc) = (s.restored.pc, s.restored.acc);
            let what = match (s.from, s.saved) {
                (Some(p), Some(r)) => format!(
                    "{}'s context (pc={} acc={}) is saved in its PCB and {to}'s (pc={pc} acc={acc}) is loaded",
                    names.process(p),
                    r.pc,
                    r.acc
                ),
                (Some(p), None) => format!(
                    "{} has exited; {to}'s context (pc={pc} acc={acc}) is loaded",
                    names.process(p)
                ),
                (None, _) => format!("{to}'s context (pc={pc} acc={acc}) is loaded"),
            };
            format!("{:<12} context switch on {} ({cost}): {what}", "", s.cpu)
        }
        Event::Note { pid, reason, .. } => {
            let who = pid.map(|p| names.process(p)).unwrap_or_default();
            format!("{who:<12} {}", reason.describe(names))
        }
        Event::Call(call) if matches!(call.step, crate::kernel::Step::Exit { .. }) => return None,
        Event::Call(call) => {
            format!("{:<12} {}", names.process(call.pid), call.describe(names))
        }
        Event::CallDone { pid, result, .. } => format!(
            "{:<12} … returns {}",
            names.process(*pid),
            crate::kernel::narration::result_text(result)
        ),
        Event::Created { .. } | Event::Finished(_) => return None,
    };
    Some(line)
}
