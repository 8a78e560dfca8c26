//! Shared memory three ways — POSIX, System V, Windows — in the model, on hand-checked
//! examples: what each call returns, what it does to the object's life, who must clean up,
//! and what is left behind when nobody does. Then a property: whatever the flavour, the ring
//! never loses or duplicates an item, and only POSIX and System V leave anything behind.

mod common;
use common::calls::*;
use common::*;
use proclab::kernel::segment::{Flavour, model_key};
use proclab::kernel::{Event, Reason};
use proptest::prelude::*;

/// The notes about the objects' lives, as "t=N process: sentence" lines.
fn lives(r: &proclab::report::Report) -> Vec<String> {
    r.events
        .iter()
        .filter_map(|e| match e {
            Event::Note {
                time,
                pid: Some(pid),
                reason: reason @ Reason::Shm { .. },
            } => Some(format!(
                "t={time} {}: {}",
                proclab::kernel::Names::process(&r.names, *pid),
                reason.describe(&r.names)
            )),
            _ => None,
        })
        .collect()
}

/// What became of the one ring of a run: (left behind?, the words).
fn fate(r: &proclab::report::Report) -> (bool, String) {
    assert_eq!(r.shared_memory.len(), 1, "{:?}", r.shared_memory);
    let f = &r.shared_memory[0];
    (f.left_behind, f.text.clone())
}

#[test]
fn the_steps_parse_with_their_flavour_and_a_misspelt_one_is_refused() {
    use proclab::kernel::segment::Cleanup;
    use proclab::scenario::steps::{RawStep, parse};
    let ok = |text: &str| parse(text, 0..text.len() + 2, true).expect("parses");
    assert!(matches!(ok("shm buf 4"), RawStep::Shm(w, 4, Flavour::Posix) if w.text == "buf"));
    assert!(matches!(
        ok("shm buf 4 sysv"),
        RawStep::Shm(_, 4, Flavour::SystemV)
    ));
    assert!(matches!(
        ok("shm buf 4 windows"),
        RawStep::Shm(_, 4, Flavour::Windows)
    ));
    for (text, act) in [
        ("detach buf", Cleanup::Detach),
        ("unlink buf", Cleanup::Unlink),
        ("remove buf", Cleanup::Remove),
    ] {
        assert!(matches!(ok(text), RawStep::Cleanup(w, a) if a == act && w.text == "buf"));
    }
    let e = parse("shm buf 4 win32", 0..17, true).unwrap_err();
    assert_eq!(e.message, "`win32` is not a kind of shared memory");
    assert_eq!(e.span, 11..16, "the flavour is underlined");
    assert!(e.hint.unwrap().contains("posix, sysv or windows"));
    let e = parse("detach", 0..8, true).unwrap_err();
    assert_eq!(e.message, "`detach` takes 1 argument");
}

const FCFS: &str = "title = \"t\"\n[kernel]\nscheduler = \"fcfs\"\n";

#[test]
fn a_posix_name_outlives_its_users_until_it_is_unlinked() {
    // The writer exits before the reader arrives: nobody has the object open or mapped, and
    // still the reader finds the item in it, because the name keeps it.
    let r = run(&format!(
        "{FCFS}[[process]]\nname = \"writer\"\nprogram = [\"shm buf 4\", \"produce buf hello\", \"exit 0\"]\n\
         [[process]]\nname = \"reader\"\narrival = 5\nprogram = [\"shm buf 4\", \"consume buf\", \"unlink buf\", \"exit 0\"]\n"
    ));
    assert_eq!(
        calls(&r),
        [
            "t=0 writer: shm_open + mmap(buf, 4 slots) = 3",
            "t=0 writer: produce(buf, \"hello\") = 0",
            "t=5 reader: shm_open + mmap(buf, 4 slots) = 3",
            "t=5 reader: consume(buf) = 0 \"hello\"",
            "t=5 reader: shm_unlink(buf) = 0",
        ]
    );
    assert_eq!(
        lives(&r),
        [
            "t=0 writer: shm_open creates /buf, ftruncate sizes it for the ring and mmap maps it; the name stays in /dev/shm until someone calls shm_unlink, even with nobody using it",
            "t=0 writer: its end unmaps /buf: nobody has it mapped, but /buf stays in /dev/shm until shm_unlink",
            "t=5 reader: shm_open finds /buf by its name and mmap maps it: 1 mapping now",
            "t=5 reader: shm_unlink removes the name /buf from /dev/shm: nobody can open it any more, and its memory is freed when its last mapping goes",
            "t=5 reader: its end unmaps /buf: 0 mappings left",
            "t=5 reader: nothing refers to /buf any more: its memory is freed",
        ]
    );
    assert_eq!(
        fate(&r),
        (false, "unlinked and unmapped by all: gone at tick 5".into())
    );
    // Without the unlink, the name is still there when everyone has gone.
    let r = run(&format!(
        "{FCFS}[[process]]\nname = \"writer\"\nprogram = [\"shm buf 4\", \"produce buf hello\", \"exit 0\"]\n"
    ));
    assert_eq!(
        fate(&r),
        (
            true,
            "left behind: /buf was never unlinked, so ls /dev/shm lists it until shm_unlink or a reboot".into()
        )
    );
}

