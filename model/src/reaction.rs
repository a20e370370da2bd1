//! The reaction table: for every state and every kind of arriving segment, what the model does —
//! the segment sent in reply, the next state, and what the application is told.
//!
//! Each row is computed by delivering one segment to a representative endpoint
//! ([`crate::fixtures::endpoint_in`]) through [`crate::system::apply`], the same code the checker
//! explores: the table is a view of the model's rules (RFC 9293 §3.10.7), not a second copy of
//! them. Numbers are shown symbolically (`RCV.NXT-1`, `SEG.ACK`), because a table of raw numbers
//! cannot be held against the RFC.
//!
//! The probes follow FreeBSD tcp-testsuite's grid: its flag combinations, with and without a
//! byte of data, at every position relative to the window. Most are segments no well-behaved
//! endpoint sends; they exist only as rows here, not as network actions (the model has no
//! off-path injector).

use crate::config::Config;
use crate::endpoint::{app, End, Endpoint, Side, TimerKind};
use crate::fixtures::endpoint_in;
use crate::segment::{flags::*, Segment};
use crate::seq::SeqSpace;
use crate::system::{apply, Action, State};
use crate::tcp_state::TcpState::{self, *};
use serde::Serialize;

/// Shown where a column has nothing: no reply, no ACK field, nothing told to the application.
pub const NONE: &str = "—";

/// One row of the table. Every field is text, ready to print.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reaction {
    /// The receiver's state; SYN-RECEIVED is split by how it was entered (passive or active open),
    /// because RFC 9293 §3.10.7.4 treats an RST (and the model a SYN) differently.
    pub state: String,
    /// The arriving segment's flags (`DATA,…` kinds carry one byte).
    pub segment: String,
    /// Where the segment lies: relative to the receive window, and for the ACK field whether it is
    /// acceptable.
    pub case: String,
    /// SEG.SEQ, relative to the receiver's variables.
    pub seq: String,
    /// SEG.ACK, relative to the receiver's variables (`—` without ACK).
    pub ack: String,
    /// The flags of the segment sent in reply, or `—`.
    pub reply: String,
    /// The reply's numbers (`seq=SND.NXT ack=RCV.NXT`), or `—`.
    pub reply_numbers: String,
    /// The state after the segment, with a note when a timer starts or restarts.
    pub next_state: String,
    /// What the application is told: `connection reset`, `connection refused`, `connected`,
    /// `data`, `end of data` (several joined with ` + `), or `—`.
    pub application: String,
}

/// A number of the arriving segment, relative to the receiver.
#[derive(Clone, Copy)]
enum Num {
    /// No ACK field.
    Absent,
    /// Position is irrelevant in this state (CLOSED, LISTEN, SYN-SENT's SEG.SEQ): any value.
    Any(u8),
    /// ISS + d (SYN-SENT's ACK field, where SND.UNA = ISS).
    Iss(i8),
    RcvNxt(i8),
    /// RCV.NXT + RCV.WND - 1: the last number inside the window.
    RightEdge,
    /// RCV.NXT + RCV.WND: the first number right of the window.
    RightOfWindow,
    SndNxt(i8),
    SndUna(i8),
}

impl Num {
    fn value(self, e: &Endpoint, cfg: &Config) -> u8 {
        let space = SeqSpace { n: cfg.seq_space };
        let off = |base: u8, d: i8| {
            if d >= 0 {
                space.add(base, d as u8)
            } else {
                space.sub(base, d.unsigned_abs())
            }
        };
        match self {
            Num::Absent => 0,
            Num::Any(v) => v % cfg.seq_space,
            Num::Iss(d) => off(e.iss, d),
            Num::RcvNxt(d) => off(e.rcv_nxt, d),
            Num::RightEdge => space.sub(space.add(e.rcv_nxt, cfg.window), 1),
            Num::RightOfWindow => space.add(e.rcv_nxt, cfg.window),
            Num::SndNxt(d) => off(e.snd_nxt, d),
            Num::SndUna(d) => off(e.snd_una, d),
        }
    }

