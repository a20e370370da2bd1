//! SEGMENT ARRIVES (RFC 9293 §3.10.7), and the ghost bookkeeping that decides whether an arrival
//! broke a safety rule (docs/model.md, "Connection ids").

use crate::lifecycle::{
    ack_advance, enter_closed, enter_fin_wait_2, enter_listen, enter_time_wait, isn_choices,
    restart_time_wait, return_to_time_wait, send_ack,
};
use crate::state::action::{Choice, NO_CHOICE};
use crate::state::config::MAX_NET;
use crate::state::config::{
    Config, DataAfterClose, Mutation, RstInTimeWait, RstSeqZero, RstSynRules, SegmentChecks,
    SynInTimeWait, TimeWaitRules,
};
use crate::state::ctx::Ctx;
use crate::state::endpoint::{app, End, Endpoint, Side, TimeWaitMemory, Timer, TimerKind};
use crate::state::global::{ghost, State, ZERO_UNSET};
use crate::state::segment::{flags::*, Segment, SEQ_ZERO};
use crate::state::tcp_state::TcpState::*;

/// A LISTEN endpoint out of its quiet time takes a SYN without ACK or RST (other controls and
/// text ride along, RFC 9293 §3.10.7.2 third) and so chooses an ISS.
pub fn listener_accepts_syn(cfg: &Config, to: &Endpoint, seg: &Segment) -> bool {
    to.state == Listen
        && seg.has(SYN)
        && !linux_drops_syn_fin(cfg, seg)
        && !seg.has(ACK)
        && !seg.has(RST)
        && to.timer.kind != TimerKind::Quiet
}

/// Linux `tcp_rcv_state_process` in LISTEN: a SYN with FIN is discarded.
fn linux_drops_syn_fin(cfg: &Config, seg: &Segment) -> bool {
    cfg.segment_checks == SegmentChecks::Linux && seg.has(SYN) && seg.has(FIN)
}

/// A SYN that may reopen a connection in TIME-WAIT: a bare SYN beyond the old connection's
/// numbers, SEG.SEQ > RCV.NXT (RFC 9293 MAY-2 as FreeBSD `tcp_twcheck` and Linux
/// `tcp_timewait_state_process` test it), or, with timestamps, one with a newer timestamp (RFC
/// 6191; Linux only: FreeBSD tests the sequence number alone). PAWS rejects an older timestamp.
pub fn time_wait_syn_qualifies(cfg: &Config, to: &Endpoint, seg: &Segment) -> bool {
    let space = crate::state::seq::SeqSpace { n: cfg.seq_space };
    let paws_reject = cfg.timestamps && seg.conn < to.conn;
    let newer_timestamp =
        cfg.timestamps && cfg.time_wait_rules != TimeWaitRules::Freebsd && seg.conn > to.conn;
    to.state == TimeWait
        && seg.flags == SYN
        && !paws_reject
        && ((cfg.tw_reuse && space.gt(seg.seq, to.rcv_nxt)) || newer_timestamp)
}

/// A qualifying SYN reopens TIME-WAIT only where a listening socket takes it (Linux `tcp_v4_rcv`
/// looks the listener up on TCP_TW_SYN; FreeBSD looks the segment up again after `tcp_twcheck`).
pub fn time_wait_reopens(cfg: &Config, to: &Endpoint, seg: &Segment) -> bool {
    to.listener() && time_wait_syn_qualifies(cfg, to, seg)
}

/// Delivering `seg` to `to` makes it open a connection and so choose an ISS.
pub fn delivery_chooses_iss(cfg: &Config, to: &Endpoint, seg: &Segment) -> bool {
    listener_accepts_syn(cfg, to, seg) || time_wait_reopens(cfg, to, seg)
}

/// The peer is still in connection `c` (it has not left it, nor never joined it).
fn in_connection(peer: &Endpoint, c: u8) -> bool {
    peer.conn == c && !matches!(peer.state, Closed | Listen)
}

/// Delivering `seg` reads the sender's absolute 0 for the first time (`State::zero`): an RST with
/// SEQ=0 meets a receiver that checks an RST's SEQ (RFC 9293 §3.10.7.4 first check).
pub fn delivery_chooses_zero(cfg: &Config, s: &State, seg: &Segment) -> bool {
    cfg.rst_seq_zero == RstSeqZero::Anywhere && reads_rst_seq_zero(s, seg)
}

/// The receiver of `seg`, an RST with the sender's unplaced absolute 0 as SEQ, checks its SEQ:
/// every state but CLOSED, LISTEN (both ignore an RST) and SYN-SENT (which checks only the ACK).
fn reads_rst_seq_zero(s: &State, seg: &Segment) -> bool {
    let to = s.ep(seg.from.peer());
    seg.seq == SEQ_ZERO
        && !s.is_down(seg.from.peer())
        && !matches!(to.state, Closed | Listen | SynSent)
}

