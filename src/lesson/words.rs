//! The vocabulary shared by `go` and `answer`: process, object and state names, checked against
//! the scenario, and how to find them in a kernel.

use crate::kernel::ipc::{Object, ObjectKind};
use crate::kernel::message::Capacity;
use crate::kernel::pcb::Pcb;
use crate::kernel::state::State;
use crate::kernel::{Kernel, Tick};
use crate::scenario::Scenario;
use crate::scenario::error::did_you_mean;

/// Words, with punctuation that reads naturally (`?`, `,`) dropped. Keywords are matched in
/// lower case; names keep their case (see [`Words::process`]).
pub fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == ',' || c == '?')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// A whole number of ticks or steps.
pub fn number(word: &str) -> Result<Tick, String> {
    word.parse()
        .map_err(|_| format!("`{word}` is not a whole number"))
}

/// Checks the name of a system call, as a scenario's step says it (`recv`, `accept`, `read`,
/// …); `cpu`, `io` and `sleep` are not calls.
pub fn call(word: &str) -> Result<&'static str, String> {
    let calls = || {
        crate::scenario::steps::USAGE
            .iter()
            .map(|(k, _)| *k)
            .filter(|k| !matches!(*k, "cpu" | "io" | "sleep"))
    };
    if let Some(k) = calls().find(|k| *k == word) {
        return Ok(k);
    }
    Err(match did_you_mean(word, calls()) {
        Some(near) => format!("`{word}` is not a system call; did you mean `{near}`?"),
        None => format!(
            "`{word}` is not a system call; calls are {}",
            calls().collect::<Vec<_>>().join(", ")
        ),
    })
}

/// The names a lesson may use: its scenario's processes and objects.
#[derive(Clone, Debug, Default)]
pub struct Words {
    processes: Vec<String>,
    objects: Vec<(String, ObjectKind)>,
}

impl Words {
    /// The names in `scenario`.
    pub fn of(scenario: &Scenario) -> Words {
        let mut processes: Vec<String> =
            scenario.specs.iter().map(|s| s.name.to_string()).collect();
        if let Some(g) = &scenario.generate {
            // Generated processes are named prefix1, prefix2, …: a lesson may name a few.
            for i in 1..=g.count.min(1000) {
                processes.push(format!("{}{i}", g.prefix));
            }
        }
        Words {
            processes,
            objects: scenario
                .objects
                .iter()
                .map(|o| (o.name.to_string(), o.kind))
                .collect(),
        }
    }

    /// Checks a process name (written in any case, if that leaves no doubt); returns it as
    /// the scenario spells it.
    pub fn process(&self, name: &str) -> Result<String, String> {
        let mut same = self
            .processes
            .iter()
            .filter(|p| p.eq_ignore_ascii_case(name));
        if let (Some(p), None) = (same.next(), same.next()) {
            return Ok(p.clone());
        }
        if let Some(p) = self.processes.iter().find(|p| *p == name) {
            return Ok(p.clone());
        }
        let known: Vec<&str> = self.processes.iter().map(String::as_str).collect();
        Err(match did_you_mean(name, known.iter().copied()) {
            Some(near) => format!("no process is named `{name}`; did you mean `{near}`?"),
            None => format!(
                "no process is named `{name}`; the scenario has {}",
                known.join(", ")
            ),
        })
    }

    /// True if `name` is one of the scenario's objects (pipes, FIFOs, rings, mailboxes, links,
    /// sockets).
    pub fn is_object(&self, name: &str) -> bool {
        self.objects
            .iter()
            .any(|(o, _)| o.eq_ignore_ascii_case(name))
    }

    /// True if `name` is one of the scenario's processes.
    pub fn is_process(&self, name: &str) -> bool {
        self.processes.iter().any(|p| p.eq_ignore_ascii_case(name))
    }

    /// Checks an object name; returns it as the scenario spells it.
    pub fn object(&self, name: &str) -> Result<String, String> {
        if let Some((o, _)) = self
            .objects
            .iter()
            .find(|(o, _)| o.eq_ignore_ascii_case(name))
        {
            return Ok(o.clone());
        }
        let known: Vec<&str> = self.objects.iter().map(|(o, _)| o.as_str()).collect();
        Err(match did_you_mean(name, known.iter().copied()) {
            Some(near) => {
                format!(
                    "no object (pipe, FIFO, ring, mailbox or socket) is named `{name}`; did you mean `{near}`?"
                )
            }
            None if known.is_empty() => {
                "the scenario has no pipes, FIFOs, rings, mailboxes or sockets".to_string()
            }
            None => format!(
                "no object (pipe, FIFO, ring, mailbox or socket) is named `{name}`; the scenario has {}",
                known.join(", ")
            ),
        })
    }

    /// Checks the name of a ring (a shared-memory bounded buffer).
    pub fn ring(&self, name: &str) -> Result<String, String> {
        let name = self.object(name)?;
        match self.objects.iter().find(|(o, _)| *o == name) {
            Some((_, ObjectKind::Ring)) => Ok(name),
            _ => Err(format!("`{name}` is not a shared-memory ring")),
        }
    }

