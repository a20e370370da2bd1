//! User calls (RFC 9293 §3.10.1–§3.10.6) as the socket API offers them.

use crate::lifecycle::{enter_closed, isn_choices};
use crate::state::action::Action;
use crate::state::config::{ActiveRst, Config};
use crate::state::ctx::Ctx;
use crate::state::endpoint::{app, End, Endpoint, Side, Timer, TimerKind};
use crate::state::global::State;
use crate::state::segment::flags::*;
use crate::state::seq::SeqSpace;
use crate::state::tcp_state::TcpState::*;

/// Pushes the user calls enabled for `side`.
pub(crate) fn enabled(cfg: &Config, s: &State, side: Side, out: &mut Vec<Action>) {
    let e = s.ep(side);
    let quiet = e.timer.kind == TimerKind::Quiet;
    let closed_by_app = e.has(app::CLOSED_BY_APP);
    match e.state {
        Closed => {
            let may_connect = side == Side::A || cfg.b_connects;
            if may_connect && !quiet && s.next_conn <= cfg.incarnations {
                for iss in isn_choices(cfg, s, side) {
                    out.push(Action::Connect(side, iss));
                }
            }
            if side == Side::B || cfg.a_listens {
                out.push(Action::Listen(side));
            }
        }
        Listen => out.push(Action::Close(side)),
        _ => {
            if may_connect_from_time_wait(cfg, s, side) {
                for iss in isn_choices(cfg, s, side) {
                    out.push(Action::Connect(side, iss));
                }
            }
            let writable = matches!(e.state, Established | CloseWait)
                && !e.has(app::FIN_SENT)
                && e.sent < cfg.data_limit(side);
            let space = SeqSpace { n: cfg.seq_space };
            if writable && space.sub(e.snd_nxt, e.snd_una) < cfg.window {
                out.push(Action::Send(side));
            }
            if e.unread > 0 && !closed_by_app && cfg.app_reads {
                out.push(Action::Read(side));
            }
            // RFC 9293 §3.10.4: CLOSE in SYN-SENT deletes the TCB; in SYN-RECEIVED (after an
            // active open: a passive one is not the application's before accept()) it sends FIN.
            let closable = matches!(e.state, SynSent | Established | CloseWait)
                || (e.state == SynReceived && !e.passive())
                || (e.has(app::FIN_SENT) && !closed_by_app);
            if closable && !closed_by_app {
                out.push(Action::Close(side));
            }
            if cfg.shutdown && matches!(e.state, Established | CloseWait) && !e.has(app::FIN_SENT) {
                out.push(Action::Shutdown(side));
            }
            // A passive embryonic connection is not yet the application's (no accept() yet).
            let abortable = !(closed_by_app || e.state == SynReceived && e.passive());
            if cfg.abort && abortable {
                out.push(Action::Abort(side));
            }
        }
    }
}

/// Linux `tcp_twsk_unique` (`tw_connect`): connect() may take the 4-tuple of this side's own
/// connection in TIME-WAIT (the kernel needs timestamps seen on it); a listening port may not.
fn may_connect_from_time_wait(cfg: &Config, s: &State, side: Side) -> bool {
    let e = s.ep(side);
    cfg.tw_connect
        && e.state == TimeWait
        && !e.listener()
        && (side == Side::A || cfg.b_connects)
        && s.next_conn <= cfg.incarnations
}