/// Absolute 0 lies at `z` of the sender's rotated numbering: shifts every number of the sender's
/// space by −z, so that the numbering becomes absolute and every RST that carries 0, `seg`
/// included, has SEQ 0. A bijection on states, so nothing is lost.
fn place_zero(ctx: &mut Ctx, seg: &mut Segment, z: u8) {
    let from = seg.from;
    let space = ctx.space();
    let shift = |v: u8| if v == SEQ_ZERO { 0 } else { space.sub(v, z) };
    ctx.s.zero[from.index()] = 0;
    let e = ctx.ep(from);
    (e.iss, e.snd_una, e.snd_nxt) = (shift(e.iss), shift(e.snd_una), shift(e.snd_nxt));
    let peer = ctx.ep(from.peer());
    peer.rcv_nxt = shift(peer.rcv_nxt);
    *seg = Segment {
        seq: shift(seg.seq),
        ..*seg
    };
    let old = ctx.s.net;
    ctx.s.net = Default::default();
    let sorted = !ctx.cfg.unsorted_network;
    for &o in old.segments() {
        let moved = if o.from == from {
            Segment {
                seq: shift(o.seq),
                ..o
            }
        } else if o.has(ACK) {
            Segment {
                ack: shift(o.ack),
                ..o
            }
        } else {
            o
        };
        ctx.s.net.push_ordered(moved, MAX_NET, sorted);
    }
}

/// Removes segment `i` from the network and lets its receiver process it with `ctx.choice`.
pub(crate) fn deliver(ctx: &mut Ctx, i: usize) -> Option<()> {
    let mut seg = ctx.s.net.remove(i);
    let to = seg.from.peer();
    if ctx.s.is_down(to) {
        // A host that is down answers nothing: the segment vanishes.
        return Some(());
    }
    if reads_rst_seq_zero(ctx.s, &seg) {
        match (ctx.cfg.rst_seq_zero, ctx.choice) {
            // The assumption: absolute 0 is outside the receiver's window, so the RST is not
            // acceptable and is dropped (RFC 9293 §3.10.7.4 first check).
            (RstSeqZero::OutsideWindows, _) => return Some(()),
            (RstSeqZero::Anywhere, Choice::Zero(z)) if z < ctx.cfg.seq_space => {
                place_zero(ctx, &mut seg, z);
                ctx.choice = Choice::None;
            }
            (RstSeqZero::Anywhere, _) => return None,
        }
    }
    // A receiver that opens a connection picks an ISS its policy allows (and no other).
    let receiver = *ctx.ep(to);
    let mut iss = NO_CHOICE;
    if delivery_chooses_iss(ctx.cfg, &receiver, &seg) {
        match ctx.choice {
            Choice::Iss(c) if isn_choices(ctx.cfg, ctx.s, to).any(|v| v == c) => {
                iss = c;
                ctx.choice = Choice::None;
            }
            _ => return None,
        }
    }
    let before = *ctx.ep(to);
    segment_arrives(ctx, to, seg, iss);
    let after = *ctx.ep(to);
    judge(ctx, to, &seg, &before, &after);
    Some(())
}

/// Sets ghost bits for what this arrival did (docs/model.md, "Connection ids"; RFC 1337, RFC 2525
/// §2.17).
fn judge(ctx: &mut Ctx, to: Side, seg: &Segment, before: &Endpoint, after: &Endpoint) {
    let had_effect = before.protocol_view() != after.protocol_view();
    let stale = before.conn != 0 && seg.conn < before.conn;
    let reset_by_rst = seg.has(RST) && after.end == End::Reset && before.end != End::Reset;
    // docs/model.md ("Connection ids") names the synchronized states and SYN-SENT; SYN-RECEIVED is
    // added because an old RST that resets an embryonic connection is a stale segment with an
    // effect too.
    let synchronized_or_syn_sent_reply = before.state.is_synchronized()
        || before.state == SynReceived
        || (before.state == SynSent && (seg.has(RST) || (seg.has(SYN) && seg.has(ACK))));
    if stale && had_effect && synchronized_or_syn_sent_reply {
        ctx.s.ghost |= ghost::STALE_ACCEPTED;
    }
    // Delivered: RCV.NXT moved within a connection (a reset for data after close() delivers none).
    let still_open = !matches!(after.state, Closed | Listen);
    if stale && seg.len > 0 && after.rcv_nxt != before.rcv_nxt && still_open {
        ctx.s.ghost |= ghost::STALE_DATA;
    }
    let left = matches!(after.state, Closed | Listen) && !matches!(before.state, Closed | Listen);
    if stale && seg.has(RST) && left {
        ctx.s.ghost |= ghost::ASSASSINATED;
    }
    // Only a connection that was established counts: one closed while it was still opening
    // (FIN-WAIT-1 entered from SYN-RECEIVED, our SYN unacknowledged) may be refused.
    let established = before.state.is_synchronized() && before.snd_una != before.iss;
    if reset_by_rst && established && ctx.s.aborted_conns & (1 << before.conn) == 0 {
        ctx.s.ghost |= ghost::NORMAL_CLOSE_RESET;
    }
    // A ghost connection: ESTABLISHED in connection c although the peer is no longer in c and no
    // one aborted or gave up c (an aborted c leaves an RST or a reply-RST to recover with; RFC 793
    // Fig. 9's recovery from an old duplicate SYN must never end here).
    if after.state == Established && before.state != Established {
        let c = after.conn;
        let peer = ctx.s.ep[to.peer().index()];
        if !in_connection(&peer, c) && ctx.s.aborted_conns & (1 << c) == 0 {
            ctx.s.ghost |= ghost::GHOST_CONNECTION;
        }
    }
}

