//! The only unsafe code in proclab: thin, checked wrappers around the system calls that Rust
//! cannot offer safely — `fork`, `_exit`, raw descriptor juggling, a shared mapping of a
//! shared-memory object, futex waits and wakes, `FIONREAD`, a signal handler, timed sends
//! and receives on POSIX message queues, and System V shared memory (`shmget`, `shmat`,
//! `shmdt`, `shmctl`), which nix does not wrap.
//!
//! Each wrapper states why it is sound. The rule that makes `fork` sound here is that only the
//! lab's helper and its twins fork, and both are single-threaded (checked before every fork).

#![allow(unsafe_code)]

use nix::errno::Errno;
use nix::sys::mman::{MapFlags, ProtFlags, mmap, munmap};
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};
use nix::unistd::{ForkResult, Pid};
use std::num::NonZeroUsize;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicI32, AtomicU32, Ordering};

/// Threads of the calling process, from `/proc/self/task`.
fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").map_or(usize::MAX, |d| d.count())
}

/// `fork()`, refused (`EDEADLK`) if the caller has more than one thread: the child of a
/// multithreaded process may inherit a lock (malloc's, stdout's) that no thread will release.
pub fn fork() -> nix::Result<ForkResult> {
    if threads() != 1 {
        return Err(Errno::EDEADLK);
    }
    // SAFETY: the caller is single-threaded (checked above), so the child gets a consistent
    // copy of every lock and allocator state and may run ordinary Rust code.
    unsafe { nix::unistd::fork() }
}

/// `_exit(code)`: ends the process at once, without running destructors or flushing buffers
/// that the parent's copy will flush too.
pub fn exit_now(code: i32) -> ! {
    // SAFETY: `_exit` is always safe to call; it never returns.
    unsafe { libc::_exit(code) }
}

/// Closes every descriptor from 3 up, except those in `keep` (which must be sorted).
pub fn close_from_3_except(keep: &[RawFd]) {
    let mut first = 3u32;
    for &k in keep {
        let k = k as u32;
        if k > first {
            // SAFETY: closing descriptors we do not own as Rust objects: at a twin's birth, the
            // helper's descriptors it inherited (their owning objects are never used again).
            unsafe { libc::close_range(first, k - 1, 0) };
        }
        first = first.max(k + 1);
    }
    // SAFETY: as above.
    unsafe { libc::close_range(first, u32::MAX, 0) };
}

/// A close-on-exec duplicate of `fd` numbered at least `min`, so that it stays out of the way of
/// the low numbers the scenario's pipes must get.
pub fn dup_at_least(fd: BorrowedFd<'_>, min: RawFd) -> nix::Result<OwnedFd> {
    let raw = nix::fcntl::fcntl(fd, nix::fcntl::FcntlArg::F_DUPFD_CLOEXEC(min))?;
    // SAFETY: `fcntl(F_DUPFD_CLOEXEC)` returned a new descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(raw) })
}

/// Bytes waiting to be read in the pipe or FIFO behind `fd` (`ioctl(FIONREAD)`).
pub fn bytes_waiting(fd: BorrowedFd<'_>) -> nix::Result<usize> {
    let mut n: libc::c_int = 0;
    // SAFETY: FIONREAD writes one int through the pointer, which points at `n`.
    let r = unsafe { libc::ioctl(fd.as_raw_fd(), libc::FIONREAD, &mut n as *mut libc::c_int) };
    Errno::result(r)?;
    Ok(n.max(0) as usize)
}

/// A shared mapping of a shared-memory object, seen as 32-bit atomic words. Every access goes
/// through atomics, because other processes write the same memory at any time.
#[derive(Debug)]
pub struct SharedWords {
    ptr: NonNull<AtomicU32>,
    len: usize,
    /// Attached with `shmat` (undone with `shmdt`) rather than mapped with `mmap`.
    attached: bool,
}

impl SharedWords {
    /// Maps the first `words` words of the object behind `fd`, read-write and shared.
    pub fn map(fd: BorrowedFd<'_>, words: usize) -> nix::Result<SharedWords> {
        let bytes = NonZeroUsize::new(words * 4).ok_or(Errno::EINVAL)?;
        // SAFETY: a fresh mapping chosen by the kernel overlaps nothing Rust owns; the object is
        // at least `bytes` long (the caller sized it with ftruncate).
        let ptr = unsafe {
            mmap(
                None,
                bytes,
                ProtFlags::PROT_READ | ProtFlags::PROT_WRITE,
                MapFlags::MAP_SHARED,
                fd,
                0,
            )?
        };
        Ok(SharedWords {
            ptr: ptr.cast(),
            len: words,
            attached: false,
        })
    }

