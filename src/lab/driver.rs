//! The lockstep: the simulated kernel runs one step, and every system call it reports is made
//! for real by the twin of the process that made it; deaths are awaited and reaped the way the
//! model says; then both sides are observed and compared. Runs inside the helper.

#![forbid(unsafe_code)]

use super::call_lines::{execed_note, mismatch, note, record, sim_text, waits_on_execed};
use super::compare::{self, Findings};
use super::error::LabError;
use super::observe;
use super::protocol::Op;
use super::record::{CallRecord, Finding, HELPER_NAME, Outcome, StepRecord, Summary};
use super::twins::{Fate, Settled, Twins};
use crate::kernel::event::{Event, Transition};
use crate::kernel::ids::Pid;
use crate::kernel::narration::result_text;
use crate::kernel::program::ExitStatus;
use crate::kernel::syscalls::Call;
use crate::kernel::{Kernel, Names, Reason, State, Step};
use crate::report::names::NameBook;
use crate::report::text::event_line;
use crate::scenario::Scenario;
use std::collections::{HashMap, HashSet};

/// A scenario run in lockstep with its twins.
pub struct Lab {
    pub(super) scenario: Scenario,
    pub(super) kernel: Kernel,
    pub(super) names: NameBook,
    pub(super) twins: Twins,
    step: u64,
    steps: u64,
    /// Blocked calls of the model, by simulated pid: the step and its text.
    pending: HashMap<Pid, (Step, String)>,
    /// Blocked calls the model made without a real counterpart.
    modelled: HashSet<Pid>,
    /// Forked processes that die with their parent (cascade, inherited), by name.
    cascade_line: HashSet<String>,
    /// Pipe inodes (`pipe:[N]`) and FIFO paths, with the scenario's name.
    pub(super) labels: HashMap<String, String>,
    /// The port on 127.0.0.1 each TCP or UDP socket got when it was bound.
    pub(super) ports: HashMap<u32, u16>,
    findings: Findings,
    /// The real shmid of each System V ring's newest segment.
    pub(super) shmids: HashMap<u32, i32>,
}

/// Where the records of this step go while it runs.
#[derive(Default)]
struct Build {
    calls: Vec<CallRecord>,
    findings: Vec<Finding>,
}

impl Lab {
    /// A lab for `scenario`, with its twins still to be made.
    pub fn new(scenario: Scenario, twins: Twins) -> Lab {
        let mut counter = scenario.kernel();
        counter.run(&mut crate::kernel::event::Discard);
        let steps = counter.steps();
        let kernel = scenario.kernel().keep_terminated(true);
        let names = NameBook::new(&scenario);
        Lab {
            scenario,
            kernel,
            names,
            twins,
            step: 0,
            steps,
            pending: HashMap::new(),
            modelled: HashSet::new(),
            cascade_line: HashSet::new(),
            labels: HashMap::new(),
            ports: HashMap::new(),
            findings: Findings::default(),
            shmids: HashMap::new(),
        }
    }

    /// Steps in the whole run.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The twins, for tearing down.
    pub fn twins_mut(&mut self) -> &mut Twins {
        &mut self.twins
    }

    /// Runs one step on both sides; `None` once the run is over.
    pub fn step(&mut self) -> Result<Option<StepRecord>, LabError> {
        let mut events = Vec::new();
        let Some(time) = self.kernel.step(&mut events) else {
            return Ok(None);
        };
        self.step += 1;
        for e in &events {
            self.names.learn(e);
        }
        let mut build = Build::default();
        for e in &events {
            self.twins.check_signals()?;
            self.apply(e, &mut build)?;
        }
        self.twins.settle()?;
        let sim = self.sim_view();
        let real = self.real_view();
        // An answer that came while /proc was read belongs to what was seen.
        self.twins.gather_early()?;
        let objects = self.objects_view();
        let execed: HashSet<String> = self
            .twins
            .all
            .iter()
            .filter(|t| t.execed)
            .map(|t| t.name.clone())
            .collect();
        // A wait may return for real while the model still blocks it: the real program the child
        // exec'd ends in milliseconds. Any other early return stays a disagreement.
        let any_execed = !execed.is_empty();
        let returned_early: HashSet<String> = self
            .twins
            .all
            .iter()
            .filter(|t| t.early.is_some() && any_execed)
            .filter(|t| {
                sim.iter().any(|p| {
                    p.name == t.name
                        && p.waits_for
                            .as_deref()
                            .is_some_and(|w| w.starts_with("child"))
                })
            })
            .map(|t| t.name.clone())
            .collect();
        // Blocked only in the model: the twin idles, as for a cpu step; that was told.
        let returned_early: HashSet<String> = returned_early
            .into_iter()
            .chain(self.modelled.iter().map(|&p| self.names.process(p)))
            .collect();
        let mut programs: Vec<String> = self
            .kernel
            .processes()
            .filter(|p| execed.contains(&*p.name))
            .map(|p| p.command.to_string())
            .collect();
        programs.dedup();
        let parents = self.expected_parents(&sim);
        let mut findings = build.findings;
        findings.extend(compare::processes(
            time,
            &sim,
            &real,
            &execed,
            &returned_early,
            &parents,
            self.twins.me.as_raw(),
        ));
        findings.extend(compare::objects(time, &objects, &programs));
        findings.extend(self.segment_findings(time));
        let findings = self.findings.add(findings);
        let lines = events
            .iter()
            .filter(|e| !matches!(e, Event::Call(_) | Event::CallDone { .. }))
            .filter_map(|e| event_line(e, &self.names))
            .map(|l| l.trim_end().to_string())
            .collect();
        Ok(Some(StepRecord {
            step: self.step,
            steps: self.steps,
            time,
            events: lines,
            calls: build.calls,
            sim,
            real,
            objects,
            output: self.twins.new_output(),
            findings,
        }))
    }