    /// Checks the name of an RPC port (made by `rpc-server`); returns it as the scenario
    /// spells it.
    pub fn port(&self, name: &str) -> Result<String, String> {
        let ports: Vec<&str> = self
            .objects
            .iter()
            .filter(|(_, kind)| *kind == ObjectKind::RpcPort)
            .map(|(o, _)| o.as_str())
            .collect();
        if let Some(p) = ports.iter().find(|p| p.eq_ignore_ascii_case(name)) {
            return Ok(p.to_string());
        }
        Err(match did_you_mean(name, ports.iter().copied()) {
            Some(near) => format!("no RPC port is named `{name}`; did you mean `{near}`?"),
            None if ports.is_empty() => "the scenario has no RPC ports".to_string(),
            None => format!(
                "no RPC port is named `{name}`; the scenario has {}",
                ports.join(", ")
            ),
        })
    }

    /// The process names, in scenario order.
    pub fn processes(&self) -> &[String] {
        &self.processes
    }
}

/// A state as a lesson names it; `waiting` covers every reason for waiting.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum StateWord {
    /// Created, not admitted yet.
    New,
    /// In the ready queue.
    Ready,
    /// On a CPU.
    Running,
    /// Waiting for a device, a child, a pipe, …
    Waiting,
    /// Swapped out (ready or waiting).
    Suspended,
    /// Exited, not yet collected by its parent.
    Zombie,
    /// Gone.
    Terminated,
}

/// The state names a lesson may use, for hints and for `choices = "states"`.
pub const STATE_WORDS: [&str; 7] = [
    "new",
    "ready",
    "running",
    "waiting",
    "suspended",
    "zombie",
    "terminated",
];

impl StateWord {
    /// Parses a state name.
    pub fn parse(word: &str) -> Result<StateWord, String> {
        Ok(match word {
            "new" => StateWord::New,
            "ready" => StateWord::Ready,
            "running" => StateWord::Running,
            "waiting" | "blocked" => StateWord::Waiting,
            "suspended" | "swapped" | "swapped out" | "ready-suspended" | "waiting-suspended" => {
                StateWord::Suspended
            }
            "zombie" => StateWord::Zombie,
            "terminated" => StateWord::Terminated,
            _ => {
                let hint = did_you_mean(word, STATE_WORDS.iter().copied())
                    .map(|s| format!("did you mean `{s}`?"))
                    .unwrap_or_else(|| format!("states are {}", STATE_WORDS.join(", ")));
                return Err(format!("`{word}` is not a process state; {hint}"));
            }
        })
    }

    /// The word for a kernel state.
    pub fn of(state: &State) -> StateWord {
        match state {
            State::New => StateWord::New,
            State::Ready => StateWord::Ready,
            State::Running => StateWord::Running,
            State::Waiting(_) => StateWord::Waiting,
            State::ReadySuspended | State::WaitingSuspended(_) => StateWord::Suspended,
            State::Zombie => StateWord::Zombie,
            State::Terminated => StateWord::Terminated,
        }
    }

    /// True if `state` is this one.
    pub fn matches(self, state: &State) -> bool {
        StateWord::of(state) == self
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        STATE_WORDS[self as usize]
    }
}

/// The process named `name`: the live one if several had that name.
pub fn find<'k>(kernel: &'k Kernel, name: &str) -> Option<&'k Pcb> {
    let mut found = None;
    for p in kernel.processes().filter(|p| &*p.name == name) {
        if p.state != State::Terminated {
            return Some(p);
        }
        found = Some(p);
    }
    found
}

/// How full the object is: (items or bytes in it, room left), if it exists yet.
pub fn object_fill(kernel: &Kernel, name: &str) -> Option<(u64, u64)> {
    let index = kernel
        .workload()
        .objects()
        .iter()
        .position(|o| &*o.name == name)?;
    match kernel.objects().get(index)? {
        Object::Absent => None,
        Object::Channel(c) => {
            let capacity = kernel.config().pipe_capacity as usize;
            Some((c.data.len() as u64, c.room(capacity) as u64))
        }
        Object::Ring(m) => {
            let r = m.ring()?;
            let capacity = r.slots.len() as u64 - 1;
            Some((u64::from(r.len()), capacity - u64::from(r.len())))
        }
        Object::Mailbox(m) => {
            let held = m.queue.messages.len() as u64;
            let room = match m.queue.capacity {
                Capacity::Zero => 0,
                Capacity::Bounded(n) => u64::from(n).saturating_sub(held),
                Capacity::Unbounded => u64::MAX,
            };
            Some((held, room))
        }
        Object::Link(l) => Some((l.len() as u64, u64::MAX)),
        Object::RpcPort(p) => Some((p.requests.len() as u64, u64::MAX)),
        Object::Win(w) => Some((w.waiting(), u64::MAX)),
        Object::Socket(s) => {
            let waiting = if s.transport.is_stream() {
                s.backlog.len()
            } else {
                s.incoming.data.len()
            };
            Some((waiting as u64, u64::MAX))
        }
    }
}