#[test]
fn a_system_v_segment_survives_every_process_with_nattch_0() {
    let r = run(&format!(
        "{FCFS}[[process]]\nname = \"writer\"\nprogram = [\"shm seg 4 sysv\", \"produce seg hello\", \"exit 0\"]\n\
         [[process]]\nname = \"reader\"\narrival = 5\nprogram = [\"shm seg 4 sysv\", \"consume seg\", \"exit 0\"]\n"
    ));
    // shmget returns the shmid, not a descriptor: the model numbers segments from 0.
    assert_eq!(
        calls(&r),
        [
            "t=0 writer: shmget + shmat(seg, 4 slots) = 0",
            "t=0 writer: produce(seg, \"hello\") = 0",
            "t=5 reader: shmget + shmat(seg, 4 slots) = 0",
            "t=5 reader: consume(seg) = 0 \"hello\"",
        ]
    );
    let key = model_key("seg");
    assert_eq!(
        lives(&r)[1],
        "t=0 writer: its end detaches the segment seg: nattch 0, and the segment stays in the system (ipcs -m lists it) until shmctl(IPC_RMID)"
    );
    assert_eq!(
        fate(&r),
        (
            true,
            format!(
                "left behind: System V segment key 0x{key:08x}, shmid 0, nattch 0: ipcs -m lists it until shmctl(IPC_RMID) or a reboot"
            )
        )
    );
}

#[test]
fn a_segment_marked_for_removal_lives_on_while_attached_and_its_key_makes_a_new_one() {
    // Worked by hand: IPC_RMID while attached only marks segment 0; the key now finds nothing,
    // so the next shmget makes segment 1, where "two" goes. The first detach undoes the newest
    // attachment (segment 1, which stays: it is not marked), the second the old one, which is
    // then destroyed; a third has nothing to detach.
    let r = run(&format!(
        "{FCFS}[[process]]\nname = \"a\"\nprogram = [\"shm seg 4 sysv\", \"produce seg one\", \"remove seg\", \"shm seg 4 sysv\", \"produce seg two\", \"consume seg\", \"detach seg\", \"detach seg\", \"detach seg\"]\n"
    ));
    assert_eq!(
        calls(&r),
        [
            "t=0 a: shmget + shmat(seg, 4 slots) = 0",
            "t=0 a: produce(seg, \"one\") = 0",
            "t=0 a: shmctl(seg, IPC_RMID) = 0",
            "t=0 a: shmget + shmat(seg, 4 slots) = 1",
            "t=0 a: produce(seg, \"two\") = 0",
            "t=0 a: consume(seg) = 0 \"two\"",
            "t=0 a: shmdt(seg) = 0",
            "t=0 a: shmdt(seg) = 0",
            "t=0 a: shmdt(seg) = -1 EINVAL",
        ]
    );
    let l = lives(&r);
    assert_eq!(
        l[1],
        "t=0 a: shmctl(IPC_RMID) marks the segment seg for removal (ipcs -m shows it as dest, its key now 0x00000000): it is destroyed when nattch reaches 0 (now 1)"
    );
    assert_eq!(
        l[2],
        format!(
            "t=0 a: shmget creates a System V segment (key 0x{:08x}, shmid 1) and shmat attaches it (nattch 1); it stays in the system, listed by ipcs -m, until someone calls shmctl(IPC_RMID), even after every process has exited",
            model_key("seg")
        )
    );
    assert_eq!(
        &l[3..],
        [
            "t=0 a: shmdt detaches the segment seg: nattch 0, and the segment stays in the system (ipcs -m lists it) until shmctl(IPC_RMID)",
            "t=0 a: shmdt detaches the segment seg: nattch 0",
            "t=0 a: the segment seg, marked for removal, has nothing attached: it is destroyed and ipcs -m no longer lists it",
        ]
    );
    assert!(fate(&r).0, "segment 1 was never removed");
    assert!(fate(&r).1.contains("shmid 1, nattch 0"), "{:?}", fate(&r));
}

