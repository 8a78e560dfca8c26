//! The little C of fork exercises: `fork();`, `if (fork() == 0) { … } else { … }`,
//! `printf("text\n");`, `wait(NULL);`, `exit(N);` and `return N;`, optionally inside
//! `int main(void) { … }`, with `//` and `/* */` comments and `#include` lines.

use std::ops::Range;

/// A statement of a fork program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stmt {
    /// `fork();`: the child goes on after the statement, as the parent does.
    Fork {
        /// Line in the program text, from 1.
        line: usize,
    },
    /// `if (fork() == 0) { child } else { parent }` and its variants.
    If {
        /// Line of the `if`.
        line: usize,
        /// What the child runs (where `fork()` returned 0).
        child: Vec<Stmt>,
        /// What the parent runs.
        parent: Vec<Stmt>,
    },
    /// `printf("text\n");`
    Print {
        /// Line.
        line: usize,
        /// The text, without its `\n`.
        text: String,
    },
    /// `wait(NULL);`: waits for any one child, or returns at once if there is none left.
    Wait {
        /// Line.
        line: usize,
    },
    /// `exit(N);` or `return N;`: the process ends.
    Exit {
        /// Line.
        line: usize,
        /// Exit status.
        code: u8,
    },
}

/// A program that could not be parsed: what, where (byte range in the program text), and
/// what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// What is wrong.
    pub message: String,
    /// Byte range in the program text.
    pub span: Range<usize>,
    /// What to do about it.
    pub hint: String,
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word(String),
    Int(i64),
    Str(String),
    Sym(&'static str),
}

const SYMBOLS: [&str; 10] = ["==", "!=", "(", ")", "{", "}", ";", ">", "!", ","];

fn err(message: impl Into<String>, span: Range<usize>, hint: impl Into<String>) -> ParseError {
    ParseError {
        message: message.into(),
        span,
        hint: hint.into(),
    }
}

fn lex(src: &str) -> Result<Vec<(Tok, Range<usize>)>, ParseError> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line_start = true;
    while i < b.len() {
        let c = b[i];
        if c == b'\n' {
            line_start = true;
            i += 1;
            continue;
        }
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        // `#include <stdio.h>` and the like: the whole line is ignored.
        if c == b'#' && line_start {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        line_start = false;
        if src[i..].starts_with("//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if src[i..].starts_with("/*") {
            let end = src[i + 2..]
                .find("*/")
                .ok_or_else(|| err("this comment never ends", i..i + 2, "close it with */"))?;
            i += end + 4;
            continue;
        }
        let start = i;
        if c.is_ascii_alphabetic() || c == b'_' {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push((Tok::Word(src[start..i].to_string()), start..i));
        } else if c.is_ascii_digit() || (c == b'-' && b.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            i += 1;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let n = src[start..i]
                .parse()
                .map_err(|_| err("this number is too large", start..i, "use a small number"))?;
            out.push((Tok::Int(n), start..i));
        } else if c == b'"' {
            out.push((string(src, &mut i)?, start..i));
        } else if let Some(sym) = SYMBOLS.iter().find(|s| src[i..].starts_with(**s)) {
            i += sym.len();
            out.push((Tok::Sym(sym), start..i));
        } else {
            let ch = src[i..].chars().next().unwrap_or('?');
            return Err(err(
                format!("unexpected {ch:?}"),
                i..i + ch.len_utf8(),
                "fork programs use fork(), if (fork() == 0) {…} else {…}, printf(\"…\\n\"), wait(NULL), exit(N) and return N",
            ));
        }
    }
    Ok(out)
}

