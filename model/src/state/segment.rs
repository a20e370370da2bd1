//! A segment in flight: direction, control flags, numbers, length, ghost connection id and age.

use crate::state::endpoint::Side;
use std::fmt;

/// Control bits (RFC 9293 §3.1) packed in a byte.
pub mod flags {
    pub const SYN: u8 = 1;
    pub const ACK: u8 = 2;
    pub const FIN: u8 = 4;
    pub const RST: u8 = 8;
}

/// The SEQ of an RST whose SEQ is the sender's absolute 0 while its place in the rotated space is
/// still open (`State::zero`). Above every real sequence number (spaces have at most 64).
pub const SEQ_ZERO: u8 = u8::MAX;

/// One segment. Field order is the canonical sort order of the network multiset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Segment {
    /// The sender.
    pub from: Side,
    /// Control bits (`flags::*`).
    pub flags: u8,
    pub seq: u8,
    /// Zero unless ACK is set, so that equal segments compare equal.
    pub ack: u8,
    /// Data bytes (0 or 1).
    pub len: u8,
    /// Ghost: the connection whose sequence numbers the segment carries (docs/model.md,
    /// "Connection ids").
    pub conn: u8,
    /// Ticks since it was sent; the network never delivers a segment whose age reached MSL.
    pub age: u8,
}

impl Segment {
    pub fn has(&self, f: u8) -> bool {
        self.flags & f != 0
    }

    /// SEQ as shown: a number, or `0abs` for the sender's absolute 0 not yet placed.
    pub fn seq_text(&self) -> String {
        if self.seq == SEQ_ZERO {
            "0abs".into()
        } else {
            self.seq.to_string()
        }
    }

    /// SEG.LEN: data plus one for SYN and one for FIN (RFC 9293 §3.4).
    pub fn seg_len(&self) -> u8 {
        self.len + self.has(flags::SYN) as u8 + self.has(flags::FIN) as u8
    }

    /// The flag set as written in scenarios and traces: `SYN,ACK`, `DATA,ACK`, `FIN,ACK`, `RST`.
    pub fn flag_names(&self) -> String {
        let mut parts = Vec::new();
        if self.len > 0 {
            parts.push("DATA");
        }
        for (bit, name) in [
            (flags::SYN, "SYN"),
            (flags::FIN, "FIN"),
            (flags::RST, "RST"),
            (flags::ACK, "ACK"),
        ] {
            if self.has(bit) {
                parts.push(name);
            }
        }
        parts.join(",")
    }

    /// Compares everything but the age (used to pick the oldest of equal segments).
    pub fn same_packet(&self, other: &Segment) -> bool {
        Segment { age: 0, ..*self } == Segment { age: 0, ..*other }
    }
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}->{} {} seq={}",
            self.from,
            self.from.peer(),
            self.flag_names(),
            self.seq_text()
        )?;
        if self.has(flags::ACK) {
            write!(f, " ack={}", self.ack)?;
        }
        write!(f, " c{} age={}", self.conn, self.age)
    }
}
