//! The Gantt chart: what each CPU did when — running a process, switching, or idle — built
//! from the kernel's events, and drawn in ASCII with a time axis.

use crate::kernel::event::{Event, Transition};
use crate::kernel::ids::{Pid, Tick};
use crate::kernel::state::State;
use serde::Serialize;

/// What a stretch of CPU time was spent on.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Running a process.
    Run,
    /// A context switch (attributed to the incoming process).
    Switch,
    /// Nothing.
    Idle,
}

/// One block of the chart.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// Start tick.
    pub start: Tick,
    /// End tick (exclusive).
    pub end: Tick,
    /// What it was.
    pub kind: Kind,
    /// The process, for run and switch blocks.
    pub pid: Option<Pid>,
}

/// Builds the chart from events, one row per CPU.
#[derive(Clone, Debug, Default)]
pub struct GanttBuilder {
    rows: Vec<Vec<Segment>>,
    open: Vec<Option<(Pid, Tick)>>,
}

impl GanttBuilder {
    /// A builder for `cpus` CPUs.
    pub fn new(cpus: u16) -> GanttBuilder {
        GanttBuilder {
            rows: vec![Vec::new(); cpus.max(1).into()],
            open: vec![None; cpus.max(1).into()],
        }
    }

    /// Number of CPUs (rows).
    pub fn cpus(&self) -> u16 {
        self.rows.len() as u16
    }

    fn push(&mut self, cpu: usize, segment: Segment) {
        if segment.end <= segment.start {
            return;
        }
        let row = &mut self.rows[cpu];
        if let Some(last) = row.last_mut()
            && last.kind == segment.kind
            && last.pid == segment.pid
            && last.end == segment.start
        {
            last.end = segment.end;
            return;
        }
        row.push(segment);
    }

    /// Takes in one event.
    pub fn event(&mut self, event: &Event) {
        match event {
            Event::Switch(s) => {
                let cpu = usize::from(s.cpu.0);
                self.push(
                    cpu,
                    Segment {
                        start: s.time,
                        end: s.time + s.cost,
                        kind: Kind::Switch,
                        pid: Some(s.to),
                    },
                );
            }
            Event::Transition(t) => self.transition(t),
            _ => {}
        }
    }

    fn transition(&mut self, t: &Transition) {
        let Some(cpu) = t.cpu.map(|c| usize::from(c.0)) else {
            return;
        };
        if t.from == Some(State::Running) {
            if let Some((pid, start)) = self.open[cpu].take() {
                self.push(
                    cpu,
                    Segment {
                        start,
                        end: t.time,
                        kind: Kind::Run,
                        pid: Some(pid),
                    },
                );
            }
        } else if t.to.is_finished() {
            // Killed while being switched in: the switch stops there.
            if let Some(last) = self.rows[cpu].last_mut()
                && last.kind == Kind::Switch
                && last.pid == Some(t.pid)
                && last.end > t.time
            {
                last.end = t.time;
            }
        }
        if t.to == State::Running {
            self.open[cpu] = Some((t.pid, t.time));
        }
    }

    /// The finished chart up to `end`, with idle blocks filling the gaps.
    pub fn finish(mut self, end: Tick) -> Vec<Vec<Segment>> {
        for cpu in 0..self.open.len() {
            if let Some((pid, start)) = self.open[cpu].take() {
                self.push(
                    cpu,
                    Segment {
                        start,
                        end,
                        kind: Kind::Run,
                        pid: Some(pid),
                    },
                );
            }
        }
        self.rows
            .into_iter()
            .map(|row| {
                let mut full = Vec::with_capacity(row.len() * 2);
                let mut at = 0;
                for s in row {
                    if s.start > at {
                        full.push(Segment {
                            start: at,
                            end: s.start,
                            kind: Kind::Idle,
                            pid: None,
                        });
                    }
                    at = at.max(s.end);
                    full.push(s);
                }
                if end > at {
                    full.push(Segment {
                        start: at,
                        end,
                        kind: Kind::Idle,
                        pid: None,
                    });
                }
                full
            })
            .collect()
    }
}

/// Most blocks drawn per CPU; longer charts are cut, with a note.
const MAX_BLOCKS: usize = 300;
/// Width of the drawing, row labels included.
const WIDTH: usize = 100;

