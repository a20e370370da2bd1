//! Liveness under `--time dense` (issue 16): the leads-to check on the zone graph with time
//! divergence. Every liveness property gets a HOLDS and a VIOLATED, with the same verdicts as
//! the tick check on the same configurations; the lasso of the mutant is time passing forever
//! in LAST-ACK; results do not depend on the thread count. (Zeno cycles and timelocks on
//! hand-built graphs: `search::liveness`'s unit tests.)

mod common;

use common::tcpmc;
use tcpmc::commands::check::{check_with, fairness, Options};
use tcpmc::commands::check_dense::check_dense;
use tcpmc::commands::check_dense_live::no_free_slot;
use tcpmc::search::liveness::Fairness;
use tcpmc_model::config::{Config, Mutation};
use tcpmc_properties::{registry, PropertyDef};
use tcpmc_reports::{CheckReport, VerdictKind};

fn liveness() -> Vec<&'static PropertyDef> {
    registry()
        .iter()
        .filter(|p| !p.is_state_property())
        .collect()
}

/// One connection, no data (`--incarnations 1 --data-a 0 --data-b 0`).
fn small() -> Config {
    Config {
        incarnations: 1,
        data_a: 0,
        data_b: 0,
        ..Config::default()
    }
}

fn mutant() -> Config {
    Config {
        mutation: Mutation::NoRetransmitInLastAck,
        ..small()
    }
}

fn verdicts(r: &CheckReport) -> Vec<(String, VerdictKind)> {
    r.verdicts
        .iter()
        .map(|v| (v.name.clone(), v.verdict))
        .collect()
}

fn dense_with(cfg: &Config, threads: usize, f: Fairness) -> CheckReport {
    let opts = Options {
        threads,
        fairness: f,
        ..Options::default()
    };
    check_dense(cfg, &liveness(), opts, Vec::new()).expect("a dense liveness check")
}

fn dense(cfg: &Config, threads: usize) -> CheckReport {
    dense_with(cfg, threads, Options::default().fairness)
}

fn ticks_with(cfg: &Config, f: Fairness) -> CheckReport {
    let opts = Options {
        fairness: f,
        ..Options::default()
    };
    check_with(cfg, &liveness(), opts)
}

fn violated(r: &CheckReport) -> Vec<&str> {
    r.verdicts
        .iter()
        .filter(|v| v.verdict == VerdictKind::Violated)
        .map(|v| v.name.as_str())
        .collect()
}

const ALL_BUT_FIN_WAIT_2: [&str; 7] = [
    "last-ack-terminates",
    "time-wait-terminates",
    "syn-sent-terminates",
    "syn-received-terminates",
    "fin-wait-1-terminates",
    "closing-terminates",
    "close-wait-terminates",
];

/// Every liveness property HOLDS on the small configuration and is VIOLATED on one of the
/// others, under dense time exactly as under ticks (with the zone graph's sizes).
#[test]
fn dense_liveness_agrees_with_ticks_and_each_property_holds_and_fails() {
    let unlimited = Config {
        unlimited_retransmissions: true,
        ..small()
    };
    let no_fw2_timeout = Config {
        fin_wait_2_timeout: 0,
        ..small()
    };
    let cases: [(Config, Fairness, &str, Vec<&str>, u64); 5] = [
        (small(), fairness(false, true), "small", vec![], 51_225),
        (
            mutant(),
            fairness(false, true),
            "mutant",
            vec!["last-ack-terminates"],
            48_883,
        ),
        (
            unlimited.clone(),
            fairness(false, false),
            "unlimited retransmissions, no fairness of the applications",
            ALL_BUT_FIN_WAIT_2.to_vec(),
            45_410,
        ),
        (
            unlimited,
            fairness(true, false),
            "unlimited retransmissions, delivery fairness",
            vec!["close-wait-terminates"],
            45_410,
        ),
        (
            no_fw2_timeout,
            fairness(false, false),
            "no FIN-WAIT-2 timeout, no fairness of the applications",
            vec!["fin-wait-2-terminates"],
            48_811,
        ),
    ];
    for (cfg, f, name, want, zones) in cases {
        let (t, d) = (ticks_with(&cfg, f), dense_with(&cfg, 2, f));
        assert_eq!(verdicts(&t), verdicts(&d), "{name}");
        let got = violated(&d);
        assert!(want.iter().all(|w| got.contains(w)), "{name}: {got:?}");
        if name != "no FIN-WAIT-2 timeout, no fairness of the applications" {
            assert_eq!(got, want, "{name}");
        }
        let g = d.graph.as_ref().expect("a zone graph");
        assert_eq!(g.states, zones, "{name}");
        assert!(d.complete, "{name}");
        eprintln!(
            "{name}: {} zone states, {} edges, {:.2} s",
            g.states, g.edges, g.seconds
        );
    }
}

