//! A lab run as JSON lines: one object per step, in the shape scripts rely on —
//! `{"step", "time", "event": {"kind", "process", …}, "real_event": {"ok", "ret", "errno",
//! "data", …}, "sim": {NAME: {"pid", "ppid", "state"}}, "real": {NAME: {"pid", "ppid",
//! "state", "wchan", "comm"}}}` plus everything else the record holds — and a last line that is
//! the simulated report with `"real_check"`. Pure functions of the records.

#![forbid(unsafe_code)]

use super::record::{CallRecord, StepRecord, Summary};
use serde_json::{Map, Value, json};

/// A simulated state as the JSON names it: suspended states count as the state they suspend.
pub fn base_state(state: &str) -> &str {
    match state {
        "ready-suspended" => "ready",
        "waiting-suspended" => "waiting",
        other => other,
    }
}

fn event(call: &CallRecord) -> Value {
    json!({
        "kind": call.kind,
        "process": call.process,
        "call": call.call,
        "result": call.sim,
    })
}

fn real_event(call: &CallRecord) -> Value {
    let mut map = Map::new();
    match &call.outcome {
        Some(o) => {
            map.insert("ok".into(), (o.errno.is_none()).into());
            map.insert("ret".into(), o.ret.into());
            map.insert("errno".into(), json!(o.errno));
            map.insert("data".into(), json!(o.data));
            if let Some(status) = &o.status {
                map.insert("status".into(), json!(status));
            }
            if let Some(pid) = o.pid {
                map.insert("pid".into(), pid.into());
            }
        }
        None => {
            map.insert("ok".into(), Value::Null);
        }
    }
    if let Some(w) = &call.blocked_in {
        map.insert("blocked_in".into(), w.clone().into());
    }
    if let Some(n) = &call.note {
        map.insert("note".into(), n.clone().into());
    }
    map.insert("text".into(), json!(call.real));
    map.insert("agree".into(), json!(call.agree));
    Value::Object(map)
}

/// One step as a JSON object; `helper` is the pid of the twins' helper.
pub fn step(r: &StepRecord, helper: i32) -> Value {
    let sim: Map<String, Value> = r
        .sim
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                json!({
                    "pid": p.pid,
                    "ppid": p.ppid,
                    "state": base_state(&p.state),
                    "detail": p.state,
                    "waits_for": p.waits_for,
                    "command": p.command,
                }),
            )
        })
        .collect();
    let real: Map<String, Value> = r
        .real
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                json!({
                    "pid": p.pid,
                    "ppid": p.ppid,
                    "parent": p.parent,
                    "state": p.state.to_string(),
                    "meaning": p.meaning,
                    "wchan": p.wchan,
                    "comm": p.comm,
                    "fds": p.fds,
                    "voluntary_switches": p.voluntary_switches,
                    "involuntary_switches": p.involuntary_switches,
                }),
            )
        })
        .collect();
    let first = r.calls.first();
    let main_event = match first {
        Some(c) => event(c),
        None => json!({
            "kind": "schedule",
            "process": Value::Null,
            "text": r.events.first(),
        }),
    };
    json!({
        "type": "step",
        "step": r.step,
        "steps": r.steps,
        "time": r.time,
        "helper_pid": helper,
        "event": main_event,
        "real_event": first.map(real_event),
        "calls": r.calls.iter().map(|c| json!({"event": event(c), "real_event": real_event(c)})).collect::<Vec<_>>(),
        "events": r.events,
        "sim": sim,
        "real": real,
        "objects": r.objects,
        "output": r.output,
        "findings": r.findings,
    })
}

/// The last line: the simulated report (a JSON object) with the comparison under `real_check`.
pub fn report(mut report: Value, summary: &Summary) -> Value {
    let check = json!({
        "agree": summary.agree,
        "mismatches": summary.mismatches,
        "notes": summary.notes,
        "steps": summary.steps,
        "processes": summary.processes,
        "helper_pid": summary.helper_pid,
    });
    if let Some(map) = report.as_object_mut() {
        map.insert("type".into(), "report".into());
        map.insert("real_check".into(), check);
    }
    report
}
