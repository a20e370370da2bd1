//! `--time dense` against `--time ticks` (README, "Dense time"): on small configurations with
//! closed guards, the same verdict for every invariant, violations and holds alike, with exact
//! state counts of both graphs; the one difference found is pinned and explained; the command
//! line refuses what dense time does not do.

mod common;

use common::tcpmc;
use tcpmc::commands::check::{check, Options};
use tcpmc::commands::check_dense::check_dense;
use tcpmc_model::config::{Config, Mutation};
use tcpmc_properties::{registry, Kind, PropertyDef};
use tcpmc_reports::{CheckReport, VerdictKind};

fn invariants() -> Vec<&'static PropertyDef> {
    registry()
        .iter()
        .filter(|p| p.kind == Kind::Invariant)
        .collect()
}

fn dense(cfg: &Config) -> CheckReport {
    check_dense(cfg, &invariants(), Options::default(), Vec::new()).expect("invariants only")
}

fn violated(r: &CheckReport) -> Vec<&str> {
    r.verdicts
        .iter()
        .filter(|v| v.verdict == VerdictKind::Violated)
        .map(|v| v.name.as_str())
        .collect()
}

/// A step as the text report prints it: `[t=TIME] ACTION`.
fn timed(s: &tcpmc_reports::Step) -> String {
    format!(
        "[t={}] {}",
        s.time.as_deref().unwrap_or("none"),
        s.action.as_deref().unwrap_or("")
    )
}

/// One connection, no data: the closing handshake and its timers only.
fn small(msl: u16) -> Config {
    Config {
        msl,
        incarnations: 1,
        data_a: 0,
        data_b: 0,
        ..Config::default()
    }
}

/// At MSL 2, A only connects (fewer states).
fn small2() -> Config {
    Config {
        a_listens: false,
        ..small(2)
    }
}

/// `(configuration, name, tick states, zone states, the invariants violated under both)`.
fn rows() -> Vec<(Config, &'static str, u64, u64, Vec<&'static str>)> {
    vec![
        (small(1), "msl 1", 7_156, 7_418, vec![]),
        (
            Config {
                time_wait: Some(0),
                ..small(1)
            },
            "msl 1, TIME-WAIT 0",
            10_710,
            10_928,
            vec!["normal-close-never-reset"],
        ),
        (
            Config {
                rto: 2,
                time_wait: Some(3),
                ..small(1)
            },
            "msl 1, rto 2, TIME-WAIT 3",
            7_844,
            7_258,
            vec![],
        ),
        (
            Config {
                mutation: Mutation::NoRetransmitInLastAck,
                ..small(1)
            },
            "msl 1, mutant: no retransmission in LAST-ACK",
            7_038,
            7_232,
            vec!["no-deadlock"],
        ),
        (
            Config {
                incarnations: 2,
                quiet_time: Some(0),
                ..small(1)
            },
            "msl 1, two incarnations, no quiet time",
            331_236,
            359_187,
            vec![
                "no-stale-segment-accepted",
                "no-assassination",
                "normal-close-never-reset",
            ],
        ),
        (
            Config {
                time_wait: Some(1),
                ..small2()
            },
            "msl 2, TIME-WAIT 1",
            42_782,
            39_615,
            vec!["normal-close-never-reset"],
        ),
        (
            Config {
                time_wait: Some(3),
                ..small2()
            },
            "msl 2, TIME-WAIT 3",
            38_318,
            28_696,
            vec![],
        ),
        (
            Config {
                loss: false,
                ..small2()
            },
            "msl 2, no loss (segments die: Die)",
            21_907,
            30_486,
            vec![],
        ),
        (
            Config {
                duplication: true,
                ..small2()
            },
            "msl 2, duplication (a duplicate copies its original's clock)",
            126_936,
            73_637,
            vec![],
        ),
    ]
}

