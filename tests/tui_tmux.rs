//! The TUI as a user meets it: the built binary in a real terminal (tmux, 120×40), opened on a
//! scenario with the real kernel underneath, stepped forward and back, help opened, quit.

#![cfg(target_os = "linux")]

use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// A tmux server of our own, killed when the test ends.
struct Tmux {
    socket: String,
}

impl Tmux {
    /// A terminal of `width`×`height` running proclab with `args`; the shell then prints
    /// proclab's exit code and stays, so the screen after proclab can be read.
    fn start(test: &str, args: &str, width: u16, height: u16) -> Tmux {
        let tmux = Tmux {
            socket: format!("proclab-{test}-{}", std::process::id()),
        };
        let command = format!(
            "{} {args}; echo proclab-exited-with-$?; sleep 60",
            env!("CARGO_BIN_EXE_proclab")
        );
        let (width, height) = (width.to_string(), height.to_string());
        // Lesson progress goes to a folder of the test's own, never the user's.
        let data = format!("XDG_DATA_HOME={}", tmux.data_home().display());
        let started = tmux.run(&[
            "new-session",
            "-d",
            "-s",
            "t",
            "-x",
            &width,
            "-y",
            &height,
            "-e",
            "NO_COLOR=1",
            "-e",
            &data,
            &command,
        ]);
        assert!(started.status.success(), "{started:?}");
        tmux
    }

    /// The data directory the TUI sees (progress is saved under it).
    fn data_home(&self) -> std::path::PathBuf {
        std::env::temp_dir().join(&self.socket)
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs (the CI installs it; locally: apt-get install tmux)")
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "t"];
        args.extend_from_slice(keys);
        assert!(self.run(&args).status.success());
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "t"]).stdout).into_owned()
    }

    fn alternate_screen(&self) -> bool {
        let out = self.run(&["display-message", "-p", "-t", "t", "#{alternate_on}"]);
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }

    /// Waits until the screen shows `text`; returns the screen.
    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "waited for {text:?}; the screen shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

fn alive(pid: &str) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        !s.rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with('Z')
    })
}

