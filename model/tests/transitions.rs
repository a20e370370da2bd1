//! State × event tests: one segment or call in one state, checked against the RFC rule it cites.

use tcpmc_model::config::{
    ActiveRst, Config, DataAfterClose, QuietAfter, RstInTimeWait, RstSynRules, SegmentChecks,
    SynInTimeWait, TimeWaitRules,
};
use tcpmc_model::endpoint::{app, End, Endpoint, Side, Timer, TimerKind};
use tcpmc_model::fixtures::endpoint_in as ep;
use tcpmc_model::segment::SEQ_ZERO;
use tcpmc_model::segment::{flags::*, Segment};
use tcpmc_model::system::{apply, ghost, Action, Choice, State, NO_CHOICE};
use tcpmc_model::TcpState::*;

fn cfg() -> Config {
    Config::default()
}

fn seg(flags: u8, seq: u8, ack: u8, len: u8) -> Segment {
    Segment {
        from: Side::B,
        flags,
        seq,
        ack: if flags & ACK != 0 { ack } else { 0 },
        len,
        conn: 1,
        age: 0,
    }
}

/// Delivers `s` (from B) to A in `a`; B is `b`.
fn deliver_with(cfg: &Config, a: Endpoint, b: Endpoint, s: Segment, iss: u8) -> State {
    let mut st = State::initial();
    st.ep = [a, b];
    st.next_conn = 3;
    assert!(st.net.push(s, 6));
    // `iss` is the choice where the receiver opens a connection; elsewhere there is none.
    apply(cfg, &st, Action::Deliver(0, iss))
        .or_else(|| apply(cfg, &st, Action::Deliver(0, NO_CHOICE)))
        .expect("delivery is always enabled")
}

fn deliver(a: Endpoint, s: Segment) -> State {
    deliver_with(&cfg(), a, ep(Established), s, 0)
}

/// The segments A sent in reply.
fn replies(st: &State) -> Vec<Segment> {
    st.net
        .segments()
        .iter()
        .filter(|s| s.from == Side::A)
        .copied()
        .collect()
}

fn only_reply(st: &State) -> Segment {
    let r = replies(st);
    assert_eq!(r.len(), 1, "exactly one reply expected, got {r:?}");
    r[0]
}

// --- CLOSED (RFC 9293 §3.10.7.1) ---

#[test]
fn test_closed_syn() {
    // "If the ACK bit is off, <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>"; the reply copies the
    // segment's numbers, so it carries the segment's connection id (docs/model.md,
    // "Connection ids").
    let st = deliver(
        Endpoint::default(),
        Segment {
            conn: 2,
            ..seg(SYN, 5, 0, 0)
        },
    );
    // SEQ=0 is absolute: it travels unplaced in the rotated numbering (`State::zero`).
    let r = only_reply(&st);
    assert_eq!((r.flags, r.seq, r.ack, r.conn), (RST | ACK, SEQ_ZERO, 6, 2));
    assert_eq!(st.ep[0].state, Closed);
}

#[test]
fn test_closed_ack() {
    // "If the ACK bit is on, <SEQ=SEG.ACK><CTL=RST>".
    let r = only_reply(&deliver(Endpoint::default(), seg(ACK, 3, 4, 0)));
    assert_eq!((r.flags, r.seq), (RST, 4));
}

#[test]
fn test_closed_rst() {
    // "An incoming segment containing a RST is discarded."
    assert!(replies(&deliver(Endpoint::default(), seg(RST, 3, 0, 0))).is_empty());
}

// --- LISTEN (RFC 9293 §3.10.7.2) ---

#[test]
fn test_listen_syn() {
    // Third: RCV.NXT=SEG.SEQ+1, send <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>, enter SYN-RECEIVED; the
    // passive side adopts the SYN's connection id.
    let listen = Endpoint {
        state: Listen,
        ..Endpoint::default()
    };
    let st = deliver_with(
        &cfg(),
        listen,
        ep(SynSent),
        Segment {
            conn: 2,
            ..seg(SYN, 5, 0, 0)
        },
        0,
    );
    let a = st.ep[0];
    assert_eq!(
        (a.state, a.rcv_nxt, a.snd_nxt, a.conn, a.passive()),
        (SynReceived, 6, 1, 2, true)
    );
    let r = only_reply(&st);
    assert_eq!((r.flags, r.seq, r.ack), (SYN | ACK, 0, 6));
}

#[test]
fn test_listen_syn_during_quiet_time() {
    // RFC 793 §3.3: no ISS may be chosen during the quiet time; the SYN goes unanswered.
    let listen = Endpoint {
        state: Listen,
        timer: Timer {
            kind: TimerKind::Quiet,
            ticks: 1,
        },
        ..Endpoint::default()
    };
    let st = deliver(listen, seg(SYN, 5, 0, 0));
    assert_eq!(st.ep[0].state, Listen);
    assert!(replies(&st).is_empty());
}

#[test]
fn test_listen_ack() {
    // Second: "Any acknowledgment is bad if it arrives on a connection still in the LISTEN state":
    // <SEQ=SEG.ACK><CTL=RST>.
    let st = deliver(
        Endpoint {
            state: Listen,
            ..Endpoint::default()
        },
        seg(ACK, 5, 3, 0),
    );
    let r = only_reply(&st);
    assert_eq!((r.flags, r.seq), (RST, 3));
    assert_eq!(st.ep[0].state, Listen);
}

#[test]
fn test_listen_rst() {
    // First: "An incoming RST segment could not be valid ... it should be ignored."
    let st = deliver(
        Endpoint {
            state: Listen,
            ..Endpoint::default()
        },
        seg(RST, 5, 0, 0),
    );
    assert_eq!(st.ep[0].state, Listen);
    assert!(replies(&st).is_empty());
}

// --- SYN-SENT (RFC 9293 §3.10.7.3) ---

#[test]
fn test_syn_sent_syn_ack() {
    // Fourth: our SYN acknowledged: ESTABLISHED, send <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>.
    let st = deliver(ep(SynSent), seg(SYN | ACK, 4, 1, 0));
    let a = st.ep[0];
    assert_eq!(
        (a.state, a.snd_una, a.rcv_nxt, a.timer),
        (Established, 1, 5, Timer::OFF)
    );
    let r = only_reply(&st);
    assert_eq!((r.flags, r.seq, r.ack), (ACK, 1, 5));
}

#[test]
fn test_syn_sent_syn_ack_with_bad_ack() {
    // First: SEG.ACK =< ISS or > SND.NXT: <SEQ=SEG.ACK><CTL=RST>, drop (RFC 793 Figure 9's
    // recovery from an old duplicate SYN).
    let st = deliver(ep(SynSent), seg(SYN | ACK, 4, 5, 0));
    assert_eq!(st.ep[0].state, SynSent);
    let r = only_reply(&st);
    assert_eq!((r.flags, r.seq), (RST, 5));
}

