//! The dispatcher: the actions that move the whole system. Every transition goes through
//! [`apply`], which hands it to an event handler (`crate::events`). The state it moves lives in
//! `crate::state`; its names are re-exported here, where other crates use them.

pub use crate::state::action::{Action, Choice, NO_CHOICE, ZERO_CHOICE};
pub use crate::state::global::{fault, ghost, State, ZERO_UNSET};

use crate::events::{arrival, faults, timers, user};
use crate::lifecycle::isn_choices;
use crate::state::config::Config;
use crate::state::ctx::Ctx;
use crate::state::endpoint::Side;
use crate::state::segment::Segment;
use std::fmt;

/// Applies one action. Returns `None` when the action is not enabled.
pub fn apply(cfg: &Config, state: &State, action: Action) -> Option<State> {
    let mut s = *state;
    let mut ctx = Ctx {
        cfg,
        s: &mut s,
        choice: Choice::None,
    };
    match action {
        Action::Connect(side, iss) => user::connect(&mut ctx, side, iss),
        Action::Listen(side) => user::listen(&mut ctx, side),
        Action::Send(side) => user::send(&mut ctx, side),
        Action::Read(side) => user::read(&mut ctx, side),
        Action::Close(side) => user::close(&mut ctx, side),
        Action::Shutdown(side) => user::shutdown(&mut ctx, side),
        Action::Abort(side) => user::abort(&mut ctx, side),
        Action::Down(side) => faults::down(&mut ctx, side),
        Action::Crash(side) => faults::crash(&mut ctx, side),
        Action::Deliver(i, iss) => {
            if i as usize >= ctx.s.net.len() {
                return None;
            }
            ctx.choice = Choice::of(iss);
            arrival::deliver(&mut ctx, i as usize)?;
            // A choice nobody used is not an action (a missing one made `deliver` refuse).
            if ctx.choice != Choice::None {
                return None;
            }
            Some(())
        }
        Action::Lose(i) => {
            if !cfg.loss || i as usize >= ctx.s.net.len() {
                return None;
            }
            ctx.s.net.remove(i as usize);
            Some(())
        }
        Action::Duplicate(i) => {
            if !cfg.duplication || i as usize >= ctx.s.net.len() {
                return None;
            }
            let seg = ctx.s.net.get(i as usize);
            if !ctx
                .s
                .net
                .push_ordered(seg, cfg.max_in_flight as usize, !cfg.unsorted_network)
            {
                return None;
            }
            Some(())
        }
        Action::Tick => timers::tick(&mut ctx),
    }?;
    Some(s)
}

/// Enumerates the enabled actions in a fixed order.
pub fn actions(cfg: &Config, s: &State, out: &mut Vec<Action>) {
    for side in [Side::A, Side::B] {
        if !s.is_down(side) {
            user::enabled(cfg, s, side, out);
        }
    }
    faults::enabled(cfg, s, out);
    for i in s.net.distinct_indexes() {
        let seg = s.net.get(i);
        let to = s.ep(seg.from.peer());
        if arrival::delivery_chooses_iss(cfg, to, &seg) {
            for iss in isn_choices(cfg, s, seg.from.peer()) {
                out.push(Action::Deliver(i as u8, iss));
            }
        } else if arrival::delivery_chooses_zero(cfg, s, &seg) {
            // The receiver reads an RST's SEQ=0 first: every place of the sender's 0 is a choice.
            for z in 0..cfg.seq_space {
                out.push(Action::Deliver(i as u8, Choice::Zero(z).byte()));
            }
        } else {
            out.push(Action::Deliver(i as u8, NO_CHOICE));
        }
        if cfg.loss {
            out.push(Action::Lose(i as u8));
        }
        if cfg.duplication && s.net.len() < cfg.max_in_flight as usize {
            out.push(Action::Duplicate(i as u8));
        }
    }
    if s.in_motion() {
        out.push(Action::Tick);
    }
}

/// The action in replay syntax, resolved against the state it is taken from.
pub fn describe(s: &State, action: &Action) -> String {
    let seg_name = |i: u8| -> String {
        let i = i as usize;
        if i >= s.net.len() {
            return format!("segment #{i}");
        }
        let seg = s.net.get(i);
        // Rank among in-flight segments with the same direction and flags, oldest first.
        let same: Vec<&Segment> = s
            .net
            .segments()
            .iter()
            .filter(|o| o.from == seg.from && o.flag_names() == seg.flag_names())
            .collect();
        let mut name = format!("{}->{} {}", seg.from, seg.from.peer(), seg.flag_names());
        if same.len() > 1 {
            let mut ages: Vec<(u8, &Segment)> =
                same.iter().map(|o| (u8::MAX - o.age, *o)).collect();
            ages.sort();
            let k = ages.iter().position(|(_, o)| **o == seg).unwrap_or(0) + 1;
            if k > 1 {
                name.push_str(&format!(" #{k}"));
            }
        }
        name
    };
    match *action {
        Action::Connect(side, iss) => format!("{side} connect (ISS={iss})"),
        Action::Listen(side) => format!("{side} listen"),
        Action::Send(side) => format!("{side} send"),
        Action::Read(side) => format!("{side} read"),
        Action::Close(side) => format!("{side} close"),
        Action::Shutdown(side) => format!("{side} shutdown"),
        Action::Abort(side) => format!("{side} abort"),
        Action::Down(side) => format!("{side} down"),
        Action::Crash(side) => format!("{side} crash"),
        Action::Deliver(i, choice) => {
            let mut d = format!("deliver {}", seg_name(i));
            match Choice::of(choice) {
                Choice::None => {}
                Choice::Iss(iss) => d.push_str(&format!(" (ISS={iss})")),
                Choice::Zero(z) => d.push_str(&format!(" (zero={z})")),
            }
            d
        }
        Action::Lose(i) => format!("lose {}", seg_name(i)),
        Action::Duplicate(i) => format!("dup {}", seg_name(i)),
        Action::Tick => "tick".to_string(),
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "A: {}", self.ep[0])?;
        writeln!(f, "B: {}", self.ep[1])?;
        if self.net.is_empty() {
            write!(f, "net: empty")?;
        } else {
            write!(f, "net:")?;
            for seg in self.net.segments() {
                write!(f, " [{seg}]")?;
            }
        }
        if self.cut {
            write!(f, " (network overflow: state cut)")?;
        }
        for side in [Side::A, Side::B] {
            if self.is_down(side) {
                write!(f, " (host {side} down)")?;
            }
        }
        Ok(())
    }
}
