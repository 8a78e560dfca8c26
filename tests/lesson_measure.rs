//! A lesson that measures the real kernel, through the built binary in plain mode: the
//! measurement runs for real (with few rounds), the table is printed as `proclab bench ipc`
//! prints it, the lesson accepts the answer that the printed table gives (and no other), and
//! nothing is left behind. Ctrl-C during the measurement stops the lesson with 130; outside it,
//! Ctrl-C ends proclab as always. No timing is asserted, and the tests never fork: the binary
//! starts its peers itself.

#![cfg(target_os = "linux")]

mod common;
use common::bench::{assert_nothing_left, peers_of};

use proclab::ipc_bench::Mechanism;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_proclab");
const FIXTURE: &str = "tests/fixtures/lesson-measure.toml";

/// A fresh folder for one test's files.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("proclab-measure-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp is writable");
    dir
}

/// A plain lesson being played: what it printed so far, and its standard input.
struct Session {
    child: Child,
    stdin: Option<ChildStdin>,
    output: Receiver<Vec<u8>>,
    seen: String,
    /// Where the text last waited for ended: the next wait looks after it.
    mark: usize,
}

impl Session {
    fn start(lesson: &str, progress: &std::path::Path) -> Session {
        let mut child = Command::new(BIN)
            .args(["lesson", lesson, "--plain", "--restart", "--progress"])
            .arg(progress)
            .env("NO_COLOR", "1")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary runs");
        let mut stdout = child.stdout.take().expect("piped");
        let (tx, output) = channel();
        // The prompt has no newline: read whatever comes, as it comes.
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n @ 1..) = stdout.read(&mut buffer) {
                if tx.send(buffer[..n].to_vec()).is_err() {
                    return;
                }
            }
        });
        Session {
            stdin: child.stdin.take(),
            child,
            output,
            seen: String::new(),
            mark: 0,
        }
    }

    fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// Waits until the output shows `text` after what was last waited for; returns all the
    /// output so far.
    fn wait_for(&mut self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(at) = self.seen[self.mark..].find(text) {
                self.mark += at + text.len();
                return self.seen.clone();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.output.recv_timeout(left) {
                Ok(bytes) => self.seen.push_str(&String::from_utf8_lossy(&bytes)),
                Err(_) => panic!("`{text}` never came; the output was:\n{}", self.seen),
            }
        }
    }

    fn send(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("open");
        writeln!(stdin, "{line}").expect("the lesson reads");
    }

    /// Closes standard input and waits for the end; returns the exit status.
    fn finish(mut self) -> std::process::ExitStatus {
        drop(self.stdin.take());
        self.child.wait().expect("it ends")
    }
}