    fn label(self) -> String {
        let rel = |name: &str, d: i8| match d {
            0 => name.to_string(),
            d if d > 0 => format!("{name}+{d}"),
            d => format!("{name}{d}"),
        };
        match self {
            Num::Absent => NONE.into(),
            Num::Any(_) => "any".into(),
            Num::Iss(d) => rel("ISS", d),
            Num::RcvNxt(d) => rel("RCV.NXT", d),
            Num::RightEdge => "RCV.NXT+RCV.WND-1".into(),
            Num::RightOfWindow => "RCV.NXT+RCV.WND".into(),
            Num::SndNxt(d) => rel("SND.NXT", d),
            Num::SndUna(d) => rel("SND.UNA", d),
        }
    }
}

/// One arriving segment to try.
struct Probe {
    flags: u8,
    data: bool,
    case: &'static str,
    seq: Num,
    ack: Num,
}

fn probe((flags, data): (u8, bool), case: &'static str, seq: Num, ack: Num) -> Probe {
    Probe {
        flags,
        data,
        case,
        seq,
        ack,
    }
}

/// The segment kinds, in table order: flags and whether one byte of data rides along. The
/// control segments first, then those carrying data (FreeBSD tcp-testsuite's grid: every flag
/// combination a state machine must survive, with and without payload).
const KINDS: [(u8, bool); 13] = [
    (SYN, false),
    (SYN | ACK, false),
    (ACK, false),
    (FIN | ACK, false),
    (FIN, false),
    (SYN | FIN, false),
    (RST, false),
    (RST | ACK, false),
    (SYN, true),
    (SYN | ACK, true),
    (ACK, true),
    (FIN | ACK, true),
    (FIN, true),
];

fn ack_field(flags: u8, ack: Num) -> Num {
    if flags & ACK != 0 {
        ack
    } else {
        Num::Absent
    }
}

/// CLOSED and LISTEN (RFC 9293 §3.10.7.1–2): the rules depend only on the flags, one row each.
fn unsynchronized_probes() -> Vec<Probe> {
    KINDS
        .iter()
        .map(|&kind| {
            probe(
                kind,
                "any numbers",
                Num::Any(4),
                ack_field(kind.0, Num::Any(3)),
            )
        })
        .collect()
}

/// The SYN-SENT cases of an ACK-bearing kind: ISS < SEG.ACK =< SND.NXT is acceptable (RFC 9293
/// §3.10.7.3 first); SND.UNA = ISS there, so ISS is the old ACK and SND.NXT+1 one of unsent data.
const SYN_SENT_ACK_CASES: [&str; 3] = [
    "ack = ISS (not acceptable)",
    "ack = SND.NXT (acceptable)",
    "ack = SND.NXT+1 (not acceptable)",
];

/// The SYN-SENT case of a kind without ACK.
const SYN_SENT_NO_ACK: &str = "no ACK";

/// SYN-SENT (RFC 9293 §3.10.7.3): nothing is received yet, so SEG.SEQ is not checked; what
/// matters is the ACK field: ISS, SND.NXT (the one acceptable value), SND.NXT+1.
fn syn_sent_probes() -> Vec<Probe> {
    let mut out = Vec::new();
    for &kind in &KINDS {
        if kind.0 & ACK == 0 {
            out.push(probe(kind, SYN_SENT_NO_ACK, Num::Any(4), Num::Absent));
            continue;
        }
        let acks = [Num::Iss(0), Num::SndNxt(0), Num::SndNxt(1)];
        for (case, ack) in SYN_SENT_ACK_CASES.into_iter().zip(acks) {
            out.push(probe(kind, case, Num::Any(4), ack));
        }
    }
    out
}

/// The positions of SEG.SEQ every kind is tried at in SYN-RECEIVED and the synchronized states,
/// in table order. "in window, after RCV.NXT" (RCV.NXT+1) is left out when RCV.WND = 1, where it
/// is right of the window; at the default RCV.WND = 2 it and the right edge are the same number
/// and both rows are kept.
const POSITIONS: [&str; 5] = [
    "left of window",
    "at RCV.NXT",
    "in window, after RCV.NXT",
    "right edge of window",
    "right of window",
];

/// The extra ACK-field cases, at RCV.NXT, of one kind in the synchronized states.
fn extra_ack_cases((flags, data): (u8, bool)) -> Vec<(&'static str, Num)> {
    match (flags, data) {
        (ACK, false) => vec![
            ("at RCV.NXT, ack of unsent data", Num::SndNxt(1)),
            ("at RCV.NXT, old ack", Num::SndUna(-1)),
        ],
        (f, false) if f == FIN | ACK => vec![("at RCV.NXT, acks nothing new", Num::SndUna(0))],
        _ => Vec::new(),
    }
}