#[test]
fn open_step_forward_and_back_help_and_quit_in_a_real_terminal() {
    let tmux = Tmux::start("real", "open ipc/pipe-greeting --real", 120, 40);
    let screen = tmux.wait_for("real: twins under helper");
    assert!(screen.contains("step 0 of 3"), "{screen}");
    assert!(
        screen.contains("Simulated kernel") && screen.contains("Real OS"),
        "{screen}"
    );
    assert!(
        tmux.alternate_screen(),
        "the TUI draws on the alternate screen"
    );
    let helper = screen
        .split("real: twins under helper ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .expect("the helper's pid")
        .to_string();
    assert!(alive(&helper), "the helper runs");

    tmux.keys(&["n"]);
    let screen = tmux.wait_for("step 1 of 3");
    tmux.keys(&["Right"]);
    let screen2 = tmux.wait_for("step 2 of 3");
    // At step 2 the child sleeps in the kernel's pipe read, for real.
    let screen2 = if screen2.contains("anon_pipe") || screen2.contains("pipe_read") {
        screen2
    } else {
        tmux.wait_for("pipe_r")
    };
    assert!(screen2.contains("child"), "{screen2}");
    assert!(screen.contains("parent"), "{screen}");

    tmux.keys(&["p"]);
    tmux.wait_for("step 1 of 3");
    tmux.keys(&["Left"]);
    let screen = tmux.wait_for("step 0 of 3");
    assert!(
        screen.contains("Step 0: nothing has happened yet"),
        "{screen}"
    );

    tmux.keys(&["?"]);
    let screen = tmux.wait_for("Help");
    assert!(screen.contains("previous step (time travel)"), "{screen}");
    tmux.keys(&["Escape"]);
    let deadline = Instant::now() + Duration::from_secs(5);
    while tmux.screen().contains("previous step (time travel)") {
        assert!(Instant::now() < deadline, "Esc closes the help");
        std::thread::sleep(Duration::from_millis(50));
    }

    tmux.keys(&["q"]);
    let screen = tmux.wait_for("proclab-exited-with-0");
    assert!(!screen.contains("Simulated kernel"), "{screen}");
    assert!(
        !tmux.alternate_screen(),
        "the terminal left the alternate screen"
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while alive(&helper) {
        assert!(
            Instant::now() < deadline,
            "the helper and its twins are gone"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_home_screen_opens_a_lesson_and_a_scenario_and_esc_comes_back() {
    let tmux = Tmux::start("home", "", 100, 30);
    tmux.wait_for("and scenarios (");
    // The first entry is the first lesson.
    tmux.keys(&["Enter"]);
    tmux.wait_for("lesson step 1 of");
    tmux.keys(&["n"]);
    tmux.wait_for("lesson step 2 of");
    tmux.keys(&["Escape"]);
    // Waiting for the progress itself: the title may show before the list is redrawn.
    tmux.wait_for("▸ at step 2 of");
    // The first scenario comes after the lessons.
    let lessons = proclab::lesson::bundled::listings().len().to_string();
    tmux.keys(&["-N", &lessons, "Down"]);
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("step 0 of");
    // 100 columns: one pane at a time, under tabs.
    assert!(
        screen.contains("Simulated kernel │ Narration │ Event log"),
        "{screen}"
    );
    tmux.keys(&["Escape"]);
    tmux.wait_for("and scenarios (");
    tmux.keys(&["o"]);
    tmux.wait_for("Open a scenario");
    tmux.keys(&["-l", "no-such-file.toml"]);
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("cannot read no-such-file.toml");
    assert!(screen.contains("Open a scenario"), "{screen}");
    tmux.keys(&["C-c"]);
    tmux.wait_for("proclab-exited-with-0");
    assert!(!tmux.alternate_screen());
    let saved = std::fs::read_to_string(tmux.data_home().join("proclab/progress.toml"))
        .expect("progress is saved in the data directory");
    assert!(saved.contains("step = 1"), "{saved}");
    let _ = std::fs::remove_dir_all(tmux.data_home());
}

#[test]
fn a_lesson_question_is_answered_in_place_and_progress_is_kept() {
    let dir = std::env::temp_dir().join(format!("proclab-tmux-lesson-{}", std::process::id()));
    let progress = dir.join("progress.toml");
    let args = format!(
        "lesson {}/tests/fixtures/lesson-zombie.toml --progress {}",
        env!("CARGO_MANIFEST_DIR"),
        progress.display()
    );
    let tmux = Tmux::start("lesson", &args, 120, 40);
    tmux.wait_for("lesson step 1 of 4");
    tmux.keys(&["n"]);
    tmux.wait_for("Question: What state is the child in?");
    tmux.keys(&["h"]);
    tmux.wait_for("Hint: It has exited.");
    tmux.keys(&["2", "Enter"]);
    tmux.wait_for("Not quite (1 try)");
    tmux.keys(&["BSpace", "6", "Enter"]);
    tmux.wait_for("✔ Right.");
    tmux.keys(&["q"]);
    tmux.wait_for("proclab-exited-with-0");
    let saved = std::fs::read_to_string(&progress).expect("saved");
    assert!(saved.contains("right = [1]"), "{saved}");
    let _ = std::fs::remove_dir_all(dir);
}

/// The pid of the proclab running in the tmux pane (a child of the pane's shell).
fn proclab_in(tmux: &Tmux) -> i32 {
    let out = tmux.run(&["display-message", "-p", "-t", "t", "#{pane_pid}"]);
    let shell = String::from_utf8_lossy(&out.stdout).trim().to_string();
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .find(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
                let after = s.rsplit(')').next().unwrap_or("");
                s.contains("(proclab)") && after.split_whitespace().nth(1) == Some(shell.as_str())
            })
        })
        .expect("proclab runs in the pane")
}

/// Peer processes of a measurement made by `owner`.
fn peers_of(owner: i32) -> usize {
    let wanted = format!("--owner\0{owner}\0");
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|e| {
            std::fs::read(e.path().join("cmdline")).is_ok_and(|c| {
                let c = String::from_utf8_lossy(&c);
                c.contains("__ipc-peer") && c.contains(&wanted)
            })
        })
        .count()
}

#[test]
fn a_lesson_measures_for_real_accepts_what_it_shows_and_esc_stops_a_measurement() {
    use proclab::ipc_bench::Mechanism;
    let dir = std::env::temp_dir().join(format!("proclab-tmux-measure-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fixture = std::fs::read_to_string("tests/fixtures/lesson-measure.toml").unwrap();
    let slow = fixture.replace(
        "rounds = 50, size = \"256K\"",
        "rounds = 100000, size = \"256M\"",
    );
    std::fs::write(dir.join("slow.toml"), slow).unwrap();
    let args = format!(
        "lesson {}/tests/fixtures/lesson-measure.toml --progress {}",
        env!("CARGO_MANIFEST_DIR"),
        dir.join("p.toml").display()
    );
    let tmux = Tmux::start("measure", &args, 120, 40);
    tmux.wait_for("lesson step 1 of 4");
    let pid = proclab_in(&tmux);
    tmux.keys(&["n"]);
    let screen = tmux.wait_for("m measures again.");
    // The lowest median the pane shows is the answer the lesson takes.
    let medians: Vec<(usize, f64)> = Mechanism::ALL
        .iter()
        .enumerate()
        .map(|(i, m)| {
            // The row starts at the pane's left border.
            let start = format!("│{} ", m.title());
            let line = screen.lines().find(|l| l.contains(&start)).unwrap();
            let after = &line[line.find(&start).unwrap() + start.len()..];
            let median = after.split_whitespace().next().unwrap().parse().unwrap();
            (i + 1, median)
        })
        .collect();
    let lowest = medians
        .iter()
        .map(|(_, x)| *x)
        .fold(f64::INFINITY, f64::min);
    let right = medians.iter().find(|(_, x)| *x == lowest).unwrap().0;
    tmux.keys(&[&right.to_string(), "Enter"]);
    tmux.wait_for("✔ Right.");
    tmux.keys(&["q"]);
    tmux.wait_for("proclab-exited-with-0");
    assert_eq!(peers_of(pid), 0);
    assert_eq!(
        proclab::ipc_bench::names::leftovers(pid),
        Vec::<String>::new()
    );
    drop(tmux);

    // A measurement that would take minutes, left half-way with Esc.
    let args = format!(
        "lesson {} --progress {}",
        dir.join("slow.toml").display(),
        dir.join("p2.toml").display()
    );
    let tmux = Tmux::start("measure-esc", &args, 120, 40);
    tmux.wait_for("lesson step 1 of 4");
    let pid = proclab_in(&tmux);
    tmux.keys(&["n"]);
    tmux.wait_for("measuring…");
    tmux.keys(&["Escape"]);
    tmux.wait_for("Lessons (");
    let deadline = Instant::now() + Duration::from_secs(10);
    while peers_of(pid) > 0 || !proclab::ipc_bench::names::leftovers(pid).is_empty() {
        assert!(
            Instant::now() < deadline,
            "the measurement stops and cleans up"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    tmux.keys(&["q"]);
    tmux.wait_for("proclab-exited-with-0");
    let _ = std::fs::remove_dir_all(dir);
}
