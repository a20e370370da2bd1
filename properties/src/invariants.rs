//! Safety invariants.

use crate::{Kind, PropertyDef};
use tcpmc_model::seq::SeqSpace;
use tcpmc_model::system::ghost;
use tcpmc_model::{Config, Side, State, TcpState};

const fn inv(
    name: &'static str,
    description: &'static str,
    condition: fn(&Config, &State) -> bool,
) -> PropertyDef {
    PropertyDef {
        name,
        description,
        kind: Kind::Invariant,
        condition,
    }
}

pub(crate) const INVARIANTS: [PropertyDef; 7] = [
        inv(
            "no-stale-segment-accepted",
            "no endpoint accepts a segment of an older connection (docs/model.md, \"Properties\")",
            |_, s| s.ghost & ghost::STALE_ACCEPTED == 0,
        ),
        inv(
            "no-stale-data-delivered",
            "RFC 1337 H1: no data of an older connection is delivered",
            |_, s| s.ghost & ghost::STALE_DATA == 0,
        ),
        inv(
            "no-desynchronized-connection",
            "RFC 1337 H2: never both ESTABLISHED in different connections, or out of sync once the network is empty",
            synchronized,
        ),
        inv(
            "no-assassination",
            "RFC 1337 H3: no connection is reset by a segment of an older one",
            |_, s| s.ghost & ghost::ASSASSINATED == 0,
        ),
        inv(
            "normal-close-never-reset",
            "a connection that no side aborted, gave up or reset for data lost after close() never ends in a reset",
            |_, s| s.ghost & ghost::NORMAL_CLOSE_RESET == 0,
        ),
        inv(
            "no-ghost-connection",
            "no endpoint reaches ESTABLISHED paired with a connection its peer had already left (RFC 793 Fig. 9)",
            |_, s| s.ghost & ghost::GHOST_CONNECTION == 0,
        ),
        inv(
            "no-deadlock",
            "when nothing is in motion, each endpoint is in CLOSED, LISTEN, ESTABLISHED, CLOSE-WAIT or FIN-WAIT-2",
            no_deadlock,
        ),
];

/// RFC 1337 H2: both ends ESTABLISHED must be in one connection, and once the network is empty
/// each receiver's RCV.NXT lies in its peer's SND.UNA..=SND.NXT.
fn synchronized(cfg: &Config, s: &State) -> bool {
    let [a, b] = s.ep;
    if a.state != TcpState::Established || b.state != TcpState::Established {
        return true;
    }
    if a.conn != b.conn {
        return false;
    }
    if !s.net.is_empty() {
        return true;
    }
    let space = SeqSpace { n: cfg.seq_space };
    let in_flight_range =
        |una: u8, nxt: u8, rcv: u8| space.in_range(rcv, una, space.sub(nxt, una) + 1);
    in_flight_range(a.snd_una, a.snd_nxt, b.rcv_nxt)
        && in_flight_range(b.snd_una, b.snd_nxt, a.rcv_nxt)
}

/// A quiet state (nothing in flight, no timer) leaves no endpoint waiting for something that
/// cannot come: SYN-SENT, SYN-RECEIVED, FIN-WAIT-1, CLOSING, LAST-ACK and TIME-WAIT all need a
/// timer or a segment to leave. A host that is down is not counted (it waits for nothing), as in
/// the liveness properties.
fn no_deadlock(_: &Config, s: &State) -> bool {
    if s.in_motion() {
        return true;
    }
    [Side::A, Side::B].into_iter().all(|side| {
        let e = s.ep(side);
        s.is_down(side)
            || matches!(
                e.state,
                TcpState::Closed
                    | TcpState::Listen
                    | TcpState::Established
                    | TcpState::CloseWait
                    | TcpState::FinWait2
            )
    })
}
