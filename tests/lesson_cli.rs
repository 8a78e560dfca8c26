//! Lessons and `dev check` at the command line, through the built binary: plain mode with
//! answers on standard input, progress files, and the errors a lesson author meets.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

const FIXTURE: &str = "tests/fixtures/lesson-zombie.toml";

fn proclab(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_proclab"))
        .args(args)
        .env("NO_COLOR", "1")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(input.as_bytes())
        .expect("input is taken");
    child.wait_with_output().expect("it ends")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh folder for one test's files.
fn scratch(test: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("proclab-lesson-cli-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp is writable");
    dir
}

#[test]
fn plain_mode_plays_a_lesson_from_standard_input_and_saves_progress() {
    let dir = scratch("plain");
    let progress = dir.join("progress.toml");
    let p = progress.to_str().unwrap();
    // Step 2 asks for the child's state (zombie is choice 6), step 3 predicts it, step 4 its
    // exit status: one wrong try and a hint on the way.
    let o = proclab(
        &["lesson", FIXTURE, "--plain", "--progress", p],
        "h\n2\n6\nzombie\n3\n",
    );
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(out.contains("Hint: It has exited."), "{out}");
    assert!(out.contains("Not quite. Try again."), "{out}");
    assert!(
        out.contains("Lesson complete. Questions answered right at the first try: 2 of 3."),
        "{out}"
    );
    let saved = std::fs::read_to_string(&progress).unwrap();
    assert!(
        saved.contains("[lessons.fixture-zombie]") && saved.contains("done = true"),
        "{saved}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_lesson_resumes_where_the_student_stopped() {
    let dir = scratch("resume");
    let progress = dir.join("p.toml");
    let p = progress.to_str().unwrap();
    let o = proclab(&["lesson", FIXTURE, "--plain", "--progress", p], "6\n");
    assert!(
        text(&o.stdout).contains("(end of input)"),
        "{}",
        text(&o.stdout)
    );
    let o = proclab(
        &["lesson", FIXTURE, "--plain", "--progress", p],
        "zombie\n3\n",
    );
    let out = text(&o.stdout);
    assert!(out.contains("Resuming at step 3"), "{out}");
    assert!(out.contains("Lesson complete"), "{out}");
    let o = proclab(
        &["lesson", FIXTURE, "--plain", "--progress", p, "--restart"],
        "",
    );
    assert!(
        text(&o.stdout).contains("Step 1 of 4"),
        "{}",
        text(&o.stdout)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn unknown_ids_in_the_progress_file_are_ignored_with_a_warning() {
    let dir = scratch("unknown");
    let progress = dir.join("p.toml");
    std::fs::write(&progress, "[lessons.no-such-lesson]\nstep = 2\n").unwrap();
    let o = proclab(&["lessons", "--progress", progress.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("no lesson has the id `no-such-lesson`; ignoring it"),
        "{}",
        text(&o.stderr)
    );
    assert!(text(&o.stdout).contains("Lessons"), "{}", text(&o.stdout));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_lesson_that_does_not_exist_is_bad_input() {
    let o = proclab(&["lesson", "no-such-lesson", "--plain"], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("no lesson `no-such-lesson`"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn authors_get_the_file_line_and_column_and_a_hint() {
    let dir = scratch("bad");
    let bad = dir.join("bad.toml");
    let fixture = std::fs::read_to_string(FIXTURE).unwrap();
    std::fs::write(
        &bad,
        fixture.replace("until child is zombie", "until chlid is zombie"),
    )
    .unwrap();
    let b = bad.to_str().unwrap();
    for args in [vec!["lesson", b, "--plain"], vec!["dev", "check", b]] {
        let o = proclab(&args, "");
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("bad.toml:16:6"), "{args:?}: {err}");
        assert!(err.contains("did you mean `child`?"), "{args:?}: {err}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn dev_check_passes_good_files_and_catches_duplicate_ids() {
    let o = proclab(&["dev", "check", FIXTURE, "scenarios/lifecycle"], "");
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(out.contains("lesson fixture-zombie"), "{out}");
    assert!(
        out.contains("1 lessons, 0 exercises,") && out.contains("all valid"),
        "{out}"
    );
    let dir = scratch("duplicate");
    let lessons = dir.join("lessons");
    std::fs::create_dir_all(&lessons).unwrap();
    std::fs::copy(FIXTURE, lessons.join("a.toml")).unwrap();
    std::fs::copy(FIXTURE, lessons.join("b.toml")).unwrap();
    let o = proclab(&["dev", "check", lessons.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("the id `fixture-zombie` is already used by"),
        "{}",
        text(&o.stderr)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_repository_passes_its_own_check() {
    let o = proclab(&["dev", "check"], "");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    assert!(text(&o.stdout).contains("all valid"), "{}", text(&o.stdout));
}

#[cfg(target_os = "linux")]
#[test]
fn a_lesson_on_a_real_scenario_shows_the_real_kernel_in_plain_mode_too() {
    let dir = scratch("real");
    let p = dir.join("p.toml");
    let p = p.to_str().unwrap();
    let o = proclab(
        &["lesson", FIXTURE, "--plain", "--progress", p],
        "6\nzombie\n3\n",
    );
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(out.contains("On the real Linux kernel:"), "{out}");
    // At the step where the model's child is a zombie, the real twin is Z in /proc.
    assert!(
        out.contains("exited; now Z (zombie: exited, not reaped)"),
        "{out}"
    );
    let o = proclab(
        &[
            "lesson",
            FIXTURE,
            "--plain",
            "--no-real",
            "--progress",
            p,
            "--restart",
        ],
        "",
    );
    assert!(
        !text(&o.stdout).contains("On the real Linux kernel:"),
        "{}",
        text(&o.stdout)
    );
    let _ = std::fs::remove_dir_all(dir);
}
