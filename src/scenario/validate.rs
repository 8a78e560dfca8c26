//! Checks a parsed scenario file and turns it into the kernel's configuration and workload.
//! Every problem is reported at the key or step that causes it, with a hint.

use super::Scenario;
use super::error::{Diagnostic, ScenarioError, Severity, did_you_mean, one_of_hint};
use super::file::{
    AgingSection, DeviceSection, GenerateSection, KernelSection, MlfqSection, ProcessEntry,
    RulesSection, ScenarioFile,
};
use super::steps::{self, RawStep, Word};
use crate::kernel::config::{
    Admission, Aging, DeviceConfig, KernelConfig, MlfqConfig, Policy, Preempted, PriorityOrder,
    Rules, TieBreak, Wakeups,
};
use crate::kernel::ids::{DeviceId, Tick};
use crate::kernel::program::{Program, Signal, SpecIndex, Step};
use crate::kernel::workload::{DEFAULT_TICKETS, GenerateSpec, GeneratedIo, ProcessSpec, Span};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;
use toml::Spanned;

type Result<T> = std::result::Result<T, ScenarioError>;

/// The largest number of ticks any one value may have: a billion is far beyond any lesson,
/// and keeps every sum of them far from overflowing.
pub const MAX_TICKS: u64 = steps::MAX_TICKS;

/// Most tickets a process may hold: the stride scheduler's stride is 10,000 / tickets, which
/// must stay at least 1.
const MAX_TICKETS: i64 = crate::kernel::STRIDE_ONE as i64;

/// Programs that `exec` may name without a `[programs]` entry: the ones the real-OS lab runs.
pub const KNOWN_PROGRAMS: [&str; 10] = [
    "ls", "echo", "cat", "wc", "sort", "head", "true", "false", "sleep", "proclab",
];

/// Largest magnitude of a priority.
const MAX_PRIORITY: i64 = 1_000_000_000;

/// The file being checked, and the warnings found so far.
struct Checker {
    path: Arc<str>,
    text: Arc<str>,
    warnings: Vec<Diagnostic>,
    devices: Vec<DeviceConfig>,
    device_spans: Vec<Option<Range<usize>>>,
    device_used: Vec<bool>,
}

fn spanned<T>(v: &Spanned<T>) -> Range<usize> {
    v.span()
}

impl Checker {
    fn diagnostic(
        &self,
        severity: Severity,
        span: Option<Range<usize>>,
        message: String,
        hint: Option<String>,
    ) -> Diagnostic {
        Diagnostic {
            severity,
            path: self.path.clone(),
            text: self.text.clone(),
            span,
            message,
            hint,
        }
    }

    fn error(
        &self,
        span: Range<usize>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> ScenarioError {
        let hint = Some(hint.into()).filter(|h| !h.is_empty());
        ScenarioError::Invalid(Box::new(self.diagnostic(
            Severity::Error,
            Some(span),
            message.into(),
            hint,
        )))
    }

    fn warn(&mut self, span: Range<usize>, message: impl Into<String>, hint: impl Into<String>) {
        let hint = Some(hint.into()).filter(|h| !h.is_empty());
        let d = self.diagnostic(Severity::Warning, Some(span), message.into(), hint);
        self.warnings.push(d);
    }

    /// A whole number of at least `min`.
    fn at_least(&self, v: &Spanned<i64>, min: i64, key: &str, what: &str) -> Result<u64> {
        let n = *v.get_ref();
        if n < min {
            let hint = match min {
                0 => format!("{key} is {what}; it can't be negative"),
                _ => format!("{key} is {what}; use {min} or more"),
            };
            return Err(self.error(spanned(v), format!("{key} = {n} is too small"), hint));
        }
        Ok(n as u64)
    }

    /// A number of ticks: from `min` up to [`MAX_TICKS`].
    fn ticks(&self, v: &Spanned<i64>, min: i64, key: &str, what: &str) -> Result<u64> {
        self.small(v, min, MAX_TICKS as i64, key, what)
            .map(u64::from)
    }

    fn small(&self, v: &Spanned<i64>, min: i64, max: i64, key: &str, what: &str) -> Result<u32> {
        let n = self.at_least(v, min, key, what)?;
        if n > max as u64 {
            return Err(self.error(
                spanned(v),
                format!("{key} = {n} is too large"),
                format!("{key} is {what}; use at most {max}"),
            ));
        }
        Ok(n as u32)
    }

    fn choice<'a>(&self, v: &Spanned<String>, key: &str, options: &[&'a str]) -> Result<&'a str> {
        let text = v.get_ref().as_str();
        options
            .iter()
            .find(|o| **o == text)
            .copied()
            .ok_or_else(|| {
                self.error(
                    spanned(v),
                    format!("unknown {key} \"{text}\""),
                    one_of_hint(text, options),
                )
            })
    }

    fn range(&self, v: &Spanned<Vec<i64>>, key: &str, min: i64, max: i64) -> Result<(i64, i64)> {
        let list = v.get_ref();
        let hint = format!(
            "write it as {key} = [LOW, HIGH], for example {key} = [{}, {}]",
            min.max(1),
            min.max(1) + 9
        );
        let [lo, hi] = list[..] else {
            return Err(self.error(spanned(v), format!("{key} must be a pair of numbers"), hint));
        };
        if lo < min {
            return Err(self.error(
                spanned(v),
                format!("{key} starts at {lo}, below {min}"),
                hint,
            ));
        }
        if lo > hi {
            return Err(self.error(
                spanned(v),
                format!("{key} = [{lo}, {hi}] is upside down"),
                hint,
            ));
        }
        if hi > max {
            return Err(self.error(
                spanned(v),
                format!("{key} goes up to {hi}, above {max}"),
                hint,
            ));
        }
        Ok((lo, hi))
    }

    /// The device named `name`, created on first use.
    fn device(&mut self, name: &str) -> DeviceId {
        let at = match self.devices.iter().position(|d| &*d.name == name) {
            Some(at) => at,
            None => {
                self.devices.push(DeviceConfig {
                    name: name.into(),
                    servers: Some(1),
                });
                self.device_spans.push(None);
                self.device_used.push(false);
                self.devices.len() - 1
            }
        };
        self.device_used[at] = true;
        DeviceId(at as u16)
    }
}

