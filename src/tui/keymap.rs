//! Keys and the mouse, mapped to [`Action`]s. What a key means depends only on what is on the
//! screen: the open prompt takes text, the help overlay and the two screens have their keys.

use super::action::Action;
use super::app::{App, Overlay, Screen};
use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent, MouseEventKind,
};
use ratatui::layout::Size;

/// Lines a page key scrolls.
const PAGE: i32 = 10;

/// The action for a terminal event, if it means one.
pub fn action(app: &App, event: &Event) -> Option<Action> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => key_action(app, key),
        Event::Mouse(mouse) => mouse_action(mouse),
        Event::Resize(width, height) => Some(Action::Resize(Size::new(*width, *height))),
        _ => None,
    }
}

fn key_action(app: &App, key: &KeyEvent) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    // Raw mode turns Ctrl-C into a key: it quits, as everywhere else.
    if ctrl && matches!(key.code, KeyCode::Char('c')) {
        return Some(Action::Quit);
    }
    if let Some(Overlay::Open { .. }) = app.overlay {
        return Some(match key.code {
            KeyCode::Esc => Action::Back,
            KeyCode::Enter => Action::Submit,
            KeyCode::Backspace => Action::Erase,
            KeyCode::Char(c) if !ctrl => Action::Type(c),
            _ => return None,
        });
    }
    if super::update::typing_an_answer(app) {
        return Some(match key.code {
            KeyCode::Esc => Action::Back,
            KeyCode::Enter => Action::Submit,
            KeyCode::Backspace => Action::Erase,
            KeyCode::Char(c) if !ctrl => Action::Type(c),
            _ => return None,
        });
    }
    let common = match key.code {
        KeyCode::Char('q') => Some(Action::Quit),
        KeyCode::Char('?') => Some(Action::Help),
        KeyCode::Esc => Some(Action::Back),
        _ => None,
    };
    if common.is_some() || app.overlay.is_some() {
        return common;
    }
    match app.screen {
        Screen::Home => home_key(key),
        Screen::Scenario(ref view) if view.lesson.is_some() => lesson_key(key),
        Screen::Scenario(_) => scenario_key(key),
    }
}

/// In a lesson, n and p move between the lesson's steps; the arrows still step the run.
fn lesson_key(key: &KeyEvent) -> Option<Action> {
    Some(match key.code {
        KeyCode::Char('n') => Action::LessonNext,
        KeyCode::Char('p') => Action::LessonPrevious,
        KeyCode::Char('a') => Action::Answer,
        KeyCode::Char('h') => Action::Hint,
        KeyCode::Char('s') => Action::ShowAnswer,
        KeyCode::Char('m') => Action::Measure,
        KeyCode::Char(c @ '0'..='9') | KeyCode::Char(c @ '.') => Action::Type(c),
        _ => return scenario_key(key),
    })
}

fn home_key(key: &KeyEvent) -> Option<Action> {
    Some(match key.code {
        KeyCode::Up | KeyCode::Char('k') => Action::Scroll(-1),
        KeyCode::Down | KeyCode::Char('j') => Action::Scroll(1),
        KeyCode::PageUp => Action::Scroll(-PAGE),
        KeyCode::PageDown => Action::Scroll(PAGE),
        KeyCode::Home | KeyCode::Char('g') => Action::Scroll(-i32::from(u16::MAX)),
        KeyCode::End | KeyCode::Char('G') => Action::Scroll(i32::from(u16::MAX)),
        KeyCode::Enter => Action::OpenSelected { real: false },
        KeyCode::Char('r') => Action::OpenSelected { real: true },
        KeyCode::Char('o') => Action::StartOpen,
        _ => return None,
    })
}

fn scenario_key(key: &KeyEvent) -> Option<Action> {
    Some(match key.code {
        KeyCode::Char('n') | KeyCode::Right | KeyCode::Char(' ') => Action::Next,
        KeyCode::Char('p') | KeyCode::Left => Action::Previous,
        KeyCode::Enter => Action::TogglePlay,
        KeyCode::Char('+') | KeyCode::Char('=') => Action::Faster,
        KeyCode::Char('-') | KeyCode::Char('_') => Action::Slower,
        KeyCode::Char('g') | KeyCode::Home => Action::First,
        KeyCode::Char('G') | KeyCode::End => Action::Last,
        KeyCode::Tab => Action::FocusNext,
        KeyCode::Up | KeyCode::Char('k') => Action::Scroll(-1),
        KeyCode::Down | KeyCode::Char('j') => Action::Scroll(1),
        KeyCode::PageUp => Action::Scroll(-PAGE),
        KeyCode::PageDown => Action::Scroll(PAGE),
        KeyCode::Char('o') => Action::StartOpen,
        _ => return None,
    })
}

fn mouse_action(mouse: &MouseEvent) -> Option<Action> {
    let lines = match mouse.kind {
        MouseEventKind::ScrollUp => -3,
        MouseEventKind::ScrollDown => 3,
        _ => return None,
    };
    Some(Action::ScrollAt {
        column: mouse.column,
        row: mouse.row,
        lines,
    })
}
