//! Remote procedure calls in the model, on hand-checked examples: marshalling, the three
//! promises when a reply is lost, timeouts, and, as a property, how often a deposit runs.

mod common;
use common::calls::*;
use common::*;
use proclab::kernel::{Event, Reason};
use proptest::prelude::*;

/// The lines of `calls` that mention `who`.
fn of<'a>(calls: &'a [String], who: &str) -> Vec<&'a str> {
    let tag = format!(" {who}: ");
    calls
        .iter()
        .filter(|l| l.contains(&tag))
        .map(String::as_str)
        .collect()
}

#[test]
fn a_lost_reply_runs_the_deposit_twice_once_or_once_with_no_answer() {
    // The bundled scenario: each client deposits 100, its reply is lost, and the stub waits
    // rpc_timeout = 4 ticks (t=1 to t=5). At least once: sent again, run again: 200. At most
    // once: not sent again: ETIMEDOUT, though the deposit ran. Exactly once: sent again,
    // answered from the history: 100.
    let r = run(include_str!("../scenarios/ipc/rpc-lost-reply.toml"));
    let c = calls(&r);
    assert_eq!(
        of(&c, "client1"),
        [
            "t=1 client1: rpc_call(least, deposit(100)) … blocks",
            "t=5 client1: returns = 200 \"deposit(100) = 200\"",
            "t=5 client1: rpc_call(least, balance()) … blocks",
            "t=5 client1: returns = 200 \"balance() = 200\"",
        ]
    );
    assert_eq!(
        of(&c, "client2"),
        [
            "t=1 client2: rpc_call(most, deposit(100)) … blocks",
            "t=5 client2: returns = -1 ETIMEDOUT",
            "t=5 client2: rpc_call(most, balance()) … blocks",
            "t=5 client2: returns = 100 \"balance() = 100\"",
        ]
    );
    assert_eq!(
        of(&c, "client3"),
        [
            "t=1 client3: rpc_call(exactly, deposit(100)) … blocks",
            "t=5 client3: returns = 100 \"deposit(100) = 100\"",
            "t=5 client3: rpc_call(exactly, balance()) … blocks",
            "t=5 client3: returns = 100 \"balance() = 100\"",
        ]
    );
    let repeats: Vec<bool> = r
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Note {
                reason: Reason::RpcRepeat { executed, .. },
                ..
            } => Some(*executed),
            _ => None,
        })
        .collect();
    assert_eq!(
        repeats,
        [true, false],
        "bank1 runs it again, bank3 does not"
    );
}

#[test]
fn the_stubs_marshal_big_endian_and_the_reply_carries_the_result() {
    let r = run(include_str!("../scenarios/ipc/rpc-marshalling.toml"));
    let marshalled: Vec<(String, String)> = r
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Note {
                reason:
                    Reason::RpcMarshalled {
                        bytes,
                        little_endian,
                        ..
                    },
                ..
            } => Some((bytes.to_string(), little_endian.to_string())),
            _ => None,
        })
        .collect();
    // add(258, -2): id 1, procedure 1, 258 = 0x102, -2 in two's complement.
    assert_eq!(
        marshalled[0],
        (
            "00 00 00 01 | 00 00 00 01 | 00 00 01 02 | ff ff ff fe".to_string(),
            "02 01 00 00 | fe ff ff ff".to_string()
        )
    );
    let c = calls(&r);
    assert!(c.contains(&"t=4 server: rpc_reply(math) = [00 00 00 01 | 00 00 01 00]".to_string()));
    assert!(c.contains(&"t=4 client: returns = 256 \"add(258, -2) = 256\"".to_string()));
    assert!(c.contains(&"t=6 client: returns = 5 \"time() = 5\"".to_string()));
}

#[test]
fn an_at_most_once_client_gives_up_and_a_late_reply_is_dropped() {
    // FCFS, rpc_timeout 3. early's call at t=0 is served at once. The server's second reply
    // has no request to answer (EINVAL). c's deposit reaches the server at t=1, which computes
    // 5 ticks before replying: c gives up at t=4, so the reply at t=6 finds nobody.
    let r = run(
        "title = \"t\"\n[kernel]\nscheduler = \"fcfs\"\nrpc_timeout = 3\n\
        [[process]]\nname = \"server\"\nprogram = [\"rpc-server bank at-most-once\", \"rpc-serve bank\", \"rpc-reply bank\", \"rpc-reply bank\", \"rpc-serve bank\", \"cpu 5\", \"rpc-reply bank\"]\n\
        [[process]]\nname = \"c\"\narrival = 1\nprogram = [\"rpc-call bank deposit 7\"]\n\
        [[process]]\nname = \"early\"\nprogram = [\"rpc-call bank time\"]\n",
    );
    let c = calls(&r);
    assert_eq!(
        of(&c, "server"),
        [
            "t=0 server: rpc_server(bank, at-most-once) = 0",
            "t=0 server: rpc_serve(bank) … blocks",
            "t=0 server: returns = 0 \"request 1: time()\"",
            "t=0 server: rpc_reply(bank) = [00 00 00 01 | 00 00 00 00]",
            "t=0 server: rpc_reply(bank) = -1 EINVAL",
            "t=0 server: rpc_serve(bank) … blocks",
            "t=1 server: returns = 7 \"request 1: deposit(7)\"",
            "t=6 server: rpc_reply(bank) = [00 00 00 01 | 00 00 00 07]",
        ]
    );
    assert_eq!(
        of(&c, "c"),
        [
            "t=1 c: rpc_call(bank, deposit(7)) … blocks",
            "t=4 c: returns = -1 ETIMEDOUT",
        ]
    );
    assert!(r.events.iter().any(|e| matches!(
        e,
        Event::Note {
            reason: Reason::RpcReplyDropped { .. },
            ..
        }
    )));
}

