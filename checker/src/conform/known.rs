//! The differences a variant declares: where the kernel is known to answer otherwise than the
//! model's rules for that variant, each with its reason. A declared difference does not fail a
//! run; an undeclared one does, until it is fixed in the model or declared here.

/// One declared difference: rows whose state, segment and case contain these texts.
pub struct Known {
    pub variant: &'static str,
    pub state: &'static str,
    pub segment: &'static str,
    pub case: &'static str,
    pub reason: &'static str,
}

const AFTER_FIN_EDGE: &str = "after the peer's FIN, a data segment at exactly RCV.NXT+RCV.WND \
     (the advertised window) is outside Linux's receive window, which the FIN's byte has \
     shrunk by one: an ACK, and its ACK field is not processed; the model's window does not \
     shrink";

/// Every declared difference, by variant.
pub const KNOWN: &[Known] = &[
    Known {
        variant: "linux",
        state: "SYN-RECEIVED (passive open)",
        segment: "DATA,SYN,ACK",
        case: "left of window",
        reason: "tcp_check_req keeps the request and ACKs a SYN,ACK with data that repeats the \
                 client's SYN; the model has no rule for text on a SYN,ACK to a listener and \
                 treats its SYN as an embryonic reset",
    },
    Known {
        variant: "linux",
        state: "SYN-RECEIVED (active open)",
        segment: "FIN,ACK",
        case: "acks nothing new",
        reason: "Linux takes SEG.ACK = SND.UNA in SYN_RECV as a duplicate, not as unacceptable, \
                 so the FIN completes the open into CLOSE-WAIT; RFC 9293 requires SND.UNA < \
                 SEG.ACK there and answers RST, as the model does",
    },
    Known {
        variant: "linux",
        state: "CLOSE-WAIT",
        segment: "DATA,ACK",
        case: "right of window",
        reason: AFTER_FIN_EDGE,
    },
    Known {
        variant: "linux",
        state: "CLOSE-WAIT",
        segment: "DATA,FIN,ACK",
        case: "right of window",
        reason: AFTER_FIN_EDGE,
    },
    Known {
        variant: "linux",
        state: "CLOSING",
        segment: "DATA,ACK",
        case: "right of window",
        reason: AFTER_FIN_EDGE,
    },
    Known {
        variant: "linux",
        state: "CLOSING",
        segment: "DATA,FIN,ACK",
        case: "right of window",
        reason: AFTER_FIN_EDGE,
    },
];

/// Causes of a path suite's differences (`conform::path::cause`) that a variant declares.
pub const KNOWN_CAUSES: &[(&str, &str, &str)] = &[(
    "linux",
    crate::conform::path::cause::OUT_OF_ORDER,
    "Linux holds a segment that arrives beyond RCV.NXT (tcp_data_queue_ofo) and takes it, FIN \
     and all, once the gap is filled; the model has no reassembly queue and drops it (RFC 9293 \
     §3.10.7.4 allows either), so the peer must send it again",
)];

/// The reason `variant` gives for a path difference with `cause`, if it declares it.
pub fn declared_cause(variant: &str, cause: &str) -> Option<&'static str> {
    KNOWN_CAUSES
        .iter()
        .find(|(v, c, _)| *v == variant && *c == cause)
        .map(|(_, _, why)| *why)
}

/// The reason a row's difference is declared by `variant`, if it is.
pub fn declared(variant: &str, state: &str, segment: &str, case: &str) -> Option<&'static str> {
    KNOWN
        .iter()
        .find(|k| {
            k.variant == variant
                && state.contains(k.state)
                && (k.segment.is_empty() || segment == k.segment)
                && case.ends_with(k.case)
        })
        .map(|k| k.reason)
}
