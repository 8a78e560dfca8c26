//! The `proclab` command.

#![forbid(unsafe_code)]

fn main() {
    std::process::exit(proclab::cli::main());
}
