//! Fork exercises: a short C program of `fork()`, `if (fork() == 0) {…}`, `printf`, `wait`
//! and `exit`, and the questions "how many processes? what tree? what is printed, how many
//! times, in which orders?". A pure interpreter answers them ([`run`], [`orders`]).

pub mod generate;
pub mod orders;
pub mod parse;
pub mod run;

use super::workload::quote;
use orders::Orders;
use parse::{ParseError, Stmt};
use run::{Action, Run};
use serde::Serialize;
use std::fmt::Write;

/// A fork program: its text as shown to students, its statements, and what its processes do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForkProgram {
    /// The program text.
    pub source: String,
    /// Its statements.
    pub body: Vec<Stmt>,
    /// Its processes, each run to its end by the interpreter.
    pub run: Run,
    /// The possible orders of its output (searched once, here: the search is the costly part).
    pub orders: Orders,
}

impl ForkProgram {
    /// Parses a program and runs it; it may make at most [`run::MAX_PROCESSES`] processes.
    pub fn parse(source: &str) -> Result<ForkProgram, ParseError> {
        let body = parse::parse(source)?;
        if body.is_empty() {
            return Err(ParseError {
                message: "the program has no statements".into(),
                span: 0..0,
                hint: "write it with fork(), printf(\"…\\n\"), wait(NULL) and exit(0)".into(),
            });
        }
        let Ok(run) = run::run(&body) else {
            return Err(ParseError {
                message: format!(
                    "this program makes more than {} processes",
                    run::MAX_PROCESSES
                ),
                span: 0..source.len().min(1),
                hint: "use fewer fork() calls: each one can double the number of processes".into(),
            });
        };
        let orders = orders::explore(&run);
        Ok(ForkProgram {
            source: source.to_string(),
            body,
            run,
            orders,
        })
    }

    /// The program `seed` gives with `forks` fork calls, in the canonical layout.
    pub fn generated(seed: u64, forks: u64) -> ForkProgram {
        let source = parse::render(&generate::generate(seed, forks));
        // The text was rendered from statements, so it parses (a unit test holds this).
        ForkProgram::parse(&source).expect("a rendered program parses")
    }

    /// The answers: the run, and the search over its interleavings.
    pub fn solve(&self) -> ForkSolution {
        ForkSolution {
            run: self.run.clone(),
            orders: self.orders.clone(),
        }
    }
}

/// The answers of a fork exercise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForkSolution {
    /// The processes and what each does.
    pub run: Run,
    /// The possible orders of the output.
    pub orders: Orders,
}

/// A process of the tree, as JSON.
#[derive(Clone, Debug, Serialize)]
pub struct TreeJson {
    /// Its name.
    pub name: String,
    /// Line of the fork() that made it.
    pub fork_line: Option<usize>,
    /// What it prints, in its order.
    pub prints: Vec<String>,
    /// Its exit status.
    pub exit: u8,
    /// Its children, in the order it forks them.
    pub children: Vec<TreeJson>,
}

/// A line of the program's output, as JSON.
#[derive(Clone, Debug, Serialize)]
pub struct LineJson {
    /// The text.
    pub line: String,
    /// How many times it is printed.
    pub count: usize,
    /// By which processes.
    pub printed_by: Vec<String>,
}

/// The answers of a fork exercise, as JSON.
#[derive(Clone, Debug, Serialize)]
pub struct ForkJson {
    /// Number of processes.
    pub processes: usize,
    /// The process tree.
    pub tree: TreeJson,
    /// Each line and how many times it is printed.
    pub output: Vec<LineJson>,
    /// Lines printed in all.
    pub lines: usize,
    /// Number of possible outputs (`null`: more than 5000, or too many interleavings to search).
    pub orders: Option<usize>,
    /// Every possible output.
    pub possible_outputs: Option<Vec<Vec<String>>>,
    /// Pairs `[a, b]`: every `a` is printed before every `b` in every run.
    pub always_before: Option<Vec<[String; 2]>>,
}

fn times(n: usize) -> String {
    if n == 1 {
        "1 time".into()
    } else {
        format!("{n} times")
    }
}

/// The program with line numbers, and the questions.
pub fn problem_text(program: &ForkProgram) -> String {
    let mut out = String::new();
    for (i, line) in program.source.lines().enumerate() {
        let _ = writeln!(out, "  {:>2} | {line}", i + 1);
        out.truncate(out.trim_end().len());
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&crate::report::text::wrap(
        "Every call succeeds, and each line is printed whole at once (it ends in \\n and \
         standard output is a terminal).",
        92,
    ));
    out
}