#[test]
fn a_client_that_never_hears_back_sends_four_times_then_fails() {
    // Nobody serves: attempts at t=0, 2, 4, 6; the call fails at t=8.
    let r = run(
        "title = \"t\"\n[kernel]\nscheduler = \"fcfs\"\nrpc_timeout = 2\n\
        [[process]]\nname = \"s\"\nprogram = [\"rpc-server p exactly-once\"]\n\
        [[process]]\nname = \"c\"\nprogram = [\"rpc-call p time\"]\n",
    );
    let attempts: Vec<(u64, u32)> = r
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Note {
                time,
                reason: Reason::RpcRetransmits { attempt, .. },
                ..
            } => Some((*time, *attempt)),
            _ => None,
        })
        .collect();
    assert_eq!(attempts, [(2, 2), (4, 3), (6, 4)]);
    assert_eq!(
        of(&calls(&r), "c").last(),
        Some(&"t=8 c: returns = -1 ETIMEDOUT")
    );
}

#[test]
fn the_checker_refuses_rpc_steps_that_cannot_work() {
    let cases: [(&str, &str); 4] = [
        (
            "\"rpc-server p twice\"",
            "is not what an RPC system promises",
        ),
        (
            "\"rpc-server p exactly-once\", \"rpc-call p withdraw 5\"",
            "no procedure `withdraw`",
        ),
        (
            "\"rpc-server p exactly-once\", \"rpc-call p add 1\"",
            "add takes 2 arguments",
        ),
        ("\"rpc-call q time\"", "no RPC port named q"),
    ];
    for (program, expected) in cases {
        let text = format!("title = \"t\"\n[[process]]\nname = \"p1\"\nprogram = [{program}]\n");
        let err = proclab::scenario::Scenario::parse("s.toml", &text).expect_err("refused");
        assert!(format!("{err:?}").contains(expected), "{program}: {err:?}");
    }
}

/// How many times the server ran a deposit (not answered from its history).
fn deposits_run(events: &[Event]) -> usize {
    events
        .iter()
        .filter(|e| match e {
            Event::Note {
                reason: Reason::RpcRequestTaken { call, .. },
                ..
            } => call.starts_with("deposit"),
            Event::Note {
                reason: Reason::RpcRepeat { executed, .. },
                ..
            } => *executed,
            _ => false,
        })
        .count()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// However the replies are lost and the processes scheduled, an exactly-once server runs
    /// each deposit once and every client learns its result; an at-least-once server runs
    /// each deposit once more for every lost reply — or more, as a retransmission that
    /// overtakes a slow server's reply runs it again too.
    #[test]
    fn exactly_once_runs_each_call_once_and_at_least_once_once_per_loss(
        lost in prop::collection::vec(any::<bool>(), 1..5),
        quantum in 1u64..4,
        exactly in any::<bool>(),
    ) {
        let semantics = if exactly { "exactly-once" } else { "at-least-once" };
        let mut text = format!(
            "title = \"p\"\n[kernel]\nscheduler = \"rr\"\nquantum = {quantum}\nrpc_timeout = 20\n"
        );
        let serves = 2 * lost.len();
        let server: Vec<String> = std::iter::once(format!("\"rpc-server bank {semantics}\""))
            .chain((0..serves).flat_map(|_| ["\"rpc-serve bank\"".to_string(), "\"cpu 1\"".into(), "\"rpc-reply bank\"".into()]))
            .collect();
        text.push_str(&format!("[[process]]\nname = \"server\"\nprogram = [{}]\n", server.join(", ")));
        for (i, l) in lost.iter().enumerate() {
            let flag = if *l { " lost-reply" } else { "" };
            text.push_str(&format!(
                "[[process]]\nname = \"c{i}\"\narrival = 1\nprogram = [\"rpc-call bank deposit 10{flag}\"]\n"
            ));
        }
        let (events, _) = checked_run(&text)?;
        let losses = lost.iter().filter(|l| **l).count();
        let runs = deposits_run(&events);
        if exactly {
            prop_assert_eq!(runs, lost.len(), "{}", text);
        } else {
            prop_assert!(runs >= lost.len() + losses, "{} runs\n{}", runs, text);
        }
        let failed = finished_calls(&events)
            .iter()
            .filter(|(_, _, r)| r.errno.is_some())
            .count();
        prop_assert_eq!(failed, 0, "every call gets its reply\n{}", text);
    }
}
