//! Representative endpoints, one per RFC 9293 state, for tests and for the reaction table.
//!
//! Both the state × event tests and `tcpmc table` need "an endpoint in state S" whose numbers are
//! simple and consistent, so that a single segment can be delivered to it through the model's own
//! [`crate::system::apply`]. Keeping one construction here means the table shows exactly the
//! situations the tests check.

use crate::endpoint::{app, Endpoint, Timer, TimerKind};
use crate::tcp_state::TcpState::{self, *};

fn rexmt(ticks: u8) -> Timer {
    Timer {
        kind: TimerKind::Retransmit,
        ticks,
    }
}

/// An endpoint in `state` of connection 1 with ISS 0, its SYN acknowledged, the peer's ISS 0.
///
/// - SYN-SENT: SND.UNA = ISS = 0, SND.NXT = 1, nothing received (RCV.NXT = 0), timer running.
/// - SYN-RECEIVED: the peer's SYN received (RCV.NXT = 1), ours not yet acknowledged. The
///   endpoint came from an active open (simultaneous open); set [`app::PASSIVE`] for a passive one.
/// - ESTABLISHED, CLOSE-WAIT: SND.UNA = SND.NXT = 1, nothing outstanding.
/// - FIN-WAIT-1, CLOSING, LAST-ACK: our FIN (seq 1) sent and unacknowledged, SND.NXT = 2.
/// - FIN-WAIT-2, TIME-WAIT: our FIN acknowledged, SND.UNA = SND.NXT = 2.
/// - CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT: the peer's FIN (seq 1) received, RCV.NXT = 2.
/// - TIME-WAIT: the 2·MSL timer at 2 ticks.
/// - CLOSED, LISTEN: the numbers are those the previous connection left (used by the ISN policy);
///   LISTEN has its listening socket ([`app::LISTENER`]).
pub fn endpoint_in(state: TcpState) -> Endpoint {
    let mut e = Endpoint {
        state,
        iss: 0,
        snd_una: 1,
        snd_nxt: 1,
        rcv_nxt: 1,
        app: app::USED,
        conn: 1,
        ..Endpoint::default()
    };
    match state {
        SynSent => {
            e.snd_una = 0;
            e.rcv_nxt = 0;
            e.timer = rexmt(1);
        }
        SynReceived => {
            e.snd_una = 0;
            e.timer = rexmt(1);
        }
        FinWait1 | Closing | LastAck => {
            // Our FIN (seq 1) is out and unacknowledged.
            e.snd_nxt = 2;
            e.app |= app::FIN_SENT;
            e.timer = rexmt(1);
        }
        // A listening socket: the port's listener (connections it accepts are new sockets).
        Listen => e.app |= app::LISTENER,
        FinWait2 | TimeWait => {
            e.snd_una = 2;
            e.snd_nxt = 2;
            e.app |= app::FIN_SENT;
        }
        _ => {}
    }
    if matches!(state, CloseWait | Closing | LastAck | TimeWait) {
        e.rcv_nxt = 2; // the peer's FIN was received
    }
    if state == TimeWait {
        e.timer = Timer {
            kind: TimerKind::TimeWait,
            ticks: 2,
        };
    }
    e
}
