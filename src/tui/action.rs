//! What can happen to the application: a key, a tick of the play timer, news from the real
//! run. [`super::update::update`] is the only place that acts on them.

use crate::ipc_bench::{Mechanism, Options, Row, Table};
use crate::lab::record::{StepRecord, Summary};
use crate::scenario::Scenario;
use ratatui::layout::Size;

/// One thing that happens.
#[derive(Debug)]
pub enum Action {
    /// Next step.
    Next,
    /// Previous step.
    Previous,
    /// First step.
    First,
    /// Last step.
    Last,
    /// Start or stop playing.
    TogglePlay,
    /// Play faster.
    Faster,
    /// Play slower.
    Slower,
    /// The play timer fired.
    Tick,
    /// Focus the next pane.
    FocusNext,
    /// Scroll the focused pane (or move the home selection) by this many lines.
    Scroll(i32),
    /// Mouse wheel over a point of the screen.
    ScrollAt {
        /// Column.
        column: u16,
        /// Row.
        row: u16,
        /// Lines (negative: up).
        lines: i32,
    },
    /// Show or hide the help.
    Help,
    /// Close the overlay, or go back to the home screen.
    Back,
    /// Quit from anywhere.
    Quit,
    /// Open the selected home entry (`real`: with the real pane even if it does not ask).
    OpenSelected {
        /// Force the real pane.
        real: bool,
    },
    /// Ask for a file to open.
    StartOpen,
    /// A character typed into the open prompt.
    Type(char),
    /// Backspace in the open prompt.
    Erase,
    /// Enter in the open prompt.
    Submit,
    /// A scenario was read and checked.
    Loaded {
        /// It.
        scenario: Box<Scenario>,
        /// Show the real pane even if the scenario does not ask.
        real: bool,
    },
    /// A scenario could not be opened.
    LoadFailed(String),
    /// A lesson was read and checked: open it.
    LessonLoaded(Box<crate::lesson::Lesson>),
    /// The next step of the lesson.
    LessonNext,
    /// The previous step of the lesson.
    LessonPrevious,
    /// Open the answer box.
    Answer,
    /// Reveal the next hint.
    Hint,
    /// Show the answer to the question.
    ShowAnswer,
    /// Measure the real kernel again (in a lesson that measures).
    Measure,
    /// News from a lesson's measurement.
    Measuring {
        /// Which run.
        run: u64,
        /// What happened.
        news: MeasureNews,
    },
    /// The terminal changed size.
    Resize(Size),
    /// News from a real run.
    Real {
        /// Which run.
        run: u64,
        /// What happened.
        news: RealNews,
    },
}

/// What a real run reports.
#[derive(Debug)]
pub enum RealNews {
    /// The helper is ready.
    Started {
        /// Its pid.
        helper: i32,
        /// Steps it will run.
        steps: u64,
    },
    /// One more step.
    Step(Box<StepRecord>),
    /// The run is over.
    Ended(Summary),
    /// It stopped on an error; every twin is gone.
    Failed(String),
}

/// What a lesson's measurement reports.
#[derive(Debug)]
pub enum MeasureNews {
    /// The measurement of this mechanism starts.
    Starting(Mechanism),
    /// One more row.
    Row(Box<Row>),
    /// The whole table.
    Done(Box<Table>),
    /// It failed or was stopped; nothing it made is left.
    Failed(String),
}

/// What the runtime must do for the application (the only side effects `update` asks for).
#[derive(Debug)]
pub enum Effect {
    /// Read and check a scenario file or bundled id, then report [`Action::Loaded`] or
    /// [`Action::LoadFailed`].
    Load {
        /// Path or bundled id.
        source: String,
        /// Show the real pane even if the scenario does not ask.
        real: bool,
    },
    /// Start the real twins of a scenario.
    StartReal {
        /// The run's number.
        run: u64,
        /// The scenario.
        scenario: Box<Scenario>,
    },
    /// Drive the twins up to this step.
    AdvanceReal {
        /// The run's number.
        run: u64,
        /// The step.
        to: u64,
    },
    /// Read and check a lesson file or bundled lesson, then report [`Action::LessonLoaded`]
    /// or [`Action::LoadFailed`].
    LoadLesson {
        /// A path or a bundled lesson's id.
        source: String,
    },
    /// Write the progress file.
    SaveProgress,
    /// End a real run and remove its twins.
    StopReal {
        /// The run's number.
        run: u64,
    },
    /// Measure the real IPC mechanisms on a worker thread, reporting [`Action::Measuring`].
    StartMeasuring {
        /// The run's number.
        run: u64,
        /// What to measure.
        options: Box<Options>,
    },
    /// Stop a measurement (its peer is killed and every object it made removed).
    StopMeasuring {
        /// The run's number.
        run: u64,
    },
}