#[test]
fn a_windows_mapping_goes_at_its_last_close_handle_and_its_items_with_it() {
    // The writer unmaps its view and closes its handle before the reader opens the name: the
    // object is destroyed then, so the reader's CreateFileMapping makes a new, empty one and
    // takes back its own "y", never the writer's "x".
    let r = run(&format!(
        "{FCFS}[[process]]\nname = \"writer\"\nprogram = [\"shm m 4 windows\", \"produce m x\", \"detach m\", \"close m\", \"exit 0\"]\n\
         [[process]]\nname = \"reader\"\narrival = 3\nprogram = [\"shm m 4 windows\", \"produce m y\", \"consume m\"]\n"
    ));
    assert_eq!(
        calls(&r),
        [
            "t=0 writer: CreateFileMapping + MapViewOfFile(m, 4 slots) = 3",
            "t=0 writer: produce(m, \"x\") = 0",
            "t=0 writer: UnmapViewOfFile(m) = 0",
            "t=0 writer: CloseHandle(m) = 0",
            "t=3 reader: CreateFileMapping + MapViewOfFile(m, 4 slots) = 3",
            "t=3 reader: produce(m, \"y\") = 0",
            "t=3 reader: consume(m) = 0 \"y\"",
        ]
    );
    let l = lives(&r);
    assert_eq!(
        &l[1..4],
        [
            "t=0 writer: UnmapViewOfFile unmaps the view of m: 1 handle and 0 views left",
            "t=0 writer: CloseHandle closes a handle to m: 0 handles and 0 views left",
            "t=0 writer: the last handle and view of m are gone: Windows destroys the file mapping object, and its name with it",
        ]
    );
    assert!(
        l[4].starts_with("t=3 reader: CreateFileMapping creates"),
        "{l:#?}"
    );
    assert_eq!(
        fate(&r),
        (
            false,
            "its last handle and view closed at tick 3: gone, with nothing to remove".into()
        )
    );
    // A view keeps the object alive after its handle is closed.
    let r = run(&format!(
        "{FCFS}[[process]]\nname = \"a\"\nprogram = [\"shm m 4 windows\", \"close m\", \"produce m z\", \"consume m\", \"detach m\", \"close m\"]\n"
    ));
    assert_eq!(
        &calls(&r)[1..],
        [
            "t=0 a: CloseHandle(m) = 0",
            "t=0 a: produce(m, \"z\") = 0",
            "t=0 a: consume(m) = 0 \"z\"",
            "t=0 a: UnmapViewOfFile(m) = 0",
            "t=0 a: CloseHandle(m) = -1 EBADF",
        ]
    );
    assert!(lives(&r)[3].contains("Windows destroys the file mapping object"));
}

#[test]
fn posix_close_keeps_the_mapping_and_each_way_of_letting_go_fails_once_done() {
    let r = run(&format!(
        "{FCFS}[[process]]\nname = \"p\"\nprogram = [\"shm r 4\", \"close r\", \"produce r a\", \"consume r\", \"close r\", \"detach r\", \"detach r\", \"consume r\", \"unlink r\", \"unlink r\"]\n"
    ));
    assert_eq!(
        calls(&r),
        [
            "t=0 p: shm_open + mmap(r, 4 slots) = 3",
            "t=0 p: close(r) = 0",
            // Closing the descriptor does not unmap: the ring is still there.
            "t=0 p: produce(r, \"a\") = 0",
            "t=0 p: consume(r) = 0 \"a\"",
            "t=0 p: close(r) = -1 EBADF",
            "t=0 p: munmap(r) = 0",
            "t=0 p: munmap(r) = -1 EINVAL",
            // Unmapped: the model fails the step where a real program would fault (SIGSEGV).
            "t=0 p: consume(r) = -1 EBADF",
            "t=0 p: shm_unlink(r) = 0",
            "t=0 p: shm_unlink(r) = -1 ENOENT",
        ]
    );
    assert_eq!(
        lives(&r).last().unwrap(),
        "t=0 p: nothing refers to /r any more: its memory is freed"
    );
}