/// OPEN, active (RFC 9293 §3.10.1): choose ISS, send <SEQ=ISS><CTL=SYN>, enter SYN-SENT. The
/// connection takes a fresh ghost id (README, "Properties"). From TIME-WAIT (Linux
/// `tcp_twsk_unique`) the old connection is dropped.
pub(crate) fn connect(ctx: &mut Ctx, side: Side, iss: u8) -> Option<()> {
    let e = *ctx.s.ep(side);
    let may_connect = side == Side::A || ctx.cfg.b_connects;
    let from_time_wait = may_connect_from_time_wait(ctx.cfg, ctx.s, side);
    if (e.state != Closed && !from_time_wait)
        || !may_connect
        || e.timer.kind == TimerKind::Quiet
        || ctx.s.next_conn > ctx.cfg.incarnations
        || !isn_choices(ctx.cfg, ctx.s, side).any(|v| v == iss)
    {
        return None;
    }
    let conn = ctx.s.next_conn;
    ctx.s.next_conn += 1;
    let space = ctx.space();
    *ctx.ep(side) = Endpoint {
        state: SynSent,
        iss,
        snd_una: iss,
        snd_nxt: space.add(iss, 1),
        timer: Timer::set(TimerKind::Retransmit, ctx.cfg.rto),
        app: app::USED,
        conn,
        ..Endpoint::default()
    };
    ctx.send(side, SYN, iss, 0, 0, conn);
    Some(())
}

/// OPEN, passive (RFC 9293 §3.10.1): enter LISTEN. A running quiet time keeps running.
pub(crate) fn listen(ctx: &mut Ctx, side: Side) -> Option<()> {
    let may_listen = side == Side::B || ctx.cfg.a_listens;
    let e = ctx.ep(side);
    if e.state != Closed || !may_listen {
        return None;
    }
    e.state = Listen;
    e.app |= app::LISTENER;
    e.end = End::None;
    Some(())
}

/// SEND (RFC 9293 §3.10.2): one byte, sent at once within the peer's window.
pub(crate) fn send(ctx: &mut Ctx, side: Side) -> Option<()> {
    let e = *ctx.ep(side);
    let space = ctx.space();
    if !matches!(e.state, Established | CloseWait)
        || e.has(app::FIN_SENT)
        || e.sent >= ctx.cfg.data_limit(side)
        || space.sub(e.snd_nxt, e.snd_una) >= ctx.cfg.window
    {
        return None;
    }
    let rto = ctx.cfg.rto;
    let ep = ctx.ep(side);
    ep.sent += 1;
    ep.snd_nxt = space.add(e.snd_nxt, 1);
    if !ep.timer.running() {
        ep.timer = Timer::set(TimerKind::Retransmit, rto);
        ep.retries = 0;
    }
    ctx.send(side, ACK, e.snd_nxt, e.rcv_nxt, 1, e.conn);
    Some(())
}

/// RECEIVE (RFC 9293 §3.10.3): the application reads everything buffered.
pub(crate) fn read(ctx: &mut Ctx, side: Side) -> Option<()> {
    let reads = ctx.cfg.app_reads;
    let e = ctx.ep(side);
    if e.unread == 0 || e.has(app::CLOSED_BY_APP) || !reads {
        return None;
    }
    e.unread = 0;
    Some(())
}

/// Sends our FIN: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=FIN,ACK>.
fn send_fin(ctx: &mut Ctx, side: Side) {
    let rto = ctx.cfg.rto;
    let space = ctx.space();
    let e = *ctx.ep(side);
    let ep = ctx.ep(side);
    ep.snd_nxt = space.add(e.snd_nxt, 1);
    ep.set(app::FIN_SENT);
    ep.state = if matches!(e.state, Established | SynReceived) {
        FinWait1
    } else {
        LastAck
    };
    if !ep.timer.running() {
        ep.timer = Timer::set(TimerKind::Retransmit, rto);
        ep.retries = 0;
    }
    ctx.send(side, FIN | ACK, e.snd_nxt, e.rcv_nxt, 0, e.conn);
}

/// Sends the reset of an abortive end and deletes the TCB: <SEQ=SND.NXT><CTL=RST> (RFC 9293
/// §3.10.5), or <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK> (`active_rst = rst-ack`: Linux
/// `tcp_send_active_reset`, FreeBSD `tcp_drop`).
fn reset_and_close(ctx: &mut Ctx, side: Side) {
    let e = *ctx.ep(side);
    match ctx.cfg.active_rst {
        ActiveRst::Rst => ctx.send(side, RST, e.snd_nxt, 0, 0, e.conn),
        ActiveRst::RstAck => ctx.send(side, RST | ACK, e.snd_nxt, e.rcv_nxt, 0, e.conn),
    }
    enter_closed(ctx, side, End::Aborted);
}

