//! `proclab lesson`, `proclab lessons` and `proclab dev check`: lessons at the command line,
//! and the check an instructor runs over everything they write.

use super::{EXIT_BAD_INPUT, print, report_error};
use crate::lesson::progress::{self, Progress, Status};
use crate::lesson::{Lesson, bundled, plain};
use crate::scenario::{Scenario, ScenarioError};
use std::path::{Path, PathBuf};

/// The progress file: `--progress FILE`, or the default one in the user's data directory;
/// `also` is the id of a lesson opened from a file, which counts as known.
pub fn open_progress(file: Option<&Path>, also: Option<&str>) -> Progress {
    let mut ids = bundled::ids();
    ids.extend(also.map(str::to_string));
    let progress = match file.map(Path::to_path_buf).or_else(progress::default_path) {
        Some(path) => Progress::load(&path, &ids),
        None => {
            eprintln!(
                "proclab: no data directory here, so progress is not saved (use --progress FILE)"
            );
            Progress::in_memory()
        }
    };
    for w in &progress.warnings {
        eprintln!("warning: {w}");
    }
    progress
}

/// `proclab lessons`: the course, with where the student stands in each lesson.
pub fn list(progress_file: Option<&Path>) -> i32 {
    let progress = open_progress(progress_file, None);
    let mut out = String::from("Lessons\n");
    let mut code = 0;
    for (n, lesson) in bundled::load_all().into_iter().enumerate() {
        match lesson {
            Ok(l) => {
                let status = match progress.status(&l.id) {
                    Status::New => "new".to_string(),
                    Status::Current(step) => {
                        let n = l.steps.len();
                        format!("at step {} of {n}", (step + 1).min(n))
                    }
                    Status::Done => "done".to_string(),
                };
                out.push_str(&format!(
                    "  {:>2}. {:<48} {:<16} {}\n",
                    n + 1,
                    l.title,
                    status,
                    l.id
                ));
            }
            Err(e) => code = code.max(report_error(&e)),
        }
    }
    out.push_str("\nTake one with `proclab lesson ID` (add --plain for plain text).\n");
    code.max(print(&out))
}

/// The lab's twins beside a plain lesson: each step asked for is run for real and printed.
struct LabBeside {
    run: crate::lab::client::RealRun,
    records: Vec<crate::lab::record::StepRecord>,
    ended: bool,
}

impl plain::RealKernel for LabBeside {
    fn at(&mut self, step: u64) -> Result<Option<String>, String> {
        while (self.records.len() as u64) < step && !self.ended {
            match self.run.step().map_err(|e| e.to_string())? {
                crate::lab::Next::Step(r) => self.records.push(*r),
                crate::lab::Next::End(_) => self.ended = true,
            }
        }
        Ok(step
            .checked_sub(1)
            .and_then(|i| self.records.get(i as usize))
            .map(crate::lab::render::step))
    }
}

/// A plain lesson's measurement, made in this process by `ipc_bench`; Ctrl-C (or SIGTERM,
/// SIGHUP) during it stops it cleanly, as it stops `proclab bench ipc`, and ends the lesson.
struct BenchHere {
    /// Set by a signal, to its number.
    caught: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    /// False while measuring: a signal then only sets `caught`; otherwise it does what it
    /// always does (ends proclab).
    outside: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// The signal that stopped the measurement, if one did.
    stopped_by: Option<i32>,
}

impl BenchHere {
    fn new() -> BenchHere {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, AtomicUsize};
        let here = BenchHere {
            caught: Arc::new(AtomicUsize::new(0)),
            outside: Arc::new(AtomicBool::new(true)),
            stopped_by: None,
        };
        #[cfg(target_os = "linux")]
        for signal in [
            signal_hook::consts::SIGINT,
            signal_hook::consts::SIGTERM,
            signal_hook::consts::SIGHUP,
        ] {
            let registered =
                signal_hook::flag::register_conditional_default(signal, Arc::clone(&here.outside))
                    .and_then(|_| {
                        signal_hook::flag::register_usize(
                            signal,
                            Arc::clone(&here.caught),
                            signal as usize,
                        )
                    });
            if let Err(e) = registered {
                eprintln!("warning: Ctrl-C may leave the measurement's peer behind: {e}");
            }
        }
        here
    }
}

