//! `tcpmc replay FILE` as a user runs it: the shipped examples, failing steps and expectations,
//! malformed files, and the search over hidden ISS choices.

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::{stderr, stdout, tcpmc};

/// Writes a scenario to a fresh temporary file.
fn scenario(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tcpmc-replay-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{name}.scenario"));
    std::fs::write(&path, text).expect("write scenario");
    path
}

fn replay(path: &Path) -> Output {
    tcpmc(&["replay", path.to_str().expect("utf-8 path")])
}

/// Bad file: exit status 2 and exactly one line on stderr containing `needle`.
fn assert_bad_file(name: &str, text: &str, needle: &str) {
    let o = replay(&scenario(name, text));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{name}: {err}{}", stdout(&o));
    assert_eq!(err.lines().count(), 1, "{name}: one line expected: {err:?}");
    assert!(err.contains(needle), "{name}: {err:?} lacks {needle:?}");
    assert!(!err.contains("panicked"));
    assert!(stdout(&o).is_empty(), "{name}: nothing on stdout");
}

/// The connection of examples/normal-open-close.scenario up to ESTABLISHED.
const OPEN: &str =
    "B listen\nA connect\ndeliver A->B SYN\ndeliver B->A SYN,ACK\ndeliver A->B ACK\n";

#[test]
fn every_example_replays_ok() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("examples/ exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "scenario"))
        .collect();
    files.sort();
    let names: Vec<String> = files
        .iter()
        .filter_map(|p| p.file_stem()?.to_str().map(String::from))
        .collect();
    for wanted in [
        "normal-open-close",
        "unread-close",
        "rst-seq-zero",
        "rfc9293-fig6-three-way-handshake",
        "rfc9293-fig7-simultaneous-open",
        "rfc9293-fig12-normal-close",
        "rfc9293-fig13-simultaneous-close",
        "time-wait-reopen",
        "linux-time-wait-syn-without-listener",
        "linux-connect-over-time-wait",
    ] {
        assert!(names.iter().any(|n| n == wanted), "{wanted} missing");
    }
    // The RFC 9293 figure files are replayed by tests/figures.rs, one test per figure, so that a
    // figure waiting for a rule change fails exactly one test; this test replays all the others.
    let figure = |p: &PathBuf| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("rfc9293-fig"))
    };
    for f in files.iter().filter(|f| !figure(f)) {
        let o = replay(f);
        let out = stdout(&o);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}:\n{out}{}",
            f.display(),
            stderr(&o)
        );
        assert!(out.ends_with("\nOK\n"), "{}:\n{out}", f.display());
        assert!(stderr(&o).is_empty());
    }
}

#[test]
fn output_shows_each_step_with_its_line_the_state_and_the_choices() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let o = replay(&dir.join("normal-open-close.scenario"));
    let out = stdout(&o);
    assert!(
        out.starts_with("L7: B listen\n    A: CLOSED\n    B: LISTEN\n    net: empty\n"),
        "{out}"
    );
    assert!(out.contains("L8: A connect  [chose ISS=0]\n"), "{out}");
    assert!(
        out.contains("L9: deliver A->B SYN  [chose ISS=0]\n"),
        "{out}"
    );
    assert!(out.contains("L43: expect A CLOSED\nOK\n"), "{out}");
}

#[test]
fn a_step_that_is_not_enabled_is_named_with_its_line_and_exits_1() {
    let text = format!(
        "# open, then deliver a FIN nobody sent\n\n{OPEN}# here:\ndeliver A->B FIN,ACK\nA close\n"
    );
    let o = replay(&scenario("not-enabled", &text));
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("line 9: step 'deliver A->B FIN,ACK' is not enabled\n"),
        "{out}"
    );
    let enabled = out
        .lines()
        .find(|l| l.starts_with("enabled here: "))
        .expect("enabled list");
    assert!(
        enabled.contains("A send") && enabled.contains("A close"),
        "{enabled}"
    );
    assert!(!out.contains("OK"));
    // The steps before it were printed, the failing one was not.
    assert!(out.contains("L7: deliver A->B ACK\n"), "{out}");
    assert!(!out.contains("L10:"));
}

#[test]
fn a_failing_expect_exits_1_and_says_what_was_found() {
    let o = replay(&scenario("expect", "A connect\nexpect a established\n"));
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.ends_with("line 2: expected A ESTABLISHED, found A SYN-SENT\n"),
        "{out}"
    );
    let o = replay(&scenario("expect-net", "A connect\nexpect net empty\n"));
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("line 2: expected net empty, found net: [A->B SYN"));
    let o = replay(&scenario(
        "expect-reset",
        "A connect\nA abort\nexpect A reset\n",
    ));
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("line 3: expected A reset, found A CLOSED (aborted, not reset)"));
}

