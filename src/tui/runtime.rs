//! The event loop: it waits (no polling) for a key, a tick of the play timer, news from a real
//! run or a signal; turns it into an [`Action`]; lets `update` change the state; carries out the
//! effects; and draws. The terminal is restored on every way out, panics included.

use super::action::{Action, Effect, MeasureNews, RealNews};
use super::app::App;
use super::real_worker::{self, Command, Worker};
use super::{keymap, measure_worker, view};
use crate::scenario::Scenario;
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use ratatui::crossterm::execute;
use std::collections::HashMap;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

/// What the loop waits for.
#[derive(Debug)]
pub enum Message {
    /// A key, the mouse, a resize.
    Terminal(Event),
    /// The terminal can no longer be read.
    InputGone(String),
    /// News from a real run.
    Real {
        /// Which run.
        run: u64,
        /// What happened.
        news: RealNews,
    },
    /// News from a lesson's measurement.
    Measuring {
        /// Which run.
        run: u64,
        /// What happened.
        news: super::action::MeasureNews,
    },
    /// SIGTERM, SIGHUP or SIGINT.
    Signal(i32),
}

/// How the TUI starts.
#[derive(Debug)]
pub struct Start {
    /// A scenario to open at once, and whether to show the real kernel even if it does not ask.
    pub open: Option<(Scenario, bool)>,
    /// Let real runs `exec` programs outside the allow-list.
    pub allow_exec: bool,
    /// Seconds a real step may take.
    pub timeout: Duration,
    /// A lesson to open at once (instead of `open`).
    pub lesson: Option<crate::lesson::Lesson>,
    /// Progress through the lessons, and where to save it.
    pub progress: crate::lesson::progress::Progress,
}

/// Runs the TUI until the user quits; returns the exit code.
pub fn run(start: Start) -> i32 {
    let (tx, rx) = channel();
    watch_signals(&tx);
    let mut terminal = match ratatui::try_init() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot set up the terminal: {e}");
            return 1;
        }
    };
    // ratatui's hook restores the terminal before the panic message; mouse capture is ours.
    let restore_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(std::io::stdout(), DisableMouseCapture);
        restore_hook(info);
    }));
    let _ = execute!(std::io::stdout(), EnableMouseCapture);
    let size = terminal.size().unwrap_or_default();
    let mut app = App::new(super::theme::Theme::from_env(), size);
    app.allow_exec = start.allow_exec;
    app.notice = start.progress.warnings.last().cloned();
    app.progress = start.progress;
    let mut runtime = Runtime {
        workers: HashMap::new(),
        measuring: HashMap::new(),
        timeout: start.timeout,
        tx: tx.clone(),
    };
    watch_input(tx);
    if let Some((scenario, real)) = start.open {
        let effects = super::update::update(
            &mut app,
            Action::Loaded {
                scenario: Box::new(scenario),
                real,
            },
        );
        runtime.carry_out(&mut app, effects);
    }
    if let Some(lesson) = start.lesson {
        let effects = super::update::update(&mut app, Action::LessonLoaded(Box::new(lesson)));
        runtime.carry_out(&mut app, effects);
    }
    let result = runtime.event_loop(&mut app, &mut terminal, &rx);
    let _ = execute!(std::io::stdout(), DisableMouseCapture);
    ratatui::restore();
    runtime.stop_all();
    match result {
        Ok(code) => code,
        Err(why) => {
            eprintln!("error: {why}");
            1
        }
    }
}

struct Runtime {
    workers: HashMap<u64, Worker>,
    measuring: HashMap<u64, measure_worker::Worker>,
    timeout: Duration,
    tx: Sender<Message>,
}

impl Runtime {
    fn event_loop(
        &mut self,
        app: &mut App,
        terminal: &mut DefaultTerminal,
        rx: &Receiver<Message>,
    ) -> Result<i32, String> {
        let mut next_tick: Option<Instant> = None;
        loop {
            if let Err(e) = terminal.draw(|frame| view::render(app, frame)) {
                return Err(format!("cannot draw: {e}"));
            }
            let playing = app.view().map(|v| (v.playing, v.speed()));
            next_tick = match (playing, next_tick) {
                (Some((true, speed)), None) => {
                    Some(Instant::now() + Duration::from_secs_f64(1.0 / speed))
                }
                (Some((true, _)), tick) => tick,
                _ => None,
            };
            let message = match next_tick {
                Some(at) => match rx.recv_timeout(at.saturating_duration_since(Instant::now())) {
                    Ok(m) => Some(m),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return Err("no more input".into()),
                },
                None => match rx.recv() {
                    Ok(m) => Some(m),
                    Err(_) => return Err("no more input".into()),
                },
            };
            let action = match message {
                None => {
                    next_tick = None;
                    Some(Action::Tick)
                }
                Some(Message::Terminal(e)) => keymap::action(app, &e),
                Some(Message::Real { run, news }) => Some(Action::Real { run, news }),
                Some(Message::Measuring { run, news }) => {
                    // A finished worker's thread is done with: forget it.
                    if matches!(news, MeasureNews::Done(_) | MeasureNews::Failed(_)) {
                        self.measuring.remove(&run);
                    }
                    Some(Action::Measuring { run, news })
                }
                Some(Message::Signal(signal)) => {
                    super::update::update(app, Action::Quit);
                    return Ok(128 + signal);
                }
                Some(Message::InputGone(why)) => {
                    return Err(format!("the terminal went away: {why}"));
                }
            };
            if let Some(action) = action {
                // A new speed takes effect at once.
                if matches!(action, Action::Faster | Action::Slower) {
                    next_tick = None;
                }
                let effects = super::update::update(app, action);
                self.carry_out(app, effects);
            }
            if app.quit {
                return Ok(0);
            }
        }
    }