/// The RST that answers `seg` with the segment's own numbers (RFC 9293 §3.10.7.1, §3.5.2 case 1):
/// it carries the id of the segment it answers (docs/model.md, "Connection ids").
fn reset_for(ctx: &mut Ctx, from: Side, seg: &Segment) {
    if seg.has(ACK) {
        ctx.send(from, RST, seg.ack, 0, 0, seg.conn);
    } else {
        let ack = ctx.space().add(seg.seq, seg.seg_len());
        let zero = zero_of(ctx, from);
        ctx.send(from, RST | ACK, zero, ack, 0, seg.conn);
    }
}

/// Absolute 0 in `side`'s rotated space (`State::zero`), or [`SEQ_ZERO`] while no one read it.
fn zero_of(ctx: &Ctx, side: Side) -> u8 {
    if ctx.cfg.first_isn_any && ctx.cfg.rst_seq_zero == RstSeqZero::Anywhere {
        // No rotation: the space is absolute.
        return 0;
    }
    match ctx.s.zero[side.index()] {
        ZERO_UNSET => SEQ_ZERO,
        z => z,
    }
}

/// RFC 9293 §3.10.7.1–§3.10.7.4, dispatched on the receiver's state.
pub(crate) fn segment_arrives(ctx: &mut Ctx, to: Side, seg: Segment, iss: u8) {
    match ctx.ep(to).state {
        Closed => closed(ctx, to, &seg),
        Listen => listen(ctx, to, &seg, iss),
        SynSent => syn_sent(ctx, to, &seg),
        _ => other(ctx, to, &seg, iss),
    }
}

/// RFC 9293 §3.10.7.1 CLOSED: an RST is discarded; anything else gets an RST.
fn closed(ctx: &mut Ctx, to: Side, seg: &Segment) {
    if !seg.has(RST) {
        reset_for(ctx, to, seg);
    }
}

/// RFC 9293 §3.10.7.2 LISTEN.
fn listen(ctx: &mut Ctx, to: Side, seg: &Segment, iss: u8) {
    if seg.has(RST) {
        // First: an incoming RST is ignored.
        return;
    }
    if seg.has(ACK) {
        // Second: any acknowledgment is bad in LISTEN: <SEQ=SEG.ACK><CTL=RST>.
        reset_for(ctx, to, seg);
        return;
    }
    if linux_drops_syn_fin(ctx.cfg, seg) {
        return;
    }
    if seg.has(SYN) {
        if ctx.ep(to).timer.kind == TimerKind::Quiet {
            // RFC 793 §3.3 quiet time: no new ISS may be chosen yet, so the SYN goes unanswered.
            return;
        }
        // Third: RCV.NXT = SEG.SEQ+1, IRS = SEG.SEQ, choose ISS, send <SEQ=ISS><ACK=RCV.NXT>
        // <CTL=SYN,ACK>, enter SYN-RECEIVED. The passive side adopts the SYN's id (docs/model.md,
        // "Connection ids").
        open_on_syn(ctx, to, seg, iss, false);
    }
    // Fourth: other text or control: drop.
}

/// Opens a connection on a SYN: SYN-RECEIVED with the chosen ISS, <SEQ=ISS><ACK=RCV.NXT>
/// <CTL=SYN,ACK>. Every such connection comes from the listening socket, which stays.
/// `reopened`: the SYN reopened TIME-WAIT; under the RFC's rules it remembers where to return.
fn open_on_syn(ctx: &mut Ctx, to: Side, seg: &Segment, iss: u8, reopened: bool) {
    let space = ctx.space();
    let rto = ctx.cfg.rto;
    let remember = reopened && ctx.cfg.time_wait_rules == TimeWaitRules::Rfc9293;
    let e = ctx.ep(to);
    e.time_wait_memory = if remember {
        TimeWaitMemory {
            rcv_nxt: e.rcv_nxt,
            snd_nxt: e.snd_nxt,
            conn: e.conn,
        }
    } else {
        TimeWaitMemory::default()
    };
    e.state = SynReceived;
    e.rcv_nxt = space.add(seg.seq, 1);
    e.iss = iss;
    e.snd_una = iss;
    e.snd_nxt = space.add(iss, 1);
    e.timer = Timer::set(TimerKind::Retransmit, rto);
    e.retries = 0;
    e.sent = 0;
    e.unread = 0;
    e.app = app::USED | app::PASSIVE | (e.app & app::LISTENER);
    if remember {
        e.app |= app::REOPENED;
    }
    e.conn = seg.conn;
    e.end = End::None;
    let rcv_nxt = e.rcv_nxt;
    ctx.send(to, SYN | ACK, iss, rcv_nxt, 0, seg.conn);
}