/// A string literal starting at `*i` (on its opening quote): the text of one line, which
/// must end in `\n`.
fn string(src: &str, i: &mut usize) -> Result<Tok, ParseError> {
    let start = *i;
    let mut text = String::new();
    let mut chars = src[start + 1..].char_indices();
    let mut newline_at_end = false;
    loop {
        let Some((off, ch)) = chars.next() else {
            return Err(err(
                "this string never ends",
                start..start + 1,
                "close it with a double quote",
            ));
        };
        let at = start + 1 + off;
        match ch {
            '"' => {
                *i = at + 1;
                break;
            }
            '\n' => {
                return Err(err(
                    "a line break inside a string",
                    at..at + 1,
                    "write the program in a TOML literal string, program = '''…''', so that \\n stays as written",
                ));
            }
            _ if newline_at_end => {
                return Err(err(
                    "\\n must end the string",
                    at..at + ch.len_utf8(),
                    "print one line per printf: printf(\"A\\n\"); printf(\"B\\n\");",
                ));
            }
            '\\' => match chars.next() {
                Some((_, 'n')) => newline_at_end = true,
                _ => {
                    return Err(err(
                        "only \\n may be escaped",
                        at..at + 2,
                        "print plain text ending in \\n",
                    ));
                }
            },
            '%' => {
                return Err(err(
                    "format directives are not supported",
                    at..at + 1,
                    "print plain text ending in \\n",
                ));
            }
            _ => text.push(ch),
        }
    }
    if !newline_at_end {
        return Err(err(
            "this line does not end in \\n",
            start..*i,
            "end it with \\n: the exercise counts whole lines",
        ));
    }
    if text.trim().is_empty() || text.trim() != text {
        return Err(err(
            "print some text, without spaces at either end",
            start..*i,
            "for example printf(\"hello\\n\")",
        ));
    }
    Ok(Tok::Str(text))
}

