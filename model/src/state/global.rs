//! The global state and its ghost and fault bits, apart from the code that moves it.

use crate::state::endpoint::{Endpoint, Side};
use crate::state::network::Network;

/// Ghost bits recording that a transition broke a safety rule (read only by properties).
pub mod ghost {
    /// An endpoint accepted a segment of an older connection (docs/model.md, "Connection ids").
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
    /// The next fresh connection id (docs/model.md, "Connection ids": a global ghost counter).
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
    /// has SEQ=0 (RFC 9293 §3.10.7.1). Such an RST travels with SEQ
    /// [`crate::state::segment::SEQ_ZERO`] until a receiver reads its SEQ (`rst_seq_zero =
    /// anywhere`); that delivery chooses where 0 lies among every value and shifts the side's
    /// numbers so that it is 0: from then on the side's numbering is absolute, as if its first ISS
    /// had been any value. The rotation stays an exact symmetry, and it is given up only where it
    /// must be.
    pub zero: [u8; 2],
}

/// [`State::zero`] before the first RST that carries SEQ=0.
pub const ZERO_UNSET: u8 = u8::MAX;

/// Host-fault bits of [`State::fault`].
pub mod fault {
    use crate::state::endpoint::Side;

    /// The run's one host fault has happened.
    pub const HAPPENED: u8 = 1;
    /// Host A is down (stops answering).
    pub const A_DOWN: u8 = 2;
    /// Host B is down.
    pub const B_DOWN: u8 = 4;

    pub fn down_bit(side: Side) -> u8 {
        match side {
            Side::A => A_DOWN,
            Side::B => B_DOWN,
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