#[test]
fn test_syn_sent_rst_with_acceptable_ack() {
    // Second: "If the ACK was acceptable, then signal 'error: connection reset', drop, CLOSED".
    let st = deliver(ep(SynSent), seg(RST | ACK, 0, 1, 0));
    assert_eq!((st.ep[0].state, st.ep[0].end), (Closed, End::Reset));
}

#[test]
fn test_syn_sent_rst_without_ack() {
    // Second: "Otherwise (no ACK), drop the segment and return."
    let st = deliver(ep(SynSent), seg(RST, 0, 0, 0));
    assert_eq!(st.ep[0].state, SynSent);
}

#[test]
fn test_syn_sent_syn() {
    // Fourth, simultaneous open: SYN-RECEIVED, send <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>; both
    // sides adopt the larger connection id (docs/model.md, "Connection ids").
    let st = deliver(
        ep(SynSent),
        Segment {
            conn: 2,
            ..seg(SYN, 4, 0, 0)
        },
    );
    assert_eq!(
        (st.ep[0].state, st.ep[0].rcv_nxt, st.ep[0].conn),
        (SynReceived, 5, 2)
    );
    let r = only_reply(&st);
    assert_eq!((r.flags, r.seq, r.ack, r.conn), (SYN | ACK, 0, 5, 2));
}

// --- SYN-RECEIVED (RFC 9293 §3.10.7.4) ---

#[test]
fn test_syn_received_ack() {
    // Fifth: SND.UNA < SEG.ACK =< SND.NXT: enter ESTABLISHED.
    let st = deliver(ep(SynReceived), seg(ACK, 1, 1, 0));
    assert_eq!((st.ep[0].state, st.ep[0].snd_una), (Established, 1));
    assert!(replies(&st).is_empty());
}

#[test]
fn test_syn_received_bad_ack() {
    // Fifth: unacceptable ACK: <SEQ=SEG.ACK><CTL=RST>.
    let st = deliver(ep(SynReceived), seg(ACK, 1, 3, 0));
    let r = only_reply(&st);
    assert_eq!((r.flags, r.seq, st.ep[0].state), (RST, 3, SynReceived));
}

#[test]
fn test_syn_received_rst_passive() {
    // Second: "If this connection was initiated with a passive OPEN, return to LISTEN"; the quiet
    // time starts (an embryonic connection ended abnormally).
    let e = Endpoint {
        app: app::USED | app::PASSIVE,
        ..ep(SynReceived)
    };
    let st = deliver(e, seg(RST, 1, 0, 0));
    assert_eq!(st.ep[0].state, Listen);
    assert_eq!(st.ep[0].timer.kind, TimerKind::Quiet);
}

#[test]
fn test_syn_received_rst_active() {
    // Second: from an active OPEN: "connection refused", CLOSED.
    let st = deliver(ep(SynReceived), seg(RST, 1, 0, 0));
    assert_eq!((st.ep[0].state, st.ep[0].end), (Closed, End::Reset));
}

#[test]
fn test_syn_received_syn_passive() {
    // Fourth: a SYN in SYN-RECEIVED from a passive OPEN returns the connection to LISTEN.
    let e = Endpoint {
        app: app::USED | app::PASSIVE,
        ..ep(SynReceived)
    };
    assert_eq!(deliver(e, seg(SYN, 1, 0, 0)).ep[0].state, Listen);
}

#[test]
fn test_syn_received_syn_ack() {
    // Simultaneous open (RFC 9293 Figure 7): after an active open, the peer's SYN,ACK repeats the
    // SYN already received (SEG.SEQ = RCV.NXT-1) and acknowledges ours. Only the new part is
    // processed (§3.10.7.4): the SYN is trimmed, the ACK completes the open; nothing is sent.
    let st = deliver(ep(SynReceived), seg(SYN | ACK, 0, 1, 0));
    assert_eq!(st.ep[0].state, Established);
    assert_eq!(st.ep[0].snd_una, 1);
    assert!(replies(&st).is_empty());
    // An ACK that does not acknowledge our SYN is not trimmed: left of the window, so an ACK.
    let st = deliver(ep(SynReceived), seg(SYN | ACK, 0, 0, 0));
    assert_eq!(st.ep[0].state, SynReceived);
    assert_eq!(only_reply(&st).flags, ACK);
    // After a passive open the SYN,ACK can only be old: left of the window, an ACK.
    let mut passive = ep(SynReceived);
    passive.app |= app::PASSIVE | app::LISTENER;
    let st = deliver(passive, seg(SYN | ACK, 0, 1, 0));
    assert_eq!(st.ep[0].state, SynReceived);
    let r = only_reply(&st);
    assert_eq!((r.flags, r.seq, r.ack), (ACK, 1, 1));
}

// --- ESTABLISHED ---

#[test]
fn test_established_data() {
    // Seventh: in-order text: RCV.NXT advances, the data is queued for the user, ACK sent.
    let st = deliver(ep(Established), seg(ACK, 1, 1, 1));
    assert_eq!((st.ep[0].rcv_nxt, st.ep[0].unread), (2, 1));
    let r = only_reply(&st);
    assert_eq!((r.flags, r.ack), (ACK, 2));
}

#[test]
fn test_established_data_out_of_window() {
    // First: unacceptable (left of RCV.NXT): <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, drop.
    let st = deliver(ep(Established), seg(ACK, 0, 1, 1));
    assert_eq!((st.ep[0].rcv_nxt, st.ep[0].unread), (1, 0));
    assert_eq!(only_reply(&st).ack, 1);
}

#[test]
fn test_established_rst_at_rcv_nxt() {
    // Second (RFC 5961 §3.2): SEG.SEQ = RCV.NXT exactly: reset, CLOSED.
    let st = deliver(ep(Established), seg(RST, 1, 0, 0));
    assert_eq!((st.ep[0].state, st.ep[0].end), (Closed, End::Reset));
    assert!(
        replies(&st).is_empty(),
        "nothing is ever sent in reply to an RST"
    );
}

#[test]
fn test_established_rst_in_window_not_exact() {
    // Second (RFC 5961 §3.2): in the window but not RCV.NXT: challenge ACK, drop.
    let st = deliver(ep(Established), seg(RST, 2, 0, 0));
    assert_eq!(st.ep[0].state, Established);
    assert_eq!(only_reply(&st).flags, ACK);
}

#[test]
fn test_established_syn() {
    // Fourth (RFC 5961 §4): an in-window SYN in a synchronized state gets a challenge ACK.
    let st = deliver(ep(Established), seg(SYN, 1, 0, 0));
    assert_eq!(st.ep[0].state, Established);
    assert_eq!(only_reply(&st).flags, ACK);
}

#[test]
fn test_established_ack_of_unsent_data() {
    // Fifth: "If the ACK acks something not yet sent (SEG.ACK > SND.NXT), then send an ACK, drop."
    let st = deliver(ep(Established), seg(ACK, 1, 2, 1));
    assert_eq!(st.ep[0].rcv_nxt, 1, "the segment's data is dropped too");
    assert_eq!(only_reply(&st).flags, ACK);
}