/// Checks `file` (read from `path`, with text `text`) and builds the scenario.
pub fn validate(file: ScenarioFile, path: Arc<str>, text: Arc<str>) -> Result<Scenario> {
    let mut c = Checker {
        path: path.clone(),
        text: text.clone(),
        warnings: Vec::new(),
        devices: Vec::new(),
        device_spans: Vec::new(),
        device_used: Vec::new(),
    };
    if let Some(format) = &file.format
        && *format.get_ref() != 1
    {
        return Err(c.error(
            spanned(format),
            format!("unknown format version {}", format.get_ref()),
            "this version of proclab reads format = 1",
        ));
    }
    let title = file.title.get_ref().trim().to_string();
    if title.is_empty() {
        return Err(c.error(
            spanned(&file.title),
            "the title is empty",
            "give the scenario a one-line title",
        ));
    }
    let seed = match &file.seed {
        Some(s) => c.at_least(s, 0, "seed", "the seed of every random choice")?,
        None => 0,
    };
    let mut config = kernel_config(&mut c, &file.kernel)?;
    config.seed = seed;
    declare_devices(&mut c, &file.kernel.devices)?;
    let images = images(&mut c, &file.programs)?;
    let specs = processes(&mut c, &file.processes, &config, &images)?;
    let generate = match &file.generate {
        Some(g) => Some(Arc::new(generate(&mut c, g, &specs, &config)?)),
        None => None,
    };
    if let Some(aging) = &mut config.aging {
        aging.best = aging_limit(&config.rules, &specs, generate.as_deref());
    }
    if specs.is_empty() && generate.is_none() {
        return Err(c.error(
            0..0,
            "the scenario has no processes",
            "add at least one [[process]] with a name and a burst, or a [generate] section",
        ));
    }
    for (at, used) in c.device_used.clone().into_iter().enumerate() {
        if let (false, Some(span)) = (used, c.device_spans[at].clone()) {
            let name = c.devices[at].name.clone();
            c.warn(
                span,
                format!("device {name} is declared but no step uses it"),
                format!("use it with \"io {name} TICKS\" or remove it"),
            );
        }
    }
    config.devices = std::mem::take(&mut c.devices);
    Ok(Scenario {
        path,
        text,
        title,
        description: file.description.unwrap_or_default().trim().to_string(),
        seed,
        config,
        specs,
        images,
        generate,
        warnings: c.warnings,
    })
}

