//! System V shared memory on the real side: the segments as `/proc/sysvipc/shm` lists them
//! (what `ipcs -m` shows), and their removal. A segment outlives every process unless someone
//! removes it, so the lab never lets one outlive a run: its key is made from the helper's pid
//! and written down in the run's directory before the segment is made, the run removes it at
//! the end, and a later run removes those of a run that was killed.

#![forbid(unsafe_code)]

use super::sys;

/// Where Linux lists the System V segments.
pub const PROC_SHM: &str = "/proc/sysvipc/shm";

/// `SHM_DEST` in a segment's mode: marked for removal, destroyed at its last detach.
const SHM_DEST: u32 = 0o1000;

/// One segment as `/proc/sysvipc/shm` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// Its key (0 once marked for removal).
    pub key: i32,
    /// Its id.
    pub shmid: i32,
    /// Mode bits, `SHM_DEST` included.
    pub mode: u32,
    /// Size in bytes.
    pub size: u64,
    /// Who created it.
    pub cpid: i32,
    /// Processes attached.
    pub nattch: u64,
}

impl Segment {
    /// Marked for removal (`ipcs -m` shows `dest`).
    pub fn marked(&self) -> bool {
        self.mode & SHM_DEST != 0
    }

    /// The segment in `ipcs -m`'s words: `key 0x…, shmid N, B bytes, nattch K`.
    pub fn describe(&self) -> String {
        let mut text = format!(
            "key 0x{:08x}, shmid {}, {} bytes, nattch {}",
            self.key, self.shmid, self.size, self.nattch
        );
        if self.marked() {
            text.push_str(", marked for removal (dest)");
        }
        text
    }
}

/// Parses the text of `/proc/sysvipc/shm` (a header line, then one segment a line: key,
/// shmid, perms in octal, size, cpid, lpid, nattch, …).
pub fn parse(text: &str) -> Vec<Segment> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            Some(Segment {
                key: f.first()?.parse().ok()?,
                shmid: f.get(1)?.parse().ok()?,
                mode: u32::from_str_radix(f.get(2)?, 8).ok()?,
                size: f.get(3)?.parse().ok()?,
                cpid: f.get(4)?.parse().ok()?,
                nattch: f.get(6)?.parse().ok()?,
            })
        })
        .collect()
}

/// Every segment of the machine (of this IPC namespace).
pub fn segments() -> Vec<Segment> {
    std::fs::read_to_string(PROC_SHM)
        .map(|t| parse(&t))
        .unwrap_or_default()
}

/// The segment with id `shmid`, if it exists.
pub fn by_id(shmid: i32) -> Option<Segment> {
    segments().into_iter().find(|s| s.shmid == shmid)
}

/// Whether `pid` is a live proclab (a helper or a twin: both run the proclab binary). A
/// zombie is not: the twins of a killed helper may wait unreaped under an init that does not
/// reap.
fn is_live_proclab(pid: i32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
        return false;
    };
    let state = stat[close + 1..].split_whitespace().next().unwrap_or("");
    &stat[open + 1..close] == "proclab" && !matches!(state, "Z" | "X")
}

/// Removes the segment a dead run made under `key`: only if it belongs to this user and is
/// no live proclab's (nothing attached, or its creator gone), so that a segment of anyone
/// else is never touched. True once no segment has the key.
pub fn remove_stale(key: i32) -> bool {
    let shmid = match sys::shm_get(key, 0, false) {
        Ok(id) => id,
        Err(nix::errno::Errno::ENOENT) => return true,
        Err(_) => return false,
    };
    match sys::shm_stat(shmid) {
        Ok(stat)
            if stat.key == key
                && stat.uid == nix::unistd::geteuid().as_raw()
                && (stat.nattch == 0 || !is_live_proclab(stat.cpid)) =>
        {
            sys::shm_remove(shmid).is_ok()
        }
        _ => false,
    }
}

/// Removes this run's segment `key`, if it still has one (at the end of the run, every twin
/// is gone, so it is destroyed at once). Marked segments have no key any more: they went with
/// their last twin.
pub fn remove_own(key: i32) -> nix::Result<()> {
    match sys::shm_get(key, 0, false) {
        Ok(shmid) => sys::shm_remove(shmid),
        Err(nix::errno::Errno::ENOENT) => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_kernel_table() {
        let text = "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n\
                    1073864193          3  1600                  1088  4242  4243      2     0     0     0     0 1700000000          0 1700000000                  4096                     0\n\
                             0          4   600                    64   100   100      0  1000  1000  1000  1000          0          0 1700000000                     0                     0\n";
        let s = parse(text);
        assert_eq!(s.len(), 2);
        assert_eq!(
            (s[0].key, s[0].shmid, s[0].size, s[0].cpid, s[0].nattch),
            (1_073_864_193, 3, 1088, 4242, 2)
        );
        assert!(s[0].marked());
        assert!(!s[1].marked());
        assert_eq!(
            s[0].describe(),
            "key 0x4001de01, shmid 3, 1088 bytes, nattch 2, marked for removal (dest)"
        );
    }
}