#[test]
fn test_established_fin() {
    // Eighth: FIN: RCV.NXT advances over it, ACK it, enter CLOSE-WAIT.
    let st = deliver(ep(Established), seg(FIN | ACK, 1, 1, 0));
    assert_eq!((st.ep[0].state, st.ep[0].rcv_nxt), (CloseWait, 2));
    assert_eq!(only_reply(&st).ack, 2);
}

// --- FIN-WAIT-1, FIN-WAIT-2, CLOSING, LAST-ACK, TIME-WAIT ---

#[test]
fn test_fin_wait_1_fin_ack() {
    // Fifth then eighth: the FIN+ACK acknowledges our FIN (FIN-WAIT-2), and its FIN takes us
    // straight to TIME-WAIT.
    let st = deliver(ep(FinWait1), seg(FIN | ACK, 1, 2, 0));
    assert_eq!(st.ep[0].state, TimeWait);
    assert_eq!(
        st.ep[0].timer,
        Timer {
            kind: TimerKind::TimeWait,
            ticks: 2
        }
    );
}

#[test]
fn test_fin_wait_1_fin() {
    // Eighth: a FIN that does not acknowledge our FIN: simultaneous close, CLOSING.
    let st = deliver(ep(FinWait1), seg(FIN | ACK, 1, 1, 0));
    assert_eq!(st.ep[0].state, Closing);
}

#[test]
fn test_fin_wait_1_fin_with_old_ack() {
    // Fifth: an old ACK (SEG.ACK < SND.UNA) is ignored and processing continues, so a FIN with an
    // old ACK in a reordered simultaneous close is still accepted (Linux "accept old ack").
    let st = deliver(ep(FinWait1), seg(FIN | ACK, 1, 0, 0));
    assert_eq!(st.ep[0].state, Closing);
}

#[test]
fn test_fin_wait_1_ack_of_fin() {
    // Fifth: "if the FIN segment is now acknowledged, then enter FIN-WAIT-2".
    let st = deliver(ep(FinWait1), seg(ACK, 1, 2, 0));
    assert_eq!((st.ep[0].state, st.ep[0].timer), (FinWait2, Timer::OFF));
}

#[test]
fn test_fin_wait_2_fin() {
    // Eighth: FIN-WAIT-2: enter TIME-WAIT, start the time-wait timer.
    let st = deliver(ep(FinWait2), seg(FIN | ACK, 1, 2, 0));
    assert_eq!(st.ep[0].state, TimeWait);
}

#[test]
fn test_closing_ack_of_fin() {
    // Fifth: CLOSING: "if the ACK acknowledges our FIN, then enter the TIME-WAIT state".
    let st = deliver(ep(Closing), seg(ACK, 2, 2, 0));
    assert_eq!(st.ep[0].state, TimeWait);
}

#[test]
fn test_last_ack_ack_of_fin() {
    // Fifth: LAST-ACK: "If our FIN is now acknowledged, delete the TCB, enter the CLOSED state".
    let st = deliver(ep(LastAck), seg(ACK, 2, 2, 0));
    assert_eq!(
        (st.ep[0].state, st.ep[0].end, st.ep[0].timer),
        (Closed, End::Normal, Timer::OFF)
    );
}

#[test]
fn test_last_ack_rst() {
    // Second: LAST-ACK: "If the RST bit is set, then enter the CLOSED state".
    let st = deliver(ep(LastAck), seg(RST, 2, 0, 0));
    assert_eq!((st.ep[0].state, st.ep[0].end), (Closed, End::Reset));
    assert_ne!(
        st.ghost & ghost::NORMAL_CLOSE_RESET,
        0,
        "no one aborted connection 1"
    );
}

#[test]
fn test_time_wait_retransmitted_fin() {
    // Eighth, TIME-WAIT: "Acknowledge it, and restart the 2 MSL timeout".
    let e = Endpoint {
        timer: Timer {
            kind: TimerKind::TimeWait,
            ticks: 1,
        },
        ..ep(TimeWait)
    };
    let st = deliver(e, seg(FIN | ACK, 1, 2, 0));
    assert_eq!(
        st.ep[0].timer,
        Timer {
            kind: TimerKind::TimeWait,
            ticks: 2
        }
    );
    assert_eq!(only_reply(&st).flags, ACK);
}

#[test]
fn test_time_wait_rst_ignored() {
    // RFC 1337 F1: ignore RST segments in TIME-WAIT.
    let st = deliver(ep(TimeWait), seg(RST, 2, 0, 0));
    assert_eq!(st.ep[0].state, TimeWait);
}

#[test]
fn test_time_wait_rst_honored() {
    // RFC 9293 §3.10.7.4 second: TIME-WAIT: "If the RST bit is set, then enter the CLOSED state".
    let c = Config {
        rst_in_time_wait: RstInTimeWait::Honor,
        ..cfg()
    };
    let st = deliver_with(&c, ep(TimeWait), Endpoint::default(), seg(RST, 2, 0, 0), 0);
    assert_eq!(st.ep[0].state, Closed);
}

#[test]
fn test_time_wait_syn_challenge_ack() {
    // RFC 9293 (RFC 5961 §4): an in-window SYN in TIME-WAIT gets a challenge ACK; stay.
    let st = deliver(
        ep(TimeWait),
        Segment {
            conn: 2,
            ..seg(SYN, 2, 0, 0)
        },
    );
    assert_eq!(st.ep[0].state, TimeWait);
    assert_eq!(only_reply(&st).flags, ACK);
}

#[test]
fn test_time_wait_syn_reset_rfc793() {
    // RFC 793 p. 71: an in-window SYN is an error: send a reset, enter CLOSED.
    let c = Config {
        syn_in_time_wait: SynInTimeWait::Reset,
        ..cfg()
    };
    let syn = Segment {
        conn: 2,
        ..seg(SYN, 2, 0, 0)
    };
    let st = deliver_with(&c, ep(TimeWait), Endpoint::default(), syn, 0);
    assert_eq!(st.ep[0].state, Closed);
    let r = only_reply(&st);
    assert_eq!((r.flags, r.ack, r.conn), (RST | ACK, 3, 2));
}

// --- Timers and user calls ---

fn with_a(a: Endpoint) -> State {
    let mut st = State::initial();
    st.ep[0] = a;
    st
}

#[test]
fn test_time_wait_tick() {
    // RFC 9293 §3.10.8: the time-wait timeout deletes the TCB: 2 ticks mean exactly 2 ticks.
    let st = with_a(ep(TimeWait));
    let once = apply(&cfg(), &st, Action::Tick).unwrap();
    assert_eq!(once.ep[0].state, TimeWait);
    let twice = apply(&cfg(), &once, Action::Tick).unwrap();
    assert_eq!((twice.ep[0].state, twice.ep[0].end), (Closed, End::Normal));
    assert!(
        apply(&cfg(), &twice, Action::Tick).is_none(),
        "quiet states have no Tick"
    );
}