    fn carry_out(&mut self, app: &mut App, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Load { source, real } => {
                    let action = match Scenario::open(&source) {
                        Ok(scenario) => Action::Loaded {
                            scenario: Box::new(scenario),
                            real,
                        },
                        Err(e) => Action::LoadFailed(e.to_string()),
                    };
                    let more = super::update::update(app, action);
                    self.carry_out(app, more);
                }
                Effect::LoadLesson { source } => {
                    let action = match crate::lesson::Lesson::open(&source) {
                        Ok(lesson) => Action::LessonLoaded(Box::new(lesson)),
                        Err(e) => Action::LoadFailed(e.to_string()),
                    };
                    let more = super::update::update(app, action);
                    self.carry_out(app, more);
                }
                Effect::SaveProgress => {
                    if let Err(e) = app.progress.save() {
                        let path = app.progress.path().map(|p| p.display().to_string());
                        app.notice = Some(format!(
                            "cannot save progress to {}: {e}",
                            path.unwrap_or_default()
                        ));
                    }
                }
                Effect::StartReal { run, scenario } => {
                    match real_worker::spawn(run, *scenario, self.timeout, self.tx.clone()) {
                        Ok(worker) => {
                            self.workers.insert(run, worker);
                        }
                        Err(e) => {
                            let _ = self.tx.send(Message::Real {
                                run,
                                news: RealNews::Failed(format!("cannot start a thread: {e}")),
                            });
                        }
                    }
                }
                Effect::AdvanceReal { run, to } => {
                    if let Some(w) = self.workers.get(&run) {
                        let _ = w.commands.send(Command::Advance(to));
                    }
                }
                Effect::StartMeasuring { run, options } => {
                    match measure_worker::spawn(run, *options, self.tx.clone()) {
                        Ok(worker) => {
                            self.measuring.insert(run, worker);
                        }
                        Err(e) => {
                            let _ = self.tx.send(Message::Measuring {
                                run,
                                news: MeasureNews::Failed(format!(
                                    "cannot start a thread to measure: {e}"
                                )),
                            });
                        }
                    }
                }
                Effect::StopMeasuring { run } => {
                    if let Some(w) = self.measuring.remove(&run) {
                        // It ends by itself once its peer is killed; no join, no frozen screen.
                        w.cancel.cancel();
                        drop(w.thread);
                    }
                }
                Effect::StopReal { run } => {
                    if let Some(w) = self.workers.remove(&run) {
                        let _ = w.commands.send(Command::Stop);
                        // It ends by itself; joining here would freeze the screen meanwhile.
                        drop(w.thread);
                    }
                }
            }
        }
    }

    /// Ends every real run and measurement, and waits for their processes to be removed.
    fn stop_all(&mut self) {
        for (_, w) in self.measuring.drain() {
            w.cancel.cancel();
            let _ = w.thread.join();
        }
        for (_, w) in self.workers.drain() {
            let _ = w.commands.send(Command::Stop);
            let _ = w.thread.join();
        }
    }
}

/// Reads the terminal on its own thread, so that the loop can wait on one channel.
fn watch_input(tx: Sender<Message>) {
    let spawned = std::thread::Builder::new()
        .name("input".into())
        .spawn(move || {
            loop {
                let message = match event::read() {
                    Ok(e) => Message::Terminal(e),
                    Err(e) => Message::InputGone(e.to_string()),
                };
                let gone = matches!(message, Message::InputGone(_));
                if tx.send(message).is_err() || gone {
                    return;
                }
            }
        });
    if let Err(e) = spawned {
        eprintln!("warning: cannot read keys: {e}");
    }
}

/// Turns SIGTERM, SIGHUP and SIGINT into messages, so that they end the TUI the normal way:
/// terminal restored, twins removed.
#[cfg(target_os = "linux")]
fn watch_signals(tx: &Sender<Message>) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    let tx = tx.clone();
    let _ = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                if tx.send(Message::Signal(signal)).is_err() {
                    return;
                }
            }
        });
}

#[cfg(not(target_os = "linux"))]
fn watch_signals(_: &Sender<Message>) {}
