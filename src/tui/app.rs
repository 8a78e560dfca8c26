//! Everything the screen shows, and nothing else: the home list, the open scenario with its
//! cursor on the run, what was recorded of the real kernel, focus, scrolling and overlays.

use super::theme::Theme;
use crate::ipc_bench::{Mechanism, Row, Table};
use crate::lab::record::{StepRecord, Summary};
use crate::lesson::Lesson;
use crate::lesson::progress::Progress;
use crate::replay::Replay;
use crate::scenario::{Scenario, bundled};
use ratatui::layout::Size;

/// Playing speeds, in steps per second.
pub const SPEEDS: [f64; 8] = [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0];
/// The speed a scenario starts with (an index into [`SPEEDS`]).
pub const DEFAULT_SPEED: usize = 2;

/// The whole application.
#[derive(Debug)]
pub struct App {
    /// The screen under any overlay.
    pub screen: Screen,
    /// The home list (kept while a scenario is open, to come back to).
    pub home: Home,
    /// A window over the screen, if one is open.
    pub overlay: Option<Overlay>,
    /// Styles.
    pub theme: Theme,
    /// The terminal's size, for mouse positions.
    pub size: Size,
    /// Set when the user asked to quit.
    pub quit: bool,
    /// Counts real runs, so that news from an earlier one is recognised and dropped.
    pub runs: u64,
    /// Let real runs `exec` programs outside the allow-list.
    pub allow_exec: bool,
    /// Progress through the lessons.
    pub progress: Progress,
    /// Something the user should know (progress that cannot be saved, unknown lesson ids).
    pub notice: Option<String>,
}

/// The screen under the overlays.
#[derive(Debug)]
pub enum Screen {
    /// The list of scenarios.
    Home,
    /// A scenario, stepped through.
    Scenario(Box<ScenarioView>),
}

/// A window over the screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Overlay {
    /// Every key, grouped.
    Help,
    /// Asks for a file to open.
    Open {
        /// What has been typed.
        input: String,
        /// Why the last attempt failed.
        error: Option<String>,
    },
}

/// One entry of the home list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The topic it is listed under.
    pub topic: String,
    /// The bundled scenario's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// What it teaches.
    pub description: String,
    /// It asks for the real-OS pane.
    pub real: bool,
    /// It is a lesson that measures the real kernel.
    pub measures: bool,
    /// A scenario or a lesson.
    pub kind: EntryKind,
}

/// What an entry of the home list opens.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// A bundled scenario.
    Scenario,
    /// A lesson with this many steps.
    Lesson {
        /// Its steps.
        steps: usize,
    },
}

/// The home list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Home {
    /// The bundled scenarios, by topic.
    pub entries: Vec<Entry>,
    /// The selected entry.
    pub selected: usize,
}

impl Home {
    /// The lessons in course order, then the bundled scenarios in the order
    /// `proclab scenarios` lists them.
    pub fn bundled() -> Home {
        let lessons = crate::lesson::bundled::listings()
            .into_iter()
            .map(|l| Entry {
                topic: "lessons".into(),
                id: l.id,
                title: l.title,
                description: l.summary,
                real: l.real,
                measures: l.measures,
                kind: EntryKind::Lesson { steps: l.steps },
            });
        let scenarios = bundled::ids().filter_map(|id| {
            let scenario = Scenario::parse(id, bundled::find(id)?).ok()?;
            Some(Entry {
                topic: bundled::topic(id).to_string(),
                id: id.to_string(),
                title: scenario.title,
                description: scenario.description,
                real: scenario.real,
                measures: false,
                kind: EntryKind::Scenario,
            })
        });
        let entries = lessons.chain(scenarios).collect();
        Home {
            entries,
            selected: 0,
        }
    }

    /// The selected entry.
    pub fn current(&self) -> Option<&Entry> {
        self.entries.get(self.selected)
    }
}

/// The panes of the scenario view, in focus order.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Pane {
    /// The simulated kernel.
    Simulated,
    /// The real kernel.
    Real,
    /// The table a lesson measured on the real kernel.
    Measured,
    /// The narration.
    Narration,
    /// The event log.
    Log,
}

impl Pane {
    /// Its title.
    pub fn title(self) -> &'static str {
        match self {
            Pane::Simulated => "Simulated kernel",
            Pane::Real => "Real OS",
            Pane::Measured => "Measured",
            Pane::Narration => "Narration",
            Pane::Log => "Event log",
        }
    }
}

/// How far each pane is scrolled, in lines.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Scrolls {
    /// The simulated kernel's process table.
    pub simulated: u16,
    /// The real pane.
    pub real: u16,
    /// The measured table.
    pub measured: u16,
    /// The narration.
    pub narration: u16,
    /// The event log, counted back from its newest line.
    pub log: u16,
}

impl Scrolls {
    /// The scroll of `pane`.
    pub fn get_mut(&mut self, pane: Pane) -> &mut u16 {
        match pane {
            Pane::Simulated => &mut self.simulated,
            Pane::Real => &mut self.real,
            Pane::Measured => &mut self.measured,
            Pane::Narration => &mut self.narration,
            Pane::Log => &mut self.log,
        }
    }
}