#[test]
fn a_fork_shares_the_attachment_and_exec_takes_it_away() {
    // parent attaches (nattch 1) and forks: the child inherits the attachment (nattch 2),
    // puts an item in, then execs, which detaches it (nattch 1). The parent takes the item,
    // reaps the child and removes the segment while still attached; its end destroys it.
    let r = run(&format!(
        "{FCFS}[[process]]\nname = \"parent\"\nprogram = [\"shm s 4 sysv\", \"fork kid\", \"wait kid\", \"consume s\", \"remove s\"]\n\
         [[process]]\nname = \"kid\"\nforked_by = \"parent\"\nprogram = [\"produce s hi\", \"exec true\"]\n"
    ));
    let c = calls(&r);
    assert!(
        c.contains(&"t=0 kid: produce(s, \"hi\") = 0".to_string()),
        "{c:#?}"
    );
    assert!(
        c.contains(&"t=1 parent: consume(s) = 0 \"hi\"".to_string()),
        "{c:#?}"
    );
    assert_eq!(
        lives(&r),
        [
            format!(
                "t=0 parent: shmget creates a System V segment (key 0x{:08x}, shmid 0) and shmat attaches it (nattch 1); it stays in the system, listed by ipcs -m, until someone calls shmctl(IPC_RMID), even after every process has exited",
                model_key("s")
            ),
            "t=0 kid: exec starts the new program without s: unmapped: nattch 1".into(),
            "t=1 parent: shmctl(IPC_RMID) marks the segment s for removal (ipcs -m shows it as dest, its key now 0x00000000): it is destroyed when nattch reaches 0 (now 1)".into(),
            "t=1 parent: its end detaches the segment s: nattch 0".into(),
            "t=1 parent: the segment s, marked for removal, has nothing attached: it is destroyed and ipcs -m no longer lists it".into(),
        ]
    );
}

/// A flavour for the property test.
fn flavour() -> impl Strategy<Value = Flavour> {
    prop::sample::select(Flavour::ALL.to_vec())
}

/// The steps that let go of ring `b` cleanly in `flavour`; `last`: the last user, who also
/// removes the name where the flavour has one.
fn cleanup(flavour: Flavour, last: bool) -> Vec<String> {
    let mut steps = vec!["detach b".to_string()];
    match flavour {
        Flavour::Posix => {
            steps.push("close b".into());
            if last {
                steps.push("unlink b".into());
            }
        }
        Flavour::SystemV if last => steps.push("remove b".into()),
        Flavour::SystemV => {}
        Flavour::Windows => steps.push("close b".into()),
    }
    steps
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Whatever the flavour, items come out of the ring in the order they went in, none lost
    /// and none twice, and it never holds more than slots − 1. When everybody cleans up,
    /// nothing is left; when nobody does, POSIX and System V leave their object behind and
    /// Windows does not.
    #[test]
    fn the_ring_neither_loses_nor_duplicates_and_only_names_are_left_behind(
        flavour in flavour(),
        slots in 2u32..6,
        produced in prop::collection::vec(("[a-z]{1,3}", 0u8..3), 0..8),
        consumes in prop::collection::vec(0u8..3, 0..8),
        tidy in any::<bool>(),
    ) {
        let work = |step: String, w: u8| if w == 0 { step } else { format!("{step}\", \"cpu {w}") };
        let mut producer: Vec<String> = produced
            .iter()
            .map(|(item, w)| work(format!("produce b {item}"), *w))
            .collect();
        let mut consumer: Vec<String> = consumes
            .iter()
            .map(|w| work("consume b".into(), *w))
            .collect();
        if tidy {
            // The producer waits for the consumer, so the consumer is the last user.
            producer.push("wait cons".into());
            producer.extend(cleanup(flavour, true));
            consumer.extend(cleanup(flavour, false));
        }
        let list = |v: &[String]| v.iter().map(|s| format!(", \"{s}\"")).collect::<String>();
        let text = format!(
            "title = \"r\"\n[kernel]\nscheduler = \"rr\"\nquantum = 2\n\
             [[process]]\nname = \"prod\"\nprogram = [\"shm b {slots} {}\", \"fork cons\"{}]\n\
             [[process]]\nname = \"cons\"\nforked_by = \"prod\"\nprogram = [\"cpu 1\"{}]\n",
            flavour.word(),
            list(&producer),
            list(&consumer),
        );
        let (events, done) = checked_run(&text)?;
        for (_, step, result) in finished_calls(&events) {
            prop_assert!(result.errno.is_none(), "{:?} failed\n{}", step, text);
        }
        check_ring_trace(&events, slots, &text)?;
        let (p, c) = (produced.len(), consumes.len());
        prop_assert_eq!(done, c <= p && p - c < slots as usize, "\n{}", text);
        if done {
            let scenario = proclab::scenario::Scenario::parse("property.toml", &text).unwrap();
            let report = proclab::report::run(&scenario, proclab::report::Options::default());
            let left = report.shared_memory[0].left_behind;
            prop_assert_eq!(left, !tidy && flavour != Flavour::Windows, "\n{}", text);
        }
    }
}