#[test]
fn dense_and_ticks_agree_on_every_invariant() {
    for (cfg, name, ticks_n, zones_n, want) in rows() {
        let t = check(&cfg, &invariants(), 2, false);
        let d = dense(&cfg);
        assert_eq!(violated(&t), violated(&d), "{name}");
        assert_eq!(violated(&t), want, "{name}");
        assert_eq!(
            (t.stats.unique_states, d.stats.unique_states),
            (ticks_n, zones_n),
            "{name}"
        );
        assert!(t.complete && d.complete, "{name}");
        // The same bound: a send into a full network is cut under both.
        assert_eq!(t.stats.states_cut > 0, d.stats.states_cut > 0, "{name}");
    }
}

/// The one difference found: at MSL 2 with TIME-WAIT = MSL = 2 ticks, the tick model says
/// HOLDS (the README's "TIME-WAIT of MSL is enough", an artefact of whole ticks) and dense time
/// finds a reset. B in CLOSING retransmits its FIN at t=1 (RTO 1, retries 1) and would give up
/// at t=2; A's TIME-WAIT, entered at t=0, ends at t=2. At the instant t=2, A's timer fires, the
/// FIN (age 1 = MSL - 1, still alive) reaches the CLOSED A, whose RST resets B before B's own
/// timer, due at the same instant, fires. The tick model fires every due timer in the tick,
/// before any delivery of the same instant, so there B gives up first (an abort, not a normal
/// close) and no run resets a normal close. Dense time with closed guards orders events of
/// one instant freely.
#[test]
fn time_wait_of_msl_resets_at_the_instant_both_timers_are_due() {
    let cfg = Config {
        time_wait: Some(2),
        ..small2()
    };
    let t = check(&cfg, &invariants(), 2, false);
    let d = dense(&cfg);
    assert_eq!(violated(&t), Vec::<&str>::new());
    assert_eq!(violated(&d), vec!["normal-close-never-reset"]);
    assert_eq!(
        (t.stats.unique_states, d.stats.unique_states),
        (38_846, 30_111)
    );
    let v = d
        .verdicts
        .iter()
        .find(|v| v.name == "normal-close-never-reset")
        .expect("checked");
    let steps = v.steps.as_ref().expect("a counterexample");
    let tail: Vec<String> = steps[steps.len() - 4..].iter().map(timed).collect();
    assert_eq!(
        tail,
        [
            "[t=1] B rexmt timer fires",
            "[t=2] A 2msl timer fires",
            "[t=2] deliver B->A FIN,ACK",
            "[t=2] deliver A->B RST",
        ]
    );
    // At the reset B's timer is due (0 ticks left) but has not fired.
    let last = &steps[steps.len() - 2];
    assert!(last.b.text.contains("rexmt=0t"), "{}", last.b.text);
}

#[test]
fn the_command_line_checks_safety_and_liveness() {
    let small = [
        "check",
        "--incarnations",
        "1",
        "--data-a",
        "0",
        "--data-b",
        "0",
    ];
    let out = tcpmc(&[&small[..], &["--time", "dense"]].concat());
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("states: 7418 unique"), "{text}");
    assert!(
        text.contains("search bfs, dense time (zone graph, inclusion)"),
        "{text}"
    );
    // The liveness properties too, on the zone graph with time divergence (tests/dense_live.rs).
    assert!(text.contains("result: all 15 properties hold"), "{text}");
    assert!(
        text.ends_with("timelocks: none (time can diverge from every reachable zone state)\n"),
        "{text}"
    );
    for refused in [
        &["--search", "dfs"][..],
        &["--out", "/proc/tcpmc-no-such-dir"][..],
    ] {
        let out = tcpmc(&[&small[..], &["--time", "dense"], refused].concat());
        assert_eq!(out.status.code(), Some(2), "{refused:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
    }

    // A violation: exit 1, the earliest time of every step, the reproducing command.
    let out = tcpmc(
        &[
            &small[..],
            &[
                "--time",
                "dense",
                "--time-wait",
                "0",
                "--property",
                "normal-close-never-reset",
            ],
        ]
        .concat(),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("    1. [t=0] A connect (ISS=0)\n"), "{text}");
    assert!(text.contains("   10. [t=0] deliver A->B RST\n"), "{text}");
    assert!(text.contains("reproduce: tcpmc check --time-wait 0 --incarnations 1 --data-a 0 --data-b 0 --time dense --property normal-close-never-reset"), "{text}");

    // The default stays the tick model.
    let out = tcpmc(&small);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("states: 7156 unique"), "{text}");
}