    /// Attaches the System V segment `shmid` (`shmat`, read-write, at an address the kernel
    /// chooses) and sees its first `words` words; refused (`EINVAL`) if it is smaller.
    pub fn attach(shmid: i32, words: usize) -> nix::Result<SharedWords> {
        if words == 0 || shm_stat(shmid)?.size < words * 4 {
            return Err(Errno::EINVAL);
        }
        // SAFETY: shmat with a null address lets the kernel place the segment where nothing
        // Rust owns lives; the result is checked for the (void *) -1 error value before use.
        let ptr = unsafe { libc::shmat(shmid, std::ptr::null(), 0) };
        if ptr as isize == -1 {
            return Err(Errno::last());
        }
        let ptr = NonNull::new(ptr.cast::<AtomicU32>()).ok_or(Errno::EFAULT)?;
        Ok(SharedWords {
            ptr,
            len: words,
            attached: true,
        })
    }

    /// The words.
    pub fn words(&self) -> &[AtomicU32] {
        // SAFETY: the mapping is `len` words long, page-aligned, lives as long as `self`, and
        // AtomicU32 has the layout of u32, so any bit pattern another process writes is valid.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl Drop for SharedWords {
    fn drop(&mut self) {
        // SAFETY: undoes exactly the mapping made in `map` or `attach`; no reference into it
        // outlives `self` because `words` borrows `self`.
        unsafe {
            if self.attached {
                libc::shmdt(self.ptr.as_ptr().cast());
            } else {
                let _ = munmap(self.ptr.cast(), self.len * 4);
            }
        }
    }
}

/// `shmget(key, bytes, 0600)`: the System V segment `key` names, made now with
/// `IPC_CREAT | IPC_EXCL` if `create` (so that an existing segment is never taken over).
pub fn shm_get(key: i32, bytes: usize, create: bool) -> nix::Result<i32> {
    let mut flags = 0o600;
    if create {
        flags |= libc::IPC_CREAT | libc::IPC_EXCL;
    }
    // SAFETY: shmget takes plain values and touches no memory of ours.
    Errno::result(unsafe { libc::shmget(key, bytes, flags) })
}

/// What `shmctl(IPC_STAT)` says of a segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShmStat {
    /// Its key (0, IPC_PRIVATE, once it is marked for removal).
    pub key: i32,
    /// Its size in bytes.
    pub size: usize,
    /// Who created it.
    pub cpid: i32,
    /// Its owner.
    pub uid: u32,
    /// Processes attached.
    pub nattch: u64,
}

/// `shmctl(shmid, IPC_STAT)`.
pub fn shm_stat(shmid: i32) -> nix::Result<ShmStat> {
    let mut ds = std::mem::MaybeUninit::<libc::shmid_ds>::zeroed();
    // SAFETY: IPC_STAT fills the shmid_ds the pointer points at, which lives for the call;
    // it is read only after the call succeeded (and all-zero bytes are a valid shmid_ds).
    let r = unsafe { libc::shmctl(shmid, libc::IPC_STAT, ds.as_mut_ptr()) };
    Errno::result(r)?;
    // SAFETY: zeroed, then filled by a successful IPC_STAT.
    let ds = unsafe { ds.assume_init() };
    Ok(ShmStat {
        key: ds.shm_perm.__key,
        size: ds.shm_segsz,
        cpid: ds.shm_cpid,
        uid: ds.shm_perm.uid,
        nattch: ds.shm_nattch,
    })
}

/// `shmctl(shmid, IPC_RMID)`: marks the segment for removal; it goes at its last detach.
pub fn shm_remove(shmid: i32) -> nix::Result<()> {
    // SAFETY: IPC_RMID reads no buffer, so a null pointer is what it expects.
    Errno::result(unsafe { libc::shmctl(shmid, libc::IPC_RMID, std::ptr::null_mut()) }).map(drop)
}

/// Sleeps while `word` still holds `expected` (a futex wait; shared between processes, so
/// not the private variant). Returns at once if the value already differs; may return
/// spuriously, so callers re-check their condition.
pub fn futex_wait(word: &AtomicU32, expected: u32) {
    // SAFETY: the address is a valid, aligned u32 for the duration of the call; the timeout
    // pointer is null (wait without limit).
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAIT,
            expected,
            std::ptr::null::<libc::timespec>(),
        );
    }
}

