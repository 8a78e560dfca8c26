//! The processes a run starts with: the ones listed in the scenario and the generated ones,
//! delivered in order of arrival. Generated processes are drawn only when they arrive, so a
//! million of them never sit in memory at once.

use super::ids::{DeviceId, Tick};
use super::ipc::ObjectSpec;
use super::program::{Program, SpecIndex, Step};
use super::random::{SeededRng, Stream};
use serde::Serialize;
use std::sync::Arc;

/// Whether a program spends more time on devices than on the CPU (the long-term scheduler's
/// `mix` admission keeps a balance of both kinds).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Boundness {
    /// More CPU than I/O.
    CpuBound,
    /// At least as much I/O as CPU.
    IoBound,
}

impl Boundness {
    /// Classifies a program by its CPU and device time.
    pub fn of(program: &Program) -> Boundness {
        let (cpu, io) = program.demand();
        if io >= cpu && io > 0 {
            Boundness::IoBound
        } else {
            Boundness::CpuBound
        }
    }
}

/// A process as the scenario describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct ProcessSpec {
    /// Position in the file (generated processes come after the listed ones).
    pub order: SpecIndex,
    /// Unique name.
    pub name: Arc<str>,
    /// When it is submitted (for a forked process: ignored, it appears when forked).
    pub arrival: Tick,
    /// Base priority; `None` for a forked child means "inherit the parent's".
    pub priority: Option<i64>,
    /// What it runs.
    pub program: Program,
    /// Memory units it needs while resident.
    pub memory: u32,
    /// Lottery tickets (also the stride scheduler's share).
    pub tickets: u32,
    /// The process whose `fork` step creates this one.
    pub forked_by: Option<SpecIndex>,
    /// Terminate all descendants when this process exits.
    pub cascade: bool,
}

/// An inclusive range of values to draw from.
pub type Span<T> = (T, T);

/// The I/O mix of a generated workload.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GeneratedIo {
    /// Share of I/O-bound processes, in parts per million.
    pub per_million: u32,
    /// CPU ticks between two I/O requests of an I/O-bound process.
    pub every: Span<Tick>,
    /// Length of each I/O request.
    pub ticks: Span<Tick>,
    /// The device they use.
    pub device: DeviceId,
}

/// The `[generate]` section: a seeded random workload.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GenerateSpec {
    /// How many processes.
    pub count: u64,
    /// CPU time of each process.
    pub burst: Span<Tick>,
    /// Gap between consecutive arrivals (the first arrives at 0).
    pub arrival_gap: Span<Tick>,
    /// Priorities.
    pub priority: Option<Span<i64>>,
    /// Memory needs.
    pub memory: Option<Span<u32>>,
    /// Lottery tickets.
    pub tickets: Option<Span<u32>>,
    /// The I/O mix.
    pub io: Option<GeneratedIo>,
    /// Names are this prefix and a number from 1.
    pub prefix: Arc<str>,
}

/// Default tickets per process.
pub const DEFAULT_TICKETS: u32 = 100;

/// Draws generated processes one at a time.
#[derive(Clone, Debug)]
pub struct Generator {
    spec: Arc<GenerateSpec>,
    rng: SeededRng,
    first_order: SpecIndex,
    made: u64,
    last_arrival: Tick,
}

impl Generator {
    /// A generator for `spec`, seeded with `seed`; its processes are numbered from `first_order`.
    pub fn new(spec: Arc<GenerateSpec>, seed: u64, first_order: SpecIndex) -> Generator {
        Generator {
            spec,
            rng: SeededRng::new(seed, Stream::Workload),
            first_order,
            made: 0,
            last_arrival: 0,
        }
    }

    /// The spec it draws from.
    pub fn spec(&self) -> &GenerateSpec {
        &self.spec
    }
}

impl Iterator for Generator {
    type Item = ProcessSpec;

    // The order of the draws is part of the file format: changing it changes every workload.
    fn next(&mut self) -> Option<ProcessSpec> {
        let spec = &self.spec;
        if self.made >= spec.count {
            return None;
        }
        let rng = &mut self.rng;
        let arrival = if self.made == 0 {
            0
        } else {
            self.last_arrival + rng.range(spec.arrival_gap.0, spec.arrival_gap.1)
        };
        let burst = rng.range(spec.burst.0, spec.burst.1);
        let priority = spec.priority.map(|(lo, hi)| rng.range_i64(lo, hi));
        let memory = spec
            .memory
            .map_or(0, |(lo, hi)| rng.range(lo.into(), hi.into()) as u32);
        let tickets = spec.tickets.map_or(DEFAULT_TICKETS, |(lo, hi)| {
            rng.range(lo.into(), hi.into()) as u32
        });
        let program = match &spec.io {
            Some(io) if rng.range(0, 999_999) < u64::from(io.per_million) => {
                let every = rng.range(io.every.0, io.every.1);
                let ticks = rng.range(io.ticks.0, io.ticks.1);
                interleave_io(burst, every, io.device, ticks)
            }
            _ => Program::Burst(burst),
        };
        self.made += 1;
        self.last_arrival = arrival;
        Some(ProcessSpec {
            order: self.first_order + (self.made - 1) as SpecIndex,
            name: format!("{}{}", spec.prefix, self.made).into(),
            arrival,
            priority: Some(priority.unwrap_or(0)),
            program,
            memory,
            tickets,
            forked_by: None,
            cascade: false,
        })
    }
}