impl plain::Measure for BenchHere {
    fn measure(
        &mut self,
        options: &crate::ipc_bench::Options,
        progress: &mut dyn FnMut(crate::ipc_bench::Progress<'_>),
    ) -> Result<crate::ipc_bench::Table, crate::ipc_bench::BenchError> {
        use std::sync::atomic::Ordering;
        let cancel = crate::ipc_bench::Cancel::new();
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        self.outside.store(false, Ordering::SeqCst);
        // A signal handler may only set a flag; this thread turns the flag into a cancel,
        // which kills the peer so that no wait of the run lasts.
        let watcher = {
            let (cancel, caught, done) = (cancel.clone(), self.caught.clone(), done.clone());
            std::thread::Builder::new()
                .name("measure-signals".into())
                .spawn(move || {
                    while !done.load(Ordering::SeqCst) {
                        if caught.load(Ordering::SeqCst) != 0 {
                            cancel.cancel();
                            return;
                        }
                        std::thread::sleep(std::time::Duration::from_millis(20));
                    }
                })
        };
        let result = crate::ipc_bench::run_reporting(options, &cancel, progress);
        done.store(true, Ordering::SeqCst);
        if let Ok(w) = watcher {
            let _ = w.join();
        }
        self.outside.store(true, Ordering::SeqCst);
        match self.caught.load(Ordering::SeqCst) {
            0 => result,
            signal => {
                self.stopped_by = Some(signal as i32);
                Err(crate::ipc_bench::BenchError::Interrupted)
            }
        }
    }
}

/// Starts the real side of a lesson whose scenario asks for it; says why not if it can't.
fn lab_beside(lesson: &Lesson) -> Option<LabBeside> {
    if !lesson.scenario.real {
        return None;
    }
    if let Err(d) = crate::lab::admit::admit(&lesson.scenario, false) {
        eprintln!("note: the lesson runs on the model only: {}", d.message);
        return None;
    }
    match crate::lab::client::RealRun::start(&lesson.scenario, std::time::Duration::from_secs(5)) {
        Ok(run) => Some(LabBeside {
            run,
            records: Vec::new(),
            ended: false,
        }),
        Err(e) => {
            eprintln!(
                "note: the lesson runs on the model only: the real-OS lab could not start: {e}"
            );
            None
        }
    }
}

/// The lesson `id` and the progress to take it with (started over if asked); the exit code
/// in `Err`, the error already reported.
fn prepare(
    id: &str,
    progress_file: Option<&Path>,
    restart: bool,
) -> Result<(Lesson, Progress), i32> {
    let lesson = open(id)?;
    let mut progress = open_progress(progress_file, Some(&lesson.id));
    if restart {
        progress.restart(&lesson.id);
    }
    Ok((lesson, progress))
}

/// `proclab lesson ID --plain`.
pub fn plain(id: &str, progress_file: Option<&Path>, restart: bool, real: bool) -> i32 {
    let (lesson, mut progress) = match prepare(id, progress_file, restart) {
        Ok(taken) => taken,
        Err(code) => return code,
    };
    let start = match progress.status(&lesson.id) {
        Status::Current(step) if step < lesson.steps.len() => step,
        _ => 0,
    };
    let mut lab = if real { lab_beside(&lesson) } else { None };
    let mut bench = lesson.bench().map(|_| BenchHere::new());
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut out = std::io::stdout().lock();
    let beside = plain::Beside {
        real: lab.as_mut().map(|l| l as &mut dyn plain::RealKernel),
        bench: bench.as_mut().map(|b| b as &mut dyn plain::Measure),
    };
    let played = plain::run_beside(&lesson, start, &mut progress, beside, &mut input, &mut out);
    match played {
        // Stopped by a signal: the exit code says which, as for `proclab bench ipc`.
        Ok(_) => bench.and_then(|b| b.stopped_by).map_or(0, |s| 128 + s),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            eprintln!("error: {e}");
            super::EXIT_FAILURE
        }
    }
}

/// `proclab lesson ID`: the lesson in the TUI, or in plain text when there is no terminal.
pub fn tui(id: &str, progress_file: Option<&Path>, restart: bool) -> i32 {
    if !super::on_a_terminal() {
        eprintln!("proclab: not a terminal, so no TUI; here is the lesson in plain text instead.");
        return plain(id, progress_file, restart, true);
    }
    let (lesson, progress) = match prepare(id, progress_file, restart) {
        Ok(taken) => taken,
        Err(code) => return code,
    };
    crate::tui::run(crate::tui::Start {
        open: None,
        allow_exec: false,
        timeout: std::time::Duration::from_secs(5),
        lesson: Some(lesson),
        progress,
    })
}

