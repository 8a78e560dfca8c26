//! Comparing the two kernels: a call's results, each process's state and parent, each
//! object's contents. Pure functions of what was recorded. A difference is a *mismatch* when
//! the model should have matched Linux, and a *note* when it comes from how the lab works
//! (real pids, the helper standing in for init, real programs that run faster than the
//! model's images of them).

#![forbid(unsafe_code)]

use super::record::{
    Finding, FindingKind, ObjectView, Outcome, RealProcess, RealStatus, SimProcess,
};
use crate::kernel::program::{ExitStatus, Step};
use crate::kernel::syscalls::CallResult;
use std::collections::{HashMap, HashSet};

/// The wchan of a twin asleep waiting for its next instruction.
const IDLE: &str = "unix_stream";

/// The findings of a run: every mismatch, and each note once.
#[derive(Debug, Default)]
pub struct Findings {
    all: Vec<Finding>,
    seen: HashSet<(FindingKind, Option<String>, String)>,
}

impl Findings {
    /// Adds a step's findings; returns those not already told (notes are told once).
    pub fn add(&mut self, found: Vec<Finding>) -> Vec<Finding> {
        let mut fresh = Vec::new();
        for f in found {
            let key = (f.kind, f.process.clone(), f.text.clone());
            if self.seen.insert(key) {
                self.all.push(f.clone());
                fresh.push(f);
            }
        }
        fresh
    }

    /// Mismatches and notes.
    pub fn split(&self) -> (Vec<Finding>, Vec<Finding>) {
        self.all
            .iter()
            .cloned()
            .partition(|f| f.kind == FindingKind::Mismatch)
    }
}

/// A real exit status in words.
pub fn status_text(status: &RealStatus) -> String {
    match status {
        RealStatus::Exited(c) => format!("exited with status {c}"),
        RealStatus::Signaled(s) => format!("killed by {s}"),
    }
}

/// Whether a model status and a real one say the same.
pub fn same_status(sim: &ExitStatus, real: &RealStatus) -> bool {
    match (sim, real) {
        (ExitStatus::Code(a), RealStatus::Exited(b)) => a == b,
        (ExitStatus::Signaled(s), RealStatus::Signaled(r)) => s.name() == *r,
        _ => false,
    }
}

/// A real result in the words the model's results use: `= 5 "hello"`, `= -1 EPIPE`.
pub fn outcome_text(step: &Step, outcome: &Outcome, name_of: &dyn Fn(i32) -> String) -> String {
    let mut text = match &outcome.errno {
        Some(e) => format!("= -1 {e}"),
        None => format!("= {}", outcome.ret),
    };
    if let Some(data) = &outcome.data {
        if data.starts_with('[') {
            text = format!("= {data}");
        } else {
            text.push_str(&format!(" {data:?}"));
        }
    }
    if let Some(status) = &outcome.status {
        text.push_str(&format!(", {}", status_text(status)));
    }
    if let (Step::Fork { .. } | Step::Wait { .. }, Some(pid)) = (step, outcome.pid) {
        text.push_str(&format!(" ({})", name_of(pid)));
    }
    text
}