/// The same coincidence at MSL 1 with the default timers (TIME-WAIT 2 = 2·MSL) and two
/// incarnations: B, in CLOSING, retransmits its FIN at t=1 and gives up at t=2 (RTO 1, one
/// retry), the very instant A's TIME-WAIT ends. Dense time lets A connect again at t=2, B's
/// challenge ACK draw A's RST, and B be reset before its due timer fires; the tick model has B
/// give up first. So `normal-close-never-reset` depends on how events of one instant are
/// ordered whenever TIME-WAIT equals the peer's whole retransmission time (`rto · (retries +
/// 1)`), which dense time with closed guards exposes and whole ticks hide.
#[test]
fn time_wait_equal_to_the_peers_give_up_time_resets_under_dense_time() {
    let cfg = Config {
        incarnations: 2,
        ..small(1)
    };
    let t = check(&cfg, &invariants(), 2, false);
    let d = dense(&cfg);
    assert_eq!(violated(&t), Vec::<&str>::new());
    assert_eq!(violated(&d), vec!["normal-close-never-reset"]);
    assert_eq!(
        (t.stats.unique_states, d.stats.unique_states),
        (112_421, 122_126)
    );
    let v = d
        .verdicts
        .iter()
        .find(|v| v.name == "normal-close-never-reset")
        .expect("checked");
    let steps = v.steps.as_ref().expect("a counterexample");
    assert_eq!(steps.len() - 1, 18);
    assert_eq!(timed(&steps[14]), "[t=2] A 2msl timer fires");
    assert_eq!(timed(&steps[18]), "[t=2] deliver A->B RST");
    // With one more tick of TIME-WAIT the coincidence is gone and both agree again.
    let longer = Config {
        time_wait: Some(3),
        ..cfg
    };
    assert_eq!(violated(&dense(&longer)), Vec::<&str>::new());
}

/// As for ticks, the counts and the counterexample do not depend on the thread count, and
/// `--stop-early` stops at the level of the first violation with the same shortest trace.
#[test]
fn dense_results_do_not_depend_on_threads_or_stopping_early() {
    let cfg = Config {
        time_wait: Some(0),
        ..small(1)
    };
    let run = |props: &[&'static PropertyDef], threads: usize, stop_early: bool| {
        let opts = Options {
            threads,
            stop_early,
            ..Options::default()
        };
        check_dense(&cfg, props, opts, Vec::new()).expect("invariants only")
    };
    let trace = |r: &CheckReport, name: &str| -> Vec<String> {
        r.verdicts
            .iter()
            .filter(|v| v.name == name)
            .flat_map(|v| v.steps.iter().flatten())
            .map(|s| format!("{:?} {} {}", s.action, s.a.text, s.b.text))
            .collect()
    };
    let key = |r: &CheckReport| {
        (
            r.stats.unique_states,
            r.stats.generated_states,
            r.stats.states_cut,
            trace(r, "normal-close-never-reset"),
        )
    };
    let all = invariants();
    let one = run(&all, 1, false);
    assert_eq!(key(&one), key(&run(&all, 2, false)));
    assert_eq!(key(&one), key(&run(&all, 3, false)));
    let ncnr = tcpmc_properties::find("normal-close-never-reset").expect("registered");
    let early = run(&[ncnr], 2, true);
    assert!(!early.complete);
    assert!(early.stats.unique_states < one.stats.unique_states);
    assert_eq!(violated(&early), violated(&one));
    assert_eq!(
        trace(&early, "normal-close-never-reset"),
        trace(&one, "normal-close-never-reset")
    );
}