/// RFC 9293 §3.10.7.3 SYN-SENT.
fn syn_sent(ctx: &mut Ctx, to: Side, seg: &Segment) {
    let space = ctx.space();
    let e = *ctx.ep(to);
    // First: the ACK is acceptable iff ISS < SEG.ACK =< SND.NXT (SND.UNA = ISS here).
    let ack_ok = seg.has(ACK)
        && (ctx.cfg.mutation == Mutation::SynSentAcceptsAnyAck
            || space.in_range(seg.ack, space.add(e.iss, 1), space.sub(e.snd_nxt, e.iss)));
    if seg.has(ACK) && !ack_ok {
        // Unacceptable ACK: <SEQ=SEG.ACK><CTL=RST> unless the segment is itself an RST.
        if !seg.has(RST) {
            reset_for(ctx, to, seg);
        }
        return;
    }
    if seg.has(RST) {
        // Second: an RST with an acceptable ACK resets the connection; without ACK it is dropped.
        if ack_ok {
            enter_closed(ctx, to, End::Reset);
        }
        return;
    }
    if seg.has(SYN) {
        // Fourth: RCV.NXT = SEG.SEQ+1; SND.UNA = SEG.ACK if ACK. Both sides of a simultaneous
        // open adopt the larger id (docs/model.md, "Connection ids").
        let common = e.conn.max(seg.conn);
        let e = ctx.ep(to);
        e.rcv_nxt = space.add(seg.seq, 1);
        e.conn = common;
        if ack_ok {
            // Our SYN is acknowledged: ESTABLISHED, send <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>.
            e.state = Established;
            ack_advance(ctx, to, seg.ack);
            send_ack(ctx, to);
        } else {
            // Simultaneous open: SYN-RECEIVED, send <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>.
            e.state = SynReceived;
            let (iss, rcv_nxt, conn) = (e.iss, e.rcv_nxt, e.conn);
            ctx.send(to, SYN | ACK, iss, rcv_nxt, 0, conn);
        }
    }
    // Fifth: neither SYN nor RST: drop.
}

/// TIME-WAIT's rules that come before RFC 9293's sequence-number check, where the references
/// differ (`time_wait_rules`). Returns true when the segment is dealt with.
fn time_wait_first(ctx: &mut Ctx, to: Side, seg: &Segment, iss: u8) -> bool {
    let cfg = ctx.cfg;
    let e = *ctx.ep(to);
    let rules = cfg.time_wait_rules;
    if seg.has(RST)
        && (cfg.rst_in_time_wait == RstInTimeWait::Ignore || rules == TimeWaitRules::Freebsd)
    {
        // RFC 1337 F1: every RST is dropped in TIME-WAIT, before anything else (FreeBSD
        // `tcp_twcheck` always; Linux `tcp_timewait_state_process` with tcp_rfc1337=1).
        return true;
    }
    if rules == TimeWaitRules::Linux {
        linux_time_wait(ctx, to, seg, iss);
        return true;
    }
    let bare_syn = seg.has(SYN) && !seg.has(ACK) && !seg.has(RST);
    if !bare_syn {
        return false;
    }
    if time_wait_reopens(cfg, &e, seg) {
        // RFC 9293 MAY-2 / RFC 6191: a listener takes the SYN and the connection reopens.
        open_on_syn(ctx, to, seg, iss, true);
        return true;
    }
    if time_wait_syn_qualifies(cfg, &e, seg) {
        match rules {
            TimeWaitRules::Freebsd => {
                // FreeBSD `tcp_twcheck` closes TIME-WAIT and the SYN is looked up again; with no
                // listener it meets CLOSED, which answers with RST (RFC 9293 §3.10.7.1).
                enter_closed(ctx, to, End::Normal);
                closed(ctx, to, seg);
            }
            TimeWaitRules::Linux | TimeWaitRules::Rfc9293 => {
                // Linux `tcp_v4_rcv`, TCP_TW_SYN with no listener: falls through to TCP_TW_ACK,
                // an ACK with the old numbers (the RFC's challenge ACK for a SYN).
                send_ack(ctx, to);
            }
        }
        return true;
    }
    match rules {
        // FreeBSD `tcp_twcheck`: a segment without ACK is dropped silently.
        TimeWaitRules::Freebsd => true,
        // RFC 6191 §2: with timestamps, a SYN that may not reopen is dropped silently.
        TimeWaitRules::Rfc9293 => cfg.timestamps,
        // Linux `tcp_timewait_state_process`: ACKed (TCP_TW_ACK), by the RFC's rules below.
        TimeWaitRules::Linux => false,
    }
}

/// Linux `tcp_timewait_state_process`, a real TIME-WAIT: a bare ACK (or an RST) exactly at
/// RCV.NXT restarts the timer (an RST first kills it with tcp_rfc1337=0); a SYN may reopen;
/// every other segment but an RST is answered with an ACK of the old numbers, and one with ACK
/// restarts the timer.
fn linux_time_wait(ctx: &mut Ctx, to: Side, seg: &Segment, iss: u8) {
    let cfg = ctx.cfg;
    let e = *ctx.ep(to);
    let paws_reject = cfg.timestamps && seg.conn < e.conn;
    if !paws_reject && seg.seq == e.rcv_nxt && (seg.seg_len() == 0 || seg.has(RST)) {
        if seg.has(RST) && cfg.rst_in_time_wait == RstInTimeWait::Honor {
            // "TIME_WAIT assassination": the connection is gone.
            enter_closed(ctx, to, End::Reset);
        } else {
            restart_time_wait(ctx, to);
        }
        return;
    }
    let bare_syn = seg.has(SYN) && !seg.has(ACK) && !seg.has(RST);
    if bare_syn && time_wait_reopens(cfg, &e, seg) {
        open_on_syn(ctx, to, seg, iss, true);
        return;
    }
    if bare_syn && time_wait_syn_qualifies(cfg, &e, seg) {
        // TCP_TW_SYN with no listener: TCP_TW_ACK, and no restart.
        send_ack(ctx, to);
        return;
    }
    if !seg.has(RST) {
        send_ack(ctx, to);
        if paws_reject || seg.has(ACK) {
            restart_time_wait(ctx, to);
        }
    }
}

