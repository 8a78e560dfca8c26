//! proclab: an educational simulator of operating-system processes.
//!
//! The layers, from the inside out:
//! - [`kernel`]: the simulated kernel, pure and deterministic, which emits events;
//! - [`scenario`]: TOML scenario files, validated into a kernel and its workload;
//! - [`report`]: text and JSON reports built from the kernel's events;
//! - [`cli`]: the command line.

#![forbid(unsafe_code)]

pub mod cli;
pub mod compat;
pub mod kernel;
pub mod report;
pub mod scenario;