fn kernel_config(c: &mut Checker, k: &KernelSection) -> Result<KernelConfig> {
    let scheduler = match &k.scheduler {
        Some(s) => c.choice(s, "scheduler", &Policy::NAMES)?,
        None => "fcfs",
    };
    let needs_quantum = matches!(scheduler, "rr" | "lottery" | "stride");
    let quantum = match (&k.quantum, needs_quantum) {
        (Some(q), true) => c.ticks(q, 1, "quantum", "the time slice in ticks")?,
        (None, true) => {
            let span = k.scheduler.as_ref().map_or(0..0, spanned);
            return Err(c.error(
                span,
                format!("scheduler \"{scheduler}\" needs a time quantum"),
                "add `quantum = 4` (ticks per time slice) under [kernel]",
            ));
        }
        (Some(q), false) => {
            let hint = if scheduler == "mlfq" {
                "set the MLFQ's time slices with `quantum = [...]` under [kernel.mlfq]"
            } else {
                "only rr, lottery and stride use a time quantum; remove it"
            };
            c.warn(
                spanned(q),
                format!("quantum has no effect with scheduler \"{scheduler}\""),
                hint,
            );
            0
        }
        (None, false) => 0,
    };
    let policy = match scheduler {
        "fcfs" => Policy::Fcfs,
        "sjf" => Policy::Sjf,
        "srtf" => Policy::Srtf,
        "priority" => Policy::Priority,
        "priority-preemptive" => Policy::PriorityPreemptive,
        "rr" => Policy::Rr { quantum },
        "lottery" => Policy::Lottery { quantum },
        "stride" => Policy::Stride { quantum },
        "hrrn" => Policy::Hrrn,
        _ => Policy::Mlfq(mlfq(c, k.mlfq.as_ref())?),
    };
    if let (Some(m), false) = (&k.mlfq, scheduler == "mlfq") {
        c.warn(
            spanned(m),
            format!("[kernel.mlfq] has no effect with scheduler \"{scheduler}\""),
            "use scheduler = \"mlfq\" or remove the section",
        );
    }
    let aging = match &k.aging {
        Some(a) => {
            if !policy.uses_priority() {
                c.warn(
                    spanned(a),
                    format!("aging has no effect with scheduler \"{scheduler}\""),
                    "aging applies to priority and priority-preemptive",
                );
            }
            Some(aging(c, a.get_ref())?)
        }
        None => None,
    };
    let rules = rules(c, &k.rules, &policy)?;
    let context_switch = match &k.context_switch {
        Some(v) => c.ticks(v, 0, "context_switch", "the ticks one context switch costs")?,
        None => 0,
    };
    let cpus = match &k.cpus {
        Some(v) => c.small(v, 1, 64, "cpus", "the number of CPUs")? as u16,
        None => 1,
    };
    let max_multiprogramming = match &k.max_multiprogramming {
        Some(v) => Some(c.small(
            v,
            1,
            i64::from(u32::MAX),
            "max_multiprogramming",
            "how many processes may be admitted at once",
        )?),
        None => None,
    };
    let admission = match &k.admission {
        Some(a) => match c.choice(a, "admission", &["fcfs", "mix"])? {
            "mix" => Admission::Mix,
            _ => Admission::Fcfs,
        },
        None => Admission::Fcfs,
    };
    let memory = match &k.memory {
        Some(v) => Some(c.small(
            v,
            1,
            i64::from(u32::MAX / 2),
            "memory",
            "the memory units of the machine",
        )?),
        None => None,
    };
    let swap_time = match &k.swap_time {
        Some(v) => {
            if memory.is_none() {
                c.warn(
                    spanned(v),
                    "swap_time has no effect without memory",
                    "set `memory = N` under [kernel] to have swapping",
                );
            }
            c.ticks(v, 0, "swap_time", "the ticks to swap a process out or in")?
        }
        None => 0,
    };
    Ok(KernelConfig {
        policy,
        aging,
        rules,
        context_switch,
        cpus,
        max_multiprogramming,
        admission,
        memory,
        swap_time,
        devices: Vec::new(),
        seed: 0,
    })
}

fn per_level<T: Copy>(
    c: &Checker,
    value: Option<&Spanned<toml::Value>>,
    key: &str,
    levels: usize,
    default: T,
    convert: impl Fn(i64) -> Option<T>,
) -> Result<Vec<T>> {
    let Some(value) = value else {
        return Ok(vec![default; levels]);
    };
    let span = spanned(value);
    let hint = format!(
        "write `{key} = 10` for every queue, or a list with one positive number per queue, top queue first"
    );
    let numbers: Vec<i64> = match value.get_ref() {
        toml::Value::Integer(n) => vec![*n; levels],
        toml::Value::Array(items) => items
            .iter()
            .map(|v| v.as_integer())
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                c.error(
                    span.clone(),
                    format!("{key} must list whole numbers"),
                    hint.clone(),
                )
            })?,
        _ => {
            return Err(c.error(
                span,
                format!("{key} must be a number or a list of numbers"),
                hint,
            ));
        }
    };
    if numbers.len() != levels {
        return Err(c.error(
            span,
            format!(
                "{key} has {} entries but there are {levels} queues",
                numbers.len()
            ),
            hint,
        ));
    }
    numbers
        .into_iter()
        .map(|n| {
            convert(n).ok_or_else(|| {
                c.error(
                    span.clone(),
                    format!("{key} must be positive, found {n}"),
                    hint.clone(),
                )
            })
        })
        .collect()
}

