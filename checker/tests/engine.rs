//! The search engine: exact state counts (cross-checked with stateright's own BFS), minimal
//! counterexamples (cross-checked with an independent breadth-first search), and output that does
//! not depend on the thread count.

use stateright::{Checker, Model, Property};
use std::collections::HashSet;
use tcpmc_model::config::*;
use tcpmc_model::{State, TcpModel};
use tcpmc_properties::{registry, PropertyDef};

fn prop(name: &str) -> &'static PropertyDef {
    tcpmc_properties::find(name).expect("registered property")
}

fn tiny() -> Config {
    Config {
        a_listens: false,
        data_a: 0,
        data_b: 0,
        incarnations: 1,
        ..Config::default()
    }
}

fn one_incarnation() -> Config {
    Config {
        incarnations: 1,
        ..Config::default()
    }
}

/// stateright's BFS with a property that never fails explores the whole bounded space.
fn stateright_unique(cfg: &Config) -> usize {
    let model = TcpModel::new(cfg.clone())
        .with_properties(vec![Property::<TcpModel>::always("true", |_, _| true)]);
    model
        .checker()
        .threads(1)
        .spawn_bfs()
        .join()
        .unique_state_count()
}

#[test]
fn exact_state_counts_of_two_small_configurations() {
    for (cfg, unique, cut) in [(tiny(), 2_465, 12), (one_incarnation(), 216_607, 22_526)] {
        let r = tcpmc::commands::check::check(&cfg, &[prop("no-deadlock")], 1, false);
        assert_eq!((r.stats.unique_states, r.stats.states_cut), (unique, cut));
        assert_eq!(stateright_unique(&cfg) as u64, unique, "stateright agrees");
    }
}

/// The shortest violation by a plain BFS over whole states (no fingerprints, no parents).
fn naive_shortest(cfg: &Config, p: &PropertyDef, limit: usize) -> Option<usize> {
    let model = TcpModel::new(cfg.clone());
    let mut seen: HashSet<State> = HashSet::new();
    let mut level: Vec<State> = model.init_states();
    for depth in 0..=limit {
        if level.iter().any(|s| p.discovered_by(cfg, s)) {
            return Some(depth);
        }
        let mut next = Vec::new();
        for s in &level {
            for (_, n) in model.next_steps(s) {
                if model.within_boundary(&n) && seen.insert(n) {
                    next.push(n);
                }
            }
        }
        level = next;
    }
    None
}

#[test]
fn counterexamples_are_minimal() {
    let reduced = Config {
        data_b: 0,
        a_listens: false,
        ..Config::default()
    };
    let cases = [
        (
            Config {
                time_wait: Some(0),
                ..reduced.clone()
            },
            "normal-close-never-reset",
            10,
        ),
        (
            Config {
                quiet_time: Some(0),
                ..reduced.clone()
            },
            "no-stale-segment-accepted",
            8,
        ),
        (
            Config {
                mutation: Mutation::NoRetransmitInLastAck,
                ..reduced
            },
            "no-deadlock",
            10,
        ),
    ];
    for (cfg, name, len) in cases {
        // Checked alone and together with every other property (stateright 0.31 loses
        // minimality when several properties are pending: docs/model.md, "Properties").
        let alone = tcpmc::commands::check::check(&cfg, &[prop(name)], 2, true);
        let all: Vec<&PropertyDef> = registry()
            .iter()
            .filter(|p| p.is_state_property())
            .collect();
        let together = tcpmc::commands::check::check(&cfg, &all, 2, true);
        let steps = |r: &tcpmc_reports::CheckReport| {
            let v = r.verdicts.iter().find(|v| v.name == name).expect("checked");
            v.steps.as_ref().map(|s| s.len() - 1)
        };
        assert_eq!(steps(&alone), Some(len), "{name}");
        assert_eq!(
            steps(&together),
            Some(len),
            "{name} checked with the others"
        );
        assert_eq!(
            naive_shortest(&cfg, prop(name), len),
            Some(len),
            "{name}: independent BFS"
        );
    }
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let cfg = Config {
        isn: IsnPolicy::Any,
        ..one_incarnation()
    };
    let cfg = Config {
        incarnations: 2,
        data_b: 0,
        ..cfg
    };
    // Liveness is decided on a single-threaded graph; the thread count concerns the safety search.
    let all: Vec<&PropertyDef> = registry()
        .iter()
        .filter(|p| p.is_state_property())
        .collect();
    let one = tcpmc::commands::check::check(&cfg, &all, 1, false);
    let two = tcpmc::commands::check::check(&cfg, &all, 2, false);
    let three = tcpmc::commands::check::check(&cfg, &all, 3, false);
    for r in [&two, &three] {
        assert_eq!(r.stats.unique_states, one.stats.unique_states);
        assert_eq!(r.stats.generated_states, one.stats.generated_states);
        assert_eq!(r.stats.states_cut, one.stats.states_cut);
        assert_eq!(
            serde_json::to_string(&r.verdicts).unwrap(),
            serde_json::to_string(&one.verdicts).unwrap()
        );
    }
    assert!(one.violated(), "the comparison covers counterexamples");
}

