//! For the tests of `proclab bench ipc` and of the lesson that measures: what a measurement
//! may not leave behind — its named objects and its peer processes.

use proclab::ipc_bench::names::leftovers;

/// Peer processes started by the proclab with this pid that still exist.
pub fn peers_of(owner: i32) -> Vec<i32> {
    let wanted = format!("--owner\0{owner}\0");
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| {
                let c = String::from_utf8_lossy(&c);
                c.contains("__ipc-peer") && c.contains(&wanted)
            })
        })
        .collect()
}

/// Fails if the measurement run by `owner` left an object or a peer process behind.
pub fn assert_nothing_left(owner: i32) {
    assert_eq!(
        leftovers(owner),
        Vec::<String>::new(),
        "objects left behind"
    );
    assert_eq!(
        peers_of(owner),
        Vec::<i32>::new(),
        "peer processes left behind"
    );
}
