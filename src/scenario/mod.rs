//! Scenario files: a workload and a kernel configuration in TOML, checked strictly and turned
//! into a ready-to-run [`Kernel`]. The format is documented in `docs/scenario-format.md`.

#![forbid(unsafe_code)]

pub mod bundled;
mod checker;
pub mod error;
mod file;
mod generate;
mod objects;
mod processes;
mod shm_steps;
mod step_resolution;
pub mod steps;
mod validate;
mod win_checks;
pub mod win_steps;

use crate::kernel::Kernel;
use crate::kernel::config::KernelConfig;
use crate::kernel::ipc::ObjectSpec;
use crate::kernel::program::{Program, SpecIndex};
use crate::kernel::workload::{GenerateSpec, Generator, ProcessSpec, Workload};
pub use checker::{ExecSite, KNOWN_PROGRAMS};
pub use error::{Diagnostic, ScenarioError, Severity};
use std::path::Path;
use std::sync::Arc;

/// A checked scenario, ready to run.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Where it came from: the path given, or `scenarios/ID.toml` for a bundled scenario.
    pub path: Arc<str>,
    /// Its text.
    pub text: Arc<str>,
    /// One-line title.
    pub title: String,
    /// What it teaches.
    pub description: String,
    /// Seed of every random choice.
    pub seed: u64,
    /// The scenario asks to be shown beside the real kernel (`real = true`).
    pub real: bool,
    /// The kernel's configuration.
    pub config: KernelConfig,
    /// The listed processes, in file order.
    pub specs: Vec<ProcessSpec>,
    /// Images for `exec`.
    pub images: Vec<(Arc<str>, Program)>,
    /// The pipes, FIFOs and shared rings, by object id.
    pub objects: Vec<ObjectSpec>,
    /// The generated workload, if any.
    pub generate: Option<Arc<GenerateSpec>>,
    /// Things that work but are probably not what the author meant.
    pub warnings: Vec<Diagnostic>,
    /// Every `exec` step, with where it is.
    pub execs: Vec<ExecSite>,
}

impl Scenario {
    /// Parses and checks scenario text; `path` is only used in messages.
    pub fn parse(path: &str, text: &str) -> Result<Scenario, ScenarioError> {
        let path: Arc<str> = path.into();
        let text: Arc<str> = text.into();
        let file = toml::from_str(&text).map_err(|e| {
            ScenarioError::Invalid(Box::new(Diagnostic::from_toml(&path, &text, &e)))
        })?;
        validate::validate(file, path, text)
    }

    /// A scenario file, or else the bundled scenario with that id.
    pub fn open(file: &str) -> Result<Scenario, ScenarioError> {
        let path = Path::new(file);
        if !path.exists()
            && let Some(text) = bundled::find(file)
        {
            let id = file
                .trim_end_matches(".toml")
                .trim_start_matches("scenarios/");
            return Scenario::parse(&format!("scenarios/{id}.toml"), text);
        }
        Scenario::load(path)
    }

    /// Reads and checks a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| ScenarioError::Read {
            path: shown.clone(),
            source,
        })?;
        match std::str::from_utf8(&bytes) {
            Ok(text) => Scenario::parse(&shown, text),
            Err(e) => Err(ScenarioError::NotText {
                path: shown,
                at: e.valid_up_to(),
            }),
        }
    }

    /// A fresh kernel at time 0 running this scenario.
    pub fn kernel(&self) -> Kernel {
        let first_generated = self.specs.len() as SpecIndex;
        let generator = self
            .generate
            .clone()
            .map(|g| Generator::new(g, self.seed, first_generated));
        let workload = Workload::new(
            self.specs.clone(),
            self.images.clone(),
            self.objects.clone(),
            generator,
        );
        Kernel::new(self.config.clone(), workload)
    }
}
