//! The long-term scheduler: which submitted jobs enter the system, and when. It caps the
//! degree of multiprogramming and can keep a mix of I/O-bound and CPU-bound processes.

use super::config::Admission;
use super::engine::Kernel;
use super::event::{EventSink, Reason};
use super::workload::Boundness;

impl Kernel {
    /// Admits jobs from the job queue while there are free slots. Returns true if any was.
    pub(super) fn admit(&mut self, sink: &mut impl EventSink) -> bool {
        let mut any = false;
        while let Some((at, io_bound)) = self.next_job() {
            let Some(pid) = self.job_queue.remove(at) else {
                break;
            };
            self.count_admitted(pid, true);
            let reason = Reason::Admitted {
                in_use: self.admitted,
                limit: self.config.max_multiprogramming,
                io_bound,
            };
            self.load(pid, reason, sink);
            any = true;
        }
        any
    }

    /// Position in the job queue of the next job to admit, if a slot is free, and for the mix
    /// policy which kind it was chosen for.
    fn next_job(&self) -> Option<(usize, Option<bool>)> {
        if self.job_queue.is_empty() {
            return None;
        }
        if self
            .config
            .max_multiprogramming
            .is_some_and(|limit| self.admitted >= limit)
        {
            return None;
        }
        if self.config.admission == Admission::Fcfs {
            return Some((0, None));
        }
        let io = self.admitted_io_bound;
        let cpu = self.admitted - io;
        let wanted = match io.cmp(&cpu) {
            std::cmp::Ordering::Less => Boundness::IoBound,
            std::cmp::Ordering::Greater => Boundness::CpuBound,
            std::cmp::Ordering::Equal => return Some((0, None)),
        };
        let found = self
            .job_queue
            .iter()
            .position(|&p| self.table[p].boundness == wanted);
        match found {
            Some(at) if at > 0 => Some((at, Some(wanted == Boundness::IoBound))),
            _ => Some((0, None)),
        }
    }
}
