//! The shape of a scenario file, exactly as TOML gives it: every key optional where the format
//! allows it, unknown keys rejected, positions kept for error messages. `validate` turns it
//! into the kernel's types.

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// A whole scenario file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Format version; only 1 exists.
    pub format: Option<Spanned<i64>>,
    /// One-line title.
    pub title: Spanned<String>,
    /// What the scenario teaches.
    pub description: Option<String>,
    /// Seed of every random choice.
    pub seed: Option<Spanned<i64>>,
    /// Open the real-OS pane by default in the TUI.
    pub real: Option<bool>,
    /// The kernel's configuration.
    #[serde(default)]
    pub kernel: KernelSection,
    /// The processes.
    #[serde(default, rename = "process")]
    pub processes: Vec<Spanned<ProcessEntry>>,
    /// Images that `exec` can load, by program name.
    #[serde(default)]
    pub programs: BTreeMap<Spanned<String>, Spanned<Vec<Spanned<String>>>>,
    /// A seeded random workload.
    pub generate: Option<Spanned<GenerateSection>>,
}

/// `[kernel]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KernelSection {
    pub scheduler: Option<Spanned<String>>,
    pub quantum: Option<Spanned<i64>>,
    pub context_switch: Option<Spanned<i64>>,
    pub cpus: Option<Spanned<i64>>,
    pub max_multiprogramming: Option<Spanned<i64>>,
    pub admission: Option<Spanned<String>>,
    pub memory: Option<Spanned<i64>>,
    pub swap_time: Option<Spanned<i64>>,
    pub pipe_capacity: Option<Spanned<i64>>,
    pub link_capacity: Option<Spanned<toml::Value>>,
    pub rpc_timeout: Option<Spanned<i64>>,
    pub aging: Option<Spanned<AgingSection>>,
    pub mlfq: Option<Spanned<MlfqSection>>,
    #[serde(default)]
    pub rules: RulesSection,
    #[serde(default)]
    pub devices: BTreeMap<Spanned<String>, Spanned<DeviceSection>>,
}

/// `[kernel.aging]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgingSection {
    pub every: Spanned<i64>,
    pub step: Option<Spanned<i64>>,
}

/// `[kernel.mlfq]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MlfqSection {
    pub levels: Option<Spanned<i64>>,
    pub quantum: Option<Spanned<toml::Value>>,
    pub allotment: Option<Spanned<toml::Value>>,
    pub boost: Option<Spanned<i64>>,
    pub io_resets_allotment: Option<bool>,
    pub io_to_front: Option<bool>,
}

/// `[kernel.rules]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesSection {
    pub tie_break: Option<Spanned<String>>,
    pub priority: Option<Spanned<String>>,
    pub preempted: Option<Spanned<String>>,
    pub wakeups: Option<Spanned<String>>,
    pub preempt_on_tie: Option<Spanned<bool>>,
}

/// `[kernel.devices.NAME]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceSection {
    pub servers: Spanned<toml::Value>,
}

/// One `[[process]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessEntry {
    pub name: Spanned<String>,
    pub arrival: Option<Spanned<i64>>,
    pub priority: Option<Spanned<i64>>,
    pub burst: Option<Spanned<i64>>,
    pub program: Option<Spanned<Vec<Spanned<String>>>>,
    pub memory: Option<Spanned<i64>>,
    pub tickets: Option<Spanned<i64>>,
    pub forked_by: Option<Spanned<String>>,
    pub cascade: Option<bool>,
}

/// `[generate]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenerateSection {
    pub count: Spanned<i64>,
    pub burst: Spanned<Vec<i64>>,
    pub arrival_gap: Option<Spanned<Vec<i64>>>,
    pub priority: Option<Spanned<Vec<i64>>>,
    pub memory: Option<Spanned<Vec<i64>>>,
    pub tickets: Option<Spanned<Vec<i64>>>,
    pub prefix: Option<Spanned<String>>,
    pub io: Option<Spanned<GenerateIo>>,
}

/// `[generate.io]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenerateIo {
    pub share: Spanned<f64>,
    pub every: Spanned<Vec<i64>>,
    pub duration: Spanned<Vec<i64>>,
    pub device: Option<Spanned<String>>,
}
