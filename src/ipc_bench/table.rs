//! The results of a benchmark as data, and their rendering: a text table with the method
//! underneath, or JSON. Pure: no clock, no processes.

#![forbid(unsafe_code)]

use super::Mechanism;
use super::stats::Latency;
use crate::report::text::wrap_paragraph;
use serde::{Deserialize, Serialize};
use std::fmt::Write;

/// Everything one run measured, and how.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// One row per mechanism, in the order they ran.
    pub rows: Vec<Row>,
    /// How the figures were obtained.
    pub method: Method,
}

/// The figures of one mechanism.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Which mechanism.
    pub mechanism: Mechanism,
    /// Round trips of a small message.
    pub latency: Latency,
    /// One-way transfer of the bulk size.
    pub bandwidth: Bandwidth,
    /// What is particular to this mechanism's measurement (chunk size, limits).
    pub note: String,
}

/// One one-way bulk transfer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bandwidth {
    /// Bytes moved.
    pub bytes: u64,
    /// Largest piece handed to one send (a message, for the message queue).
    pub chunk_bytes: usize,
    /// From the first send until the peer acknowledged the last byte.
    pub seconds: f64,
    /// Megabytes (10⁶ bytes) per second.
    pub mb_per_s: f64,
}

/// The conditions of a run, printed under the table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Method {
    /// Round trips measured per mechanism.
    pub rounds: usize,
    /// Round trips made first and not measured.
    pub warmup: usize,
    /// Size of the round-trip message.
    pub message_bytes: usize,
    /// Bytes moved one way per mechanism.
    pub total_bytes: u64,
    /// Chunk size of the bulk transfer (the message queue may use less: see its note).
    pub chunk_bytes: usize,
    /// CPUs the run may use (its CPU affinity, which the peer inherits).
    pub cpus: usize,
    /// CPUs of the machine.
    pub machine_cpus: usize,
    /// The CPU's model name, from `/proc/cpuinfo`.
    pub cpu_model: Option<String>,
    /// The kernel's release, from `/proc/sys/kernel/osrelease`.
    pub kernel: Option<String>,
}

/// A byte count in the largest binary unit that divides it (`64 MiB`, `8 KiB`, `1000 B`).
pub fn bytes(n: u64) -> String {
    for (unit, shift) in [("GiB", 30), ("MiB", 20), ("KiB", 10)] {
        if n >= 1 << shift && n.is_multiple_of(1 << shift) {
            return format!("{} {unit}", n >> shift);
        }
    }
    format!("{n} B")
}

/// Reads a byte count: digits with an optional binary suffix, `K`, `M`, `G` or `T` (with or
/// without `iB`), or `B`. `64M`, `64MiB` and `67108864` are the same.
pub fn parse_bytes(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    let (number, unit) = t.split_at(digits);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a byte count (e.g. 65536, 512K, 64M, 1G)"))?;
    let shift = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" | "KIB" => 10,
        "M" | "MB" | "MIB" => 20,
        "G" | "GB" | "GIB" => 30,
        "T" | "TB" | "TIB" => 40,
        _ => return Err(format!("unknown unit in {text:?} (use K, M, G or T)")),
    };
    n.checked_mul(1 << shift)
        .ok_or_else(|| format!("{text:?} is too large"))
}

/// A duration in microseconds, with two decimals below 10 µs and one above.
pub fn micros(us: f64) -> String {
    if us < 10.0 {
        format!("{us:.2}")
    } else {
        format!("{us:.1}")
    }
}

