//! The `tcpmc` binary as a user runs it: exit statuses, one-line errors, config files, JSON.

use std::path::PathBuf;

mod common;
use common::{stderr, stdout, tcpmc};

/// Bad input: exit status 2 and exactly one line on stderr, no panic.
fn assert_bad_input(args: &[&str], needle: &str) {
    let o = tcpmc(args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert_eq!(
        err.lines().count(),
        1,
        "{args:?}: one line expected, got {err:?}"
    );
    assert!(err.contains(needle), "{args:?}: {err:?} lacks {needle:?}");
    assert!(!err.contains("panicked"));
}

fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tcpmc-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write temp file");
    path
}

/// A quick configuration (the search stops at the first counterexample).
const QUICK: &[&str] = &["--data-b", "0", "--a-listens", "false", "--stop-early"];

#[test]
fn liveness_violation_prints_a_lasso_with_its_fairness() {
    let args = [
        "check",
        "--data-b",
        "0",
        "--a-listens",
        "false",
        "--unlimited-retransmissions",
        "true",
        "--property",
        "last-ack-terminates",
    ];
    let o = tcpmc(&args);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("VIOLATED    last-ack-terminates              lasso: stem 8 + cycle 1"),
        "{out}"
    );
    assert!(out.contains("<- the cycle starts here"));
    assert!(out.contains("<- back to the state of step 8"));
    assert!(out.contains("liveness decided under: weak fairness of time"));
    assert!(out.contains("liveness graph: "));
}

#[test]
fn default_check_holds_and_exits_0() {
    let o = tcpmc(&["check"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("HOLDS       no-stale-segment-accepted"));
    assert!(out.contains("HOLDS       last-ack-terminates"));
    assert!(out.contains("result: all 15 properties hold (within bounds)"));
    assert!(out.contains("coverage: 24 of 24 goals reached"));
}

#[test]
fn violation_exits_1_with_counterexample_and_replay_line() {
    let mut args = vec![
        "check",
        "--time-wait",
        "0",
        "--property",
        "normal-close-never-reset",
    ];
    args.extend_from_slice(QUICK);
    let o = tcpmc(&args);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("shortest counterexample, 10 steps:"), "{out}");
    assert!(out.contains("   10. deliver A->B RST"), "{out}");
    assert!(out.contains(
        "reproduce: tcpmc check --time-wait 0 --data-b 0 --a-listens false --property normal-close-never-reset"
    ));
}

