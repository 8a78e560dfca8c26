//! Summaries of measured round trips: median and nearest-rank percentiles. Pure, so the
//! figures a table prints can be checked by hand.

#![forbid(unsafe_code)]

use serde::{Deserialize, Serialize};

/// The median of sorted values: the middle one, or the mean of the two middle ones; 0 for none.
pub fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// The nearest-rank percentile of sorted values: the smallest value with at least `p` percent
/// of the values at or below it (so p99 of 100 values is the 99th smallest); 0 for none.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let n = sorted.len();
    let rank = ((p / 100.0) * n as f64).ceil() as usize;
    sorted[rank.clamp(1, n) - 1]
}

/// Round-trip latency of one mechanism, in microseconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    /// Rounds measured (warm-up rounds excluded).
    pub rounds: usize,
    /// Median round trip.
    pub median_us: f64,
    /// 99th percentile (nearest rank).
    pub p99_us: f64,
    /// Fastest round trip.
    pub min_us: f64,
    /// Slowest round trip.
    pub max_us: f64,
}

impl Latency {
    /// Summarises round trips measured in nanoseconds.
    pub fn from_nanos(samples: &[u64]) -> Latency {
        let mut us: Vec<f64> = samples.iter().map(|&ns| ns as f64 / 1000.0).collect();
        us.sort_by(f64::total_cmp);
        Latency {
            rounds: us.len(),
            median_us: median(&us),
            p99_us: percentile(&us, 99.0),
            min_us: us.first().copied().unwrap_or(0.0),
            max_us: us.last().copied().unwrap_or(0.0),
        }
    }
}

/// Megabytes (10⁶ bytes) per second for `bytes` moved in `seconds`; 0 if no time was measured.
pub fn mb_per_s(bytes: u64, seconds: f64) -> f64 {
    if seconds > 0.0 {
        bytes as f64 / seconds / 1e6
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[]), 0.0);
        assert_eq!(median(&[7.0]), 7.0);
        assert_eq!(median(&[1.0, 3.0, 5.0]), 3.0);
        assert_eq!(median(&[1.0, 2.0, 3.0, 4.0]), 2.5);
        assert_eq!(median(&[1.0, 2.0, 10.0, 1000.0]), 6.0);
    }

    #[test]
    fn nearest_rank_percentiles() {
        let hundred: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&hundred, 99.0), 99.0);
        assert_eq!(percentile(&hundred, 50.0), 50.0);
        assert_eq!(percentile(&hundred, 100.0), 100.0);
        // 99% of 10 values is 9.9, so the rank is 10: the largest.
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(percentile(&ten, 99.0), 10.0);
        // 99% of 200 is 198 exactly.
        let two_hundred: Vec<f64> = (1..=200).map(f64::from).collect();
        assert_eq!(percentile(&two_hundred, 99.0), 198.0);
        assert_eq!(percentile(&[4.0], 99.0), 4.0);
        assert_eq!(percentile(&[], 99.0), 0.0);
        assert_eq!(percentile(&ten, 0.0), 1.0);
    }

    #[test]
    fn latency_summary_from_unsorted_nanoseconds() {
        // 1 to 100 µs in reverse order, plus one slow outlier of 5 ms.
        let mut ns: Vec<u64> = (1..=100).rev().map(|us| us * 1000).collect();
        ns.push(5_000_000);
        let l = Latency::from_nanos(&ns);
        assert_eq!(l.rounds, 101);
        assert_eq!(l.median_us, 51.0);
        // ceil(0.99 × 101) = 100: the 100th smallest is 100 µs; the outlier is beyond p99.
        assert_eq!(l.p99_us, 100.0);
        assert_eq!(l.min_us, 1.0);
        assert_eq!(l.max_us, 5000.0);
    }

    #[test]
    fn bandwidth_in_decimal_megabytes() {
        assert_eq!(mb_per_s(64 << 20, 0.5), 134.217728);
        assert_eq!(mb_per_s(1_000_000, 1.0), 1.0);
        assert_eq!(mb_per_s(10, 0.0), 0.0);
    }
}
