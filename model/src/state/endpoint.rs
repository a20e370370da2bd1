//! One endpoint: its RFC 9293 state, sequence variables, its one timer, what the application did,
//! and ghost fields read only by properties.

use crate::state::tcp_state::TcpState;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Which endpoint.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub enum Side {
    #[default]
    A,
    B,
}

impl Side {
    pub fn peer(self) -> Side {
        match self {
            Side::A => Side::B,
            Side::B => Side::A,
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn parse(s: &str) -> Option<Side> {
        match s {
            "A" | "a" => Some(Side::A),
            "B" | "b" => Some(Side::B),
            _ => None,
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::A => "A",
            Side::B => "B",
        })
    }
}

/// The kind of the endpoint's single timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum TimerKind {
    #[default]
    Off,
    /// RFC 9293 §3.8.1: retransmit the oldest unacknowledged segment.
    Retransmit,
    /// RFC 9293 MUST-13: TIME-WAIT lasts 2·MSL.
    TimeWait,
    /// RFC 793 §3.3 quiet time: no new ISS after an abnormal end until it expires.
    Quiet,
    /// Linux tcp_fin_timeout: an orphaned FIN-WAIT-2 gives up waiting for the peer's FIN.
    FinWait2,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Timer {
    pub kind: TimerKind,
    /// Ticks left; the timer fires in the tick that brings it to zero.
    pub ticks: u8,
}

impl Timer {
    pub const OFF: Timer = Timer {
        kind: TimerKind::Off,
        ticks: 0,
    };

    pub fn running(&self) -> bool {
        self.kind != TimerKind::Off
    }

    /// A running timer of `ticks` ticks. The count saturates at a byte: tick configurations
    /// are validated to fit it, and under dense time the count is only a marker (the timer's
    /// clock holds its time and `crate::dense::semantics::duration` its length).
    pub fn set(kind: TimerKind, ticks: u16) -> Timer {
        Timer {
            kind,
            ticks: u8::try_from(ticks).unwrap_or(u8::MAX),
        }
    }
}

/// Ghost: how the endpoint's last connection ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum End {
    #[default]
    None,
    /// Closed normally (LAST-ACK acknowledged or TIME-WAIT expired).
    Normal,
    /// Reset by a valid RST (or, RFC 793, by a SYN in TIME-WAIT).
    Reset,
    /// Retransmissions exhausted (R2).
    TimedOut,
    /// Aborted locally: abort, or close with unread data.
    Aborted,
}

/// Application-side bits of an endpoint.
pub mod app {
    /// The connection came from a passive open (RFC 9293 §3.10.7.4: RST in SYN-RECEIVED returns to
    /// LISTEN only then).
    pub const PASSIVE: u8 = 1;
    /// Our FIN has been sent (its sequence number is SND.NXT − 1).
    pub const FIN_SENT: u8 = 2;
    /// The application called close(): it reads nothing more.
    pub const CLOSED_BY_APP: u8 = 4;
    /// A listening socket exists on this side's port beside the connection: when the connection
    /// ends, the port is in LISTEN again (each accepted connection is a new socket).
    pub const LISTENER: u8 = 8;
    /// The endpoint has chosen an ISS before, so `iss`/`snd_nxt` remember its previous range.
    pub const USED: u8 = 16;
    /// This SYN-RECEIVED was reopened from TIME-WAIT by a SYN (RFC 9293 MAY-2); under the RFC's
    /// TIME-WAIT rules it returns there if the SYN turns out to be an old duplicate.
    pub const REOPENED: u8 = 32;
    /// The host crashed and lost its sequence memory (RFC 9293 §3.4.3): the next ISS may be any
    /// value.
    pub const FORGOT: u8 = 64;
}

/// The TIME-WAIT a reopened connection returns to if its SYN was an old duplicate (RFC 9293
/// MAY-2 (2)); all zero unless [`app::REOPENED`] is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct TimeWaitMemory {
    pub rcv_nxt: u8,
    pub snd_nxt: u8,
    pub conn: u8,
}

/// One endpoint. Every field is a small integer so that the whole state is `Copy` and cheap to hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Endpoint {
    pub state: TcpState,
    /// ISS; in CLOSED and LISTEN, the previous connection's (for the ISN policy).
    pub iss: u8,
    pub snd_una: u8,
    /// SND.NXT; in CLOSED and LISTEN, one past the last number the previous connection used.
    pub snd_nxt: u8,
    pub rcv_nxt: u8,
    pub timer: Timer,
    /// Retransmissions of the oldest unacknowledged segment so far.
    pub retries: u8,
    /// Data bytes the application sent in this connection.
    pub sent: u8,
    /// Data bytes received but not yet read by the application.
    pub unread: u8,
    /// `app::*` bits.
    pub app: u8,
    /// Ghost: connection id (0: none yet).
    pub conn: u8,
    /// Ghost: how the last connection ended.
    pub end: End,
    /// Where a reopened connection returns to ([`app::REOPENED`]).
    pub time_wait_memory: TimeWaitMemory,
}

impl Default for Endpoint {
    fn default() -> Self {
        Endpoint {
            state: TcpState::Closed,
            iss: 0,
            snd_una: 0,
            snd_nxt: 0,
            rcv_nxt: 0,
            timer: Timer::OFF,
            retries: 0,
            sent: 0,
            unread: 0,
            app: 0,
            conn: 0,
            end: End::None,
            time_wait_memory: TimeWaitMemory::default(),
        }
    }
}

impl Endpoint {
    pub fn has(&self, bit: u8) -> bool {
        self.app & bit != 0
    }

    pub fn set(&mut self, bit: u8) {
        self.app |= bit;
    }

    pub fn passive(&self) -> bool {
        self.has(app::PASSIVE)
    }

    /// A listening socket exists on this side's port.
    pub fn listener(&self) -> bool {
        self.has(app::LISTENER)
    }

    /// The protocol part of the endpoint, without ghost fields: used to decide whether a segment
    /// "had an effect" (docs/model.md, "Connection ids").
    /// Timers are left out: restarting one is not accepting a segment.
    pub fn protocol_view(&self) -> (TcpState, u8, u8, u8, u8, u8, u8) {
        (
            self.state,
            self.iss,
            self.snd_una,
            self.snd_nxt,
            self.rcv_nxt,
            self.unread,
            self.app,
        )
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:<12}", self.state)?;
        match self.state {
            TcpState::Closed | TcpState::Listen => {}
            _ => write!(
                f,
                " iss={} una={} nxt={} rcv={}",
                self.iss, self.snd_una, self.snd_nxt, self.rcv_nxt
            )?,
        }
        if self.unread > 0 {
            write!(f, " unread={}", self.unread)?;
        }
        if self.listener() && self.state != TcpState::Listen {
            write!(f, " +listener")?;
        }
        match self.timer.kind {
            TimerKind::Off => {}
            TimerKind::Retransmit => {
                write!(f, " rexmt={}t retries={}", self.timer.ticks, self.retries)?
            }
            TimerKind::TimeWait => write!(f, " 2msl={}t", self.timer.ticks)?,
            TimerKind::Quiet => write!(f, " quiet={}t", self.timer.ticks)?,
            TimerKind::FinWait2 => write!(f, " fw2={}t", self.timer.ticks)?,
        }
        if self.conn > 0 {
            write!(f, " c{}", self.conn)?;
        }
        match self.end {
            End::None => {}
            End::Normal => {}
            End::Reset => write!(f, " (reset)")?,
            End::TimedOut => write!(f, " (timed out)")?,
            End::Aborted => write!(f, " (aborted)")?,
        }
        Ok(())
    }
}