    /// The comparison of the whole run.
    pub fn summary(&self) -> Summary {
        let (mismatches, mut notes) = self.findings.split();
        notes.extend(self.leftover_notes());
        Summary {
            steps: self.step,
            agree: mismatches.is_empty(),
            mismatches,
            notes,
            processes: self.twins.all.len() as u32,
            helper_pid: self.twins.me.as_raw(),
        }
    }

    fn apply(&mut self, event: &Event, b: &mut Build) -> Result<(), LabError> {
        match event {
            Event::Created { name, parent, .. } if *parent == Pid::INIT => {
                self.twins.spawn(name)?;
                Ok(())
            }
            Event::Call(call) => self.call(call, b),
            Event::CallDone { pid, result, .. } => {
                let who = self.names.process(*pid);
                let (step, text) = self
                    .pending
                    .remove(pid)
                    .unwrap_or((Step::Sleep { ticks: 0 }, String::new()));
                let mut sim = format!("… returns {}", result_text(result));
                if matches!(step, Step::Wait { .. }) && result.errno.is_none() {
                    sim.push_str(&format!(
                        " ({})",
                        self.names.process(Pid(result.ret as u32))
                    ));
                }
                let mut rec = record(&step, &who, text, sim);
                if self.modelled.remove(pid) {
                    rec.note = Some("modelled only".into());
                } else if self.twins.get(&who).is_none() {
                    // Made by a call the lab does not make (CreateProcess): nothing to collect.
                    rec.note = Some("no real twin".into());
                } else if self.twins.get(&who).is_some_and(|t| t.execed) {
                    rec.note = Some(execed_note(&who));
                } else {
                    let outcome = self.twins.collect(&who)?;
                    rec.real = Some(format!("… returns {}", self.real_text(&step, &outcome)));
                    rec.outcome = Some(outcome.clone());
                    self.judge(&mut rec, &step, result, &outcome, b);
                    self.after_real(&step, &outcome, &who);
                }
                b.calls.push(rec);
                Ok(())
            }
            Event::Transition(t) => self.transition(t, b),
            _ => Ok(()),
        }
    }

