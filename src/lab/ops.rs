//! The op that makes a model's step for real: names resolved to the twins' pids, the scenario's
//! objects to paths in the run's directory and to shared-memory names.

#![forbid(unsafe_code)]

use super::driver::Lab;
use super::names;
use super::protocol::{Op, Target};
use super::twins::Fate;
use crate::kernel::Names;
use crate::kernel::Step;
use crate::kernel::program::{Channel, End};

impl Lab {
    /// The op that makes `step` for real, or why there is none.
    pub(super) fn op_for(&mut self, step: &Step) -> Result<Op, String> {
        let object = |o: &u32| self.names.object(*o);
        let target = |c: &Channel| match c {
            Channel::Std { stream } => Target::Std(*stream as i32),
            Channel::Object { object: o } => Target::Object(self.names.object(*o)),
        };
        Ok(match step {
            Step::Exec { command, args, .. } => Op::Exec {
                command: command.to_string(),
                args: args.iter().map(|a| a.to_string()).collect(),
            },
            Step::Wait { child } => {
                let pid = match child {
                    Some(c) => {
                        let name = self.names.spec(*c);
                        match self.twins.get(&name) {
                            Some(t) => Some(t.pid.as_raw()),
                            None => return Err(format!("{name} has no twin")),
                        }
                    }
                    None => None,
                };
                Op::Wait { pid }
            }
            Step::Kill { target: t, signal } => {
                let name = self.names.spec(*t);
                match self.twins.get(&name) {
                    Some(twin) if twin.fate != Fate::Reaped => Op::Kill {
                        pid: twin.pid.as_raw(),
                        signal: i32::from(signal.0),
                    },
                    _ => {
                        return Err(format!(
                            "not sent for real: {name} was reaped, so its pid is free and might \
                             already belong to another process (Linux would answer ESRCH too)"
                        ));
                    }
                }
            }
            Step::Pipe { object: o } => Op::Pipe { name: object(o) },
            Step::Write { to, data } => Op::Write {
                to: target(to),
                data: data.to_string(),
            },
            Step::Read { from, max } => Op::Read {
                from: target(from),
                max: *max,
            },
            Step::Close { object: o, end } => Op::Close {
                name: object(o),
                end: end.map(|e| e.name().to_string()),
            },
            Step::Redirect { stream, object: o } => Op::Redirect {
                stream: *stream as i32,
                name: object(o),
            },
            Step::Mkfifo { object: o } => {
                let name = object(o);
                let path = names::fifo_path(&self.twins.dir, &name);
                self.labels
                    .insert(path.display().to_string(), format!("{name} (FIFO)"));
                Op::Mkfifo {
                    name,
                    path: path.display().to_string(),
                }
            }
            Step::Open { object: o, end } => {
                let name = object(o);
                Op::Open {
                    path: names::fifo_path(&self.twins.dir, &name)
                        .display()
                        .to_string(),
                    name,
                    write: *end == End::Write,
                }
            }
            Step::Shm { object: o, slots } => {
                let name = object(o);
                let shm = names::shm_name(self.twins.me.as_raw(), &name);
                if !self.twins.shm.contains(&shm) {
                    self.twins.shm.push(shm.clone());
                }
                self.labels.insert(
                    names::shm_file(&shm).display().to_string(),
                    format!("{name} (shared ring)"),
                );
                Op::Shm {
                    name,
                    shm,
                    slots: *slots,
                }
            }
            Step::Produce { object: o, item } => Op::Produce {
                name: object(o),
                item: item.to_string(),
            },
            Step::Consume { object: o } => Op::Consume { name: object(o) },
            Step::Fork { .. } | Step::Exit { .. } => return Err("handled apart".into()),
            Step::Cpu { .. } | Step::Io { .. } | Step::Sleep { .. } => {
                return Err("simulated only".into());
            }
            Step::Mailbox { .. }
            | Step::Send { .. }
            | Step::Receive { .. }
            | Step::Destroy { .. } => {
                return Err("simulated only".into());
            }
        })
    }
}

/// The call's kind, as the JSON output names it.
pub(super) fn kind(step: &Step) -> &'static str {
    match step {
        Step::Cpu { .. } => "cpu",
        Step::Io { .. } => "io",
        Step::Sleep { .. } => "sleep",
        Step::Exit { .. } => "exit",
        Step::Fork { .. } => "fork",
        Step::Exec { .. } => "exec",
        Step::Wait { .. } => "wait",
        Step::Kill { .. } => "kill",
        Step::Pipe { .. } => "pipe",
        Step::Write { .. } => "write",
        Step::Read { .. } => "read",
        Step::Close { .. } => "close",
        Step::Redirect { .. } => "redirect",
        Step::Mkfifo { .. } => "mkfifo",
        Step::Open { .. } => "open",
        Step::Shm { .. } => "shm",
        Step::Produce { .. } => "produce",
        Step::Consume { .. } => "consume",
        Step::Mailbox { .. } => "mailbox",
        Step::Send { wait: true, .. } => "send",
        Step::Send { wait: false, .. } => "try-send",
        Step::Receive { wait: true, .. } => "receive",
        Step::Receive { wait: false, .. } => "try-receive",
        Step::Destroy { .. } => "destroy",
    }
}