/// SYN-RECEIVED and the synchronized states (RFC 9293 §3.10.7.4): every kind at every position
/// of SEG.SEQ relative to the window (the sequence-number check first; RST exactly at RCV.NXT
/// versus elsewhere in the window, RFC 5961 §3.2), with ACK = SND.NXT; then, at RCV.NXT, the
/// ACK field's other cases (acknowledging unsent data, old, acknowledging nothing new).
fn synchronized_probes(cfg: &Config) -> Vec<Probe> {
    let mut out = Vec::new();
    for &kind in &KINDS {
        let ack = ack_field(kind.0, Num::SndNxt(0));
        let [left, at, after, edge, right] = POSITIONS;
        out.push(probe(kind, left, Num::RcvNxt(-1), ack));
        out.push(probe(kind, at, Num::RcvNxt(0), ack));
        for (case, other) in extra_ack_cases(kind) {
            out.push(probe(kind, case, Num::RcvNxt(0), other));
        }
        if cfg.window >= 2 {
            out.push(probe(kind, after, Num::RcvNxt(1), ack));
        }
        out.push(probe(kind, edge, Num::RightEdge, ack));
        out.push(probe(kind, right, Num::RightOfWindow, ack));
    }
    out
}

/// The receivers: every RFC 9293 state, SYN-RECEIVED once per way of entering it.
fn receivers() -> Vec<(String, Endpoint)> {
    let mut out = Vec::new();
    for st in TcpState::ALL {
        let mut e = endpoint_in(st);
        if st == TimeWait {
            // One tick left, so that a restart of the 2·MSL timer shows in the table.
            e.timer.ticks = 1;
        }
        if st == SynReceived {
            let mut passive = e;
            passive.app |= app::PASSIVE | app::LISTENER;
            out.push((format!("{st} (passive open)"), passive));
            out.push((format!("{st} (active open)"), e));
        } else if matches!(st, FinWait1 | FinWait2) {
            // New data after close() draws RST (RFC 9293 SHLD-3); after shutdown(SHUT_WR) the
            // application still reads.
            let mut closed = e;
            closed.app |= app::CLOSED_BY_APP;
            out.push((format!("{st} (after close)"), closed));
            out.push((format!("{st} (after shutdown)"), e));
        } else {
            out.push((st.rfc_name().to_string(), e));
        }
    }
    out
}

/// The whole table for `cfg`, in a fixed order: states as in RFC 9293 §3.3.2, then segment kinds,
/// then cases.
pub fn table(cfg: &Config) -> Vec<Reaction> {
    cases(cfg).into_iter().map(|c| c.reaction).collect()
}

/// A row with the concrete segments behind it, for holding it against a real stack
/// (`tcpmc conform`): the receiver, the probe it was given (from B to A), the receiver after it
/// and the segments it sent in reply, in the model's numbers.
#[derive(Clone, Debug)]
pub struct Case {
    pub reaction: Reaction,
    pub receiver: Endpoint,
    pub probe: Segment,
    pub after: Option<Endpoint>,
    pub replies: Vec<Segment>,
}

/// Every row of [`table`], with its segments.
pub fn cases(cfg: &Config) -> Vec<Case> {
    let mut rows = Vec::new();
    for (label, receiver) in receivers() {
        let probes = match receiver.state {
            Closed | Listen => unsynchronized_probes(),
            SynSent => syn_sent_probes(),
            _ => synchronized_probes(cfg),
        };
        for p in probes {
            rows.push(react(cfg, &label, receiver, &p));
        }
    }
    rows
}

