//! Names for the nouns of the simulated kernel, so a pid can't be passed where a CPU is meant.

use serde::Serialize;
use std::fmt;

/// Simulated time, in ticks. Used for both instants and durations.
pub type Tick = u64;

/// A process identifier in the simulated kernel.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Pid(pub u32);

impl Pid {
    /// The init process, which adopts orphans and reaps them. It is never scheduled.
    pub const INIT: Pid = Pid(1);
    /// The first pid handed to a scenario's processes.
    pub const FIRST: Pid = Pid(2);
}

impl fmt::Display for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// One simulated CPU, numbered from 0.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct CpuId(pub u16);

impl fmt::Display for CpuId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CPU {}", self.0)
    }
}

/// One simulated I/O device, an index into the kernel's device list.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct DeviceId(pub u16);
