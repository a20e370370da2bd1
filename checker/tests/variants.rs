//! Variants, sweeps and minimization: RFC 1337's hazard table, W. R. Stevens' two reasons for
//! TIME-WAIT, the unread-close experiment and the smallest safe TIME-WAIT, asserted exactly.

mod common;
use common::{stderr, stdout, tcpmc};

use tcpmc::commands::check::{check_with, Options};
use tcpmc::input::settings::apply_variants;
use tcpmc_model::Config;
use tcpmc_properties::PropertyDef;
use tcpmc_reports::VerdictKind;

/// Data from A only, A only connects: small enough for every variant.
fn reduced() -> Config {
    Config {
        data_b: 0,
        a_listens: false,
        ..Config::default()
    }
}

const REDUCED: [&str; 4] = ["--data-b", "0", "--a-listens", "false"];

fn prop(name: &str) -> &'static PropertyDef {
    tcpmc_properties::find(name).expect("registered property")
}

/// `name` → Some(shortest counterexample) or None (HOLDS), under `variant` on the reduced config.
fn verdicts(variant: &str, names: &[&str]) -> Vec<Option<usize>> {
    let cfg = apply_variants(reduced(), variant).expect("valid variant");
    let props: Vec<&PropertyDef> = names.iter().map(|n| prop(n)).collect();
    let r = check_with(&cfg, &props, Options::default());
    r.verdicts
        .iter()
        .map(|v| match v.verdict {
            VerdictKind::Violated => v.steps.as_ref().map(|s| s.len() - 1),
            _ => None,
        })
        .collect()
}

const HAZARDS: [&str; 3] = [
    "no-stale-data-delivered",
    "no-desynchronized-connection",
    "no-assassination",
];

#[test]
fn rfc1337_hazard_table_under_rfc9293() {
    // H1 old data accepted, H2 desynchronization, H3 assassination: all found under RFC 9293 as
    // written (clock ISNs, no quiet time, RST honoured in TIME-WAIT).
    assert_eq!(
        verdicts("rfc9293", &HAZARDS),
        vec![Some(16), Some(24), Some(11)]
    );
}

#[test]
fn rfc1337_f1_removes_the_time_wait_route_to_h2() {
    // Ignoring RST in TIME-WAIT removes the 24-step desynchronization through TIME-WAIT; old data
    // and assassination still arrive by routes that do not go through TIME-WAIT (no quiet time,
    // clock ISNs), and so does a longer desynchronization: the server closes while the client's
    // data is in flight and resets it (SHLD-3), and its listener takes the client's retransmitted
    // SYN (29 steps).
    assert_eq!(
        verdicts("rfc9293,rfc1337", &HAZARDS),
        vec![Some(16), Some(29), Some(11)]
    );
}

#[test]
fn timestamps_remove_h1_and_h2_but_not_rst_assassination() {
    // PAWS drops old non-RST segments; RSTs are exempt (RFC 7323 §4.2), so H3 remains.
    assert_eq!(
        verdicts("rfc9293,timestamps", &HAZARDS),
        vec![None, None, Some(11)]
    );
}

#[test]
fn stevens_reason_1_the_last_ack_may_be_lost() {
    // Without TIME-WAIT the passive closer in LAST-ACK is reset.
    assert_eq!(
        verdicts("no-time-wait", &["normal-close-never-reset"]),
        vec![Some(10)]
    );
}

#[test]
fn stevens_reason_2_old_duplicates_reach_the_next_incarnation() {
    // With clock ISNs (the passive closer also waiting), TIME-WAIT 0 lets an old duplicate into
    // the next incarnation; a full TIME-WAIT does not.
    let names = ["no-stale-segment-accepted"];
    let cfg = |v: &str| {
        let c = apply_variants(
            Config {
                passive_close_wait: 2,
                ..reduced()
            },
            v,
        )
        .expect("valid");
        check_with(&c, &[prop(names[0])], Options::default()).verdicts[0].verdict
    };
    assert_eq!(cfg("clock-isn,no-time-wait"), VerdictKind::Violated);
    assert_eq!(cfg("clock-isn"), VerdictKind::Holds);
}

#[test]
fn linger_zero_and_unread_close_never_reach_time_wait_after_data() {
    // SO_LINGER 0: every close is an abort, so TIME-WAIT is never reached, and the resets it
    // causes are abortive, not a normal close reset.
    let cfg = apply_variants(reduced(), "linger-zero").expect("valid");
    let props = [
        prop("reach-a-time-wait"),
        prop("reach-b-time-wait"),
        prop("normal-close-never-reset"),
    ];
    let r = check_with(&cfg, &props, Options::default());
    let got: Vec<VerdictKind> = r.verdicts.iter().map(|v| v.verdict).collect();
    assert_eq!(
        got,
        vec![
            VerdictKind::NotReached,
            VerdictKind::NotReached,
            VerdictKind::Holds
        ]
    );
}

#[test]
fn unread_close_experiment_replays() {
    let o = tcpmc(&[
        "replay",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/unread-close.scenario"
        ),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).ends_with("OK\n"));
}