#[test]
fn test_syn_sent_tick_retransmits_then_gives_up() {
    // RFC 9293 §3.8.1 / §3.8.3: retransmit until R2 retransmissions, then close the connection.
    let st = with_a(ep(SynSent));
    let once = apply(&cfg(), &st, Action::Tick).unwrap();
    assert_eq!((once.ep[0].retries, once.net.len()), (1, 1));
    assert_eq!(once.net.get(0).flags, SYN);
    let twice = apply(&cfg(), &once, Action::Tick).unwrap();
    assert_eq!(
        (twice.ep[0].state, twice.ep[0].end),
        (Closed, End::TimedOut)
    );
    assert_eq!(twice.ep[0].timer.kind, TimerKind::Quiet);
}

/// A's LAST-ACK after its application closed (orphaned), its FIN unacknowledged, the
/// retransmission timer running with `ticks` left after `retries` retransmissions.
fn orphaned_last_ack(retries: u8, ticks: u8) -> State {
    let mut e = ep(LastAck);
    e.app |= app::CLOSED_BY_APP;
    e.retries = retries;
    e.timer = Timer {
        kind: TimerKind::Retransmit,
        ticks,
    };
    with_a(e)
}

#[test]
fn test_last_ack_tick_backs_off() {
    // RFC 6298 §5.5 (Linux `tcp_retransmit_timer`, `inet_csk_rto_backoff`): each
    // retransmission doubles the RTO, up to rto_max.
    let linux = Config {
        rto: 1,
        backoff: true,
        rto_max: 4,
        retries: 8,
        ..cfg()
    };
    let mut st = orphaned_last_ack(0, 1);
    let mut gaps = Vec::new();
    for _ in 0..4 {
        st = apply(&linux, &st, Action::Tick).unwrap();
        assert_eq!(st.net.get(st.net.len() - 1).flags, FIN | ACK);
        gaps.push(st.ep[0].timer.ticks);
        st.net = Default::default();
        st.ep[0].timer.ticks = 1;
    }
    assert_eq!(
        gaps,
        [2, 4, 4, 4],
        "1 doubled per retransmission, capped at 4"
    );
    // Without backoff the RTO stays.
    let st = apply(&cfg(), &orphaned_last_ack(0, 1), Action::Tick).unwrap();
    assert_eq!(st.ep[0].timer.ticks, 1);
}

#[test]
fn test_last_ack_tick_orphan_retries() {
    // Linux `tcp_write_timeout`: an orphaned socket (SOCK_DEAD, the application closed it)
    // gives up after tcp_orphan_retries retransmissions, the others after tcp_retries2.
    let linux = Config {
        retries: 3,
        orphan_retries: Some(1),
        ..cfg()
    };
    let st = apply(&linux, &orphaned_last_ack(1, 1), Action::Tick).unwrap();
    assert_eq!((st.ep[0].state, st.ep[0].end), (Closed, End::TimedOut));
    // Not orphaned (shut down for writing only): retries still counts.
    let mut open = orphaned_last_ack(1, 1);
    open.ep[0].app &= !app::CLOSED_BY_APP;
    let st = apply(&linux, &open, Action::Tick).unwrap();
    assert_eq!((st.ep[0].state, st.ep[0].retries), (LastAck, 2));
}

#[test]
fn test_segments_die_at_msl() {
    // docs/model.md, "Time": a segment is deliverable only while its age is below MSL.
    let mut st = State::initial();
    st.net.push(seg(ACK, 1, 1, 0), 6);
    let after = apply(&cfg(), &st, Action::Tick).unwrap();
    assert!(after.net.is_empty());
}

#[test]
fn test_established_close_with_unread_data() {
    // RFC 9293 SHLD-3 / RFC 2525 §2.17: close with unread data sends RST; no TIME-WAIT.
    let st = with_a(Endpoint {
        unread: 1,
        ..ep(Established)
    });
    let after = apply(&cfg(), &st, Action::Close(Side::A)).unwrap();
    assert_eq!((after.ep[0].state, after.ep[0].end), (Closed, End::Aborted));
    assert_eq!((after.net.get(0).flags, after.net.get(0).seq), (RST, 1));
}

#[test]
fn test_established_close() {
    // RFC 9293 §3.10.4: ESTABLISHED: form a FIN segment, enter FIN-WAIT-1.
    let after = apply(&cfg(), &with_a(ep(Established)), Action::Close(Side::A)).unwrap();
    assert_eq!((after.ep[0].state, after.ep[0].snd_nxt), (FinWait1, 2));
    assert_eq!(after.net.get(0).flags, FIN | ACK);
}

#[test]
fn test_close_wait_close() {
    // RFC 9293 §3.10.4: CLOSE-WAIT: send FIN, enter LAST-ACK.
    let after = apply(&cfg(), &with_a(ep(CloseWait)), Action::Close(Side::A)).unwrap();
    assert_eq!(after.ep[0].state, LastAck);
}

#[test]
fn test_established_abort() {
    // RFC 9293 §3.10.5: ABORT: <SEQ=SND.NXT><CTL=RST>, CLOSED, no TIME-WAIT.
    let after = apply(&cfg(), &with_a(ep(Established)), Action::Abort(Side::A)).unwrap();
    assert_eq!((after.ep[0].state, after.ep[0].end), (Closed, End::Aborted));
    assert_eq!(after.net.get(0).flags, RST);
    assert_ne!(after.aborted_conns & (1 << 1), 0);
}

#[test]
fn test_established_shutdown() {
    // shutdown(SHUT_WR): our FIN goes out, reading stays possible (half-close).
    let c = Config {
        shutdown: true,
        ..cfg()
    };
    let st = with_a(Endpoint {
        unread: 1,
        ..ep(Established)
    });
    let after = apply(&c, &st, Action::Shutdown(Side::A)).unwrap();
    assert_eq!(after.ep[0].state, FinWait1);
    assert!(apply(&c, &after, Action::Read(Side::A)).is_some());
}

#[test]
fn test_closed_connect_in_quiet_time() {
    // RFC 793 §3.3: no new ISS while the quiet time runs.
    let e = Endpoint {
        timer: Timer {
            kind: TimerKind::Quiet,
            ticks: 1,
        },
        app: app::USED,
        ..Endpoint::default()
    };
    assert!(apply(&cfg(), &with_a(e), Action::Connect(Side::A, 0)).is_none());
}

