//! A sweep spread over machines: `tcpmc sweep --plan` prints one command per cell, each cell
//! writes its row to `--cell-out DIR`, and `tcpmc sweep --merge DIR` prints the matrix a local
//! sweep prints, byte for byte (Markdown and JSON). The cells run here through `sh` and, when it
//! is installed, through GNU parallel as README.md shows.

mod common;

use common::{stderr, stdout, tcpmc};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A small sweep: six cells of a second or less each.
const SWEEP: &[&str] = &[
    "sweep",
    "--variants",
    "baseline,rfc1337",
    "--param",
    "time_wait=0..2",
    "--property",
    "normal-close-never-reset",
    "--data-b",
    "0",
    "--a-listens",
    "false",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// A fresh directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tcpmc-plan-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// PATH with the tested binary first: the plan's commands say `tcpmc`.
fn path_with_tcpmc() -> OsString {
    let bin = Path::new(env!("CARGO_BIN_EXE_tcpmc"))
        .parent()
        .expect("bin dir")
        .to_path_buf();
    let mut dirs = vec![bin];
    if let Some(p) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(dirs).expect("PATH")
}

fn with(extra: &[&str]) -> Vec<String> {
    SWEEP.iter().chain(extra).map(|s| s.to_string()).collect()
}

fn run(args: &[String], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tcpmc"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("tcpmc runs")
}

/// `sh -c SCRIPT` in `cwd` with the tested tcpmc on PATH.
fn sh(script: &str, cwd: &Path) -> Output {
    Command::new("sh")
        .args(["-c", script])
        .current_dir(cwd)
        .env("PATH", path_with_tcpmc())
        .stdin(Stdio::null())
        .output()
        .expect("sh runs")
}

/// The local sweep's Markdown and JSON.
fn local(cwd: &Path) -> (String, String) {
    let md = run(&with(&[]), cwd);
    assert_eq!(md.status.code(), Some(0), "{}", stderr(&md));
    let json = run(&with(&["--json"]), cwd);
    assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
    (stdout(&md), stdout(&json))
}

/// The merged sweep's Markdown and JSON.
fn merged(cwd: &Path, cells: &str) -> (String, String) {
    let md = run(&["sweep".into(), "--merge".into(), cells.into()], cwd);
    assert_eq!(md.status.code(), Some(0), "{}", stderr(&md));
    let json = run(
        &[
            "sweep".into(),
            "--merge".into(),
            cells.into(),
            "--json".into(),
        ],
        cwd,
    );
    assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
    (stdout(&md), stdout(&json))
}

#[test]
fn the_plan_is_one_command_per_cell_and_json_lines() {
    let dir = scratch("list");
    let o = run(&with(&["--plan", "--cell-out", "cells"]), &dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6, "{text}");
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(
            *l,
            format!(
                "tcpmc sweep --variants baseline,rfc1337 --param time_wait=0..2 --property normal-close-never-reset --data-b 0 --a-listens false --cell {i} --cell-out cells"
            )
        );
    }
    // Nothing ran and nothing was written.
    assert!(!dir.join("cells").exists());

    let o = run(&with(&["--plan", "--json", "--cell-out", "cells"]), &dir);
    let text = stdout(&o);
    let jobs: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(jobs.len(), 6);
    assert_eq!(jobs[4]["cell"], 4);
    assert_eq!(jobs[4]["cells"], 6);
    assert_eq!(jobs[4]["run"], "rfc1337 time_wait=1");
    assert_eq!(jobs[4]["out"], "cells/cell-4.json");
    let argv: Vec<&str> = jobs[4]["argv"]
        .as_array()
        .expect("argv")
        .iter()
        .map(|a| a.as_str().expect("a string"))
        .collect();
    assert_eq!(argv.join(" "), lines[4]);

    // A word the shell would split or expand is quoted, and the shell reads it back.
    std::fs::write(dir.join("it's.toml"), "time_wait = 2\n").unwrap();
    let o = run(
        &with(&["--plan", "--cell-out", "my cells", "--config", "it's.toml"]),
        &dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let first = stdout(&o).lines().next().expect("a cell").to_string();
    assert!(first.contains("--config 'it'\\''s.toml'"), "{first}");
    assert!(first.ends_with("--cell 0 --cell-out 'my cells'"), "{first}");
    let o = sh(&first, &dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(dir.join("my cells/cell-0.json").exists());
}

#[test]
fn cells_run_by_sh_merge_into_the_local_matrix_byte_for_byte() {
    let dir = scratch("sh");
    let plan = run(&with(&["--plan", "--cell-out", "cells"]), &dir);
    assert_eq!(plan.status.code(), Some(0), "{}", stderr(&plan));
    // Backwards, as machines may finish in any order.
    for line in stdout(&plan).lines().rev() {
        let o = sh(line, &dir);
        assert_eq!(o.status.code(), Some(0), "{line}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "a cell prints nothing on stdout");
    }
    assert_eq!(merged(&dir, "cells"), local(&dir));

    // With --out, the cells write the counterexamples and the merge the matrix files, as the
    // local sweep does.
    let plan = run(
        &with(&["--out", "out", "--plan", "--cell-out", "cells2"]),
        &dir,
    );
    let o = sh(&stdout(&plan), &dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let m = run(
        &[
            "sweep".into(),
            "--merge".into(),
            "cells2".into(),
            "--out".into(),
            "out".into(),
        ],
        &dir,
    );
    let l = run(&with(&["--out", "local-out"]), &dir);
    assert_eq!(stdout(&m), stdout(&l).replace("local-out", "out"));
    assert!(dir
        .join("out/baseline_time_wait-0/normal-close-never-reset.trace.dot")
        .exists());
    for f in ["sweep.md", "sweep.json"] {
        assert_eq!(
            std::fs::read_to_string(dir.join("out").join(f)).unwrap(),
            std::fs::read_to_string(dir.join("local-out").join(f)).unwrap(),
            "{f}"
        );
    }
}

/// README.md's GNU parallel recipe, locally and with `--sshlogin :` (":" is this machine, so
/// no ssh server is needed), diffed with the local sweep. Ignored where `parallel` was not
/// found when the tests were built (`checker/build.rs`; `.ci/run` installs Debian's `parallel`).
#[test]
#[cfg_attr(
    tcpmc_no_parallel,
    ignore = "needs GNU parallel (apt-get install parallel)"
)]
fn gnu_parallel_runs_the_plan_and_the_merge_matches_the_local_sweep() {
    let dir = scratch("parallel");
    let plan = run(&with(&["--plan", "--cell-out", "cells"]), &dir);
    std::fs::write(dir.join("plan.txt"), stdout(&plan)).unwrap();
    let o = sh("parallel --will-cite --jobs 2 < plan.txt", &dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let want = local(&dir);
    assert_eq!(merged(&dir, "cells"), want);

    // README's form for other machines, on this one (`--sshlogin :`): the cell numbers from
    // parallel's input, each cell's file returned.
    let args = SWEEP[1..].join(" ");
    let o = sh(
        &format!(
            "tcpmc sweep {args} --plan --cell-out cells-ssh > jobs.txt\n\
             seq 0 $(( $(wc -l < jobs.txt) - 1 )) |\n\
             parallel --will-cite --sshlogin : --return cells-ssh/cell-{{}}.json --cleanup \\\n\
             tcpmc sweep {args} --cell {{}} --cell-out cells-ssh"
        ),
        &dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(merged(&dir, "cells-ssh"), want);
}

#[test]
fn the_merge_refuses_missing_foreign_and_broken_cells() {
    let dir = scratch("merge");
    let plan = run(&with(&["--plan", "--cell-out", "cells"]), &dir);
    let lines: Vec<String> = stdout(&plan).lines().map(String::from).collect();
    for l in &lines[..4] {
        assert_eq!(sh(l, &dir).status.code(), Some(0));
    }
    let bad = |args: &[&str], needle: &str| {
        let o = run(
            &args.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            &dir,
        );
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(needle), "{err:?} lacks {needle:?}");
    };
    bad(
        &["sweep", "--merge", "cells"],
        "cells missing in cells: 4, 5 (2 of 6; run them again, e.g. tcpmc sweep --variants baseline,rfc1337",
    );
    // A cell of another sweep.
    let other = run(
        &[
            "sweep".into(),
            "--variants".into(),
            "baseline".into(),
            "--data-b".into(),
            "0".into(),
            "--a-listens".into(),
            "false".into(),
            "--property".into(),
            "no-deadlock".into(),
            "--cell".into(),
            "0".into(),
            "--cell-out".into(),
            "other".into(),
        ],
        &dir,
    );
    assert_eq!(other.status.code(), Some(0), "{}", stderr(&other));
    std::fs::copy(dir.join("other/cell-0.json"), dir.join("cells/cell-0.json")).unwrap();
    bad(
        &["sweep", "--merge", "cells"],
        "are cells of different sweeps",
    );
    std::fs::write(dir.join("cells/cell-0.json"), "{not json").unwrap();
    bad(
        &["sweep", "--merge", "cells"],
        "not a cell of tcpmc sweep --cell 0",
    );
    bad(
        &["sweep", "--merge", "nowhere"],
        "cannot read --merge directory",
    );
    bad(&["sweep", "--merge", "."], "no sweep cells");
    bad(
        &["sweep", "--merge", "cells", "--msl", "2"],
        "--merge takes only --json and --out",
    );
    bad(
        &["sweep", "--merge", "cells", "--param", "msl=1"],
        "cannot be used with",
    );
    bad(
        &["sweep", "--cell", "6", "--cell-out", "c"],
        "--cell 6: the sweep's cells are 0..=0",
    );
    bad(
        &["sweep", "--cell-out", "c"],
        "--cell-out goes with --plan or --cell",
    );
    bad(&["sweep", "--plan"], "--cell-out <DIR>");
}

/// Issue 15: ranges are checked value by value and the size of the plan before anything is
/// built (the cross product of four 0..255 ranges was 5.8 GB and an allocation abort).
#[test]
fn ranges_and_the_size_are_checked_before_anything_is_built() {
    let bad = |args: &[&str], needle: &str| {
        let start = std::time::Instant::now();
        let o = tcpmc(args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(needle), "{err:?} lacks {needle:?}");
        assert!(
            start.elapsed().as_secs() < 5,
            "{args:?} took {:?}",
            start.elapsed()
        );
    };
    let four = [
        "sweep",
        "--param",
        "msl=0..255",
        "--param",
        "rto=0..255",
        "--param",
        "retries=0..255",
        "--param",
        "window=0..255",
    ];
    bad(&four, "--param msl=0..255: msl must be in 1..=8");
    bad(
        &[
            "sweep", "--param", "msl=1..8", "--param", "rto=1..16", "--param",
            "retries=0..8", "--param", "window=1..32",
        ],
        "the sweep has 36864 runs (1 variant × 8 msl × 16 rto × 9 retries × 32 window), more than the 10000",
    );
    bad(&["sweep", "--param", "rto=0..3"], "rto must be in 1..=16");
    bad(
        &["sweep", "--param", "retries=9"],
        "retries must be in 0..=8",
    );
    bad(&["sweep", "--param", "msl=300"], "msl must be in 1..=8");
    bad(&["sweep", "--param", "msl=3..1"], "the range is empty");
    bad(&["sweep", "--param", "msl=1,2,1"], "1 is given twice");
    bad(
        &["sweep", "--param", "msl=1", "--param", "msl=2"],
        "--param msl is given twice",
    );
    bad(
        &["sweep", "--variants", "linux,linux"],
        "'linux' is given twice",
    );
    bad(
        &["sweep", "--param", "msll=1"],
        "did you mean msl? (see tcpmc sweep --help)",
    );
    bad(
        &["sweep", "--param", "window=1..8"],
        "run 'baseline window=5': invalid configuration: window = 5: must be in 1..=4 (--param window)",
    );
    bad(
        &["sweep", "--jobs", "100000"],
        "must be a number in 1..=256",
    );
}

/// Issue 15: outputs are opened before any work, so an unwritable one fails at once.
#[test]
fn unwritable_outputs_fail_before_any_run() {
    let bad = |args: &[&str], needle: &str| {
        let start = std::time::Instant::now();
        let o = tcpmc(args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(needle), "{err:?} lacks {needle:?}");
        assert!(start.elapsed().as_secs() < 5, "{args:?} ran before failing");
    };
    bad(
        &["bench", "--ladder", "full", "--out", "/proc/b.md"],
        "cannot write --out /proc/b.md",
    );
    bad(
        &[
            "sweep",
            "--param",
            "time_wait=0..8",
            "--out",
            "/proc/tcpmc-sweep",
        ],
        "cannot create --out directory /proc/tcpmc-sweep",
    );
    bad(
        &["sweep", "--cell", "0", "--cell-out", "/proc/tcpmc-cells"],
        "--cell-out directory /proc/tcpmc-cells",
    );
    bad(
        &["sweep", "--merge", ".", "--out", "/proc/tcpmc-merge"],
        "--out directory /proc/tcpmc-merge",
    );
}

/// Issue 15: minimize starts from the parameter's own minimum, blames --from/--to (not the
/// field's flag) for a value outside the range, and its progress lines say `minimize:`.
#[test]
fn minimize_starts_at_the_fields_minimum() {
    let reduced = [
        "--data-a",
        "0",
        "--data-b",
        "0",
        "--a-listens",
        "false",
        "--incarnations",
        "1",
    ];
    for (param, lo) in [
        ("rto", 1),
        ("msl", 1),
        ("seq_space", 4),
        ("window", 1),
        ("max_in_flight", 1),
        ("incarnations", 1),
        ("isn_choices", 1),
    ] {
        let to = (lo + 1).to_string();
        let mut args = vec!["minimize", "--param", param, "--to", &to];
        args.extend_from_slice(&reduced);
        if param == "incarnations" {
            args.truncate(args.len() - 2);
        }
        let o = tcpmc(&args);
        let (out, err) = (stdout(&o), stderr(&o));
        assert!(matches!(o.status.code(), Some(0 | 1)), "{param}: {err}");
        assert!(
            out.starts_with(&format!("{param}={lo:<3} ")),
            "{param}: {out}"
        );
        assert!(err.lines().all(|l| l.starts_with("minimize: ")), "{err}");
        // The runs finish in any order: the last line counts both, each names its own.
        assert!(err.contains("minimize: 2/2 runs done (baseline "), "{err}");
        for v in [lo, lo + 1] {
            assert!(
                err.contains(&format!(" runs done (baseline {param}={v})")),
                "{err}"
            );
        }
    }
    let o = tcpmc(&["minimize", "--param", "rto", "--from", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "tcpmc: --from 0: rto must be in 1..=16\n");
    let o = tcpmc(&["minimize", "--param", "window", "--to", "9"]);
    assert_eq!(stderr(&o), "tcpmc: --to 9: window must be in 1..=4\n");
}

/// README.md's plan sample (marked `<!-- checked by checker/tests/sweep_plan.rs -->`) is what
/// the binary prints.
#[test]
fn the_readme_plan_sample_is_true() {
    let text = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let lines: Vec<&str> = text.lines().collect();
    let mark = lines
        .iter()
        .position(|l| l.trim() == "<!-- checked by checker/tests/sweep_plan.rs -->")
        .expect("README.md marks its plan sample");
    assert!(lines[mark + 1].starts_with("```"));
    let end = (mark + 2..lines.len())
        .find(|&k| lines[k].starts_with("```"))
        .expect("the sample's block ends");
    let block = &lines[mark + 2..end];
    let cmd = block[0]
        .strip_prefix("$ tcpmc ")
        .expect("the block starts with the command");
    let args: Vec<String> = cmd.split_whitespace().map(String::from).collect();
    let o = run(&args, &scratch("readme"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let want: Vec<&str> = block[1..].to_vec();
    let out = stdout(&o);
    let got: Vec<&str> = out.lines().collect();
    assert_eq!(
        got,
        want,
        "README.md:{}: the plan sample is stale",
        mark + 1
    );
}
