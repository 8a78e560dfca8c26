//! A lab run as text: each step with the model's view beside the real kernel's, then the
//! comparison. A pure function of the records.

#![forbid(unsafe_code)]

use super::record::{CallRecord, FindingKind, StepRecord, Summary};
use std::fmt::Write;

/// Cuts `text` to `width` characters, marking the cut.
fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return format!("{text:<width$}");
    }
    let cut: String = text.chars().take(width.saturating_sub(1)).collect();
    format!("{cut}…")
}

fn verdict(call: &CallRecord) -> &'static str {
    match call.agree {
        Some(true) => "same",
        Some(false) => "DIFFERS",
        None => "",
    }
}

/// The opening lines of a run.
pub fn header(title: &str, path: &str, steps: u64, helper: i32) -> String {
    format!(
        "{title}\n{path} — {steps} steps, run on the simulated kernel and, underneath, on the real \
         Linux kernel\n(twins forked by proclab's helper, pid {helper}; the real side is read from /proc)\n"
    )
}

/// One step as text.
pub fn step(r: &StepRecord) -> String {
    let mut out = String::new();
    let title = format!("── step {} of {} · t={} ", r.step, r.steps, r.time);
    let _ = writeln!(
        out,
        "\n{title}{}",
        "─".repeat(100usize.saturating_sub(title.chars().count()))
    );
    for e in &r.events {
        let _ = writeln!(out, "  {e}");
    }
    if !r.calls.is_empty() {
        let _ = writeln!(
            out,
            "  {:<10} {:<28} {:<28} real Linux kernel",
            "calls", "", "simulated kernel"
        );
        for c in &r.calls {
            let real = c
                .real
                .clone()
                .or_else(|| c.note.as_ref().map(|_| "(not made for real)".into()))
                .unwrap_or_default();
            let verdict = verdict(c);
            let _ = writeln!(
                out,
                "  {} {} {} {real}{}",
                fit(&c.process, 10),
                fit(&c.call, 28),
                fit(&c.sim, 28),
                if verdict.is_empty() {
                    String::new()
                } else {
                    format!("   [{verdict}]")
                }
            );
            if let (Some(note), None) = (&c.note, &c.real) {
                let _ = writeln!(out, "  {:<10} ↳ {note}", "");
            }
        }
    }
    let _ = writeln!(
        out,
        "  {:<10} {:<34} │ real: pid ppid state wchan comm (parent)",
        "process", "simulated: pid ppid state"
    );
    for s in &r.sim {
        let sim = format!(
            "{:<4} {:<4} {}{}",
            s.pid,
            s.ppid,
            s.state,
            s.waits_for
                .as_ref()
                .map(|w| format!(" ({w})"))
                .unwrap_or_default()
        );
        let real = match r.real.iter().find(|p| p.name == s.name) {
            Some(p) if p.state == '-' => format!("{:<7} -       - gone: reaped", p.pid),
            Some(p) => format!(
                "{:<7} {:<7} {} {:<24} {:<8} ({})",
                p.pid,
                p.ppid,
                p.state,
                if p.wchan.is_empty() { "-" } else { &p.wchan },
                p.comm,
                p.parent
            ),
            None => "(no twin)".into(),
        };
        let _ = writeln!(out, "  {} {} │ {real}", fit(&s.name, 10), fit(&sim, 34));
    }
    let fds: Vec<String> = r
        .real
        .iter()
        .filter(|p| p.fds.iter().any(|f| f.object.is_some()))
        .map(|p| {
            let list: Vec<String> = p
                .fds
                .iter()
                .filter_map(|f| f.object.as_ref().map(|o| format!("{}→{o}", f.fd)))
                .collect();
            format!("{}: {}", p.name, list.join(", "))
        })
        .collect();
    if !fds.is_empty() {
        let _ = writeln!(
            out,
            "  descriptors (real, /proc/PID/fd): {}",
            fds.join("; ")
        );
    }
    for o in r
        .objects
        .iter()
        .filter(|o| o.sim.is_some() || o.real.is_some())
    {
        let _ = writeln!(
            out,
            "  {} {:<5} simulated: {}\n  {:<16} real: {}",
            fit(&o.name, 10),
            o.kind,
            o.sim.as_deref().unwrap_or("(none)"),
            "",
            o.real.as_deref().unwrap_or("(not measured)")
        );
    }
    if !r.output.is_empty() {
        let _ = writeln!(out, "  real terminal output:");
        for l in r.output.lines() {
            let _ = writeln!(out, "    | {l}");
        }
    }
    for f in &r.findings {
        let mark = match f.kind {
            FindingKind::Mismatch => "DIFFERENCE",
            FindingKind::Note => "note",
        };
        let who = f
            .process
            .as_deref()
            .map(|p| format!("{p}: "))
            .unwrap_or_default();
        let _ = writeln!(out, "  {mark}: {who}{}", f.text);
    }
    out
}

/// The comparison at the end.
pub fn summary(s: &Summary) -> String {
    let mut out = String::from("\nComparison of the two kernels\n");
    let _ = writeln!(
        out,
        "  {} steps, {} real processes; {}",
        s.steps,
        s.processes,
        if s.agree {
            "the two views agree wherever they should".to_string()
        } else {
            format!("{} disagreement(s)", s.mismatches.len())
        }
    );
    for f in &s.mismatches {
        let who = f
            .process
            .as_deref()
            .map(|p| format!("{p}: "))
            .unwrap_or_default();
        let _ = writeln!(out, "  DIFFERENCE at t={}: {who}{}", f.time, f.text);
    }
    if !s.notes.is_empty() {
        let _ = writeln!(out, "  Differences by design:");
        for f in &s.notes {
            let who = f
                .process
                .as_deref()
                .map(|p| format!("{p}: "))
                .unwrap_or_default();
            let _ = writeln!(out, "  - {who}{}", f.text);
        }
    }
    out
}