#[test]
fn test_time_wait_syn_reopens_with_tw_reuse() {
    // RFC 9293 MAY-2: a SYN beyond the old connection's numbers reopens it from TIME-WAIT: a new
    // ISS beyond the old range (policy `ahead`), SYN,ACK, SYN-RECEIVED in the SYN's connection.
    let c = Config {
        tw_reuse: true,
        ..cfg()
    };
    // The SYN must lie strictly beyond RCV.NXT (FreeBSD `tcp_twcheck`, Linux
    // `tcp_timewait_state_process`), and a listening socket must take it.
    let syn = Segment {
        conn: 2,
        ..seg(SYN, 3, 0, 0)
    };
    let mut server = ep(TimeWait);
    server.app |= app::LISTENER;
    let st = deliver_with(&c, server, Endpoint::default(), syn, 2);
    assert_eq!(
        (st.ep[0].state, st.ep[0].conn, st.ep[0].iss),
        (SynReceived, 2, 2)
    );
    assert!(st.ep[0].listener() && st.ep[0].passive());
    let r = only_reply(&st);
    assert_eq!((r.flags, r.seq, r.ack), (SYN | ACK, 2, 4));
    // An ISS the policy does not allow is not a choice.
    let mut s = State::initial();
    s.ep[0] = server;
    s.net.push(syn, 6);
    assert!(apply(&c, &s, Action::Deliver(0, 0)).is_none());
    // SEG.SEQ = RCV.NXT does not qualify: a challenge ACK with the old numbers.
    let at_rcv_nxt = Segment {
        conn: 2,
        ..seg(SYN, 2, 0, 0)
    };
    let st = deliver_with(&c, server, Endpoint::default(), at_rcv_nxt, 2);
    assert_eq!(st.ep[0].state, TimeWait);
    assert_eq!(only_reply(&st).flags, ACK);
    // Without the option the SYN draws a challenge ACK.
    assert_eq!(deliver(server, syn).ep[0].state, TimeWait);
}

#[test]
fn test_time_wait_syn_without_listener() {
    // A qualifying SYN that finds no listening socket: Linux `tcp_v4_rcv` (TCP_TW_SYN falls
    // through to TCP_TW_ACK) and the RFC rules ACK with the old numbers; FreeBSD `tcp_twcheck`
    // closes TIME-WAIT and CLOSED answers with <SEQ=0><ACK=SEG.SEQ+1><CTL=RST,ACK>.
    let syn = Segment {
        conn: 2,
        ..seg(SYN, 3, 0, 0)
    };
    for rules in [TimeWaitRules::Rfc9293, TimeWaitRules::Linux] {
        let c = Config {
            tw_reuse: true,
            time_wait_rules: rules,
            ..cfg()
        };
        let st = deliver_with(&c, ep(TimeWait), Endpoint::default(), syn, 2);
        assert_eq!(st.ep[0].state, TimeWait, "{rules}");
        let r = only_reply(&st);
        assert_eq!((r.flags, r.seq, r.ack), (ACK, 2, 2), "{rules}");
    }
    let c = Config {
        tw_reuse: true,
        time_wait_rules: TimeWaitRules::Freebsd,
        ..cfg()
    };
    let st = deliver_with(&c, ep(TimeWait), Endpoint::default(), syn, 2);
    assert_eq!(st.ep[0].state, Closed);
    let r = only_reply(&st);
    assert_eq!((r.flags, r.seq, r.ack, r.conn), (RST | ACK, SEQ_ZERO, 4, 2));
}

#[test]
fn test_time_wait_syn_that_may_not_reopen() {
    // A bare SYN that does not qualify: ACKed by the RFC rules and Linux; dropped silently by
    // FreeBSD `tcp_twcheck` (no ACK bit) and, with timestamps, by RFC 6191 §2.
    let syn = seg(SYN, 1, 0, 0);
    let acked = |c: &Config| replies(&deliver_with(c, ep(TimeWait), ep(Established), syn, 0));
    assert_eq!(acked(&cfg()).len(), 1);
    let linux = Config {
        time_wait_rules: TimeWaitRules::Linux,
        timestamps: true,
        ..cfg()
    };
    assert_eq!(acked(&linux).len(), 1);
    let bsd = Config {
        time_wait_rules: TimeWaitRules::Freebsd,
        ..cfg()
    };
    assert!(acked(&bsd).is_empty());
    let rfc6191 = Config {
        timestamps: true,
        ..cfg()
    };
    assert!(acked(&rfc6191).is_empty());
}

#[test]
fn test_syn_received_rst_after_reopen() {
    // RFC 9293 MAY-2 (2): the SYN that reopened TIME-WAIT was an old duplicate (the peer answers
    // our SYN,ACK with RST): back to TIME-WAIT with the old numbers and id. Linux and FreeBSD
    // dropped the TIME-WAIT when they reopened, so the listener is all that is left.
    let syn = Segment {
        conn: 2,
        ..seg(SYN, 3, 0, 0)
    };
    let mut server = ep(TimeWait);
    server.app |= app::LISTENER;
    for (rules, back) in [
        (TimeWaitRules::Rfc9293, TimeWait),
        (TimeWaitRules::Linux, Listen),
        (TimeWaitRules::Freebsd, Listen),
    ] {
        let c = Config {
            tw_reuse: true,
            time_wait_rules: rules,
            ..cfg()
        };
        let st = deliver_with(&c, server, Endpoint::default(), syn, 2);
        assert_eq!(st.ep[0].state, SynReceived);
        let mut s = st;
        s.net = Default::default();
        let rst = Segment {
            conn: 2,
            ..seg(RST, 4, 0, 0)
        };
        assert!(s.net.push(rst, 6));
        let after = apply(&c, &s, Action::Deliver(0, NO_CHOICE)).expect("delivered");
        let a = after.ep[0];
        assert_eq!(a.state, back, "{rules}");
        if back == TimeWait {
            assert_eq!((a.rcv_nxt, a.snd_nxt, a.conn), (2, 2, 1));
            assert_eq!(a.timer.kind, TimerKind::TimeWait);
            assert!(a.listener());
        }
    }
}

#[test]
fn test_established_old_segment_with_timestamps() {
    // RFC 7323 §5.3 PAWS: a non-RST segment with an older timestamp (an older connection) is
    // acknowledged and dropped; RSTs are exempt (§4.2).
    let c = Config {
        timestamps: true,
        ..cfg()
    };
    let e = Endpoint {
        conn: 2,
        ..ep(Established)
    };
    let old_data = seg(ACK, 1, 1, 1);
    let st = deliver_with(&c, e, Endpoint::default(), old_data, 0);
    assert_eq!((st.ep[0].rcv_nxt, st.ep[0].unread), (1, 0));
    assert_eq!(only_reply(&st).flags, ACK);
    let st = deliver_with(&c, e, Endpoint::default(), seg(RST, 1, 0, 0), 0);
    assert_eq!(st.ep[0].state, Closed);
    // Without timestamps the same data is accepted (and is stale: H1).
    let st = deliver_with(&cfg(), e, Endpoint::default(), old_data, 0);
    assert_eq!(st.ep[0].rcv_nxt, 2);
    assert_ne!(st.ghost & ghost::STALE_DATA, 0);
}

// --- An RST's SEQ=0 (RFC 9293 §3.10.7.1) in the rotated numbering ---

/// An RST from B with SEQ=0 not yet placed (`State::zero`).
fn rst_seq_zero() -> Segment {
    seg(RST | ACK, SEQ_ZERO, 1, 0)
}

#[test]
fn test_syn_received_rst_seq_zero_outside_windows() {
    // The baseline's assumption: absolute 0 lies outside every window, so the first check fails
    // and the RST is dropped without reply.
    let st = deliver(ep(SynReceived), rst_seq_zero());
    assert_eq!(st.ep[0], ep(SynReceived));
    assert!(replies(&st).is_empty());
    assert_eq!(st.zero, [u8::MAX; 2]);
}