#[test]
fn malformed_files_are_one_line_errors_with_status_2() {
    assert_bad_file(
        "verb",
        "A connect\n\nA jump\n",
        "line 3: unknown verb 'jump'",
    );
    assert_bad_file(
        "first-word",
        "hello world\n",
        "line 1: unknown step 'hello'",
    );
    assert_bad_file("state", "expect A OPEN\n", "line 1: unknown state 'OPEN'");
    assert_bad_file(
        "flags",
        "A connect\ndeliver A->B SYN+ACK\n",
        "line 2: malformed segment 'SYN+ACK'",
    );
    assert_bad_file(
        "direction",
        "deliver A->A SYN\n",
        "line 1: malformed segment direction 'A->A'",
    );
    assert_bad_file("tick", "tick zero\n", "line 1: malformed tick count 'zero'");
    assert_bad_file(
        "variant",
        "# v\nvariant solaris\n",
        "line 2: unknown variant 'solaris' (tcpmc variants lists them)",
    );
    assert_bad_file(
        "config-field",
        "config bogus=1\n",
        "line 1: unknown key `bogus` (tcpmc check --help lists them)",
    );
    assert_bad_file(
        "config-value",
        "config msl=2\nconfig isn=random\n",
        "line 2: config isn: unknown variant `random`",
    );
    assert_bad_file(
        "config-range",
        "config msl=2\nconfig window=7\nA connect\n",
        "line 2: invalid configuration: window = 7: must be in 1..=4",
    );
    assert_bad_file(
        "config-late",
        "A connect\nconfig msl=2\n",
        "line 2: 'config' must come before the first step",
    );
    let o = tcpmc(&["replay", "/nonexistent/x.scenario"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read scenario file"));
}

#[test]
fn config_and_the_baseline_variant_apply_before_the_first_step() {
    // With duplication on, `dup` is enabled and `#2` names the second of two equal SYNs.
    let text = "variant baseline\nconfig duplication=true\nA connect\ndup A->B SYN\nB listen\n\
                deliver A->B SYN #2\ntick 1\nexpect B SYN-RECEIVED\n";
    let o = replay(&scenario("config", text));
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.contains("L6: deliver A->B SYN #2  [chose ISS=0]\n"),
        "{out}"
    );
}

/// Under `isn = any`, A's second connection may start at any ISS. Only an ISS inside B's receive
/// window makes B (in TIME-WAIT, with RFC 793's rule) take the SYN as an error and close, so the
/// final expect holds only for ISS 2 or 3: the replay must search past 0 and 1.
#[test]
fn the_replay_searches_the_iss_choice() {
    let text = format!(
        "config isn=any\nconfig syn_in_time_wait=reset\n{OPEN}\
         B close\ndeliver B->A FIN,ACK\ndeliver A->B ACK\n\
         A close\ndeliver A->B FIN,ACK\ndeliver B->A ACK\n\
         expect A CLOSED\nexpect B TIME-WAIT\n\
         A connect\ndeliver A->B SYN\nexpect B LISTEN\n"
    );
    let o = replay(&scenario("search", &text));
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("L16: A connect  [chose ISS=2]\n"), "{out}");
    // B's listening socket stays: after the reset its port is in LISTEN.
    assert!(out.ends_with("L18: expect B LISTEN\nOK\n"), "{out}");

    // When no choice works, the failure reported is the one at the longest prefix.
    let text = text.replace("expect B LISTEN", "expect B ESTABLISHED");
    let o = replay(&scenario("search-fails", &text));
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.ends_with("line 18: expected B ESTABLISHED, found B TIME-WAIT\n"),
        "{out}"
    );
}

#[test]
fn a_host_crash_is_a_step_where_the_configuration_has_crashes() {
    // RFC 793 §3.4: the rebooted host has no connection and answers the peer's segment with RST.
    let ok = "config host_fault=\"crash\"\nB listen\nA connect\ndeliver A->B SYN\n\
              deliver B->A SYN,ACK\ndeliver A->B ACK\nB crash\nexpect B CLOSED\nA send\n\
              deliver A->B DATA,ACK\ndeliver B->A RST\nexpect A reset\n";
    let o = replay(&scenario("crash-ok", ok));
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // Without host faults in the configuration the step is not enabled.
    let o = replay(&scenario("crash-off", "B listen\nB crash\n"));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("line 2: step 'B crash' is not enabled"),
        "{}",
        stdout(&o)
    );
}

/// The client writes, the server reads, replies and closes, and the client closes without
/// reading the reply: RST. Four segments are in flight when A's RST is sent, one more than the
/// checker's default bound (max_in_flight = 3).
const UNREAD_CLOSE_CONVERSATION: &str = "B listen\nA connect\ndeliver A->B SYN\n\
     deliver B->A SYN,ACK\ndeliver A->B ACK\nA send\ndeliver A->B DATA,ACK\nB read\nB send\n\
     B close\ndeliver B->A DATA,ACK\nA close\ndeliver A->B RST\nexpect A CLOSED\n\
     expect B LISTEN\nexpect B reset\n";

#[test]
fn a_replay_is_not_stopped_by_the_default_network_bound() {
    let o = replay(&scenario("unread-conversation", UNREAD_CLOSE_CONVERSATION));
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    assert!(out.contains("L13: deliver A->B RST\n"), "{out}");
    assert!(out.ends_with("L16: expect B reset\nOK\n"), "{out}");
    assert!(!out.contains("state cut"), "{out}");
}

#[test]
fn a_replay_stuck_in_a_cut_state_names_the_bound_and_the_line_to_add() {
    let text = format!("config max_in_flight=2\n{UNREAD_CLOSE_CONVERSATION}");
    let o = replay(&scenario("cut-at-2", &text));
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    let err = out
        .lines()
        .find(|l| l.starts_with("line "))
        .expect("an error line");
    assert!(
        err.ends_with("is not enabled: the network bound was reached (max_in_flight=2, state cut)"),
        "{out}"
    );
    assert!(
        out.ends_with("hint: add 'config max_in_flight=N' (at most 6)\n"),
        "{out}"
    );
    assert!(!out.contains("\nOK\n"));

    // At the largest bound there is no larger one to suggest. Six copies of A's SYN fill the
    // network, so B's SYN does not fit.
    let full = "config duplication=true\nA connect\ndup A->B SYN\ndup A->B SYN\ndup A->B SYN\n\
                dup A->B SYN\ndup A->B SYN\nB connect\ndeliver B->A SYN\n";
    let o = replay(&scenario("cut-at-6", full));
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains(
            "line 9: step 'deliver B->A SYN' is not enabled: the network bound was reached \
             (max_in_flight=6, state cut)\n"
        ),
        "{out}"
    );
    assert!(!out.contains("hint:"), "{out}");
}
