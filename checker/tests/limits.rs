//! `--max-states` and `--max-memory`: a limit ends the search cleanly, with a report that names
//! the limit and says which verdicts are final, and exit status 3 (1 when a violation was found
//! first); a bad size is one line on stderr and exit status 2.

mod common;

use common::{stderr, stdout, tcpmc};
use std::time::{Duration, Instant};

/// The report's lines that do not depend on timing (the `states:` line without its seconds).
fn stable(report: &str) -> Vec<String> {
    report
        .lines()
        .map(|l| match l.split_once(", depth ") {
            Some((counts, rest)) if l.starts_with("states: ") => {
                let depth = rest.split(',').next().unwrap_or("");
                format!("{counts}, depth {depth}")
            }
            _ if l.starts_with("liveness graph: ") => l.split(" cut,").next().unwrap_or(l).into(),
            _ => l.to_string(),
        })
        .collect()
}

#[test]
fn max_states_ends_the_default_check_with_exit_status_3() {
    let runs: Vec<_> = ["1", "2", "3"]
        .iter()
        .map(|t| tcpmc(&["check", "--quiet", "--max-states", "100000", "--threads", t]))
        .collect();
    let first = &runs[0];
    assert_eq!(first.status.code(), Some(3), "{}", stderr(first));
    let out = stdout(first);
    assert!(out.contains("states: 100000 unique, "), "{out}");
    assert!(
        out.contains(
            "limit: --max-states 100000 reached during the liveness graph build, at 100000 unique states, depth "
        ),
        "{out}"
    );
    assert!(out.contains("UNKNOWN     no-stale-segment-accepted        (search incomplete)"));
    assert!(out.contains("UNKNOWN     last-ack-terminates              (search incomplete)"));
    assert!(out.contains("result: search incomplete: 15 of 15 properties unknown, none violated"));
    assert!(
        !out.lines().any(|l| l.starts_with("HOLDS")),
        "nothing holds before the search is complete"
    );
    // Goals reached are final: their witnesses stay.
    assert!(out.contains("REACHED     reach-a-syn-sent                 (1 step)"));
    // The same counts whatever the thread count.
    for r in &runs[1..] {
        assert_eq!(r.status.code(), Some(3));
        assert_eq!(stable(&stdout(r)), stable(&out));
    }
}