struct Parser<'a> {
    src: &'a str,
    toks: Vec<(Tok, Range<usize>)>,
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at).map(|(t, _)| t)
    }

    fn span(&self) -> Range<usize> {
        match self.toks.get(self.at) {
            Some((_, s)) => s.clone(),
            None => self.src.len()..self.src.len(),
        }
    }

    fn line(&self) -> usize {
        self.src[..self.span().start].matches('\n').count() + 1
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(x)) if x == w)
    }

    fn is_sym(&self, s: &str) -> bool {
        matches!(self.peek(), Some(Tok::Sym(x)) if *x == s)
    }

    fn expect(&mut self, what: &str) -> Result<(), ParseError> {
        let ok = match self.peek() {
            Some(Tok::Sym(s)) => *s == what,
            Some(Tok::Word(w)) => w == what,
            _ => false,
        };
        if !ok {
            let found = match self.peek() {
                None => "the end of the program".to_string(),
                Some(_) => format!("`{}`", &self.src[self.span()]),
            };
            return Err(err(
                format!("expected `{what}`, found {found}"),
                self.span(),
                "see the fork statements in docs/exercise-format.md",
            ));
        }
        self.at += 1;
        Ok(())
    }

    fn int(&mut self, range: (i64, i64), what: &str) -> Result<i64, ParseError> {
        match self.peek() {
            Some(Tok::Int(n)) if (range.0..=range.1).contains(n) => {
                let n = *n;
                self.at += 1;
                Ok(n)
            }
            _ => Err(err(
                format!("expected {what}"),
                self.span(),
                format!("use a number from {} to {}", range.0, range.1),
            )),
        }
    }

    fn program(&mut self) -> Result<Vec<Stmt>, ParseError> {
        let body = if self.is_word("int") || self.is_word("void") {
            self.at += 1;
            self.expect("main")?;
            self.expect("(")?;
            if self.is_word("void") {
                self.at += 1;
            }
            self.expect(")")?;
            self.block()?
        } else {
            self.stmts()?
        };
        if self.peek().is_some() {
            return Err(err(
                "unexpected text after the end of the program",
                self.span(),
                "check the braces: every { needs its }",
            ));
        }
        Ok(body)
    }

    fn block(&mut self) -> Result<Vec<Stmt>, ParseError> {
        if !self.is_sym("{") {
            // A single statement without braces, as C allows.
            return Ok(vec![self.stmt()?]);
        }
        self.at += 1;
        let body = self.stmts()?;
        self.expect("}")?;
        Ok(body)
    }

    fn stmts(&mut self) -> Result<Vec<Stmt>, ParseError> {
        let mut out = Vec::new();
        while self.peek().is_some() && !self.is_sym("}") {
            out.push(self.stmt()?);
        }
        Ok(out)
    }

    fn stmt(&mut self) -> Result<Stmt, ParseError> {
        let line = self.line();
        let word = match self.peek() {
            Some(Tok::Word(w)) => w.clone(),
            _ => String::new(),
        };
        let stmt = match word.as_str() {
            "fork" => {
                self.at += 1;
                self.expect("(")?;
                self.expect(")")?;
                Stmt::Fork { line }
            }
            "printf" => {
                self.at += 1;
                self.expect("(")?;
                let text = match self.peek() {
                    Some(Tok::Str(s)) => s.clone(),
                    _ => {
                        return Err(err(
                            "printf needs a string",
                            self.span(),
                            "for example printf(\"hello\\n\");",
                        ));
                    }
                };
                self.at += 1;
                self.expect(")")?;
                Stmt::Print { line, text }
            }
            "wait" => {
                self.at += 1;
                self.expect("(")?;
                if !self.is_word("NULL") && !matches!(self.peek(), Some(Tok::Int(0))) {
                    return Err(err("wait takes NULL", self.span(), "write wait(NULL);"));
                }
                self.at += 1;
                self.expect(")")?;
                Stmt::Wait { line }
            }
            "exit" => {
                self.at += 1;
                self.expect("(")?;
                let code = self.int((0, 255), "an exit status")? as u8;
                self.expect(")")?;
                Stmt::Exit { line, code }
            }
            "return" => {
                self.at += 1;
                let code = self.int((0, 255), "an exit status")? as u8;
                Stmt::Exit { line, code }
            }
            "if" => return self.if_fork(line),
            _ => {
                return Err(err(
                    format!("unexpected `{}`", &self.src[self.span()]),
                    self.span(),
                    "a statement is fork();, if (fork() == 0) {…}, printf(\"…\\n\");, wait(NULL);, exit(N); or return N;",
                ));
            }
        };
        self.expect(";")?;
        Ok(stmt)
    }

    /// `if (fork() == 0)`, `if (!fork())` run the block in the child; `if (fork())`,
    /// `if (fork() != 0)`, `if (fork() > 0)` in the parent.
    fn if_fork(&mut self, line: usize) -> Result<Stmt, ParseError> {
        self.at += 1;
        self.expect("(")?;
        let negated = self.is_sym("!");
        if negated {
            self.at += 1;
        }
        let fork_span = self.span();
        if !self.is_word("fork") {
            return Err(err(
                "the condition must call fork()",
                fork_span,
                "write if (fork() == 0) { … } for the child's part",
            ));
        }
        self.at += 1;
        self.expect("(")?;
        self.expect(")")?;
        let child_first = if negated {
            true
        } else if self.is_sym("==") {
            self.at += 1;
            self.int((0, 0), "0")?;
            true
        } else if self.is_sym("!=") || self.is_sym(">") {
            self.at += 1;
            self.int((0, 0), "0")?;
            false
        } else {
            false
        };
        self.expect(")")?;
        let then = self.block()?;
        let other = if self.is_word("else") {
            self.at += 1;
            self.block()?
        } else {
            Vec::new()
        };
        let (child, parent) = if child_first {
            (then, other)
        } else {
            (other, then)
        };
        Ok(Stmt::If {
            line,
            child,
            parent,
        })
    }
}

/// Parses a fork program.
pub fn parse(src: &str) -> Result<Vec<Stmt>, ParseError> {
    let toks = lex(src)?;
    Parser { src, toks, at: 0 }.program()
}