/// An open scenario.
#[derive(Debug)]
pub struct ScenarioView {
    /// The scenario.
    pub scenario: Scenario,
    /// The run, with its cursor.
    pub replay: Replay,
    /// Stepping by itself.
    pub playing: bool,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    /// The pane that scrolls.
    pub focus: Pane,
    /// Scroll positions.
    pub scrolls: Scrolls,
    /// The real kernel underneath, if shown.
    pub real: Option<RealSide>,
    /// The lesson being taken, if the scenario was opened for one.
    pub lesson: Option<LessonView>,
}

/// A lesson being taken: which step, and the question's state.
#[derive(Clone, Debug)]
pub struct LessonView {
    /// The lesson.
    pub lesson: std::sync::Arc<Lesson>,
    /// The lesson step on screen (0-based).
    pub index: usize,
    /// The answer being typed, if the answer box is open.
    pub input: Option<String>,
    /// Hints revealed so far.
    pub hints: usize,
    /// Wrong tries at this question.
    pub tries: u32,
    /// What the last reply got.
    pub feedback: Option<Feedback>,
    /// Every step has been seen.
    pub complete: bool,
    /// The lesson's measurement of the real kernel, if it makes one.
    pub measurement: Measurement,
}

/// Where a lesson's measurement stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Measurement {
    /// Not made: the lesson has not reached its measuring step (or does not measure).
    NotYet,
    /// Under way on a worker thread.
    Running {
        /// Which run (see [`App::runs`]), so that news of an earlier one is dropped.
        run: u64,
        /// The rows measured so far.
        rows: Vec<Row>,
        /// The mechanism being measured now.
        now: Option<Mechanism>,
    },
    /// Made.
    Done(Table),
    /// It failed, or was stopped: why.
    Failed(String),
}

/// What a reply got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Feedback {
    /// Right.
    Right,
    /// Wrong; try again.
    Wrong,
    /// Not an answer of the right kind.
    Unusable(String),
    /// The student asked to see the answer.
    Shown,
}

impl LessonView {
    /// The step on screen.
    pub fn step(&self) -> &crate::lesson::Step {
        &self.lesson.steps[self.index]
    }

    /// The question is answered (or its answer shown): a prediction's move has happened.
    pub fn settled(&self) -> bool {
        matches!(self.feedback, Some(Feedback::Right | Feedback::Shown))
    }

    /// The run's step the lesson step shows now: before the move while a prediction is open.
    pub fn shown_at(&self) -> u64 {
        let step = self.step();
        let predicting = step.question.as_ref().is_some_and(|q| q.predict) && !self.settled();
        if predicting { step.from } else { step.at }
    }
}
impl ScenarioView {
    /// The panes that exist, in focus order.
    pub fn panes(&self) -> Vec<Pane> {
        let mut panes = vec![Pane::Simulated];
        if self.real.is_some() {
            panes.push(Pane::Real);
        }
        if self.measures() {
            panes.push(Pane::Measured);
        }
        panes.extend([Pane::Narration, Pane::Log]);
        panes
    }

    /// True if the open lesson measures the real kernel (and so has a Measured pane).
    pub fn measures(&self) -> bool {
        self.lesson
            .as_ref()
            .is_some_and(|l| l.lesson.measuring_step().is_some())
    }

    /// Steps per second while playing.
    pub fn speed(&self) -> f64 {
        SPEEDS[self.speed]
    }
}

/// Where the real run is.
#[derive(Clone, Debug, PartialEq)]
pub enum RealStatus {
    /// The helper is starting.
    Starting,
    /// Twins are running; `helper` is the helper's pid.
    Running {
        /// The helper's pid.
        helper: i32,
    },
    /// The run is over and compared.
    Ended(Summary),
    /// It could not start, or stopped on an error.
    Failed(String),
}

/// What has been seen of the real kernel.
#[derive(Clone, Debug, PartialEq)]
pub struct RealSide {
    /// Which real run this is (see [`App::runs`]).
    pub run: u64,
    /// Where it is.
    pub status: RealStatus,
    /// Every step recorded so far: `records[i]` is step `i + 1`.
    pub records: Vec<StepRecord>,
    /// The step the twins have been asked to reach.
    pub requested: u64,
}

impl RealSide {
    /// A run that is starting.
    pub fn starting(run: u64) -> RealSide {
        RealSide {
            run,
            status: RealStatus::Starting,
            records: Vec::new(),
            requested: 0,
        }
    }

    /// A run that could not start.
    pub fn failed(run: u64, why: String) -> RealSide {
        RealSide {
            status: RealStatus::Failed(why),
            ..RealSide::starting(run)
        }
    }

    /// The record of `step`, if the twins have got that far.
    pub fn record(&self, step: u64) -> Option<&StepRecord> {
        step.checked_sub(1)
            .and_then(|i| self.records.get(i as usize))
    }

    /// Steps recorded.
    pub fn recorded(&self) -> u64 {
        self.records.len() as u64
    }

    /// The twins can still be driven further.
    pub fn is_live(&self) -> bool {
        matches!(
            self.status,
            RealStatus::Starting | RealStatus::Running { .. }
        )
    }
}

impl App {
    /// The home screen.
    pub fn new(theme: Theme, size: Size) -> App {
        App {
            screen: Screen::Home,
            home: Home::bundled(),
            overlay: None,
            theme,
            size,
            quit: false,
            runs: 0,
            allow_exec: false,
            progress: Progress::in_memory(),
            notice: None,
        }
    }

    /// The open scenario, if any.
    pub fn view(&self) -> Option<&ScenarioView> {
        match &self.screen {
            Screen::Scenario(v) => Some(v),
            Screen::Home => None,
        }
    }
}
