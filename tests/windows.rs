//! The Windows family's pipes, modelled on Windows NT, on hand-checked examples: anonymous
//! pipes with inheritable handles and CreateProcess, named pipes in byte and message mode
//! with their instances, WaitNamedPipe, TransactNamedPipe, PeekNamedPipe and
//! DisconnectNamedPipe; every error by its Win32 name; the JSON of the results; the checks
//! before the run. Mailslots are in `mailslots.rs`, the properties in
//! `windows_properties.rs`.

mod common;
use common::calls::*;
use common::windows::*;
use common::*;
use proclab::kernel::win_error::WinError;
use proclab::kernel::win_reason::WinReason;

#[test]
fn a_child_gets_only_inheritable_handles_and_its_standard_handles_from_startupinfo() {
    // By hand (FCFS): the parent's pipe is not inheritable, so kid, given its write handle as
    // standard output, gets an invalid handle there. SetHandleInformation then marks the
    // write handle inheritable, and kid2 gets it. The parent closes its own write handle and
    // blocks reading; kid's WriteFile fails, kid2's wakes the parent; when kid2 ends, no
    // write handle is left: the parent's next ReadFile fails with ERROR_BROKEN_PIPE.
    let r = run(&win_scenario(&[
        (
            "parent",
            Some(0),
            &[
                "CreatePipe p",
                "CreateProcess kid stdout=p",
                "SetHandleInformation p write inherit",
                "CreateProcess kid2 stdout=p",
                "CloseHandle p write",
                "ReadFile p 100",
                "ReadFile p 100",
            ],
        ),
        ("kid", None, &["WriteFile stdout hello"]),
        ("kid2", None, &["WriteFile stdout hi"]),
    ]));
    assert_eq!(
        calls(&r),
        [
            "t=0 parent: CreatePipe(p, not inheritable, 0) = TRUE [read h3, write h4]",
            "t=0 parent: CreateProcess(kid, stdout=p write) = TRUE (kid)",
            "t=0 parent: SetHandleInformation(p write, HANDLE_FLAG_INHERIT, 1) = TRUE",
            "t=0 parent: CreateProcess(kid2, stdout=p write) = TRUE (kid2)",
            "t=0 parent: CloseHandle(p write) = TRUE",
            "t=0 parent: ReadFile(p, 100) … blocks",
            "t=0 kid: WriteFile(stdout, \"hello\") = FALSE ERROR_INVALID_HANDLE",
            "t=0 kid2: WriteFile(stdout, \"hi\") = TRUE, 2 bytes",
            "t=0 parent: returns = TRUE, 2 bytes \"hi\"",
            "t=0 parent: ReadFile(p, 100) = FALSE ERROR_BROKEN_PIPE",
        ]
    );
    let told = notes(&r);
    let kid_stdout: Vec<String> = told
        .iter()
        .filter_map(|n| match n {
            WinReason::Inherited { std, .. } => Some(format!("{:?}", std[1])),
            _ => None,
        })
        .collect();
    assert!(kid_stdout[0].starts_with("NotInherited"), "{kid_stdout:?}");
    assert!(kid_stdout[1].starts_with("Handle"), "{kid_stdout:?}");
}

#[test]
fn a_reader_that_inherits_the_write_handle_waits_for_ever() {
    // The slides' order matters: the shell must close its write handle before it starts the
    // reader, for CreateProcess passes on every inheritable handle. Here it closes it after:
    // r holds a write handle of its own pipe, so its second ReadFile never ends.
    let text = |close_first: bool| {
        let mut shell = vec!["CreatePipe p inheritable", "CreateProcess w stdout=p"];
        if close_first {
            shell.push("CloseHandle p write");
        }
        shell.push("CreateProcess r stdin=p");
        if !close_first {
            shell.push("CloseHandle p write");
        }
        shell.extend(["CloseHandle p read", "wait w", "wait r"]);
        win_scenario(&[
            ("shell", Some(0), &shell),
            ("w", None, &["WriteFile stdout data"]),
            ("r", None, &["ReadFile stdin 100", "ReadFile stdin 100"]),
        ])
    };
    let stuck = run(&text(false)).stuck;
    let names: Vec<(&str, &str)> = stuck
        .iter()
        .map(|s| (s.name.as_str(), s.waits_for.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("shell", "its child r"),
            ("r", "data in a pipe or a message in a mailslot")
        ]
    );
    let r = run(&text(true));
    assert!(r.stuck.is_empty());
    let last = calls(&r).into_iter().rfind(|l| l.contains(" r: ")).unwrap();
    assert_eq!(
        last,
        "t=0 r: ReadFile(stdin, 100) = FALSE ERROR_BROKEN_PIPE"
    );
}