/// The program written out in the canonical form, inside `int main(void)`, with 4-space
/// indentation, ending with `return 0;` unless it ends with an exit already.
pub fn render(body: &[Stmt]) -> String {
    fn block(out: &mut String, body: &[Stmt], depth: usize) {
        let pad = "    ".repeat(depth);
        for s in body {
            match s {
                Stmt::Fork { .. } => out.push_str(&format!("{pad}fork();\n")),
                Stmt::Print { text, .. } => {
                    out.push_str(&format!("{pad}printf(\"{text}\\n\");\n"));
                }
                Stmt::Wait { .. } => out.push_str(&format!("{pad}wait(NULL);\n")),
                // In main, `return N;` is how a program usually ends; deeper, `exit(N);`.
                Stmt::Exit { code, .. } if depth == 1 => {
                    out.push_str(&format!("{pad}return {code};\n"));
                }
                Stmt::Exit { code, .. } => out.push_str(&format!("{pad}exit({code});\n")),
                Stmt::If { child, parent, .. } => {
                    out.push_str(&format!("{pad}if (fork() == 0) {{\n"));
                    block(out, child, depth + 1);
                    if parent.is_empty() {
                        out.push_str(&format!("{pad}}}\n"));
                    } else {
                        out.push_str(&format!("{pad}}} else {{\n"));
                        block(out, parent, depth + 1);
                        out.push_str(&format!("{pad}}}\n"));
                    }
                }
            }
        }
    }
    let mut out = String::from("int main(void) {\n");
    block(&mut out, body, 1);
    if !matches!(body.last(), Some(Stmt::Exit { .. })) {
        out.push_str("    return 0;\n");
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_and_renders_them_back() {
        let src = "#include <stdio.h>\nint main(void) {\n  printf(\"A\\n\"); // first\n  if (fork() == 0) { printf(\"B\\n\"); exit(0); }\n  /* both */ fork();\n  wait(NULL);\n  return 0;\n}\n";
        let body = parse(src).expect("valid");
        assert_eq!(
            body,
            [
                Stmt::Print {
                    line: 3,
                    text: "A".into()
                },
                Stmt::If {
                    line: 4,
                    child: vec![
                        Stmt::Print {
                            line: 4,
                            text: "B".into()
                        },
                        Stmt::Exit { line: 4, code: 0 }
                    ],
                    parent: vec![],
                },
                Stmt::Fork { line: 5 },
                Stmt::Wait { line: 6 },
                Stmt::Exit { line: 7, code: 0 },
            ]
        );
        let again = parse(&render(&body)).expect("rendered text parses");
        assert_eq!(render(&again), render(&body));
        let parent_first = parse("if (fork()) printf(\"P\\n\"); else printf(\"C\\n\");").unwrap();
        let Stmt::If { child, parent, .. } = &parent_first[0] else {
            panic!("an if")
        };
        assert!(matches!(&child[0], Stmt::Print { text, .. } if text == "C"));
        assert!(matches!(&parent[0], Stmt::Print { text, .. } if text == "P"));
    }

    #[test]
    fn mistakes_are_pointed_at() {
        let e = parse("fork();\nprintf(\"A\");\n").unwrap_err();
        assert_eq!(e.message, "this line does not end in \\n");
        assert_eq!(e.span, 15..18, "the string");
        let e = parse("fork()\nprintf(\"A\\n\");").unwrap_err();
        assert_eq!(e.message, "expected `;`, found `printf`");
        let e = parse("frok();").unwrap_err();
        assert_eq!(e.message, "unexpected `frok`");
        let e = parse("printf(\"%d\\n\");").unwrap_err();
        assert_eq!(e.message, "format directives are not supported");
        let e = parse("printf(\"A\n\");").unwrap_err();
        assert!(e.hint.contains("'''"), "{}", e.hint);
    }
}
