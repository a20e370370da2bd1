//! Dense time with large constants (README, "Linux's constants"): the zone graph with inclusion
//! against the one with equality, the open bound `a < MSL`, and cells of the README table on
//! `linux-real`, each a property that fails and one that holds.

mod common;

use common::tcpmc;
use tcpmc::progress::Meter;
use tcpmc::search::goals::Goals;
use tcpmc::search::{bfs, zone_bfs};
use tcpmc_model::config::{Config, MslBound, Mutation, Time};
use tcpmc_model::dense::{DenseModel, ZoneState};
use tcpmc_properties::{registry, PropertyDef};

struct StateProperties(Vec<&'static PropertyDef>);

impl Goals<DenseModel> for StateProperties {
    fn count(&self) -> usize {
        self.0.len()
    }

    fn discovered(&self, model: &DenseModel, index: usize, state: &ZoneState) -> bool {
        self.0[index].discovered_by(&model.cfg, &state.s)
    }
}

fn state_properties() -> StateProperties {
    StateProperties(
        registry()
            .iter()
            .filter(|p| p.is_state_property())
            .collect(),
    )
}

fn small(msl: u16) -> Config {
    Config {
        msl,
        incarnations: 1,
        data_a: 0,
        data_b: 0,
        ..Config::default()
    }
}

#[test]
fn inclusion_discovers_what_equality_does_at_the_same_depth_with_fewer_zones() {
    // Every safety and coverage property: the same discoveries, each at the same (shortest)
    // length, under the zone graph with equality (the tick engine's BFS) and with inclusion.
    let configs = [
        ("msl 1", small(1)),
        (
            "msl 1, TIME-WAIT 0",
            Config {
                time_wait: Some(0),
                ..small(1)
            },
        ),
        (
            "msl 2, TIME-WAIT 1",
            Config {
                time_wait: Some(1),
                ..small(2)
            },
        ),
        (
            "msl 1, mutant",
            Config {
                mutation: Mutation::NoRetransmitInLastAck,
                ..small(1)
            },
        ),
        (
            "msl 3 open, backoff, orphan retries 2",
            Config {
                time: Time::Dense,
                msl_bound: MslBound::Open,
                backoff: true,
                retries: 0,
                orphan_retries: Some(2),
                ..small(3)
            },
        ),
    ];
    let goals = state_properties();
    for (name, cfg) in configs {
        let m = DenseModel::new(cfg);
        let eq = bfs::bfs(&m, &goals, 2, false);
        let inc = zone_bfs::zone_bfs(&m, &goals, 2, false, &Meter::default());
        assert!(eq.complete && inc.complete, "{name}");
        let lengths = |o: &bfs::Outcome<DenseModel>| -> Vec<Option<usize>> {
            o.discoveries
                .iter()
                .map(|d| d.as_ref().map(|t| t.actions.len()))
                .collect()
        };
        assert_eq!(lengths(&eq), lengths(&inc), "{name}");
        assert!(
            inc.unique < eq.unique,
            "{name}: {} {}",
            inc.unique,
            eq.unique
        );
        // Every counterexample found with inclusion is a timed run.
        for t in inc.discoveries.iter().flatten() {
            assert!(m.timeline(&t.states, &t.actions).is_some(), "{name}");
        }
    }
}

#[test]
fn scaling_every_constant_leaves_the_zone_graph_as_it_is() {
    // Under the open bound dense time is scale-free: MSL, TIME-WAIT and the timers ×10 give
    // the same zone graph, where the tick model's graph grows with every constant
    // (BENCHMARKS.md, "Dense time"). (The closed bound `a ≤ MSL − 1` is not: its −1 does not
    // scale.)
    let goals = state_properties();
    let scaled = |k: u16| Config {
        time: Time::Dense,
        msl_bound: MslBound::Open,
        msl: 2 * k,
        time_wait: Some(3 * k),
        rto: k,
        fin_wait_2_timeout: 2 * k,
        quiet_time: Some(4 * k),
        ..small(1)
    };
    let count = |cfg: Config| {
        let m = DenseModel::new(cfg);
        zone_bfs::zone_bfs(&m, &goals, 2, false, &Meter::default()).unique
    };
    let one = count(scaled(1));
    assert_eq!(count(scaled(10)), one);
    assert_eq!(count(scaled(300)), one);
}

/// The README table's command for one cell: exit 0 (holds) or 1 (violated).
fn cell(orphan_retries: &str, msl: &str, time_wait: &str) -> (Option<i32>, String) {
    let out = tcpmc(&[
        "check",
        "--variant",
        "linux-real,rfc1337",
        "--incarnations",
        "1",
        "--data-a",
        "0",
        "--data-b",
        "0",
        "--retries",
        "0",
        "--network-full",
        "drop",
        "--property",
        "normal-close-never-reset",
        "--orphan-retries",
        orphan_retries,
        "--msl",
        msl,
        "--time-wait",
        time_wait,
    ]);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn linux_real_time_wait_must_outlast_the_peers_last_retransmission() {
    // Orphan retries 2 (RTO 200 ms doubling): B's FIN at 0, again at 0.2 s and 0.6 s, and B
    // gives up at 1.4 s. A TIME-WAIT of 1.4 s fails: at that very instant A's TIME-WAIT ends,
    // the FIN sent at 0.6 s arrives, and A's RST resets B before B's timer fires. 1.6 s holds.
    let (code, text) = cell("2", "150", "7");
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("[t=1.4s] A 2msl timer fires"), "{text}");
    assert!(text.contains("[t=1.4s] deliver A->B RST"), "{text}");
    assert!(
        text.contains("time=dense time_unit_ms=200 msl_bound=open"),
        "{text}"
    );
    let (code, text) = cell("2", "150", "8");
    assert_eq!(code, Some(0), "{text}");
}

#[test]
fn linux_real_default_orphan_retries_outlast_sixty_seconds_of_time_wait() {
    // Linux's default, 8 retries, at MSL 30 s: the FIN retransmitted at 51 s may arrive until
    // just before 81 s, after TIME-WAIT's 60 s; 81 s holds (the README table's last rows).
    let (code, text) = cell("8", "150", "300");
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("[t=51s] B rexmt timer fires"), "{text}");
    assert!(text.contains("[t=60s] A 2msl timer fires"), "{text}");
    let (code, text) = cell("8", "150", "405");
    assert_eq!(code, Some(0), "{text}");
}

