//! The `[generate]` section: a seeded random workload, checked and turned into a spec.

use super::checker::{Checker, MAX_PRIORITY, MAX_TICKETS, MAX_TICKS, Result, check_name, spanned};
use super::file::GenerateSection;
use crate::kernel::config::KernelConfig;
use crate::kernel::ids::Tick;
use crate::kernel::workload::{GenerateSpec, GeneratedIo, ProcessSpec, Span};
use std::sync::Arc;
use toml::Spanned;

pub(super) fn generate(
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
            Some((lo as u32, hi as u32))
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
