//! Which orders of the output lines are possible: an exhaustive search over every
//! interleaving of the processes, with `wait(NULL)` returning only once some child has ended.
//!
//! Each line is assumed to be printed at once and whole (it ends in `\n` and standard output is a
//! terminal, so nothing sits in a stdio buffer that `fork` would copy).
//!
//! To keep the search small, steps that nobody else can observe are taken at once: a `fork`
//! (making the child earlier only gives it more chances), a process ending (it only lets its
//! parent's `wait` return sooner), and a `wait` with no child left to reap (it returns at once
//! whenever it runs). Taking such a step earlier never removes a possible output and never adds
//! an impossible one. Printing a line and reaping a child remain choices.

use super::run::{Action, Run};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// At most this many different outputs are listed; beyond it they are only "too many".
pub const MAX_OUTPUTS: usize = 5000;
/// At most this many states are searched, per question: enough for every generated program
/// by far, and a few seconds at most for the largest program a file may hold.
const MAX_STATES: usize = 50_000;

/// Why the outputs were not listed.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Limit {
    /// There are more than [`MAX_OUTPUTS`].
    Outputs,
    /// The processes interleave in too many ways to search them all.
    States,
}

/// What the search found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Orders {
    /// Every possible output, as indices into the lines, sorted; `None` if a limit was hit.
    pub outputs: Option<Vec<Vec<usize>>>,
    /// Which limit, when `outputs` is `None`.
    pub limit: Option<Limit>,
    /// The pairs `(a, b)` of different lines, both printed, such that in every run every `a`
    /// comes before every `b`; `None` if the processes interleave in too many ways to search.
    pub always_before: Option<Vec<(usize, usize)>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct State {
    pcs: Vec<u8>,
    reaped: u64,
}

struct Search<'a> {
    run: &'a Run,
    /// Index of the `Fork` in its parent's trace, for each process but the first.
    fork_at: Vec<usize>,
}

impl Search<'_> {
    fn created(&self, s: &State, p: usize) -> bool {
        match self.run.procs[p].parent {
            None => true,
            Some(q) => usize::from(s.pcs[q]) > self.fork_at[p],
        }
    }

    fn finished(&self, s: &State, p: usize) -> bool {
        self.created(s, p) && usize::from(s.pcs[p]) == self.run.procs[p].trace.len()
    }

    /// Children forked so far and not reaped yet.
    fn unreaped<'s>(&'s self, s: &'s State, p: usize) -> impl Iterator<Item = usize> + 's {
        self.run.procs[p]
            .children
            .iter()
            .copied()
            .filter(move |&c| self.fork_at[c] < usize::from(s.pcs[p]) && s.reaped & (1 << c) == 0)
    }

    /// Takes every step that no other process can observe (see the module's comment).
    fn close(&self, s: &mut State) {
        loop {
            let mut moved = false;
            for p in 0..s.pcs.len() {
                if !self.created(s, p) || self.finished(s, p) {
                    continue;
                }
                let silent = match self.run.procs[p].trace[usize::from(s.pcs[p])] {
                    Action::Fork(_) => true,
                    Action::Wait => self.unreaped(s, p).next().is_none(),
                    Action::Print(_) => false,
                };
                if silent {
                    s.pcs[p] += 1;
                    moved = true;
                }
            }
            if !moved {
                return;
            }
        }
    }

    /// Every next step: the line it prints (if any) and the state after it.
    fn moves(&self, s: &State) -> Vec<(Option<usize>, State)> {
        let mut out = Vec::new();
        for p in 0..s.pcs.len() {
            if !self.created(s, p) || self.finished(s, p) {
                continue;
            }
            match self.run.procs[p].trace[usize::from(s.pcs[p])] {
                Action::Print(line) => {
                    let mut next = s.clone();
                    next.pcs[p] += 1;
                    self.close(&mut next);
                    out.push((Some(line), next));
                }
                Action::Wait => {
                    for c in self.unreaped(s, p).filter(|&c| self.finished(s, c)) {
                        let mut next = s.clone();
                        next.pcs[p] += 1;
                        next.reaped |= 1 << c;
                        self.close(&mut next);
                        out.push((None, next));
                    }
                }
                Action::Fork(_) => {}
            }
        }
        out
    }

    fn start(&self) -> State {
        let mut s = State {
            pcs: vec![0; self.run.procs.len()],
            reaped: 0,
        };
        self.close(&mut s);
        s
    }

    /// The outputs possible from `s` on, or the limit that stopped the search.
    fn outputs(
        &self,
        s: &State,
        memo: &mut HashMap<State, Rc<HashSet<Vec<usize>>>>,
    ) -> Result<Rc<HashSet<Vec<usize>>>, Limit> {
        if let Some(known) = memo.get(s) {
            return Ok(known.clone());
        }
        if memo.len() > MAX_STATES {
            return Err(Limit::States);
        }
        let moves = self.moves(s);
        let mut all = HashSet::new();
        if moves.is_empty() {
            all.insert(Vec::new());
        }
        for (line, next) in moves {
            let rest = self.outputs(&next, memo)?;
            for tail in rest.iter() {
                let mut out = Vec::with_capacity(tail.len() + 1);
                out.extend(line);
                out.extend_from_slice(tail);
                all.insert(out);
            }
            if all.len() > MAX_OUTPUTS {
                return Err(Limit::Outputs);
            }
        }
        let all = Rc::new(all);
        memo.insert(s.clone(), all.clone());
        Ok(all)
    }

    /// Whether some run prints a `b` before some `a`; `None` if the search was too big.
    fn can_precede(&self, b: usize, a: usize) -> Option<bool> {
        let mut seen = HashSet::new();
        let mut stack = vec![(self.start(), false)];
        while let Some((s, b_printed)) = stack.pop() {
            if !seen.insert((s.clone(), b_printed)) {
                continue;
            }
            if seen.len() > MAX_STATES {
                return None;
            }
            for (line, next) in self.moves(&s) {
                if b_printed && line == Some(a) {
                    return Some(true);
                }
                stack.push((next, b_printed || line == Some(b)));
            }
        }
        Some(false)
    }
}

