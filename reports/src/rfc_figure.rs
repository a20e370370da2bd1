//! The transitions of the TCP connection state diagram of RFC 9293 §3.3.2 (Figure 5), as a table,
//! so that the model's own diagram can be compared with it edge by edge.

use tcpmc_model::TcpState::{self, *};

/// (from, to, the figure's "event / response" label).
pub const FIGURE: &[(TcpState, TcpState, &str)] = &[
    (Closed, Listen, "passive OPEN"),
    (Closed, SynSent, "active OPEN / snd SYN"),
    (Listen, SynReceived, "rcv SYN / snd SYN,ACK"),
    (Listen, SynSent, "SEND / snd SYN"),
    (SynSent, SynReceived, "rcv SYN / snd SYN,ACK"),
    (SynSent, Established, "rcv SYN,ACK / snd ACK"),
    (SynReceived, Established, "rcv ACK of SYN"),
    (SynReceived, Listen, "rcv RST"),
    (SynReceived, FinWait1, "CLOSE / snd FIN"),
    (Established, FinWait1, "CLOSE / snd FIN"),
    (Established, CloseWait, "rcv FIN / snd ACK"),
    (FinWait1, FinWait2, "rcv ACK of FIN"),
    (FinWait1, Closing, "rcv FIN / snd ACK"),
    (FinWait2, TimeWait, "rcv FIN / snd ACK"),
    (Closing, TimeWait, "rcv ACK of FIN"),
    (CloseWait, LastAck, "CLOSE / snd FIN"),
    (LastAck, Closed, "rcv ACK of FIN"),
    (TimeWait, Closed, "timeout=2MSL"),
    (Listen, Closed, "CLOSE"),
    (SynSent, Closed, "CLOSE"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_transitions_between_distinct_states_each_once() {
        assert_eq!(FIGURE.len(), 20);
        for (i, (f, t, _)) in FIGURE.iter().enumerate() {
            assert_ne!(f, t);
            assert!(FIGURE[i + 1..].iter().all(|(g, u, _)| (g, u) != (f, t)));
        }
    }
}
