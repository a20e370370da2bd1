//! Whole scenarios that must not raise a ghost verdict bit (docs/model.md, "Connection ids": no
//! false positives), each step named in replay syntax and found among the enabled actions.

use tcpmc_model::config::Config;
use tcpmc_model::replay::replay;
use tcpmc_model::step::Step;
use tcpmc_model::system::State;
use tcpmc_model::TcpState::{self, *};

/// Runs the steps through the replay module; each must be enabled. Returns every state visited.
fn run(cfg: &Config, steps: &[&str]) -> Vec<State> {
    let parsed: Vec<Step> = steps
        .iter()
        .map(|t| Step::parse(t).unwrap_or_else(|e| panic!("{t:?}: {e}")))
        .collect();
    match replay(cfg, &parsed) {
        Ok(taken) => std::iter::once(State::initial())
            .chain(taken.iter().map(|t| t.state))
            .collect(),
        Err(f) => panic!(
            "step {:?} stuck in\n{}\n{:?}",
            steps[f.index], f.state, f.why
        ),
    }
}

fn assert_clean(states: &[State]) {
    for s in states {
        assert_eq!(s.ghost, 0, "a verdict bit was set in\n{s}");
    }
}

fn both(s: &State) -> (TcpState, TcpState) {
    (s.ep[0].state, s.ep[1].state)
}

#[test]
fn test_simultaneous_open_syn_then_syn() {
    // Both SYNs arrive before either SYN+ACK (RFC 9293 Figure 7).
    let cfg = Config::default();
    let states = run(
        &cfg,
        &[
            "A connect (ISS=0)",
            "B connect (ISS=0)",
            "deliver A->B SYN",
            "deliver B->A SYN",
            "deliver A->B SYN,ACK",
            // Each SYN+ACK repeats the SYN its receiver already has: the SYN is trimmed and the
            // ACK completes the open (RFC 9293 Figure 7, §3.10.7.4).
            "deliver B->A SYN,ACK",
        ],
    );
    assert_clean(&states);
    let last = states.last().unwrap();
    assert_eq!(both(last), (Established, Established));
    assert_eq!(
        last.ep[0].conn, last.ep[1].conn,
        "both adopted one connection id"
    );
}

#[test]
fn test_simultaneous_open_syn_ack_overtakes_syn() {
    // The other arrival order: B's SYN+ACK reaches A before B's own SYN does.
    let cfg = Config::default();
    let states = run(
        &cfg,
        &[
            "A connect (ISS=0)",
            "B connect (ISS=0)",
            "deliver A->B SYN",
            "deliver B->A SYN,ACK",
            "deliver A->B ACK",
            "deliver B->A SYN",
        ],
    );
    assert_clean(&states);
    assert_eq!(both(states.last().unwrap()), (Established, Established));
}

#[test]
fn test_listen_after_syn_in_flight() {
    // The listener starts after the SYN was sent; the handshake completes normally.
    let cfg = Config::default();
    let states = run(
        &cfg,
        &[
            "A connect (ISS=0)",
            "B listen",
            "deliver A->B SYN (ISS=0)",
            "deliver B->A SYN,ACK",
            "deliver A->B ACK",
        ],
    );
    assert_clean(&states);
    assert_eq!(both(states.last().unwrap()), (Established, Established));
}

#[test]
fn test_reconnect_after_full_time_wait() {
    // A closes first, waits out TIME-WAIT (2 ticks), then the 4-tuple is reused.
    let cfg = Config::default();
    let states = run(
        &cfg,
        &[
            "A connect (ISS=0)",
            "B listen",
            "deliver A->B SYN (ISS=0)",
            "deliver B->A SYN,ACK",
            "deliver A->B ACK",
            "A close",
            "deliver A->B FIN,ACK",
            "deliver B->A ACK",
            "B close",
            "deliver B->A FIN,ACK",
            "deliver A->B ACK",
            "tick",
            "tick",
            // B's listening socket stayed: the port is in LISTEN again.
            "expect B LISTEN",
            "A connect (ISS=2)",
            "deliver A->B SYN (ISS=2)",
            "deliver B->A SYN,ACK",
            "deliver A->B ACK",
        ],
    );
    assert_clean(&states);
    assert_eq!(states[11].ep[0].state, TimeWait);
    let last = states.last().unwrap();
    assert_eq!(both(last), (Established, Established));
    assert_eq!((last.ep[0].conn, last.ep[1].conn), (2, 2));
}

#[test]
fn test_client_closes_without_reading_sends_rst_and_no_time_wait() {
    // The classic experiment: the server's reply is unread when the client closes: RST, and
    // neither side enters TIME-WAIT (RFC 9293 SHLD-3).
    let cfg = Config::default();
    let states = run(
        &cfg,
        &[
            "B listen",
            "A connect (ISS=0)",
            "deliver A->B SYN (ISS=0)",
            "deliver B->A SYN,ACK",
            "deliver A->B ACK",
            "B send",
            "deliver B->A DATA,ACK",
            "A close",
            "deliver A->B RST",
        ],
    );
    // The server's listening socket stays: its port is in LISTEN again.
    let last = states.last().unwrap();
    assert_eq!(both(last), (Closed, Listen));
    assert!(states
        .iter()
        .all(|s| s.ep.iter().all(|e| e.state != TimeWait)));
}
