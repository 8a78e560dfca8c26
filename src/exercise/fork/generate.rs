//! Fork programs drawn from a seed: a few `fork()` calls in the classic shapes, `printf`s of
//! single letters between them, and sometimes a `wait(NULL)`.

use super::orders::explore;
use super::parse::Stmt;
use super::run::run;
use crate::kernel::random::{SeededRng, Stream};

/// Generated programs make at most this many processes…
pub const MAX_PROCESSES: usize = 8;
/// …and print at most this many lines, so that a student can work them by hand.
pub const MAX_LINES: usize = 12;

struct Letters(u8);

impl Letters {
    fn print(&mut self) -> Stmt {
        let text = char::from(b'A' + self.0).to_string();
        self.0 += 1;
        Stmt::Print { line: 0, text }
    }
}

/// One fork call in one of four shapes: a bare `fork();`; a child that prints (and maybe
/// exits); a child that prints and exits while the parent waits for it and prints; or a child
/// that forks again.
fn unit(rng: &mut SeededRng, letters: &mut Letters) -> Stmt {
    match rng.range(0, 3) {
        0 => Stmt::Fork { line: 0 },
        1 => {
            let mut child = vec![letters.print()];
            if rng.range(0, 1) == 1 {
                child.push(Stmt::Exit { line: 0, code: 0 });
            }
            Stmt::If {
                line: 0,
                child,
                parent: Vec::new(),
            }
        }
        2 => {
            let child = vec![letters.print(), Stmt::Exit { line: 0, code: 0 }];
            let parent = vec![Stmt::Wait { line: 0 }, letters.print()];
            Stmt::If {
                line: 0,
                child,
                parent,
            }
        }
        _ => Stmt::If {
            line: 0,
            child: vec![Stmt::Fork { line: 0 }, letters.print()],
            parent: Vec::new(),
        },
    }
}

/// The program for `seed` with `forks` fork calls.
///
/// From ChaCha8 seeded with `seed`, in order: whether the program starts with a `printf`; then
/// for each fork call, its shape (and the shape's own choice), and whether a `printf` follows
/// it; then whether the program ends with `wait(NULL);` before its last `printf`. A program that
/// would make more than 8 processes, print more than 12 lines or have too many possible outputs
/// to count is drawn again, from where the generator stands, so the result still depends on the
/// seed alone.
pub fn generate(seed: u64, forks: u64) -> Vec<Stmt> {
    let mut rng = SeededRng::new(seed, Stream::Workload);
    // Most draws fit; the bound only makes the end certain. With at most 4 forks no program
    // makes more than 16 processes, so even the last draw is a valid program.
    let mut attempts = 0;
    loop {
        attempts += 1;
        let mut letters = Letters(0);
        let mut body = Vec::new();
        if rng.range(0, 1) == 1 {
            body.push(letters.print());
        }
        for _ in 0..forks {
            body.push(unit(&mut rng, &mut letters));
            if rng.range(0, 2) == 0 {
                body.push(letters.print());
            }
        }
        if rng.range(0, 2) == 0 {
            body.push(Stmt::Wait { line: 0 });
        }
        body.push(letters.print());
        let fits = run(&body).is_ok_and(|r| {
            r.procs.len() <= MAX_PROCESSES
                && r.total_lines() <= MAX_LINES
                && explore(&r).outputs.is_some()
        });
        if fits || attempts > 1000 {
            return body;
        }
    }
}
