//! What each side looks like after a step: the simulated processes from the kernel, the twins
//! from `/proc`, and every pipe, FIFO and ring on both sides.

#![forbid(unsafe_code)]

use super::driver::Lab;
use super::names;
use super::observe;
use super::ops;
use super::protocol::Op;
use super::record::{HELPER_NAME, ObjectView, RealProcess, SimProcess};
use super::twins::Fate;
use crate::kernel::ipc::{Object, ObjectKind};
use crate::kernel::message::Link;
use crate::kernel::{Names, Pid};
use std::collections::HashMap;

impl Lab {
    pub(super) fn sim_view(&self) -> Vec<SimProcess> {
        let mut out: Vec<SimProcess> = self
            .kernel
            .processes()
            .map(|p| SimProcess {
                name: p.name.to_string(),
                pid: p.pid.0,
                ppid: p.parent.0,
                state: p.state.name().to_string(),
                waits_for: p.state.waiting_on().map(|w| w.describe(&self.names)),
                command: p.command.to_string(),
            })
            .collect();
        out.sort_by_key(|p| p.pid);
        out
    }

    pub(super) fn real_view(&self) -> Vec<RealProcess> {
        let me = self.twins.me.as_raw();
        let parent_of = |ppid: i32| {
            if ppid == me {
                return HELPER_NAME.to_string();
            }
            self.twins
                .all
                .iter()
                .find(|t| t.pid.as_raw() == ppid && t.fate != Fate::Reaped)
                .map_or_else(|| format!("pid {ppid}"), |t| t.name.clone())
        };
        let label = |target: &str| self.labels.get(target).cloned();
        self.twins
            .all
            .iter()
            .map(|t| {
                if t.fate == Fate::Reaped {
                    observe::gone(&t.name, t.pid.as_raw())
                } else {
                    observe::process(&t.name, t.pid.as_raw(), &parent_of, &label)
                }
            })
            .collect()
    }

    /// The simulated parent of each process as the name the real side should show.
    pub(super) fn expected_parents(&self, sim: &[SimProcess]) -> HashMap<String, String> {
        sim.iter()
            .map(|p| {
                let parent = if p.ppid == Pid::INIT.0 {
                    HELPER_NAME.to_string()
                } else {
                    self.names.process(Pid(p.ppid))
                };
                (p.name.clone(), parent)
            })
            .collect()
    }

    pub(super) fn objects_view(&self) -> Vec<ObjectView> {
        let opening = self
            .twins
            .all
            .iter()
            .any(|t| matches!(t.pending, Some(Op::Open { .. })));
        self.scenario
            .objects
            .iter()
            .zip(self.kernel.objects())
            .map(|(spec, object)| {
                let name = spec.name.to_string();
                let kind = match spec.kind {
                    ObjectKind::Pipe => "pipe",
                    ObjectKind::Fifo => "fifo",
                    ObjectKind::Ring => "ring",
                    ObjectKind::Mailbox => "mailbox",
                    ObjectKind::Link => "link",
                    ObjectKind::TcpSocket => "tcp-socket",
                    ObjectKind::UdpSocket => "udp-socket",
                    ObjectKind::UnixSocket => "unix-socket",
                    ObjectKind::RpcPort => "rpc-port",
                    ObjectKind::Win(k) => k.word(),
                };
                let (sim, sim_count) = match object {
                    Object::Absent => (None, None),
                    Object::Channel(c) => {
                        let waiting: Vec<u8> = c.data.iter().copied().collect();
                        (
                            Some(format!(
                                "{} bytes waiting {:?}; {} reader(s), {} writer(s)",
                                waiting.len(),
                                String::from_utf8_lossy(&waiting),
                                c.readers,
                                c.writers
                            )),
                            Some(waiting.len() as u64),
                        )
                    }
                    Object::Ring(m) => self.sim_ring(m),
                    Object::Mailbox(m) => (
                        Some(m.describe(&self.names)),
                        Some(m.queue.messages.len() as u64),
                    ),
                    Object::Link(l) => (Some(l.describe(&self.names)), Some(l.len() as u64)),
                    Object::Socket(s) => (Some(s.describe()), None),
                    Object::RpcPort(p) => (Some(p.describe()), None),
                    Object::Win(w) => (Some(w.describe()), Some(w.waiting())),
                };
                let (real, real_count) = match spec.kind {
                    ObjectKind::Ring => self.real_ring(&name),
                    // A mailbox with no POSIX counterpart: say so, rather than leave it blank.
                    ObjectKind::Mailbox
                        if let Object::Mailbox(m) = object
                            && let Err(why) = ops::real_capacity(m.queue.capacity) =>
                    {
                        (Some(why), None)
                    }
                    ObjectKind::Mailbox => {
                        real_queue(&names::mq_name(self.twins.me.as_raw(), &name))
                    }
                    ObjectKind::Link => match object {
                        Object::Link(l) => self.real_link(l),
                        _ => (None, None),
                    },
                    ObjectKind::TcpSocket | ObjectKind::UdpSocket | ObjectKind::UnixSocket => {
                        match (self.real_sockets(&name, spec.kind), object) {
                            (Some(text), _) => (Some(text), None),
                            // Say why there is nothing to show rather than leave it blank.
                            (None, Object::Socket(_)) => {
                                (Some("no real socket of this name is open".into()), None)
                            }
                            (None, _) => (None, None),
                        }
                    }
                    ObjectKind::RpcPort => (
                        Some(
                            "modelled only: RPC is a protocol of libraries, with no system call"
                                .into(),
                        ),
                        None,
                    ),
                    // Modelled only: Linux has nothing of the Windows family to look at.
                    ObjectKind::Win(_) => (
                        Some("modelled only (Windows NT): Linux has no such object".into()),
                        None,
                    ),
                    // Opening a FIFO to measure it could complete someone's open: not then.
                    ObjectKind::Fifo if opening => (None, None),
                    _ => match self.real_bytes(&name) {
                        Some(n) => (Some(format!("{n} bytes waiting")), Some(n)),
                        None => (None, None),
                    },
                };
                ObjectView {
                    name,
                    kind: kind.into(),
                    sim,
                    real,
                    sim_count,
                    real_count,
                }
            })
            .collect()
    }

