//! The process-state diagram: every state with the number of processes in it, the transitions
//! between them, and the last transition of this step highlighted.
//!
//! ```text
//! new:  0 ─admit─▶ ready:  2 ─dispatch─▶ running:  1
//!                    ▲    ▲                │      │
//!                    │    └─────preempt────┘      │
//!                    └─wake─ waiting:  0 ◀─block──┤
//!             zombie:  0 ◀──────────exit──────────┤
//!               └─reap──▶ terminated:  1 ◀──exit──┘
//!   ready-susp:  0 ⇄ ready    waiting-susp:  0 ⇄ waiting
//! ```

use super::section;
use crate::kernel::{Kernel, State};
use crate::replay::Replay;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Columns the drawing takes.
pub const WIDTH: u16 = 54;

/// A state as the diagram groups them.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Node {
    New,
    Ready,
    Running,
    Waiting,
    ReadySuspended,
    WaitingSuspended,
    Zombie,
    Terminated,
}

impl Node {
    fn of(state: &State) -> Node {
        match state {
            State::New => Node::New,
            State::Ready => Node::Ready,
            State::Running => Node::Running,
            State::Waiting(_) => Node::Waiting,
            State::ReadySuspended => Node::ReadySuspended,
            State::WaitingSuspended(_) => Node::WaitingSuspended,
            State::Zombie => Node::Zombie,
            State::Terminated => Node::Terminated,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Node::New => "new",
            Node::Ready => "ready",
            Node::Running => "running",
            Node::Waiting => "waiting",
            Node::ReadySuspended => "ready-susp",
            Node::WaitingSuspended => "waiting-susp",
            Node::Zombie => "zombie",
            Node::Terminated => "terminated",
        }
    }
}

/// One piece of the drawing: a state, or the arrow of a transition `from → to`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Part {
    Node(Node),
    Edge(Node, Node),
    /// An arrow that stands for transitions both ways (swapping in and out).
    Both(Node, Node),
    /// A line shared by several arrows.
    Trunk,
}

use Node::*;

/// Row, column, text (a node's text is its label and count) and what it is.
const PIECES: &[(u16, u16, &str, Part)] = &[
    (0, 0, "", Part::Node(New)),
    (0, 7, " ─admit─▶ ", Part::Edge(New, Ready)),
    (0, 17, "", Part::Node(Ready)),
    (0, 26, " ─dispatch─▶ ", Part::Edge(Ready, Running)),
    (0, 39, "", Part::Node(Running)),
    (1, 19, "▲", Part::Edge(Waiting, Ready)),
    (1, 24, "▲", Part::Edge(Running, Ready)),
    (1, 41, "│", Part::Edge(Running, Ready)),
    (1, 48, "│", Part::Trunk),
    (2, 19, "│", Part::Edge(Waiting, Ready)),
    (2, 24, "└─────preempt────┘", Part::Edge(Running, Ready)),
    (2, 48, "│", Part::Trunk),
    (3, 19, "└─wake─ ", Part::Edge(Waiting, Ready)),
    (3, 27, "", Part::Node(Waiting)),
    (3, 38, " ◀─block──┤", Part::Edge(Running, Waiting)),
    (4, 12, "", Part::Node(Zombie)),
    (
        4,
        22,
        " ◀──────────exit──────────┤",
        Part::Edge(Running, Zombie),
    ),
    (5, 14, "└─reap──▶ ", Part::Edge(Zombie, Terminated)),
    (5, 24, "", Part::Node(Terminated)),
    (5, 38, " ◀──exit──┘", Part::Edge(Running, Terminated)),
    (6, 2, "", Part::Node(ReadySuspended)),
    (6, 16, " ⇄ ready", Part::Both(Ready, ReadySuspended)),
    (6, 27, "", Part::Node(WaitingSuspended)),
    (6, 43, " ⇄ waiting", Part::Both(Waiting, WaitingSuspended)),
];

/// Lines the section takes, its title included: the suspended states only when memory is
/// limited (only then can the medium-term scheduler swap).
pub fn height(kernel: &Kernel) -> u16 {
    if kernel.config().memory.is_some() {
        8
    } else {
        7
    }
}

/// The section.
pub fn render(frame: &mut Frame, area: Rect, replay: &Replay, spotlit: bool, theme: Theme) {
    let kernel = replay.kernel();
    let mut counts = [0u32; 8];
    for p in kernel.processes() {
        counts[Node::of(&p.state) as usize] += 1;
    }
    let last = replay
        .last_transition()
        .map(|t| (t.from.as_ref().map(Node::of), Node::of(&t.to)));
    let lit = |part: Part| match (part, last) {
        (Part::Node(n), Some((from, to))) => from == Some(n) || to == n,
        (Part::Edge(a, b), Some((Some(from), to))) => a == from && b == to,
        (Part::Both(a, b), Some((Some(from), to))) => {
            (a == from && b == to) || (a == to && b == from)
        }
        _ => false,
    };
    let rows = height(kernel) - 1;
    let mut lines: Vec<Vec<(u16, String, Style)>> = vec![Vec::new(); rows as usize];
    for &(row, column, text, part) in PIECES {
        if row >= rows {
            continue;
        }
        let (text, style) = match part {
            Part::Node(n) if text.is_empty() => {
                let base = match n {
                    New => theme.state(&State::New),
                    Ready => theme.state(&State::Ready),
                    Running => theme.state(&State::Running),
                    Zombie => theme.state(&State::Zombie),
                    Terminated => theme.title(),
                    Waiting | WaitingSuspended | ReadySuspended => {
                        theme.state(&State::ReadySuspended).patch(theme.title())
                    }
                };
                (format!("{}:{}", n.label(), count(counts[n as usize])), base)
            }
            _ => (text.to_string(), theme.dim()),
        };
        let style = if lit(part) { theme.highlight() } else { style };
        lines[row as usize].push((column, text, style));
    }
    let lines: Vec<Line> = lines
        .into_iter()
        .map(|mut pieces| {
            pieces.sort_by_key(|p| p.0);
            let mut spans = Vec::new();
            let mut at = 0;
            for (column, text, style) in pieces {
                if column > at {
                    spans.push(Span::raw(" ".repeat(usize::from(column - at))));
                }
                at = column.max(at) + text.chars().count() as u16;
                spans.push(Span::styled(text, style));
            }
            Line::from(spans)
        })
        .collect();
    let title = match replay.last_transition() {
        Some(t) => format!(
            " States · last: {} → {} ",
            t.from.map_or("-".to_string(), |f| f.name().to_string()),
            t.to.name()
        ),
        None => " States ".to_string(),
    };
    frame.render_widget(
        Paragraph::new(lines).block(section(title, spotlit, theme)),
        area,
    );
}

/// A count in three columns.
fn count(n: u32) -> String {
    match n {
        0..=999 => format!("{n:>3}"),
        1_000..=9_999 => format!("{}k+", n / 1_000),
        _ => "many".to_string(),
    }
}