#[test]
fn test_established_rst_seq_zero_anywhere() {
    // Without it, the delivery chooses where B's absolute 0 lies; with 0 at A's RCV.NXT the RST
    // is exact and resets A (RFC 5961 §3.2), and B's numbers are renumbered so that 0 is 0.
    let c = Config {
        rst_seq_zero: tcpmc_model::config::RstSeqZero::Anywhere,
        ..cfg()
    };
    let mut st = State::initial();
    st.ep = [ep(Established), ep(Established)];
    st.next_conn = 2;
    assert!(st.net.push(rst_seq_zero(), 6));
    assert_eq!(
        apply(&c, &st, Action::Deliver(0, NO_CHOICE)),
        None,
        "a choice is due"
    );
    let rcv = st.ep[0].rcv_nxt;
    let placed = apply(&c, &st, Action::Deliver(0, Choice::Zero(rcv).byte())).expect("enabled");
    assert_eq!((placed.ep[0].state, placed.ep[0].end), (Closed, End::Reset));
    assert_eq!(placed.zero, [u8::MAX, 0]);
    let b = placed.ep[1];
    let space = tcpmc_model::seq::SeqSpace { n: c.seq_space };
    assert_eq!(b.iss, space.sub(0, rcv), "B's first ISS is now absolute");
    // Elsewhere in the window it draws a challenge ACK (RFC 5961 §3.2), and A stays.
    let other = space.add(rcv, 1);
    let challenged =
        apply(&c, &st, Action::Deliver(0, Choice::Zero(other).byte())).expect("enabled");
    assert_eq!(challenged.ep[0].state, Established);
    assert_eq!(only_reply(&challenged).flags, ACK);
}

// --- Fidelity rules (RFC 9293 against Linux and FreeBSD) ---

/// A fresh state with A in `a` and B in `b`, nothing in flight.
fn with(a: Endpoint, b: Endpoint) -> State {
    let mut st = State::initial();
    st.ep = [a, b];
    st.next_conn = 3;
    st
}

#[test]
fn test_fin_wait_1_data_after_close() {
    // RFC 9293 §3.6.1 SHLD-3 (RFC 2525 §2.17): new data after close() draws RST and ends the
    // connection (Linux `tcp_rcv_state_process`); the RST takes SEG.ACK as its SEQ.
    let mut e = ep(FinWait1);
    e.app |= app::CLOSED_BY_APP;
    let st = deliver(e, seg(ACK, 1, 1, 1));
    assert_eq!((st.ep[0].state, st.ep[0].end), (Closed, End::Aborted));
    let r = only_reply(&st);
    assert_eq!((r.flags, r.seq), (RST, 1));
    assert_ne!(st.aborted_conns & (1 << 1), 0, "an abortive end of c1");
    // After shutdown(SHUT_WR) the application still reads: the data is taken.
    let st = deliver(ep(FinWait1), seg(ACK, 1, 1, 1));
    assert_eq!((st.ep[0].state, st.ep[0].unread), (FinWait1, 1));
}

#[test]
fn test_fin_wait_2_data_after_close() {
    let mut e = ep(FinWait2);
    e.app |= app::CLOSED_BY_APP;
    let st = deliver(e, seg(ACK, 1, 2, 1));
    assert_eq!(st.ep[0].state, Closed);
    let r = only_reply(&st);
    assert_eq!((r.flags, r.seq), (RST, 2));
}

#[test]
fn test_last_ack_data_after_close() {
    // The peer's FIN was received, so text is ignored (RFC 9293 §3.10.7.4 seventh; Linux);
    // FreeBSD `tcp_input` resets in every state after CLOSE-WAIT.
    let mut e = ep(LastAck);
    e.app |= app::CLOSED_BY_APP;
    let data = seg(ACK, 2, 1, 1);
    let st = deliver(e, data);
    assert_eq!(st.ep[0].state, LastAck);
    assert!(replies(&st).iter().all(|r| r.flags & RST == 0));
    let bsd = Config {
        data_after_close: DataAfterClose::ResetAfterClose,
        ..cfg()
    };
    let st = deliver_with(&bsd, e, ep(Established), data, 0);
    assert_eq!(st.ep[0].state, Closed);
    assert_eq!(only_reply(&st).flags, RST);
}

#[test]
fn test_established_abort_rst_ack() {
    // `active_rst = rst-ack` (Linux `tcp_send_active_reset`, FreeBSD `tcp_drop`):
    // <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK>; RFC 9293 §3.10.5's text: a bare RST.
    let st = with(ep(Established), ep(Established));
    let bare = apply(&cfg(), &st, Action::Abort(Side::A)).expect("abort");
    let r = bare.net.get(0);
    assert_eq!((r.flags, r.seq, r.ack), (RST, 1, 0));
    let c = Config {
        active_rst: ActiveRst::RstAck,
        ..cfg()
    };
    let with_ack = apply(&c, &st, Action::Abort(Side::A)).expect("abort");
    let r = with_ack.net.get(0);
    assert_eq!((r.flags, r.seq, r.ack), (RST | ACK, 1, 1));
    assert_eq!(with_ack.ep[0].state, Closed);
}

#[test]
fn test_time_wait_rst_in_window() {
    // RFC 1337 F1 (the baseline): every RST is dropped in TIME-WAIT, with no challenge ACK.
    let in_window = seg(RST, 3, 0, 0);
    let st = deliver(ep(TimeWait), in_window);
    assert_eq!(st.ep[0].state, TimeWait);
    assert!(replies(&st).is_empty());
    let exact = seg(RST, 2, 0, 0);
    assert_eq!(deliver(ep(TimeWait), exact).ep[0].state, TimeWait);
    // RST honoured: exact resets; in the window but not exact, RFC 5961 asks for a challenge
    // ACK, Linux `tcp_timewait_state_process` drops it silently.
    let honor = Config {
        rst_in_time_wait: RstInTimeWait::Honor,
        ..cfg()
    };
    let st = deliver_with(&honor, ep(TimeWait), ep(Established), exact, 0);
    assert_eq!(st.ep[0].state, Closed);
    let st = deliver_with(&honor, ep(TimeWait), ep(Established), in_window, 0);
    assert_eq!((st.ep[0].state, only_reply(&st).flags), (TimeWait, ACK));
    let linux = Config {
        time_wait_rules: TimeWaitRules::Linux,
        ..honor.clone()
    };
    let st = deliver_with(&linux, ep(TimeWait), ep(Established), in_window, 0);
    assert_eq!(st.ep[0].state, TimeWait);
    assert!(replies(&st).is_empty());
}

#[test]
fn test_established_rst_in_window_rfc793() {
    // RFC 793 p. 70 (`rst_syn_rules = rfc793`): any in-window RST resets; RFC 5961 only exact.
    let c = Config {
        rst_syn_rules: RstSynRules::Rfc793,
        ..cfg()
    };
    let st = deliver_with(&c, ep(Established), ep(Established), seg(RST, 2, 0, 0), 0);
    assert_eq!((st.ep[0].state, st.ep[0].end), (Closed, End::Reset));
    let st = deliver(ep(Established), seg(RST, 2, 0, 0));
    assert_eq!(st.ep[0].state, Established);
}

