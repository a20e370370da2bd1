//! A transition's context, at the bottom so handlers need not reach up to the dispatcher for it.

use crate::state::action::Choice;
use crate::state::config::{Config, NetworkFull};
use crate::state::endpoint::{Endpoint, Side};
use crate::state::global::State;
use crate::state::segment::Segment;
use crate::state::seq::SeqSpace;

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

    /// Puts a segment on the network; a full network drops it or cuts the state (docs/model.md,
    /// "The network").
    pub fn send(&mut self, from: Side, flags: u8, seq: u8, ack: u8, len: u8, conn: u8) {
        let ack = if flags & crate::state::segment::flags::ACK != 0 {
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