/// `burst` ticks of CPU with an I/O of `ticks` after every `every` ticks of it (none at the very
/// end), the shape of OSTEP's MLFQ jobs.
pub fn interleave_io(burst: Tick, every: Tick, device: DeviceId, ticks: Tick) -> Program {
    let mut steps = Vec::new();
    let mut left = burst;
    while left > 0 {
        let chunk = left.min(every.max(1));
        steps.push(Step::Cpu { ticks: chunk });
        left -= chunk;
        if left > 0 {
            steps.push(Step::Io { device, ticks });
        }
    }
    Program::Steps(steps.into())
}

/// Everything a run starts with: the listed specs (also the ones `fork` creates) and the
/// generated stream, merged by arrival time.
#[derive(Clone, Debug)]
pub struct Workload {
    specs: Arc<[ProcessSpec]>,
    objects: Arc<[ObjectSpec]>,
    images: Arc<[(Arc<str>, Program)]>,
    top_level: Arc<[SpecIndex]>,
    next_listed: usize,
    generator: Option<Generator>,
    peeked: Option<ProcessSpec>,
    next_arrival: Option<Tick>,
}

impl Workload {
    /// A workload of listed processes, exec images (`[programs]`) and an optional generator.
    pub fn new(
        specs: Vec<ProcessSpec>,
        images: Vec<(Arc<str>, Program)>,
        objects: Vec<ObjectSpec>,
        generator: Option<Generator>,
    ) -> Workload {
        let mut top_level: Vec<SpecIndex> = specs
            .iter()
            .filter(|s| s.forked_by.is_none())
            .map(|s| s.order)
            .collect();
        top_level.sort_by_key(|&i| (specs[i as usize].arrival, i));
        let mut generator = generator;
        let peeked = generator.as_mut().and_then(Iterator::next);
        let mut workload = Workload {
            specs: specs.into(),
            objects: objects.into(),
            images: images.into(),
            top_level: top_level.into(),
            next_listed: 0,
            generator,
            peeked,
            next_arrival: None,
        };
        workload.next_arrival = workload.compute_next_arrival();
        workload
    }

    /// The listed spec number `index`.
    pub fn spec(&self, index: SpecIndex) -> &ProcessSpec {
        &self.specs[index as usize]
    }

    /// All listed specs, in file order.
    pub fn specs(&self) -> &[ProcessSpec] {
        &self.specs
    }

    /// The named pipes, FIFOs and rings, by object id.
    pub fn objects(&self) -> &[ObjectSpec] {
        &self.objects
    }

    /// The exec image number `index`.
    pub fn image(&self, index: u32) -> &(Arc<str>, Program) {
        &self.images[index as usize]
    }

    /// When the next process arrives, if any is left.
    #[inline]
    pub fn next_arrival(&self) -> Option<Tick> {
        self.next_arrival
    }

    fn compute_next_arrival(&self) -> Option<Tick> {
        let listed = self
            .top_level
            .get(self.next_listed)
            .map(|&i| self.specs[i as usize].arrival);
        let generated = self.peeked.as_ref().map(|s| s.arrival);
        match (listed, generated) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The next process arriving at or before `now`, listed ones first on a tie.
    pub fn pop_arrived(&mut self, now: Tick) -> Option<ProcessSpec> {
        if self.next_arrival.is_none_or(|t| t > now) {
            return None;
        }
        let spec = self.pop_next(now);
        self.next_arrival = self.compute_next_arrival();
        spec
    }

    fn pop_next(&mut self, now: Tick) -> Option<ProcessSpec> {
        let listed = self
            .top_level
            .get(self.next_listed)
            .map(|&i| &self.specs[i as usize])
            .filter(|s| s.arrival <= now);
        let generated = self.peeked.as_ref().filter(|s| s.arrival <= now);
        match (listed, generated) {
            (Some(l), Some(g)) if g.arrival < l.arrival => self.take_generated(),
            (Some(l), _) => {
                let spec = l.clone();
                self.next_listed += 1;
                Some(spec)
            }
            (None, Some(_)) => self.take_generated(),
            (None, None) => None,
        }
    }

    fn take_generated(&mut self) -> Option<ProcessSpec> {
        let next = self.generator.as_mut().and_then(Iterator::next);
        std::mem::replace(&mut self.peeked, next)
    }

    /// How many processes are still to arrive (listed and generated).
    pub fn remaining(&self) -> u64 {
        let listed = (self.top_level.len() - self.next_listed) as u64;
        let generated = match &self.generator {
            Some(g) => g.spec().count - g.made + u64::from(self.peeked.is_some()),
            None => 0,
        };
        listed + generated
    }
}