/// Digits grouped by thousands: `12,345`.
pub fn grouped(n: f64) -> String {
    let digits = format!("{:.0}", n.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Width of the mechanism column for these mechanisms (at least the heading's).
pub fn name_width(mechanisms: impl IntoIterator<Item = Mechanism>) -> usize {
    mechanisms
        .into_iter()
        .map(|m| m.title().chars().count())
        .max()
        .unwrap_or(0)
        .max("mechanism".len())
}

/// The table's two heading lines; the second names the note column if `notes`.
pub fn heading(name_width: usize, notes: bool) -> [String; 2] {
    let first = format!(
        "{:name_width$}   {:>17}   {:>9}",
        "", "round trip (µs)", "bandwidth"
    );
    let second = format!(
        "{:name_width$}   {:>8} {:>8}   {:>9}{}",
        "mechanism",
        "median",
        "p99",
        "MB/s",
        if notes { "   note" } else { "" }
    );
    [first, second]
}

/// One mechanism's line: median, p99, MB/s, and its note if `note`.
pub fn row_line(row: &Row, name_width: usize, note: bool) -> String {
    let line = format!(
        "{:name_width$}   {:>8} {:>8}   {:>9}",
        row.mechanism.title(),
        micros(row.latency.median_us),
        micros(row.latency.p99_us),
        grouped(row.bandwidth.mb_per_s),
    );
    if note {
        format!("{line}   {}", row.note)
    } else {
        line
    }
}

/// The table as text: one line per mechanism, then the method.
pub fn text(table: &Table) -> String {
    let mut out = String::new();
    let name_width = name_width(table.rows.iter().map(|r| r.mechanism));
    for line in heading(name_width, true) {
        let _ = writeln!(out, "{line}");
    }
    for row in &table.rows {
        let _ = writeln!(out, "{}", row_line(row, name_width, true));
    }
    out.push('\n');
    out.push_str(&method_text(&table.method));
    out
}

/// The method, in words, wrapped at 96 columns.
pub fn method_text(m: &Method) -> String {
    let mut out = String::new();
    for sentence in method_sentences(m) {
        out.push_str(&wrap_paragraph(&sentence, 96));
    }
    out
}

/// The method's paragraphs, unwrapped: how the round trips, the bandwidth and the machine were.
pub fn method_sentences(m: &Method) -> [String; 3] {
    let count = |n: usize| match n {
        1 => "1 CPU".to_string(),
        n => format!("{n} CPUs"),
    };
    let machine = match (&m.cpu_model, &m.kernel) {
        (Some(model), Some(kernel)) => format!(" ({model}, Linux {kernel})"),
        (Some(model), None) => format!(" ({model})"),
        (None, Some(kernel)) => format!(" (Linux {kernel})"),
        (None, None) => String::new(),
    };
    let placement = if m.cpus < m.machine_cpus {
        format!(
            "the run's CPU affinity, which the peer inherits, confines both to {} of them.",
            m.cpus
        )
    } else {
        "neither is pinned to a CPU (`taskset -c 0 proclab bench ipc` keeps both on one)."
            .to_string()
    };
    [
        format!(
            "Method: a round trip is one {} message sent by proclab to a peer process, which \
             reads it whole and sends it back; it is timed from before the send until the \
             reply has been read. Median and 99th percentile (nearest rank) of {} round trips, \
             after {} unmeasured warm-up rounds.",
            bytes(m.message_bytes as u64),
            m.rounds,
            m.warmup
        ),
        format!(
            "Bandwidth: {} sent one way in {} chunks (the message queue sends one message per \
             chunk, at most msgsize_max bytes), timed from the first send until the peer has \
             received the last byte and said so; MB = 10^6 bytes.",
            bytes(m.total_bytes),
            bytes(m.chunk_bytes as u64)
        ),
        format!(
            "Both ends are separate processes (proclab and `proclab __ipc-peer`, started \
             fresh for each mechanism), on a machine with {}{machine}; {placement} Shared \
             memory copies through 32-bit atomic words and waits by spinning for up to 50 µs \
             (with more than one CPU), then sleeping on a futex; the others block in the \
             kernel.",
            count(m.machine_cpus)
        ),
    ]
}

/// The table as one JSON document (pretty-printed, ending in a newline).
pub fn json(table: &Table) -> String {
    let mut text = serde_json::to_string_pretty(table).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(mechanism: Mechanism, median: f64, p99: f64, mb: f64, note: &str) -> Row {
        Row {
            mechanism,
            latency: Latency {
                rounds: 100,
                median_us: median,
                p99_us: p99,
                min_us: median / 2.0,
                max_us: p99 * 2.0,
            },
            bandwidth: Bandwidth {
                bytes: 1 << 20,
                chunk_bytes: 65536,
                seconds: 0.001,
                mb_per_s: mb,
            },
            note: note.into(),
        }
    }

    fn sample() -> Table {
        Table {
            rows: vec![
                row(Mechanism::Pipe, 14.52, 21.0, 1648.4, "64 KiB writes"),
                row(Mechanism::Shm, 0.4, 1.234, 3120.0, "ring"),
            ],
            method: Method {
                rounds: 100,
                warmup: 10,
                message_bytes: 64,
                total_bytes: 1 << 20,
                chunk_bytes: 65536,
                cpus: 2,
                machine_cpus: 2,
                cpu_model: Some("Test CPU".into()),
                kernel: None,
            },
        }
    }

    #[test]
    fn text_has_a_row_per_mechanism_and_the_method() {
        let t = text(&sample());
        let lines: Vec<&str> = t.lines().collect();
        assert!(lines[1].starts_with("mechanism"));
        assert!(lines[2].starts_with("pipe "), "{t}");
        assert!(lines[2].contains("14.5") && lines[2].contains("21.0"));
        assert!(lines[2].contains("1,648") && lines[2].ends_with("64 KiB writes"));
        assert!(lines[3].starts_with("POSIX shared memory"));
        assert!(lines[3].contains("0.40") && lines[3].contains("1.23"));
        assert!(t.contains("Method: a round trip is one 64 B message"));
        assert!(t.contains("2 CPUs (Test CPU); neither is pinned"));
        let mut one = sample();
        one.method.cpus = 1;
        assert!(text(&one).contains("confines both to 1 of them"));
        assert!(t.lines().all(|l| l.chars().count() <= 120), "{t}");
    }

    #[test]
    fn json_round_trips() {
        let table = sample();
        let back: Table = serde_json::from_str(&json(&table)).unwrap();
        assert_eq!(back, table);
        let value: serde_json::Value = serde_json::from_str(&json(&table)).unwrap();
        assert_eq!(value["rows"][0]["mechanism"], "pipe");
        assert_eq!(value["rows"][1]["latency"]["median_us"], 0.4);
    }

    #[test]
    fn byte_counts_both_ways() {
        assert_eq!(bytes(64 << 20), "64 MiB");
        assert_eq!(bytes(8192), "8 KiB");
        assert_eq!(bytes(1000), "1000 B");
        assert_eq!(bytes(1536), "1536 B");
        assert_eq!(parse_bytes("64M"), Ok(64 << 20));
        assert_eq!(parse_bytes("64MiB"), Ok(64 << 20));
        assert_eq!(parse_bytes("512k"), Ok(512 << 10));
        assert_eq!(parse_bytes("67108864"), Ok(67108864));
        assert_eq!(parse_bytes("1 G"), Ok(1 << 30));
        assert!(parse_bytes("lots").is_err());
        assert!(parse_bytes("5X").is_err());
        assert!(parse_bytes("99999999999T").is_err());
    }

    #[test]
    fn grouping_and_wrapping() {
        assert_eq!(grouped(1234567.4), "1,234,567");
        assert_eq!(grouped(999.0), "999");
        assert_eq!(wrap_paragraph("a bb ccc", 4), "a bb\nccc\n");
    }
}