fn mlfq(c: &Checker, section: Option<&Spanned<MlfqSection>>) -> Result<MlfqConfig> {
    let Some(section) = section else {
        return Ok(MlfqConfig {
            quantum: vec![10; 3],
            allotment: vec![1; 3],
            boost: None,
            io_resets_allotment: false,
            io_to_front: false,
        });
    };
    let m = section.get_ref();
    let from_list = |v: &Option<Spanned<toml::Value>>| match v.as_ref().map(Spanned::get_ref) {
        Some(toml::Value::Array(a)) => Some(a.len()),
        _ => None,
    };
    let levels = match &m.levels {
        Some(l) => c.small(l, 1, 16, "levels", "the number of queues")? as usize,
        None => from_list(&m.quantum)
            .or(from_list(&m.allotment))
            .unwrap_or(3),
    };
    let positive = |n: i64| (1..=MAX_TICKS as i64).contains(&n).then_some(n as u64);
    let quantum = per_level(c, m.quantum.as_ref(), "quantum", levels, 10, positive)?;
    let allotment = per_level(c, m.allotment.as_ref(), "allotment", levels, 1, |n| {
        (1..=i64::from(u32::MAX)).contains(&n).then_some(n as u32)
    })?;
    let boost = match &m.boost {
        Some(b) => Some(c.ticks(
            b,
            0,
            "boost",
            "the period of the priority boost (0 for none)",
        )?)
        .filter(|&b| b > 0),
        None => None,
    };
    Ok(MlfqConfig {
        quantum,
        allotment,
        boost,
        io_resets_allotment: m.io_resets_allotment.unwrap_or(false),
        io_to_front: m.io_to_front.unwrap_or(false),
    })
}

fn aging(c: &Checker, a: &AgingSection) -> Result<Aging> {
    let every = c.ticks(&a.every, 1, "every", "the ticks of waiting per aging step")?;
    let step = match &a.step {
        Some(s) => c
            .small(
                s,
                1,
                1_000_000,
                "step",
                "how much one aging step improves the priority",
            )
            .map(i64::from)?,
        None => 1,
    };
    // `best` is filled in once the processes are known.
    Ok(Aging {
        every,
        step,
        best: 0,
    })
}

/// How far aging can go: to priority 0, or to the most important base priority in the
/// scenario if that is more important still.
fn aging_limit(rules: &Rules, specs: &[ProcessSpec], generate: Option<&GenerateSpec>) -> i64 {
    let given = specs.iter().filter_map(|s| s.priority).chain(
        generate
            .and_then(|g| g.priority)
            .into_iter()
            .flat_map(|(lo, hi)| [lo, hi]),
    );
    match rules.priority {
        PriorityOrder::LowerFirst => given.fold(0, i64::min),
        PriorityOrder::HigherFirst => given.fold(0, i64::max),
    }
}

fn rules(c: &mut Checker, r: &RulesSection, policy: &Policy) -> Result<Rules> {
    let mut rules = Rules::defaults_for(policy);
    if let Some(v) = &r.tie_break {
        rules.tie_break = match c.choice(v, "tie_break rule", &["arrival", "file-order"])? {
            "arrival" => TieBreak::Arrival,
            _ => TieBreak::FileOrder,
        };
    }
    if let Some(v) = &r.priority {
        rules.priority = match c.choice(v, "priority rule", &["lower-first", "higher-first"])? {
            "lower-first" => PriorityOrder::LowerFirst,
            _ => PriorityOrder::HigherFirst,
        };
    }
    if let Some(v) = &r.preempted {
        rules.preempted = match c.choice(
            v,
            "preempted rule",
            &["after-newcomers", "before-newcomers"],
        )? {
            "after-newcomers" => Preempted::AfterNewcomers,
            _ => Preempted::BeforeNewcomers,
        };
    }
    if let Some(v) = &r.wakeups {
        rules.wakeups = match c.choice(v, "wakeups rule", &["by-tie-break", "after-arrivals"])? {
            "by-tie-break" => Wakeups::ByTieBreak,
            _ => Wakeups::AfterArrivals,
        };
    }
    if let Some(v) = &r.preempt_on_tie {
        rules.preempt_on_tie = *v.get_ref();
    }
    // Rules that cannot matter under this policy are probably a mistake.
    let name = policy.name();
    if let Some(v) = &r.preempt_on_tie
        && !matches!(policy, Policy::Srtf | Policy::PriorityPreemptive)
    {
        c.warn(
            spanned(v),
            format!("preempt_on_tie has no effect with scheduler \"{name}\""),
            "it applies to srtf and priority-preemptive",
        );
    }
    if let Some(v) = &r.priority
        && !policy.uses_priority()
    {
        c.warn(
            spanned(v),
            format!("the priority rule has no effect with scheduler \"{name}\""),
            "it applies to priority and priority-preemptive",
        );
    }
    if let Some(v) = &r.preempted
        && policy.quantum().is_none()
        && !matches!(policy, Policy::Mlfq(_))
    {
        c.warn(
            spanned(v),
            format!("the preempted rule has no effect with scheduler \"{name}\""),
            "it orders processes whose quantum expires: rr, lottery, stride and mlfq",
        );
    }
    Ok(rules)
}