    /// The two real queues of a link, one per direction: the text and their messages.
    fn real_link(&self, link: &Link) -> (Option<String>, Option<u64>) {
        let me = self.twins.me.as_raw();
        let [a, b] = link.ends.map(|e| self.names.spec(e));
        let directions = [(&a, &b), (&b, &a)].map(|(from, to)| {
            let (text, n) = real_queue(&names::link_mq_name(me, from, to));
            let text = text.unwrap_or_else(|| "not made".into());
            (format!("{from}→{to}: {text}"), n)
        });
        let count = directions.iter().filter_map(|d| d.1).reduce(|x, y| x + y);
        let text = directions.map(|d| d.0).join("; ");
        (count.is_some().then_some(text), count)
    }

    /// The real sockets behind the scenario's socket `name`, each with the state
    /// `/proc/net` gives it: `listening tcp: Listen (1 waiting); accepted connection: …`.
    fn real_sockets(&self, name: &str, kind: ObjectKind) -> Option<String> {
        let mine: Vec<(u64, &str)> = self
            .labels
            .iter()
            .filter_map(|(target, label)| {
                let inode = target.strip_prefix("socket:[")?.strip_suffix(']')?;
                let what = label
                    .strip_prefix(name)?
                    .strip_prefix(" (")?
                    .strip_suffix(')')?;
                Some((inode.parse().ok()?, what))
            })
            .collect();
        let inodes: Vec<u64> = mine.iter().map(|m| m.0).collect();
        let mut found = observe::sockets(&inodes);
        found.sort_by_key(|f| f.0);
        let parts: Vec<String> = found
            .iter()
            .map(|(inode, state, queued)| {
                let what = mine.iter().find(|m| m.0 == *inode).map_or("", |m| m.1);
                match (what.starts_with("listening tcp"), queued) {
                    (true, n) => format!("{what}: {state}, {n} waiting to be accepted"),
                    (false, 0) => format!("{what}: {state}"),
                    // A UDP queue is counted in buffer memory, headers and bookkeeping included.
                    (false, n) if kind == ObjectKind::UdpSocket => {
                        format!("{what}: {state}, {n} bytes of receive buffer in use")
                    }
                    (false, 1) => format!("{what}: {state}, 1 byte queued"),
                    (false, n) => format!("{what}: {state}, {n} bytes queued"),
                }
            })
            .collect();
        (!parts.is_empty()).then(|| parts.join("; "))
    }

    /// Bytes waiting in the pipe or FIFO `name`, through any twin that holds it open.
    pub(super) fn real_bytes(&self, name: &str) -> Option<u64> {
        let targets: Vec<&String> = self
            .labels
            .iter()
            .filter(|(_, v)| *v == name || v.strip_suffix(" (FIFO)") == Some(name))
            .map(|(k, _)| k)
            .collect();
        for twin in self.twins.all.iter().filter(|t| t.fate == Fate::Alive) {
            let Ok(p) = procfs::process::Process::new(twin.pid.as_raw()) else {
                continue;
            };
            let Ok(fds) = p.fd() else { continue };
            for fd in fds.flatten() {
                let target = match &fd.target {
                    procfs::process::FDTarget::Pipe(i) => format!("pipe:[{i}]"),
                    procfs::process::FDTarget::Path(p) => p.display().to_string(),
                    _ => continue,
                };
                if targets.contains(&&target) {
                    return observe::bytes_waiting(twin.pid.as_raw(), fd.fd);
                }
            }
        }
        None
    }
}

/// A POSIX message queue's attributes, read through a descriptor of the helper's own (opened
/// without blocking and for reading only, so it disturbs nobody): the text and the count.
fn real_queue(mq: &str) -> (Option<String>, Option<u64>) {
    use nix::mqueue::{MQ_OFlag, mq_close, mq_getattr, mq_open};
    let flags = MQ_OFlag::O_RDONLY | MQ_OFlag::O_NONBLOCK;
    let Ok(q) = mq_open(mq, flags, nix::sys::stat::Mode::empty(), None) else {
        return (None, None);
    };
    let attr = mq_getattr(&q);
    let _ = mq_close(q);
    match attr {
        Ok(a) => (
            Some(format!(
                "mq_curmsgs = {}, mq_maxmsg = {}",
                a.curmsgs(),
                a.maxmsg()
            )),
            Some(a.curmsgs() as u64),
        ),
        Err(_) => (None, None),
    }
}