#[test]
fn test_established_syn_in_window_rfc793() {
    // RFC 793 p. 71: an in-window SYN sends a reset and enters CLOSED; RFC 5961 §4 a challenge ACK.
    let c = Config {
        rst_syn_rules: RstSynRules::Rfc793,
        ..cfg()
    };
    let st = deliver_with(&c, ep(Established), ep(Established), seg(SYN, 1, 0, 0), 0);
    assert_eq!((st.ep[0].state, st.ep[0].end), (Closed, End::Reset));
    assert_eq!(only_reply(&st).flags, RST | ACK);
    let st = deliver(ep(Established), seg(SYN, 1, 0, 0));
    assert_eq!((st.ep[0].state, only_reply(&st).flags), (Established, ACK));
}

#[test]
fn test_established_rst_quiet_after_crash() {
    // `quiet_after = crash` (RFC 9293 §3.4.3): a reset starts no quiet time; a crash does.
    let c = Config {
        quiet_after: QuietAfter::Crash,
        ..cfg()
    };
    let st = deliver_with(&c, ep(Established), ep(Established), seg(RST, 1, 0, 0), 0);
    assert_eq!(
        (st.ep[0].state, st.ep[0].timer.kind),
        (Closed, TimerKind::Off)
    );
    let st = deliver(ep(Established), seg(RST, 1, 0, 0));
    assert_eq!(st.ep[0].timer.kind, TimerKind::Quiet);
}

#[test]
fn test_established_crash() {
    // A crash loses the connection, the listener and the sequence memory: after the quiet time
    // any ISS may be chosen (RFC 9293 §3.4.3).
    let c = Config {
        host_fault: tcpmc_model::config::HostFault::Crash,
        ..cfg()
    };
    let mut e = ep(Established);
    e.app |= app::LISTENER | app::PASSIVE;
    let st = apply(&c, &with(e, ep(Established)), Action::Crash(Side::A)).expect("crash");
    assert_eq!(st.ep[0].state, Closed);
    assert!(!st.ep[0].listener());
    assert_eq!(st.ep[0].timer.kind, TimerKind::Quiet);
    let mut quiet_over = st;
    quiet_over.ep[0].timer = Timer::OFF;
    let choices: Vec<u8> = tcpmc_model::lifecycle::isn_choices(&c, &quiet_over, Side::A).collect();
    assert_eq!(choices, (0..c.seq_space).collect::<Vec<u8>>());
}

#[test]
fn test_established_rst_listener_stays() {
    // A listener is not its connections: when an accepted connection ends, the port is in
    // LISTEN again.
    let mut e = ep(Established);
    e.app |= app::LISTENER | app::PASSIVE;
    let st = deliver(e, seg(RST, 1, 0, 0));
    assert_eq!((st.ep[0].state, st.ep[0].end), (Listen, End::Reset));
    assert!(st.ep[0].listener());
    // Closing the listening socket closes the port.
    let mut idle = st;
    idle.ep[0].timer = Timer::OFF;
    let closed = apply(&cfg(), &idle, Action::Close(Side::A)).expect("close the listener");
    assert_eq!(closed.ep[0].state, Closed);
    assert!(!closed.ep[0].listener());
}

#[test]
fn test_time_wait_connect() {
    // Linux `tcp_twsk_unique` (`tw_connect`): connect() over the client's own TIME-WAIT, with
    // an ISS beyond the old SND.NXT; a listening port may not.
    let c = Config {
        tw_connect: true,
        incarnations: 3,
        ..cfg()
    };
    let st = with(ep(TimeWait), ep(Closed));
    let mut acts = Vec::new();
    tcpmc_model::system::actions(&c, &st, &mut acts);
    assert!(acts.contains(&Action::Connect(Side::A, 2)), "{acts:?}");
    let after = apply(&c, &st, Action::Connect(Side::A, 2)).expect("connect");
    assert_eq!(
        (after.ep[0].state, after.ep[0].iss, after.ep[0].conn),
        (SynSent, 2, 3)
    );
    assert!(apply(&cfg(), &st, Action::Connect(Side::A, 2)).is_none());
    let mut server = ep(TimeWait);
    server.app |= app::LISTENER;
    assert!(apply(&c, &with(server, ep(Closed)), Action::Connect(Side::A, 2)).is_none());
}

#[test]
fn test_syn_sent_close() {
    // RFC 9293 §3.10.4: CLOSE in SYN-SENT deletes the TCB and sends nothing (Linux
    // `tcp_close_state`: SYN-SENT → CLOSE).
    let st = with(ep(SynSent), ep(Listen));
    let after = apply(&cfg(), &st, Action::Close(Side::A)).expect("close");
    assert_eq!((after.ep[0].state, after.ep[0].end), (Closed, End::Aborted));
    assert!(after.net.is_empty());
}

#[test]
fn test_syn_received_close() {
    // RFC 9293 §3.10.4: CLOSE in SYN-RECEIVED sends FIN and enters FIN-WAIT-1; the SYN,ACK is
    // still the oldest unacknowledged segment, so it is what a retransmission repeats.
    let st = with(ep(SynReceived), ep(SynReceived));
    let after = apply(&cfg(), &st, Action::Close(Side::A)).expect("close");
    assert_eq!(after.ep[0].state, FinWait1);
    let r = after.net.get(0);
    assert_eq!((r.flags, r.seq, r.ack), (FIN | ACK, 1, 1));
    // A passive embryonic connection is not the application's yet.
    let mut passive = ep(SynReceived);
    passive.app |= app::PASSIVE | app::LISTENER;
    assert!(apply(&cfg(), &with(passive, ep(SynSent)), Action::Close(Side::A)).is_none());
}

// --- Linux's segment checks (`segment_checks = linux`), found by `tcpmc conform` ---

fn linux() -> Config {
    Config {
        segment_checks: SegmentChecks::Linux,
        time_wait_rules: TimeWaitRules::Linux,
        ..cfg()
    }
}

fn reply_flags(st: &State) -> Vec<u8> {
    replies(st).iter().map(|r| r.flags).collect()
}

#[test]
fn test_established_fin_without_ack() {
    // RFC 9293 §3.10.7.4: the window check comes first: left of it, an ACK. Linux
    // `tcp_rcv_established`: no ACK, RST or SYN: dropped before the window is looked at.
    let fin = seg(FIN, 0, 0, 0);
    assert_eq!(reply_flags(&deliver(ep(Established), fin)), vec![ACK]);
    let st = deliver_with(&linux(), ep(Established), ep(Established), fin, 0);
    assert!(replies(&st).is_empty());
}

#[test]
fn test_established_ack_at_right_edge() {
    // SEG.SEQ = RCV.NXT+RCV.WND: not acceptable for RFC 9293 (an ACK); Linux `tcp_sequence` takes
    // it (SEG.SEQ <= RCV.NXT+RCV.WND) and answers nothing.
    let ack = seg(ACK, 3, 1, 0);
    assert_eq!(reply_flags(&deliver(ep(Established), ack)), vec![ACK]);
    let st = deliver_with(&linux(), ep(Established), ep(Established), ack, 0);
    assert!(replies(&st).is_empty());
}

