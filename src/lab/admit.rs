//! What a scenario may do for real. A scenario file is untrusted input: `exec` runs only an
//! allow-list of programs (unless the user says otherwise), and a run makes at most
//! [`MAX_PROCESSES`] real processes.

#![forbid(unsafe_code)]

use crate::scenario::{Diagnostic, KNOWN_PROGRAMS, Scenario, Severity};

/// Most real processes one run may make.
pub const MAX_PROCESSES: u64 = 64;

/// Checks that `scenario` may run for real; the error points at the offending line.
pub fn admit(scenario: &Scenario, allow_exec: bool) -> Result<(), Box<Diagnostic>> {
    let error = |span, message: String, hint: &str| {
        Box::new(Diagnostic {
            severity: Severity::Error,
            path: scenario.path.clone(),
            text: scenario.text.clone(),
            span,
            message,
            hint: Some(hint.to_string()),
        })
    };
    if !allow_exec
        && let Some(site) = scenario
            .execs
            .iter()
            .find(|s| !KNOWN_PROGRAMS.contains(&s.program.as_str()))
    {
        return Err(error(
            Some(site.span.clone()),
            format!(
                "`exec {}`: the real-OS lab runs only {}",
                site.program,
                KNOWN_PROGRAMS.join(", ")
            ),
            "a scenario file is untrusted, so --real refuses other programs; pass --allow-exec to \
             run them anyway (as you, found on PATH, without a shell), or run without --real",
        ));
    }
    let listed = scenario.specs.len() as u64;
    let generated = scenario.generate.as_ref().map_or(0, |g| g.count);
    if listed + generated > MAX_PROCESSES {
        return Err(error(
            None,
            format!(
                "this scenario makes {} processes; the real-OS lab makes at most {MAX_PROCESSES}",
                listed + generated
            ),
            "run it without --real, or use fewer processes",
        ));
    }
    Ok(())
}
