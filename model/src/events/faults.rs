//! Host faults: a host that goes down for good, and one that crashes and reboots with no memory
//! of its connection. At most one fault happens per run, to either host.

use crate::state::action::Action;
use crate::state::config::{Config, HostFault};
use crate::state::ctx::Ctx;
use crate::state::endpoint::{app, Endpoint, Side, Timer, TimerKind};
use crate::state::global::{fault, State};
use crate::state::tcp_state::TcpState;

/// Pushes the fault actions enabled in `s`.
pub(crate) fn enabled(cfg: &Config, s: &State, out: &mut Vec<Action>) {
    if s.fault & fault::HAPPENED != 0 {
        return;
    }
    for side in [Side::A, Side::B] {
        match cfg.host_fault {
            HostFault::None => {}
            HostFault::Down => out.push(Action::Down(side)),
            // A crash of a host with no connection changes nothing a peer can see.
            HostFault::Crash if s.ep(side).state != TcpState::Closed => {
                out.push(Action::Crash(side))
            }
            HostFault::Crash => {}
        }
    }
}

/// The host stops answering: no more actions, timers stop, segments to it vanish. Its
/// connection ended abnormally (so a later reset of the peer is not a normal-close reset).
pub(crate) fn down(ctx: &mut Ctx, side: Side) -> Option<()> {
    if ctx.cfg.host_fault != HostFault::Down || ctx.s.fault & fault::HAPPENED != 0 {
        return None;
    }
    ctx.s.fault |= fault::HAPPENED | fault::down_bit(side);
    let c = ctx.ep(side).conn;
    ctx.s.aborted_conns |= 1 << c;
    ctx.ep(side).timer = Timer::OFF;
    Some(())
}

/// The host reboots: its TCB and its listening socket are gone (RFC 793 §3.4 "half-open
/// connections"), and so is its sequence memory: the next ISS may be any value, which is why
/// RFC 9293 §3.4.3 asks for a quiet time after the reboot.
pub(crate) fn crash(ctx: &mut Ctx, side: Side) -> Option<()> {
    if ctx.cfg.host_fault != HostFault::Crash
        || ctx.s.fault & fault::HAPPENED != 0
        || ctx.ep(side).state == TcpState::Closed
    {
        return None;
    }
    ctx.s.fault |= fault::HAPPENED;
    let quiet = ctx.cfg.quiet_ticks();
    let c = ctx.ep(side).conn;
    ctx.s.aborted_conns |= 1 << c;
    let e = ctx.ep(side);
    *e = Endpoint {
        app: app::USED | app::FORGOT,
        ..Endpoint::default()
    };
    if quiet > 0 {
        e.timer = Timer::set(TimerKind::Quiet, quiet);
    }
    Some(())
}