fn with_search(
    cfg: &Config,
    props: &[&'static PropertyDef],
    search: tcpmc::input::cli::Search,
) -> tcpmc_reports::CheckReport {
    tcpmc::commands::check::check_with(
        cfg,
        props,
        tcpmc::commands::check::Options {
            threads: 2,
            search,
            ..tcpmc::commands::check::Options::default()
        },
    )
}

fn state_props() -> Vec<&'static PropertyDef> {
    registry()
        .iter()
        .filter(|p| p.is_state_property())
        .collect()
}

/// Verdict names and kinds only (DFS traces are not the shortest).
fn verdicts(r: &tcpmc_reports::CheckReport) -> Vec<(String, tcpmc_reports::VerdictKind)> {
    r.verdicts
        .iter()
        .map(|v| (v.name.clone(), v.verdict))
        .collect()
}

/// Holding and violating configurations: the DFS visits exactly the BFS's states, decides the
/// same verdicts, and auto (DFS, then BFS for the discoveries) prints the BFS's shortest traces.
#[test]
fn dfs_and_auto_agree_with_bfs() {
    use tcpmc::input::cli::Search;
    let violating = Config {
        isn: IsnPolicy::Any,
        incarnations: 2,
        data_b: 0,
        ..one_incarnation()
    };
    for cfg in [tiny(), one_incarnation(), violating] {
        let props = state_props();
        let bfs = with_search(&cfg, &props, Search::Bfs);
        let dfs = with_search(&cfg, &props, Search::Dfs);
        let auto = with_search(&cfg, &props, Search::Auto);
        for r in [&dfs, &auto] {
            assert_eq!(
                (
                    r.stats.unique_states,
                    r.stats.generated_states,
                    r.stats.states_cut
                ),
                (
                    bfs.stats.unique_states,
                    bfs.stats.generated_states,
                    bfs.stats.states_cut
                )
            );
            assert_eq!(verdicts(r), verdicts(&bfs));
        }
        assert_eq!(
            serde_json::to_string(&auto.verdicts).unwrap(),
            serde_json::to_string(&bfs.verdicts).unwrap(),
            "auto's traces are the shortest"
        );
    }
}

/// The DFS's trace is a real path: every step is an enabled action leading to the next state.
#[test]
fn dfs_traces_are_paths_to_a_violation() {
    let cfg = Config {
        time_wait: Some(0),
        data_b: 0,
        a_listens: false,
        ..Config::default()
    };
    let p = prop("normal-close-never-reset");
    let r = with_search(&cfg, &[p], tcpmc::input::cli::Search::Dfs);
    assert!(r.violated());
    let steps = r.verdicts[0].steps.as_ref().expect("a trace");
    assert!(steps.len() > 10, "at least the shortest (10 steps)");
}

