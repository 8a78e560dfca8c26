//! Mailslots, modelled on Windows NT, on a hand-checked example: one reader per machine,
//! a broadcast to every mailslot of the name, the 400-byte limit of a broadcast, a message
//! lost without a word, and every error by its Win32 name.

mod common;
use common::calls::*;
use common::windows::*;
use common::*;
use proclab::kernel::win_reason::WinReason;

#[test]
fn a_broadcast_reaches_every_mailslot_of_the_name_and_only_its_server_reads() {
    // By hand (FCFS): alpha and beta each make s on their machine (a second one on alpha is
    // refused); alpha blocks reading. The writer finds no s on this machine, then opens the
    // domain's: "hello" reaches both (alpha is woken with it), 401 bytes are refused, 400
    // go to both. A client's handle can't read; a write to gamma, where no s exists, is
    // lost without a word. beta reads at t=5: 2 bytes are too few for "hello", which stays;
    // then both messages come whole, in order.
    let yes = "y".repeat(400);
    let too_long = "x".repeat(401);
    let r = run(&win_scenario(&[
        (
            "alpha",
            Some(0),
            &[
                "CreateMailslot s@alpha",
                "CreateMailslot s@alpha",
                "ReadFile s 1000",
                "ReadFile s 1000",
            ],
        ),
        (
            "beta",
            Some(0),
            &[
                "CreateMailslot s@beta",
                "sleep 5",
                "ReadFile s 2",
                "ReadFile s 1000",
                "ReadFile s 1000",
            ],
        ),
        (
            "writer",
            Some(1),
            &[
                "CreateFile s",
                "CreateFile s@*",
                "WriteFile s@* hello",
                &format!("WriteFile s@* {too_long}"),
                &format!("WriteFile s@* {yes}"),
                "ReadFile s 100",
                "CreateFile s@gamma",
                "WriteFile s@gamma lost",
            ],
        ),
    ]));
    let c = calls(&r);
    let expected = [
        r#"t=0 alpha: CreateMailslot("\\alpha\mailslot\s") = h3"#.to_string(),
        r#"t=0 alpha: CreateMailslot("\\alpha\mailslot\s") = INVALID_HANDLE_VALUE ERROR_ALREADY_EXISTS"#.into(),
        "t=0 alpha: ReadFile(s, 1000) … blocks".into(),
        r#"t=0 beta: CreateMailslot("\\beta\mailslot\s") = h3"#.into(),
        r#"t=1 writer: CreateFile("\\.\mailslot\s") = INVALID_HANDLE_VALUE ERROR_FILE_NOT_FOUND"#.into(),
        r#"t=1 writer: CreateFile("\\*\mailslot\s") = h3"#.into(),
        "t=1 writer: WriteFile(s@*, \"hello\") = TRUE, 5 bytes".into(),
        "t=1 alpha: returns = TRUE, 5 bytes \"hello\"".into(),
        format!("t=1 writer: WriteFile(s@*, \"{too_long}\") = FALSE ERROR_INVALID_PARAMETER"),
        format!("t=1 writer: WriteFile(s@*, \"{yes}\") = TRUE, 400 bytes"),
        "t=1 writer: ReadFile(s, 100) = FALSE ERROR_ACCESS_DENIED".into(),
        r#"t=1 writer: CreateFile("\\gamma\mailslot\s") = h4"#.into(),
        "t=1 writer: WriteFile(s@gamma, \"lost\") = TRUE, 4 bytes".into(),
        format!("t=1 alpha: ReadFile(s, 1000) = TRUE, 400 bytes \"{yes}\""),
        "t=5 beta: ReadFile(s, 2) = FALSE ERROR_INSUFFICIENT_BUFFER".into(),
        "t=5 beta: ReadFile(s, 1000) = TRUE, 5 bytes \"hello\"".into(),
        format!("t=5 beta: ReadFile(s, 1000) = TRUE, 400 bytes \"{yes}\""),
    ];
    assert_eq!(c, expected);
    let told = notes(&r);
    let delivered = told
        .iter()
        .filter(|n| matches!(n, WinReason::Delivered { machines, broadcast: true, .. } if &**machines == "alpha, beta"))
        .count();
    assert_eq!(delivered, 2, "hello and the 400 bytes, each to both");
    assert!(
        told.iter()
            .any(|n| matches!(n, WinReason::TooLongToBroadcast { bytes: 401, .. }))
    );
    assert!(
        told.iter()
            .any(|n| matches!(n, WinReason::Lost { machine, .. } if &**machine == "gamma"))
    );
    assert!(
        told.iter()
            .any(|n| matches!(n, WinReason::BufferTooSmall { needed: 5, .. }))
    );
}
