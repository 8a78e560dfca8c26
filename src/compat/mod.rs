//! Compatibility with the reference simulators of OSTEP's homework, so that proclab can open
//! exactly the problems they generate.

#![forbid(unsafe_code)]

pub mod python_random;
