//! The real-OS lab: a scenario's processes run for real beside the simulated kernel, step for
//! step, and `/proc` is read to show the real kernel's view next to the model's.
//!
//! proclab starts a single-threaded helper ([`client`] → [`helper`]), which forks one *twin*
//! per simulated process ([`twins`], [`twin`]); the [`driver`] steps the simulated kernel and
//! has each twin make the system calls its process makes in the model; [`observe`] reads
//! `/proc`; [`compare`] tells what differs. The records ([`record`]) are all a front end sees.
//! Linux only: elsewhere [`client::RealRun::start`] says so.
//!
//! Unsafe code is confined to [`sys`]; every other module forbids it.

pub mod admit;
pub mod compare;
pub mod error;
pub mod json;
pub mod protocol;
pub mod record;
pub mod render;

#[cfg(target_os = "linux")]
mod call_lines;
#[cfg(target_os = "linux")]
pub mod client;
#[cfg(target_os = "linux")]
mod conn;
#[cfg(target_os = "linux")]
mod deaths;
#[cfg(target_os = "linux")]
pub mod driver;
#[cfg(target_os = "linux")]
pub mod helper;
#[cfg(target_os = "linux")]
pub mod names;
#[cfg(target_os = "linux")]
pub mod observe;
#[cfg(target_os = "linux")]
mod ops;
#[cfg(target_os = "linux")]
pub mod ring;
#[cfg(target_os = "linux")]
pub mod shared_bytes;
#[cfg(target_os = "linux")]
mod shm_ops;
#[cfg(target_os = "linux")]
mod shm_views;
#[cfg(target_os = "linux")]
pub mod sys;
#[cfg(target_os = "linux")]
pub mod sysv;
#[cfg(target_os = "linux")]
mod teardown;
#[cfg(target_os = "linux")]
pub mod twin;
#[cfg(target_os = "linux")]
mod twin_shm;
#[cfg(target_os = "linux")]
mod twin_sockets;
#[cfg(target_os = "linux")]
pub mod twins;
#[cfg(target_os = "linux")]
mod views;

/// The hidden subcommand that runs the helper.
pub const HELPER_COMMAND: &str = "__lab";

/// What the next step of a real run brought.
#[derive(Debug)]
pub enum Next {
    /// A step, recorded on both sides.
    Step(Box<record::StepRecord>),
    /// The end, with the comparison.
    End(record::Summary),
}

/// Elsewhere than Linux: the same interface, which explains that the lab needs Linux.
#[cfg(not(target_os = "linux"))]
pub mod client {
    #![forbid(unsafe_code)]
    use super::error::LabError;
    pub use super::{HELPER_COMMAND, Next};
    use crate::scenario::Scenario;
    use std::time::Duration;

    /// A real run (never made here).
    #[derive(Debug)]
    pub struct RealRun {
        /// Steps.
        pub steps: u64,
        /// The helper's pid.
        pub helper: i32,
    }

    impl RealRun {
        /// Always fails: the lab needs Linux.
        pub fn start(_: &Scenario, _: Duration) -> Result<RealRun, LabError> {
            Err(LabError::Protocol(
                "--real runs processes on Linux only; the simulated kernel works everywhere".into(),
            ))
        }
        /// Always fails: the lab needs Linux.
        pub fn start_with(
            _: &std::path::Path,
            scenario: &Scenario,
            timeout: Duration,
            _: std::process::Stdio,
        ) -> Result<RealRun, LabError> {
            RealRun::start(scenario, timeout)
        }
        /// Never called.
        pub fn stop_on_signals(&self) -> Result<(), LabError> {
            Ok(())
        }
        /// Never called.
        pub fn step(&mut self) -> Result<Next, LabError> {
            Err(LabError::Protocol("no real run".into()))
        }
        /// Never called.
        pub fn finish(self) -> Result<(), LabError> {
            Ok(())
        }
    }
}
