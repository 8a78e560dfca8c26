//! Message passing in the model, on hand-checked examples: direct links and mailboxes, the
//! three kinds of buffering, blocking and non-blocking calls, and who gets which message.

mod common;
use common::calls::*;
use common::*;
use proclab::kernel::Step;
use proclab::kernel::program::Peer;
use proptest::prelude::*;

#[test]
fn a_bounded_mailbox_makes_the_sender_wait_and_a_receive_lets_it_in() {
    // Worked by hand: the box holds 2, so m3 waits; at t=3 the consumer takes m1, which lets
    // m3 in behind m2; the last try-receive finds the box empty.
    let r = run("title = \"t\"\n\
        [[process]]\nname = \"producer\"\nprogram = [\"mailbox box 2\", \"send box m1\", \"send box m2\", \"send box m3\", \"exit 0\"]\n\
        [[process]]\nname = \"consumer\"\nprogram = [\"cpu 3\", \"receive box\", \"receive box\", \"receive box\", \"try-receive box\"]\n");
    assert_eq!(
        calls(&r),
        [
            "t=0 producer: create_mailbox(box, capacity 2 messages) = 3",
            "t=0 producer: send(box, \"m1\") = 0",
            "t=0 producer: send(box, \"m2\") = 0",
            "t=0 producer: send(box, \"m3\") … blocks",
            "t=3 consumer: receive(box) = 2 \"m1\" (from producer)",
            "t=3 producer: returns = 0",
            "t=3 consumer: receive(box) = 2 \"m2\" (from producer)",
            "t=3 consumer: receive(box) = 2 \"m3\" (from producer)",
            "t=3 consumer: try_receive(box) = -1 EAGAIN (no message)",
        ]
    );
}

#[test]
fn zero_capacity_makes_sender_and_receiver_meet() {
    // The sender comes first and waits; the receiver, at t=2, takes the message straight from
    // it. The second time the receiver comes first and waits for the sender.
    let r = run("title = \"t\"\n[kernel]\nscheduler = \"rr\"\nquantum = 2\n\
        [[process]]\nname = \"s\"\nprogram = [\"mailbox m 0\", \"send m one\", \"cpu 5\", \"send m two\"]\n\
        [[process]]\nname = \"r\"\nprogram = [\"cpu 2\", \"receive m\", \"receive m\"]\n");
    assert_eq!(
        calls(&r),
        [
            "t=0 s: create_mailbox(m, zero capacity (rendezvous)) = 3",
            "t=0 s: send(m, \"one\") … blocks",
            "t=2 r: receive(m) = 3 \"one\" (from s)",
            "t=2 s: returns = 0",
            "t=2 r: receive(m) … blocks",
            "t=7 s: send(m, \"two\") = 0 (r was waiting and takes it)",
            "t=7 r: returns = 3 \"two\"",
        ]
    );
}

#[test]
fn try_send_gives_up_where_send_would_wait() {
    let r = run("title = \"t\"\n\
        [[process]]\nname = \"a\"\nprogram = [\"mailbox z 0\", \"try-send z lost\", \"mailbox one 1\", \"try-send one kept\", \"try-send one refused\"]\n");
    assert_eq!(
        calls(&r),
        [
            "t=0 a: create_mailbox(z, zero capacity (rendezvous)) = 3",
            "t=0 a: try_send(z, \"lost\") = -1 EAGAIN (no room: not sent)",
            "t=0 a: create_mailbox(one, capacity 1 message) = 4",
            "t=0 a: try_send(one, \"kept\") = 0",
            "t=0 a: try_send(one, \"refused\") = -1 EAGAIN (no room: not sent)",
        ]
    );
}

#[test]
fn the_receiver_that_waited_longest_gets_the_next_message() {
    let r = run("title = \"t\"\n\
        [[process]]\nname = \"box\"\nprogram = [\"mailbox q\"]\n\
        [[process]]\nname = \"first\"\narrival = 1\nprogram = [\"receive q\"]\n\
        [[process]]\nname = \"second\"\narrival = 2\nprogram = [\"receive q\"]\n\
        [[process]]\nname = \"sender\"\narrival = 3\nprogram = [\"send q a\", \"send q b\"]\n");
    let c = calls(&r);
    assert!(
        c.contains(&"t=3 first: returns = 1 \"a\"".to_string()),
        "{c:#?}"
    );
    assert!(
        c.contains(&"t=3 second: returns = 1 \"b\"".to_string()),
        "{c:#?}"
    );
}

#[test]
fn a_direct_link_has_a_queue_each_way_and_is_made_on_first_use() {
    let text = "title = \"t\"\n[kernel]\nlink_capacity = 1\n\
        [[process]]\nname = \"a\"\nprogram = [\"send b ping\", \"receive b\"]\n\
        [[process]]\nname = \"b\"\nprogram = [\"receive a\", \"send a pong\"]\n";
    let r = run(text);
    assert_eq!(
        calls(&r),
        [
            "t=0 a: send(b, \"ping\") = 0",
            "t=0 a: receive(b) … blocks",
            "t=0 b: receive(a) = 4 \"ping\" (from a)",
            "t=0 b: send(a, \"pong\") = 0 (a was waiting and takes it)",
            "t=0 a: returns = 4 \"pong\"",
        ]
    );
    // One link object for the pair, whichever of the two named the other first.
    let objects = scenario(text).objects;
    let names: Vec<&str> = objects.iter().map(|o| &*o.name).collect();
    assert_eq!(names, ["a↔b"]);
}

