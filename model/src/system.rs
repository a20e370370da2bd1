//! The whole system — both endpoints, the network, the ghost counter and ghost verdict bits — and
//! the actions that move it. Every transition goes through [`apply`].

use crate::config::{Config, NetworkFull};
use crate::endpoint::{Endpoint, Side};
use crate::network::Network;
use crate::segment::Segment;
use crate::seq::SeqSpace;
use std::fmt;

/// Ghost bits recording that a transition broke a safety rule (read only by properties).
pub mod ghost {
    /// DESIGN §3: an endpoint accepted a segment of an older connection.
    pub const STALE_ACCEPTED: u8 = 1;
    /// RFC 1337 H1: data of an older connection was delivered.
    pub const STALE_DATA: u8 = 2;
    /// RFC 1337 H3: a connection was reset by a segment of an older one.
    pub const ASSASSINATED: u8 = 4;
    /// RFC 2525 §2.17: a connection that no one aborted ended in a reset.
    pub const NORMAL_CLOSE_RESET: u8 = 8;
    /// An endpoint reached ESTABLISHED paired with a connection its peer had already left.
    pub const GHOST_CONNECTION: u8 = 16;
}

/// The global state. `Hash` packs it first (`state_hash.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct State {
    pub ep: [Endpoint; 2],
    pub net: Network,
    /// The next fresh connection id (DESIGN §3: a global ghost counter).
    pub next_conn: u8,
    /// `ghost::*` bits.
    pub ghost: u8,
    /// Ghost: bit `c` set when connection `c` saw an abortive action or a give-up.
    pub aborted_conns: u8,
    /// A send found the network full and `network_full = cut`: the state is outside the bound.
    pub cut: bool,
    /// `fault::*` bits: which host is down, and whether the run's one host fault happened.
    pub fault: u8,
    /// Where each side's absolute sequence number 0 lies in its numbering: [`ZERO_UNSET`] while
    /// nothing has read it, then always 0. Each side's space starts rotated so that its first ISS
    /// is 0, which hides absolute 0; one rule needs it: the RST answering a segment without ACK
    /// has SEQ=0 (RFC 9293 §3.10.7.1). Such an RST travels with SEQ [`crate::segment::SEQ_ZERO`]
    /// until a receiver reads its SEQ (`rst_seq_zero = anywhere`); that delivery chooses where 0
    /// lies among every value and shifts the side's numbers so that it is 0: from then on the
    /// side's numbering is absolute, as if its first ISS had been any value. The rotation stays
    /// an exact symmetry, and it is given up only where it must be.
    pub zero: [u8; 2],
}

/// [`State::zero`] before the first RST that carries SEQ=0.
pub const ZERO_UNSET: u8 = u8::MAX;

/// Host-fault bits of [`State::fault`].
pub mod fault {
    /// The run's one host fault has happened.
    pub const HAPPENED: u8 = 1;
    /// Host A is down (stops answering).
    pub const A_DOWN: u8 = 2;
    /// Host B is down.
    pub const B_DOWN: u8 = 4;

    pub fn down_bit(side: crate::Side) -> u8 {
        match side {
            crate::Side::A => A_DOWN,
            crate::Side::B => B_DOWN,
        }
    }
}

impl State {
    pub fn initial() -> State {
        State {
            ep: [Endpoint::default(); 2],
            net: Network::default(),
            next_conn: 1,
            ghost: 0,
            aborted_conns: 0,
            cut: false,
            fault: 0,
            zero: [ZERO_UNSET; 2],
        }
    }

    /// The host is down: it takes no action and segments sent to it vanish.
    pub fn is_down(&self, side: Side) -> bool {
        self.fault & fault::down_bit(side) != 0
    }

    pub fn ep(&self, side: Side) -> &Endpoint {
        &self.ep[side.index()]
    }

    /// Something is in motion: a segment in flight or a timer running. Tick is enabled only then.
    pub fn in_motion(&self) -> bool {
        !self.net.is_empty() || self.ep.iter().any(|e| e.timer.running())
    }
}

/// The choice byte of a `Deliver` whose receiver chooses nothing.
pub const NO_CHOICE: u8 = u8::MAX;
/// Marks a `Deliver` choice byte as the position of the receiver's absolute 0 (see
/// [`State::zero`]) rather than an ISS. Sequence spaces have at most 64 values, so the two never
/// collide.
pub const ZERO_CHOICE: u8 = 0x80;

/// What a `Deliver` choice byte chooses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    None,
    /// The ISS of the connection the receiver opens.
    Iss(u8),
    /// Where the receiver's absolute sequence number 0 lies (the SEQ of its RST reply).
    Zero(u8),
}

