//! The report as text: title, Gantt chart, per-process table, summary, event log.

use super::Report;
use super::gantt;
use crate::kernel::event::{Event, Names};
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
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
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
        out.push('\n');
    }
    out.pop();
    out
}

fn opt(v: Option<u64>) -> String {
    v.map_or_else(|| "-".into(), |v| v.to_string())
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
    if !report.gantt.is_empty() {
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
    if !report.rows.is_empty() {
        let rows: Vec<Vec<String>> = report
            .rows
            .iter()
            .map(|r| {
                let status = match r.exit_status {
                    Some(ExitStatus::Code(c)) => c.to_string(),
                    Some(ExitStatus::Signaled(s)) => s.name(),
                    None => "-".into(),
                };
                vec![
                    r.name.to_string(),
                    r.pid.to_string(),
                    r.arrival.to_string(),
                    r.cpu_time.to_string(),
                    r.io_time.to_string(),
                    opt(r.first_run),
                    opt(r.finish),
                    opt(r.turnaround),
                    r.waiting.to_string(),
                    opt(r.response),
                    r.context_switches.to_string(),
                    status,
                ]
            })
            .collect();
        out.push_str(&table(
            &[
                "Process",
                "PID",
                "Arrival",
                "CPU",
                "I/O",
                "First run",
                "Finish",
                "Turnaround",
                "Waiting",
                "Response",
                "Switches",
                "Exit",
            ],
            &rows,
        ));
        out.push('\n');
    }
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
    if !report.stuck.is_empty() {
        out.push('\n');
        let _ = writeln!(
            out,
            "Deadlock at tick {}: nothing more can happen, but these processes never finished:",
            report.end
        );
        for line in &report.stuck {
            let _ = writeln!(out, "  {line}");
        }
    }
    if !report.events.is_empty() {
        out.push('\n');
        out.push_str(&events(report));
    }
    out
}

/// The event log: transitions, switches and notes, one per line.
pub fn events(report: &Report) -> String {
    let names = &report.names;
    let mut out = String::from("Events\n");
    for event in &report.events {
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
                let from = s.from.map_or("nothing".to_string(), |p| names.process(p));
                let saved = match s.saved {
                    Some(r) => format!("saves {from}'s registers (pc={} acc={})", r.pc, r.acc),
                    None => format!("drops the context of {from}, which has exited"),
                };
                let cost = match s.cost {
                    1 => "1 tick".to_string(),
                    n => format!("{n} ticks"),
                };
                format!(
                    "{:<12} context switch on {} ({cost}): {saved}, loads {}'s (pc={} acc={})",
                    "",
                    s.cpu,
                    names.process(s.to),
                    s.restored.pc,
                    s.restored.acc,
                )
            }
            Event::Note { pid, reason, .. } => {
                let who = pid.map(|p| names.process(p)).unwrap_or_default();
                format!("{who:<12} {}", reason.describe(names))
            }
            Event::Created { .. } | Event::Finished(_) => continue,
        };
        let _ = writeln!(out, "  t={:<6} {}", event.time(), line.trim_end());
    }
    out
}