#[test]
fn a_full_anonymous_pipe_takes_what_fits_and_its_writer_waits_for_the_rest() {
    // A pipe of 4 bytes: "abcdef" puts "abcd" in and waits. The reader takes 3 ("abc"), which
    // makes room for "ef": the writer's call returns with all 6 bytes in.
    let r = run(&win_scenario(&[
        (
            "parent",
            Some(0),
            &[
                "CreatePipe p inheritable 4",
                "CreateProcess kid stdin=p",
                "WriteFile p abcdef",
                "CloseHandle p write",
            ],
        ),
        ("kid", None, &["ReadFile stdin 3", "ReadFile stdin 10"]),
    ]));
    assert_eq!(
        calls(&r)[2..],
        [
            "t=0 parent: WriteFile(p, \"abcdef\") … blocks",
            "t=0 kid: ReadFile(stdin, 3) = TRUE, 3 bytes \"abc\"",
            "t=0 parent: returns = TRUE, 6 bytes",
            "t=0 kid: ReadFile(stdin, 10) = TRUE, 3 bytes \"def\"",
            "t=0 parent: CloseHandle(p write) = TRUE",
        ]
    );
}

#[test]
fn message_mode_reads_one_message_and_byte_mode_runs_writes_together() {
    // By hand (FCFS): the server waits on b; the client's CreateFile of b wakes it, and the
    // client opens m before the server calls ConnectNamedPipe on it (ERROR_PIPE_CONNECTED:
    // connected already). The client writes two pieces to each pipe and sleeps. On b, one
    // read of 100 bytes gets "onetwo"; on m, "one" alone; a 3-byte buffer gets "thr" with
    // ERROR_MORE_DATA and the next read the rest; a peek shows "four" and leaves it there.
    let r = run(&win_scenario(&[
        (
            "server",
            Some(0),
            &[
                "CreateNamedPipe b byte",
                "CreateNamedPipe m message",
                "ConnectNamedPipe b",
                "ConnectNamedPipe m",
                "sleep 2",
                "ReadFile b 100",
                "ReadFile m 100",
                "ReadFile m 3",
                "ReadFile m 100",
                "PeekNamedPipe m 100",
                "ReadFile m 100",
            ],
        ),
        (
            "client",
            Some(1),
            &[
                "CreateFile b",
                "CreateFile m",
                "WriteFile b one",
                "WriteFile b two",
                "WriteFile m one",
                "WriteFile m three",
                "WriteFile m four",
                "sleep 9",
            ],
        ),
    ]));
    assert_eq!(
        calls(&r),
        [
            r#"t=0 server: CreateNamedPipe("\\.\pipe\b", PIPE_TYPE_BYTE, 1) = h3"#,
            r#"t=0 server: CreateNamedPipe("\\.\pipe\m", PIPE_TYPE_MESSAGE, 1) = h4"#,
            "t=0 server: ConnectNamedPipe(b) … blocks",
            r#"t=1 client: CreateFile("\\.\pipe\b") = h3 (server was waiting in ConnectNamedPipe)"#,
            "t=1 server: returns = TRUE",
            r#"t=1 client: CreateFile("\\.\pipe\m") = h4"#,
            "t=1 client: WriteFile(b, \"one\") = TRUE, 3 bytes",
            "t=1 client: WriteFile(b, \"two\") = TRUE, 3 bytes",
            "t=1 client: WriteFile(m, \"one\") = TRUE, 3 bytes",
            "t=1 client: WriteFile(m, \"three\") = TRUE, 5 bytes",
            "t=1 client: WriteFile(m, \"four\") = TRUE, 4 bytes",
            "t=1 server: ConnectNamedPipe(m) = FALSE ERROR_PIPE_CONNECTED",
            "t=3 server: ReadFile(b, 100) = TRUE, 6 bytes \"onetwo\"",
            "t=3 server: ReadFile(m, 100) = TRUE, 3 bytes \"one\"",
            "t=3 server: ReadFile(m, 3) = FALSE ERROR_MORE_DATA, 3 bytes \"thr\"",
            "t=3 server: ReadFile(m, 100) = TRUE, 2 bytes \"ee\"",
            "t=3 server: PeekNamedPipe(m, 100) = TRUE, 4 bytes \"four\" (4 available, 0 left in the message)",
            "t=3 server: ReadFile(m, 100) = TRUE, 4 bytes \"four\"",
        ]
    );
    let told = notes(&r);
    assert!(told.contains(&WinReason::Merged {
        object: 0,
        writes: 2
    }));
    assert!(told.contains(&WinReason::MoreData { object: 1, left: 2 }));
}

