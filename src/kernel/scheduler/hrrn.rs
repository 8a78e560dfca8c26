//! Highest response ratio next: (time waited + next burst) / next burst, so short jobs go
//! first but long ones can't starve.

use crate::kernel::event::Pick;
use crate::kernel::ids::{Pid, Tick};
use crate::kernel::process_table::ProcessTable;

fn waited_and_burst(pid: Pid, table: &ProcessTable, now: Tick) -> (Tick, Tick) {
    let pcb = &table[pid];
    let waited = pcb.accounting_at(now).waiting();
    (waited, pcb.sched.burst_left.max(1))
}

/// True if ratio a = (wa + sa) / sa is greater than ratio b, compared exactly.
fn higher(a: (Tick, Tick), b: (Tick, Tick)) -> bool {
    u128::from(a.0 + a.1) * u128::from(b.1) > u128::from(b.0 + b.1) * u128::from(a.1)
}

/// The position in `ready` of the highest ratio (the first one in tie-break order on a tie).
pub fn choose(ready: &[Pid], table: &ProcessTable, now: Tick) -> Option<(usize, Pick)> {
    let mut best: Option<(usize, (Tick, Tick))> = None;
    for (at, &pid) in ready.iter().enumerate() {
        let ratio = waited_and_burst(pid, table, now);
        if best.is_none_or(|(_, b)| higher(ratio, b)) {
            best = Some((at, ratio));
        }
    }
    best.map(|(at, (waited, burst))| (at, Pick::Hrrn { waited, burst }))
}

/// The ready processes by falling ratio.
pub fn ranked(ready: &[Pid], table: &ProcessTable, now: Tick) -> Vec<Pid> {
    let mut list = ready.to_vec();
    // A stable sort keeps tie-break order among equal ratios.
    list.sort_by(|&a, &b| {
        let (ra, rb) = (
            waited_and_burst(a, table, now),
            waited_and_burst(b, table, now),
        );
        if higher(ra, rb) {
            std::cmp::Ordering::Less
        } else if higher(rb, ra) {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    });
    list
}