fn declare_devices(
    c: &mut Checker,
    devices: &std::collections::BTreeMap<Spanned<String>, Spanned<DeviceSection>>,
) -> Result<()> {
    for (name, section) in devices {
        check_name(c, name, "device")?;
        let servers = &section.get_ref().servers;
        let hint =
            "servers is how many requests the device serves at once: a number, or \"unlimited\"";
        let servers_value = match servers.get_ref() {
            toml::Value::Integer(n) if *n >= 1 && *n <= i64::from(u32::MAX) => Some(*n as u32),
            toml::Value::String(s) if s == "unlimited" => None,
            other => {
                return Err(c.error(
                    spanned(servers),
                    format!("servers = {other} is not allowed"),
                    hint,
                ));
            }
        };
        c.devices.push(DeviceConfig {
            name: name.get_ref().as_str().into(),
            servers: servers_value,
        });
        c.device_spans.push(Some(spanned(name)));
        c.device_used.push(false);
    }
    Ok(())
}

/// Process and device names appear inside steps, so they must be single words.
fn check_name(c: &Checker, name: &Spanned<String>, what: &str) -> Result<()> {
    let text = name.get_ref();
    if text.is_empty()
        || text
            .chars()
            .any(|ch| ch.is_whitespace() || ch == '"' || ch.is_control())
    {
        return Err(c.error(
            spanned(name),
            format!("{what} name \"{text}\" is not a single word"),
            "names are used inside steps, so they can't be empty or contain spaces or quotes",
        ));
    }
    Ok(())
}

/// Is the string literal at `span` written without escapes, so offsets inside it are exact?
fn is_plain_literal(c: &Checker, span: &Range<usize>, value: &str) -> bool {
    c.text.get(span.clone()) == Some(&format!("\"{value}\"")[..])
}

fn parse_steps(c: &Checker, list: &[Spanned<String>]) -> Result<Vec<(RawStep, Range<usize>)>> {
    list.iter()
        .map(|s| {
            let span = spanned(s);
            let plain = is_plain_literal(c, &span, s.get_ref());
            steps::parse(s.get_ref(), span.clone(), plain)
                .map(|step| (step, span))
                .map_err(|e| c.error(e.span, e.message, e.hint.unwrap_or_default()))
        })
        .collect()
}

/// Steps that run without further resolution: the ones images and processes share.
fn simple_step(c: &mut Checker, step: &RawStep) -> Option<Step> {
    match step {
        RawStep::Cpu(ticks) => Some(Step::Cpu { ticks: *ticks }),
        RawStep::Io(device, ticks) => Some(Step::Io {
            device: c.device(&device.text),
            ticks: *ticks,
        }),
        RawStep::Sleep(ticks) => Some(Step::Sleep { ticks: *ticks }),
        RawStep::Exit(code) => Some(Step::Exit { code: *code }),
        _ => None,
    }
}

type Images = Vec<(Arc<str>, Program)>;

fn images(
    c: &mut Checker,
    programs: &std::collections::BTreeMap<Spanned<String>, Spanned<Vec<Spanned<String>>>>,
) -> Result<Images> {
    let mut out = Vec::new();
    for (name, list) in programs {
        check_name(c, name, "program")?;
        if list.get_ref().is_empty() {
            return Err(c.error(
                spanned(list),
                format!("program {} has no steps", name.get_ref()),
                "give it steps such as [\"cpu 2\", \"exit 0\"]",
            ));
        }
        let mut steps = Vec::new();
        for (raw, span) in parse_steps(c, list.get_ref())? {
            match simple_step(c, &raw) {
                Some(step) => steps.push(step),
                None => {
                    return Err(c.error(
                        span,
                        format!("program {} can't use this step", name.get_ref()),
                        "a program loaded by exec may only use cpu, io, sleep and exit steps",
                    ));
                }
            }
        }
        out.push((
            Arc::from(name.get_ref().as_str()),
            Program::Steps(steps.into()),
        ));
    }
    Ok(out)
}

/// A listed process on its way to becoming a spec.
struct Draft<'a> {
    entry: &'a Spanned<ProcessEntry>,
    steps: Vec<(RawStep, Range<usize>)>,
}