#[test]
fn a_busy_pipe_makes_clients_wait_and_a_disconnect_frees_its_instance() {
    // By hand (FCFS): p has at most 1 instance, so the server's second CreateNamedPipe fails
    // with ERROR_PIPE_BUSY. a finds the instance free, connects and blocks reading; b finds it
    // busy and waits in WaitNamedPipe. `gone` was made and closed again, so late finds no
    // such pipe. At t=3 the server, whose client came first, reads "hello" and answers; at
    // t=5 it disconnects a — whose blocked read and later write fail, its handle now good
    // for nothing — and connects again, which frees the instance: b's wait returns, b
    // connects, and its transaction gets the server's answer.
    let r = run(&win_scenario(&[
        (
            "server",
            Some(0),
            &[
                "CreateNamedPipe p message instances 1",
                "CreateNamedPipe p message instances 1",
                "sleep 3",
                "ConnectNamedPipe p",
                "ReadFile p 100",
                "WriteFile p yes",
                "sleep 2",
                "DisconnectNamedPipe p",
                "ConnectNamedPipe p",
                "ReadFile p 100",
                "WriteFile p granted",
            ],
        ),
        (
            "other",
            Some(0),
            &["CreateNamedPipe gone byte", "CloseHandle gone"],
        ),
        (
            "a",
            Some(1),
            &[
                "WaitNamedPipe p",
                "CreateFile p",
                "WriteFile p hello",
                "ReadFile p 100",
                "ReadFile p 100",
                "WriteFile p again",
                "CloseHandle p",
            ],
        ),
        (
            "b",
            Some(2),
            &[
                "CreateFile p",
                "WaitNamedPipe p",
                "CreateFile p",
                "TransactNamedPipe p 100 please",
                "CloseHandle p",
            ],
        ),
        ("late", Some(3), &["WaitNamedPipe gone", "CreateFile gone"]),
    ]));
    let wait = r#"WaitNamedPipe("\\.\pipe\p", NMPWAIT_WAIT_FOREVER)"#;
    let open = r#"CreateFile("\\.\pipe\p")"#;
    assert_eq!(
        calls(&r),
        [
            r#"t=0 server: CreateNamedPipe("\\.\pipe\p", PIPE_TYPE_MESSAGE, 1) = h3"#.to_string(),
            r#"t=0 server: CreateNamedPipe("\\.\pipe\p", PIPE_TYPE_MESSAGE, 1) = INVALID_HANDLE_VALUE ERROR_PIPE_BUSY"#.into(),
            r#"t=0 other: CreateNamedPipe("\\.\pipe\gone", PIPE_TYPE_BYTE, 1) = h3"#.into(),
            "t=0 other: CloseHandle(gone) = TRUE".into(),
            format!("t=1 a: {wait} = TRUE"),
            format!("t=1 a: {open} = h3"),
            "t=1 a: WriteFile(p, \"hello\") = TRUE, 5 bytes".into(),
            "t=1 a: ReadFile(p, 100) … blocks".into(),
            format!("t=2 b: {open} = INVALID_HANDLE_VALUE ERROR_PIPE_BUSY"),
            format!("t=2 b: {wait} … blocks"),
            "t=3 server: ConnectNamedPipe(p) = FALSE ERROR_PIPE_CONNECTED".into(),
            "t=3 server: ReadFile(p, 100) = TRUE, 5 bytes \"hello\"".into(),
            "t=3 server: WriteFile(p, \"yes\") = TRUE, 3 bytes".into(),
            "t=3 a: returns = TRUE, 3 bytes \"yes\"".into(),
            r#"t=3 late: WaitNamedPipe("\\.\pipe\gone", NMPWAIT_WAIT_FOREVER) = FALSE ERROR_FILE_NOT_FOUND"#.into(),
            r#"t=3 late: CreateFile("\\.\pipe\gone") = INVALID_HANDLE_VALUE ERROR_FILE_NOT_FOUND"#.into(),
            "t=3 a: ReadFile(p, 100) … blocks".into(),
            "t=5 server: DisconnectNamedPipe(p) = TRUE".into(),
            "t=5 a: returns = FALSE ERROR_PIPE_NOT_CONNECTED".into(),
            "t=5 server: ConnectNamedPipe(p) … blocks".into(),
            "t=5 b: returns = TRUE".into(),
            "t=5 a: WriteFile(p, \"again\") = FALSE ERROR_PIPE_NOT_CONNECTED".into(),
            "t=5 a: CloseHandle(p) = TRUE".into(),
            format!("t=5 b: {open} = h3 (server was waiting in ConnectNamedPipe)"),
            "t=5 server: returns = TRUE".into(),
            "t=5 b: TransactNamedPipe(p, \"please\", 100) … blocks".into(),
            "t=5 server: ReadFile(p, 100) = TRUE, 6 bytes \"please\"".into(),
            "t=5 server: WriteFile(p, \"granted\") = TRUE, 7 bytes".into(),
            "t=5 b: returns = TRUE, 7 bytes \"granted\"".into(),
            "t=5 b: CloseHandle(p) = TRUE".into(),
        ]
    );
    assert!(r.stuck.is_empty());
}

