//! The names of the steps and of a delivery's choice, so handlers need not reach the dispatcher.

use crate::state::endpoint::Side;

/// The choice byte of a `Deliver` whose receiver chooses nothing.
pub const NO_CHOICE: u8 = u8::MAX;
/// Marks a `Deliver` choice byte as the position of the receiver's absolute 0 (see
/// [`State::zero`](crate::state::global::State::zero)) rather than an ISS. Sequence spaces have
/// at most 64 values, so the two never collide.
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
