//! The documentation's examples must stay true: every complete scenario in the README and in
//! docs/scenario-format.md (a ```toml block with a title) is valid, except the one that shows
//! an error on purpose.

use proclab::scenario::Scenario;

fn toml_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match (&mut current, line.trim_start()) {
            (None, l) if l.starts_with("```toml") => current = Some(String::new()),
            (Some(_), l) if l.starts_with("```") => blocks.push(current.take().unwrap_or_default()),
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            _ => {}
        }
    }
    blocks
}

#[test]
fn documented_scenarios_are_valid() {
    let mut checked = 0;
    for doc in ["README.md", "docs/scenario-format.md"] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(doc);
        let text = std::fs::read_to_string(&path).expect("the document exists");
        for block in toml_blocks(&text)
            .into_iter()
            .filter(|b| b.contains("title = "))
        {
            let result = Scenario::parse(doc, &block);
            if block.contains("mistake") {
                assert!(
                    result.is_err(),
                    "{doc}: the broken example parses:\n{block}"
                );
            } else {
                result.unwrap_or_else(|e| panic!("{doc}: {e}\n{block}"));
            }
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} examples found");
}

#[test]
fn documented_lessons_are_valid() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/lesson-format.md");
    let text = std::fs::read_to_string(&path).expect("the document exists");
    let mut checked = 0;
    for block in toml_blocks(&text)
        .into_iter()
        .filter(|b| b.contains("[[step]]"))
    {
        // A block of steps alone is checked inside the smallest lesson around it.
        let whole = if block.contains("id = ") {
            block
        } else {
            format!("id = \"doc\"\ntitle = \"Doc\"\nscenario = \"basics/five-states\"\n{block}")
        };
        proclab::lesson::Lesson::parse("docs/lesson-format.md", &whole, None)
            .unwrap_or_else(|e| panic!("{e}\n{whole}"));
        checked += 1;
    }
    assert!(checked >= 2, "only {checked} examples found");
}