#[test]
fn list_prints_every_property() {
    let o = tcpmc(&["check", "--list"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for p in tcpmc_properties::registry() {
        assert!(out.contains(p.name), "{} missing", p.name);
    }
}

#[test]
fn bad_flags_are_one_line_errors_with_status_2() {
    assert_bad_input(
        &["check", "--msl", "0"],
        "msl = 0: must be in 1..=8 (flag --msl)",
    );
    assert_bad_input(&["check", "--window", "9"], "window = 9: must be in 1..=4");
    assert_bad_input(
        &["check", "--isn", "random"],
        "possible values: any, forward, ahead",
    );
    assert_bad_input(
        &["check", "--loss", "maybe"],
        "possible values: true, false",
    );
    assert_bad_input(
        &["check", "--msl", "300"],
        "msl = 300: must be in 1..=8 (flag --msl)",
    );
    assert_bad_input(&["check", "--msl", "70000"], "70000 is not in 0..=65535");
    assert_bad_input(
        &["check", "--property", "no-such"],
        "unknown property 'no-such'",
    );
    assert_bad_input(&["check", "--threads", "0"], "must be a number in 1..=256");
    assert_bad_input(&["check", "--bogus"], "unexpected argument '--bogus'");
    assert_bad_input(&["frobnicate"], "unrecognized subcommand");
}

#[test]
fn config_files_toml_and_json_with_flags_on_top() {
    let toml = temp_file("tw0.toml", "time_wait = 0\ndata_b = 0\na_listens = false\n");
    let toml = toml.to_str().unwrap();
    let o = tcpmc(&[
        "check",
        "--config",
        toml,
        "--property",
        "normal-close-never-reset",
        "--stop-early",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // A flag overrides the file: TIME-WAIT 2 holds.
    let mut args = vec!["check", "--config", toml, "--time-wait", "2"];
    args.extend_from_slice(&["--property", "normal-close-never-reset"]);
    assert_eq!(tcpmc(&args).status.code(), Some(0));

    let json = temp_file(
        "c.json",
        r#"{"time_wait": 0, "data_b": 0, "a_listens": false}"#,
    );
    let o = tcpmc(&[
        "check",
        "--config",
        json.to_str().unwrap(),
        "--property",
        "normal-close-never-reset",
        "--stop-early",
    ]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn bad_config_files_are_one_line_errors() {
    let typo = temp_file("typo.toml", "msl = 1\nmls = 2\n");
    assert_bad_input(
        &["check", "--config", typo.to_str().unwrap()],
        ":2: unknown key `mls`; did you mean `msl`? (tcpmc check --help lists them)",
    );
    let range = temp_file("range.json", r#"{"seq_space": 2}"#);
    assert_bad_input(
        &["check", "--config", range.to_str().unwrap()],
        "seq_space = 2: must be in 4..=64",
    );
    let kind = temp_file("kind.toml", "isn = \"sometimes\"\n");
    assert_bad_input(
        &["check", "--config", kind.to_str().unwrap()],
        "unknown variant `sometimes`",
    );
    let yaml = temp_file("c.yaml", "msl: 1\n");
    assert_bad_input(
        &["check", "--config", yaml.to_str().unwrap()],
        "use a .toml or .json file",
    );
    assert_bad_input(
        &["check", "--config", "/no/such/file.toml"],
        "cannot read config file",
    );
}

#[test]
fn json_report_carries_config_counts_and_steps() {
    let mut args = vec![
        "check",
        "--json",
        "--time-wait",
        "0",
        "--property",
        "normal-close-never-reset",
    ];
    args.extend_from_slice(QUICK);
    let o = tcpmc(&args);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert_eq!(v["config"]["time_wait"], 0);
    assert_eq!(v["verdicts"][0]["verdict"], "VIOLATED");
    let steps = v["verdicts"][0]["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), 11);
    assert_eq!(steps[10]["action"], "deliver A->B RST");
    // B is reset in LAST-ACK; its listening socket stays.
    assert_eq!(steps[10]["b"]["state"], "LISTEN");
    assert!(v["stats"]["unique_states"].as_u64().unwrap() > 0);
}

#[test]
fn help_teaches_the_flags() {
    let o = tcpmc(&["check", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for flag in [
        "--time-wait",
        "--quiet-time",
        "--rst-in-time-wait",
        "--isn",
        "--syn-in-time-wait",
    ] {
        assert!(out.contains(flag), "{flag} missing from --help");
    }
}

/// Inputs that used to run something else silently (issue: long runs a user can survive).
#[test]
fn empty_or_repeated_variants_and_non_object_configs_are_refused() {
    for spec in ["", ",", "linux,", "linux,,rfc1337"] {
        assert_bad_input(&["check", "--variant", spec], "variant");
    }
    assert_bad_input(&["check", "--variant", "linux,linux"], "given twice");
    assert_bad_input(
        &["sweep", "--variants", "", "--param", "msl=1..1"],
        "variant",
    );
    let array = temp_file("array.json", "[2]");
    let path = array.to_string_lossy().to_string();
    assert_bad_input(&["check", "--config", &path], "JSON object");
    for n in ["0", "100000", "18446744073709551615"] {
        assert_bad_input(&["check", "--threads", n], "1..=256");
    }
}

/// `--list` checks the flags beside it, and `--version` takes nothing else.
#[test]
fn list_and_version_refuse_bad_company() {
    assert_bad_input(&["check", "--list", "--msl", "0"], "msl = 0");
    assert_bad_input(
        &["check", "--list", "--property", "bogus"],
        "unknown property 'bogus'",
    );
    assert_bad_input(
        &["check", "--list", "--config", "/nonexistent.toml"],
        "cannot read config file",
    );
    assert_bad_input(&["--version", "extra"], "takes no other arguments");
    let o = tcpmc(&["--version"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("tcpmc "));
}

/// Issue 15: a configuration error is one line, `FILE:LINE: message`, and an unknown key names
/// the nearest field instead of listing all of them.
#[test]
fn config_errors_are_file_line_message_and_name_the_nearest_key() {
    let empty = temp_file("empty-value.toml", "msl = \n");
    let p = empty.to_string_lossy().to_string();
    assert_bad_input(
        &["check", "--config", &p],
        &format!("{p}:1: invalid string; expected"),
    );
    let typo = temp_file("msll.toml", "time_wait = 2\nmsll = 1\n");
    let p = typo.to_string_lossy().to_string();
    assert_bad_input(
        &["check", "--config", &p],
        &format!("{p}:2: unknown key `msll`; did you mean `msl`? (tcpmc check --help lists them)"),
    );
    let json = temp_file("msll.json", "{\n  \"msll\": 1\n}\n");
    let p = json.to_string_lossy().to_string();
    assert_bad_input(
        &["check", "--config", &p],
        &format!("{p}:2: unknown key `msll`; did you mean `msl`?"),
    );
    // Nothing near: no guess.
    let far = temp_file("far.toml", "zzzzzzzz = 1\n");
    let o = tcpmc(&["check", "--config", far.to_str().unwrap()]);
    assert!(!stderr(&o).contains("did you mean"), "{}", stderr(&o));
    // A wrong value in a one-line JSON file names its key.
    let kind = temp_file("kind.json", r#"{"time_wait": 2, "msl": "x"}"#);
    assert_bad_input(
        &["check", "--config", kind.to_str().unwrap()],
        "`msl`: invalid type: string \"x\", expected u16",
    );
    // A 1 MB key or value is cut in the message.
    let big = "k".repeat(1 << 20);
    for text in [format!("{big} = 1\n"), format!("isn = \"{big}\"\n")] {
        let f = temp_file("big.toml", &text);
        let o = tcpmc(&["check", "--config", f.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2));
        let err = stderr(&o);
        assert!(err.len() < 400 && err.contains("…"), "{} bytes", err.len());
    }
    // The same for a replay's config line.
    let scenario = temp_file("typo.scenario", "config msll=2\nA connect\n");
    assert_bad_input(
        &["replay", scenario.to_str().unwrap()],
        "line 1: unknown key `msll`; did you mean `msl`?",
    );
}

/// Issue 15: a replay echoes a bad token cut to 40 characters, not whole.
#[test]
fn replay_cuts_the_tokens_it_echoes() {
    let token = "q".repeat(1 << 20);
    let f = temp_file("token.scenario", &format!("B listen\nA {token}\n"));
    let o = tcpmc(&["replay", f.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{}", &err[..err.len().min(300)]);
    assert_eq!(err.lines().count(), 1);
    assert!(err.len() < 200, "{} bytes of stderr", err.len());
    assert!(err.contains(&format!("{}…", "q".repeat(40))), "{err}");
}

/// Issue 15: every subcommand's errors point at its own help, clap's and tcpmc's alike, and
/// clap's "a similar argument exists" tip stays on the line.
#[test]
fn errors_point_at_the_subcommands_help() {
    for sub in [
        "sweep", "minimize", "diagram", "graph", "bench", "check", "replay",
    ] {
        assert_bad_input(&[sub, "--bogus"], &format!("(see tcpmc {sub} --help)"));
    }
    assert_bad_input(&["graph"], "--out <FILE> (see tcpmc graph --help)");
    assert_bad_input(
        &["sweep", "--varients", "linux"],
        "a similar argument exists: '--variants' (see tcpmc sweep --help)",
    );
    assert_bad_input(
        &["chek"],
        "a similar subcommand exists: 'check' (see tcpmc --help)",
    );
    assert_bad_input(
        &["check", "--variant", "linx"],
        "unknown variant 'linx'; did you mean 'linux'?",
    );
}

/// An unwritable `--out` fails before the search, in one line with exit status 2, for check,
/// diagram and graph alike (the default diagram explores 5 M states: this must not).
#[test]
fn unwritable_outputs_fail_before_any_work() {
    for args in [
        &["check", "--out", "/proc/tcpmc-out"][..],
        &["diagram", "--out", "/proc/tcpmc.svg"][..],
        &["diagram", "--out", "/proc/tcpmc.dot"][..],
        &["graph", "--out", "/proc/tcpmc.dot"][..],
    ] {
        let started = std::time::Instant::now();
        let o = tcpmc(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o).lines().count(), 1, "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("--out"), "{}", stderr(&o));
        assert!(stdout(&o).is_empty());
        assert!(started.elapsed().as_secs() < 2, "{args:?} searched first");
    }
}
