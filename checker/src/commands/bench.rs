//! `tcpmc bench`: a fixed ladder of configurations, each measured in a fresh child process.
//!
//! Peak memory: every measurement runs in its own child (`tcpmc bench-run`, hidden), which reads
//! its own `VmHWM` ("high water mark", the peak resident set size the kernel recorded for that
//! process) from `/proc/self/status` as its very last act and prints it with the counts. That is
//! per run by construction: no other run's memory is in it, there is no race with the child's
//! exit (unlike reading `/proc/<pid>/status` from the parent), and no `wait4`/`getrusage` is needed
//! (`RUSAGE_CHILDREN` is a maximum over all children, so it cannot separate runs). It includes the
//! process's fixed overhead (binary, stacks, a few MB), which matters only for tiny runs.

use crate::commands::check::{self, Options};
use crate::input::cli::{BenchArgs, BenchRunArgs, Mode, Search};
use crate::input::error::InputError;
use crate::input::output::OutputFile;
use crate::search::graph;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};
use tcpmc_model::{Config, TcpModel};
use tcpmc_properties::{registry, PropertyDef};

/// What a child reports (one JSON line on stdout).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Measurement {
    pub unique: u64,
    pub generated: u64,
    pub cut: u64,
    pub seconds: f64,
    /// Bytes of the visited table (or of the whole graph), as the search counts them.
    pub table_bytes: u64,
    /// Peak resident set size of the child (`VmHWM`), in bytes; 0 if `/proc` is unavailable.
    pub peak_bytes: u64,
    /// Graph edges (graph mode).
    pub edges: u64,
    /// Names of the violated invariants and of the reached goals (safety modes).
    pub discovered: Vec<String>,
}

/// The state properties (invariants and coverage goals): what a safety run checks.
pub fn state_properties() -> Vec<&'static PropertyDef> {
    registry()
        .iter()
        .filter(|p| p.is_state_property())
        .collect()
}

/// Runs one measurement in this process (the child's side).
pub fn measure(cfg: &Config, mode: Mode, threads: usize) -> Measurement {
    let mut m = match mode {
        Mode::Bfs | Mode::Dfs => {
            let opts = Options {
                threads,
                search: if mode == Mode::Bfs {
                    Search::Bfs
                } else {
                    Search::Dfs
                },
                ..Options::default()
            };
            let r = check::check_with(cfg, &state_properties(), opts);
            Measurement {
                unique: r.stats.unique_states,
                generated: r.stats.generated_states,
                cut: r.stats.states_cut,
                seconds: r.stats.seconds,
                table_bytes: r.stats.table_bytes,
                discovered: r
                    .verdicts
                    .iter()
                    .filter(|v| {
                        matches!(
                            v.verdict,
                            tcpmc_reports::VerdictKind::Violated
                                | tcpmc_reports::VerdictKind::Reached
                        )
                    })
                    .map(|v| v.name.clone())
                    .collect(),
                ..Measurement::default()
            }
        }
        Mode::Graph => {
            let g = graph::build(&TcpModel::new(cfg.clone()), threads);
            Measurement {
                unique: g.states.len() as u64,
                generated: 0,
                cut: g.cut,
                seconds: g.seconds,
                table_bytes: g.bytes() as u64,
                edges: g.graph.edge_count() as u64,
                ..Measurement::default()
            }
        }
    };
    m.peak_bytes = peak_rss();
    m
}

/// This process's peak resident set size (`VmHWM` in `/proc/self/status`), in bytes.
pub fn peak_rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

/// One rung of a ladder: a label, the parameter it varies (for the growth table) and the config.
pub struct Rung {
    pub label: String,
    pub param: &'static str,
    pub cfg: Config,
}

