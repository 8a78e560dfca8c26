//! Lottery scheduling: the next quantum goes to whoever holds a randomly drawn ticket.

use crate::kernel::event::Pick;
use crate::kernel::ids::Pid;
use crate::kernel::process_table::ProcessTable;
use crate::kernel::random::SeededRng;

/// Draws a ticket among the ready processes (walked in tie-break order, as OSTEP's lottery.py
/// walks its job list) and returns the winner's position in `ready`.
pub fn draw(ready: &[Pid], table: &ProcessTable, rng: &mut SeededRng) -> Option<(usize, Pick)> {
    let total: u64 = ready
        .iter()
        .map(|&p| u64::from(table[p].sched.tickets))
        .sum();
    if total == 0 {
        return None;
    }
    let ticket = rng.range(0, total - 1);
    let mut counter = 0;
    for (at, &pid) in ready.iter().enumerate() {
        let held = table[pid].sched.tickets;
        counter += u64::from(held);
        if ticket < counter {
            return Some((
                at,
                Pick::Lottery {
                    ticket,
                    total,
                    held,
                },
            ));
        }
    }
    None
}
