//! The terminal UI: the simulated kernel and the real OS side by side, stepped forward and back.
//!
//! A thin view in the Elm style: the state ([`app`]), keys mapped to an [`action::Action`]
//! ([`keymap`]), one function that changes the state ([`update`]), and drawing as a pure
//! function of the state ([`view`], one module per region of the screen). The [`runtime`] waits
//! for keys, timer ticks and real-run news; a [`real_worker`] thread owns each real run, so the
//! TUI process itself never forks (its helper does, single-threaded), and a [`measure_worker`]
//! thread makes a lesson's measurement (its peers are the proclab binary, executed).

#![forbid(unsafe_code)]

pub mod action;
pub mod app;
pub mod keymap;
pub mod measure_worker;
pub mod real_worker;
pub mod runtime;
pub mod theme;
pub mod update;
pub mod view;

pub use runtime::{Start, run};
