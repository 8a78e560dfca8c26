//! The queues: what each CPU is doing, the job queue, the ready queue in the order the policy
//! would run it (by level under MLFQ), the swap queue, each device's queue, and each mailbox's
//! (or link's) messages with the processes waiting to send and to receive, and each socket's
//! backlog and the processes waiting to accept and to receive on it, each RPC port's, and the
//! same for the Windows family's pipes and mailslots.

use super::section;
use crate::kernel::cpu::Activity;
use crate::kernel::ipc::Object;
use crate::kernel::message::{Capacity, MessageQueue};
use crate::kernel::pcb::Residence;
use crate::kernel::{Kernel, Names, Pid, State};
use crate::replay::Replay;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::collections::HashMap;

/// Lines the section takes, its title included.
pub fn height(kernel: &Kernel) -> u16 {
    let swap = u16::from(kernel.config().memory.is_some());
    1 + kernel.cpus().len() as u16
        + 2
        + swap
        + kernel.devices().len() as u16
        + message_queues(kernel).len() as u16
        + object_lines(kernel).len() as u16
        + windows_lines(kernel).len() as u16
}

/// The queues of the Windows family's pipes and mailslots, one a line as for sockets.
fn windows_lines(kernel: &Kernel) -> Vec<(String, String, Vec<Pid>)> {
    crate::kernel::narration_windows::queue_lines(kernel.workload().objects(), kernel.objects())
}

/// A line for each queue of each socket or RPC port that has someone in it — a socket's
/// backlog, its processes in `accept` and in `recv`; a port's requests, servers waiting for
/// one and clients waiting for a reply — or one line saying nobody waits: the object's name,
/// what the queue is, and who is in it. One queue a line, as the section is narrow.
fn object_lines(kernel: &Kernel) -> Vec<(String, String, Vec<Pid>)> {
    let mut out = Vec::new();
    for (spec, object) in kernel.workload().objects().iter().zip(kernel.objects()) {
        let (queues, idle): ([(&str, Vec<Pid>); 3], String) = match object {
            Object::Socket(socket) => (
                [
                    ("backlog ", socket.backlog_clients()),
                    ("accept ", socket.accepting.iter().copied().collect()),
                    ("recv ", socket.receivers()),
                ],
                format!(
                    "{}{}, nobody waits",
                    socket.transport.word(),
                    if socket.listeners > 0 { "" } else { ", closed" }
                ),
            ),
            Object::RpcPort(port) => (
                [
                    (
                        "requests ",
                        port.requests.iter().map(|r| r.client).collect(),
                    ),
                    ("serve ", port.serving.iter().copied().collect()),
                    (
                        "reply ",
                        port.calls.iter().map(|c| c.request.client).collect(),
                    ),
                ],
                format!("{}, nobody waits", port.semantics.word()),
            ),
            _ => continue,
        };
        let before = out.len();
        for (what, pids) in queues {
            if !pids.is_empty() {
                out.push((spec.name.to_string(), what.to_string(), pids));
            }
        }
        if out.len() == before {
            out.push((spec.name.to_string(), idle, Vec::new()));
        }
    }
    out
}

/// Every message queue that exists — a mailbox, or one direction of a link — with its name.
fn message_queues(kernel: &Kernel) -> Vec<(String, &MessageQueue)> {
    let mut out = Vec::new();
    for (spec, object) in kernel.workload().objects().iter().zip(kernel.objects()) {
        match object {
            Object::Mailbox(m) => out.push((spec.name.to_string(), &m.queue)),
            Object::Link(l) => {
                let [a, b] = l.ends.map(|e| Names::spec(kernel, e));
                out.push((format!("{a}→{b}"), &l.forward));
                out.push((format!("{b}→{a}"), &l.backward));
            }
            _ => {}
        }
    }
    out
}

/// Where each live process is: `CPU 0`, `ready #2`, `job #1`, `disk #1`, `swap #1`.
pub fn places(replay: &Replay) -> HashMap<Pid, String> {
    let kernel = replay.kernel();
    let names = replay.names();
    let mut at = HashMap::new();
    for cpu in kernel.cpus() {
        match cpu.activity {
            Activity::Running { pid, .. } => at.insert(pid, cpu.id.to_string()),
            Activity::Switching { pid, .. } => at.insert(pid, format!("→ {}", cpu.id)),
            Activity::Idle => None,
        };
    }
    for (i, pid) in kernel.job_queue().into_iter().enumerate() {
        at.insert(pid, format!("job #{}", i + 1));
    }
    for (i, pid) in kernel.ready_queue().into_iter().enumerate() {
        at.insert(pid, format!("ready #{}", i + 1));
    }
    for (i, pid) in kernel.swap_queue().into_iter().enumerate() {
        at.insert(pid, format!("swap #{}", i + 1));
    }
    for device in kernel.devices() {
        for r in &device.serving {
            at.insert(r.pid, format!("{} (using)", device.name));
        }
        for (i, r) in device.queue.iter().enumerate() {
            at.insert(r.pid, format!("{} #{}", device.name, i + 1));
        }
    }
    for p in kernel.processes() {
        let transfer = match p.memory.residence {
            Residence::SwappingIn => Some("swapping in"),
            Residence::SwappingOut => Some("swapping out"),
            Residence::In | Residence::Out => None,
        };
        if let Some(what) = transfer {
            at.entry(p.pid).or_insert_with(|| what.to_string());
        }
        if let State::Waiting(w) | State::WaitingSuspended(w) = p.state {
            at.entry(p.pid).or_insert_with(|| w.describe(names));
        }
    }
    at
}

