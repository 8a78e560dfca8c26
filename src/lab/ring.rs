//! The bounded buffer in shared memory, the classic ring with `in` and `out` indices: the
//! producer waits while `(in + 1) % slots == out` (so at most `slots − 1` items are held and a
//! full ring can be told from an empty one without a counter), the consumer while
//! `in == out`. Waiting is a futex wait on the index the other side moves, so a blocked
//! producer or consumer sleeps in the kernel where `/proc` can see it.

#![forbid(unsafe_code)]

use super::shared_bytes::store_bytes;
use super::sys::{SharedWords, futex_wait, futex_wake};
use std::sync::atomic::Ordering::{Acquire, Release, SeqCst};

/// Index of the `in` word (next slot to fill).
const IN: usize = 0;
/// Index of the `out` word (next slot to empty).
const OUT: usize = 1;
/// Index of the slot count.
const SLOTS: usize = 2;
/// Index of the lock word (0 free, 1 held), for several producers or consumers.
const LOCK: usize = 3;
/// Words before the first slot.
const HEADER: usize = 16;
/// Words per slot: a length, then the bytes.
const SLOT_WORDS: usize = 16;
/// Longest item, in bytes.
pub const ITEM_MAX: usize = (SLOT_WORDS - 1) * 4;

/// Words the ring of `slots` slots takes.
pub fn words(slots: u32) -> usize {
    HEADER + slots as usize * SLOT_WORDS
}

/// Sets the slot count of a fresh (all-zero) ring; an existing ring keeps its own.
pub fn init(ring: &SharedWords, slots: u32) {
    let _ = ring.words()[SLOTS].compare_exchange(0, slots, SeqCst, SeqCst);
}

fn lock(ring: &SharedWords) {
    let word = &ring.words()[LOCK];
    while word.compare_exchange(0, 1, Acquire, Acquire).is_err() {
        futex_wait(word, 1);
    }
}

fn unlock(ring: &SharedWords) {
    let word = &ring.words()[LOCK];
    word.store(0, Release);
    futex_wake(word, 1);
}

fn slot_range(index: u32) -> std::ops::Range<usize> {
    let start = HEADER + index as usize * SLOT_WORDS;
    start..start + SLOT_WORDS
}

/// Puts `item` in, waiting while the ring is full.
pub fn produce(ring: &SharedWords, item: &[u8]) {
    let w = ring.words();
    let slots = w[SLOTS].load(Acquire).max(1);
    loop {
        lock(ring);
        let (next_in, out) = (w[IN].load(Acquire), w[OUT].load(Acquire));
        if (next_in + 1) % slots != out {
            let slot = &w[slot_range(next_in)];
            let item = &item[..item.len().min(ITEM_MAX)];
            slot[0].store(item.len() as u32, Release);
            store_bytes(&slot[1..], item);
            w[IN].store((next_in + 1) % slots, Release);
            unlock(ring);
            futex_wake(&w[IN], i32::MAX);
            return;
        }
        unlock(ring);
        // Full: sleep until the consumer moves `out`.
        futex_wait(&w[OUT], out);
    }
}

/// Takes the oldest item, waiting while the ring is empty.
pub fn consume(ring: &SharedWords) -> Vec<u8> {
    let w = ring.words();
    let slots = w[SLOTS].load(Acquire).max(1);
    loop {
        lock(ring);
        let (next_in, out) = (w[IN].load(Acquire), w[OUT].load(Acquire));
        if next_in != out {
            let item = read_slot(|i| w[slot_range(out)][i].load(Acquire));
            w[OUT].store((out + 1) % slots, Release);
            unlock(ring);
            futex_wake(&w[OUT], i32::MAX);
            return item;
        }
        unlock(ring);
        // Empty: sleep until the producer moves `in`.
        futex_wait(&w[IN], next_in);
    }
}

fn read_slot(word: impl Fn(usize) -> u32) -> Vec<u8> {
    let len = (word(0) as usize).min(ITEM_MAX);
    let mut bytes = Vec::with_capacity(len);
    for i in 0..len.div_ceil(4) {
        bytes.extend_from_slice(&word(1 + i).to_le_bytes());
    }
    bytes.truncate(len);
    bytes
}

/// A ring as an observer reads it from the shared-memory file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RingView {
    /// Next slot to fill.
    pub next_in: u32,
    /// Next slot to empty.
    pub next_out: u32,
    /// The items held, oldest first.
    pub items: Vec<String>,
    /// Slot count.
    pub slots: u32,
}

/// Decodes a ring from the bytes of its shared-memory object (little-endian words).
pub fn decode(bytes: &[u8]) -> Option<RingView> {
    let word = |i: usize| -> Option<u32> {
        let b = bytes.get(i * 4..i * 4 + 4)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let slots = word(SLOTS)?;
    if slots == 0 {
        return None;
    }
    let (next_in, next_out) = (word(IN)? % slots, word(OUT)? % slots);
    let mut items = Vec::new();
    let mut at = next_out;
    while at != next_in {
        let range = slot_range(at);
        let item = read_slot(|i| word(range.start + i).unwrap_or(0));
        items.push(String::from_utf8_lossy(&item).into_owned());
        at = (at + 1) % slots;
    }
    Some(RingView {
        next_in,
        next_out,
        items,
        slots,
    })
}
