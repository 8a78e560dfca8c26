//! The step parser on examples: every keyword, and the errors of each.

use super::*;

fn ok(text: &str) -> RawStep {
    parse(text, 0..text.len() + 2, true).expect("parses")
}

fn err(text: &str) -> StepError {
    parse(text, 10..12 + text.len(), true).expect_err("is rejected")
}

#[test]
fn parses_every_step() {
    assert_eq!(ok("cpu 5"), RawStep::Cpu(5));
    assert!(matches!(ok("io disk 3"), RawStep::Io(w, 3) if w.text == "disk"));
    assert_eq!(ok("sleep 2"), RawStep::Sleep(2));
    assert_eq!(ok("exit"), RawStep::Exit(0));
    assert_eq!(ok("exit 3"), RawStep::Exit(3));
    assert!(matches!(ok("fork kid"), RawStep::Fork(w) if w.text == "kid"));
    assert!(
        matches!(ok("exec ls -l /tmp"), RawStep::Exec(w, a) if w.text == "ls" && a == ["-l", "/tmp"])
    );
    assert_eq!(ok("wait"), RawStep::Wait(None));
    assert!(
        matches!(ok("kill kid TERM"), RawStep::Kill(w, Some(s)) if w.text == "kid" && s.text == "TERM")
    );
    assert!(matches!(ok("exec echo \"hello world\""), RawStep::Exec(_, a) if a == ["hello world"]));
    assert!(
        matches!(ok("mailbox box"), RawStep::Mailbox(w, Capacity::Unbounded) if w.text == "box")
    );
    assert!(matches!(
        ok("mailbox box 0"),
        RawStep::Mailbox(_, Capacity::Zero)
    ));
    assert!(matches!(
        ok("mailbox box 3"),
        RawStep::Mailbox(_, Capacity::Bounded(3))
    ));
    assert!(
        matches!(ok("send box \"hi there\""), RawStep::Send(w, t, true) if w.text == "box" && t == "hi there")
    );
    assert!(matches!(ok("try-send B x"), RawStep::Send(_, _, false)));
    assert!(matches!(ok("receive A"), RawStep::Receive(w, true) if w.text == "A"));
    assert!(matches!(ok("try-receive box"), RawStep::Receive(_, false)));
    assert!(matches!(ok("destroy box"), RawStep::Destroy(_)));
    assert!(
        matches!(ok("listen daytime tcp"), RawStep::Listen(w, Transport::Tcp) if w.text == "daytime")
    );
    assert!(matches!(
        ok("listen d unix"),
        RawStep::Listen(_, Transport::Unix)
    ));
    assert!(matches!(ok("accept d"), RawStep::Accept(_)));
    assert!(matches!(ok("connect d"), RawStep::Connect(_)));
    assert!(matches!(ok("recv d"), RawStep::Recv(_, 1024)));
    assert!(matches!(ok("recv d 5"), RawStep::Recv(_, 5)));
}

#[test]
fn rejects_bad_message_steps() {
    assert!(
        err("mailbox box -1")
            .message
            .contains("not a mailbox capacity")
    );
    assert!(err("mailbox box lots").hint.unwrap().contains("unbounded"));
    assert_eq!(err("receive").message, "`receive` takes 1 argument");
    assert_eq!(err("send box").message, "`send` takes at least 2 arguments");
    let long = format!("send box {}", "x".repeat(MAX_MESSAGE + 1));
    assert!(err(&long).message.contains("too long"));
}

#[test]
fn points_at_the_offending_word() {
    let e = err("cpu 0");
    assert_eq!(e.span, 15..16);
    assert!(e.message.contains("positive"), "{}", e.message);
    let e = err("cpuu 3");
    assert_eq!(e.message, "unknown step `cpuu`");
    assert!(e.hint.unwrap().ends_with("did you mean cpu?"));
    let e = err("io disk");
    assert_eq!(e.message, "`io` takes 2 arguments");
    assert!(err("exit 300").message.contains("0 to 255"));
    assert!(err("cpu five").message.contains("not a number"));
    assert!(err("").message.contains("empty"));
    assert!(err("exec \"open").message.contains("closing quote"));
}
