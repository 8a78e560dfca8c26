//! Compatibility with the reference simulators of OSTEP's homework, so that proclab can open
//! exactly the problems they generate.

pub mod python_random;
