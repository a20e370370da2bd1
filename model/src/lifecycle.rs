//! The lifecycle moves and the ISN policy that more than one event handler needs, in one place.

use crate::state::config::{Config, IsnPolicy, QuietAfter, TimeWaitRules};
use crate::state::ctx::Ctx;
use crate::state::endpoint::{app, End, Endpoint, Side, Timer, TimerKind};
use crate::state::global::{State, ZERO_UNSET};
use crate::state::segment::flags::*;
use crate::state::seq::SeqSpace;
use crate::state::tcp_state::TcpState::*;

/// The ISS values the policy allows for `side`'s next connection (docs/model.md,
/// "Assumptions"). An endpoint's first ISS is 0: its sequence space is rotated so, which is an
/// exact symmetry while nothing has read where absolute 0 lies (`State::zero`). Once something
/// has, the side's numbers are absolute and its first ISS may be any value, as everywhere with the
/// hidden `Config::first_isn_any` (which the tests use to prove the rotation changes no verdict).
/// No allocation: this runs for every state with a CLOSED or LISTEN endpoint.
pub fn isn_choices(cfg: &Config, s: &State, side: Side) -> IsnChoices {
    let e = s.ep(side);
    let absolute = cfg.first_isn_any || s.zero[side.index()] != ZERO_UNSET;
    let space = SeqSpace { n: cfg.seq_space };
    // A connection opened from TIME-WAIT (a reopening SYN, or Linux's connect()) takes an ISS
    // beyond the old one's numbers: RFC 9293 MAY-2 (1); Linux `tcp_timewait_state_process` and
    // `tcp_twsk_unique` use the old SND.NXT + 65537. FreeBSD's syncache draws from its clock.
    let beyond_time_wait = e.state == TimeWait && cfg.time_wait_rules != TimeWaitRules::Freebsd;
    let (start, count) = if e.has(app::FORGOT) {
        // RFC 9293 §3.4.3: after a crash that lost sequence memory, any value.
        (0, cfg.seq_space)
    } else if !e.has(app::USED) {
        (0, if absolute { cfg.seq_space } else { 1 })
    } else if beyond_time_wait {
        (e.snd_nxt, cfg.isn_choices)
    } else {
        match cfg.isn {
            IsnPolicy::Any => (0, cfg.seq_space),
            // Strictly after the previous ISS, inside the previous range or just beyond it.
            IsnPolicy::Forward => (
                space.add(e.iss, 1),
                space.sub(e.snd_nxt, e.iss).saturating_sub(1) + cfg.isn_choices,
            ),
            // Beyond every number the previous incarnation used.
            IsnPolicy::Ahead => (e.snd_nxt, cfg.isn_choices),
        }
    };
    IsnChoices {
        space,
        start,
        k: 0,
        count: count.min(cfg.seq_space),
    }
}

/// The ISS values of [`isn_choices`], in order: `start`, `start + 1`, … modulo the space.
#[derive(Clone, Copy, Debug)]
pub struct IsnChoices {
    space: SeqSpace,
    start: u8,
    k: u8,
    count: u8,
}

impl Iterator for IsnChoices {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        if self.k >= self.count {
            return None;
        }
        let v = self.space.add(self.start, self.k);
        self.k += 1;
        Some(v)
    }
}

/// <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>: numbers of our own connection, so our id.
pub(crate) fn send_ack(ctx: &mut Ctx, side: Side) {
    let e = *ctx.ep(side);
    ctx.send(side, ACK, e.snd_nxt, e.rcv_nxt, 0, e.conn);
}

/// SND.UNA = SEG.ACK; the retransmission timer restarts or stops (RFC 6298 §5).
pub(crate) fn ack_advance(ctx: &mut Ctx, side: Side, ack: u8) {
    let rto = ctx.cfg.rto;
    let e = ctx.ep(side);
    e.snd_una = ack;
    e.retries = 0;
    e.timer = if e.snd_una == e.snd_nxt {
        Timer::OFF
    } else {
        Timer::set(TimerKind::Retransmit, rto)
    };
}