#[test]
fn test_established_old_ack() {
    // SEG.ACK < SND.UNA: a duplicate for RFC 9293 (ignored); Linux `tcp_ack` (RFC 5961 §5.2, its
    // MAX.SND.WND bounded by the bytes acknowledged, none yet): a challenge ACK.
    let old = seg(ACK, 1, 0, 0);
    assert!(replies(&deliver(ep(Established), old)).is_empty());
    let st = deliver_with(&linux(), ep(Established), ep(Established), old, 0);
    assert_eq!(reply_flags(&st), vec![ACK]);
}

#[test]
fn test_established_data_fin_straddling_rcv_nxt() {
    // RFC 9293 §3.10.7.4 "only the new parts are processed" (and Linux): an old data byte is
    // trimmed off, the FIN right after it is next: CLOSE-WAIT, ACK of the FIN.
    for c in [cfg(), linux()] {
        let st = deliver_with(
            &c,
            ep(Established),
            ep(Established),
            seg(FIN | ACK, 0, 1, 1),
            0,
        );
        assert_eq!(
            (st.ep[0].state, st.ep[0].rcv_nxt, st.ep[0].unread),
            (CloseWait, 2, 0)
        );
        assert_eq!(only_reply(&st).ack, 2);
    }
}

#[test]
fn test_close_wait_rst_left_of_window() {
    // Linux `tcp_reset_check`: after the peer's FIN, an RST at RCV.NXT−1 resets; RFC 9293 drops
    // it (left of the window).
    let rst = seg(RST, 1, 0, 0);
    assert_eq!(deliver(ep(CloseWait), rst).ep[0].state, CloseWait);
    let st = deliver_with(&linux(), ep(CloseWait), ep(Established), rst, 0);
    assert_eq!((st.ep[0].state, st.ep[0].end), (Closed, End::Reset));
}

#[test]
fn test_syn_received_syn_request_socket() {
    // Linux `tcp_check_req`: a passive SYN-RECEIVED is a request socket. The client's SYN again
    // (SEG.SEQ = IRS) gets the SYN,ACK again; an in-window SYN gets RST and the request is
    // dropped; RFC 9293 returns to LISTEN silently.
    let mut passive = ep(SynReceived);
    passive.app |= app::PASSIVE | app::LISTENER;
    let st = deliver_with(&linux(), passive, ep(SynSent), seg(SYN, 0, 0, 0), 0);
    assert_eq!(st.ep[0].state, SynReceived);
    let r = only_reply(&st);
    assert_eq!((r.flags, r.seq, r.ack), (SYN | ACK, 0, 1));
    let st = deliver_with(&linux(), passive, ep(SynSent), seg(SYN, 1, 0, 0), 0);
    assert_eq!(
        (st.ep[0].state, reply_flags(&st)),
        (Listen, vec![RST | ACK])
    );
    let st = deliver_with(&cfg(), passive, ep(SynSent), seg(SYN, 1, 0, 0), 0);
    assert_eq!(st.ep[0].state, Listen);
    assert!(replies(&st).is_empty());
}

#[test]
fn test_fin_wait_2_syn_after_close() {
    // Linux `tcp_timewait_state_process`, substate FIN_WAIT2: the orphan answers a SYN at or
    // after RCV.NXT with RST and is gone; RFC 9293 (RFC 5961 §4): a challenge ACK.
    let mut orphan = ep(FinWait2);
    orphan.app |= app::CLOSED_BY_APP;
    let syn = seg(SYN, 1, 0, 0);
    let st = deliver(orphan, syn);
    assert_eq!((st.ep[0].state, reply_flags(&st)), (FinWait2, vec![ACK]));
    let st = deliver_with(&linux(), orphan, ep(Established), syn, 0);
    assert_eq!(
        (st.ep[0].state, reply_flags(&st)),
        (Closed, vec![RST | ACK])
    );
}

#[test]
fn test_time_wait_ack_in_window() {
    // Linux `tcp_timewait_state_process`: every segment but an RST or a bare ACK at RCV.NXT is
    // answered with an ACK of the old numbers, and one with ACK restarts the 2·MSL timer; RFC 9293
    // ignores an ACK in TIME-WAIT.
    let mut tw = ep(TimeWait);
    tw.timer.ticks = 1;
    let ack = seg(ACK, 3, 2, 0);
    let st = deliver(tw, ack);
    assert!(replies(&st).is_empty());
    assert_eq!(st.ep[0].timer.ticks, 1);
    let st = deliver_with(&linux(), tw, ep(Established), ack, 0);
    assert_eq!(reply_flags(&st), vec![ACK]);
    assert_eq!(st.ep[0].timer.ticks, linux().time_wait_ticks() as u8);
}

#[test]
fn test_listen_syn_fin() {
    // RFC 9293 §3.10.7.2: LISTEN opens on a SYN, other controls ride along. Linux
    // `tcp_rcv_state_process`: a SYN with FIN is discarded.
    let synfin = seg(SYN | FIN, 4, 0, 0);
    // The listener's ISS lies beyond its previous connection's numbers (`ahead`): 1.
    let st = deliver_with(&cfg(), ep(Listen), ep(SynSent), synfin, 1);
    assert_eq!(
        (st.ep[0].state, reply_flags(&st)),
        (SynReceived, vec![SYN | ACK])
    );
    let st = deliver_with(&linux(), ep(Listen), ep(SynSent), synfin, 1);
    assert_eq!(st.ep[0].state, Listen);
    assert!(replies(&st).is_empty());
}

#[test]
fn test_syn_received_rst_with_unacceptable_ack() {
    // A passive open's SYN-RECEIVED (Linux's request socket, `tcp_check_req`) and an RST,ACK at
    // RCV.NXT whose ACK is not ISS+1. An RST is never answered with an RST (RFC 9293 §3.10.7,
    // `tcp_v4_send_reset`); RFC 9293 §3.10.7.4 checks the RST bit before the ACK, so the request
    // is dropped and the port is in LISTEN again, which is what Linux 6.18 does (found by `tcpmc
    // conform --suite walks`, examples/linux-syn-received-rst-unacceptable-ack.scenario).
    let mut passive = ep(SynReceived);
    passive.app |= app::PASSIVE | app::LISTENER | app::USED;
    for c in [cfg(), linux()] {
        let st = deliver_with(&c, passive, ep(SynReceived), seg(RST | ACK, 1, 0, 0), 0);
        assert!(replies(&st).is_empty(), "{:?}", replies(&st));
        assert_eq!(st.ep[0].state, Listen);
    }
    // A plain ACK of something else still draws <SEQ=SEG.ACK><CTL=RST> and the request stays.
    let st = deliver_with(&linux(), passive, ep(SynReceived), seg(ACK, 1, 0, 0), 0);
    let r = only_reply(&st);
    assert_eq!((r.flags, r.seq, st.ep[0].state), (RST, 0, SynReceived));
}