/// The mutant never leaves LAST-ACK: its timer is switched off, so the lasso's cycle is time
/// passing forever in LAST-ACK, one unit a step, the times growing along one loop.
#[test]
fn the_mutants_lasso_is_time_passing_forever_in_last_ack() {
    let d = dense(&mutant(), 2);
    let v = d
        .verdicts
        .iter()
        .find(|v| v.name == "last-ack-terminates")
        .expect("checked");
    assert_eq!(v.verdict, VerdictKind::Violated);
    let f = v.fairness.as_deref().expect("stated");
    assert!(f.starts_with("time divergence"), "{f}");
    let steps = v.steps.as_ref().expect("a lasso");
    let k = v.loop_start.expect("a cycle");
    let cycle = &steps[k + 1..];
    assert!(!cycle.is_empty());
    let mut times = Vec::new();
    for s in cycle {
        let a = s.action.as_deref().unwrap_or("");
        assert_eq!(a, "time passes (1 unit)", "{a}");
        let t = s.time.as_deref().expect("a timed step");
        times.push(t.parse::<f64>().expect("a time"));
        assert!(
            s.a.text.contains("LAST-ACK") || s.b.text.contains("LAST-ACK"),
            "{} / {}",
            s.a.text,
            s.b.text
        );
    }
    assert!(times.windows(2).all(|w| w[1] > w[0]), "{times:?}");
    eprintln!("stem {k}, cycle {}, times {times:?}", cycle.len());
}

/// The same verdicts, lassos and graph with one thread and two.
#[test]
fn dense_liveness_does_not_depend_on_threads() {
    let key = |r: &CheckReport| {
        let g = r.graph.as_ref().expect("a zone graph");
        let steps: Vec<String> = r
            .verdicts
            .iter()
            .flat_map(|v| v.steps.iter().flatten())
            .map(|s| format!("{:?} {} {}", s.action, s.a.text, s.b.text))
            .collect();
        (verdicts(r), g.states, g.edges, g.states_cut, steps)
    };
    assert_eq!(key(&dense(&mutant(), 1)), key(&dense(&mutant(), 2)));
}

/// On the command line: named liveness properties are accepted, the lasso printed with its
/// times and the fairness line; the last network slot must be free for the divergence clock.
#[test]
fn the_command_line_checks_dense_liveness() {
    let small = [
        "check",
        "--incarnations",
        "1",
        "--data-a",
        "0",
        "--data-b",
        "0",
        "--time",
        "dense",
    ];
    let out = tcpmc(
        &[
            &small[..],
            &[
                "--unlimited-retransmissions",
                "true",
                "--fair-app",
                "false",
                "--property",
                "close-wait-terminates",
            ],
        ]
        .concat(),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("VIOLATED    close-wait-terminates"), "{text}");
    assert!(
        text.contains("liveness decided under: time divergence"),
        "{text}"
    );
    assert!(text.contains("<- the cycle starts here"), "{text}");
    assert!(text.contains("] time passes (1 unit)"), "{text}");
    assert!(
        text.contains("--time dense --fair-app false --property close-wait-terminates"),
        "{text}"
    );
    assert!(
        text.ends_with("timelocks: none (time can diverge from every reachable zone state)\n"),
        "{text}"
    );

    let out = tcpmc(&[&small[..], &["--property", "last-ack-terminates"]].concat());
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("HOLDS       last-ack-terminates"));

    let out = tcpmc(
        &[
            &small[..],
            &["--max-in-flight", "6", "--property", "last-ack-terminates"],
        ]
        .concat(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("tcpmc: {}\n", no_free_slot())
    );
    // The default selection then checks the state properties and says liveness was left out.
    let out = tcpmc(&[&small[..], &["--max-in-flight", "6"]].concat());
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.ends_with(&format!("liveness: not checked ({})\n", no_free_slot())),
        "{text}"
    );
}

