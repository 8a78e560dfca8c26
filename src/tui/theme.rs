//! Colours and emphasis. Only the terminal's own sixteen colours are used, so a dark or light
//! palette of the user's choosing stays readable; with `NO_COLOR` set, emphasis is kept (bold,
//! reverse, underline) and colour dropped.

use crate::kernel::State;
use ratatui::style::{Color, Modifier, Style};

/// The styles of one session.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Theme {
    /// False when `NO_COLOR` is set.
    pub color: bool,
}

impl Theme {
    /// Colour unless the environment says `NO_COLOR` (any non-empty value, as no-color.org says).
    pub fn from_env() -> Theme {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    fn fg(&self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    /// A process state.
    pub fn state(&self, state: &State) -> Style {
        match state {
            State::New => self.fg(Color::Cyan),
            State::Ready => self.fg(Color::Yellow),
            State::Running => self.fg(Color::Green).add_modifier(Modifier::BOLD),
            State::Waiting(_) => self.fg(Color::Blue),
            State::ReadySuspended | State::WaitingSuspended(_) => {
                self.fg(Color::Magenta).add_modifier(Modifier::ITALIC)
            }
            State::Zombie => self.fg(Color::Red),
            State::Terminated => Style::new().add_modifier(Modifier::DIM),
        }
    }

    /// A real `/proc` state letter.
    pub fn letter(&self, letter: char) -> Style {
        match letter {
            'R' => self.fg(Color::Green).add_modifier(Modifier::BOLD),
            'S' | 'D' => self.fg(Color::Blue),
            'Z' => self.fg(Color::Red),
            'T' | 't' => self.fg(Color::Magenta),
            _ => Style::new().add_modifier(Modifier::DIM),
        }
    }

    /// What just changed, or is selected.
    pub fn highlight(&self) -> Style {
        if self.color {
            Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    /// What a lesson step draws attention to.
    pub fn spotlight(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    /// A disagreement between the model and the real kernel.
    pub fn mismatch(&self) -> Style {
        self.fg(Color::Red)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    /// Something that went right on both sides.
    pub fn agree(&self) -> Style {
        self.fg(Color::Green)
    }

    /// Secondary text.
    pub fn dim(&self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }

    /// Titles and headings.
    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// The border of the focused pane.
    pub fn focused(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// An error message.
    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// A key in the help and the footer.
    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// The colour of a process in the Gantt chart (switches and idle time are drawn apart).
    pub fn process(&self, index: u32) -> Style {
        const PALETTE: [Color; 6] = [
            Color::Green,
            Color::Blue,
            Color::Magenta,
            Color::Cyan,
            Color::Yellow,
            Color::Red,
        ];
        if self.color {
            Style::new()
                .fg(Color::Black)
                .bg(PALETTE[index as usize % PALETTE.len()])
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }
}