/// The section.
pub fn render(frame: &mut Frame, area: Rect, replay: &Replay, lit: bool, theme: Theme) {
    let kernel = replay.kernel();
    let names = replay.names();
    let list = |pids: Vec<Pid>| -> Span<'static> {
        if pids.is_empty() {
            return Span::styled("empty", theme.dim());
        }
        let shown: Vec<String> = pids.iter().take(12).map(|p| names.process(*p)).collect();
        let more = match pids.len().saturating_sub(12) {
            0 => String::new(),
            n => format!(" +{n} more"),
        };
        Span::raw(format!("{}{more}", shown.join(", ")))
    };
    let label = |text: String| Span::styled(format!("{text:<10}"), theme.title());
    let mut lines = Vec::new();
    for cpu in kernel.cpus() {
        let doing = match cpu.activity {
            Activity::Idle => Span::styled("idle", theme.dim()),
            Activity::Running { pid, .. } => {
                Span::styled(names.process(pid), theme.state(&State::Running))
            }
            Activity::Switching { pid, until } => Span::raw(format!(
                "switching to {} (until {until})",
                names.process(pid)
            )),
        };
        lines.push(Line::from(vec![label(cpu.id.to_string()), doing]));
    }
    lines.push(Line::from(vec![
        label("job queue".into()),
        list(kernel.job_queue()),
    ]));
    match kernel.mlfq_levels() {
        Some(levels) => {
            let mut spans = vec![label("ready".into())];
            for (level, pids) in levels.into_iter().enumerate().rev() {
                spans.push(Span::styled(format!("Q{level}: "), theme.dim()));
                spans.push(list(pids));
                spans.push(Span::raw("  "));
            }
            lines.push(Line::from(spans));
        }
        None => lines.push(Line::from(vec![
            label("ready".into()),
            list(kernel.ready_queue()),
        ])),
    }
    if kernel.config().memory.is_some() {
        lines.push(Line::from(vec![
            label("swap".into()),
            list(kernel.swap_queue()),
        ]));
    }
    for device in kernel.devices() {
        let serving: Vec<String> = device
            .serving
            .iter()
            .map(|r| names.process(r.pid))
            .collect();
        let mut spans = vec![label(device.name.to_string())];
        if serving.is_empty() {
            spans.push(Span::styled("idle", theme.dim()));
        } else {
            spans.push(Span::raw(format!("serving {}", serving.join(", "))));
        }
        if !device.queue.is_empty() {
            spans.push(Span::raw(" · waiting "));
            spans.push(list(device.queue.iter().map(|r| r.pid).collect()));
        }
        lines.push(Line::from(spans));
    }
    for (name, queue) in message_queues(kernel) {
        let held = match queue.capacity {
            Capacity::Zero => "no buffer".to_string(),
            Capacity::Bounded(n) => format!("{}/{n} messages", queue.messages.len()),
            Capacity::Unbounded => format!("{} messages", queue.messages.len()),
        };
        let mut spans = vec![label(name), Span::raw(held)];
        if !queue.receiving.is_empty() {
            spans.push(Span::raw(" · to receive "));
            spans.push(list(queue.receiving.iter().copied().collect()));
        }
        if !queue.sending.is_empty() {
            spans.push(Span::raw(" · to send "));
            spans.push(list(queue.sending.iter().map(|m| m.from).collect()));
        }
        lines.push(Line::from(spans));
    }
    for (name, what, pids) in object_lines(kernel)
        .into_iter()
        .chain(windows_lines(kernel))
    {
        let mut spans = vec![label(name), Span::raw(what)];
        if !pids.is_empty() {
            spans.push(list(pids));
        }
        lines.push(Line::from(spans));
    }
    let title = " Queues (next to run first) ".to_string();
    frame.render_widget(
        Paragraph::new(lines).block(section(title, lit, theme)),
        area,
    );
}
