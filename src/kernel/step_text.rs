//! A step written back as a scenario file writes it: `io disk 3`, `send box "hi"`.

use super::ids::DeviceId;
use super::program::{Channel, ObjectId, Peer, SpecIndex, Step};
use super::segment::Flavour;

impl Step {
    /// The step as a scenario file writes it, with processes and devices named by the resolvers.
    pub fn describe(
        &self,
        process: impl Fn(SpecIndex) -> String,
        device: impl Fn(DeviceId) -> String,
        object: impl Fn(ObjectId) -> String,
    ) -> String {
        let channel = |c: &Channel| match c {
            Channel::Std { stream } => stream.name().to_string(),
            Channel::Object { object: o } => object(*o),
        };
        let peer = |p: &Peer| match p {
            Peer::Process { process: s, .. } => process(*s),
            Peer::Mailbox { object: o } => object(*o),
        };
        match self {
            Step::Cpu { ticks } => format!("cpu {ticks}"),
            Step::Io { device: d, ticks } => format!("io {} {ticks}", device(*d)),
            Step::Sleep { ticks } => format!("sleep {ticks}"),
            Step::Exit { code } => format!("exit {code}"),
            Step::Fork { child } => format!("fork {}", process(*child)),
            Step::Exec { command, args, .. } => {
                let mut text = format!("exec {command}");
                for a in args.iter() {
                    text.push(' ');
                    text.push_str(a);
                }
                text
            }
            Step::Wait { child: Some(c) } => format!("wait {}", process(*c)),
            Step::Wait { child: None } => "wait".to_string(),
            Step::Kill { target, signal } => {
                format!("kill {} {}", process(*target), &signal.name()[3..])
            }
            Step::Pipe { object: o } => format!("pipe {}", object(*o)),
            Step::Write { to, data } => format!("write {} {data:?}", channel(to)),
            Step::Read { from, max } => format!("read {} {max}", channel(from)),
            Step::Close { object: o, end } => match end {
                Some(end) => format!("close {} {}", object(*o), end.name()),
                None => format!("close {}", object(*o)),
            },
            Step::Redirect { stream, object: o } => {
                format!("redirect {} {}", stream.name(), object(*o))
            }
            Step::Mkfifo { object: o } => format!("mkfifo {}", object(*o)),
            Step::Open { object: o, end } => format!("open {} {}", object(*o), end.name()),
            Step::Shm {
                object: o,
                slots,
                flavour: Flavour::Posix,
            } => format!("shm {} {slots}", object(*o)),
            Step::Shm {
                object: o,
                slots,
                flavour,
            } => format!("shm {} {slots} {}", object(*o), flavour.word()),
            Step::Produce { object: o, item } => format!("produce {} {item:?}", object(*o)),
            Step::Consume { object: o } => format!("consume {}", object(*o)),
            Step::Mailbox {
                object: o,
                capacity,
            } => {
                format!("mailbox {} {}", object(*o), capacity.word())
            }
            Step::Send { to, text, wait } => {
                let verb = if *wait { "send" } else { "try-send" };
                format!("{verb} {} {text:?}", peer(to))
            }
            Step::Receive { from, wait } => {
                let verb = if *wait { "receive" } else { "try-receive" };
                format!("{verb} {}", peer(from))
            }
            Step::Destroy { object: o } => format!("destroy {}", object(*o)),
            Step::Listen {
                object: o,
                transport,
            } => format!("listen {} {}", object(*o), transport.word()),
            Step::Accept { object: o } => format!("accept {}", object(*o)),
            Step::Connect { object: o, .. } => format!("connect {}", object(*o)),
            Step::SocketSend { object: o, text } => format!("send {} {text:?}", object(*o)),
            Step::SocketRecv { object: o, max } => format!("recv {} {max}", object(*o)),
            Step::RpcServer {
                object: o,
                semantics,
            } => format!("rpc-server {} {}", object(*o), semantics.word()),
            Step::RpcServe { object: o } => format!("rpc-serve {}", object(*o)),
            Step::RpcReply { object: o } => format!("rpc-reply {}", object(*o)),
            Step::RpcCall {
                object: o,
                procedure,
                args,
                lose_reply,
            } => {
                let mut text = format!("rpc-call {} {}", object(*o), procedure.name());
                for a in args.iter() {
                    text.push_str(&format!(" {a}"));
                }
                if *lose_reply {
                    text.push_str(" lost-reply");
                }
                text
            }
            Step::Win(w) => w.describe(process, object),
            Step::Cleanup { object: o, act, .. } => format!("{} {}", act.word(), object(*o)),
        }
    }
}
