//! Checks a parsed scenario file and turns it into the kernel's configuration and workload.
//! Every problem is reported at the key or step that causes it, with a hint.

use super::Scenario;
use super::checker::{Checker, MAX_TICKS, Result, check_name, spanned};
use super::file::{
    AgingSection, DeviceSection, KernelSection, MlfqSection, RulesSection, ScenarioFile,
};
use super::generate::generate;
use super::processes::{images, processes};
use crate::kernel::config::{
    Admission, Aging, DeviceConfig, KernelConfig, MlfqConfig, Policy, Preempted, PriorityOrder,
    Rules, TieBreak, Wakeups,
};
use crate::kernel::ipc::PIPE_CAPACITY;
use crate::kernel::message::{Capacity, MAX_CAPACITY};
use crate::kernel::workload::{GenerateSpec, ProcessSpec};
use std::sync::Arc;
use toml::Spanned;

/// Checks `file` (read from `path`, with text `text`) and builds the scenario.
pub fn validate(file: ScenarioFile, path: Arc<str>, text: Arc<str>) -> Result<Scenario> {
    let mut c = Checker {
        path: path.clone(),
        text: text.clone(),
        warnings: Vec::new(),
        devices: Vec::new(),
        device_spans: Vec::new(),
        execs: Vec::new(),
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
    let (specs, objects) = processes(&mut c, &file.processes, &config, &images)?;
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
        real: file.real.unwrap_or(false),
        config,
        specs,
        images,
        objects,
        generate,
        warnings: c.warnings,
        execs: c.execs,
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
        pipe_capacity: match &k.pipe_capacity {
            Some(v) => c.small(
                v,
                1,
                1 << 20,
                "pipe_capacity",
                "the bytes a pipe or FIFO holds",
            )?,
            None => PIPE_CAPACITY as u32,
        },
        link_capacity: match &k.link_capacity {
            Some(v) => link_capacity(c, v)?,
            None => Capacity::Unbounded,
        },
        rpc_timeout: match &k.rpc_timeout {
            Some(v) => u64::from(c.small(
                v,
                1,
                1_000_000,
                "rpc_timeout",
                "the ticks an RPC client waits for a reply",
            )?),
            None => crate::kernel::rpc::DEFAULT_TIMEOUT,
        },
    })
}

/// `link_capacity`: a number of messages (0 for a rendezvous) or `"unbounded"`.
fn link_capacity(c: &Checker, v: &Spanned<toml::Value>) -> Result<Capacity> {
    let hint = format!(
        "write a number of messages from 0 (a rendezvous) to {MAX_CAPACITY}, or \"unbounded\""
    );
    match v.get_ref() {
        toml::Value::Integer(n) if (0..=i64::from(MAX_CAPACITY)).contains(n) => {
            Ok(Capacity::of(*n as u32))
        }
        toml::Value::String(s) if s == "unbounded" => Ok(Capacity::Unbounded),
        other => Err(c.error(
            spanned(v),
            format!("link_capacity = {other} is not a capacity"),
            hint,
        )),
    }
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

/// Most queues an MLFQ may have.
const MAX_LEVELS: usize = 16;

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
    let levels = match &m.levels {
        Some(l) => c.small(l, 1, MAX_LEVELS as i64, "levels", "the number of queues")? as usize,
        None => {
            let listed = [&m.quantum, &m.allotment].into_iter().find_map(|v| {
                v.as_ref()
                    .filter(|v| matches!(v.get_ref(), toml::Value::Array(_)))
            });
            match listed {
                Some(list) => {
                    let n = match list.get_ref() {
                        toml::Value::Array(items) => items.len(),
                        _ => 0,
                    };
                    if !(1..=MAX_LEVELS).contains(&n) {
                        return Err(c.error(
                            spanned(list),
                            format!("a list of {n} entries gives {n} queues"),
                            format!("give one entry per queue, 1 to {MAX_LEVELS} of them, top queue first"),
                        ));
                    }
                    n
                }
                None => 3,
            }
        }
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
