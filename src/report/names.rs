//! The names behind the numbers in events: processes by pid (learnt from `Created` events),
//! listed processes by position, devices by index.

use crate::kernel::Names;
use crate::kernel::event::Event;
use crate::kernel::ids::{DeviceId, Pid};
use crate::kernel::program::{ObjectId, SpecIndex};
use crate::scenario::Scenario;
use std::sync::Arc;

/// A name lookup that learns process names as they are created.
#[derive(Clone, Debug, Default)]
pub struct NameBook {
    pids: Vec<Option<Arc<str>>>,
    specs: Vec<Arc<str>>,
    devices: Vec<Arc<str>>,
    objects: Vec<Arc<str>>,
}

impl NameBook {
    /// A book that knows the scenario's listed processes and devices.
    pub fn new(scenario: &Scenario) -> NameBook {
        NameBook {
            pids: Vec::new(),
            specs: scenario.specs.iter().map(|s| s.name.clone()).collect(),
            devices: scenario
                .config
                .devices
                .iter()
                .map(|d| d.name.clone())
                .collect(),
            objects: scenario.objects.iter().map(|o| o.name.clone()).collect(),
        }
    }

    /// Learns from an event (only `Created` events teach anything).
    pub fn learn(&mut self, event: &Event) {
        if let Event::Created { pid, name, .. } = event {
            let at = pid.0 as usize;
            if self.pids.len() <= at {
                self.pids.resize(at + 1, None);
            }
            self.pids[at] = Some(name.clone());
        }
    }
}

impl Names for NameBook {
    fn process(&self, pid: Pid) -> String {
        if pid == Pid::INIT {
            return "init".into();
        }
        match self.pids.get(pid.0 as usize).cloned().flatten() {
            Some(name) => name.to_string(),
            None => format!("pid {pid}"),
        }
    }

    fn spec(&self, index: SpecIndex) -> String {
        match self.specs.get(index as usize) {
            Some(name) => name.to_string(),
            None => format!("process #{index}"),
        }
    }

    fn object(&self, object: ObjectId) -> String {
        match self.objects.get(object as usize) {
            Some(name) => name.to_string(),
            None => format!("object {object}"),
        }
    }

    fn device(&self, device: DeviceId) -> String {
        match self.devices.get(device.0 as usize) {
            Some(name) => name.to_string(),
            None => format!("device {}", device.0),
        }
    }
}