impl Choice {
    pub fn of(byte: u8) -> Choice {
        match byte {
            NO_CHOICE => Choice::None,
            b if b & ZERO_CHOICE != 0 => Choice::Zero(b & !ZERO_CHOICE),
            b => Choice::Iss(b),
        }
    }

    pub fn byte(self) -> u8 {
        match self {
            Choice::None => NO_CHOICE,
            Choice::Iss(v) => v,
            Choice::Zero(v) => v | ZERO_CHOICE,
        }
    }
}

/// One step of the system, named as in scenario files (`A connect`, `deliver A->B SYN`, `tick`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Active open with the chosen ISS.
    Connect(Side, u8),
    Listen(Side),
    Send(Side),
    Read(Side),
    Close(Side),
    Shutdown(Side),
    Abort(Side),
    /// The host goes down for good (`host_fault = down`).
    Down(Side),
    /// The host crashes and reboots with no memory of its connection (`host_fault = crash`).
    Crash(Side),
    /// Deliver the segment at this index with the receiver's [`Choice`] as a byte: the ISS if it
    /// opens a connection (LISTEN taking a SYN, or a TIME-WAIT reopened by one), the place of its
    /// absolute 0 if its RST reply is the first to reveal it, else [`NO_CHOICE`].
    Deliver(u8, u8),
    Lose(u8),
    Duplicate(u8),
    Tick,
}

/// Context for one transition: the configuration and the state being changed.
pub(crate) struct Ctx<'a> {
    pub cfg: &'a Config,
    pub s: &'a mut State,
    /// The `Deliver` choice; taken (set to `Choice::None`) by the rule that uses it.
    pub choice: Choice,
}

impl Ctx<'_> {
    pub fn space(&self) -> SeqSpace {
        SeqSpace {
            n: self.cfg.seq_space,
        }
    }

    pub fn ep(&mut self, side: Side) -> &mut Endpoint {
        &mut self.s.ep[side.index()]
    }

    /// Puts a segment on the network; a full network drops it or cuts the state (DESIGN §1).
    pub fn send(&mut self, from: Side, flags: u8, seq: u8, ack: u8, len: u8, conn: u8) {
        let ack = if flags & crate::segment::flags::ACK != 0 {
            ack
        } else {
            0
        };
        let seg = Segment {
            from,
            flags,
            seq,
            ack,
            len,
            conn,
            age: 0,
        };
        let sorted = !self.cfg.unsorted_network;
        if !self
            .s
            .net
            .push_ordered(seg, self.cfg.max_in_flight as usize, sorted)
            && self.cfg.network_full == NetworkFull::Cut
        {
            self.s.cut = true;
        }
    }
}

/// Applies one action. Returns `None` when the action is not enabled.
pub fn apply(cfg: &Config, state: &State, action: Action) -> Option<State> {
    let mut s = *state;
    let mut ctx = Ctx {
        cfg,
        s: &mut s,
        choice: Choice::None,
    };
    match action {
        Action::Connect(side, iss) => crate::user::connect(&mut ctx, side, iss),
        Action::Listen(side) => crate::user::listen(&mut ctx, side),
        Action::Send(side) => crate::user::send(&mut ctx, side),
        Action::Read(side) => crate::user::read(&mut ctx, side),
        Action::Close(side) => crate::user::close(&mut ctx, side),
        Action::Shutdown(side) => crate::user::shutdown(&mut ctx, side),
        Action::Abort(side) => crate::user::abort(&mut ctx, side),
        Action::Down(side) => crate::faults::down(&mut ctx, side),
        Action::Crash(side) => crate::faults::crash(&mut ctx, side),
        Action::Deliver(i, iss) => {
            if i as usize >= ctx.s.net.len() {
                return None;
            }
            ctx.choice = Choice::of(iss);
            crate::arrival::deliver(&mut ctx, i as usize)?;
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
        Action::Tick => crate::timers::tick(&mut ctx),
    }?;
    Some(s)
}

/// Enumerates the enabled actions in a fixed order.
pub fn actions(cfg: &Config, s: &State, out: &mut Vec<Action>) {
    for side in [Side::A, Side::B] {
        if !s.is_down(side) {
            crate::user::enabled(cfg, s, side, out);
        }
    }
    crate::faults::enabled(cfg, s, out);
    for i in s.net.distinct_indexes() {
        let seg = s.net.get(i);
        let to = s.ep(seg.from.peer());
        if crate::arrival::delivery_chooses_iss(cfg, to, &seg) {
            for iss in crate::user::isn_choices(cfg, s, seg.from.peer()) {
                out.push(Action::Deliver(i as u8, iss));
            }
        } else if crate::arrival::delivery_chooses_zero(cfg, s, &seg) {
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