#[test]
fn every_pipe_call_fails_with_win32s_error_when_it_cannot_work() {
    let r = run(&win_scenario(&[
        (
            "server",
            Some(0),
            &[
                "CreateNamedPipe q byte",
                "ReadFile q 10",
                "WriteFile q early",
                "TransactNamedPipe q 10 hi",
                "ConnectNamedPipe q",
                "WriteFile q hello",
                "sleep 2",
                "WriteFile q bye",
                "ReadFile q 10",
                "CreatePipe a",
                "CloseHandle a write",
                "WriteFile a x",
                "CloseHandle a write",
                "PeekNamedPipe a 5",
            ],
        ),
        (
            "client",
            Some(1),
            &[
                "ReadFile q 10",
                "CreateFile q",
                "TransactNamedPipe q 10 hi",
                "ReadFile q 10",
                "CloseHandle q",
            ],
        ),
        (
            "talker",
            Some(5),
            &[
                "CreateNamedPipe m message",
                "ConnectNamedPipe m",
                "WriteFile m stale",
                "sleep 5",
            ],
        ),
        (
            "asker",
            Some(6),
            &[
                "CreateFile m",
                "sleep 1",
                "TransactNamedPipe m 10 \"what now?\"",
            ],
        ),
    ]));
    let c = calls(&r);
    assert_eq!(
        c,
        [
            r#"t=0 server: CreateNamedPipe("\\.\pipe\q", PIPE_TYPE_BYTE, 1) = h3"#,
            // No client has opened the instance yet.
            "t=0 server: ReadFile(q, 10) = FALSE ERROR_PIPE_LISTENING",
            "t=0 server: WriteFile(q, \"early\") = FALSE ERROR_PIPE_LISTENING",
            // A transaction needs a message pipe.
            "t=0 server: TransactNamedPipe(q, \"hi\", 10) = FALSE ERROR_BAD_PIPE",
            "t=0 server: ConnectNamedPipe(q) … blocks",
            // No handle yet.
            "t=1 client: ReadFile(q, 10) = FALSE ERROR_INVALID_HANDLE",
            r#"t=1 client: CreateFile("\\.\pipe\q") = h3 (server was waiting in ConnectNamedPipe)"#,
            "t=1 server: returns = TRUE",
            "t=1 client: TransactNamedPipe(q, \"hi\", 10) = FALSE ERROR_BAD_PIPE",
            "t=1 client: ReadFile(q, 10) … blocks",
            "t=1 server: WriteFile(q, \"hello\") = TRUE, 5 bytes",
            "t=1 client: returns = TRUE, 5 bytes \"hello\"",
            "t=1 client: CloseHandle(q) = TRUE",
            // The client is gone: nobody reads, and nothing is left to read.
            "t=3 server: WriteFile(q, \"bye\") = FALSE ERROR_NO_DATA",
            "t=3 server: ReadFile(q, 10) = FALSE ERROR_BROKEN_PIPE",
            "t=3 server: CreatePipe(a, not inheritable, 0) = TRUE [read h4, write h5]",
            "t=3 server: CloseHandle(a write) = TRUE",
            // Only a read handle is left: it can't write, and there is no write end to close.
            "t=3 server: WriteFile(a, \"x\") = FALSE ERROR_ACCESS_DENIED",
            "t=3 server: CloseHandle(a write) = FALSE ERROR_INVALID_HANDLE",
            // Nothing in the pipe, and nobody can ever write to it.
            "t=3 server: PeekNamedPipe(a, 5) = FALSE ERROR_BROKEN_PIPE",
            r#"t=5 talker: CreateNamedPipe("\\.\pipe\m", PIPE_TYPE_MESSAGE, 1) = h3"#,
            "t=5 talker: ConnectNamedPipe(m) … blocks",
            r#"t=6 asker: CreateFile("\\.\pipe\m") = h3 (talker was waiting in ConnectNamedPipe)"#,
            "t=6 talker: returns = TRUE",
            "t=6 talker: WriteFile(m, \"stale\") = TRUE, 5 bytes",
            // A reply must answer the request: unread data makes the transaction fail.
            "t=7 asker: TransactNamedPipe(m, \"what now?\", 10) = FALSE ERROR_PIPE_BUSY",
        ]
    );
}

