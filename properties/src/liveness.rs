//! Liveness: "whenever an endpoint is in state X, it eventually leaves X", on either side.
//! Checked on the explicit graph under fairness (docs/model.md, "Liveness and fairness"), not by
//! stateright's `eventually`.

use crate::{Kind, PropertyDef};
use tcpmc_model::TcpState;

const fn terminates(name: &'static str, description: &'static str, st: TcpState) -> PropertyDef {
    PropertyDef {
        name,
        description,
        kind: Kind::Terminates(st),
        condition: |_, _| true,
    }
}

pub(crate) const LIVENESS: [PropertyDef; 8] = [
    terminates(
        "last-ack-terminates",
        "an endpoint in LAST-ACK eventually leaves it",
        TcpState::LastAck,
    ),
    terminates(
        "time-wait-terminates",
        "an endpoint in TIME-WAIT eventually leaves it",
        TcpState::TimeWait,
    ),
    terminates(
        "syn-sent-terminates",
        "an endpoint in SYN-SENT eventually leaves it",
        TcpState::SynSent,
    ),
    terminates(
        "syn-received-terminates",
        "an endpoint in SYN-RECEIVED eventually leaves it",
        TcpState::SynReceived,
    ),
    terminates(
        "fin-wait-1-terminates",
        "an endpoint in FIN-WAIT-1 eventually leaves it",
        TcpState::FinWait1,
    ),
    terminates(
        "closing-terminates",
        "an endpoint in CLOSING eventually leaves it",
        TcpState::Closing,
    ),
    terminates(
        "fin-wait-2-terminates",
        "an endpoint in FIN-WAIT-2 eventually leaves it",
        TcpState::FinWait2,
    ),
    terminates(
        "close-wait-terminates",
        "an endpoint in CLOSE-WAIT eventually leaves it",
        TcpState::CloseWait,
    ),
];
