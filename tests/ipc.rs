//! Pipes, FIFOs and shared-memory rings in the model, on hand-checked examples: who blocks,
//! who is woken, and what each call returns.

mod common;
use common::calls::*;
use common::*;
use proclab::kernel::Event;

#[test]
fn a_parent_greets_its_child_through_a_pipe() {
    let r = run("title = \"t\"\n\
        [[process]]\nname = \"parent\"\nprogram = [\"pipe p\", \"fork child\", \"close p read\", \"write p \\\"hello\\\"\", \"close p write\", \"wait\"]\n\
        [[process]]\nname = \"child\"\nforked_by = \"parent\"\nprogram = [\"close p write\", \"read p 100\", \"read p 100\"]\n");
    assert_eq!(
        calls(&r),
        [
            "t=0 parent: pipe(p) = [3, 4]",
            "t=0 parent: fork() = 3 (child)",
            "t=0 parent: close(p read) = 0",
            "t=0 parent: write(p, \"hello\") = 5",
            "t=0 parent: close(p write) = 0",
            "t=0 parent: wait() … blocks",
            "t=0 child: close(p write) = 0",
            "t=0 child: read(p, 100) = 5 \"hello\"",
            // The parent closed its write end and so did the child: end of file.
            "t=0 child: read(p, 100) = 0 \"\"",
            "t=0 parent: returns = 3, status 0",
        ]
    );
}

#[test]
fn a_reader_waits_for_a_writer_and_eof_comes_when_the_last_writer_exits() {
    let r = run("title = \"t\"\n[kernel]\nscheduler = \"rr\"\nquantum = 2\n\
        [[process]]\nname = \"parent\"\nprogram = [\"pipe p\", \"fork kid\", \"close p write\", \"read p 10\", \"read p 10\", \"wait\"]\n\
        [[process]]\nname = \"kid\"\nforked_by = \"parent\"\nprogram = [\"cpu 3\", \"write p \\\"abc\\\"\", \"cpu 1\"]\n");
    let c = calls(&r);
    assert!(
        c.contains(&"t=0 parent: read(p, 10) … blocks".to_string()),
        "{c:#?}"
    );
    // kid computes 0-2, is preempted at 2... the parent is blocked, so kid goes on to 3, writes.
    assert!(
        c.contains(&"t=3 kid: write(p, \"abc\") = 3".to_string()),
        "{c:#?}"
    );
    assert!(
        c.contains(&"t=3 parent: returns = 3 \"abc\"".to_string()),
        "{c:#?}"
    );
    // kid keeps the CPU for its last unit of work and exits at 4, closing the last write end;
    // only then does the parent run again, so its second read finds end of file at once.
    assert!(
        c.contains(&"t=4 parent: read(p, 10) = 0 \"\"".to_string()),
        "{c:#?}"
    );
    assert_eq!(c.last().unwrap(), "t=4 parent: wait() = 3, status 0 (kid)");
}

#[test]
fn writing_to_a_pipe_nobody_can_read_fails_with_epipe() {
    let r = run(
        "title = \"t\"\n[[process]]\nname = \"p\"\nprogram = [\"pipe x\", \"close x read\", \"write x \\\"lost\\\"\"]\n",
    );
    assert!(
        calls(&r).contains(&"t=0 p: write(x, \"lost\") = -1 EPIPE".to_string()),
        "{:?}",
        calls(&r)
    );
}

#[test]
fn a_full_pipe_makes_the_writer_wait_and_big_writes_go_in_pieces() {
    // A pipe of 8 bytes: a 10-byte write (more than fits) goes in 8 now and 2 later.
    let r = run("title = \"t\"\n[kernel]\npipe_capacity = 8\n\
        [[process]]\nname = \"w\"\nprogram = [\"pipe p\", \"fork r\", \"write p \\\"0123456789\\\"\", \"wait\"]\n\
        [[process]]\nname = \"r\"\nforked_by = \"w\"\nprogram = [\"read p 4\", \"read p 100\", \"read p 100\"]\n");
    let c = calls(&r);
    assert_eq!(
        c[2..7],
        [
            "t=0 w: write(p, \"0123456789\") … blocks",
            "t=0 r: read(p, 4) = 4 \"0123\"",
            "t=0 w: returns = 10",
            "t=0 r: read(p, 100) = 6 \"456789\"",
            // w still holds a write end, and so does r: no end of file, r waits forever.
            "t=0 r: read(p, 100) … blocks",
        ],
        "{c:#?}"
    );
    assert_eq!(
        r.stuck.len(),
        2,
        "w waits for r, r waits for data: a deadlock the report names"
    );
}