/// FIN-WAIT-2; an orphaned one (the application closed) waits at most `fin_wait_2_timeout`
/// ticks for the peer's FIN (Linux tcp_fin_timeout), else forever as RFC 9293 has it.
pub(crate) fn enter_fin_wait_2(ctx: &mut Ctx, side: Side) {
    let t = ctx.cfg.fin_wait_2_timeout;
    let e = ctx.ep(side);
    e.state = FinWait2;
    if t > 0 && e.has(app::CLOSED_BY_APP) {
        e.timer = Timer::set(TimerKind::FinWait2, t);
    }
}

/// TIME-WAIT for `time_wait` ticks; a TIME-WAIT of 0 closes at once.
pub(crate) fn enter_time_wait(ctx: &mut Ctx, side: Side) {
    ctx.ep(side).state = TimeWait;
    restart_time_wait(ctx, side);
}

pub(crate) fn restart_time_wait(ctx: &mut Ctx, side: Side) {
    let tw = ctx.cfg.time_wait_ticks();
    if tw == 0 {
        enter_closed(ctx, side, End::Normal);
    } else {
        ctx.ep(side).timer = Timer::set(TimerKind::TimeWait, tw);
    }
}

/// Deletes the TCB. What stays is what the ISN policy needs (the previous range), the listening
/// socket if there is one (the port is then in LISTEN again) and the ghost end; after an abnormal
/// end the quiet time starts (RFC 793 §3.3) unless it is kept only after crashes.
pub(crate) fn enter_closed(ctx: &mut Ctx, side: Side, end: End) {
    let quiet = quiet_after_abnormal_end(ctx.cfg);
    let forget = ctx.cfg.isn == IsnPolicy::Any;
    if matches!(end, End::TimedOut | End::Aborted) {
        let c = ctx.ep(side).conn;
        ctx.s.aborted_conns |= 1 << c;
    }
    let e = ctx.ep(side);
    let (iss, snd_nxt) = if forget { (0, 0) } else { (e.iss, e.snd_nxt) };
    let listener = e.app & app::LISTENER;
    *e = Endpoint {
        state: if listener != 0 { Listen } else { Closed },
        iss,
        snd_nxt,
        app: app::USED | listener,
        end,
        ..Endpoint::default()
    };
    if end != End::Normal && quiet > 0 {
        e.timer = Timer::set(TimerKind::Quiet, quiet);
    }
}

/// The quiet time after an abnormal end: none when it is kept only after a crash.
fn quiet_after_abnormal_end(cfg: &Config) -> u16 {
    match cfg.quiet_after {
        QuietAfter::AbnormalEnd => cfg.quiet_ticks(),
        QuietAfter::Crash => 0,
    }
}

/// An embryonic passive connection falls back to LISTEN; it is an abnormal end, so the quiet time
/// applies (README, "Assumptions").
pub(crate) fn enter_listen(ctx: &mut Ctx, side: Side) {
    ctx.ep(side).app |= app::LISTENER;
    enter_closed(ctx, side, End::None);
    let quiet = quiet_after_abnormal_end(ctx.cfg);
    let e = ctx.ep(side);
    e.state = Listen;
    e.timer = if quiet > 0 {
        Timer::set(TimerKind::Quiet, quiet)
    } else {
        Timer::OFF
    };
}

/// RFC 9293 MAY-2 (2): the reopened connection's SYN was an old duplicate; the endpoint is in the
/// TIME-WAIT it left, with its old numbers, and the 2·MSL timer restarts.
pub(crate) fn return_to_time_wait(ctx: &mut Ctx, side: Side) {
    let m = ctx.ep(side).time_wait_memory;
    let e = ctx.ep(side);
    *e = Endpoint {
        state: TimeWait,
        iss: e.iss,
        snd_una: m.snd_nxt,
        snd_nxt: m.snd_nxt,
        rcv_nxt: m.rcv_nxt,
        app: app::USED | app::FIN_SENT | app::CLOSED_BY_APP | (e.app & app::LISTENER),
        conn: m.conn,
        ..Endpoint::default()
    };
    restart_time_wait(ctx, side);
}