/// Linux `tcp_in_window`: SEG.SEQ = RCV.NXT, or the segment ends after RCV.NXT and starts before
/// RCV.NXT+RCV.WND, or an empty one sits on the right edge.
fn linux_in_window(ctx: &Ctx, e: &Endpoint, seg: &Segment) -> bool {
    let space = ctx.space();
    let end = space.add(seg.seq, seg.seg_len());
    let right = space.add(e.rcv_nxt, ctx.cfg.window);
    seg.seq == e.rcv_nxt
        || (space.gt(end, e.rcv_nxt) && space.gt(right, seg.seq))
        || (seg.seq == right && seg.seg_len() == 0)
}

/// Linux's orphaned FIN-WAIT-2 (the application closed): a minisocket handled by
/// `tcp_timewait_state_process` (substate FIN_WAIT2). Returns true when it handled the segment.
fn linux_orphan_fin_wait_2(ctx: &mut Ctx, to: Side, seg: &Segment) -> bool {
    let space = ctx.space();
    let e = *ctx.ep(to);
    let paws_reject = ctx.cfg.timestamps && seg.conn < e.conn;
    let end = space.add(seg.seq, seg.seg_len());
    if paws_reject || !linux_in_window(ctx, &e, seg) {
        // Out of window: an ACK, even to an RST.
        send_ack(ctx, to);
    } else if seg.has(RST) {
        // Any RST in the window ends it.
        enter_closed(ctx, to, End::Reset);
    } else if seg.has(SYN) && !space.gt(e.rcv_nxt, seg.seq) {
        // TCP_TW_RST: a SYN at or after RCV.NXT.
        reset_for(ctx, to, seg);
        enter_closed(ctx, to, End::Aborted);
    } else if !seg.has(ACK) || !space.gt(end, e.rcv_nxt) || seg.seg_len() == 0 {
        // A duplicate: dropped.
    } else if !seg.has(FIN) || end != space.add(e.rcv_nxt, 1) {
        // "New data or FIN. If new data arrive after half-duplex close, reset."
        reset_for(ctx, to, seg);
        enter_closed(ctx, to, End::Aborted);
    } else {
        // The FIN: TIME-WAIT, ACK.
        ctx.ep(to).rcv_nxt = end;
        send_ack(ctx, to);
        enter_time_wait(ctx, to);
    }
    true
}

/// Linux `tcp_check_req`: a passive open's SYN-RECEIVED is a request socket. Returns true when
/// it handled the segment; an acceptable ACK goes on to the RFC's processing.
fn linux_request_socket(ctx: &mut Ctx, to: Side, seg: &Segment) -> bool {
    let space = ctx.space();
    let e = *ctx.ep(to);
    if seg.has(SYN) && !seg.has(ACK) && !seg.has(RST) && space.add(seg.seq, 1) == e.rcv_nxt {
        // A retransmitted SYN: the SYN,ACK again.
        ctx.send(to, SYN | ACK, e.iss, e.rcv_nxt, 0, e.conn);
    } else if seg.has(ACK) && !seg.has(RST) && seg.ack != space.add(e.iss, 1) {
        // An ACK of something else: <SEQ=SEG.ACK><CTL=RST>; the request stays. An RST is never
        // answered (`tcp_v4_send_reset`): it goes on to the window checks, and one at RCV.NXT
        // drops the request whatever it acknowledges, as RFC 9293 §3.10.7.4 checks RST before
        // ACK (measured on Linux 6.18 by `tcpmc conform --suite walks`).
        reset_for(ctx, to, seg);
    } else if !linux_in_window(ctx, &e, seg) {
        // Out of window: an ACK unless RST.
        if !seg.has(RST) {
            send_ack(ctx, to);
        }
    } else if seg.has(RST) && seg.seq != e.rcv_nxt {
        // RFC 5961 §3.2: not exactly RCV.NXT: a challenge ACK.
        send_ack(ctx, to);
    } else if seg.has(RST) || seg.has(SYN) {
        // "embryonic_reset": RST for anything but an RST, and the request is dropped.
        if !seg.has(RST) {
            reset_for(ctx, to, seg);
        }
        enter_listen(ctx, to);
    } else if !seg.has(ACK) {
        // No ACK: dropped silently.
    } else {
        return false;
    }
    true
}

/// A SYN,ACK that repeats the SYN already received: SEG.SEQ = RCV.NXT−1 in SYN-RECEIVED from an
/// active open, acknowledging our SYN (the simultaneous open of RFC 9293 Figure 7).
fn repeats_received_syn(ctx: &Ctx, e: &Endpoint, seg: &Segment) -> bool {
    e.state == SynReceived
        && !e.passive()
        && seg.flags == SYN | ACK
        && seg.len == 0
        && ctx.space().add(seg.seq, 1) == e.rcv_nxt
        && seg.ack == e.snd_nxt
}