#[test]
fn a_small_write_to_a_full_pipe_is_all_or_nothing() {
    let r = run("title = \"t\"\n[kernel]\npipe_capacity = 8\n\
        [[process]]\nname = \"w\"\nprogram = [\"pipe p\", \"fork r\", \"write p \\\"123456\\\"\", \"write p \\\"abcd\\\"\", \"close p write\", \"wait\"]\n\
        [[process]]\nname = \"r\"\nforked_by = \"w\"\nprogram = [\"close p write\", \"read p 3\", \"read p 100\", \"read p 100\"]\n");
    let c = calls(&r);
    // 4 bytes do not fit in the 2 left: nothing goes in until the reader makes room.
    assert!(
        c.contains(&"t=0 w: write(p, \"abcd\") … blocks".to_string()),
        "{c:#?}"
    );
    assert!(
        c.contains(&"t=0 r: read(p, 3) = 3 \"123\"".to_string()),
        "{c:#?}"
    );
    assert!(c.contains(&"t=0 w: returns = 4".to_string()), "{c:#?}");
    assert!(
        c.contains(&"t=0 r: read(p, 100) = 7 \"456abcd\"".to_string()),
        "{c:#?}"
    );
    assert!(r.stuck.is_empty());
}

#[test]
fn fifo_opens_wait_for_each_other() {
    let r = run("title = \"t\"\n\
        [[process]]\nname = \"writer\"\nprogram = [\"mkfifo f\", \"open f write\", \"write f \\\"ping\\\"\", \"close f\"]\n\
        [[process]]\nname = \"reader\"\narrival = 5\nprogram = [\"open f read\", \"read f 10\", \"read f 10\"]\n");
    let c = calls(&r);
    assert_eq!(
        c,
        [
            "t=0 writer: mkfifo(f) = 0",
            "t=0 writer: open(f, write) … blocks",
            "t=5 reader: open(f, read) = 3",
            "t=5 writer: returns = 3",
            "t=5 reader: read(f, 10) … blocks",
            "t=5 writer: write(f, \"ping\") = 4",
            "t=5 reader: returns = 4 \"ping\"",
            "t=5 writer: close(f) = 0",
            "t=5 reader: read(f, 10) = 0 \"\"",
        ]
    );
}

#[test]
fn a_ring_of_n_slots_holds_n_minus_one_items_and_the_producer_waits() {
    let r = run("title = \"t\"\n\
        [[process]]\nname = \"producer\"\nprogram = [\"shm buf 3\", \"fork consumer\", \"produce buf a\", \"produce buf b\", \"produce buf c\", \"wait\"]\n\
        [[process]]\nname = \"consumer\"\nforked_by = \"producer\"\nprogram = [\"consume buf\", \"consume buf\", \"consume buf\"]\n");
    let c = calls(&r);
    assert_eq!(
        c,
        [
            "t=0 producer: shm_open + mmap(buf, 3 slots) = 3",
            "t=0 producer: fork() = 3 (consumer)",
            "t=0 producer: produce(buf, \"a\") = 0",
            "t=0 producer: produce(buf, \"b\") = 0",
            // Three slots hold two items: (in + 1) % 3 == out.
            "t=0 producer: produce(buf, \"c\") … blocks",
            "t=0 consumer: consume(buf) = 0 \"a\"",
            "t=0 producer: returns = 0",
            "t=0 consumer: consume(buf) = 0 \"b\"",
            "t=0 consumer: consume(buf) = 0 \"c\"",
            // The consumer has already exited: wait reaps the zombie without blocking.
            "t=0 producer: wait() = 3, status 0 (consumer)",
        ]
    );
}

#[test]
fn redirect_makes_stdout_a_pipe_for_an_exec_and_its_exit_gives_eof() {
    let r = run("title = \"t\"\n\
        [[process]]\nname = \"sh\"\nprogram = [\"pipe p\", \"fork ls\", \"close p write\", \"read p 1000\", \"wait\"]\n\
        [[process]]\nname = \"ls\"\nforked_by = \"sh\"\nprogram = [\"close p read\", \"redirect stdout p\", \"close p write\", \"write stdout \\\"a b\\\"\", \"exec ls\"]\n");
    let c = calls(&r);
    assert!(
        c.contains(&"t=0 ls: dup2(p write, 1) = 1".to_string()),
        "{c:#?}"
    );
    // fd 1 is the pipe now, so the write goes there, and the reader gets it.
    assert!(
        c.contains(&"t=0 sh: returns = 3 \"a b\"".to_string()),
        "{c:#?}"
    );
    assert!(r.stuck.is_empty(), "{:?}", r.stuck);
}

#[test]
fn writing_to_the_terminal_is_output() {
    let r = run(
        "title = \"t\"\n[[process]]\nname = \"p\"\nprogram = [\"write stdout \\\"hi\\\"\", \"read stdin 5\"]\n",
    );
    let c = calls(&r);
    assert_eq!(
        c,
        [
            "t=0 p: write(stdout, \"hi\") = 2",
            "t=0 p: read(stdin, 5) = 0 \"\""
        ]
    );
    let said = r.events.iter().any(|e| {
        matches!(
            e,
            Event::Note {
                reason: proclab::kernel::Reason::Output { .. },
                ..
            }
        )
    });
    assert!(said);
}