/// Symmetry reductions already in the model, tested: letting an endpoint's first ISS be any
/// value (no rotation of the sequence space), or keeping segments in send order (no canonical
/// multiset), changes the state count but no verdict, on the baseline's rules.
#[test]
fn symmetry_reductions_change_no_verdict() {
    for cfg in [tiny(), one_incarnation()] {
        let props = state_props();
        let reduced = with_search(&cfg, &props, tcpmc::input::cli::Search::Dfs);
        for lifted in [
            Config {
                first_isn_any: true,
                ..cfg.clone()
            },
            Config {
                unsorted_network: true,
                ..cfg.clone()
            },
        ] {
            let full = with_search(&lifted, &props, tcpmc::input::cli::Search::Dfs);
            assert_eq!(verdicts(&full), verdicts(&reduced));
            assert!(full.stats.unique_states > reduced.stats.unique_states);
        }
    }
}

/// The rotation is an exact symmetry in both `rst_seq_zero` modes, also on a configuration that
/// violates properties. One rule reads absolute sequence numbers: the RST answering a segment
/// without ACK has SEQ=0 (RFC 9293 §3.10.7.1). Before `State::zero` existed, that SEQ sat on the
/// rotated first ISS, and this configuration (`isn = any`, two incarnations) reached an
/// assassination with a first ISS other than 0 that the rotated model missed. `anywhere` finds it
/// in both models; `outside-windows` (the baseline's assumption) excludes it in both.
#[test]
fn rotation_symmetry_is_exact_in_both_rst_seq_zero_modes() {
    let props = state_props();
    let mut by_mode = Vec::new();
    for mode in [RstSeqZero::OutsideWindows, RstSeqZero::Anywhere] {
        let cfg = Config {
            isn: IsnPolicy::Any,
            incarnations: 2,
            data_b: 0,
            rst_seq_zero: mode,
            ..tiny()
        };
        let reduced = with_search(&cfg, &props, tcpmc::input::cli::Search::Dfs);
        let any = with_search(
            &Config {
                first_isn_any: true,
                ..cfg.clone()
            },
            &props,
            tcpmc::input::cli::Search::Dfs,
        );
        assert_eq!(verdicts(&any), verdicts(&reduced), "{mode}");
        // The rotation saves states in both modes (measured: 405,071 against 1,474,269
        // outside windows; 934,032 against 1,483,844 anywhere).
        assert!(
            any.stats.unique_states > reduced.stats.unique_states,
            "{mode}"
        );
        by_mode.push(verdicts(&reduced));
    }
    let differ: Vec<String> = by_mode[1]
        .iter()
        .zip(&by_mode[0])
        .filter(|(a, b)| a != b)
        .map(|(a, _)| format!("{} {:?}", a.0, a.1))
        .collect();
    assert_eq!(differ, ["no-assassination Violated"]);
}

#[test]
fn safety_read_off_the_liveness_graph_equals_the_bfs_engine() {
    // With a liveness property the safety verdicts come from the liveness graph; counts, depth,
    // verdicts and the shortest traces must be the engine's.
    let cfg = Config {
        time_wait: Some(0),
        data_b: 0,
        a_listens: false,
        ..Config::default()
    };
    let safety: Vec<&PropertyDef> = registry()
        .iter()
        .filter(|p| p.is_state_property())
        .collect();
    let mut with_liveness = safety.clone();
    with_liveness.push(prop("last-ack-terminates"));
    let engine = tcpmc::commands::check::check(&cfg, &safety, 2, false);
    let shared = tcpmc::commands::check::check(&cfg, &with_liveness, 2, false);
    assert_eq!(shared.stats.search, "bfs, shared with the liveness graph");
    assert_eq!(engine.stats.search, "bfs");
    for (a, b) in [
        (engine.stats.unique_states, shared.stats.unique_states),
        (engine.stats.generated_states, shared.stats.generated_states),
        (engine.stats.states_cut, shared.stats.states_cut),
        (engine.stats.depth as u64, shared.stats.depth as u64),
    ] {
        assert_eq!(a, b);
    }
    assert_eq!(
        serde_json::to_string(&engine.verdicts).unwrap(),
        serde_json::to_string(&shared.verdicts[..engine.verdicts.len()]).unwrap()
    );
    assert!(engine.violated(), "the comparison covers a counterexample");
}