#[test]
fn the_open_bound_lets_a_segment_live_almost_msl() {
    // One tick of MSL: closed, a segment must be used at the instant it is sent (age ≤ 0);
    // open, at any age below 1, so many more zones.
    let closed = tcpmc(&[
        "check",
        "--time",
        "dense",
        "--incarnations",
        "1",
        "--data-a",
        "0",
        "--data-b",
        "0",
        "--quiet",
    ]);
    let open = tcpmc(&[
        "check",
        "--time",
        "dense",
        "--msl-bound",
        "open",
        "--incarnations",
        "1",
        "--data-a",
        "0",
        "--data-b",
        "0",
        "--quiet",
    ]);
    let states = |o: &std::process::Output| {
        let t = String::from_utf8_lossy(&o.stdout).into_owned();
        t.lines()
            .find(|l| l.starts_with("states: "))
            .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
            .unwrap_or_default()
    };
    assert_eq!(states(&closed), "7418");
    assert_eq!(states(&open), "57220");
    // The tick model has no open bound.
    let out = tcpmc(&["check", "--msl-bound", "open"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("msl_bound = open: needs time = dense"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
}

#[test]
fn ticks_only_commands_refuse_a_dense_configuration() {
    for args in [
        &["diagram", "--variant", "linux-real"][..],
        &["table", "--variant", "linux-real"],
        &["sweep", "--variants", "linux-real"],
    ] {
        let out = tcpmc(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("explores ticks only"), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
    // Large constants are for dense time only.
    let out = tcpmc(&["check", "--msl", "150"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("msl = 150: must be in 1..=8"), "{err}");
}