/// What differs between a call's result in the model and for real, or `None` if they agree.
/// Pids are compared by the process they name.
pub fn call(
    step: &Step,
    sim: &CallResult,
    real: &Outcome,
    real_name: &dyn Fn(i32) -> Option<String>,
    sim_peer: Option<&str>,
) -> Option<String> {
    let sim_errno = sim.errno.map(|e| e.name().to_string());
    if sim_errno != real.errno {
        let say = |e: &Option<String>| match e {
            Some(e) => format!("fails with {e}"),
            None => "succeeds".to_string(),
        };
        return Some(format!(
            "the model {}, Linux {}",
            say(&sim_errno),
            say(&real.errno)
        ));
    }
    if sim.errno.is_some() {
        return None;
    }
    match step {
        Step::Fork { .. } => (real.ret <= 0).then(|| format!("fork returned {}", real.ret)),
        // A shmid is the kernel's own number: the model numbers its segments from 0.
        Step::Shm {
            flavour: crate::kernel::segment::Flavour::SystemV,
            ..
        } => None,
        Step::Exec { .. } => None,
        Step::Wait { .. } => {
            let real_child = real.pid.and_then(real_name);
            if real_child.as_deref() != sim_peer {
                return Some(format!(
                    "the model reaps {}, Linux reaps {}",
                    sim_peer.unwrap_or("nobody"),
                    real_child.unwrap_or_else(|| "another process".into())
                ));
            }
            match (&sim.status, &real.status) {
                (Some(s), Some(r)) if !same_status(s, r) => Some(format!(
                    "status: the model says {}, Linux {}",
                    s.ending(),
                    status_text(r)
                )),
                _ => None,
            }
        }
        Step::Read { .. }
        | Step::Consume { .. }
        | Step::Pipe { .. }
        | Step::Receive { .. }
        | Step::SocketRecv { .. } => {
            let (a, b) = (sim.data.as_deref(), real.data.as_deref());
            (a != b || sim.ret != real.ret).then(|| {
                format!(
                    "the model returns {} {:?}, Linux {} {:?}",
                    sim.ret,
                    a.unwrap_or(""),
                    real.ret,
                    b.unwrap_or("")
                )
            })
        }
        _ => (sim.ret != real.ret)
            .then(|| format!("the model returns {}, Linux {}", sim.ret, real.ret)),
    }
}

/// The wchan fragments that fit what the model says a process waits for (its first word).
fn fits(waits_for: &str, wchan: &str) -> Option<bool> {
    let kind = waits_for.split_whitespace().next().unwrap_or("");
    let expected: &[&str] = match kind {
        "child" => &["wait"],
        "read" => &["pipe_read", "pipe_wait", "read"],
        "write" => &["pipe_write", "pipe_wait", "write"],
        "open" => &["partner", "fifo", "open"],
        "ring" => &["futex"],
        "send" | "receive" => &["mq", "wq_sleep"],
        // TCP waits in inet_csk_accept, a Unix socket for a packet on its queue.
        "accept" => &["accept", "wait_woken", "wait_for_more_packets", "skb"],
        "recv" => &[
            "wait_woken",
            "wait_data",
            "wait_for_more_packets",
            "skb",
            "recv",
            "unix_stream_read",
        ],
        // Devices and sleeps exist only in the model.
        _ => return None,
    };
    Some(expected.iter().any(|e| wchan.contains(e)))
}

fn is_alive(state: &str) -> bool {
    !matches!(state, "zombie" | "terminated")
}

