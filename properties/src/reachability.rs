//! Coverage: each of the eleven states on each side, simultaneous open and simultaneous close.

use crate::{Kind, PropertyDef};
use tcpmc_model::{Config, State, TcpState};

macro_rules! reach_state {
    ($name:literal, $side:expr, $st:ident) => {
        PropertyDef {
            name: $name,
            description: concat!("coverage: ", $name),
            kind: Kind::Reachability,
            condition: |_: &Config, s: &State| s.ep[$side].state == TcpState::$st,
        }
    };
}

pub(crate) const REACHABILITY: [PropertyDef; 24] = [
    reach_state!("reach-a-closed", 0, Closed),
    reach_state!("reach-a-listen", 0, Listen),
    reach_state!("reach-a-syn-sent", 0, SynSent),
    reach_state!("reach-a-syn-received", 0, SynReceived),
    reach_state!("reach-a-established", 0, Established),
    reach_state!("reach-a-fin-wait-1", 0, FinWait1),
    reach_state!("reach-a-fin-wait-2", 0, FinWait2),
    reach_state!("reach-a-close-wait", 0, CloseWait),
    reach_state!("reach-a-closing", 0, Closing),
    reach_state!("reach-a-last-ack", 0, LastAck),
    reach_state!("reach-a-time-wait", 0, TimeWait),
    reach_state!("reach-b-closed", 1, Closed),
    reach_state!("reach-b-listen", 1, Listen),
    reach_state!("reach-b-syn-sent", 1, SynSent),
    reach_state!("reach-b-syn-received", 1, SynReceived),
    reach_state!("reach-b-established", 1, Established),
    reach_state!("reach-b-fin-wait-1", 1, FinWait1),
    reach_state!("reach-b-fin-wait-2", 1, FinWait2),
    reach_state!("reach-b-close-wait", 1, CloseWait),
    reach_state!("reach-b-closing", 1, Closing),
    reach_state!("reach-b-last-ack", 1, LastAck),
    reach_state!("reach-b-time-wait", 1, TimeWait),
    PropertyDef {
        name: "reach-simultaneous-open",
        description: "coverage: both sides in SYN-RECEIVED from an active open (RFC 9293 Figure 7)",
        kind: Kind::Reachability,
        condition: |_, s| {
            s.ep.iter()
                .all(|e| e.state == TcpState::SynReceived && !e.passive())
        },
    },
    PropertyDef {
        name: "reach-simultaneous-close",
        description: "coverage: both sides in CLOSING (RFC 9293 Figure 13)",
        kind: Kind::Reachability,
        condition: |_, s| s.ep.iter().all(|e| e.state == TcpState::Closing),
    },
];
