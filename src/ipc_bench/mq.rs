//! POSIX message queues, one each way. A message is at most `mq_msgsize` bytes, which the
//! system caps at `msgsize_max` (8192 here), and a queue holds at most `msg_max` messages
//! (10 here): asking for more fails with `EINVAL`, so the bulk transfer goes in messages of
//! that size. Sends and receives give up now and then (`mq_timedsend`, `mq_timedreceive`) to
//! check that the other side is still there.

#![forbid(unsafe_code)]

use super::BenchError;
use super::channel::{Channel, LOOK_EVERY, Watch, retry};
use super::names::mq_names;
use super::runner::{Named, Session};
use super::table::bytes;
use crate::lab::sys::mq_send_within;
use nix::errno::Errno;
use nix::mqueue::{
    MQ_OFlag, MqAttr, MqdT, mq_close, mq_getattr, mq_open, mq_timedreceive, mq_unlink,
};
use nix::sys::stat::Mode;
use nix::sys::time::TimeSpec;
use std::io;
use std::process::Stdio;

/// Messages a queue may hold, if the system allows that many.
const WANT_MESSAGES: i64 = 10;
/// Largest message wanted, if the system allows it.
const WANT_MESSAGE_BYTES: i64 = 8192;

/// An open queue, closed when dropped (nix's descriptor does not close itself).
struct Queue(Option<MqdT>);

impl Queue {
    fn get(&self) -> io::Result<&MqdT> {
        self.0
            .as_ref()
            .ok_or_else(|| io::Error::other("queue closed"))
    }
}

impl Drop for Queue {
    fn drop(&mut self) {
        if let Some(q) = self.0.take() {
            let _ = mq_close(q);
        }
    }
}

/// `mq_timedreceive` giving up `within` from now (the call takes a `CLOCK_REALTIME` instant).
fn receive_within(rx: &MqdT, buf: &mut [u8], within: std::time::Duration) -> nix::Result<usize> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let mut priority = 0;
    mq_timedreceive(
        rx,
        buf,
        &mut priority,
        &TimeSpec::from_duration(now + within),
    )
}

/// Both queues, as one side uses them.
struct Queues {
    tx: Queue,
    rx: Queue,
    /// `mq_msgsize`: a receive needs a buffer at least this long.
    message_max: usize,
    spare: Vec<u8>,
}

impl Channel for Queues {
    fn send(&mut self, data: &[u8], watch: &Watch) -> io::Result<()> {
        let tx = self.tx.get()?;
        loop {
            match retry(|| mq_send_within(tx, data, LOOK_EVERY)) {
                Ok(()) => return Ok(()),
                Err(Errno::ETIMEDOUT) => watch.check()?,
                Err(e) => return Err(e.into()),
            }
        }
    }

    fn recv(&mut self, buf: &mut [u8], watch: &Watch) -> io::Result<()> {
        let rx = self.rx.get()?;
        // A full-sized message goes straight into `buf`; a shorter one through `spare`.
        let want = buf.len();
        let direct = want >= self.message_max;
        loop {
            let target: &mut [u8] = if direct { &mut *buf } else { &mut self.spare };
            match retry(|| receive_within(rx, target, LOOK_EVERY)) {
                Ok(n) if n == want => {
                    if !direct {
                        buf.copy_from_slice(&self.spare[..n]);
                    }
                    return Ok(());
                }
                Ok(n) => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("a message of {n} bytes where {want} were expected"),
                    ));
                }
                Err(Errno::ETIMEDOUT) => watch.check()?,
                Err(e) => return Err(e.into()),
            }
        }
    }
}

/// A limit from `/proc/sys/fs/mqueue/`, or `want` if it cannot be read.
fn limit(file: &str, want: i64) -> i64 {
    std::fs::read_to_string(format!("/proc/sys/fs/mqueue/{file}"))
        .ok()
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or(want)
}

/// Creates queue `name` afresh.
fn create(name: &str, access: MQ_OFlag, attr: &MqAttr) -> nix::Result<MqdT> {
    let flags = access | MQ_OFlag::O_CREAT | MQ_OFlag::O_EXCL | MQ_OFlag::O_CLOEXEC;
    let mode = Mode::S_IRUSR | Mode::S_IWUSR;
    match mq_open(name, flags, mode, Some(attr)) {
        // Left by an earlier run of this very process: its owner is alive, so no sweep took it.
        Err(Errno::EEXIST) => {
            let _ = mq_unlink(name);
            mq_open(name, flags, mode, Some(attr))
        }
        other => other,
    }
}

/// proclab's side: creates both queues, starts the peer.
pub fn open(s: &mut Session<'_>) -> Result<Box<dyn Channel>, BenchError> {
    let [down, up] = mq_names(s.ctx.owner);
    let size_max = limit("msgsize_max", WANT_MESSAGE_BYTES);
    let count_max = limit("msg_max", WANT_MESSAGES);
    let message_bytes = (s.chunk as i64)
        .min(WANT_MESSAGE_BYTES)
        .min(size_max)
        .max(1);
    let attr = MqAttr::new(0, WANT_MESSAGES.min(count_max).max(1), message_bytes, 0);
    let tx = create(&down, MQ_OFlag::O_WRONLY, &attr).map_err(|e| s.fail("mq_open", e))?;
    let tx = Queue(Some(tx));
    s.own(Named::Mq(down));
    let rx = create(&up, MQ_OFlag::O_RDONLY, &attr).map_err(|e| s.fail("mq_open", e))?;
    let rx = Queue(Some(rx));
    s.own(Named::Mq(up));
    let got = tx
        .get()
        .and_then(|q| mq_getattr(q).map_err(io::Error::from))
        .map_err(|e| s.fail("mq_getattr", e))?;
    let message_max = got.msgsize().max(1) as usize;
    if s.ctx.options.message_bytes > message_max {
        return Err(BenchError::Options(format!(
            "a {}-byte round-trip message does not fit in a message queue (msgsize_max {})",
            s.ctx.options.message_bytes, message_max
        )));
    }
    s.chunk = s.chunk.min(message_max);
    s.note = format!(
        "{} messages (msgsize_max {size_max}); a queue holds {} (msg_max {count_max})",
        bytes(s.chunk as u64),
        got.maxmsg()
    );
    s.spawn(Stdio::null(), Stdio::null())?;
    let mut queues = Queues {
        tx,
        rx,
        message_max,
        spare: vec![0; message_max],
    };
    s.greet(&mut queues)?;
    Ok(Box::new(queues))
}

/// The peer's side: opens the queues by name.
pub fn peer(owner: i32) -> io::Result<Box<dyn Channel>> {
    let [down, up] = mq_names(owner);
    let open = |name: &str, access: MQ_OFlag| {
        mq_open(name, access | MQ_OFlag::O_CLOEXEC, Mode::empty(), None).map(|q| Queue(Some(q)))
    };
    let rx = open(&down, MQ_OFlag::O_RDONLY)?;
    let tx = open(&up, MQ_OFlag::O_WRONLY)?;
    let message_max = mq_getattr(rx.get()?)?.msgsize().max(1) as usize;
    Ok(Box::new(Queues {
        tx,
        rx,
        message_max,
        spare: vec![0; message_max],
    }))
}
