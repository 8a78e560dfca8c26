//! proclab: an educational simulator of operating-system processes.
//!
//! The layers, from the inside out:
//! - [`kernel`]: the simulated kernel, pure and deterministic, which emits events;
//! - [`scenario`]: TOML scenario files, validated into a kernel and its workload;
//! - [`report`]: text and JSON reports built from the kernel's events;
//! - [`exercise`]: classroom exercises, generated or pinned in files, solved by the kernel, and
//!   the grading of students' answers;
//! - [`replay`]: a run you can move through, forward and back (snapshots of the kernel);
//! - [`lab`]: the real-OS lab, which runs a scenario's processes for real beside the model;
//! - [`ipc_bench`]: `proclab bench ipc`, five real IPC mechanisms measured side by side;
//! - [`lesson`]: lessons (steps, questions computed from the simulation) and progress;
//! - [`tui`]: the terminal UI, a thin view over the replay and the lab's records;
//! - [`cli`]: the command line.
//!
//! Unsafe code is forbidden in every module except `lab::sys`, which wraps `fork`, `mmap`, futexes
//! and a signal handler (the `unsafe_code` lint is denied crate-wide in `Cargo.toml`).

pub mod cli;
pub mod compat;
pub mod exercise;
pub mod ipc_bench;
pub mod kernel;
pub mod lab;
pub mod lesson;
pub mod replay;
pub mod report;
pub mod scenario;
pub mod tui;