#[test]
fn win32_results_go_to_the_json_apart_from_errno() {
    let r = run(&win_scenario(&[(
        "p",
        Some(0),
        &[
            "CreateNamedPipe n",
            "CreateNamedPipe n",
            "pipe u",
            "close u read",
            "write u x",
        ],
    )]));
    let json = serde_json::to_value(&r.events).expect("events serialize");
    let results: Vec<&serde_json::Value> = json
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "call")
        .map(|e| &e["result"])
        .collect();
    assert_eq!(results[1]["ret"], -1);
    assert_eq!(results[1]["errno"], serde_json::Value::Null);
    assert_eq!(results[1]["win32"]["last_error"], "ERROR_PIPE_BUSY");
    // A Linux call's result is as it always was: no win32 part at all.
    assert_eq!(results[4]["errno"], "EPIPE");
    assert!(results[4].get("win32").is_none(), "{}", results[4]);
    let steps: Vec<&serde_json::Value> = json
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "call")
        .map(|e| &e["step"])
        .collect();
    assert_eq!(steps[0]["step"], "win");
    assert_eq!(steps[0]["call"], "CreateNamedPipe");
    assert_eq!(WinError::ERROR_PIPE_BUSY.code(), 231);
}

#[test]
fn the_checker_refuses_windows_steps_that_cannot_work() {
    let cases: [(&[&str], &str); 7] = [
        (
            &["CreateMailslot a", "ConnectNamedPipe a"],
            "a is a mailslot, not a Windows named pipe",
        ),
        (
            &["CreateNamedPipe o", "CreateFile o@far"],
            "proclab models no pipe on another machine",
        ),
        (&["CreateMailslot a@*"], "names every machine of the domain"),
        (
            &["CreateMailslot a", "ReadFile a@* 10"],
            "names every machine",
        ),
        (&["CreatePipe p", "CloseHandle p"], "needs the end to close"),
        (&["CreatePipe p", "WriteFile stdin x"], "can't use stdin"),
        (
            &["CreatePipe p", "TransactNamedPipe p 10 x"],
            "p is a Windows anonymous pipe, not a Windows named pipe",
        ),
    ];
    for (program, expected) in cases {
        let text = win_scenario(&[("p0", Some(0), program)]);
        let err = proclab::scenario::Scenario::parse("s.toml", &text).expect_err("refused");
        let text = format!("{err:?}");
        assert!(text.contains(expected), "{program:?}: {text}");
    }
}
