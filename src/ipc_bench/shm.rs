//! POSIX shared memory: one object (`shm_open` + `ftruncate` + `mmap`) holding a ring of slots
//! each way. A sender fills the slot at `head` and moves `head` on; the receiver empties the
//! slot at `tail` and moves `tail` on. No system call is needed while the other side keeps
//! up: a waiter spins for a short while, and only then sleeps on a futex, which the other side
//! wakes only if someone sleeps (it counts the sleepers). With a single CPU there is no
//! spinning: the partner could not run meanwhile, so a spin would only delay it. Every access to the shared words is
//! atomic (`lab::sys::SharedWords`), as the other process writes them at any time.

#![forbid(unsafe_code)]

use super::BenchError;
use super::channel::{Channel, LOOK_EVERY, Watch};
use super::names::shm_name;
use super::runner::{Named, Session};
use super::table::bytes;
use crate::lab::shared_bytes::{load_bytes, store_bytes};
use crate::lab::sys::{SharedWords, futex_wait_for, futex_wake};
use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::sys::mman::{shm_open, shm_unlink};
use nix::sys::stat::Mode;
use std::io;
use std::os::fd::AsFd;
use std::process::Stdio;
use std::sync::atomic::AtomicU32;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release, SeqCst};
use std::time::{Duration, Instant};

/// Slots per ring.
const SLOTS: u32 = 8;
/// How long a waiter spins before it sleeps, when there is more than one CPU.
const SPIN: Duration = Duration::from_micros(50);

/// [`SPIN`] if this process may run on more than one CPU, else nothing.
fn spin_limit() -> Duration {
    match std::thread::available_parallelism() {
        Ok(n) if n.get() > 1 => SPIN,
        _ => Duration::ZERO,
    }
}
/// Marks a laid-out object ("PBIP").
const MAGIC: u32 = 0x5042_4950;

/// Words of the object's header: magic, slot size in bytes.
const HEADER: usize = 16;
/// Words of a ring's header; `head` and `tail` sit on separate cache lines.
const RING_HEADER: usize = 32;
/// Messages published so far (moved by the sender only).
const HEAD: usize = 0;
/// Receivers asleep on `HEAD`.
const HEAD_SLEEPERS: usize = 1;
/// Messages taken so far (moved by the receiver only).
const TAIL: usize = 16;
/// Senders asleep on `TAIL`.
const TAIL_SLEEPERS: usize = 17;
/// Words before a slot's bytes: the length, then padding to a cache line.
const SLOT_HEADER: usize = 16;

/// The layout for slots of `slot_bytes`.
#[derive(Clone, Copy)]
struct Layout {
    slot_bytes: usize,
    slot_words: usize,
    ring_words: usize,
}

impl Layout {
    fn new(slot_bytes: usize) -> Layout {
        let slot_words = SLOT_HEADER + slot_bytes.div_ceil(4);
        Layout {
            slot_bytes,
            slot_words,
            ring_words: RING_HEADER + SLOTS as usize * slot_words,
        }
    }

    /// Words of the whole object: the header and two rings.
    fn words(self) -> usize {
        HEADER + 2 * self.ring_words
    }

    /// First word of ring `way` (0: proclab to peer, 1: back).
    fn ring(self, way: usize) -> usize {
        HEADER + way * self.ring_words
    }

    /// First word of slot `index` of the ring at `ring`.
    fn slot(self, ring: usize, index: u32) -> usize {
        ring + RING_HEADER + (index % SLOTS) as usize * self.slot_words
    }
}

/// One side's view of the two rings.
struct Rings {
    map: SharedWords,
    layout: Layout,
    tx: usize,
    rx: usize,
    /// How long to spin before sleeping.
    spin: Duration,
}

/// Waits until `cond` holds for `word`: spinning first, then sleeping on its futex (counted in
/// `sleepers`, so that the other side wakes it).
fn wait_until(
    word: &AtomicU32,
    sleepers: &AtomicU32,
    cond: impl Fn(u32) -> bool,
    spin: Duration,
    watch: &Watch,
) -> io::Result<()> {
    let start = Instant::now();
    let mut spins = 0u32;
    while !spin.is_zero() {
        if cond(word.load(Acquire)) {
            return Ok(());
        }
        spins = spins.wrapping_add(1);
        if spins.is_multiple_of(64) && start.elapsed() >= spin {
            break;
        }
        std::hint::spin_loop();
    }
    loop {
        // Counted before the last look, so a change made after it is followed by a wake-up
        // (the futex wait itself returns at once if the word has changed meanwhile).
        sleepers.fetch_add(1, SeqCst);
        let seen = word.load(SeqCst);
        if !cond(seen) {
            futex_wait_for(word, seen, LOOK_EVERY);
        }
        sleepers.fetch_sub(1, SeqCst);
        if cond(word.load(Acquire)) {
            return Ok(());
        }
        watch.check()?;
    }
}