/// Compares every process: life and death, what it waits for, and its parent.
pub fn processes(
    time: u64,
    sim: &[SimProcess],
    real: &[RealProcess],
    execed: &HashSet<String>,
    returned_early: &HashSet<String>,
    parents: &HashMap<String, String>,
    helper: i32,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mismatch = |name: &str, text: String| Finding {
        time,
        kind: FindingKind::Mismatch,
        process: Some(name.to_string()),
        text,
    };
    let note = |name: &str, text: String| Finding {
        time,
        kind: FindingKind::Note,
        process: Some(name.to_string()),
        text,
    };
    for s in sim {
        let Some(r) = real.iter().find(|r| r.name == s.name) else {
            continue;
        };
        let ran_exec = execed.contains(&s.name);
        let real_alive = !matches!(r.state, 'Z' | 'X' | '-');
        match (s.state.as_str(), r.state) {
            ("zombie", 'Z') | ("terminated", '-') => {}
            (state, _) if is_alive(state) && !real_alive => {
                if ran_exec {
                    out.push(note(
                        &s.name,
                        format!(
                            "the real {} has already ended ({}) while the model's image of it \
                             still runs: a real program takes milliseconds, the model counts ticks",
                            s.command,
                            if r.state == '-' { "reaped" } else { "zombie" }
                        ),
                    ));
                } else {
                    out.push(mismatch(
                        &s.name,
                        format!("the model has it {state}, Linux {}", r.meaning),
                    ));
                }
            }
            (state, _) if is_alive(state) => {
                // A real program runs on its own; and a call that returned for real while the
                // model still blocks was told when it happened.
                if ran_exec || returned_early.contains(&s.name) {
                    continue;
                }
                // A recv on a Unix stream socket sleeps where an idle twin does; the helper
                // told the two apart (by descriptor) when the call was made.
                let unix_recv = s
                    .waits_for
                    .as_deref()
                    .is_some_and(|w| w.starts_with("recv "));
                let asleep_in_call = matches!(r.state, 'S' | 'D')
                    && !r.wchan.is_empty()
                    && (unix_recv || !r.wchan.contains(IDLE));
                match s
                    .waits_for
                    .as_deref()
                    .and_then(|w| fits(w, &r.wchan).map(|f| (w, f)))
                {
                    Some((w, fit)) if !asleep_in_call || !fit => {
                        out.push(mismatch(
                            &s.name,
                            format!(
                                "the model has it waiting ({w}), Linux has it {} in {}",
                                r.meaning,
                                if r.wchan.is_empty() {
                                    "no kernel wait"
                                } else {
                                    &r.wchan
                                }
                            ),
                        ));
                    }
                    Some(_) => {}
                    None if !asleep_in_call && (s.waits_for.is_some() || state == "running") => {
                        out.push(Finding {
                            process: None,
                            ..note(
                                &s.name,
                                "cpu, io and sleep steps exist only in the model: meanwhile the \
                                 twin sleeps reading its connection to the helper, waiting for its \
                                 next instruction (state S, wchan unix_stream_read_generic)"
                                    .into(),
                            )
                        });
                    }
                    None if asleep_in_call => out.push(mismatch(
                        &s.name,
                        format!(
                            "Linux has it blocked in {} but the model has it {state}",
                            r.wchan
                        ),
                    )),
                    None => {}
                }
            }
            (state, _) => out.push(mismatch(
                &s.name,
                format!("the model has it {state}, Linux {}", r.meaning),
            )),
        }
        // Parents, while the real process still has one.
        if r.state != '-'
            && let Some(expected) = parents.get(&s.name)
        {
            if r.ppid == helper && expected == super::record::HELPER_NAME {
                if s.ppid == 1 && r.ppid == helper && s.state != "new" {
                    out.push(note(
                        &s.name,
                        "its parent is init (pid 1) in the model and proclab's helper for real: \
                         the helper is a child subreaper (PR_SET_CHILD_SUBREAPER), so it adopts \
                         orphans and reaps top-level processes where a normal system's init \
                         (or the session's subreaper) would"
                            .into(),
                    ));
                }
            } else if &r.parent != expected {
                out.push(mismatch(
                    &s.name,
                    format!(
                        "its parent is {expected} in the model, {} for real",
                        r.parent
                    ),
                ));
            }
        }
    }
    out
}