/// Draws the chart in ASCII: `|P1   |P2 |#|P3 |` over a time axis, wrapped at 100 columns.
/// Blocks are at least as wide as their label, so the axis is stretched where needed; the
/// numbers under the bars are exact.
pub fn draw(rows: &[Vec<Segment>], name: &dyn Fn(Pid) -> String) -> String {
    let mut rows: Vec<Vec<Segment>> = rows.to_vec();
    let mut note = String::new();
    let end = rows
        .iter()
        .filter_map(|r| r.last())
        .map(|s| s.end)
        .max()
        .unwrap_or(0);
    if let Some(cut) = rows
        .iter()
        .filter_map(|r| r.get(MAX_BLOCKS))
        .map(|s| s.start)
        .min()
    {
        for row in &mut rows {
            row.retain(|s| s.start < cut);
            if let Some(last) = row.last_mut() {
                last.end = last.end.min(cut);
            }
        }
        note = format!("(the chart shows ticks 0 to {cut} of {end}; --json lists every block)\n");
    }
    let label = |s: &Segment| match s.kind {
        Kind::Run => s.pid.map(name).unwrap_or_default(),
        Kind::Switch => "#".into(),
        Kind::Idle => ".".into(),
    };
    let mut bounds: Vec<Tick> = rows
        .iter()
        .flatten()
        .flat_map(|s| [s.start, s.end])
        .collect();
    bounds.sort_unstable();
    bounds.dedup();
    if bounds.len() < 2 {
        return note;
    }
    let span = bounds[bounds.len() - 1] - bounds[0];
    let scale = span.div_ceil(160).max(1);
    let mut widths: Vec<usize> = bounds
        .windows(2)
        .map(|w| ((w[1] - w[0]) as f64 / scale as f64).round().max(1.0) as usize)
        .collect();
    // Room for the time under every boundary.
    for (w, t) in widths.iter_mut().zip(&bounds) {
        *w = (*w).max(t.to_string().len() + 1);
    }
    let index = |t: Tick| bounds.binary_search(&t).unwrap_or_else(|i| i);
    for s in rows.iter().flatten() {
        let (a, b) = (index(s.start), index(s.end));
        let need = label(s).chars().count() + 1;
        let have: usize = widths[a..b].iter().sum();
        if have < need {
            widths[b - 1] += need - have;
        }
    }
    let mut col = vec![0usize; bounds.len()];
    for i in 1..bounds.len() {
        col[i] = col[i - 1] + widths[i - 1];
    }
    let prefix = if rows.len() > 1 { 7 } else { 1 };
    let room = WIDTH - prefix - 8;
    let mut out = String::new();
    let mut a = 0;
    while a + 1 < bounds.len() {
        let mut e = a + 1;
        while e + 1 < bounds.len() && col[e + 1] - col[a] <= room {
            e += 1;
        }
        let width = col[e] - col[a] + 1;
        for (cpu, row) in rows.iter().enumerate() {
            let mut line: Vec<char> = vec![' '; width];
            for s in row {
                let (sa, sb) = (index(s.start).max(a), index(s.end).min(e));
                if sa >= sb {
                    continue;
                }
                let (c0, c1) = (col[sa] - col[a], col[sb] - col[a]);
                line[c0] = '|';
                let fill = match s.kind {
                    Kind::Run => ' ',
                    Kind::Switch => '#',
                    Kind::Idle => '.',
                };
                let text: Vec<char> = label(s).chars().collect();
                for (k, slot) in line[c0 + 1..c1].iter_mut().enumerate() {
                    *slot = if s.kind == Kind::Run {
                        text.get(k).copied().unwrap_or(fill)
                    } else {
                        fill
                    };
                }
                line[c1] = '|';
            }
            let head = if rows.len() > 1 {
                format!("CPU {cpu:<2} ")
            } else {
                " ".into()
            };
            out.push_str(&head);
            out.push_str(line.iter().collect::<String>().trim_end());
            out.push('\n');
        }
        let mut axis: Vec<char> = vec![' '; width + 12];
        let mut free_from = 0;
        for i in a..=e {
            let text = bounds[i].to_string();
            let at = col[i] - col[a];
            if at >= free_from && at + text.len() <= axis.len() {
                for (k, ch) in text.chars().enumerate() {
                    axis[at + k] = ch;
                }
                free_from = at + text.len() + 1;
            }
        }
        out.push_str(&" ".repeat(prefix));
        out.push_str(axis.iter().collect::<String>().trim_end());
        out.push('\n');
        a = e;
        if a + 1 < bounds.len() {
            out.push('\n');
        }
    }
    out.push_str(&note);
    out
}