/// A lesson by file or bundled id, with errors reported (exit code in `Err`).
pub fn open(id: &str) -> Result<Lesson, i32> {
    Lesson::open(id).map_err(|e| match &e {
        ScenarioError::Read { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            let ids = bundled::ids();
            let hint = match crate::scenario::error::did_you_mean(id, ids.iter().map(String::as_str)) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("the lessons are: {}", ids.join(", ")),
            };
            eprintln!("error: no lesson `{id}`: not a file, nor a bundled lesson's id\n  hint: {hint} (see `proclab lessons`)");
            EXIT_BAD_INPUT
        }
        _ => report_error(&e),
    })
}

/// What a file is, judged by its folder, then by its keys.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Kind {
    Lesson,
    Exercise,
    Scenario,
}

fn kind_of(path: &Path, text: &str) -> Kind {
    for part in path.components().rev().skip(1) {
        match part.as_os_str().to_str() {
            Some("lessons") => return Kind::Lesson,
            Some("exercises") => return Kind::Exercise,
            Some("scenarios") => return Kind::Scenario,
            _ => {}
        }
    }
    match toml::from_str::<toml::Table>(text) {
        Ok(t) if t.contains_key("step") || (t.contains_key("id") && t.contains_key("scenario")) => {
            Kind::Lesson
        }
        Ok(t) if t.contains_key("ask") && t.contains_key("kind") => Kind::Exercise,
        _ => Kind::Scenario,
    }
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        entries.sort();
        for e in entries {
            collect(&e, out);
        }
    } else if path.extension().is_some_and(|e| e == "toml") || !path.exists() {
        out.push(path.to_path_buf());
    }
}

/// `proclab dev check [PATH…]`: every lesson, exercise and scenario file parses and checks;
/// lesson and exercise ids are unique.
pub fn dev_check(paths: &[String]) -> i32 {
    let roots: Vec<PathBuf> = if paths.is_empty() {
        ["lessons", "exercises", "scenarios"]
            .iter()
            .map(PathBuf::from)
            .filter(|p| p.is_dir())
            .collect()
    } else {
        paths.iter().map(PathBuf::from).collect()
    };
    if roots.is_empty() {
        eprintln!(
            "error: nothing to check here\n  hint: run it in a folder with lessons/, exercises/ or scenarios/, or name files and folders"
        );
        return EXIT_BAD_INPUT;
    }
    let mut files = Vec::new();
    for r in &roots {
        collect(r, &mut files);
    }
    let mut code = 0;
    let mut ids: Vec<(String, Kind, PathBuf)> = Vec::new();
    let (mut lessons, mut exercises, mut scenarios) = (0, 0, 0);
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let kind = kind_of(file, &text);
        // Ok: the id to keep unique (if any) and what the file is; Err: the exit code, the
        // error already reported.
        let checked: Result<(Option<String>, String), i32> = match kind {
            Kind::Lesson => match Lesson::load(file) {
                Ok(l) => {
                    lessons += 1;
                    let questions = l.questions();
                    let what = format!(
                        "lesson {} — {} ({} steps, {questions} questions)",
                        l.id,
                        l.title,
                        l.steps.len()
                    );
                    Ok((Some(l.id), what))
                }
                Err(e) => Err(report_error(&e)),
            },
            // Loading an exercise computes every answer it asks for.
            Kind::Exercise => match crate::exercise::Pinned::load(file) {
                Ok(e) => {
                    exercises += 1;
                    let what = format!(
                        "exercise {} — {} ({} answers asked)",
                        e.id(),
                        e.exercise.title,
                        e.exercise.asked().len()
                    );
                    Ok((Some(e.id().to_string()), what))
                }
                Err(e) => Err(super::exercise::report(&e)),
            },
            Kind::Scenario => match Scenario::load(file) {
                Ok(s) => {
                    super::warn(&s);
                    scenarios += 1;
                    Ok((None, format!("scenario — {}", s.title)))
                }
                Err(e) => Err(report_error(&e)),
            },
        };
        match checked {
            Ok((id, what)) => {
                if let Some(id) = id {
                    if let Some((_, _, first)) = ids.iter().find(|(i, k, _)| *i == id && *k == kind)
                    {
                        eprintln!(
                            "error: {}: the id `{id}` is already used by {}\n  hint: ids must be unique: progress and grades are kept under them",
                            file.display(),
                            first.display()
                        );
                        code = code.max(EXIT_BAD_INPUT);
                        continue;
                    }
                    ids.push((id, kind, file.clone()));
                }
                code = code.max(print(&format!("ok: {} — {what}\n", file.display())));
            }
            Err(exit) => code = code.max(exit),
        }
    }
    let summary = format!(
        "\nChecked {} files: {lessons} lessons, {exercises} exercises, {scenarios} scenarios{}.\n",
        files.len(),
        if code == 0 {
            ", all valid"
        } else {
            "; see the errors above"
        }
    );
    code.max(print(&summary))
}
