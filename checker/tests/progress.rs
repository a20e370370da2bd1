//! Progress on stderr: without a terminal, one plain line every interval (5 s, or
//! `TCPMC_PROGRESS_INTERVAL` seconds) and none for a run that ends sooner; `--quiet` prints
//! none; the report on stdout is the same either way.

mod common;

use common::{stderr, stdout};
use std::process::{Command, Output};

/// Runs tcpmc with stderr a pipe (not a terminal) and the given progress interval.
fn run(interval: Option<&str>, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tcpmc"));
    c.args(args);
    match interval {
        Some(i) => c.env("TCPMC_PROGRESS_INTERVAL", i),
        None => c.env_remove("TCPMC_PROGRESS_INTERVAL"),
    };
    c.output().expect("tcpmc runs")
}

/// The report without what varies between runs: seconds and rates.
fn normalised(report: &str) -> String {
    report
        .lines()
        .map(|l| {
            l.split(", ")
                .filter(|part| !part.ends_with(" s") && !part.ends_with(" states/s"))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// About a second of work: the baseline with two segments in flight (1.3 M states).
const SECOND: [&str; 3] = ["check", "--max-in-flight", "2"];

#[test]
fn a_run_longer_than_the_interval_prints_plain_progress_lines() {
    let o = run(Some("0.1"), &SECOND);
    assert_eq!(o.status.code(), Some(0));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert!(!lines.is_empty(), "progress lines on stderr");
    for l in &lines {
        assert!(l.starts_with("tcpmc: check "), "{l}");
        assert!(!l.contains('\r') && !l.contains('\x1b'), "plain: {l:?}");
    }
    let graph = lines
        .iter()
        .find(|l| l.contains(", liveness graph, "))
        .expect("a line of the graph build");
    for word in [" unique", " generated", "depth ", "memory "] {
        assert!(graph.contains(word), "{word} in {graph}");
    }
    // The report is the same as a quiet run's.
    let quiet = run(Some("0.1"), &[&SECOND[..], &["--quiet"]].concat());
    assert_eq!(quiet.status.code(), Some(0));
    assert!(stderr(&quiet).is_empty(), "--quiet prints no progress");
    assert_eq!(normalised(&stdout(&o)), normalised(&stdout(&quiet)));
}

#[test]
fn a_run_shorter_than_the_interval_prints_nothing() {
    let o = run(
        None,
        &[
            "check",
            "--incarnations",
            "1",
            "--data-a",
            "0",
            "--data-b",
            "0",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn the_pictures_show_progress_and_quiet_silences_them() {
    let args = ["diagram", "--incarnations", "1"];
    let loud = run(Some("0.05"), &args);
    let quiet = run(Some("0.05"), &[&args[..], &["--quiet"]].concat());
    assert_eq!(loud.status.code(), Some(0));
    assert!(stderr(&quiet).is_empty());
    assert!(
        stderr(&loud)
            .lines()
            .all(|l| l.starts_with("tcpmc: diagram ")),
        "{}",
        stderr(&loud)
    );
    assert_eq!(
        loud.stdout, quiet.stdout,
        "the DOT is the same byte for byte"
    );
}
