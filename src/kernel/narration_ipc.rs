//! The sentences for what sockets, remote procedure calls and shared-memory objects do
//! (the last told by `narration_shm`), apart from the rest of the narration so that each file
//! stays readable.

use super::event::Reason;
use super::ids::Pid;
use super::narration::Names;

/// The reason as a sentence, if it is one of a socket or an RPC port.
pub(super) fn describe(reason: &Reason, names: &dyn Names) -> Option<String> {
    let p = |pid: Pid| names.process(pid);
    Some(match reason.clone() {
        Reason::WaitsToAccept { object } => format!(
            "accepts on {}, where no client has connected yet: waits for one",
            names.object(object)
        ),
        Reason::Accepted { object, client } => format!(
            "{} connected to {}: the accept returns its connection",
            p(client),
            names.object(object)
        ),
        Reason::WaitsToRecv { object } => format!(
            "receives on {}, which has nothing to read: waits for the other side to send",
            names.object(object)
        ),
        Reason::RecvReturns { object, bytes: 0 } => format!(
            "the other side closed its end of {}: the recv returns 0 (end of file)",
            names.object(object)
        ),
        Reason::RecvReturns { object, bytes } => format!(
            "{bytes} bytes arrived on {}: the recv returns them",
            names.object(object)
        ),
        Reason::ConnectionReset { object } => format!(
            "the server closed {} without accepting this connection: the recv fails (ECONNRESET)",
            names.object(object)
        ),
        Reason::DatagramLost { object } => format!(
            "nobody reads {}: UDP drops the datagram and the sender is not told",
            names.object(object)
        ),
        Reason::RpcMarshalled {
            object,
            call,
            bytes,
            little_endian,
        } => {
            let mut text = format!(
                "the client stub marshals {call} for {} into big-endian words (network \
                     order): request id, procedure number, arguments = {bytes}",
                names.object(object)
            );
            if !little_endian.is_empty() {
                text.push_str(&format!(
                    "; a little-endian CPU (x86, most ARM) holds the arguments in memory as \
                         {little_endian}"
                ));
            }
            text
        }
        Reason::WaitsForReply { object } => format!(
            "sent its request to {}: waits for the reply",
            names.object(object)
        ),
        Reason::WaitsForRequest { object } => format!(
            "serves {}, where no request waits: waits for a client",
            names.object(object)
        ),
        Reason::RpcRequestArrives { object } => format!(
            "a request came to {}: the server stub takes it",
            names.object(object)
        ),
        Reason::RpcRequestTaken {
            object,
            call,
            value,
        } => format!(
            "the server stub of {} unmarshals the request and calls {call}, which returns {value}",
            names.object(object)
        ),
        Reason::RpcRepeat {
            object,
            id,
            client,
            executed: false,
        } => format!(
            "request {id} from {} came again to {}: the server stub finds it in its history \
                 and keeps the saved result instead of running it again",
            p(client),
            names.object(object)
        ),
        Reason::RpcRepeat {
            object,
            id,
            client,
            executed: true,
        } => format!(
            "request {id} from {} came again to {}, whose server keeps no history: it runs \
                 the procedure a second time",
            p(client),
            names.object(object)
        ),
        Reason::RpcReplyLost { object } => format!(
            "the network loses the reply from {}: the client never sees it",
            names.object(object)
        ),
        Reason::RpcReplyDropped { object } => format!(
            "nobody waits for this reply from {} any more: it is dropped",
            names.object(object)
        ),
        Reason::RpcReplyArrives { object } => format!(
            "the reply from {} came: the client stub unmarshals it and the call returns",
            names.object(object)
        ),
        Reason::RpcRetransmits {
            object,
            id,
            attempt,
        } => format!(
            "no reply from {} in time: the client stub sends request {id} again (attempt {attempt})",
            names.object(object)
        ),
        Reason::RpcTimedOut {
            object,
            retries: true,
        } => format!(
            "still no reply from {} after {} attempts: the call fails (ETIMEDOUT)",
            names.object(object),
            super::rpc::MAX_ATTEMPTS
        ),
        Reason::RpcTimedOut {
            object,
            retries: false,
        } => format!(
            "no reply from {} in time, and an at-most-once client does not send again: the \
                 call fails (ETIMEDOUT), and the client can't tell whether it ran",
            names.object(object)
        ),
        Reason::Win(w) => super::narration_windows::describe(&w, names),
        Reason::Shm {
            object,
            flavour,
            life,
        } => super::narration_shm::life(&names.object(object), flavour, &life),
        _ => return None,
    })
}