/// Publishes a new value of `word` and wakes the other side if it sleeps on it.
fn publish(word: &AtomicU32, value: u32, sleepers: &AtomicU32) {
    word.store(value, SeqCst);
    if sleepers.load(SeqCst) > 0 {
        futex_wake(word, 1);
    }
}

impl Channel for Rings {
    fn send(&mut self, data: &[u8], watch: &Watch) -> io::Result<()> {
        let (w, l, ring) = (self.map.words(), self.layout, self.tx);
        for piece in data.chunks(l.slot_bytes) {
            // Only this side moves `head`.
            let head = w[ring + HEAD].load(Relaxed);
            let room = |tail: u32| head.wrapping_sub(tail) < SLOTS;
            wait_until(
                &w[ring + TAIL],
                &w[ring + TAIL_SLEEPERS],
                room,
                self.spin,
                watch,
            )?;
            let slot = l.slot(ring, head);
            w[slot].store(piece.len() as u32, Relaxed);
            store_bytes(&w[slot + SLOT_HEADER..slot + l.slot_words], piece);
            publish(
                &w[ring + HEAD],
                head.wrapping_add(1),
                &w[ring + HEAD_SLEEPERS],
            );
        }
        Ok(())
    }

    fn recv(&mut self, buf: &mut [u8], watch: &Watch) -> io::Result<()> {
        let (w, l, ring) = (self.map.words(), self.layout, self.rx);
        for piece in buf.chunks_mut(l.slot_bytes) {
            // Only this side moves `tail`.
            let tail = w[ring + TAIL].load(Relaxed);
            let filled = |head: u32| head != tail;
            wait_until(
                &w[ring + HEAD],
                &w[ring + HEAD_SLEEPERS],
                filled,
                self.spin,
                watch,
            )?;
            let slot = l.slot(ring, tail);
            if w[slot].load(Relaxed) as usize != piece.len() {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "a slot holds a message of another length than expected",
                ));
            }
            load_bytes(&w[slot + SLOT_HEADER..slot + l.slot_words], piece);
            publish(
                &w[ring + TAIL],
                tail.wrapping_add(1),
                &w[ring + TAIL_SLEEPERS],
            );
        }
        Ok(())
    }
}

/// proclab's side: makes and lays out the object, starts the peer.
pub fn open(s: &mut Session<'_>) -> Result<Box<dyn Channel>, BenchError> {
    let name = shm_name(s.ctx.owner);
    let layout = Layout::new(s.chunk);
    let flags = OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_RDWR;
    let mode = Mode::S_IRUSR | Mode::S_IWUSR;
    let fd = match shm_open(name.as_str(), flags, mode) {
        // Left by an earlier run of this very process: its owner is alive, so no sweep took it.
        Err(Errno::EEXIST) => {
            let _ = shm_unlink(name.as_str());
            shm_open(name.as_str(), flags, mode)
        }
        other => other,
    }
    .map_err(|e| s.fail("shm_open", e))?;
    s.own(Named::Shm(name));
    let size = (layout.words() * 4) as i64;
    nix::unistd::ftruncate(&fd, size).map_err(|e| s.fail("ftruncate", e))?;
    let map = SharedWords::map(fd.as_fd(), layout.words()).map_err(|e| s.fail("mmap", e))?;
    // The mapping keeps the object; the descriptor is no longer needed.
    drop(fd);
    let w = map.words();
    w[1].store(layout.slot_bytes as u32, Relaxed);
    w[0].store(MAGIC, Release);
    s.note = format!(
        "a ring of {SLOTS} × {} slots each way",
        bytes(layout.slot_bytes as u64)
    );
    s.spawn(Stdio::null(), Stdio::null())?;
    let mut rings = Rings {
        map,
        layout,
        tx: layout.ring(0),
        rx: layout.ring(1),
        spin: spin_limit(),
    };
    s.greet(&mut rings)?;
    Ok(Box::new(rings))
}

/// The peer's side: opens and maps the object proclab laid out for slots of `chunk` bytes.
pub fn peer(owner: i32, chunk: usize) -> io::Result<Box<dyn Channel>> {
    let layout = Layout::new(chunk);
    let fd = shm_open(shm_name(owner).as_str(), OFlag::O_RDWR, Mode::empty())?;
    let map = SharedWords::map(fd.as_fd(), layout.words())?;
    let w = map.words();
    if w[0].load(Acquire) != MAGIC || w[1].load(Relaxed) as usize != chunk {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "the shared-memory object is not laid out as expected",
        ));
    }
    Ok(Box::new(Rings {
        map,
        layout,
        tx: layout.ring(1),
        rx: layout.ring(0),
        spin: spin_limit(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_keeps_rings_and_slots_apart() {
        let l = Layout::new(100);
        assert_eq!(l.slot_words, 16 + 25);
        assert_eq!(l.ring(1) - l.ring(0), l.ring_words);
        assert_eq!(l.slot(l.ring(0), SLOTS), l.slot(l.ring(0), 0));
        let last = l.slot(l.ring(1), SLOTS - 1) + l.slot_words;
        assert_eq!(last, l.words());
    }
}
