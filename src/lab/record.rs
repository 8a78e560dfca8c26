//! What the lab records at each step: the simulated kernel's view and the real kernel's view of
//! the same moment, the system calls made on both sides, and what differs. These records are
//! all the front ends (text, JSON, the TUI) ever see of the real side, so a recorded step can be
//! shown again without touching a process.

use serde::{Deserialize, Serialize};

/// One process as the simulated kernel has it after a step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimProcess {
    /// Name from the scenario.
    pub name: String,
    /// Simulated pid.
    pub pid: u32,
    /// Simulated parent pid (1 is init).
    pub ppid: u32,
    /// State: new, ready, running, waiting, zombie, terminated (suspended states keep their name).
    pub state: String,
    /// What a waiting process waits for, in words.
    pub waits_for: Option<String>,
    /// The program it runs (changes with exec).
    pub command: String,
}

/// One open descriptor of a twin, from `/proc/PID/fd`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RealFd {
    /// The descriptor number.
    pub fd: i32,
    /// What the kernel says it points to: `pipe:[1234]`, `/dev/shm/…`, `socket:[…]`.
    pub target: String,
    /// The scenario's object behind it, when known: `greeting (read end)`.
    pub object: Option<String>,
}

/// One twin as `/proc` shows it after a step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RealProcess {
    /// The simulated process it stands for.
    pub name: String,
    /// Real pid.
    pub pid: i32,
    /// Real parent pid, or 0 once it is gone.
    pub ppid: i32,
    /// Who the parent is: a twin's name, `proclab (helper)`, or a pid.
    pub parent: String,
    /// State letter from `/proc/PID/stat` (`R`, `S`, `D`, `Z`, `T`), or `-` once reaped.
    pub state: char,
    /// The letter in words.
    pub meaning: String,
    /// Kernel function it sleeps in (`/proc/PID/wchan`), empty if running or gone.
    pub wchan: String,
    /// Command name (`comm`), which changes after exec.
    pub comm: String,
    /// Open descriptors.
    pub fds: Vec<RealFd>,
    /// Voluntary context switches so far.
    pub voluntary_switches: u64,
    /// Involuntary context switches so far.
    pub involuntary_switches: u64,
}

/// A pipe, FIFO or shared ring, on both sides.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ObjectView {
    /// Name from the scenario.
    pub name: String,
    /// `pipe`, `fifo` or `ring`.
    pub kind: String,
    /// The simulated object in words (bytes waiting, ring slots), or `None` if not created.
    pub sim: Option<String>,
    /// The real object in words, or `None` if there is none (yet) or it can't be read now.
    pub real: Option<String>,
    /// Bytes waiting (pipes and FIFOs) or items held (rings) in the model.
    pub sim_count: Option<u64>,
    /// The same, measured on the real object.
    pub real_count: Option<u64>,
}

/// How a real process ended, as `waitpid` reported it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RealStatus {
    /// Exited with this code.
    Exited(i32),
    /// Killed by this signal (its name).
    Signaled(String),
}

/// What a real system call returned.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// Return value (-1 on error).
    pub ret: i64,
    /// Symbolic errno, on error.
    pub errno: Option<String>,
    /// Data read or consumed; the descriptors of a new pipe (`[3, 4]`).
    pub data: Option<String>,
    /// For `wait`: how the child ended.
    pub status: Option<RealStatus>,
    /// A pid the call made or collected (fork, wait).
    pub pid: Option<i32>,
    /// The inode of a new pipe or socket, to recognise it in `/proc/PID/fd`.
    pub inode: Option<u64>,
    /// The port on 127.0.0.1 a TCP or UDP socket was bound to.
    pub port: Option<u16>,
}

/// A system call, as the model made it and as the twin made it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallRecord {
    /// Which call: `fork`, `exec`, `wait`, `read`… (`reap` when init collects a process).
    pub kind: String,
    /// Who made it.
    pub process: String,
    /// The call in C-like words: `read(greeting, 100)`.
    pub call: String,
    /// The model's result (`= 5 "hello"`), `… blocks`, or `… returns = 5` for a call that
    /// returns in this step after blocking.
    pub sim: String,
    /// The real result in the same words, `… blocks in pipe_read`, or `None` if the call was not
    /// made for real (and `note` says why).
    pub real: Option<String>,
    /// What the real call returned (absent while it blocks, or if it was not made).
    pub outcome: Option<Outcome>,
    /// Where the real call sleeps, if it blocked.
    pub blocked_in: Option<String>,
    /// Why a call was not made for real, or what to know about it.
    pub note: Option<String>,
    /// Whether both sides agree (`None`: nothing to compare).
    pub agree: Option<bool>,
}

/// Whether a finding is a disagreement or a difference by design.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// The two kernels did something different that the model should have matched.
    Mismatch,
    /// A difference that comes from how the lab works or what the model leaves out.
    Note,
}

/// A difference between the two views, told as something for the student to notice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Simulated time.
    pub time: u64,
    /// Mismatch or note.
    pub kind: FindingKind,
    /// The process concerned, if one.
    pub process: Option<String>,
    /// What differs and why.
    pub text: String,
}

/// Everything recorded at one step of the simulated kernel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepRecord {
    /// Step number, from 1.
    pub step: u64,
    /// Number of steps in the whole run.
    pub steps: u64,
    /// Simulated time.
    pub time: u64,
    /// What the simulated kernel did, in sentences.
    pub events: Vec<String>,
    /// System calls made at this step.
    pub calls: Vec<CallRecord>,
    /// The simulated processes after the step.
    pub sim: Vec<SimProcess>,
    /// The twins after the step.
    pub real: Vec<RealProcess>,
    /// IPC objects after the step.
    pub objects: Vec<ObjectView>,
    /// What the real processes wrote to their terminal during the step.
    pub output: String,
    /// Differences found at this step.
    pub findings: Vec<Finding>,
}

/// The end of a lab run: the comparison in one place.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Steps run.
    pub steps: u64,
    /// True if no mismatch was found.
    pub agree: bool,
    /// The disagreements.
    pub mismatches: Vec<Finding>,
    /// Differences by design, each said once.
    pub notes: Vec<Finding>,
    /// Real processes created.
    pub processes: u32,
    /// The helper's pid (the twins' subreaper).
    pub helper_pid: i32,
}

/// Who stands in for init on the real side.
pub const HELPER_NAME: &str = "proclab (helper)";

/// A `/proc` state letter in words.
pub fn meaning(state: char) -> &'static str {
    match state {
        'R' => "running or runnable",
        'S' => "sleeping (interruptible)",
        'D' => "disk sleep (uninterruptible)",
        'Z' => "zombie: exited, not reaped",
        'T' => "stopped",
        't' => "stopped by a debugger",
        'X' => "dead",
        'I' => "idle kernel thread",
        '-' => "gone: reaped",
        _ => "unknown",
    }
}
