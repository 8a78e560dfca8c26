//! Sockets in the model, on hand-checked examples: a stream's connections, backlog and end of
//! file; UDP's datagrams; the errors of each call; and, as a property, that a stream delivers
//! exactly the bytes sent, in order, while the kernel's invariants hold.

mod common;
use common::calls::*;
use common::*;
use proclab::kernel::{Event, Reason, Step};
use proptest::prelude::*;

/// A scenario under FCFS with these processes: (name, arrival, program).
fn scenario(processes: &[(&str, u32, &[&str])]) -> String {
    let mut text = String::from("title = \"t\"\n[kernel]\nscheduler = \"fcfs\"\n");
    for (name, arrival, program) in processes {
        let steps: Vec<String> = program.iter().map(|s| format!("{s:?}")).collect();
        text.push_str(&format!(
            "[[process]]\nname = \"{name}\"\narrival = {arrival}\nprogram = [{}]\n",
            steps.join(", ")
        ));
    }
    text
}

#[test]
fn a_waiting_server_takes_a_connection_at_once_and_the_client_reads_to_end_of_file() {
    // By hand (FCFS): the server listens and blocks in accept at t=0. At t=1 c1 connects: the
    // connection goes straight to the waiting server (descriptor 4), and c1 blocks in recv.
    // The server computes 2 ticks (c2, arrived at t=2, can't run), answers c1 at t=3 and
    // closes that connection, which ends c1's stream; its next accept blocks. c2 has been
    // ready since t=2, before c1 was woken at t=3, so FCFS runs it first: its connection is
    // handed to the waiting server. Then c1 reads its answer's end of file, then the server.
    let r = run(&scenario(&[
        (
            "server",
            0,
            &[
                "listen d tcp",
                "accept d",
                "cpu 2",
                "send d one",
                "close d",
                "accept d",
                "send d two",
                "close d",
                "close d",
            ],
        ),
        ("c1", 1, &["connect d", "recv d", "recv d"]),
        ("c2", 2, &["connect d", "recv d"]),
    ]));
    assert_eq!(
        calls(&r),
        [
            "t=0 server: socket(AF_INET, SOCK_STREAM) + bind(d) + listen = 3",
            "t=0 server: accept(d) … blocks",
            "t=1 c1: socket + connect(d) = 3 (server was waiting in accept)",
            "t=1 server: returns = 4",
            "t=1 c1: recv(d, 1024) … blocks",
            "t=3 server: send(d, \"one\") = 3 \"one\"",
            "t=3 c1: returns = 3 \"one\"",
            "t=3 server: close(d) = 0",
            "t=3 server: accept(d) … blocks",
            "t=3 c2: socket + connect(d) = 3 (server was waiting in accept)",
            "t=3 server: returns = 4",
            "t=3 c2: recv(d, 1024) … blocks",
            "t=3 c1: recv(d, 1024) = 0 \"\" (end of file)",
            "t=3 server: send(d, \"two\") = 3 \"two\"",
            "t=3 c2: returns = 3 \"two\"",
            "t=3 server: close(d) = 0",
            "t=3 server: close(d) = 0",
        ]
    );
}

#[test]
fn a_stream_runs_sends_together_and_closing_ends_the_peers_wait() {
    // By hand (FCFS): the client arrives at t=1 but runs only when the server blocks in
    // accept at t=3. Its two sends wait in the connection; the server's one recv takes both
    // as "what time?"; its close then wakes the client's recv with end of file.
    let r = run(&scenario(&[
        (
            "server",
            0,
            &[
                "listen d unix",
                "cpu 3",
                "accept d",
                "recv d 100",
                "close d",
                "close d",
            ],
        ),
        (
            "client",
            1,
            &[
                "connect d",
                "send d \"what \"",
                "send d \"time?\"",
                "recv d",
            ],
        ),
    ]));
    assert_eq!(
        calls(&r),
        [
            "t=0 server: socket(AF_UNIX, SOCK_STREAM) + bind(d) + listen = 3",
            "t=3 server: accept(d) … blocks",
            "t=3 client: socket + connect(d) = 3 (server was waiting in accept)",
            "t=3 server: returns = 4",
            "t=3 client: send(d, \"what \") = 5 \"what \"",
            "t=3 client: send(d, \"time?\") = 5 \"time?\"",
            "t=3 client: recv(d, 1024) … blocks",
            "t=3 server: recv(d, 100) = 10 \"what time?\" (from client)",
            "t=3 server: close(d) = 0",
            "t=3 client: returns = 0 \"\"",
            "t=3 server: close(d) = 0",
        ]
    );
}

