//! I/O devices: each serves a limited number of requests at a time, first come first served,
//! and keeps the rest in its device queue.

use super::config::DeviceConfig;
use super::ids::{Pid, Tick};
use std::collections::VecDeque;
use std::sync::Arc;

/// A request for device time.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// Who asked.
    pub pid: Pid,
    /// Service time.
    pub ticks: Tick,
    /// When service ends (requests being served only).
    pub ends: Tick,
}

/// A device and its queue.
#[derive(Clone, Debug)]
pub struct Device {
    /// Its name.
    pub name: Arc<str>,
    /// Requests served at once; `None` for no limit.
    pub servers: Option<u32>,
    /// Requests being served, oldest first.
    pub serving: Vec<Request>,
    /// Requests waiting, first come first served.
    pub queue: VecDeque<Request>,
}

impl Device {
    /// A device with nothing to do.
    pub fn new(config: &DeviceConfig) -> Device {
        Device {
            name: config.name.clone(),
            servers: config.servers,
            serving: Vec::new(),
            queue: VecDeque::new(),
        }
    }

    fn has_free_server(&self) -> bool {
        self.servers.is_none_or(|n| (self.serving.len() as u32) < n)
    }

    /// Adds a request. Returns when it will be done if it is served at once, or else how many
    /// requests are ahead of it.
    pub fn request(&mut self, pid: Pid, ticks: Tick, now: Tick) -> Result<Tick, u32> {
        if self.has_free_server() && self.queue.is_empty() {
            let ends = now + ticks;
            self.serving.push(Request { pid, ticks, ends });
            Ok(ends)
        } else {
            let ahead = (self.serving.len() + self.queue.len()) as u32;
            self.queue.push_back(Request {
                pid,
                ticks,
                ends: 0,
            });
            Err(ahead)
        }
    }

    /// Ends `pid`'s request (done, or cancelled because the process died) and starts the next
    /// queued one if a server is free. Returns the started request.
    pub fn finish(&mut self, pid: Pid, now: Tick) -> Option<Request> {
        self.serving.retain(|r| r.pid != pid);
        self.queue.retain(|r| r.pid != pid);
        if !self.has_free_server() {
            return None;
        }
        let mut next = self.queue.pop_front()?;
        next.ends = now + next.ticks;
        self.serving.push(next);
        Some(next)
    }

    /// True if `pid` has a request here.
    pub fn holds(&self, pid: Pid) -> bool {
        self.serving
            .iter()
            .chain(self.queue.iter())
            .any(|r| r.pid == pid)
    }
}
