//! Tick: time passes by one unit. Segments age (and die at MSL); every timer counts down, and
//! those that reach zero fire, A first, then B (docs/model.md, "Time").

use crate::lifecycle::{enter_closed, enter_listen};
use crate::state::config::Mutation;
use crate::state::ctx::Ctx;
use crate::state::endpoint::{app, End, Side, Timer, TimerKind};
use crate::state::segment::flags::*;
use crate::state::tcp_state::TcpState::*;

pub(crate) fn tick(ctx: &mut Ctx) -> Option<()> {
    if !ctx.s.in_motion() {
        return None;
    }
    ctx.s.net.age(u8::try_from(ctx.cfg.msl).unwrap_or(u8::MAX));
    let mut fire = [false; 2];
    for side in [Side::A, Side::B] {
        let t = &mut ctx.ep(side).timer;
        if t.running() {
            t.ticks = t.ticks.saturating_sub(1);
            fire[side.index()] = t.ticks == 0;
        }
    }
    for side in [Side::A, Side::B] {
        if fire[side.index()] {
            expire(ctx, side);
        }
    }
    Some(())
}

/// One endpoint's timer fires: the expiry logic of [`tick`] without the ageing, so that the
/// dense-time semantics (`crate::dense::semantics`) can fire one side at a time.
pub(crate) fn expire(ctx: &mut Ctx, side: Side) {
    let e = *ctx.ep(side);
    match e.timer.kind {
        TimerKind::Off => {}
        // Quiet time over: the endpoint may choose an ISS again.
        TimerKind::Quiet => ctx.ep(side).timer = Timer::OFF,
        // RFC 9293 §3.10.8: TIME-WAIT timeout: delete the TCB, enter CLOSED.
        TimerKind::TimeWait => enter_closed(ctx, side, End::Normal),
        // Linux tcp_fin_timeout: the orphaned FIN-WAIT-2 gives up on the peer's FIN.
        TimerKind::FinWait2 => enter_closed(ctx, side, End::TimedOut),
        TimerKind::Retransmit => {
            if ctx.cfg.mutation == Mutation::NoRetransmitInLastAck && e.state == LastAck {
                ctx.ep(side).timer = Timer::OFF;
                return;
            }
            let limit = ctx.cfg.retry_limit(e.has(app::CLOSED_BY_APP));
            if !ctx.cfg.unlimited_retransmissions && e.retries >= limit {
                // RFC 9293 §3.8.3: R2 reached: close the connection. A passive embryonic
                // connection is dropped and the listener stays. An orphaned endpoint (the
                // application closed it) counts to tcp_orphan_retries instead (Linux
                // `tcp_write_timeout`, `tcp_orphan_retries`).
                if e.state == SynReceived && e.passive() {
                    let c = e.conn;
                    ctx.s.aborted_conns |= 1 << c;
                    enter_listen(ctx, side);
                } else {
                    enter_closed(ctx, side, End::TimedOut);
                }
                return;
            }
            retransmit(ctx, side);
        }
    }
}

/// RFC 9293 §3.8.1: retransmit the oldest unacknowledged segment and restart the timer, with
/// the RTO backed off when `backoff` is on (RFC 6298 §5.5, Linux `tcp_retransmit_timer`).
fn retransmit(ctx: &mut Ctx, side: Side) {
    let space = ctx.space();
    let unlimited = ctx.cfg.unlimited_retransmissions;
    let cfg = ctx.cfg;
    let ep = ctx.ep(side);
    if !unlimited {
        // With no R2 limit the count is not kept, so the state space stays finite (and the
        // RTO does not back off).
        ep.retries += 1;
    }
    ep.timer = Timer::set(TimerKind::Retransmit, cfg.rto_after(ep.retries));
    let e = *ep;
    if e.snd_una == e.iss {
        if e.state == SynSent {
            ctx.send(side, SYN, e.iss, 0, 0, e.conn);
        } else {
            ctx.send(side, SYN | ACK, e.iss, e.rcv_nxt, 0, e.conn);
        }
    } else if e.has(app::FIN_SENT) && e.snd_una == space.sub(e.snd_nxt, 1) {
        ctx.send(side, FIN | ACK, e.snd_una, e.rcv_nxt, 0, e.conn);
    } else {
        ctx.send(side, ACK, e.snd_una, e.rcv_nxt, 1, e.conn);
    }
}