#[test]
fn udp_keeps_every_send_whole_cuts_a_long_one_and_drops_what_nobody_reads() {
    // By hand (FCFS): the server blocks in recv at t=0. At t=1 the client's first datagram
    // is handed to it; "two" and "three!!" wait, one datagram each, and the client blocks in
    // recv. The server receives "two" alone, then 4 bytes of "three!!" (the rest is lost),
    // answers the last sender and closes. The client's "bye" finds nobody: dropped, no error.
    let r = run(&scenario(&[
        (
            "server",
            0,
            &[
                "listen u udp",
                "recv u",
                "recv u",
                "recv u 4",
                "send u \"at {tick}\"",
                "close u",
            ],
        ),
        (
            "client",
            1,
            &[
                "connect u",
                "send u one",
                "send u two",
                "send u three!!",
                "recv u",
                "send u bye",
            ],
        ),
    ]));
    assert_eq!(
        calls(&r),
        [
            "t=0 server: socket(AF_INET, SOCK_DGRAM) + bind(u) = 3",
            "t=0 server: recv(u, 1024) … blocks",
            "t=1 client: socket + connect(u) = 3",
            "t=1 client: send(u, \"one\") = 3 \"one\"",
            "t=1 server: returns = 3 \"one\"",
            "t=1 client: send(u, \"two\") = 3 \"two\"",
            "t=1 client: send(u, \"three!!\") = 7 \"three!!\"",
            "t=1 client: recv(u, 1024) … blocks",
            "t=1 server: recv(u, 1024) = 3 \"two\" (from client)",
            "t=1 server: recv(u, 4) = 4 \"thre\" (from client)",
            "t=1 server: send(u, \"at {tick}\") = 4 \"at 1\"",
            "t=1 client: returns = 4 \"at 1\"",
            "t=1 server: close(u) = 0",
            "t=1 client: send(u, \"bye\") = 3 \"bye\"",
        ]
    );
    let lost: Vec<_> = r
        .events
        .iter()
        .filter(|e| {
            matches!(
                e,
                Event::Note {
                    reason: Reason::DatagramLost { .. },
                    ..
                }
            )
        })
        .collect();
    assert_eq!(lost.len(), 1, "only bye is lost");
}

#[test]
fn every_call_fails_as_linux_says_when_it_cannot_work() {
    let r = run(&scenario(&[
        (
            "early",
            0,
            &["connect t", "connect x", "sleep 5", "connect t", "recv t"],
        ),
        (
            "server",
            1,
            &[
                "listen t tcp",
                "listen t tcp",
                "listen x unix",
                "send t no",
                "recv t",
                "send u none",
                "sleep 10",
                "close t",
                "close x",
                "listen x unix",
                "listen u udp",
                "send u whom",
            ],
        ),
        ("client", 2, &["connect u"]),
    ]));
    assert_eq!(
        calls(&r),
        [
            // Nobody listens yet: TCP refuses, the Unix socket's file does not exist.
            "t=0 early: socket + connect(t) = -1 ECONNREFUSED",
            "t=0 early: socket + connect(x) = -1 ENOENT",
            "t=1 server: socket(AF_INET, SOCK_STREAM) + bind(t) + listen = 3",
            "t=1 server: socket(AF_INET, SOCK_STREAM) + bind(t) + listen = -1 EADDRINUSE",
            "t=1 server: socket(AF_UNIX, SOCK_STREAM) + bind(x) + listen = 4",
            // A listening socket carries no data.
            "t=1 server: send(t, \"no\") = -1 ENOTCONN",
            "t=1 server: recv(t, 1024) = -1 ENOTCONN",
            "t=1 server: send(u, \"none\") = -1 EBADF",
            "t=2 client: socket + connect(u) = 3",
            "t=5 early: socket + connect(t) = 3",
            "t=5 early: recv(t, 1024) … blocks",
            // Closing the listening socket resets the connection nobody accepted.
            "t=11 server: close(t) = 0",
            "t=11 early: returns = -1 ECONNRESET",
            "t=11 server: close(x) = 0",
            // The Unix socket's file is still there.
            "t=11 server: socket(AF_UNIX, SOCK_STREAM) + bind(x) + listen = -1 EADDRINUSE",
            "t=11 server: socket(AF_INET, SOCK_DGRAM) + bind(u) = 3",
            // A UDP server answers the last sender: it has had none.
            "t=11 server: send(u, \"whom\") = -1 EDESTADDRREQ",
        ]
    );
}