/// Zeno behaviour on a real configuration: with duplication at MSL 1, time cannot pass while a
/// segment is in flight (its age stays 0), yet a segment can be duplicated and a copy lost at
/// one instant for ever. The tick check's rule on the same zone graph (weak fairness of time,
/// and staying in a state for ever where no fair action is enabled) finds a lasso for
/// `last-ack-terminates` that never lets time pass; with time divergence required there is none,
/// and the verdict is the tick model's.
#[test]
fn zeno_behaviour_under_duplication_is_not_a_counterexample() {
    use tcpmc::commands::check_dense_live::{build, dense_class, dense_fairness, TIME};
    use tcpmc::progress::Meter;
    use tcpmc::search::liveness::{bfs_tree, check_leads_to};
    use tcpmc_model::dense::DenseModel;
    use tcpmc_model::{Side, TcpState};
    let cfg = Config {
        duplication: true,
        a_listens: false,
        ..small()
    };
    let f = fairness(false, true);
    let name = "last-ack-terminates";
    let last_ack = tcpmc_properties::find(name).expect("registered");
    let t = check_with(&cfg, &[last_ack], Options::default());
    assert_eq!(violated(&t), Vec::<&str>::new());
    let model = DenseModel::new(cfg).with_divergence().expect("a free slot");
    let df = dense_fairness(f);
    let g = build(&model, df.weak | df.strong | df.must, 2, &Meter::default());
    let tree = bfs_tree(&g.graph);
    let check = |must: u16, weak: u16| {
        [Side::A, Side::B].into_iter().find_map(|side| {
            let inside = |n: u32| {
                let s = &g.states[n as usize].s;
                !s.is_down(side) && s.ep(side).state == TcpState::LastAck
            };
            check_leads_to(
                &g.graph,
                &tree,
                &inside,
                &inside,
                Fairness { must, weak, ..df },
            )
        })
    };
    assert_eq!(
        check(TIME, df.weak),
        None,
        "with time divergence: holds, as under ticks"
    );
    let zeno = check(0, df.weak | TIME).expect("under the tick rule, a lasso");
    // It lets no time pass: stays where time cannot pass, or cycles without a Pass edge.
    let entry = *zeno.stem.last().expect("a stem");
    if zeno.cycle.is_empty() {
        assert_eq!(g.graph.enabled(entry) & TIME, 0, "{zeno:?}");
    }
    for e in &zeno.cycle {
        let from = &g.states[e.from as usize];
        let to = &g.states[e.to as usize];
        let mut acts = Vec::new();
        model.enabled(from, &mut acts);
        assert!(acts.iter().any(|a| {
            dense_class(from, a) & TIME == 0
                && model.successor(from, *a).is_some_and(|(n, _)| n == *to)
        }));
    }
    let d = dense_with(&model.cfg, 2, f);
    assert_eq!(violated(&d), Vec::<&str>::new());
    eprintln!(
        "{} zone states, Zeno lasso: stem {}, cycle {}",
        g.states.len(),
        zeno.stem.len() - 1,
        zeno.cycle.len()
    );
}
