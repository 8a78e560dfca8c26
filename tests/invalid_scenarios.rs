//! Every file in `tests/invalid/` must be rejected with the message, position and hint its
//! header comments promise (`# expect:`, `# at: LINE:COLUMN`, `# hint:`).

use proclab::scenario::{Scenario, ScenarioError, Severity};
use std::path::Path;

fn header(text: &str, key: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("# {key}: ")))
        .unwrap_or_else(|| panic!("missing `# {key}:` line"))
        .to_string()
}

#[test]
fn every_invalid_file_is_rejected_with_its_expected_error() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invalid");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("tests/invalid exists") {
        let path = entry.expect("readable").path();
        let text = std::fs::read_to_string(&path).expect("readable");
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let d = match Scenario::load(&path) {
            Err(ScenarioError::Invalid(d)) => d,
            Err(e) => panic!("{name}: not a validation error: {e}"),
            Ok(_) => panic!("{name}: accepted, but it is invalid"),
        };
        assert_eq!(d.severity, Severity::Error);
        let expect = header(&text, "expect");
        assert!(
            d.message.contains(&expect),
            "{name}: message {:?} lacks {expect:?}",
            d.message
        );
        let (line, column) = d
            .line_col()
            .unwrap_or_else(|| panic!("{name}: no position"));
        assert_eq!(
            format!("{line}:{column}"),
            header(&text, "at"),
            "{name}: position of {:?}",
            d.message
        );
        let hint = header(&text, "hint");
        let got = d.hint.clone().unwrap_or_default();
        assert!(got.contains(&hint), "{name}: hint {got:?} lacks {hint:?}");
        assert!(d.location().ends_with(&format!("{name}:{line}:{column}")));
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} invalid files");
}
