//! The multi-level feedback queue's bookkeeping, following OSTEP chapter 8 and, where the
//! chapter leaves details open, what OSTEP's reference simulator mlfq.py does.

use crate::kernel::config::MlfqConfig;
use crate::kernel::event::LevelChange;
use crate::kernel::pcb::SchedData;

/// A new job (or every job, at a boost) starts at the top queue with a full quantum and
/// allotment (rules 3 and 5).
pub fn enter_top(cfg: &MlfqConfig, sched: &mut SchedData) {
    sched.level = cfg.top();
    sched.quantum_left = cfg.quantum_at(sched.level);
    sched.allotment_left = cfg.allotment_at(sched.level);
}

/// A quantum was used up: one quantum less of allotment; with none left the job moves down a
/// queue (or, at the bottom, starts over there) with a fresh quantum and allotment (rule 4).
pub fn quantum_used(cfg: &MlfqConfig, sched: &mut SchedData) -> LevelChange {
    let from = sched.level;
    sched.allotment_left = sched.allotment_left.saturating_sub(1);
    let at_bottom = sched.allotment_left == 0 && from == 0;
    if sched.allotment_left == 0 {
        sched.level = sched.level.saturating_sub(1);
        sched.allotment_left = cfg.allotment_at(sched.level);
    }
    sched.quantum_left = cfg.quantum_at(sched.level);
    LevelChange {
        from,
        to: sched.level,
        allotment_left: sched.allotment_left,
        at_bottom,
    }
}

/// The job gives up the CPU to wait (I/O, sleep, wait). It keeps the rest of its quantum,
/// unless OSTEP's `-S` rule resets quantum and allotment; a quantum that ran out at this very
/// tick still counts as used (mlfq.py checks it after the reset, so with `-S` a job whose last
/// tick ends its quantum still loses a quantum of allotment).
pub fn gives_up_cpu(cfg: &MlfqConfig, sched: &mut SchedData) -> Option<LevelChange> {
    let expired = sched.quantum_left == 0;
    if cfg.io_resets_allotment {
        sched.quantum_left = cfg.quantum_at(sched.level);
        sched.allotment_left = cfg.allotment_at(sched.level);
    }
    expired.then(|| quantum_used(cfg, sched))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> MlfqConfig {
        MlfqConfig {
            quantum: vec![2, 4, 8],
            allotment: vec![2, 1, 1],
            boost: None,
            io_resets_allotment: false,
            io_to_front: false,
        }
    }

    #[test]
    fn a_job_moves_down_after_its_allotment() {
        let cfg = cfg();
        let mut s = SchedData::default();
        enter_top(&cfg, &mut s);
        assert_eq!((s.level, s.quantum_left, s.allotment_left), (2, 2, 2));
        let first = quantum_used(&cfg, &mut s);
        assert_eq!(
            (first.from, first.to, s.quantum_left, s.allotment_left),
            (2, 2, 2, 1)
        );
        let second = quantum_used(&cfg, &mut s);
        assert_eq!((second.from, second.to, s.quantum_left), (2, 1, 4));
        quantum_used(&cfg, &mut s);
        assert_eq!((s.level, s.quantum_left, s.allotment_left), (0, 8, 1));
        let bottom = quantum_used(&cfg, &mut s);
        assert_eq!((bottom.from, bottom.to, s.quantum_left), (0, 0, 8));
    }

    #[test]
    fn giving_up_the_cpu_keeps_the_quantum_unless_the_stay_rule_is_on() {
        let mut cfg = cfg();
        let mut s = SchedData::default();
        enter_top(&cfg, &mut s);
        s.quantum_left = 1;
        assert_eq!(gives_up_cpu(&cfg, &mut s), None);
        assert_eq!((s.level, s.quantum_left, s.allotment_left), (2, 1, 2));
        cfg.io_resets_allotment = true;
        s.allotment_left = 1;
        assert_eq!(gives_up_cpu(&cfg, &mut s), None);
        assert_eq!((s.quantum_left, s.allotment_left), (2, 2));
    }

    #[test]
    fn a_quantum_that_ends_with_the_io_still_counts_even_with_the_stay_rule() {
        let mut cfg = cfg();
        cfg.allotment = vec![1, 1, 1];
        cfg.io_resets_allotment = true;
        let mut s = SchedData::default();
        enter_top(&cfg, &mut s);
        s.quantum_left = 0;
        let change = gives_up_cpu(&cfg, &mut s).expect("the quantum ran out");
        assert_eq!((change.from, change.to), (2, 1));
    }
}