fn rung(param: &'static str, cfg: Config) -> Rung {
    let d = Config::default();
    let mut parts = Vec::new();
    if cfg.msl != d.msl {
        parts.push(format!("msl={}", cfg.msl));
    }
    if cfg.seq_space != d.seq_space {
        parts.push(format!("seq_space={}", cfg.seq_space));
    }
    if cfg.max_in_flight != d.max_in_flight {
        parts.push(format!("max_in_flight={}", cfg.max_in_flight));
    }
    if cfg.incarnations != d.incarnations {
        parts.push(format!("incarnations={}", cfg.incarnations));
    }
    if cfg.data_a != d.data_a || cfg.data_b != d.data_b {
        parts.push(format!("data={}/{}", cfg.data_a, cfg.data_b));
    }
    if cfg.a_listens != d.a_listens {
        parts.push(format!("a_listens={}", cfg.a_listens));
    }
    if cfg.rst_seq_zero != d.rst_seq_zero {
        parts.push(format!("rst_seq_zero={}", cfg.rst_seq_zero));
    }
    if cfg.first_isn_any {
        parts.push("first ISS any (no rotation symmetry)".into());
    }
    if cfg.unsorted_network {
        parts.push("unsorted network (no multiset symmetry)".into());
    }
    let label = if parts.is_empty() {
        "default".to_string()
    } else {
        parts.join(" ")
    };
    Rung { label, param, cfg }
}

/// The ladders: `test` (seconds, for the test suite), `quick` (a minute or two), `full`
/// (BENCHMARKS.md; tens of minutes).
pub fn ladder(name: &str) -> Option<Vec<Rung>> {
    let d = Config::default;
    let one = || Config {
        incarnations: 1,
        ..d()
    };
    let tiny = || Config {
        a_listens: false,
        data_a: 0,
        data_b: 0,
        incarnations: 1,
        ..d()
    };
    Some(match name {
        "test" => vec![
            rung("base", tiny()),
            rung(
                "max_in_flight",
                Config {
                    max_in_flight: 2,
                    ..tiny()
                },
            ),
        ],
        "quick" => vec![
            rung("base", one()),
            rung(
                "seq_space",
                Config {
                    seq_space: 4,
                    ..one()
                },
            ),
            rung(
                "max_in_flight",
                Config {
                    max_in_flight: 2,
                    ..one()
                },
            ),
            rung("msl", Config { msl: 2, ..tiny() }),
        ],
        "full" => vec![
            rung("base", d()),
            rung("msl", Config { msl: 2, ..d() }),
            rung("msl", Config { msl: 3, ..d() }),
            rung(
                "seq_space",
                Config {
                    seq_space: 4,
                    ..d()
                },
            ),
            rung(
                "seq_space",
                Config {
                    seq_space: 16,
                    ..d()
                },
            ),
            rung(
                "max_in_flight",
                Config {
                    max_in_flight: 2,
                    ..d()
                },
            ),
            rung(
                "max_in_flight",
                Config {
                    max_in_flight: 4,
                    ..d()
                },
            ),
            rung("incarnations", one()),
            rung(
                "incarnations",
                Config {
                    incarnations: 3,
                    ..d()
                },
            ),
            rung(
                "msl+seq_space",
                Config {
                    msl: 2,
                    seq_space: 16,
                    ..d()
                },
            ),
            rung(
                "rst_seq_zero",
                Config {
                    rst_seq_zero: tcpmc_model::config::RstSeqZero::Anywhere,
                    ..d()
                },
            ),
            rung(
                "symmetry",
                Config {
                    first_isn_any: true,
                    ..one()
                },
            ),
            rung(
                "symmetry",
                Config {
                    unsorted_network: true,
                    ..one()
                },
            ),
        ],
        _ => return None,
    })
}

/// Runs one measurement in a fresh child process (`tcpmc bench-run`). `None` on timeout.
pub fn spawn(
    cfg: &Config,
    mode: Mode,
    threads: usize,
    timeout: Duration,
) -> Result<Option<Measurement>, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find tcpmc itself: {e}"))?;
    let json = serde_json::to_string(cfg).map_err(|e| e.to_string())?;
    let mut cmd = Command::new(exe);
    cmd.args(["bench-run", "--mode", mode.name(), "--threads"])
        .arg(threads.to_string())
        .args(["--config-json", &json]);
    if cfg.first_isn_any {
        cmd.arg("--first-isn-any");
    }
    if cfg.unsorted_network {
        cmd.arg("--unsorted-network");
    }
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot run tcpmc bench-run: {e}"))?;
    let start = Instant::now();
    loop {
        if child.try_wait().map_err(|e| e.to_string())?.is_some() {
            break;
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("tcpmc bench-run failed: {}", out.status));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(text.trim())
        .map(Some)
        .map_err(|e| format!("bad bench-run output: {e}"))
}