impl ForkSolution {
    /// Every possible output as text, one line each (`A B C`).
    pub fn outputs_text(&self) -> Option<Vec<String>> {
        let lines = &self.run.lines;
        self.orders.outputs.as_ref().map(|outputs| {
            outputs
                .iter()
                .map(|o| {
                    let words: Vec<&str> = o.iter().map(|&i| lines[i].as_str()).collect();
                    words.join(" ")
                })
                .collect()
        })
    }

    /// The worked answer: count, tree, output, orders.
    pub fn text(&self) -> String {
        let run = &self.run;
        let n = run.procs.len();
        let mut out = format!(
            "Processes: {n} (P0, which starts the program, and {} made by fork)\n\n",
            n - 1
        );
        out.push_str("Process tree (each child with the line of the fork() that made it):\n");
        out.push_str(&run.tree());
        let _ = writeln!(out, "\nOutput: {} lines", run.total_lines());
        let width = run.lines.iter().map(|l| l.len()).max().unwrap_or(1);
        for (i, line) in run.lines.iter().enumerate() {
            let by = run.printed_by(i);
            let who = if by.is_empty() {
                "never printed".to_string()
            } else {
                format!("by {}", by.join(", "))
            };
            let _ = writeln!(out, "  {line:<width$}  {:<8} {who}", times(by.len()));
        }
        out.push('\n');
        match self.outputs_text() {
            Some(all) => {
                let _ = writeln!(out, "Possible outputs: {}", all.len());
                const SHOWN: usize = 12;
                for o in all.iter().take(SHOWN) {
                    let _ = writeln!(out, "  {o}");
                }
                if all.len() > SHOWN {
                    let _ = writeln!(out, "  … and {} more", all.len() - SHOWN);
                }
            }
            None if self.orders.limit == Some(orders::Limit::Outputs) => {
                let _ = writeln!(
                    out,
                    "Possible outputs: more than {} (too many to list)",
                    orders::MAX_OUTPUTS
                );
            }
            None => out.push_str(
                "Possible outputs: not counted (the processes interleave in too many ways to \
                 search them all)\n",
            ),
        }
        let printed = (0..run.lines.len())
            .filter(|&i| !run.printed_by(i).is_empty())
            .count();
        match &self.orders.always_before {
            None => out.push_str("Which lines always come first: not searched (too big).\n"),
            Some(_) if printed < 2 => {}
            Some(pairs) if orders::essential(pairs).is_empty() => {
                out.push_str("No line is always printed before another.\n");
            }
            Some(pairs) => {
                let essential = orders::essential(pairs);
                out.push_str("Guaranteed in every run:\n");
                for (a, b) in essential {
                    let _ = writeln!(
                        out,
                        "  every {} comes before every {}",
                        run.lines[a], run.lines[b]
                    );
                }
            }
        }
        out
    }

    /// The answers, ready to serialize as JSON.
    pub fn json(&self) -> ForkJson {
        let run = &self.run;
        fn node(run: &Run, p: usize) -> TreeJson {
            let proc = &run.procs[p];
            TreeJson {
                name: proc.name.clone(),
                fork_line: proc.fork_line,
                prints: run.prints_of(p).into_iter().map(String::from).collect(),
                exit: proc.exit,
                children: proc.children.iter().map(|&c| node(run, c)).collect(),
            }
        }
        let line = |i: usize| run.lines[i].clone();
        ForkJson {
            processes: run.procs.len(),
            tree: node(run, 0),
            output: (0..run.lines.len())
                .map(|i| {
                    let by = run.printed_by(i);
                    LineJson {
                        line: line(i),
                        count: by.len(),
                        printed_by: by.into_iter().map(String::from).collect(),
                    }
                })
                .collect(),
            lines: run.total_lines(),
            orders: self.orders.outputs.as_ref().map(Vec::len),
            possible_outputs: self.orders.outputs.as_ref().map(|all| {
                all.iter()
                    .map(|o| o.iter().map(|&i| line(i)).collect())
                    .collect()
            }),
            always_before: self
                .orders
                .always_before
                .as_ref()
                .map(|pairs| pairs.iter().map(|&(a, b)| [line(a), line(b)]).collect()),
        }
    }
}

