//! The Markdown of lesson texts, turned into blocks of styled runs that the TUI colours and the
//! plain mode prints as wrapped text. Only what lessons need: paragraphs, headings, lists,
//! emphasis, inline code and code blocks.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// How a run of text looks.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Look {
    /// **strong**
    pub strong: bool,
    /// *emphasis*
    pub emphasis: bool,
    /// `code`
    pub code: bool,
}

/// What a block is.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum BlockKind {
    /// A paragraph.
    Paragraph,
    /// A heading.
    Heading,
    /// A list item, nested `depth` deep (0 for the outer list).
    Item {
        /// Nesting.
        depth: usize,
        /// Its number in a numbered list.
        number: Option<u64>,
    },
    /// A code block, shown as written.
    Code,
    /// A quotation.
    Quote,
}

/// A block of text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// What it is.
    pub kind: BlockKind,
    /// Its runs of text.
    pub runs: Vec<(String, Look)>,
}

/// Parses Markdown into blocks.
pub fn parse(markdown: &str) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    let mut look = Look::default();
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut quote = false;
    let mut open: Option<Block> = None;
    let start = |open: &mut Option<Block>, blocks: &mut Vec<Block>, kind: BlockKind| {
        if let Some(b) = open.take()
            && !b.runs.is_empty()
        {
            blocks.push(b);
        }
        *open = Some(Block {
            kind,
            runs: Vec::new(),
        });
    };
    for event in Parser::new(markdown) {
        match event {
            // A paragraph inside a list item continues the item.
            Event::Start(Tag::Paragraph) if !continues_item(open.as_ref()) => {
                let kind = if quote {
                    BlockKind::Quote
                } else {
                    BlockKind::Paragraph
                };
                start(&mut open, &mut blocks, kind);
            }
            Event::Start(Tag::Heading { .. }) => start(&mut open, &mut blocks, BlockKind::Heading),
            Event::Start(Tag::CodeBlock(_)) => start(&mut open, &mut blocks, BlockKind::Code),
            Event::Start(Tag::BlockQuote(_)) => quote = true,
            Event::End(TagEnd::BlockQuote(_)) => quote = false,
            Event::Start(Tag::List(first)) => lists.push(first),
            Event::End(TagEnd::List(_)) => {
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                let depth = lists.len().saturating_sub(1);
                let number = lists.last_mut().and_then(|n| {
                    let this = *n;
                    if let Some(k) = n {
                        *k += 1;
                    }
                    this
                });
                start(&mut open, &mut blocks, BlockKind::Item { depth, number });
            }
            Event::Start(Tag::Strong) => look.strong = true,
            Event::End(TagEnd::Strong) => look.strong = false,
            Event::Start(Tag::Emphasis) => look.emphasis = true,
            Event::End(TagEnd::Emphasis) => look.emphasis = false,
            Event::Text(t) => push(&mut open, &t, look),
            Event::Code(t) => push(&mut open, &t, Look { code: true, ..look }),
            Event::SoftBreak => push(&mut open, " ", look),
            Event::HardBreak => push(&mut open, "\n", look),
            _ => {}
        }
    }
    if let Some(b) = open
        && !b.runs.is_empty()
    {
        blocks.push(b);
    }
    blocks
}

/// True if `open` is a list item with nothing in it yet: its first paragraph belongs to it.
fn continues_item(open: Option<&Block>) -> bool {
    open.is_some_and(|b| matches!(b.kind, BlockKind::Item { .. }) && b.runs.is_empty())
}

fn push(open: &mut Option<Block>, text: &str, look: Look) {
    let block = open.get_or_insert_with(|| Block {
        kind: BlockKind::Paragraph,
        runs: Vec::new(),
    });
    match block.runs.last_mut() {
        Some((t, l)) if *l == look => t.push_str(text),
        _ => block.runs.push((text.to_string(), look)),
    }
}

/// The marker before a list item's first line.
pub fn bullet(kind: BlockKind) -> String {
    match kind {
        BlockKind::Item { depth, number } => {
            let pad = "  ".repeat(depth);
            match number {
                Some(n) => format!("{pad}{n}. "),
                None => format!("{pad}- "),
            }
        }
        BlockKind::Quote => "> ".into(),
        BlockKind::Code => "    ".into(),
        _ => String::new(),
    }
}

/// Plain text wrapped at `width` columns, one blank line between blocks.
pub fn to_plain(markdown: &str, width: usize) -> String {
    let mut out = String::new();
    let mut previous: Option<BlockKind> = None;
    for block in &parse(markdown) {
        let item = |k: Option<BlockKind>| matches!(k, Some(BlockKind::Item { .. }));
        // Blocks are separated by a blank line, except items of one list.
        if previous.is_some() && !(item(previous) && item(Some(block.kind))) {
            out.push('\n');
        }
        previous = Some(block.kind);
        let text: String = block.runs.iter().map(|(t, _)| t.as_str()).collect();
        let first = bullet(block.kind);
        if block.kind == BlockKind::Code {
            for line in text.trim_end().lines() {
                out.push_str(&format!("{first}{line}\n"));
            }
            continue;
        }
        let rest = " ".repeat(first.chars().count());
        let text = if block.kind == BlockKind::Heading {
            text.to_uppercase()
        } else {
            text
        };
        out.push_str(&wrap(&text, width, &first, &rest));
    }
    out
}

/// Word-wraps `text` at `width`, starting the first line with `first` and others with `rest`.
pub fn wrap(text: &str, width: usize, first: &str, rest: &str) -> String {
    let mut out = String::new();
    for (n, para) in text.split('\n').enumerate() {
        let mut line = if n == 0 {
            first.to_string()
        } else {
            rest.to_string()
        };
        let mut empty = true;
        for word in para.split_whitespace() {
            let len = line.chars().count();
            if !empty && len + 1 + word.chars().count() > width {
                out.push_str(line.trim_end());
                out.push('\n');
                line = rest.to_string();
                empty = true;
            }
            if !empty {
                line.push(' ');
            }
            line.push_str(word);
            empty = false;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_keep_their_kind_and_emphasis() {
        let blocks = parse(
            "# Title\n\nA **bold** and `code` word.\n\n- one\n- two\n\n1. first\n2. second\n",
        );
        assert_eq!(blocks[0].kind, BlockKind::Heading);
        assert_eq!(
            blocks[1].runs[1],
            (
                "bold".to_string(),
                Look {
                    strong: true,
                    ..Look::default()
                }
            )
        );
        assert_eq!(
            blocks[1].runs[3],
            (
                "code".to_string(),
                Look {
                    code: true,
                    ..Look::default()
                }
            )
        );
        assert_eq!(
            blocks[2].kind,
            BlockKind::Item {
                depth: 0,
                number: None
            }
        );
        assert_eq!(
            blocks[5].kind,
            BlockKind::Item {
                depth: 0,
                number: Some(2)
            }
        );
    }

    #[test]
    fn plain_text_wraps_and_marks_items() {
        let text = to_plain(
            "A paragraph that is long enough to wrap.\n\n- an item that wraps too\n- b\n",
            20,
        );
        assert_eq!(
            text,
            "A paragraph that is\nlong enough to wrap.\n\n- an item that wraps\n  too\n- b\n"
        );
    }
}