/// Wakes up to `n` processes sleeping in [`futex_wait`] on `word`.
pub fn futex_wake(word: &AtomicU32, n: i32) {
    // SAFETY: as for `futex_wait`; FUTEX_WAKE only reads the address as a key.
    unsafe {
        libc::syscall(libc::SYS_futex, word.as_ptr(), libc::FUTEX_WAKE, n);
    }
}

/// The helper's pid, for the parent-death handler.
static HELPER: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_parent_death(_: libc::c_int) {
    // A twin's parent died. If the lab's helper adopted it (it is the child subreaper), this
    // is an orphan the scenario wants to see; if not, the helper itself is gone: end at once.
    // Only async-signal-safe calls here: getppid and _exit.
    if nix::unistd::getppid().as_raw() != HELPER.load(Ordering::Relaxed) {
        exit_now(128 + libc::SIGUSR1);
    }
}

/// Arms the parent-death signal of a twin: SIGKILL if `die_with_parent` (cascading
/// termination), otherwise SIGUSR1 with a handler that ends the twin only if its new parent is
/// not the helper — so twins never outlive a helper killed with SIGKILL.
pub fn arm_parent_death(helper: Pid, die_with_parent: bool) -> nix::Result<()> {
    HELPER.store(helper.as_raw(), Ordering::Relaxed);
    if die_with_parent {
        return nix::sys::prctl::set_pdeathsig(Signal::SIGKILL);
    }
    let action = SigAction::new(
        SigHandler::Handler(on_parent_death),
        // Interrupted reads, writes, waits and opens restart: an orphan carries on.
        SaFlags::SA_RESTART,
        SigSet::empty(),
    );
    // SAFETY: the handler only calls async-signal-safe functions.
    unsafe { sigaction(Signal::SIGUSR1, &action)? };
    nix::sys::prctl::set_pdeathsig(Signal::SIGUSR1)
}

/// Before `execvp`: the new program gets default signal dispositions for SIGPIPE (which the
/// Rust runtime ignores) and no parent-death signal unless it must die with its parent.
pub fn prepare_exec(die_with_parent: bool) -> nix::Result<()> {
    let default = SigAction::new(SigHandler::SigDfl, SaFlags::empty(), SigSet::empty());
    // SAFETY: installing the default disposition runs no code of ours in a signal context.
    unsafe { sigaction(Signal::SIGPIPE, &default)? };
    if !die_with_parent {
        // The SIGUSR1 handler is gone after exec; the default action would kill an orphan.
        nix::sys::prctl::set_pdeathsig(None)?;
    }
    Ok(())
}

/// The raw number of a descriptor, for messages and `/proc` paths.
pub fn raw(fd: &impl AsFd) -> RawFd {
    fd.as_fd().as_raw_fd()
}

/// Like [`futex_wait`], but gives up after `timeout`, so that a waiter can look up now and
/// then whether the other side is still there (the IPC benchmark's shared-memory channel).
pub fn futex_wait_for(word: &AtomicU32, expected: u32, timeout: std::time::Duration) {
    let limit = libc::timespec {
        tv_sec: timeout.as_secs().min(i64::MAX as u64) as libc::time_t,
        tv_nsec: timeout.subsec_nanos() as libc::c_long,
    };
    // SAFETY: the address is a valid, aligned u32 for the duration of the call; FUTEX_WAIT
    // reads the relative timeout through a pointer to `limit`, which outlives the call.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAIT,
            expected,
            &limit as *const libc::timespec,
        );
    }
}

/// The `CLOCK_REALTIME` instant `within` from now, as the absolute deadline that
/// `mq_timedsend` takes.
fn realtime_deadline(within: std::time::Duration) -> libc::timespec {
    let at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        + within;
    libc::timespec {
        tv_sec: at.as_secs().min(i64::MAX as u64) as libc::time_t,
        tv_nsec: at.subsec_nanos() as libc::c_long,
    }
}

/// `mq_timedsend`: sends `message` (priority 0), waiting at most `within` for room in the
/// queue (`ETIMEDOUT` then). nix wraps `mq_send` only, which could wait forever (it does wrap
/// `mq_timedreceive`, which the receiving side uses).
pub fn mq_send_within(
    queue: &nix::mqueue::MqdT,
    message: &[u8],
    within: std::time::Duration,
) -> nix::Result<()> {
    let deadline = realtime_deadline(within);
    // SAFETY: the descriptor is an open queue owned by `queue`; the kernel reads
    // `message.len()` bytes from the slice and one timespec from `deadline`, both alive for
    // the call.
    let r = unsafe {
        libc::mq_timedsend(
            queue.as_raw_fd(),
            message.as_ptr().cast(),
            message.len(),
            0,
            &deadline,
        )
    };
    Errno::result(r).map(drop)
}
