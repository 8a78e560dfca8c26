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
    let screen = tmux.wait_for("and scenarios (");
    assert!(
        screen.contains("▸ at step 2 of"),
        "progress shows on the home screen:\n{screen}"
    );
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