/// RFC 9293 §3.10.7.4: SYN-RECEIVED and the synchronized states.
fn other(ctx: &mut Ctx, to: Side, seg: &Segment, iss: u8) {
    let space = ctx.space();
    let cfg = ctx.cfg;
    let e = *ctx.ep(to);

    if e.state == TimeWait && time_wait_first(ctx, to, seg, iss) {
        return;
    }
    let linux = cfg.segment_checks == SegmentChecks::Linux;
    let orphaned = e.has(app::CLOSED_BY_APP);
    if linux && e.state == FinWait2 && orphaned && linux_orphan_fin_wait_2(ctx, to, seg) {
        return;
    }
    if linux && e.state == SynReceived && e.passive() && linux_request_socket(ctx, to, seg) {
        return;
    }

    // RFC 9293 §3.10.7.4 "only the new parts are processed": the SYN of a SYN,ACK whose SYN was
    // already received is trimmed off and its ACK processed (Figure 7; Linux
    // `tcp_validate_incoming` passes this SYN,ACK in SYN_RECV; FreeBSD `tcp_input` trims it).
    let trimmed;
    let orig_seq = seg.seq;
    let syn_trimmed = repeats_received_syn(ctx, &e, seg);
    let seg = if syn_trimmed {
        trimmed = Segment {
            flags: ACK,
            seq: e.rcv_nxt,
            ..*seg
        };
        &trimmed
    } else {
        seg
    };
    let seg_len = seg.seg_len();

    // RFC 7323 §5.3 (PAWS): a non-RST segment whose timestamp is older than TS.Recent is not
    // acceptable: acknowledge and drop. RSTs are exempt (RFC 7323 §4.2).
    if cfg.timestamps && !seg.has(RST) && seg.conn < e.conn && e.state != SynSent {
        send_ack(ctx, to);
        return;
    }

    // TIME-WAIT: "the only thing that can arrive is a retransmission of the remote FIN.
    // Acknowledge it, and restart the 2 MSL timeout". The retransmitted FIN lies left of the
    // window, so it is recognised before the acceptability test (the idealized, trimmed segment).
    if e.state == TimeWait
        && seg.has(FIN)
        && !seg.has(RST)
        && space.add(seg.seq, seg_len) == e.rcv_nxt
    {
        send_ack(ctx, to);
        restart_time_wait(ctx, to);
        return;
    }

    if linux && e.state != TimeWait && !seg.has(ACK) && !seg.has(RST) && !seg.has(SYN) {
        // Linux `tcp_rcv_state_process` / `tcp_rcv_established`: a segment with neither ACK,
        // RST nor SYN is dropped before its sequence number is looked at.
        return;
    }

    // First: the sequence-number check (four cases on SEG.LEN and RCV.WND). Linux
    // `tcp_sequence` tests SEG.SEQ+SEG.LEN >= RCV.NXT and SEG.SEQ <= RCV.NXT+RCV.WND instead, so
    // a segment that only ends at RCV.NXT, or starts at the right edge, passes it.
    let accept_any = cfg.mutation == Mutation::AcceptAnyData && seg.len > 0;
    let acceptable = if linux {
        !space.gt(e.rcv_nxt, space.add(seg.seq, seg_len))
            && !space.gt(seg.seq, space.add(e.rcv_nxt, cfg.window))
    } else {
        space.acceptable(seg.seq, seg_len, e.rcv_nxt, cfg.window)
    };
    if !accept_any && !acceptable {
        let after_fin = matches!(e.state, CloseWait | LastAck | Closing);
        if linux && seg.has(RST) && after_fin && space.add(seg.seq, 1) == e.rcv_nxt {
            // Linux `tcp_reset_check`: after the peer's FIN, an RST at RCV.NXT−1 (the FIN's
            // number) resets although it is left of the window.
            enter_closed(ctx, to, End::Reset);
            return;
        }
        // Not acceptable: send <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> unless RST, and drop.
        if !seg.has(RST) {
            send_ack(ctx, to);
        }
        return;
    }
    // RFC 9293 §3.10.7.4 "only the new parts are processed": a data byte before RCV.NXT is
    // trimmed off (a FIN right after it is then next). With nothing new left, the segment is a
    // duplicate and is acknowledged (Linux `tcp_data_queue`: a retransmit forces an ACK).
    let trimmed_text;
    let mut old_text = false;
    let seg = if seg.len > 0 && !seg.has(SYN) && !accept_any && space.add(seg.seq, 1) == e.rcv_nxt {
        old_text = true;
        trimmed_text = Segment {
            seq: e.rcv_nxt,
            len: 0,
            ..*seg
        };
        &trimmed_text
    } else {
        seg
    };

    // Second: the RST bit.
    if seg.has(RST) {
        if seg.seq != e.rcv_nxt && cfg.rst_syn_rules == RstSynRules::Rfc5961 {
            if e.state == TimeWait && cfg.time_wait_rules != TimeWaitRules::Rfc9293 {
                // Linux `tcp_timewait_state_process`: an RST that is not exactly RCV.NXT is
                // dropped without a reply.
                return;
            }
            // RFC 5961 §3.2: in the window but not exactly RCV.NXT: challenge ACK, drop.
            send_ack(ctx, to);
            return;
        }
        // RFC 5961 §3.2 exact match, or RFC 793 p. 70 (`rst_syn_rules = rfc793`): any RST in the
        // window resets.
        match e.state {
            SynReceived if e.has(app::REOPENED) => {
                // RFC 9293 MAY-2 (2): the reopening SYN was an old duplicate: back to TIME-WAIT.
                return_to_time_wait(ctx, to);
            }
            SynReceived if e.passive() => {
                // Passive open: return to LISTEN.
                enter_listen(ctx, to);
            }
            TimeWait if cfg.rst_in_time_wait == RstInTimeWait::Ignore => {
                // RFC 1337 F1 (dropped before the sequence check; kept for clarity).
            }
            TimeWait | Closing | LastAck => {
                // RFC 9293: enter CLOSED, delete the TCB.
                enter_closed(ctx, to, End::Reset);
            }
            _ => {
                // SYN-RECEIVED from an active open ("connection refused"), ESTABLISHED,
                // FIN-WAIT-1/2, CLOSE-WAIT: "connection reset", enter CLOSED.
                enter_closed(ctx, to, End::Reset);
            }
        }
        return;
    }

    // Fourth: the SYN bit (in the window, since the first check passed).
    if seg.has(SYN) {
        match e.state {
            _ if cfg.rst_syn_rules == RstSynRules::Rfc793 => {
                // RFC 793 p. 71: a SYN in the window is an error: send a reset, enter CLOSED.
                reset_for(ctx, to, seg);
                enter_closed(ctx, to, End::Reset);
            }
            SynReceived if e.passive() => {
                // Passive open: return to LISTEN.
                enter_listen(ctx, to);
            }
            TimeWait if cfg.syn_in_time_wait == SynInTimeWait::Reset => {
                // RFC 793 p. 71: a SYN in the window is an error: send a reset, enter CLOSED.
                reset_for(ctx, to, seg);
                enter_closed(ctx, to, End::Reset);
            }
            _ => {
                // RFC 9293 (RFC 5961 §4): challenge ACK, drop.
                send_ack(ctx, to);
            }
        }
        return;
    }

    // FreeBSD `tcp_input` (`data_after_close = reset-after-close`): new data after close() in
    // CLOSING, LAST-ACK or TIME-WAIT draws RST before the ACK is looked at (see below).
    let late_state = matches!(e.state, Closing | LastAck | TimeWait);
    if late_state && data_after_close(cfg, &e, seg) {
        reset_for(ctx, to, seg);
        enter_closed(ctx, to, End::Aborted);
        return;
    }

    // Fifth: the ACK field. Without ACK the segment is dropped.
    if !seg.has(ACK) {
        return;
    }
    let acceptable_ack = |e: &Endpoint| {
        space.in_range(
            seg.ack,
            space.add(e.snd_una, 1),
            space.sub(e.snd_nxt, e.snd_una),
        )
    };
    match e.state {
        SynReceived => {
            if acceptable_ack(&e) {
                // SND.UNA < SEG.ACK =< SND.NXT: ESTABLISHED, continue processing. A reopened
                // connection is confirmed: its TIME-WAIT is forgotten.
                let ep = ctx.ep(to);
                ep.state = Established;
                ep.app &= !app::REOPENED;
                ep.time_wait_memory = TimeWaitMemory::default();
                ack_advance(ctx, to, seg.ack);
                if linux && syn_trimmed {
                    // Linux acknowledges the peer's repeated SYN,ACK.
                    send_ack(ctx, to);
                }
            } else {
                // <SEQ=SEG.ACK><CTL=RST>.
                reset_for(ctx, to, seg);
                return;
            }
        }
        FinWait1 if e.snd_una == e.iss && !acceptable_ack(&e) => {
            // Closed in SYN-RECEIVED with our SYN still unacknowledged: the handshake's rule
            // still holds (RFC 9293 §3.10.7.4 SYN-RECEIVED; FreeBSD `tcp_usrclosed` even stays in
            // SYN-RECEIVED with TF_NEEDFIN until this ACK): <SEQ=SEG.ACK><CTL=RST>.
            reset_for(ctx, to, seg);
            return;
        }
        TimeWait => {
            // Only a retransmitted FIN can arrive; handled above.
        }
        _ => {
            let bytes_acked = space.sub(e.snd_una, space.add(e.iss, 1));
            let too_old =
                space.gt(e.snd_una, seg.ack) && space.sub(e.snd_una, seg.ack) > bytes_acked;
            if linux && too_old {
                // RFC 5961 §5.2 as Linux `tcp_ack` bounds it (MAX.SND.WND no larger than the
                // bytes acknowledged so far): an ACK older than that draws a challenge ACK.
                send_ack(ctx, to);
                return;
            }
            if acceptable_ack(&e) {
                ack_advance(ctx, to, seg.ack);
            } else if space.gt(seg.ack, e.snd_nxt) {
                // Acknowledges something not yet sent: send an ACK, drop.
                send_ack(ctx, to);
                return;
            }
            // SEG.ACK =< SND.UNA: a duplicate, ignored; processing continues (this is what
            // accepts a FIN with an old ACK in FIN-WAIT-1 during a reordered simultaneous close).
            let e = *ctx.ep(to);
            let fin_acked = e.has(app::FIN_SENT) && e.snd_una == e.snd_nxt;
            match e.state {
                FinWait1 if fin_acked => {
                    enter_fin_wait_2(ctx, to);
                    let orphan = e.has(app::CLOSED_BY_APP);
                    if linux && orphan && !seg.has(FIN) && !data_after_close(cfg, &e, seg) {
                        // Linux `tcp_rcv_state_process`: the orphan becomes a FIN-WAIT-2
                        // minisocket and the rest of the segment is consumed.
                        return;
                    }
                }
                Closing => {
                    // Our FIN acknowledged: TIME-WAIT; otherwise ignore the segment.
                    if fin_acked {
                        enter_time_wait(ctx, to);
                    }
                    return;
                }
                LastAck => {
                    // Our FIN acknowledged: CLOSED.
                    if fin_acked {
                        enter_closed(ctx, to, End::Normal);
                        let wait = ctx.cfg.passive_close_wait;
                        if wait > 0 {
                            ctx.ep(to).timer = Timer::set(TimerKind::Quiet, wait);
                        }
                    }
                    return;
                }
                _ => {}
            }
        }
    }

    // Seventh: segment text, in ESTABLISHED and FIN-WAIT-1/2 only.
    let e = *ctx.ep(to);
    if matches!(e.state, FinWait1 | FinWait2) && data_after_close(cfg, &e, seg) {
        // RFC 9293 §3.6.1 SHLD-3 (RFC 2525 §2.17): new data after the application called
        // close() cannot be delivered: RST, and the connection ends (Linux
        // `tcp_rcv_state_process`, "RFC 1122 says we MUST send a reset", after the ACK).
        reset_for(ctx, to, seg);
        enter_closed(ctx, to, End::Aborted);
        return;
    }
    let mut acked = false;
    if seg.len > 0 && matches!(e.state, Established | FinWait1 | FinWait2) {
        if seg.seq == e.rcv_nxt || accept_any {
            let ep = ctx.ep(to);
            ep.rcv_nxt = space.add(ep.rcv_nxt, 1);
            if !ep.has(app::CLOSED_BY_APP) {
                ep.unread = ep.unread.saturating_add(1);
            }
        } else {
            // In the window but not next: no reassembly queue, so only acknowledge.
            send_ack(ctx, to);
            return;
        }
        acked = true;
    }

    if old_text && !seg.has(FIN) {
        send_ack(ctx, to);
        return;
    }

    // Eighth: the FIN bit, if it is the next byte expected.
    let e = *ctx.ep(to);
    let fin_seq = space.add(seg.seq, seg.len);
    if linux && matches!(e.state, CloseWait | Closing | LastAck) && !space.gt(e.rcv_nxt, orig_seq) {
        // Linux `tcp_rcv_state_process`: after the peer's FIN, text and FIN at or after
        // RCV.NXT are ignored, with no ACK.
        return;
    }
    if linux && seg.has(FIN) && fin_seq != e.rcv_nxt && !acked {
        // Linux `tcp_data_queue`: an old or out-of-order FIN is acknowledged at once.
        send_ack(ctx, to);
        return;
    }
    if seg.has(FIN) && fin_seq == e.rcv_nxt {
        ctx.ep(to).rcv_nxt = space.add(e.rcv_nxt, 1);
        send_ack(ctx, to);
        match e.state {
            SynReceived | Established => ctx.ep(to).state = CloseWait,
            // Our FIN is not acknowledged yet (else we would be in FIN-WAIT-2): CLOSING.
            FinWait1 => ctx.ep(to).state = Closing,
            FinWait2 => enter_time_wait(ctx, to),
            // TIME-WAIT: remain, restart the 2 MSL time-wait timeout.
            TimeWait => restart_time_wait(ctx, to),
            // CLOSE-WAIT, CLOSING, LAST-ACK: remain.
            _ => {}
        }
        return;
    }
    if acked {
        send_ack(ctx, to);
    }
}

/// New data (the window check passed) with ACK, after the application called close(); not after
/// shutdown(SHUT_WR), which still reads. FIN-WAIT-1/2 always; CLOSING, LAST-ACK and TIME-WAIT,
/// where the peer's FIN was received and RFC 9293 ignores text, only as FreeBSD does.
fn data_after_close(cfg: &Config, e: &Endpoint, seg: &Segment) -> bool {
    let resets_here = match e.state {
        FinWait1 | FinWait2 => true,
        Closing | LastAck | TimeWait => cfg.data_after_close == DataAfterClose::ResetAfterClose,
        _ => false,
    };
    // Linux counts a FIN beyond RCV.NXT too: "end_seq - fin after rcv_nxt".
    let space = crate::state::seq::SeqSpace { n: cfg.seq_space };
    let linux_fin =
        cfg.segment_checks == SegmentChecks::Linux && seg.has(FIN) && space.gt(seg.seq, e.rcv_nxt);
    resets_here && (seg.len > 0 || linux_fin) && seg.has(ACK) && e.has(app::CLOSED_BY_APP)
}