/// Delivers the probe from B to A (in `receiver`) and reads off the reaction.
fn react(cfg: &Config, label: &str, receiver: Endpoint, p: &Probe) -> Case {
    let seg = Segment {
        from: Side::B,
        flags: p.flags,
        seq: p.seq.value(&receiver, cfg),
        ack: if p.flags & ACK != 0 {
            p.ack.value(&receiver, cfg)
        } else {
            0
        },
        len: p.data as u8,
        conn: receiver.conn,
        age: 0,
    };
    let mut s = State::initial();
    s.ep = [receiver, endpoint_in(Established)];
    s.next_conn = receiver.conn + 1;
    let mut after_a = None;
    let mut replies = Vec::new();
    let (reply, reply_numbers, next_state, application) =
        if s.net.push(seg, cfg.max_in_flight.into()) {
            // The first delivery the model enables: the first ISS, or absolute 0 at 0.
            let mut enabled = Vec::new();
            crate::system::actions(cfg, &s, &mut enabled);
            let deliver = enabled
                .into_iter()
                .find(|a| matches!(a, Action::Deliver(0, _)));
            match deliver.and_then(|a| apply(cfg, &s, a)) {
                Some(after) => {
                    after_a = Some(after.ep[Side::A.index()]);
                    replies = replies_of_a(&after);
                    read_off(cfg, &receiver, &after, &seg)
                }
                None => (
                    NONE.into(),
                    NONE.into(),
                    "(not deliverable)".into(),
                    NONE.into(),
                ),
            }
        } else {
            (
                NONE.into(),
                NONE.into(),
                "(network full)".into(),
                NONE.into(),
            )
        };
    let reaction = Reaction {
        state: label.to_string(),
        segment: seg.flag_names(),
        case: p.case.to_string(),
        seq: p.seq.label(),
        ack: if p.flags & ACK != 0 {
            p.ack.label()
        } else {
            NONE.into()
        },
        reply,
        reply_numbers,
        next_state,
        application,
    };
    Case {
        reaction,
        receiver,
        probe: seg,
        after: after_a,
        replies,
    }
}

/// The segments the receiver (A) sent in reply.
fn replies_of_a(after: &State) -> Vec<Segment> {
    after
        .net
        .segments()
        .iter()
        .filter(|r| r.from == Side::A)
        .copied()
        .collect()
}

fn read_off(
    cfg: &Config,
    before: &Endpoint,
    after_state: &State,
    seg: &Segment,
) -> (String, String, String, String) {
    let after = after_state.ep[Side::A.index()];
    let replies = replies_of_a(after_state);
    let (reply, numbers) = if replies.is_empty() {
        (NONE.to_string(), NONE.to_string())
    } else {
        let flags: Vec<String> = replies.iter().map(|r| r.flag_names()).collect();
        let nums: Vec<String> = replies
            .iter()
            .map(|r| reply_numbers(cfg, r, &after, seg))
            .collect();
        (flags.join(" + "), nums.join(" + "))
    };
    let mut next = after.state.rfc_name().to_string();
    let timer_started = after.timer.kind != before.timer.kind
        || (after.timer.kind != TimerKind::Off && after.timer.ticks > before.timer.ticks);
    if timer_started {
        match after.timer.kind {
            TimerKind::TimeWait if before.state == TimeWait => next.push_str(" (2MSL restarted)"),
            TimerKind::Quiet => next.push_str(" (quiet time)"),
            _ => {}
        }
    }
    (reply, numbers, next, application(before, &after, seg))
}

/// The reply's numbers, named after the rule that produced them where the value agrees.
fn reply_numbers(cfg: &Config, r: &Segment, after: &Endpoint, seg: &Segment) -> String {
    let space = SeqSpace { n: cfg.seq_space };
    let seg_end = space.add(seg.seq, seg.seg_len());
    // RFC 9293 §3.10.7.1: a reset takes SEG.ACK as its sequence number, or 0 with ACK = SEG.SEQ +
    // SEG.LEN when the segment had no ACK; replies of a connection use its own variables.
    let seq_names: Vec<(&str, u8)> = if r.has(RST) {
        let mut v = Vec::new();
        if seg.has(ACK) {
            v.push(("SEG.ACK", seg.ack));
        }
        // The absolute 0, travelling unplaced in the rotated numbering (`State::zero`).
        v.extend([
            ("0", crate::segment::SEQ_ZERO),
            ("0", 0),
            ("SND.NXT", after.snd_nxt),
        ]);
        v
    } else if r.has(SYN) {
        vec![("ISS", after.iss)]
    } else {
        vec![("SND.NXT", after.snd_nxt)]
    };
    let ack_names: Vec<(&str, u8)> = if r.has(RST) {
        vec![("SEG.SEQ+SEG.LEN", seg_end), ("RCV.NXT", after.rcv_nxt)]
    } else {
        vec![("RCV.NXT", after.rcv_nxt), ("SEG.SEQ+SEG.LEN", seg_end)]
    };
    // A number outside the space (other than an RST's unplaced 0) is shown raw, never named: it
    // means a rule sent a value that was never chosen, and the table must not hide that.
    let name = |names: &[(&str, u8)], v: u8, unplaced_zero_ok: bool| {
        if v >= cfg.seq_space && !(unplaced_zero_ok && v == crate::segment::SEQ_ZERO) {
            return format!("{v} (outside the sequence space)");
        }
        names
            .iter()
            .find(|(_, x)| *x == v)
            .map(|(n, _)| n.to_string())
            .unwrap_or_else(|| v.to_string())
    };
    let mut out = format!("seq={}", name(&seq_names, r.seq, r.has(RST)));
    if r.has(ACK) {
        out.push_str(&format!(" ack={}", name(&ack_names, r.ack, false)));
    }
    out
}