/// Compares what each pipe, FIFO and ring holds. `programs` names the real programs run by
/// exec: they move real bytes that the model's images of them do not.
pub fn objects(time: u64, objects: &[ObjectView], programs: &[String]) -> Vec<Finding> {
    objects
        .iter()
        .filter_map(|o| match (o.sim_count, o.real_count) {
            (Some(a), Some(b)) if a != b && o.kind != "ring" && !programs.is_empty() => {
                Some(Finding {
                    time,
                    kind: FindingKind::Note,
                    process: None,
                    text: format!(
                        "{} {}: the real programs ({}) move real bytes through it, which the \
                         model's images of them do not, so the byte counts part ways",
                        o.kind,
                        o.name,
                        programs.join(", ")
                    ),
                })
            }
            (Some(a), Some(b)) if a != b => Some(Finding {
                time,
                kind: FindingKind::Mismatch,
                process: None,
                text: format!(
                    "{} {}: the model holds {a}, the real one {b}",
                    o.kind, o.name
                ),
            }),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::program::Signal;
    use crate::kernel::syscalls::Errno;

    fn outcome(ret: i64) -> Outcome {
        Outcome {
            ret,
            ..Outcome::default()
        }
    }

    #[test]
    fn errors_must_match() {
        let step = Step::Close {
            object: 0,
            end: None,
        };
        let none = |_: i32| None;
        assert_eq!(
            call(&step, &CallResult::ok(0), &outcome(0), &none, None),
            None
        );
        let epipe = Outcome {
            errno: Some("EBADF".into()),
            ..outcome(-1)
        };
        let said = call(&step, &CallResult::ok(0), &epipe, &none, None).unwrap();
        assert_eq!(said, "the model succeeds, Linux fails with EBADF");
        assert_eq!(
            call(&step, &CallResult::err(Errno::EBADF), &epipe, &none, None),
            None
        );
    }

    #[test]
    fn wait_compares_the_child_by_name_and_its_status() {
        let step = Step::Wait { child: None };
        let sim = CallResult {
            status: Some(ExitStatus::Code(3)),
            ..CallResult::ok(3)
        };
        let real = Outcome {
            pid: Some(4711),
            status: Some(RealStatus::Exited(3)),
            ..outcome(4711)
        };
        let kid = |pid: i32| (pid == 4711).then(|| "kid".to_string());
        assert_eq!(call(&step, &sim, &real, &kid, Some("kid")), None);
        let other = call(&step, &sim, &real, &kid, Some("other")).unwrap();
        assert!(
            other.contains("the model reaps other, Linux reaps kid"),
            "{other}"
        );
        let killed = Outcome {
            status: Some(RealStatus::Signaled("SIGKILL".into())),
            ..real
        };
        let said = call(&step, &sim, &killed, &kid, Some("kid")).unwrap();
        assert!(said.contains("killed by SIGKILL"), "{said}");
        assert!(same_status(
            &ExitStatus::Signaled(Signal::KILL),
            &RealStatus::Signaled("SIGKILL".into())
        ));
    }

    #[test]
    fn a_read_compares_the_bytes() {
        let step = Step::Read {
            from: crate::kernel::program::Channel::Object { object: 0 },
            max: 10,
        };
        let sim = CallResult::with_data(2, "hi");
        let real = Outcome {
            data: Some("ho".into()),
            ..outcome(2)
        };
        assert!(call(&step, &sim, &real, &|_| None, None).is_some());
    }

    fn sim(state: &str, waits_for: Option<&str>) -> SimProcess {
        SimProcess {
            name: "p".into(),
            pid: 2,
            ppid: 1,
            state: state.into(),
            waits_for: waits_for.map(Into::into),
            command: "p".into(),
        }
    }

    fn real(state: char, wchan: &str) -> RealProcess {
        RealProcess {
            name: "p".into(),
            pid: 100,
            ppid: 99,
            parent: "proclab (helper)".into(),
            state,
            meaning: super::super::record::meaning(state).into(),
            wchan: wchan.into(),
            comm: "proclab".into(),
            fds: Vec::new(),
            voluntary_switches: 0,
            involuntary_switches: 0,
        }
    }

    fn mismatches(s: SimProcess, r: RealProcess) -> usize {
        let parents = HashMap::from([("p".to_string(), "proclab (helper)".to_string())]);
        processes(
            0,
            &[s],
            &[r],
            &HashSet::new(),
            &HashSet::new(),
            &parents,
            99,
        )
        .iter()
        .filter(|f| f.kind == FindingKind::Mismatch)
        .count()
    }

    #[test]
    fn states_agree_with_proc() {
        assert_eq!(mismatches(sim("zombie", None), real('Z', "")), 0);
        assert_eq!(mismatches(sim("terminated", None), real('-', "")), 0);
        assert_eq!(
            mismatches(sim("running", None), real('S', "unix_stream_read_generic")),
            0
        );
        assert_eq!(
            mismatches(sim("waiting", Some("read p")), real('S', "anon_pipe_read")),
            0
        );
        assert_eq!(
            mismatches(sim("waiting", Some("child (any)")), real('S', "do_wait")),
            0
        );
        assert_eq!(
            mismatches(sim("waiting", Some("ring r")), real('S', "futex_do_wait")),
            0
        );
        assert_eq!(
            mismatches(
                sim("waiting", Some("device disk")),
                real('S', "unix_stream_read_generic")
            ),
            0
        );
        // Disagreements.
        assert_eq!(
            mismatches(sim("zombie", None), real('S', "unix_stream_read_generic")),
            1
        );
        assert_eq!(
            mismatches(sim("running", None), real('S', "anon_pipe_read")),
            1
        );
        assert_eq!(
            mismatches(
                sim("waiting", Some("read p")),
                real('S', "unix_stream_read_generic")
            ),
            1
        );
        assert_eq!(mismatches(sim("ready", None), real('Z', "")), 1);
    }
}