/// One row of the result.
pub struct Row {
    pub label: String,
    pub param: &'static str,
    pub mode: Mode,
    pub threads: usize,
    pub m: Option<Measurement>,
}

/// Runs a ladder: per rung, BFS safety for each thread count, DFS safety, and the liveness
/// graph build. `progress` sees each row as it completes.
pub fn run_ladder(
    rungs: &[Rung],
    threads: &[usize],
    timeout: Duration,
    mut progress: impl FnMut(&Row),
) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    for r in rungs {
        let mut plan: Vec<(Mode, usize)> = threads.iter().map(|&t| (Mode::Bfs, t)).collect();
        plan.push((Mode::Dfs, 1));
        if !r.cfg.first_isn_any && !r.cfg.unsorted_network {
            plan.extend(threads.iter().map(|&t| (Mode::Graph, t)));
        }
        for (mode, t) in plan {
            let m = spawn(&r.cfg, mode, t, timeout)?;
            let row = Row {
                label: r.label.clone(),
                param: r.param,
                mode,
                threads: t,
                m,
            };
            progress(&row);
            rows.push(row);
        }
    }
    Ok(rows)
}

/// The header of the Markdown table.
pub const HEADER: &str = "| configuration | run | threads | unique | generated | cut | seconds | M generated/s | peak RSS MB | RSS bytes/unique | table bytes/unique |";

/// One row of the Markdown table.
pub fn render_row(r: &Row) -> String {
    let run = match r.mode {
        Mode::Bfs => "safety bfs",
        Mode::Dfs => "safety dfs",
        Mode::Graph => "liveness graph",
    };
    match &r.m {
        None => format!(
            "| {} | {run} | {} | timeout | | | | | | | |",
            r.label, r.threads
        ),
        Some(m) => {
            let per = |b: u64| b as f64 / m.unique.max(1) as f64;
            let rate = if r.mode == Mode::Graph {
                // The graph build counts edges, not generated states: states per second.
                m.unique as f64 / m.seconds.max(1e-9) / 1e6
            } else {
                m.generated as f64 / m.seconds.max(1e-9) / 1e6
            };
            format!(
                "| {} | {run} | {} | {} | {} | {} | {:.2} | {:.2}{} | {:.0} | {:.1} | {:.1} |",
                r.label,
                r.threads,
                m.unique,
                if r.mode == Mode::Graph {
                    format!("{} edges", m.edges)
                } else {
                    m.generated.to_string()
                },
                m.cut,
                m.seconds,
                rate,
                if r.mode == Mode::Graph {
                    " (states)"
                } else {
                    ""
                },
                m.peak_bytes as f64 / 1e6,
                per(m.peak_bytes),
                per(m.table_bytes),
            )
        }
    }
}