impl Drop for Session {
    /// A test that fails half-way leaves no proclab running.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One figure column of the printed table (0: median, 1: p99, 2: MB/s), by mechanism.
fn column(output: &str, index: usize) -> Vec<(Mechanism, f64)> {
    Mechanism::ALL
        .iter()
        .map(|m| {
            let line = output
                .lines()
                .find(|l| l.starts_with(m.title()))
                .unwrap_or_else(|| panic!("no row for {m}:\n{output}"));
            let figure = line[m.title().len()..]
                .split_whitespace()
                .nth(index)
                .and_then(|f| f.replace(',', "").parse().ok())
                .unwrap_or_else(|| panic!("no figure in {line}"));
            (*m, figure)
        })
        .collect()
}

/// A pick's number for a mechanism (`choices = "mechanisms"` lists them in `ALL`'s order).
fn choice(m: Mechanism) -> String {
    (Mechanism::ALL.iter().position(|x| *x == m).unwrap() + 1).to_string()
}

/// Answers a question about one column: first a mechanism the table says is wrong (if the
/// column is not all one figure), then one the table says is right.
fn answer_from_the_table(s: &mut Session, output: &str, index: usize, lowest: bool) {
    let figures = column(output, index);
    let best = figures
        .iter()
        .map(|(_, x)| *x)
        .reduce(|a, b| if (b < a) == lowest { b } else { a })
        .unwrap();
    if let Some((wrong, _)) = figures.iter().find(|(_, x)| *x != best) {
        s.send(&choice(*wrong));
        s.wait_for("Not quite. Try again.");
    }
    let (right, _) = figures.iter().find(|(_, x)| *x == best).unwrap();
    s.send(&choice(*right));
    s.wait_for("Right.");
}

#[test]
fn the_lesson_accepts_what_the_printed_table_says_and_leaves_nothing() {
    let dir = scratch("table");
    let progress = dir.join("p.toml");
    let mut s = Session::start(FIXTURE, &progress);
    let pid = s.pid();
    let output = s.wait_for("Which had the lowest median round trip?");
    assert!(
        output.contains("Measuring on this machine: 50 round trips and 256 KiB one way"),
        "{output}"
    );
    assert!(
        output.contains("round trip (µs)") && output.contains("Method:"),
        "{output}"
    );
    s.wait_for("Your answer");
    answer_from_the_table(&mut s, &output, 0, true);
    s.wait_for("Which moved the most MB/s?");
    answer_from_the_table(&mut s, &output, 2, false);
    s.wait_for("Which keeps message boundaries?");
    s.send(&choice(Mechanism::Mq));
    let output = s.wait_for("Lesson complete.");
    assert!(output.contains("at the first try"), "{output}");
    let status = s.finish();
    assert_eq!(status.code(), Some(0));
    let saved = std::fs::read_to_string(&progress).expect("saved");
    assert!(
        saved.contains("done = true") && saved.contains("right = [1, 2, 3]"),
        "{saved}"
    );
    assert_nothing_left(pid);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_course_lesson_plays_through_its_measurement() {
    let dir = scratch("course");
    let mut s = Session::start("choosing-ipc", &dir.join("p.toml"));
    let pid = s.pid();
    // The model's and the facts' answers, and "show me" for the two from the table.
    for reply in ["10", "1", "3", "3", "s", "s", "1", "5"] {
        s.send(reply);
    }
    let output = s.wait_for("Lesson complete.");
    assert_eq!(s.finish().code(), Some(0), "{output}");
    for m in Mechanism::ALL {
        assert!(
            output.contains(&format!("  {}… done", m.title())),
            "{output}"
        );
    }
    // The fastest shown is the lowest median printed (a tie would list each).
    let medians = column(&output, 0);
    let lowest = medians
        .iter()
        .map(|(_, x)| *x)
        .fold(f64::INFINITY, f64::min);
    let shown = output
        .split("The answer is ")
        .nth(1)
        .and_then(|rest| rest.split(". ").next())
        .expect("the answer was shown");
    for m in medians.iter().filter(|(_, x)| *x == lowest) {
        assert!(shown.contains(m.0.title()), "{shown} vs\n{output}");
    }
    assert!(
        output.contains("Questions answered right at the first try: 6 of 8."),
        "{output}"
    );
    assert_nothing_left(pid);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn ctrl_c_stops_the_measurement_and_the_lesson_with_130_and_nothing_left() {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    let dir = scratch("ctrl-c");
    // A measurement that would take minutes.
    let slow = std::fs::read_to_string(FIXTURE).unwrap().replace(
        "rounds = 50, size = \"256K\"",
        "rounds = 100000, size = \"256M\"",
    );
    let lesson = dir.join("slow.toml");
    std::fs::write(&lesson, slow).unwrap();
    let mut s = Session::start(lesson.to_str().unwrap(), &dir.join("p.toml"));
    let pid = s.pid();
    s.wait_for("Measuring on this machine");
    let deadline = Instant::now() + Duration::from_secs(20);
    while peers_of(pid).is_empty() {
        assert!(Instant::now() < deadline, "no peer started");
        std::thread::sleep(Duration::from_millis(5));
    }
    kill(Pid::from_raw(pid), Signal::SIGINT).unwrap();
    let output = s.wait_for("Stopped at step 2; progress saved.");
    assert!(output.contains("The measurement was stopped."), "{output}");
    assert_eq!(s.finish().code(), Some(130));
    assert_nothing_left(pid);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn ctrl_c_outside_the_measurement_ends_proclab_as_always() {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    use std::os::unix::process::ExitStatusExt;
    let dir = scratch("ctrl-c-after");
    let mut s = Session::start(FIXTURE, &dir.join("p.toml"));
    let pid = s.pid();
    s.wait_for("Your answer");
    kill(Pid::from_raw(pid), Signal::SIGINT).unwrap();
    let status = s.child.wait().expect("it ends");
    assert_eq!(status.signal(), Some(Signal::SIGINT as i32), "{status:?}");
    assert_nothing_left(pid);
    let _ = std::fs::remove_dir_all(dir);
}
