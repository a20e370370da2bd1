//! README.md's samples of tcpmc output are checked against what the binary prints now, so they
//! cannot go stale.
//!
//! A sample is marked in README.md by an HTML comment on the line before it,
//! `<!-- tested by checker/tests/readme.rs: tcpmc ARGS -->`, followed by either a fenced block
//! (the output of `tcpmc ARGS`) or a Markdown table (rows of the output of `tcpmc ARGS`).
//!
//! A fenced block is compared line by line after normalising what varies between runs and
//! machines (seconds, states/s, thread counts, bytes/state). A line that is only `...` is an
//! elision: the lines between two elisions must appear in the output as a contiguous run, and the
//! runs in order. A line ending in ` ...` matches any output line that starts with what precedes
//! the ` ...`. Lines starting with `$ ` (the command, with its `\` continuations) are skipped.
//! A table's rows must each be a line of the output, in order.

mod common;

use common::stdout;
use std::path::{Path, PathBuf};
use std::process::Command;

const MARK: &str = "<!-- tested by checker/tests/readme.rs: tcpmc ";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// A marked sample: the arguments after `tcpmc`, the README line of the mark, and the lines.
#[derive(Debug)]
struct Sample {
    args: Vec<String>,
    line: usize,
    table: bool,
    lines: Vec<String>,
}

fn samples() -> Vec<Sample> {
    let text = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let Some(rest) = l.trim().strip_prefix(MARK) else {
            continue;
        };
        let cmd = rest
            .strip_suffix("-->")
            .unwrap_or_else(|| panic!("README.md:{}: unterminated mark", i + 1))
            .trim();
        let args: Vec<String> = cmd.split_whitespace().map(String::from).collect();
        let mut j = i + 1;
        while j < lines.len() && lines[j].trim().is_empty() {
            j += 1;
        }
        assert!(j < lines.len(), "README.md:{}: mark without sample", i + 1);
        let (table, body) = if lines[j].starts_with("```") {
            let end = (j + 1..lines.len())
                .find(|&k| lines[k].starts_with("```"))
                .unwrap_or_else(|| panic!("README.md:{}: unterminated block", j + 1));
            (false, &lines[j + 1..end])
        } else if lines[j].starts_with('|') {
            let end = (j..lines.len())
                .find(|&k| !lines[k].starts_with('|'))
                .unwrap_or(lines.len());
            (true, &lines[j..end])
        } else {
            panic!(
                "README.md:{}: a mark must precede a fenced block or a table",
                i + 1
            )
        };
        let mut kept = Vec::new();
        let mut continued = false;
        for l in body {
            let skip = continued || l.starts_with("$ ");
            continued = skip && l.ends_with('\\');
            if !skip {
                kept.push(l.trim_end().to_string());
            }
        }
        out.push(Sample {
            args,
            line: i + 1,
            table,
            lines: kept,
        });
    }
    out
}

/// Replaces what varies between runs: `5.17 s` → `N.NN s`, `6626079 states/s` → `N states/s`,
/// `2 threads` → `N threads`, `132 bytes/state` → `N bytes/state`.
fn normalise(line: &str) -> String {
    let b = line.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        let starts_number = b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_alphanumeric());
        if starts_number {
            let mut j = i;
            while j < b.len() && (b[j].is_ascii_digit() || b[j] == b'.') {
                j += 1;
            }
            let after = &line[j..];
            let word_end = |w: &str| {
                after.strip_prefix(w).is_some_and(|r| {
                    r.is_empty() || r.starts_with(',') || r.starts_with(' ') || r.starts_with(')')
                })
            };
            let number = &line[i..j];
            if number.contains('.') && word_end(" s") {
                out.push_str("N.NN");
                i = j;
                continue;
            }
            if word_end(" states/s") || word_end(" bytes/state") {
                out.push('N');
                i = j;
                continue;
            }
            if word_end(" thread") || word_end(" threads") {
                out.push_str("N threads");
                i = j + if word_end(" threads") { 8 } else { 7 };
                continue;
            }
            out.push_str(number);
            i = j;
            continue;
        }
        let c = line[i..].chars().next().expect("a char");
        out.push(c);
        i += c.len_utf8();
    }
    out
}

fn line_matches(want: &str, got: &str) -> bool {
    match want.strip_suffix(" ...") {
        Some(prefix) => got.starts_with(prefix),
        None => want == got,
    }
}