#[test]
fn a_forked_child_shares_the_connection_so_end_of_file_waits_for_both() {
    // The server's child inherits the accepted connection. The parent's close is not the
    // last descriptor of the server's side, so the client still waits; the child's is.
    let text = scenario(&[
        (
            "server",
            0,
            &["listen d tcp", "accept d", "fork kid", "close d", "close d"],
        ),
        ("client", 1, &["connect d", "recv d"]),
    ]) + "[[process]]\nname = \"kid\"\nforked_by = \"server\"\nprogram = [\"cpu 4\", \"send d bye\", \"close d\"]\n";
    let r = run(&text);
    let c = calls(&r);
    let client: Vec<&String> = c.iter().filter(|l| l.contains(" client: ")).collect();
    assert_eq!(
        client,
        [
            "t=1 client: socket + connect(d) = 3 (server was waiting in accept)",
            "t=1 client: recv(d, 1024) … blocks",
            "t=5 client: returns = 3 \"bye\"",
        ]
    );
}

#[test]
fn the_checker_refuses_socket_steps_that_cannot_work() {
    let cases: [(&[&str], &str); 4] = [
        (&["listen u udp", "accept u"], "UDP has no connections"),
        (
            &["connect nowhere"],
            "no TCP socket or UDP socket or Unix socket named nowhere",
        ),
        (
            &["listen d tcp", "try-send d x"],
            "try-send is for mailboxes",
        ),
        (&["listen d tcp", "receive d"], "recv d"),
    ];
    for (program, expected) in cases {
        let err = proclab::scenario::Scenario::parse("s.toml", &scenario(&[("p", 0, program)]))
            .expect_err("refused");
        let text = format!("{err:?}");
        assert!(text.contains(expected), "{program:?}: {text}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the scheduling and however the bytes are split, a stream delivers exactly the
    /// bytes sent, in order, and ends with end of file once the sender closes.
    #[test]
    fn a_stream_delivers_exactly_what_was_sent_in_order(
        pieces in prop::collection::vec("[a-z]{1,6}", 1..6),
        sizes in prop::collection::vec(1u32..8, 1..12),
        gaps in prop::collection::vec(0u64..3, 6),
        quantum in 1u64..4,
        transport in prop::sample::select(vec!["tcp", "unix"]),
    ) {
        let mut client = vec!["connect s".to_string()];
        for (i, p) in pieces.iter().enumerate() {
            if gaps[i % gaps.len()] > 0 {
                client.push(format!("cpu {}", gaps[i % gaps.len()]));
            }
            client.push(format!("send s {p}"));
        }
        client.push("close s".into());
        let mut server = vec![format!("listen s {transport}"), "accept s".into()];
        let total: usize = pieces.iter().map(String::len).sum();
        // Enough reads to drain everything and then see end of file.
        for i in 0..total + 1 {
            server.push(format!("recv s {}", sizes[i % sizes.len()]));
        }
        let quote = |steps: &[String]| {
            steps.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(", ")
        };
        let text = format!(
            "title = \"p\"\n[kernel]\nscheduler = \"rr\"\nquantum = {quantum}\n\
             [[process]]\nname = \"server\"\nprogram = [{}]\n\
             [[process]]\nname = \"client\"\narrival = 1\nprogram = [{}]\n",
            quote(&server),
            quote(&client)
        );
        let (events, done) = checked_run(&text)?;
        prop_assert!(done, "the run ends\n{}", text);
        let mut got = String::new();
        let mut eof = false;
        for (_, step, result) in finished_calls(&events) {
            if let Step::SocketRecv { max, .. } = step {
                prop_assert!(result.errno.is_none(), "{:?}\n{}", result, text);
                prop_assert!(result.ret as u32 <= max);
                if result.ret == 0 {
                    eof = true;
                } else {
                    prop_assert!(!eof, "data after end of file\n{}", text);
                    got.push_str(result.data.as_deref().unwrap_or(""));
                }
            }
        }
        prop_assert_eq!(got, pieces.concat());
        prop_assert!(eof, "end of file reached\n{}", text);
    }
}
