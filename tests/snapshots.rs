//! One snapshot per bundled scenario of its text report and its event log, so that any change
//! in an answer — a number, an order, a reason — shows up in review.

use proclab::report::{self, Options};
use proclab::scenario::Scenario;

#[test]
fn bundled_scenario_reports() {
    insta::glob!("../scenarios", "**/*.toml", |path| {
        let scenario = Scenario::load(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            scenario.warnings.is_empty(),
            "{}: {:?}",
            path.display(),
            scenario.warnings
        );
        let report = report::run(
            &scenario,
            Options {
                summary_only: false,
                events: true,
            },
        );
        let mut text = report::text::render(&report);
        // Very long logs (generated workloads) keep their first part; the report above is whole.
        const MAX_LINES: usize = 400;
        if text.lines().count() > MAX_LINES {
            let cut: Vec<&str> = text.lines().take(MAX_LINES).collect();
            text = format!(
                "{}\n… (event log cut at {MAX_LINES} lines)\n",
                cut.join("\n")
            );
        }
        insta::assert_snapshot!(text);
    });
}
