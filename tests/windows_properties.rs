//! Properties of the Windows family's pipes, modelled on Windows NT: a message pipe hands
//! out each message exactly once and in order, and an anonymous pipe delivers exactly the
//! bytes written, whatever the scheduling and the buffers, while the kernel's invariants hold.

mod common;
use common::calls::*;
use common::windows::rr_scenario;
use proclab::kernel::win::{WinStep, WinTarget};
use proclab::kernel::win_error::WinError;
use proclab::kernel::{Event, Step};
use proptest::prelude::*;

/// The message each finished read of `steps`' kind returned, by process order, with whether
/// the call succeeded or said ERROR_MORE_DATA.
fn reads(events: &[Event], pick: impl Fn(&WinStep) -> bool) -> Vec<(String, WinError)> {
    finished_calls(events)
        .into_iter()
        .filter_map(|(_, step, result)| match step {
            Step::Win(w) if pick(&w) => {
                let win = result.win32.expect("a Win32 result");
                Some((
                    result.data.as_deref().unwrap_or("").to_string(),
                    win.last_error,
                ))
            }
            _ => None,
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever the scheduling and the buffers, a message pipe hands out every message once,
    /// whole or in parts that each say ERROR_MORE_DATA but the last, never two at once, and in
    /// the order written.
    #[test]
    fn a_message_pipe_reads_each_message_exactly_once_in_order(
        messages in prop::collection::vec("[a-z]{1,8}", 1..6),
        sizes in prop::collection::vec(1u32..10, 1..8),
        gaps in prop::collection::vec(0u64..3, 6),
        quantum in 1u64..4,
    ) {
        let mut server = vec!["CreateNamedPipe m message".to_string(), "ConnectNamedPipe m".into()];
        for (i, m) in messages.iter().enumerate() {
            if gaps[i % gaps.len()] > 0 {
                server.push(format!("cpu {}", gaps[i % gaps.len()]));
            }
            server.push(format!("WriteFile m {m}"));
        }
        let total: usize = messages.iter().map(String::len).sum();
        let mut client = vec!["CreateFile m".to_string()];
        for i in 0..total {
            client.push(format!("ReadFile m {}", sizes[i % sizes.len()]));
        }
        let text = rr_scenario(
            quantum,
            &[("server", "", &server), ("client", "arrival = 1", &client)],
        );
        let (events, _) = checked_run(&text)?;
        let got = reads(&events, |w| matches!(w, WinStep::ReadFile { .. }));
        let mut rebuilt = Vec::new();
        let mut part = String::new();
        for (data, error) in got {
            match error {
                WinError::ERROR_MORE_DATA => part.push_str(&data),
                WinError::ERROR_SUCCESS => {
                    part.push_str(&data);
                    rebuilt.push(std::mem::take(&mut part));
                }
                // Once every message is read and the server has ended, the pipe is broken.
                WinError::ERROR_BROKEN_PIPE => prop_assert!(part.is_empty(), "{}", text),
                other => prop_assert!(false, "{other:?}\n{}", text),
            }
        }
        prop_assert_eq!(rebuilt, messages, "{}", text);
    }

    /// An anonymous pipe of any size delivers exactly the bytes written, in order, however
    /// the writes wait for room; then its reader sees ERROR_BROKEN_PIPE.
    #[test]
    fn an_anonymous_pipe_loses_and_reorders_nothing(
        pieces in prop::collection::vec("[a-z]{1,9}", 1..6),
        size in 1u32..8,
        reads_of in prop::collection::vec(1u32..6, 1..6),
        quantum in 1u64..4,
    ) {
        let mut parent = vec![
            format!("CreatePipe p inheritable {size}"),
            // Else the kid inherits the write handle too, and never sees the pipe break.
            "SetHandleInformation p write no-inherit".into(),
            "CreateProcess kid stdin=p".into(),
            "CloseHandle p read".into(),
        ];
        parent.extend(pieces.iter().map(|p| format!("WriteFile p {p}")));
        parent.push("CloseHandle p write".into());
        let total: usize = pieces.iter().map(String::len).sum();
        let kid: Vec<String> = (0..=total)
            .map(|i| format!("ReadFile stdin {}", reads_of[i % reads_of.len()]))
            .collect();
        let text = rr_scenario(
            quantum,
            &[("parent", "", &parent), ("kid", "forked_by = \"parent\"", &kid)],
        );
        let (events, done) = checked_run(&text)?;
        prop_assert!(done, "the run ends\n{}", text);
        let got = reads(&events, |w| matches!(
            w,
            WinStep::ReadFile { from: WinTarget::Std { .. }, .. }
        ));
        let mut bytes = String::new();
        let mut broken = false;
        for (data, error) in got {
            match error {
                WinError::ERROR_SUCCESS => {
                    prop_assert!(!broken, "data after the pipe broke\n{}", text);
                    bytes.push_str(&data);
                }
                WinError::ERROR_BROKEN_PIPE => broken = true,
                other => prop_assert!(false, "{other:?}\n{}", text),
            }
        }
        prop_assert_eq!(bytes, pieces.concat(), "{}", text);
        prop_assert!(broken, "the reader saw the end\n{}", text);
    }
}