/// The whole report: the table, the growth per parameter, and consistency checks (equal counts
/// for every thread count and both searches; equal verdicts under the symmetry knobs).
pub fn render(rows: &[Row]) -> String {
    let mut out = String::new();
    writeln!(out, "{HEADER}").ok();
    writeln!(out, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|").ok();
    for r in rows {
        writeln!(out, "{}", render_row(r)).ok();
    }
    writeln!(out).ok();
    // Growth: unique states of each rung relative to the first one.
    let base = rows
        .iter()
        .find(|r| r.mode == Mode::Bfs)
        .and_then(|r| r.m.as_ref().map(|m| m.unique));
    writeln!(
        out,
        "| parameter | configuration | unique states | × first rung |"
    )
    .ok();
    writeln!(out, "|---|---|--:|--:|").ok();
    let mut seen = std::collections::HashSet::new();
    for r in rows.iter().filter(|r| r.mode != Mode::Graph) {
        let Some(m) = &r.m else { continue };
        if !seen.insert(r.label.clone()) {
            continue;
        }
        let ratio = base.map_or(String::new(), |b| {
            format!("{:.2}", m.unique as f64 / b.max(1) as f64)
        });
        writeln!(
            out,
            "| {} | {} | {} | {} |",
            r.param, r.label, m.unique, ratio
        )
        .ok();
    }
    writeln!(out).ok();
    for line in consistency(rows) {
        writeln!(out, "{line}").ok();
    }
    out
}

/// Checks that the searches agree: per configuration, every safety run has the same unique,
/// generated and cut counts and the same discoveries, and the graph has the same states.
pub fn consistency(rows: &[Row]) -> Vec<String> {
    let mut lines = Vec::new();
    let mut labels: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
    labels.dedup();
    for label in labels {
        let runs: Vec<&Row> = rows.iter().filter(|r| r.label == label).collect();
        let done: Vec<(&Row, &Measurement)> = runs
            .iter()
            .filter_map(|r| r.m.as_ref().map(|m| (*r, m)))
            .collect();
        let safety: Vec<&(&Row, &Measurement)> =
            done.iter().filter(|(r, _)| r.mode != Mode::Graph).collect();
        let agree = safety.windows(2).all(|w| {
            let (a, b) = (w[0].1, w[1].1);
            (a.unique, a.generated, a.cut, &a.discovered)
                == (b.unique, b.generated, b.cut, &b.discovered)
        }) && done
            .iter()
            .all(|(_, m)| safety.first().is_none_or(|s| s.1.unique == m.unique));
        if done.is_empty() {
            lines.push(format!("- {label}: not measured (every run timed out)"));
            continue;
        }
        lines.push(format!(
            "- {label}: {} ({} runs{})",
            if agree {
                "counts and verdicts agree"
            } else {
                "MISMATCH"
            },
            done.len(),
            if done.len() < runs.len() {
                ", some timed out"
            } else {
                ""
            }
        ));
    }
    lines
}

/// `tcpmc bench`: the ladder's table on stdout (and in `--out`); exit status 1 when the counts
/// of two runs of one configuration disagree.
pub fn bench_command(args: &BenchArgs) -> Result<ExitCode, InputError> {
    let rungs = ladder(&args.ladder)
        .ok_or_else(|| InputError(format!("unknown ladder '{}'", args.ladder)))?;
    // Before the ladder, which can take hours: an unwritable --out fails now.
    let out = args
        .out
        .as_deref()
        .map(|p| OutputFile::open("--out", p))
        .transpose()?;
    let timeout = Duration::from_secs(args.timeout);
    eprintln!("{}", HEADER);
    let rows = run_ladder(&rungs, &args.threads, timeout, |r| {
        eprintln!("{}", render_row(r))
    })
    .map_err(InputError)?;
    let text = render(&rows);
    print!("{text}");
    if let Some(out) = out {
        out.write(&text)?;
    }
    Ok(if text.contains("MISMATCH") {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `tcpmc bench-run` (hidden): one measurement, as one JSON line on stdout.
pub fn bench_run_command(args: &BenchRunArgs) -> Result<ExitCode, InputError> {
    let cfg: Config = serde_json::from_str(&args.config_json)
        .map_err(|e| InputError(format!("bad --config-json: {e}")))?;
    cfg.validate().map_err(|e| InputError(e.to_string()))?;
    let mut cfg = crate::input::settings::ticks_only(cfg)?;
    cfg.first_isn_any = args.first_isn_any;
    cfg.unsorted_network = args.unsorted_network;
    let m = measure(&cfg, args.mode, args.threads.max(1));
    let text = serde_json::to_string(&m)
        .map_err(|e| InputError(format!("cannot encode the measurement: {e}")))?;
    println!("{text}");
    Ok(ExitCode::SUCCESS)
}