#[test]
fn rst_seq_zero_experiment_replays_and_needs_its_variant() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/rst-seq-zero.scenario"
    );
    let o = tcpmc(&["replay", path]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("B: SYN-SENT     iss=7"),
        "renumbered to absolute"
    );
    // Under the baseline's assumption the old RST is dropped: the (zero=1) step cannot happen.
    let text = std::fs::read_to_string(path).expect("the example exists");
    let baseline = std::env::temp_dir().join("tcpmc-rst-seq-zero-baseline.scenario");
    std::fs::write(&baseline, text.replace("variant rst-seq-zero", "")).expect("temp file");
    let o = tcpmc(&["replay", baseline.to_str().expect("utf-8 path")]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("L17"), "{}", stdout(&o));
}

#[test]
fn variants_lists_every_variant_and_refuses_incompatible_ones() {
    let o = tcpmc(&["variants"]);
    assert_eq!(o.status.code(), Some(0));
    for v in tcpmc::input::variant::VARIANTS {
        assert!(stdout(&o).contains(v.name), "{} missing", v.name);
    }
    let o = tcpmc(&["check", "--variant", "linux,bsd"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o).lines().count(), 1);
    assert!(stderr(&o).contains("variants linux and bsd are incompatible"));
}

#[test]
fn sweep_prints_the_matrix_and_writes_counterexamples() {
    let dir = std::env::temp_dir().join(format!("tcpmc-sweep-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut args = vec![
        "sweep",
        "--variants",
        "baseline,rfc1337",
        "--param",
        "time_wait=0..2",
        "--property",
        "normal-close-never-reset",
        "--out",
        dir.to_str().unwrap(),
    ];
    args.extend_from_slice(&REDUCED);
    let o = tcpmc(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let md = stdout(&o);
    let lines: Vec<&str> = md.lines().collect();
    assert_eq!(lines[0], "| run | normal-close-never-reset |");
    assert_eq!(lines.len(), 2 + 6, "{md}");
    assert_eq!(
        lines[2],
        "| baseline time_wait=0 | VIOLATED (10) `baseline_time_wait-0/normal-close-never-reset.trace.dot` |"
    );
    assert_eq!(lines[4], "| baseline time_wait=2 | HOLDS |");
    assert!(dir
        .join("baseline_time_wait-0/normal-close-never-reset.trace.dot")
        .exists());
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("sweep.json")).unwrap()).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 6);
    assert_eq!(json[5]["run"], "rfc1337 time_wait=2");
}

#[test]
fn minimize_finds_the_smallest_safe_time_wait_and_explains_the_value_below() {
    let mut args = vec![
        "minimize",
        "--param",
        "time_wait",
        "--to",
        "3",
        "--property",
        "normal-close-never-reset",
    ];
    args.extend_from_slice(&REDUCED);
    let o = tcpmc(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with(
        "time_wait=0   VIOLATED: normal-close-never-reset (10)\ntime_wait=1   VIOLATED: normal-close-never-reset (11)\ntime_wait=2   HOLDS\ntime_wait=3   HOLDS\nsmallest time_wait: 2\n"
    ), "{out}");
    assert!(out.contains("at time_wait=1: VIOLATED normal-close-never-reset"));
    // RTO 2 pushes it to 4 (the peer's FIN retransmission comes later).
    let mut args = vec![
        "minimize",
        "--param",
        "time_wait",
        "--to",
        "5",
        "--rto",
        "2",
        "--property",
        "normal-close-never-reset",
    ];
    args.extend_from_slice(&REDUCED);
    assert!(stdout(&tcpmc(&args)).contains("smallest time_wait: 4"));
    // Bad input.
    let o = tcpmc(&["minimize", "--param", "isn"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not an integer field"));
}

const SAFETY: [&str; 7] = [
    "no-stale-segment-accepted",
    "no-stale-data-delivered",
    "no-desynchronized-connection",
    "no-assassination",
    "normal-close-never-reset",
    "no-ghost-connection",
    "no-deadlock",
];

#[test]
fn every_invariant_holds_on_the_reduced_baseline_and_under_the_fidelity_modifiers() {
    // The rules that follow Linux and FreeBSD where RFC 9293 is silent or differs move no verdict
    // by themselves on the baseline's assumptions.
    for v in ["baseline", "rst-ack-abort", "tw-reuse-syn"] {
        assert_eq!(verdicts(v, &SAFETY), vec![None; 7], "{v}");
    }
}

#[test]
fn rfc793_acceptance_lets_old_segments_in() {
    // Without RFC 5961 any in-window RST resets and an in-window SYN closes: an old RST or SYN
    // that lands in the window of a new connection is accepted (13) and can kill it (17).
    assert_eq!(
        verdicts("rfc793", &SAFETY),
        vec![Some(13), None, None, Some(17), None, None, None]
    );
}

#[test]
fn linux_and_bsd_presets_drop_the_baseline_assumptions() {
    // Clock ISNs and no quiet time: an endpoint that aborts and reconnects at once reuses numbers
    // inside its old range, and the peer's RST,ACK to the old connection (ACK = the old RCV.NXT)
    // is acceptable to the new SYN-SENT (11 steps).
    // Under Linux's segment checks (`segment_checks = linux`) the shortest normal-close reset is
    // one step longer (12).
    for (v, normal_close) in [("linux", 12), ("bsd", 11)] {
        assert_eq!(
            verdicts(v, &SAFETY),
            vec![
                Some(11),
                None,
                None,
                Some(11),
                Some(normal_close),
                Some(12),
                None
            ],
            "{v}"
        );
    }
}
