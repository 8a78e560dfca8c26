//! The system calls of the shared-memory ring: `shm` makes or attaches it, `produce` and
//! `consume` put and take items, waiting while it is full or empty, and each wakes the other
//! side's waiters.

use super::call::{CallResult, Errno};
use super::engine::Kernel;
use super::event::{EventSink, Reason};
use super::files::Open;
use super::ids::Pid;
use super::ipc::{Object, Ring};
use super::program::ObjectId;
use std::sync::Arc;

impl Kernel {
    /// `shm`: creates the ring (or attaches to an existing one) and gives it a descriptor.
    pub(super) fn shm(&mut self, pid: Pid, object: ObjectId, slots: u32) -> CallResult {
        if !matches!(self.objects[object as usize], Object::Ring(_)) {
            self.objects[object as usize] = Object::Ring(Ring::new(slots));
        }
        let fd = self.table[pid].files.add(Open::Ring { object });
        CallResult::ok(i64::from(fd))
    }

    fn ring(&mut self, object: ObjectId) -> Option<&mut Ring> {
        match &mut self.objects[object as usize] {
            Object::Ring(r) => Some(r),
            _ => None,
        }
    }

    /// `produce`: puts an item in the ring, or waits while it is full.
    pub(super) fn produce(
        &mut self,
        pid: Pid,
        object: ObjectId,
        item: Arc<str>,
    ) -> Option<CallResult> {
        if self.table[pid].files.named(object, None).is_none() {
            return Some(CallResult::err(Errno::EBADF));
        }
        let ring = self.ring(object)?;
        if ring.is_full() {
            ring.producing.push_back((pid, item));
            return None;
        }
        ring.put(item);
        Some(CallResult::ok(0))
    }

    /// `consume`: takes the oldest item, or waits while the ring is empty.
    pub(super) fn consume(&mut self, pid: Pid, object: ObjectId) -> Option<CallResult> {
        if self.table[pid].files.named(object, None).is_none() {
            return Some(CallResult::err(Errno::EBADF));
        }
        let ring = self.ring(object)?;
        if ring.is_empty() {
            ring.consuming.push_back(pid);
            return None;
        }
        Some(CallResult::with_data(0, ring.take()))
    }

    pub(super) fn serve_consumers(&mut self, object: ObjectId, sink: &mut impl EventSink) {
        while let Some(ring) = self.ring(object)
            && !ring.is_empty()
            && let Some(pid) = ring.consuming.pop_front()
        {
            let item = ring.take();
            self.complete(
                pid,
                CallResult::with_data(0, item),
                Reason::Consumed { object },
                sink,
            );
            self.serve_producers(object, sink);
        }
    }

    pub(super) fn serve_producers(&mut self, object: ObjectId, sink: &mut impl EventSink) {
        while let Some(ring) = self.ring(object)
            && !ring.is_full()
            && let Some((pid, item)) = ring.producing.pop_front()
        {
            ring.put(item);
            self.complete(pid, CallResult::ok(0), Reason::Produced { object }, sink);
            self.serve_consumers(object, sink);
        }
    }
}
