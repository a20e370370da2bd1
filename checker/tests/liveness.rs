//! Liveness verdicts under fairness (issue: "LAST-ACK always terminates"), asserted exactly, and
//! the lassos checked against the model.

use stateright::Model;
use tcpmc::commands::check::{check_with, fairness, Options};
use tcpmc_model::config::*;
use tcpmc_model::{State, TcpModel, TcpState};
use tcpmc_properties::PropertyDef;
use tcpmc_reports::{CheckReport, VerdictKind};

fn prop(name: &str) -> &'static PropertyDef {
    tcpmc_properties::find(name).expect("registered property")
}

/// Data from A only, A only connects: the liveness graphs stay small.
fn reduced() -> Config {
    Config {
        data_b: 0,
        a_listens: false,
        ..Config::default()
    }
}

fn run(cfg: &Config, name: &str, delivery: bool, app: bool) -> CheckReport {
    let opts = Options {
        search: tcpmc::input::cli::Search::Bfs,
        threads: 2,
        stop_early: false,
        fairness: fairness(delivery, app),
    };
    check_with(cfg, &[prop(name)], opts)
}

/// `None` when the property holds, else (stem length, cycle length).
fn lasso(r: &CheckReport) -> Option<(usize, usize)> {
    let v = &r.verdicts[0];
    assert!(
        v.fairness.is_some(),
        "every liveness verdict states its fairness"
    );
    match v.verdict {
        VerdictKind::Holds => None,
        VerdictKind::Violated => {
            let k = v.loop_start.expect("a lasso");
            Some((k, v.steps.as_ref().expect("steps").len() - 1 - k))
        }
        other => panic!("unexpected verdict {other:?}"),
    }
}

#[test]
fn last_ack_terminates_by_default() {
    assert_eq!(
        lasso(&run(&reduced(), "last-ack-terminates", false, true)),
        None
    );
}

#[test]
fn last_ack_never_terminates_when_the_peer_goes_down_even_with_delivery_fairness() {
    let cfg = Config {
        unlimited_retransmissions: true,
        host_fault: HostFault::Down,
        ..reduced()
    };
    assert_eq!(
        lasso(&run(&cfg, "last-ack-terminates", true, true)),
        Some((9, 3))
    );
}

#[test]
fn last_ack_never_terminates_on_a_lossy_network_without_delivery_fairness() {
    let cfg = Config {
        unlimited_retransmissions: true,
        ..reduced()
    };
    assert_eq!(
        lasso(&run(&cfg, "last-ack-terminates", false, true)),
        Some((8, 1))
    );
}

#[test]
fn last_ack_terminates_with_delivery_fairness_and_a_live_peer() {
    let cfg = Config {
        unlimited_retransmissions: true,
        ..reduced()
    };
    assert_eq!(lasso(&run(&cfg, "last-ack-terminates", true, true)), None);
}

#[test]
fn a_crashed_peer_answers_with_rst_so_last_ack_terminates() {
    // RFC 793 §3.4: the rebooted host answers the retransmitted FIN with RST (half-open
    // recovery), unlike a host that went down.
    let cfg = Config {
        unlimited_retransmissions: true,
        host_fault: HostFault::Crash,
        ..reduced()
    };
    assert_eq!(lasso(&run(&cfg, "last-ack-terminates", true, true)), None);
}

#[test]
fn fin_wait_2_waits_forever_for_a_peer_application_that_never_closes() {
    let cfg = Config {
        fin_wait_2_timeout: 0,
        ..reduced()
    };
    assert_eq!(
        lasso(&run(&cfg, "fin-wait-2-terminates", false, false)),
        Some((8, 0))
    );
}

#[test]
fn fin_wait_2_waits_forever_for_a_peer_host_that_went_down() {
    let cfg = Config {
        fin_wait_2_timeout: 0,
        host_fault: HostFault::Down,
        ..reduced()
    };
    assert_eq!(
        lasso(&run(&cfg, "fin-wait-2-terminates", false, true)),
        Some((9, 0))
    );
}

#[test]
fn fin_wait_2_terminates_with_a_fin_wait_2_timeout() {
    let cfg = Config {
        host_fault: HostFault::Down,
        ..reduced()
    };
    assert_eq!(
        lasso(&run(&cfg, "fin-wait-2-terminates", false, false)),
        None
    );
}