fn policy() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("scheduler = \"fcfs\""),
        Just("scheduler = \"rr\"\nquantum = 1"),
        Just("scheduler = \"rr\"\nquantum = 3\ncontext_switch = 1"),
        Just("scheduler = \"srtf\""),
        Just("scheduler = \"lottery\"\nquantum = 2"),
    ]
}

/// A program fragment: the IPC step, sometimes with computing before it.
fn with_work(step: String, work: u8) -> String {
    if work == 0 {
        format!("\"{step}\"")
    } else {
        format!("\"cpu {work}\", \"{step}\"")
    }
}

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Whatever the schedule, a pipe delivers exactly the bytes written, in order, and every
    /// write fits the atomicity rule; the reader sees end of file once the writers are gone.
    #[test]
    fn a_pipe_delivers_every_byte_in_order(
        policy in policy(),
        capacity in 4u32..20,
        writes in prop::collection::vec(("[a-z]{1,12}", 0u8..3), 1..6),
        reads in prop::collection::vec((1u32..15, 0u8..3), 1..8),
    ) {
        let writer: Vec<String> = writes
            .iter()
            .map(|(data, work)| with_work(format!("write p \\\"{data}\\\""), *work))
            .collect();
        let reader: Vec<String> = reads
            .iter()
            .map(|(max, work)| with_work(format!("read p {max}"), *work))
            .collect();
        let text = format!(
            "title = \"p\"\n[kernel]\n{policy}\npipe_capacity = {capacity}\n\
             [[process]]\nname = \"w\"\nprogram = [\"pipe p\", \"fork r\", \"close p read\", {}, \"close p write\", \"wait\"]\n\
             [[process]]\nname = \"r\"\nforked_by = \"w\"\nprogram = [\"close p write\", {}, \"read p 1000\"]\n",
            writer.join(", "),
            reader.join(", ")
        );
        let (events, done) = checked_run(&text)?;
        // Nobody can wait forever: a full pipe has a reader to drain it or gives EPIPE.
        prop_assert!(done, "stuck\n{}", text);
        let mut written = String::new();
        let mut read = String::new();
        let mut eof = false;
        for (_, step, result) in finished_calls(&events) {
            match step {
                // A writer whose reader has gone gets EPIPE, or the count it got in before the
                // reader left; otherwise all of it goes in.
                proclab::kernel::Step::Write { data, .. } if result.errno.is_none() => {
                    let n = result.ret as usize;
                    prop_assert!(n > 0 && n <= data.len());
                    written.push_str(&data[..n]);
                }
                proclab::kernel::Step::Read { max, .. } => {
                    prop_assert!(!eof || result.ret == 0, "data after end of file\n{}", text);
                    let got = result.data.as_deref().unwrap_or("");
                    prop_assert!(got.len() as u32 <= max);
                    prop_assert_eq!(result.ret as usize, got.len());
                    eof |= result.ret == 0;
                    read.push_str(got);
                }
                _ => {}
            }
        }
        // Bytes read are a prefix of bytes written (the reader may stop early).
        prop_assert!(written.starts_with(&read), "read {:?} of {:?}\n{}", read, written, text);
        // End of file comes only after every byte written has been read.
        if eof {
            prop_assert_eq!(&read, &written, "\n{}", text);
        }
    }

    /// A ring hands items over first in, first out; it never holds more than slots − 1; every
    /// produce finishes when there are as many consumes, and vice versa.
    #[test]
    fn a_ring_hands_over_items_in_order(
        policy in policy(),
        slots in 2u32..6,
        produced in prop::collection::vec(("[a-z]{1,3}", 0u8..3), 0..8),
        consumes in prop::collection::vec(0u8..3, 0..8),
    ) {
        let producer: Vec<String> = produced
            .iter()
            .map(|(item, work)| with_work(format!("produce b {item}"), *work))
            .collect();
        let consumer: Vec<String> = consumes
            .iter()
            .map(|work| with_work("consume b".into(), *work))
            .collect();
        let list = |v: &[String]| v.iter().map(|s| format!(", {s}")).collect::<String>();
        let text = format!(
            "title = \"r\"\n[kernel]\n{policy}\n\
             [[process]]\nname = \"prod\"\nprogram = [\"shm b {slots}\", \"fork cons\"{}]\n\
             [[process]]\nname = \"cons\"\nforked_by = \"prod\"\nprogram = [\"cpu 1\"{}]\n",
            list(&producer),
            list(&consumer),
        );
        let (events, done) = checked_run(&text)?;
        check_ring_trace(&events, slots, &text)?;
        // Finished exactly when the consumer takes no more than is produced and the producer
        // never needs more room than the consumer makes.
        let p = produced.len();
        let c = consumes.len();
        let should_finish = c <= p && p - c < slots as usize;
        prop_assert_eq!(done, should_finish, "produced {} consumed {} slots {}\n{}", p, c, slots, text);
    }
}