/// A scenario in which each process of `run` is a `[[process]]` doing what it does in
/// the program: `fork` its children, `write stdout` its lines (after a tick of CPU, so
/// that each one is a step of its own in the TUI), `wait`, and `exit` with its status.
pub fn scenario_toml(run: &Run, title: &str, source: &str) -> String {
    let mut out = String::new();
    for line in source.lines() {
        let _ = writeln!(out, "{}", format!("# {line}").trim_end());
    }
    let _ = writeln!(out, "\ntitle = {}", quote(title));
    let description = "Each process of the C program above is a process here: P0 runs \
        main, and each child starts right after the fork() that made it. Every line printed \
        is a write to the terminal after one tick of CPU. This run shows one possible \
        order; the exercise's answer lists them all. In the TUI each process also runs as a \
        real Linux process, beside the model.";
    let _ = writeln!(out, "description = {}", quote(description));
    // The real-OS lab runs every step these scenarios use (fork, write, wait, exit), and
    // its view agrees with the model's on them.
    out.push_str("real = true\n");
    for p in &run.procs {
        let mut steps = Vec::new();
        for a in &p.trace {
            match a {
                Action::Print(i) => {
                    steps.push("cpu 1".to_string());
                    steps.push(format!("write stdout \"{}\"", run.lines[*i]));
                }
                Action::Fork(c) => steps.push(format!("fork {}", run.procs[*c].name)),
                // A scenario may write `wait` only for a process that has children; a
                // wait(NULL) without any returns at once, so it is left out.
                Action::Wait if !p.children.is_empty() => steps.push("wait".into()),
                Action::Wait => {}
            }
        }
        if p.exit != 0 || steps.is_empty() {
            steps.push(format!("exit {}", p.exit));
        }
        let _ = write!(out, "\n[[process]]\nname = {}\n", quote(&p.name));
        if let Some(parent) = p.parent {
            let _ = writeln!(out, "forked_by = {}", quote(&run.procs[parent].name));
        }
        let steps: Vec<String> = steps.iter().map(|s| quote(s)).collect();
        let _ = writeln!(out, "program = [{}]", steps.join(", "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::event::{Event, Reason};
    use crate::report::{self, Options};
    use crate::scenario::Scenario;

    /// The lines the simulated kernel prints when it runs the program's scenario.
    fn kernel_output(solution: &ForkSolution, source: &str) -> Vec<String> {
        let toml = scenario_toml(&solution.run, "t", source);
        let scenario =
            Scenario::parse("fork.toml", &toml).unwrap_or_else(|e| panic!("{e}\n{toml}"));
        let report = report::run(
            &scenario,
            Options {
                summary_only: false,
                events: true,
            },
        );
        assert!(report.stuck.is_empty(), "{toml}");
        report
            .events
            .iter()
            .filter_map(|e| match e {
                Event::Note {
                    reason: Reason::Output { text, .. },
                    ..
                } => Some(text.to_string()),
                _ => None,
            })
            .collect()
    }

    // The interpreter and the simulated kernel agree on many generated programs: the kernel
    // makes the same processes, prints the same lines the same number of times, and its order
    // is one of the orders the search found possible.
    #[test]
    fn the_kernel_agrees_with_the_interpreter() {
        for seed in 0..100 {
            for forks in 1..=4 {
                let program = ForkProgram::generated(seed, forks);
                let s = program.solve();
                assert!(s.run.procs.len() <= generate::MAX_PROCESSES);
                let printed = kernel_output(&s, &program.source);
                let outputs = s.outputs_text().expect("generated programs are small");
                assert!(
                    outputs.contains(&printed.join(" ")),
                    "seed {seed}: the kernel printed {printed:?}, not among {outputs:?}\n{}",
                    program.source
                );
                assert!(s.orders.always_before.is_some());
            }
        }
    }

    #[test]
    fn generated_programs_are_pinned() {
        assert_eq!(ForkProgram::generated(5, 3).source, PINNED_SEED_5);
        assert_eq!(
            ForkProgram::generated(5, 3),
            ForkProgram::generated(5, 3),
            "the same seed gives the same program"
        );
    }

    const PINNED_SEED_5: &str = "\
int main(void) {
    if (fork() == 0) {
        printf(\"A\\n\");
        exit(0);
    }
    if (fork() == 0) {
        fork();
        printf(\"B\\n\");
    }
    fork();
    wait(NULL);
    printf(\"C\\n\");
    return 0;
}
";
}
