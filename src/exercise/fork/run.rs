//! Runs a fork program in a pure interpreter: which processes it makes, who forked whom, and
//! what each one does, in its own order. Control flow never depends on timing (fork's result
//! only tells parent from child, and wait's result is not used), so each process's sequence of
//! actions is fixed; only their interleaving varies, which `orders` explores.

use super::parse::Stmt;

/// Most processes a program may make (the real-OS lab's limit too).
pub const MAX_PROCESSES: usize = 64;

/// What a process does, in its own order.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Prints the line with this index in [`Run::lines`].
    Print(usize),
    /// Forks the process with this index.
    Fork(usize),
    /// `wait(NULL)`.
    Wait,
}

/// One process of the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proc {
    /// `P0` for the first process, then numbered in depth-first order of the tree.
    pub name: String,
    /// Its parent's index.
    pub parent: Option<usize>,
    /// Line of the `fork()` that created it.
    pub fork_line: Option<usize>,
    /// What it does, in order.
    pub trace: Vec<Action>,
    /// Its children's indices, in the order it forks them.
    pub children: Vec<usize>,
    /// Its exit status.
    pub exit: u8,
}

/// The processes a program makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// Every process, `P0` first, in depth-first order of the tree.
    pub procs: Vec<Proc>,
    /// The program's distinct lines, in the order they first appear in its text.
    pub lines: Vec<String>,
}

/// Where a process is in the program: the blocks it is inside and the next statement of each.
type Cursor<'a> = Vec<(&'a [Stmt], usize)>;

/// The program makes more than [`MAX_PROCESSES`] processes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TooMany;

