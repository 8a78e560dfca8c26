//! The simulated kernel: a pure, deterministic model of process management. It performs no
//! I/O, reads no clock and holds no global state; randomness comes only from the scenario's
//! seed. It reports everything it does as [`Event`]s to an [`EventSink`].
//!
//! The code is split by concept: the event loop (`engine`), the three schedulers
//! (`admission` long-term, `memory` medium-term, `scheduler` and `dispatcher` short-term),
//! process lifecycle (`lifecycle`), devices, timers, and the data they work on.

#![forbid(unsafe_code)]

mod admission;
mod aging;
mod boost;
pub mod call;
pub mod config;
pub mod cpu;
pub mod devices;
mod dispatcher;
mod engine;
pub mod event;
pub mod files;
pub mod ids;
mod invariants;
pub mod ipc;
mod lifecycle;
mod memory;
pub mod message;
mod messaging;
pub mod narration;
mod narration_ipc;
mod narration_shm;
pub mod pcb;
mod process_table;
pub mod program;
pub mod random;
mod rotation;
pub mod rpc;
mod rpc_calls;
pub mod scheduler;
pub mod segment;
mod shared_memory;
pub mod socket;
mod sockets;
pub mod state;
mod step_text;
pub mod syscalls;
mod timers;
mod view;
pub mod workload;
// The Windows family (anonymous pipes, named pipes, mailslots), modelled on Windows NT.
pub mod mailslot;
mod mailslot_calls;
mod namedpipe_calls;
pub mod narration_windows;
pub mod win;
mod win_calls;
pub mod win_error;
pub mod win_reason;
pub mod winpipe;
mod winpipe_calls;

pub use config::{KernelConfig, Policy};
pub use dispatcher::STRIDE_ONE;
pub use engine::Kernel;
pub use event::{Event, EventSink, Reason};
pub use ids::{CpuId, DeviceId, Pid, Tick};
pub use lifecycle::DEFAULT_IMAGE_TICKS;
pub use narration::Names;
pub use pcb::Pcb;
pub use program::{ExitStatus, Program, Step};
pub use state::{State, WaitOn};
pub use workload::{ProcessSpec, Workload};