/// What the application learns from this arrival; several signals (a segment that completes the
/// handshake and carries data or a FIN) are joined with ` + ` in the order they happen.
fn application(before: &Endpoint, after: &Endpoint, seg: &Segment) -> String {
    if after.end == End::Reset && before.end != End::Reset {
        // RFC 9293 §3.10.7.4: a reset SYN-RECEIVED from an active open is "connection refused";
        // in SYN-SENT the RFC says "connection reset", which sockets report as ECONNREFUSED.
        let refused = before.state == SynSent || (before.state == SynReceived && !before.passive());
        return if refused {
            "connection refused"
        } else {
            "connection reset"
        }
        .into();
    }
    let mut signals = Vec::new();
    if after.state.is_synchronized() && matches!(before.state, SynSent | SynReceived) {
        signals.push("connected");
    }
    if after.unread > before.unread {
        signals.push("data");
    }
    // The peer's FIN is news only to a state that has not received one (RFC 9293 §3.10.7.4,
    // eighth: "signal the user 'connection closing'"; read() then returns end of data).
    let fin_is_news = matches!(
        before.state,
        SynReceived | Established | FinWait1 | FinWait2
    );
    let fin_taken = matches!(after.state, CloseWait | Closing | TimeWait);
    if seg.has(FIN) && fin_is_news && fin_taken && !before.has(app::CLOSED_BY_APP) {
        signals.push("end of data");
    }
    if signals.is_empty() {
        NONE.into()
    } else {
        signals.join(" + ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_has_rows_and_order_is_fixed() {
        let cfg = Config::default();
        let t = table(&cfg);
        for st in TcpState::ALL {
            assert!(t.iter().any(|r| r.state.starts_with(st.rfc_name())));
        }
        assert_eq!(t, table(&cfg));
    }

    #[test]
    fn each_row_is_one_state_segment_case_and_every_probe_is_delivered() {
        let t = table(&Config::default());
        let mut keys: Vec<(&str, &str, &str)> = t
            .iter()
            .map(|r| (r.state.as_str(), r.segment.as_str(), r.case.as_str()))
            .collect();
        let n = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), n, "a (state, segment, case) appears twice");
        for r in &t {
            assert!(!r.next_state.starts_with('('), "{r:?}");
        }
    }

    #[test]
    fn positions_follow_the_window() {
        let cases = |cfg: &Config| {
            table(cfg)
                .into_iter()
                .filter(|r| r.state == "ESTABLISHED" && r.segment == "DATA,ACK")
                .map(|r| r.case)
                .collect::<Vec<_>>()
        };
        let all = [
            "left of window",
            "at RCV.NXT",
            "in window, after RCV.NXT",
            "right edge of window",
            "right of window",
        ];
        // RCV.WND = 2: RCV.NXT+1 is both "after RCV.NXT" and the right edge; both rows stay.
        assert_eq!(cases(&Config::default()), all);
        // RCV.WND = 1: RCV.NXT+1 is right of the window, so that row goes.
        let narrow = Config {
            window: 1,
            ..Config::default()
        };
        assert_eq!(cases(&narrow), [all[0], all[1], all[3], all[4]]);
    }
}