#[test]
fn max_states_stops_the_dfs_and_the_bfs_too() {
    for search in ["dfs", "bfs"] {
        let o = tcpmc(&[
            "check",
            "--quiet",
            "--search",
            search,
            "--max-states",
            "50000",
            "--property",
            "no-deadlock",
        ]);
        assert_eq!(o.status.code(), Some(3), "{search}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(out.contains("states: 50000 unique, "), "{search}: {out}");
        assert!(
            out.contains(&format!(
                "limit: --max-states 50000 reached during the {} safety search",
                search.to_uppercase()
            )),
            "{search}: {out}"
        );
        assert!(out.contains("UNKNOWN     no-deadlock"), "{search}: {out}");
    }
}

/// The configuration that printed nothing for 78 s and then died in the graph build with
/// "memory allocation of 1140850704 bytes failed" (SIGABRT).
const BIG: [&str; 16] = [
    "--msl",
    "8",
    "--incarnations",
    "7",
    "--max-in-flight",
    "6",
    "--data-a",
    "3",
    "--data-b",
    "3",
    "--seq-space",
    "64",
    "--window",
    "32",
    "--retries",
    "8",
];

#[test]
fn max_memory_stops_a_huge_check_quickly_without_an_abort() {
    let start = Instant::now();
    let mut args = vec!["check", "--quiet", "--max-memory", "64M"];
    args.extend(BIG);
    let o = tcpmc(&args);
    assert!(start.elapsed() < Duration::from_secs(60), "quickly");
    assert_eq!(
        o.status.code(),
        Some(3),
        "exit status 3, not a signal: {o:?}"
    );
    assert!(stderr(&o).is_empty(), "no abort message: {}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("limit: --max-memory 64.0 MiB reached ("),
        "the report names the limit: {out}"
    );
    assert!(
        out.contains("during the liveness graph build, at "),
        "{out}"
    );
    assert!(out.contains("UNKNOWN     no-deadlock"), "{out}");
    // The same with the JSON report: it says so in fields.
    args.push("--json");
    let o = tcpmc(&args);
    assert_eq!(o.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(v["complete"], false);
    assert_eq!(v["limit"]["flag"], "--max-memory");
    assert_eq!(v["limit"]["value"], 64 << 20);
    assert_eq!(v["limit"]["during"], "the liveness graph build");
    assert!(v["limit"]["unique_states"].as_u64().is_some_and(|n| n > 0));
    let deadlock = v["verdicts"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["name"] == "no-deadlock"))
        .expect("no-deadlock");
    assert_eq!(deadlock["verdict"], "UNKNOWN");
}

#[test]
fn a_violation_found_before_the_limit_is_final_and_wins_exit_status_1() {
    // Shared graph (with liveness) and the BFS engine (safety only).
    for extra in [&[][..], &["--property", "normal-close-never-reset"][..]] {
        let mut args = vec![
            "check",
            "--quiet",
            "--time-wait",
            "0",
            "--max-states",
            "200000",
        ];
        args.extend(extra);
        let o = tcpmc(&args);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        let out = stdout(&o);
        assert!(
            out.contains("VIOLATED    normal-close-never-reset         counterexample: 10 steps"),
            "the shortest counterexample: {out}"
        );
        assert!(out.contains("shortest counterexample, 10 steps:"), "{out}");
        assert!(out.contains("limit: --max-states 200000 reached"), "{out}");
        assert!(out.contains("result: 1 of "), "{out}");
        assert!(
            out.contains("reproduce: tcpmc check --time-wait 0"),
            "{out}"
        );
    }
}

#[test]
fn a_limit_the_search_does_not_reach_changes_nothing() {
    let args = [
        "check",
        "--quiet",
        "--incarnations",
        "1",
        "--property",
        "no-deadlock",
    ];
    let free = tcpmc(&args);
    let mut limited = args.to_vec();
    limited.extend(["--max-states", "100000000", "--max-memory", "16G"]);
    let limited = tcpmc(&limited);
    assert_eq!(free.status.code(), Some(0));
    assert_eq!(limited.status.code(), Some(0));
    assert_eq!(stable(&stdout(&free)), stable(&stdout(&limited)));
    assert!(!stdout(&limited).contains("limit:"));
}

#[test]
fn bad_limits_are_one_line_and_exit_status_2() {
    for (flag, value) in [
        ("--max-memory", "12X"),
        ("--max-memory", "0"),
        ("--max-memory", "-1G"),
        ("--max-memory", ""),
        ("--max-memory", "4GG"),
        ("--max-memory", "1.2.3G"),
        ("--max-memory", "1e9"),
        ("--max-states", "0"),
        ("--max-states", "many"),
        ("--max-states", "-5"),
    ] {
        // `--flag=value`, so that clap reads `-1G` as a value.
        let o = tcpmc(&["check", &format!("{flag}={value}")]);
        assert_eq!(o.status.code(), Some(2), "{flag} {value}");
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{flag} {value}: {err}");
        assert!(err.starts_with("tcpmc: "), "{err}");
        assert!(err.contains(flag), "names the flag: {err}");
        assert!(stdout(&o).is_empty());
    }
    let o = tcpmc(&["check", "--max-memory", "12X"]);
    assert!(stderr(&o).contains("512M, 4G, 1.5GiB"), "gives examples");
}

#[test]
fn help_documents_the_limits_and_exit_status_3() {
    let o = tcpmc(&["check", "--help"]);
    let help = stdout(&o);
    assert!(help.contains("--max-states <N>"));
    assert!(help.contains("--max-memory <SIZE>"));
    assert!(help.contains("80% of the memory available"));
    assert!(help.contains("3 a limit"));
    assert!(help.contains("--quiet"));
}

/// Dense time keeps the same limits and exit statuses: a states limit leaves the verdicts not
/// yet decided UNKNOWN and exits 3.
#[test]
fn a_dense_time_check_stops_at_its_states_limit() {
    let o = tcpmc(&[
        "check",
        "--time",
        "dense",
        "--max-states",
        "1000",
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains(
            "limit: --max-states 1000 reached during the dense-time BFS, at 1000 unique states"
        ),
        "{out}"
    );
    assert!(
        out.contains("UNKNOWN     no-stale-segment-accepted"),
        "{out}"
    );
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}