/// The distinct lines a program can print, in the order they first appear in its text.
fn lines(body: &[Stmt]) -> Vec<String> {
    fn collect(body: &[Stmt], out: &mut Vec<String>) {
        for s in body {
            match s {
                Stmt::Print { text, .. } if !out.contains(text) => out.push(text.clone()),
                Stmt::If { child, parent, .. } => {
                    collect(child, out);
                    collect(parent, out);
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    collect(body, &mut out);
    out
}

/// Runs the program: every process, to its end.
pub fn run(body: &[Stmt]) -> Result<Run, TooMany> {
    let lines = lines(body);
    // Processes in creation order while interpreting; renumbered depth-first below.
    let mut procs: Vec<Proc> = Vec::new();
    let mut pending: Vec<(Cursor, Option<(usize, usize)>)> = vec![(vec![(body, 0)], None)];
    let mut next = 0;
    while next < pending.len() {
        let (mut cursor, origin) = std::mem::take(&mut pending[next]);
        let me = next;
        next += 1;
        let mut p = Proc {
            name: String::new(),
            parent: origin.map(|(parent, _)| parent),
            fork_line: origin.map(|(_, line)| line),
            trace: Vec::new(),
            children: Vec::new(),
            exit: 0,
        };
        while let Some((block, at)) = cursor.last_mut() {
            let Some(stmt) = block.get(*at) else {
                cursor.pop();
                continue;
            };
            *at += 1;
            match stmt {
                Stmt::Print { text, .. } => {
                    let i = lines.iter().position(|l| l == text).unwrap_or(0);
                    p.trace.push(Action::Print(i));
                }
                Stmt::Wait { .. } => p.trace.push(Action::Wait),
                Stmt::Exit { code, .. } => {
                    p.exit = *code;
                    break;
                }
                Stmt::Fork { line } => {
                    p.trace.push(Action::Fork(pending.len()));
                    p.children.push(pending.len());
                    pending.push((cursor.clone(), Some((me, *line))));
                }
                Stmt::If {
                    line,
                    child,
                    parent,
                } => {
                    p.trace.push(Action::Fork(pending.len()));
                    p.children.push(pending.len());
                    let mut theirs = cursor.clone();
                    theirs.push((child, 0));
                    pending.push((theirs, Some((me, *line))));
                    cursor.push((parent, 0));
                }
            }
            if pending.len() > MAX_PROCESSES {
                return Err(TooMany);
            }
        }
        procs.push(p);
    }
    Ok(Run {
        procs: depth_first(procs),
        lines,
    })
}

/// The processes renumbered in depth-first order (each child right after its parent's earlier
/// children's subtrees), and named P0, P1… in that order.
fn depth_first(procs: Vec<Proc>) -> Vec<Proc> {
    let mut order = Vec::with_capacity(procs.len());
    let mut stack = vec![0];
    while let Some(p) = stack.pop() {
        order.push(p);
        stack.extend(procs[p].children.iter().rev());
    }
    let mut new_index = vec![0; procs.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    order
        .iter()
        .enumerate()
        .map(|(new, &old)| {
            let p = &procs[old];
            Proc {
                name: format!("P{new}"),
                parent: p.parent.map(|q| new_index[q]),
                fork_line: p.fork_line,
                trace: p
                    .trace
                    .iter()
                    .map(|a| match a {
                        Action::Fork(c) => Action::Fork(new_index[*c]),
                        other => *other,
                    })
                    .collect(),
                children: p.children.iter().map(|c| new_index[*c]).collect(),
                exit: p.exit,
            }
        })
        .collect()
}

impl Run {
    /// How many times line `i` is printed, and by which processes (a process that prints it
    /// twice is listed twice).
    pub fn printed_by(&self, i: usize) -> Vec<&str> {
        self.procs
            .iter()
            .flat_map(|p| {
                p.trace
                    .iter()
                    .filter(move |a| **a == Action::Print(i))
                    .map(|_| p.name.as_str())
            })
            .collect()
    }

    /// How many lines are printed in all.
    pub fn total_lines(&self) -> usize {
        self.procs
            .iter()
            .map(|p| {
                p.trace
                    .iter()
                    .filter(|a| matches!(a, Action::Print(_)))
                    .count()
            })
            .sum()
    }

    /// The lines a process prints, in its order.
    pub fn prints_of(&self, p: usize) -> Vec<&str> {
        self.procs[p]
            .trace
            .iter()
            .filter_map(|a| match a {
                Action::Print(i) => Some(self.lines[*i].as_str()),
                _ => None,
            })
            .collect()
    }

    /// The process tree drawn with box characters, each process with what it prints.
    pub fn tree(&self) -> String {
        fn node(run: &Run, p: usize, prefix: &str, last: bool, root: bool, out: &mut String) {
            let proc = &run.procs[p];
            let prints = run.prints_of(p);
            let what = if prints.is_empty() {
                "prints nothing".to_string()
            } else {
                format!("prints {}", prints.join(", "))
            };
            let origin = proc
                .fork_line
                .map_or(String::new(), |l| format!(" (fork on line {l})"));
            let branch = match (root, last) {
                (true, _) => "",
                (false, true) => "└── ",
                (false, false) => "├── ",
            };
            out.push_str(&format!("{prefix}{branch}{}{origin}: {what}\n", proc.name));
            let deeper = match (root, last) {
                (true, _) => prefix.to_string(),
                (false, true) => format!("{prefix}    "),
                (false, false) => format!("{prefix}│   "),
            };
            for (k, &c) in proc.children.iter().enumerate() {
                node(run, c, &deeper, k + 1 == proc.children.len(), false, out);
            }
        }
        let mut out = String::new();
        node(self, 0, "", true, true, &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse;
    use super::*;

    // Worked by hand:
    //   printf("A\n");                  P0 prints A
    //   if (fork() == 0) {              P0 forks P1
    //       printf("B\n");              P1 prints B
    //       exit(0);                    P1 ends
    //   }
    //   fork();                         P0 forks P2; both go on
    //   printf("C\n");                  P0 and P2 print C
    // So 3 processes; A once, B once, C twice; 4 lines.
    #[test]
    fn a_program_worked_by_hand() {
        let body = parse(
            "printf(\"A\\n\");\nif (fork() == 0) {\n printf(\"B\\n\");\n exit(0);\n}\nfork();\nprintf(\"C\\n\");\n",
        )
        .unwrap();
        let run = run(&body).unwrap();
        assert_eq!(run.procs.len(), 3);
        assert_eq!(run.lines, ["A", "B", "C"]);
        assert_eq!(run.printed_by(0), ["P0"]);
        assert_eq!(run.printed_by(1), ["P1"]);
        assert_eq!(run.printed_by(2), ["P0", "P2"]);
        assert_eq!(run.total_lines(), 4);
        assert_eq!(
            run.tree(),
            "P0: prints A, C\n├── P1 (fork on line 2): prints B\n└── P2 (fork on line 6): prints C\n"
        );
    }

    // fork(); fork(); fork(); makes 2 × 2 × 2 = 8 processes; the tree is the binomial tree:
    // P0 has 3 children, its first child 2, and so on.
    #[test]
    fn three_forks_make_eight() {
        let run = run(&parse("fork(); fork(); fork(); printf(\"hi\\n\");").unwrap()).unwrap();
        assert_eq!(run.procs.len(), 8);
        assert_eq!(run.printed_by(0).len(), 8);
        let children: Vec<usize> = run.procs.iter().map(|p| p.children.len()).collect();
        assert_eq!(children, [3, 2, 1, 0, 0, 1, 0, 0]);
        let body = parse(&"fork();".repeat(7)).unwrap();
        assert_eq!(super::run(&body), Err(TooMany), "2^7 = 128 > 64");
    }
}