fn processes(
    c: &mut Checker,
    list: &[Spanned<ProcessEntry>],
    config: &KernelConfig,
    images: &Images,
) -> Result<Vec<ProcessSpec>> {
    let mut index: HashMap<&str, SpecIndex> = HashMap::new();
    let mut drafts = Vec::new();
    for (i, entry) in list.iter().enumerate() {
        let p = entry.get_ref();
        check_name(c, &p.name, "process")?;
        let name = p.name.get_ref().as_str();
        if name == "init" {
            return Err(c.error(
                spanned(&p.name),
                "the name init is taken",
                "init is the process that adopts orphans; choose another name",
            ));
        }
        if let Some(&first) = index.get(name) {
            let (line, _) = c
                .diagnostic(
                    Severity::Error,
                    Some(spanned(&list[first as usize].get_ref().name)),
                    String::new(),
                    None,
                )
                .line_col()
                .unwrap_or((0, 0));
            return Err(c.error(
                spanned(&p.name),
                format!("duplicate process name \"{name}\""),
                format!("it is already used on line {line}; every process needs its own name"),
            ));
        }
        index.insert(name, i as SpecIndex);
        let steps = match (&p.burst, &p.program) {
            (Some(b), None) => {
                c.ticks(b, 1, "burst", "the CPU time of the process")?;
                Vec::new()
            }
            (None, Some(program)) => {
                if program.get_ref().is_empty() {
                    return Err(c.error(
                        spanned(program),
                        format!("process {name} has an empty program"),
                        "give it steps such as [\"cpu 4\", \"io disk 2\", \"cpu 1\"]",
                    ));
                }
                parse_steps(c, program.get_ref())?
            }
            (Some(b), Some(_)) => {
                return Err(c.error(
                    spanned(b),
                    format!("process {name} has both burst and program"),
                    "burst = N is short for program = [\"cpu N\"]; keep one of them",
                ));
            }
            (None, None) => {
                return Err(c.error(spanned(entry), format!("process {name} has nothing to run"), "add `burst = 5` (CPU ticks) or `program = [\"cpu 3\", \"io disk 2\", \"cpu 1\"]`"));
            }
        };
        drafts.push(Draft { entry, steps });
    }
    check_forks(c, &drafts, &index)?;
    let mut specs = Vec::new();
    for (i, draft) in drafts.iter().enumerate() {
        let p = draft.entry.get_ref();
        let name = p.name.get_ref().as_str();
        let program = match &p.burst {
            Some(b) => Program::Burst(*b.get_ref() as u64),
            None => Program::Steps(
                resolve_steps(c, i as SpecIndex, draft, &drafts, &index, images)?.into(),
            ),
        };
        let forked_by = p.forked_by.as_ref().map(|f| index[f.get_ref().as_str()]);
        let arrival = match (&p.arrival, forked_by) {
            (Some(a), Some(_)) => {
                return Err(c.error(
                    spanned(a),
                    format!("{name} is created by a fork, so it has no arrival time"),
                    "remove arrival: the process appears when its parent forks it",
                ));
            }
            (Some(a), None) => c.ticks(
                a,
                0,
                "arrival",
                "the tick at which the process is submitted",
            )?,
            (None, _) => 0,
        };
        let memory = match &p.memory {
            Some(m) => {
                let size = c.small(
                    m,
                    0,
                    i64::from(u32::MAX / 2),
                    "memory",
                    "the memory units the process needs",
                )?;
                if let Some(total) = config.memory
                    && size > total
                {
                    return Err(c.error(
                        spanned(m),
                        format!("{name} needs {size} units of memory but the machine has {total}"),
                        "make it smaller, or raise memory under [kernel]",
                    ));
                }
                size
            }
            None => 0,
        };
        let tickets = match &p.tickets {
            Some(t) => c.small(
                t,
                1,
                MAX_TICKETS,
                "tickets",
                "the process's lottery tickets",
            )?,
            None => DEFAULT_TICKETS,
        };
        specs.push(ProcessSpec {
            order: i as SpecIndex,
            name: name.into(),
            arrival,
            priority: match &p.priority {
                Some(v) if v.get_ref().abs() > MAX_PRIORITY => {
                    return Err(c.error(
                        spanned(v),
                        format!("priority = {} is out of range", v.get_ref()),
                        format!("use a priority between -{MAX_PRIORITY} and {MAX_PRIORITY}"),
                    ));
                }
                Some(v) => Some(*v.get_ref()),
                None => forked_by.is_none().then_some(0),
            },
            program,
            memory,
            tickets,
            forked_by,
            cascade: p.cascade.unwrap_or(false),
        });
    }
    Ok(specs)
}

fn lookup(c: &Checker, word: &Word, index: &HashMap<&str, SpecIndex>) -> Result<SpecIndex> {
    index.get(word.text.as_str()).copied().ok_or_else(|| {
        let hint = match did_you_mean(&word.text, index.keys().copied()) {
            Some(guess) => format!("did you mean {guess}?"),
            None => "name a process listed as [[process]] in this file".to_string(),
        };
        c.error(
            word.span.clone(),
            format!("no process named \"{}\"", word.text),
            hint,
        )
    })
}