/// CLOSE (RFC 9293 §3.10.4).
pub(crate) fn close(ctx: &mut Ctx, side: Side) -> Option<()> {
    let e = *ctx.ep(side);
    if e.has(app::CLOSED_BY_APP) {
        return None;
    }
    if ctx.cfg.linger_zero && e.state != Listen {
        // SO_LINGER 0: close() is an abort: RST where there is a connection, no TIME-WAIT.
        return abort_now(ctx, side);
    }
    match e.state {
        // LISTEN: close the listening socket (a running quiet time keeps running).
        Listen => {
            let ep = ctx.ep(side);
            ep.state = Closed;
            ep.app &= !app::LISTENER;
            Some(())
        }
        // SYN-SENT: delete the TCB, nothing is sent (RFC 9293 §3.10.4; Linux `tcp_close_state`
        // SYN-SENT → CLOSE). The connection is abandoned.
        SynSent => {
            enter_closed(ctx, side, End::Aborted);
            Some(())
        }
        // SYN-RECEIVED after an active open: FIN, FIN-WAIT-1 (RFC 9293 §3.10.4; Linux the same).
        SynReceived if !e.passive() => {
            ctx.ep(side).set(app::CLOSED_BY_APP);
            send_fin(ctx, side);
            Some(())
        }
        // RFC 9293 SHLD-3 (RFC 2525 §2.17): close with unread received data sends RST.
        _ if e.unread > 0 && e.state.is_synchronized() => {
            reset_and_close(ctx, side);
            Some(())
        }
        // ESTABLISHED: FIN, FIN-WAIT-1. CLOSE-WAIT: FIN, LAST-ACK.
        Established | CloseWait if !e.has(app::FIN_SENT) => {
            ctx.ep(side).set(app::CLOSED_BY_APP);
            send_fin(ctx, side);
            Some(())
        }
        // After shutdown(SHUT_WR) our FIN is already out: the application only stops reading.
        // An orphaned FIN-WAIT-2 starts its timeout (Linux tcp_fin_timeout).
        _ if e.has(app::FIN_SENT) => {
            ctx.ep(side).set(app::CLOSED_BY_APP);
            let t = ctx.cfg.fin_wait_2_timeout;
            if e.state == FinWait2 && t > 0 {
                ctx.ep(side).timer = Timer::set(TimerKind::FinWait2, t);
            }
            Some(())
        }
        _ => None,
    }
}

/// shutdown(SHUT_WR): our FIN, the application may still read (a half-close).
pub(crate) fn shutdown(ctx: &mut Ctx, side: Side) -> Option<()> {
    let e = *ctx.ep(side);
    if !ctx.cfg.shutdown || !matches!(e.state, Established | CloseWait) || e.has(app::FIN_SENT) {
        return None;
    }
    send_fin(ctx, side);
    Some(())
}

/// ABORT (RFC 9293 §3.10.5, SO_LINGER 0): RST where a connection is synchronized or SYN-RECEIVED,
/// nothing in SYN-SENT, CLOSING, LAST-ACK and TIME-WAIT; CLOSED without TIME-WAIT.
pub(crate) fn abort(ctx: &mut Ctx, side: Side) -> Option<()> {
    let e = *ctx.ep(side);
    if !ctx.cfg.abort
        || e.has(app::CLOSED_BY_APP)
        || matches!(e.state, Closed | Listen)
        || (e.state == SynReceived && e.passive())
    {
        return None;
    }
    abort_now(ctx, side)
}

fn abort_now(ctx: &mut Ctx, side: Side) -> Option<()> {
    match ctx.ep(side).state {
        SynReceived | Established | FinWait1 | FinWait2 | CloseWait => reset_and_close(ctx, side),
        _ => enter_closed(ctx, side, End::Aborted),
    }
    Some(())
}