#[test]
fn close_wait_needs_an_application_that_closes() {
    assert_eq!(
        lasso(&run(&reduced(), "close-wait-terminates", false, false)),
        Some((10, 0))
    );
    assert_eq!(
        lasso(&run(&reduced(), "close-wait-terminates", false, true)),
        None
    );
}

#[test]
fn every_lasso_replays_through_the_model_and_closes_its_cycle() {
    let cfg = Config {
        unlimited_retransmissions: true,
        host_fault: HostFault::Down,
        ..reduced()
    };
    let model = TcpModel::new(cfg.clone());
    let opts = Options {
        search: tcpmc::input::cli::Search::Bfs,
        fairness: fairness(true, true),
        ..Options::default()
    };
    let r = check_with(&cfg, &[prop("last-ack-terminates")], opts);
    let v = &r.verdicts[0];
    let steps = v.steps.as_ref().expect("violated");
    let k = v.loop_start.expect("lasso");
    // Replay the actions by name from the initial state.
    let mut s: State = model.init_states()[0];
    for step in &steps[1..] {
        let want = step.action.as_deref().expect("action");
        let mut actions = Vec::new();
        model.actions(&s, &mut actions);
        let a = actions
            .into_iter()
            .find(|a| tcpmc_model::system::describe(&s, a) == want)
            .unwrap_or_else(|| panic!("{want} not enabled"));
        s = model.next_state(&s, a).expect("applies");
        assert_eq!(step.a.state, s.ep[0].state.rfc_name());
        assert_eq!(step.b.state, s.ep[1].state.rfc_name());
    }
    // The last state is the loop state, and the cycle never leaves LAST-ACK.
    let last = &steps[steps.len() - 1];
    let view = |st: &tcpmc_reports::Step| {
        serde_json::to_string(&(&st.a, &st.b, &st.network)).expect("serializable")
    };
    assert_eq!(
        view(&steps[k]),
        view(last),
        "the cycle returns to its first state"
    );
    let side_in_last_ack = |st: &tcpmc_reports::Step| {
        st.a.state == TcpState::LastAck.rfc_name() || st.b.state == TcpState::LastAck.rfc_name()
    };
    assert!(steps[k..].iter().all(side_in_last_ack));
}

#[test]
fn every_terminates_property_fails_on_a_lossy_network_with_unlimited_retransmissions() {
    // Without R2 and without delivery fairness each waiting state can retransmit forever (and
    // TIME-WAIT be restarted forever by the peer's retransmitted FIN); delivery fairness ends it.
    let cfg = Config {
        unlimited_retransmissions: true,
        ..reduced()
    };
    let cases = [
        ("time-wait-terminates", (9, 2)),
        ("syn-received-terminates", (6, 1)),
        ("fin-wait-1-terminates", (6, 2)),
        ("closing-terminates", (9, 1)),
    ];
    for (name, want) in cases {
        assert_eq!(lasso(&run(&cfg, name, false, true)), Some(want), "{name}");
        assert_eq!(
            lasso(&run(&cfg, name, true, true)),
            None,
            "{name} with delivery fairness"
        );
    }
    // CLOSE is a user call in SYN-SENT (RFC 9293 §3.10.4): an application that eventually closes
    // ends SYN-SENT by itself; one that waits on connect() forever needs delivery fairness.
    let name = "syn-sent-terminates";
    assert_eq!(lasso(&run(&cfg, name, false, true)), None, "{name}");
    assert_eq!(
        lasso(&run(&cfg, name, false, false)),
        Some((1, 1)),
        "{name}"
    );
    assert_eq!(lasso(&run(&cfg, name, true, false)), None, "{name}");
}

/// The graph build shares successor computation between threads, but numbers the states on one:
/// the graph (per-node labels and fingerprints, depths, edges with their classes, enabled
/// classes) is the same for any thread count.
#[test]
fn the_graph_does_not_depend_on_the_thread_count() {
    let model = TcpModel::new(reduced());
    let one = tcpmc::search::graph::build(&model, 1);
    for threads in [2, 3] {
        let many = tcpmc::search::graph::build(&model, threads);
        assert!(one.states == many.states, "labels and fingerprints");
        assert_eq!(one.levels(), many.levels());
        assert!((0..one.states.len() as u32).all(|v| one.depth(v) == many.depth(v)));
        assert_eq!((one.generated, one.cut), (many.generated, many.cut));
        assert!(one.graph == many.graph, "edges, classes, enabled classes");
    }
    assert!(
        one.states.len() > 100_000,
        "large enough for several rounds"
    );
}