/// Fork structure: every `forked_by` names a process that forks it exactly once, every
/// `fork` names a process created that way, and no process is its own ancestor.
fn check_forks(c: &Checker, drafts: &[Draft], index: &HashMap<&str, SpecIndex>) -> Result<()> {
    let name_of = |i: SpecIndex| drafts[i as usize].entry.get_ref().name.get_ref().as_str();
    let mut forked_at: Vec<Option<Range<usize>>> = vec![None; drafts.len()];
    for (i, draft) in drafts.iter().enumerate() {
        for (step, _) in &draft.steps {
            let RawStep::Fork(child) = step else { continue };
            let k = lookup(c, child, index)?;
            let entry = drafts[k as usize].entry.get_ref();
            match &entry.forked_by {
                Some(f) if f.get_ref() == name_of(i as SpecIndex) => {}
                Some(f) => {
                    return Err(c.error(
                        child.span.clone(),
                        format!(
                            "{} forks {}, but {} says forked_by = \"{}\"",
                            name_of(i as SpecIndex),
                            child.text,
                            child.text,
                            f.get_ref()
                        ),
                        format!(
                            "set forked_by = \"{}\" on {}, or fork it from {}",
                            name_of(i as SpecIndex),
                            child.text,
                            f.get_ref()
                        ),
                    ));
                }
                None => {
                    return Err(c.error(
                        child.span.clone(),
                        format!("{} is not created by a fork", child.text),
                        format!(
                            "add forked_by = \"{}\" to process {}",
                            name_of(i as SpecIndex),
                            child.text
                        ),
                    ));
                }
            }
            if forked_at[k as usize].is_some() {
                return Err(c.error(
                    child.span.clone(),
                    format!("{} is forked more than once", child.text),
                    "each [[process]] is one process; list another process for a second child",
                ));
            }
            forked_at[k as usize] = Some(child.span.clone());
        }
    }
    for (k, draft) in drafts.iter().enumerate() {
        let Some(parent) = &draft.entry.get_ref().forked_by else {
            continue;
        };
        let Some(&p) = index.get(parent.get_ref().as_str()) else {
            let word = Word {
                text: parent.get_ref().clone(),
                span: spanned(parent),
            };
            lookup(c, &word, index)?;
            continue;
        };
        if p as usize == k {
            return Err(c.error(
                spanned(parent),
                format!("{} can't fork itself", parent.get_ref()),
                "forked_by names the parent process",
            ));
        }
        // Walk up the ancestors: a cycle means none of them is ever created.
        let mut seen = vec![k as SpecIndex];
        let mut up = Some(p);
        while let Some(a) = up {
            if seen.contains(&a) {
                return Err(c.error(
                    spanned(parent),
                    format!(
                        "forked_by makes a cycle: {} is its own ancestor",
                        name_of(k as SpecIndex)
                    ),
                    "a chain of forked_by must end at a process that arrives on its own",
                ));
            }
            seen.push(a);
            up = drafts[a as usize]
                .entry
                .get_ref()
                .forked_by
                .as_ref()
                .and_then(|f| index.get(f.get_ref().as_str()).copied());
        }
        if forked_at[k].is_none() {
            return Err(c.error(
                spanned(parent),
                format!(
                    "{} never forks {}",
                    parent.get_ref(),
                    name_of(k as SpecIndex)
                ),
                format!(
                    "add \"fork {}\" to {}'s program",
                    name_of(k as SpecIndex),
                    parent.get_ref()
                ),
            ));
        }
    }
    Ok(())
}

fn resolve_steps(
    c: &mut Checker,
    me: SpecIndex,
    draft: &Draft,
    drafts: &[Draft],
    index: &HashMap<&str, SpecIndex>,
    images: &Images,
) -> Result<Vec<Step>> {
    let my_name = draft.entry.get_ref().name.get_ref().clone();
    let children: Vec<SpecIndex> = drafts
        .iter()
        .enumerate()
        .filter(|(_, d)| {
            d.entry
                .get_ref()
                .forked_by
                .as_ref()
                .is_some_and(|f| *f.get_ref() == my_name)
        })
        .map(|(i, _)| i as SpecIndex)
        .collect();
    let mut out = Vec::new();
    let mut ended: Option<&'static str> = None;
    for (raw, span) in &draft.steps {
        if let Some(how) = ended {
            c.warn(
                span.clone(),
                format!("this step of {my_name} never runs: it comes after {how}"),
                "remove it, or move it before",
            );
            ended = None;
        }
        if let Some(step) = simple_step(c, raw) {
            if matches!(step, Step::Exit { .. }) {
                ended = Some("exit");
            }
            out.push(step);
            continue;
        }
        let step = match raw {
            RawStep::Fork(child) => Step::Fork {
                child: index[child.text.as_str()],
            },
            RawStep::Exec(program, args) => {
                ended = Some("a successful exec");
                let image = images
                    .iter()
                    .position(|(n, _)| **n == *program.text)
                    .map(|i| i as u32);
                if image.is_none() && !KNOWN_PROGRAMS.contains(&program.text.as_str()) {
                    let known = KNOWN_PROGRAMS
                        .iter()
                        .copied()
                        .chain(images.iter().map(|(n, _)| &**n));
                    let guess = did_you_mean(&program.text, known)
                        .map(|g| format!("did you mean {g}? "))
                        .unwrap_or_default();
                    c.warn(
                        program.span.clone(),
                        format!("exec {}: no program of that name is known; it runs a 1-tick default image", program.text),
                        format!("{guess}define it under [programs], e.g. {} = [\"cpu 2\", \"exit 0\"]", program.text),
                    );
                }
                Step::Exec {
                    command: program.text.as_str().into(),
                    args: args.iter().map(|a| Arc::from(a.as_str())).collect(),
                    image,
                }
            }
            RawStep::Wait(None) => {
                if children.is_empty() {
                    return Err(c.error(span.clone(), format!("{my_name} waits, but it has no children"), format!("wait blocks until a child exits: fork one first (a process with forked_by = \"{my_name}\")")));
                }
                Step::Wait { child: None }
            }
            RawStep::Wait(Some(child)) => {
                let k = lookup(c, child, index)?;
                if !children.contains(&k) {
                    return Err(c.error(child.span.clone(), format!("{} is not a child of {my_name}", child.text), format!("a process can only wait for its own children (forked_by = \"{my_name}\")")));
                }
                Step::Wait { child: Some(k) }
            }
            RawStep::Kill(target, signal) => {
                let k = lookup(c, target, index)?;
                if k == me {
                    c.warn(
                        target.span.clone(),
                        format!("{my_name} kills itself"),
                        "that works, but `exit` says it more plainly",
                    );
                }
                let signal = match signal {
                    None => Signal::TERM,
                    Some(word) => Signal::parse(&word.text).ok_or_else(|| {
                        let names: Vec<&str> = Signal::KNOWN.iter().map(|(n, _)| *n).collect();
                        c.error(
                            word.span.clone(),
                            format!("unknown signal \"{}\"", word.text),
                            one_of_hint(&word.text.to_ascii_uppercase(), &names),
                        )
                    })?,
                };
                Step::Kill { target: k, signal }
            }
            _ => unreachable!("simple steps are handled above"),
        };
        out.push(step);
    }
    Ok(out)
}