/// Searches every interleaving of the run's processes.
pub fn explore(run: &Run) -> Orders {
    let mut fork_at = vec![0; run.procs.len()];
    for p in &run.procs {
        for (i, a) in p.trace.iter().enumerate() {
            if let Action::Fork(c) = a {
                fork_at[*c] = i;
            }
        }
    }
    let search = Search { run, fork_at };
    let start = search.start();
    let found = search.outputs(&start, &mut HashMap::new()).map(|set| {
        let mut v: Vec<Vec<usize>> = set.iter().cloned().collect();
        v.sort();
        v
    });
    let (outputs, limit) = match found {
        Ok(v) => (Some(v), None),
        Err(limit) => (None, Some(limit)),
    };
    let printed: Vec<usize> = (0..run.lines.len())
        .filter(|&i| !run.printed_by(i).is_empty())
        .collect();
    let mut always_before = Some(Vec::new());
    'pairs: for &a in &printed {
        for &b in &printed {
            if a == b {
                continue;
            }
            match search.can_precede(b, a) {
                Some(true) => {}
                Some(false) => {
                    if let Some(pairs) = always_before.as_mut() {
                        pairs.push((a, b));
                    }
                }
                None => {
                    always_before = None;
                    break 'pairs;
                }
            }
        }
    }
    Orders {
        outputs,
        limit,
        always_before,
    }
}

/// The pairs of `always_before` that do not follow from two others (if every A comes before
/// every B and every B before every C, every A comes before every C): the ones worth saying.
pub fn essential(pairs: &[(usize, usize)]) -> Vec<(usize, usize)> {
    pairs
        .iter()
        .copied()
        .filter(|&(a, c)| {
            !pairs
                .iter()
                .any(|&(x, b)| x == a && b != c && pairs.contains(&(b, c)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse;
    use super::super::run::run;
    use super::*;

    fn orders(src: &str) -> (Run, Orders) {
        let r = run(&parse(src).unwrap()).unwrap();
        let o = explore(&r);
        (r, o)
    }

    fn texts(r: &Run, outputs: &[Vec<usize>]) -> Vec<String> {
        outputs
            .iter()
            .map(|o| {
                o.iter()
                    .map(|&i| r.lines[i].as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    // Worked by hand. P0 prints A, then forks P1 (which prints B and exits), forks P2, and both
    // P0 and P2 print C. A comes first (everything else happens after P0 printed it); then B, C
    // and C in any order: B C C, C B C or C C B — three different outputs.
    #[test]
    fn without_wait_anything_after_the_fork_interleaves() {
        let (r, o) = orders(
            "printf(\"A\\n\"); if (fork() == 0) { printf(\"B\\n\"); exit(0); } fork(); printf(\"C\\n\");",
        );
        let outputs = o.outputs.expect("few");
        assert_eq!(texts(&r, &outputs), ["A B C C", "A C B C", "A C C B"]);
        assert_eq!(o.always_before, Some(vec![(0, 1), (0, 2)]));
    }

    // With wait: the parent prints "parent" only after its only child has ended, so "child"
    // always comes first. With two children and one wait, the parent's line may come before
    // either child's, but not before both: X Y P, Y X P, X P Y, Y P X — never P X Y.
    #[test]
    fn wait_orders_the_parent_after_a_child() {
        let (_, o) = orders(
            "if (fork() == 0) { printf(\"child\\n\"); exit(0); } wait(NULL); printf(\"parent\\n\");",
        );
        assert_eq!(o.outputs.expect("few").len(), 1);
        assert_eq!(o.always_before, Some(vec![(0, 1)]));
        let (r, o) = orders(
            "if (fork() == 0) { printf(\"X\\n\"); exit(0); } if (fork() == 0) { printf(\"Y\\n\"); exit(0); } wait(NULL); printf(\"P\\n\");",
        );
        assert_eq!(
            texts(&r, &o.outputs.expect("few")),
            ["X Y P", "X P Y", "Y X P", "Y P X"]
        );
        assert_eq!(
            o.always_before,
            Some(vec![]),
            "no line always before another"
        );
    }

    // 64 processes each print "hi": a single possible output, but far too many interleavings
    // to search; the answer must say so rather than claim many outputs.
    #[test]
    fn a_search_too_big_says_so() {
        let (_, o) = orders("fork(); fork(); fork(); fork(); fork(); fork(); printf(\"hi\\n\");");
        assert_eq!((o.outputs, o.limit), (None, Some(Limit::States)));
    }

    #[test]
    fn only_the_essential_pairs_are_kept() {
        assert_eq!(essential(&[(0, 1), (1, 2), (0, 2)]), [(0, 1), (1, 2)]);
    }
}