    fn call(&mut self, call: &Call, b: &mut Build) -> Result<(), LabError> {
        let who = self.names.process(call.pid);
        let text = call.call_text(&self.names);
        let sim = match &call.result {
            Some(r) => sim_text(call, r, &self.names),
            None => "… blocks".into(),
        };
        let mut rec = record(&call.step, &who, text.clone(), sim);
        if call.result.is_none() {
            self.pending.insert(call.pid, (call.step.clone(), text));
        }
        let Some(twin) = self.twins.get(&who) else {
            rec.note = Some("no real twin".into());
            b.calls.push(rec);
            return Ok(());
        };
        if twin.execed {
            rec.note = Some(execed_note(&who));
            b.calls.push(rec);
            return Ok(());
        }
        if matches!(call.step, Step::Exit { .. }) {
            // Made for real when the model's transition says the process has exited.
            rec.note = Some("made for real below, when the process ends".into());
            b.calls.push(rec);
            return Ok(());
        }
        if let Step::Fork { .. } = call.step {
            let child = call.peer.map(|p| self.names.process(p)).unwrap_or_default();
            // The child dies with its parent if the parent has `cascade` or itself dies with an
            // ancestor that has it; then so will the child's own children.
            let dies = self.cascade_line.contains(&who)
                || self.kernel.process(call.pid).is_some_and(|p| p.cascade);
            if dies {
                self.cascade_line.insert(child.clone());
            }
            let outcome = self.twins.fork(&who, &child, dies)?;
            rec.real = Some(self.real_text(&call.step, &outcome));
            rec.outcome = Some(outcome.clone());
            if let Some(result) = &call.result {
                self.judge(&mut rec, &call.step, result, &outcome, b);
            }
            if dies && outcome.errno.is_none() {
                b.findings.push(note(
                    call.time,
                    &child,
                    "Linux has no cascading termination: the lab emulates it with PR_SET_PDEATHSIG, \
                     so the kernel sends SIGKILL to this process when its parent dies",
                ));
            }
            b.calls.push(rec);
            return Ok(());
        }
        let op = match self.op_for(&call.step, call.time) {
            Ok(op) => op,
            Err(why) => {
                if call.result.is_none() {
                    // Blocked in the model only: its return is not collected from the twin, and
                    // meanwhile the twin idles as it does for a cpu step.
                    self.modelled.insert(call.pid);
                }
                if why.starts_with("modelled only") {
                    let mut finding = note(call.time, &who, &why);
                    finding.process = None;
                    b.findings.push(finding);
                }
                rec.note = Some(why);
                b.calls.push(rec);
                return Ok(());
            }
        };
        if let Op::Exec { .. } = op {
            match self.twins.exec(&who, op)? {
                None => {
                    let command = match &call.step {
                        Step::Exec { command, .. } => command.to_string(),
                        _ => String::new(),
                    };
                    rec.real = Some(format!("no return, now runs {command}"));
                    rec.outcome = Some(Outcome::default());
                    rec.agree = Some(call.result.as_ref().is_some_and(|r| r.errno.is_none()));
                    if rec.agree == Some(false) {
                        b.findings.push(mismatch(
                            call.time,
                            &who,
                            "exec failed in the model but worked for real",
                        ));
                    }
                }
                Some(outcome) => {
                    rec.real = Some(self.real_text(&call.step, &outcome));
                    rec.outcome = Some(outcome.clone());
                    if let Some(result) = &call.result {
                        self.judge(&mut rec, &call.step, result, &outcome, b);
                    }
                }
            }
            b.calls.push(rec);
            return Ok(());
        }
        match self.twins.perform(&who, op)? {
            Settled::Returned(outcome) => {
                rec.real = Some(self.real_text(&call.step, &outcome));
                rec.outcome = Some(outcome.clone());
                match &call.result {
                    Some(result) => self.judge(&mut rec, &call.step, result, &outcome, b),
                    None => {
                        // The model blocks, the real call returned: keep the answer for when the
                        // model's call returns.
                        let early = waits_on_execed(&call.step, &self.twins);
                        rec.agree = Some(early);
                        let text = format!(
                            "{} returned at once for real but blocks in the model",
                            rec.call
                        );
                        b.findings.push(if early {
                            note(
                                call.time,
                                &who,
                                "wait returned at once for real: the real program the child \
                                 exec'd ended in milliseconds, while the model's image of it \
                                 takes simulated ticks",
                            )
                        } else {
                            mismatch(call.time, &who, &text)
                        });
                        self.twins.keep_early(&who, outcome.clone());
                    }
                }
                self.after_real(&call.step, &outcome, &who);
            }
            Settled::Blocked(wchan) => {
                rec.real = Some(format!("… blocks in {wchan}"));
                rec.blocked_in = Some(wchan.clone());
                rec.agree = Some(call.result.is_none());
                if call.result.is_some() {
                    b.findings.push(mismatch(
                        call.time,
                        &who,
                        &format!(
                            "{} blocked for real (in {wchan}) but returned in the model",
                            rec.call
                        ),
                    ));
                }
            }
        }
        b.calls.push(rec);
        Ok(())
    }

    /// Learns from a real result: pipe inodes, pids reaped by a twin.
    fn after_real(&mut self, step: &Step, outcome: &Outcome, who: &str) {
        match step {
            Step::Pipe { object } => {
                if let Some(inode) = outcome.inode {
                    self.labels
                        .insert(format!("pipe:[{inode}]"), self.names.object(*object));
                }
            }
            Step::Listen { object, .. }
            | Step::Accept { object }
            | Step::Connect { object, .. } => {
                self.socket_made(step, *object, outcome, who);
            }
            Step::Wait { .. } => {
                if let Some(pid) = outcome.pid
                    && outcome.errno.is_none()
                {
                    self.twins.reaped_by_parent(pid);
                }
            }
            Step::Shm { .. } => self.shm_made(step, outcome),
            _ => {}
        }
    }