fn generate(
    c: &mut Checker,
    g: &Spanned<GenerateSection>,
    specs: &[ProcessSpec],
    config: &KernelConfig,
) -> Result<GenerateSpec> {
    let s = g.get_ref();
    let count = c.at_least(&s.count, 1, "count", "how many processes to generate")?;
    if count > 10_000_000 {
        return Err(c.error(
            spanned(&s.count),
            format!("count = {count} is too large"),
            "generate at most 10000000 processes",
        ));
    }
    let unsigned = |(lo, hi): (i64, i64)| (lo as u64, hi as u64);
    let burst = unsigned(c.range(&s.burst, "burst", 1, MAX_TICKS as i64)?);
    let arrival_gap = match &s.arrival_gap {
        Some(v) => unsigned(c.range(v, "arrival_gap", 0, MAX_TICKS as i64)?),
        None => (0, 0),
    };
    let priority = match &s.priority {
        Some(v) => Some(c.range(v, "priority", -MAX_PRIORITY, MAX_PRIORITY)?),
        None => None,
    };
    let memory = match &s.memory {
        Some(v) => {
            let (lo, hi) = c.range(v, "memory", 0, i64::from(u32::MAX / 2))?;
            if let Some(total) = config.memory
                && hi > i64::from(total)
            {
                return Err(c.error(spanned(v), format!("generated processes may need up to {hi} units of memory but the machine has {total}"), "lower the range, or raise memory under [kernel]"));
            }
            Some((lo as u32, hi.min(i64::from(u32::MAX / 2)) as u32))
        }
        None => None,
    };
    let tickets = match &s.tickets {
        Some(v) => {
            let (lo, hi) = c.range(v, "tickets", 1, MAX_TICKETS)?;
            Some((lo as u32, hi as u32))
        }
        None => None,
    };
    let prefix: Arc<str> = match &s.prefix {
        Some(p) => {
            check_name(c, p, "prefix")?;
            p.get_ref().as_str().into()
        }
        None => "P".into(),
    };
    for spec in specs {
        let clash = spec
            .name
            .strip_prefix(&*prefix)
            .and_then(|n| n.parse::<u64>().ok())
            .is_some_and(|n| {
                n >= 1 && n <= count && spec.name.len() == prefix.len() + n.to_string().len()
            });
        if clash {
            return Err(c.error(
                spanned(g),
                format!(
                    "generated names {prefix}1..{prefix}{count} clash with process {}",
                    spec.name
                ),
                "set prefix = \"G\" (or another prefix) under [generate]",
            ));
        }
    }
    let io = match &s.io {
        Some(io) => {
            let v = io.get_ref();
            let share = *v.share.get_ref();
            if !(0.0..=1.0).contains(&share) {
                return Err(c.error(
                    spanned(&v.share),
                    format!("share = {share} is not between 0 and 1"),
                    "share is the fraction of I/O-bound processes, e.g. 0.3",
                ));
            }
            let every = unsigned(c.range(&v.every, "every", 1, MAX_TICKS as i64)?);
            let ticks = unsigned(c.range(&v.duration, "duration", 1, MAX_TICKS as i64)?);
            let device = match &v.device {
                Some(d) => {
                    check_name(c, d, "device")?;
                    c.device(d.get_ref())
                }
                None => c.device("disk"),
            };
            Some(GeneratedIo {
                per_million: (share * 1_000_000.0).round() as u32,
                every,
                ticks,
                device,
            })
        }
        None => None,
    };
    Ok(GenerateSpec {
        count,
        burst: burst as Span<Tick>,
        arrival_gap,
        priority,
        memory,
        tickets,
        io,
        prefix,
    })
}
