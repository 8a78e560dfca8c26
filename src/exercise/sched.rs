//! Scheduling exercises: jobs with one CPU burst each, a policy, and the question "when does
//! each job finish, and what are its turnaround, waiting and response times?". Jobs are drawn
//! from the seed with proclab's ChaCha8 generator, or — with `ostep` — exactly as OSTEP's
//! `scheduler.py` draws them with Python's Mersenne Twister.

use super::options::SchedParams;
use super::workload::{Burst, Job, RunSolution, Workload};
use crate::compat::python_random::PythonRandom;
use crate::kernel::random::{SeededRng, Stream};
use crate::report::text;
use std::fmt::Write;

/// Priorities of generated jobs are drawn from 1 to this (lower is more important).
pub const MAX_PRIORITY: u64 = 5;

/// The jobs `params` and `seed` give.
///
/// Without `ostep`, for each job in turn: its arrival (0 to `max_arrival`), its burst
/// (`minlen` to `maxlen`) and its priority (1 to 5), each an unbiased draw from ChaCha8 seeded
/// with `seed`; the jobs are then listed by arrival (ties in the order drawn) and named P1, P2…
/// With `ostep`, as `scheduler.py -s SEED -j JOBS -m MAXLEN` does: Python's `random.seed(SEED)`,
/// then for each job `int(MAXLEN * random()) + 1`; all arrive at 0, named J0, J1…
pub fn generate(seed: u64, p: &SchedParams) -> Workload {
    let jobs = if p.ostep {
        let mut r = PythonRandom::new(seed);
        (0..p.jobs)
            .map(|i| Job {
                name: format!("J{i}"),
                arrival: 0,
                priority: 0,
                // Python's int() truncates toward zero; the product is never negative.
                program: vec![Burst::Cpu((p.maxlen as f64 * r.random()) as u64 + 1)],
            })
            .collect()
    } else {
        let mut rng = SeededRng::new(seed, Stream::Workload);
        let mut drawn: Vec<(u64, u64, i64)> = (0..p.jobs)
            .map(|_| {
                let arrival = rng.range(0, p.max_arrival);
                let burst = rng.range(p.minlen, p.maxlen);
                let priority = rng.range(1, MAX_PRIORITY) as i64;
                (arrival, burst, priority)
            })
            .collect();
        drawn.sort_by_key(|&(arrival, _, _)| arrival);
        drawn
            .into_iter()
            .enumerate()
            .map(|(i, (arrival, burst, priority))| Job {
                name: format!("P{}", i + 1),
                arrival,
                priority,
                program: vec![Burst::Cpu(burst)],
            })
            .collect()
    };
    Workload {
        machine: p.machine.clone(),
        jobs,
    }
}

/// The command line of `scheduler.py` that gives the same jobs.
pub fn ostep_command(seed: u64, p: &SchedParams) -> String {
    let policy = match p.machine.scheduler {
        "fcfs" => "FIFO".to_string(),
        other => other.to_uppercase(),
    };
    let quantum = match p.machine.scheduler {
        "rr" => format!(" -q {}", p.machine.quantum.unwrap_or(1)),
        _ => String::new(),
    };
    format!(
        "scheduler.py -s {seed} -j {} -m {} -p {policy}{quantum}",
        p.jobs, p.maxlen
    )
}

/// The jobs as a table: name, arrival, burst, and priority when the policy uses it.
pub fn jobs_table(w: &Workload) -> String {
    let priority = w.machine.uses_priority();
    let mut out = String::new();
    let width = w
        .jobs
        .iter()
        .map(|j| j.name.len())
        .max()
        .unwrap_or(3)
        .max(3);
    let _ = write!(out, "  {:<width$}  Arrival  Burst", "Job");
    if priority {
        out.push_str("  Priority");
    }
    out.push('\n');
    for j in &w.jobs {
        let _ = write!(
            out,
            "  {:<width$}  {:>7}  {:>5}",
            j.name,
            j.arrival,
            j.burst()
        );
        if priority {
            let _ = write!(out, "  {:>8}", j.priority);
        }
        out.push('\n');
    }
    if priority {
        out.push_str("  (a lower number is a more important priority)\n");
    }
    out
}

/// The worked answer: the Gantt chart, the table of every process and the summary, exactly as
/// `proclab run` prints them.
pub fn solution_text(run: &RunSolution) -> String {
    let mut out = text::gantt_section(&run.report);
    out.push_str(&text::process_table(&run.report));
    out.push('\n');
    out.push_str(&text::summary_section(&run.report));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercise::Kind;
    use crate::exercise::options::{Options, Params};

    fn params(o: Options) -> SchedParams {
        match o.resolve(Kind::Sched) {
            Ok(Params::Sched(p)) => p,
            other => panic!("{other:?}"),
        }
    }

    fn bursts(w: &Workload) -> Vec<u64> {
        w.jobs.iter().map(Job::burst).collect()
    }

    // Pinned: if these change, every student's generated problem changes.
    #[test]
    fn generated_jobs_are_pinned() {
        use toml::Spanned;
        let p = params(Options {
            max_arrival: Some(Spanned::new(0..0, 6)),
            ..Options::default()
        });
        let w = generate(7, &p);
        let jobs: Vec<(&str, u64, u64, i64)> = w
            .jobs
            .iter()
            .map(|j| (j.name.as_str(), j.arrival, j.burst(), j.priority))
            .collect();
        assert_eq!(jobs, PINNED_SEED_7);
        assert_eq!(generate(7, &p), w, "the same seed gives the same jobs");
        assert_ne!(generate(8, &p), w);
    }

    const PINNED_SEED_7: [(&str, u64, u64, i64); 4] = [
        ("P1", 2, 4, 2),
        ("P2", 2, 2, 4),
        ("P3", 5, 5, 1),
        ("P4", 6, 7, 4),
    ];

    // scheduler.py -s 1 -j 5 -m 100 and -s 0 (defaults: -j 3 -m 10), run with CPython 3.11.
    #[test]
    fn ostep_jobs_match_scheduler_py() {
        use toml::Spanned;
        let p = params(Options {
            ostep: Some(Spanned::new(0..0, true)),
            jobs: Some(Spanned::new(0..0, 5)),
            maxlen: Some(Spanned::new(0..0, 100)),
            ..Options::default()
        });
        assert_eq!(bursts(&generate(1, &p)), [14, 85, 77, 26, 50]);
        let d = params(Options {
            ostep: Some(Spanned::new(0..0, true)),
            ..Options::default()
        });
        assert_eq!(bursts(&generate(0, &d)), [9, 8, 5]);
        assert_eq!(generate(0, &d).jobs[0].name, "J0");
        assert_eq!(ostep_command(0, &d), "scheduler.py -s 0 -j 3 -m 10 -p FIFO");
    }
}