#[test]
fn destroy_removes_the_name_but_not_the_queue_of_those_using_it() {
    // user opened the box before it was destroyed and still receives; late never used it and
    // gets ENOENT.
    let r = run("title = \"t\"\n[kernel]\nscheduler = \"rr\"\nquantum = 1\n\
        [[process]]\nname = \"owner\"\nprogram = [\"mailbox box\", \"cpu 2\", \"destroy box\", \"destroy box\", \"send box hi\"]\n\
        [[process]]\nname = \"user\"\nprogram = [\"receive box\"]\n\
        [[process]]\nname = \"late\"\narrival = 5\nprogram = [\"try-receive box\"]\n");
    let c = calls(&r);
    assert_eq!(
        c,
        [
            "t=0 owner: create_mailbox(box, unbounded capacity) = 3",
            "t=1 user: receive(box) … blocks",
            "t=2 owner: destroy_mailbox(box) = 0",
            "t=2 owner: destroy_mailbox(box) = -1 ENOENT",
            // The owner still has its descriptor, and the user opened the box before: both
            // keep it after the name is gone.
            "t=2 owner: send(box, \"hi\") = 0 (user was waiting and takes it)",
            "t=2 user: returns = 2 \"hi\"",
            "t=5 late: try_receive(box) = -1 ENOENT",
        ]
    );
}

#[test]
fn a_receive_nobody_will_answer_leaves_the_process_stuck() {
    let r = run("title = \"t\"\n\
        [[process]]\nname = \"a\"\nprogram = [\"receive b\"]\n\
        [[process]]\nname = \"b\"\nprogram = [\"cpu 2\"]\n");
    assert_eq!(r.stuck.len(), 1);
    assert_eq!(r.stuck[0].name, "a");
    assert_eq!(r.stuck[0].waits_for, "a message");
}

fn capacity() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("0".to_string()),
        (1u32..4).prop_map(|n| n.to_string()),
        Just("unbounded".to_string()),
    ]
}

fn policy() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("scheduler = \"fcfs\""),
        Just("scheduler = \"rr\"\nquantum = 1"),
        Just("scheduler = \"rr\"\nquantum = 2\ncontext_switch = 1"),
        Just("scheduler = \"lottery\"\nquantum = 2"),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    /// Whatever the schedule and the buffering, two senders and two receivers on one mailbox:
    /// every message sent is received exactly once, each sender's messages in the order sent,
    /// and nobody is left waiting when sends and receives are as many.
    #[test]
    fn a_mailbox_delivers_every_message_once_and_in_order(
        policy in policy(),
        capacity in capacity(),
        work in prop::collection::vec(0u8..3, 8),
    ) {
        let step = |s: String, w: u8| if w == 0 { format!("\"{s}\"") } else { format!("\"cpu {w}\", \"{s}\"") };
        let sender = |who: &str, w: &[u8]| {
            (0..2).map(|i| step(format!("send box {who}{i}"), w[i])).collect::<Vec<_>>().join(", ")
        };
        let receiver = |w: &[u8]| (0..2).map(|i| step("receive box".into(), w[i])).collect::<Vec<_>>().join(", ");
        let text = format!(
            "title = \"p\"\n[kernel]\n{policy}\n\
             [[process]]\nname = \"maker\"\nprogram = [\"mailbox box {capacity}\"]\n\
             [[process]]\nname = \"s1\"\narrival = 1\nprogram = [{}]\n\
             [[process]]\nname = \"s2\"\narrival = 1\nprogram = [{}]\n\
             [[process]]\nname = \"r1\"\narrival = 1\nprogram = [{}]\n\
             [[process]]\nname = \"r2\"\narrival = 1\nprogram = [{}]\n",
            sender("a", &work[0..2]), sender("b", &work[2..4]), receiver(&work[4..6]), receiver(&work[6..8]),
        );
        let (events, done) = checked_run(&text)?;
        prop_assert!(done, "someone was left waiting\n{}", text);
        let mut received: Vec<String> = finished_calls(&events)
            .into_iter()
            .filter(|(_, step, _)| matches!(step, Step::Receive { from: Peer::Mailbox { .. }, .. }))
            .map(|(_, _, result)| result.data.expect("a message").to_string())
            .collect();
        for sender in ["a", "b"] {
            let order: Vec<String> = received.iter().filter(|m| m.starts_with(sender)).cloned().collect();
            prop_assert_eq!(order, vec![format!("{sender}0"), format!("{sender}1")], "{}", text);
        }
        received.sort();
        prop_assert_eq!(received, ["a0", "a1", "b0", "b1"], "{}", text);
    }
}