/// Checks a fenced sample against the output: runs between `...` lines appear contiguously and
/// in order. Returns the first sample line that could not be matched.
fn compare_block(sample: &[String], output: &[String]) -> Result<(), String> {
    let sample: Vec<String> = sample.iter().map(|l| normalise(l)).collect();
    let output: Vec<String> = output.iter().map(|l| normalise(l)).collect();
    let mut at = 0;
    for run in sample.split(|l| l.trim() == "...") {
        if run.is_empty() {
            continue;
        }
        let found = (at..=output.len().saturating_sub(run.len())).find(|&k| {
            k + run.len() <= output.len()
                && run
                    .iter()
                    .zip(&output[k..k + run.len()])
                    .all(|(w, g)| line_matches(w, g))
        });
        match found {
            Some(k) => at = k + run.len(),
            None => {
                // Name the first line of the run that does not follow in the output.
                let mut k = at;
                for w in run {
                    match (k..output.len()).find(|&m| line_matches(w, &output[m])) {
                        Some(m) => k = m + 1,
                        None => return Err(w.clone()),
                    }
                }
                return Err(format!("{} (lines found, but not contiguous)", run[0]));
            }
        }
    }
    Ok(())
}

/// Checks table rows: each is an output line, in order.
fn compare_rows(sample: &[String], output: &[String]) -> Result<(), String> {
    let mut at = 0;
    for w in sample {
        match (at..output.len()).find(|&k| output[k].trim_end() == w) {
            Some(k) => at = k + 1,
            None => return Err(w.clone()),
        }
    }
    Ok(())
}

fn run(args: &[String]) -> String {
    // Relative paths in the samples (`examples/...`) are relative to the repository root.
    let o = Command::new(env!("CARGO_BIN_EXE_tcpmc"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("tcpmc runs");
    assert!(
        matches!(o.status.code(), Some(0) | Some(1)),
        "tcpmc {}: exit {:?}\n{}",
        args.join(" "),
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    stdout(&o)
}

/// Checks the one sample whose command is `tcpmc <cmd>`.
fn verify(cmd: &str) {
    let all = samples();
    let s = all
        .iter()
        .find(|s| s.args.join(" ") == cmd)
        .unwrap_or_else(|| panic!("README.md has no sample marked `tcpmc {cmd}`"));
    let out = run(&s.args);
    let out_lines: Vec<String> = out.lines().map(String::from).collect();
    let result = if s.table {
        compare_rows(&s.lines, &out_lines)
    } else {
        compare_block(&s.lines, &out_lines)
    };
    if let Err(line) = result {
        panic!(
            "README.md:{}: the sample of `tcpmc {cmd}` is stale: this line is not in the output \
             (or not in order):\n{line}\n--- tcpmc {cmd} prints ---\n{out}",
            s.line
        );
    }
}

/// The samples this file checks, one test each below. A new mark must be added here.
const TESTED: [&str; 6] = [
    "check",
    "check --time-wait 0 --property normal-close-never-reset",
    "replay examples/unread-close.scenario",
    "table",
    "check --time dense --incarnations 2 --data-a 0 --data-b 0 --property normal-close-never-reset",
    "sweep --variants rfc9293,rfc9293+rfc1337,rfc9293+timestamps --data-b 0 --a-listens false \
     --property no-stale-data-delivered --property no-desynchronized-connection \
     --property no-assassination",
];

#[test]
fn every_marked_sample_is_tested() {
    let marked: Vec<String> = samples().iter().map(|s| s.args.join(" ")).collect();
    let tested: Vec<String> = TESTED.iter().map(|s| s.to_string()).collect();
    assert_eq!(marked, tested, "README.md's marks and this file's tests");
}

#[test]
fn check_sample() {
    verify(TESTED[0]);
}

#[test]
fn counterexample_sample() {
    verify(TESTED[1]);
}

#[test]
fn replay_sample() {
    verify(TESTED[2]);
}

#[test]
fn reaction_table_excerpt() {
    verify(TESTED[3]);
}

#[test]
fn dense_time_sample() {
    verify(TESTED[4]);
}

#[test]
fn sweep_sample() {
    verify(TESTED[5]);
}

#[test]
fn normalising_hides_timings_only() {
    assert_eq!(
        normalise("states: 5048548 unique, depth 53, 5.17 s, 6626079 states/s, 2 threads, x"),
        "states: 5048548 unique, depth 53, N.NN s, N states/s, N threads, x"
    );
    assert_eq!(
        normalise("liveness graph: 5 states, 3 edges, 0 cut, 0.01 s, 132 bytes/state"),
        "liveness graph: 5 states, 3 edges, 0 cut, N.NN s, N bytes/state"
    );
    assert_eq!(normalise("1 thread, search dfs"), "N threads, search dfs");
    assert_eq!(normalise("rexmt=1t retries=0 c1"), "rexmt=1t retries=0 c1");
}

#[test]
fn elisions_match_contiguous_runs_in_order() {
    let out: Vec<String> = ["a", "b", "c", "d", "e"].map(String::from).to_vec();
    let s = |v: &[&str]| v.iter().map(|l| l.to_string()).collect::<Vec<_>>();
    assert!(compare_block(&s(&["a", "b", "...", "d"]), &out).is_ok());
    assert!(compare_block(&s(&["b", "c ..."]), &out).is_ok());
    assert!(compare_block(&s(&["a", "c"]), &out).is_err());
    assert!(compare_block(&s(&["d", "...", "b"]), &out).is_err());
}