    fn judge(
        &self,
        rec: &mut CallRecord,
        step: &Step,
        sim: &crate::kernel::syscalls::CallResult,
        real: &Outcome,
        b: &mut Build,
    ) {
        let real_name = |pid: i32| {
            self.twins
                .all
                .iter()
                .find(|t| t.pid.as_raw() == pid)
                .map(|t| t.name.clone())
        };
        let sim_peer = match step {
            Step::Wait { .. } if sim.errno.is_none() => {
                Some(self.names.process(Pid(sim.ret.max(0) as u32)))
            }
            _ => None,
        };
        match compare::call(step, sim, real, &real_name, sim_peer.as_deref()) {
            None => rec.agree = Some(true),
            Some(text) => {
                rec.agree = Some(false);
                b.findings.push(mismatch(
                    self.kernel.now(),
                    &rec.process,
                    &format!("{}: {text}", rec.call),
                ));
            }
        }
    }

    fn transition(&mut self, t: &Transition, b: &mut Build) -> Result<(), LabError> {
        let name = self.names.process(t.pid);
        let Some(twin) = self.twins.get(&name) else {
            return Ok(());
        };
        let (execed, fate) = (twin.execed, twin.fate);
        let status = match &t.reason {
            Reason::Exited { status, .. } => {
                if execed {
                    self.twins
                        .await_death(&name, "end (the model's image of its program has ended)")?;
                } else {
                    let code = match status {
                        ExitStatus::Code(c) => *c,
                        ExitStatus::Signaled(s) => 128 + i32::from(s.0),
                    };
                    self.twins.exit(&name, code)?;
                }
                *status
            }
            Reason::Killed { signal, .. } => {
                self.twins.await_death(&name, "die of the signal")?;
                ExitStatus::Signaled(*signal)
            }
            Reason::Cascade { .. } => {
                self.twins
                    .await_death(&name, "die with its ancestor (PR_SET_PDEATHSIG)")?;
                ExitStatus::Signaled(crate::kernel::program::Signal::KILL)
            }
            Reason::Reaped { by } if *by == Pid::INIT && fate != Fate::Reaped => {
                let status = self
                    .kernel
                    .process(t.pid)
                    .and_then(|p| p.exit_status)
                    .unwrap_or(ExitStatus::Code(0));
                self.reap_by_init(&name, status, b)?;
                return Ok(());
            }
            _ => return Ok(()),
        };
        if t.to == State::Terminated {
            self.reap_by_init(&name, status, b)?;
        } else if let Some(rec) = b
            .calls
            .iter_mut()
            .rev()
            .find(|c| c.process == name && c.call.starts_with("_exit"))
        {
            // A parent already blocked in wait reaps it at once, on both sides: /proc may show
            // the zombie or nothing, by a race that says nothing about the model.
            let reaped_in_step = self
                .kernel
                .process(t.pid)
                .is_none_or(|p| p.state == State::Terminated);
            rec.real = Some(if reaped_in_step {
                "exited; its parent, waiting for it, reaps it".into()
            } else {
                format!("exited; now {}", self.state_word(&name))
            });
            rec.note = None;
            rec.agree = Some(true);
        }
        Ok(())
    }

    /// The helper reaps `name` where the model's init does, and compares the status.
    fn reap_by_init(&mut self, name: &str, sim: ExitStatus, b: &mut Build) -> Result<(), LabError> {
        let real = self.twins.reap(name)?;
        let same = compare::same_status(&sim, &real);
        let rec = CallRecord {
            kind: "reap".into(),
            outcome: Some(Outcome {
                status: Some(real.clone()),
                ..Outcome::default()
            }),
            blocked_in: None,
            process: "init".into(),
            call: format!("reaps {name}"),
            sim: format!("{name} {}", sim.ending()),
            real: Some(format!(
                "{HELPER_NAME} reaps it: {}",
                compare::status_text(&real)
            )),
            note: None,
            agree: Some(same),
        };
        if !same {
            b.findings.push(mismatch(
                self.kernel.now(),
                name,
                &format!(
                    "exit status: model {}, real {}",
                    sim,
                    compare::status_text(&real)
                ),
            ));
        }
        // Replace the "exit" line's placeholder, if this step has one.
        if let Some(exit) = b
            .calls
            .iter_mut()
            .rev()
            .find(|c| c.process == name && c.call.starts_with("_exit") && c.real.is_none())
        {
            exit.real = Some("exited".into());
            exit.note = None;
            exit.agree = Some(true);
        }
        b.calls.push(rec);
        Ok(())
    }

    fn state_word(&self, name: &str) -> String {
        let pid = self.twins.get(name).map_or(0, |t| t.pid.as_raw());
        match observe::look(pid) {
            Some(l) => format!("{} ({})", l.state, super::record::meaning(l.state)),
            None => "gone (reaped by its parent)".into(),
        }
    }

    fn real_text(&self, step: &Step, outcome: &Outcome) -> String {
        let name = |pid: i32| {
            self.twins
                .all
                .iter()
                .find(|t| t.pid.as_raw() == pid)
                .map_or_else(|| format!("pid {pid}"), |t| t.name.clone())
        };
        compare::outcome_text(step, outcome, &name)
    }
}
