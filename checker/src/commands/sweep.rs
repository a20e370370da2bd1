//! `tcpmc sweep` and `tcpmc minimize`: many checks over variants and parameter values.
//!
//! Independent runs use all cores (each run single-threaded); the results are collected by run
//! index, so the matrix is the same whatever finishes first.

use crate::commands::check::{check_with, fairness, Options};
use crate::commands::common::{create_out_dir, jobs, select_properties};
use crate::commands::pictures;
use crate::input::cli::{MinimizeArgs, SharedArgs, SweepArgs};
use crate::input::error::InputError;
use crate::input::settings;
use serde::Serialize;
use serde_json::Value;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use tcpmc_model::Config;
use tcpmc_properties::{Kind, PropertyDef};
use tcpmc_reports::{CheckReport, VerdictKind};

/// One integer field and the values to try.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    pub field: String,
    pub values: Vec<u8>,
}

/// Parses `time_wait=0..4` (inclusive) or `time_wait=0,2,4`.
pub fn parse_param(text: &str) -> Result<Param, InputError> {
    let bad = || InputError(format!("--param {text}: expected NAME=A..B or NAME=A,B,C"));
    let (field, range) = text.split_once('=').ok_or_else(bad)?;
    let field = field.trim().replace('-', "_");
    let num = |s: &str| s.trim().parse::<u8>().map_err(|_| bad());
    let values = match range.split_once("..") {
        Some((a, b)) => {
            let (a, b) = (num(a)?, num(b.trim_start_matches('='))?);
            if a > b {
                return Err(bad());
            }
            (a..=b).collect()
        }
        None => range.split(',').map(num).collect::<Result<Vec<u8>, _>>()?,
    };
    check_integer_field(&field)?;
    Ok(Param { field, values })
}

/// Only integer fields of the configuration can be swept or minimized.
pub fn check_integer_field(field: &str) -> Result<(), InputError> {
    let cfg = serde_json::to_value(Config::default()).unwrap_or(Value::Null);
    match cfg.get(field) {
        Some(Value::Number(_)) | Some(Value::Null) => Ok(()),
        Some(_) => Err(InputError(format!("--param {field}: not an integer field"))),
        None => Err(InputError(format!(
            "--param {field}: no such configuration field (see tcpmc check --help)"
        ))),
    }
}

/// One run of a sweep: a variant list and parameter values.
#[derive(Clone, Debug, Serialize)]
pub struct Run {
    pub variant: String,
    pub params: Vec<(String, u8)>,
    #[serde(skip)]
    pub config: Config,
}

impl Run {
    /// `rfc9293+rfc1337 time_wait=2`.
    pub fn label(&self) -> String {
        let mut l = self.variant.replace(',', "+");
        for (f, v) in &self.params {
            l.push_str(&format!(" {f}={v}"));
        }
        l
    }

    /// A file-system name for the run's files.
    pub fn slug(&self) -> String {
        self.label().replace([' ', '+'], "_").replace('=', "-")
    }
}

/// One cell of the matrix.
#[derive(Clone, Debug, Serialize)]
pub struct Cell {
    pub property: String,
    pub verdict: VerdictKind,
    /// Steps of the counterexample (for a lasso: stem + cycle).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steps: Option<usize>,
    /// Where the counterexample was written (with --out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// A row: the run and its verdicts.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub run: String,
    pub variant: String,
    pub params: Vec<(String, u8)>,
    pub unique_states: u64,
    pub cells: Vec<Cell>,
}

/// The runs of a sweep: every variant list × every combination of parameter values.
pub fn plan(
    file: Option<&Path>,
    variants: &[String],
    params: &[Param],
    overrides: &[(&str, Value)],
) -> Result<Vec<Run>, InputError> {
    let mut combos: Vec<Vec<(String, u8)>> = vec![Vec::new()];
    for p in params {
        combos = combos
            .into_iter()
            .flat_map(|c| {
                p.values.iter().map(move |&v| {
                    let mut c = c.clone();
                    c.push((p.field.clone(), v));
                    c
                })
            })
            .collect();
    }
    let mut runs = Vec::new();
    for variant in variants {
        let spec = variant.replace('+', ",");
        for combo in &combos {
            let mut all: Vec<(&str, Value)> = overrides.to_vec();
            for (f, v) in combo {
                all.push((f.as_str(), Value::from(*v)));
            }
            let config = settings::build(file, Some(&spec), &all)
                .map_err(|e| InputError(format!("{}: {e}", variant)))?;
            runs.push(Run {
                variant: spec.clone(),
                params: combo.clone(),
                config,
            });
        }
    }
    Ok(runs)
}

/// Runs checks in parallel (`jobs` at a time), returning reports in run order.
pub fn run_all(
    runs: &[Run],
    props: &[&'static PropertyDef],
    opts: Options,
    jobs: usize,
    progress: bool,
) -> Vec<CheckReport> {
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<CheckReport>>> = runs.iter().map(|_| Mutex::new(None)).collect();
    let tty = std::io::stderr().is_terminal();
    let opts = Options { threads: 1, ..opts };
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1).min(runs.len().max(1)) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= runs.len() {
                    break;
                }
                let report = check_with(&runs[i].config, props, opts);
                *results[i].lock().expect("poisoned") = Some(report);
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                if progress {
                    let line = format!("sweep: {n}/{} runs done ({})", runs.len(), runs[i].label());
                    let mut err = std::io::stderr();
                    if tty {
                        let _ = write!(err, "\r\x1b[2K{line}");
                        if n == runs.len() {
                            let _ = writeln!(err);
                        }
                    } else {
                        let _ = writeln!(err, "{line}");
                    }
                }
            });
        }
    });
    results
        .into_iter()
        .map(|m| m.into_inner().expect("poisoned").expect("every run ran"))
        .collect()
}

/// The matrix rows; with `out`, each run's counterexample files go to `out/<run>/`.
pub fn rows(
    runs: &[Run],
    reports: &[CheckReport],
    out: Option<&Path>,
) -> Result<Vec<Row>, InputError> {
    let mut rows = Vec::new();
    for (run, r) in runs.iter().zip(reports) {
        let dir: Option<PathBuf> = out.map(|o| o.join(run.slug()));
        if let Some(d) = &dir {
            if r.violated() {
                pictures::write_report_files(r, d)?;
            }
        }
        let cells = r
            .verdicts
            .iter()
            .map(|v| Cell {
                property: v.name.clone(),
                verdict: v.verdict,
                steps: match v.verdict {
                    VerdictKind::Violated | VerdictKind::Reached => {
                        v.steps.as_ref().map(|s| s.len() - 1)
                    }
                    _ => None,
                },
                file: match (&dir, v.verdict) {
                    (Some(_), VerdictKind::Violated) => {
                        Some(format!("{}/{}.trace.dot", run.slug(), v.name))
                    }
                    _ => None,
                },
            })
            .collect();
        rows.push(Row {
            run: run.label(),
            variant: run.variant.clone(),
            params: run.params.clone(),
            unique_states: r.stats.unique_states,
            cells,
        });
    }
    Ok(rows)
}

/// The matrix as Markdown: one row per run, one column per property.
pub fn markdown(rows: &[Row]) -> String {
    let mut out = String::new();
    let Some(first) = rows.first() else {
        return out;
    };
    out.push_str("| run |");
    for c in &first.cells {
        out.push_str(&format!(" {} |", c.property));
    }
    out.push_str("\n|---|");
    for _ in &first.cells {
        out.push_str("---|");
    }
    out.push('\n');
    for r in rows {
        out.push_str(&format!("| {} |", r.run));
        for c in &r.cells {
            let mut text = match (c.verdict, c.steps) {
                (VerdictKind::Violated, Some(n)) => format!("VIOLATED ({n})"),
                (v, _) => v.label().to_string(),
            };
            if let Some(f) = &c.file {
                text.push_str(&format!(" `{f}`"));
            }
            out.push_str(&format!(" {text} |"));
        }
        out.push('\n');
    }
    out
}

/// What `minimize` found for one value.
#[derive(Clone, Debug, Serialize)]
pub struct Trial {
    pub value: u8,
    pub holds: bool,
}

/// The smallest value from which every later value in the range holds, and whether the
/// verdicts were monotone (no smaller value holds).
pub fn smallest_safe(trials: &[Trial]) -> (Option<u8>, bool) {
    let mut smallest = None;
    for t in trials.iter().rev() {
        if t.holds {
            smallest = Some(t.value);
        } else {
            break;
        }
    }
    let monotone = match smallest {
        Some(v) => trials.iter().all(|t| t.holds == (t.value >= v)),
        None => trials.iter().all(|t| !t.holds),
    };
    (smallest, monotone)
}

/// The options of each check in a sweep or minimization: one thread per check (the runs are
/// spread over the jobs), every state explored, and the fairness the flags ask for.
fn options(shared: &SharedArgs) -> Options {
    Options {
        threads: 1,
        stop_early: false,
        fairness: fairness(shared.fair_delivery, shared.fair_app),
        ..Options::default()
    }
}

/// `tcpmc sweep`: the matrix variant × property.
pub fn sweep_command(args: &SweepArgs) -> Result<ExitCode, InputError> {
    let params = args
        .param
        .iter()
        .map(|p| parse_param(p))
        .collect::<Result<Vec<_>, _>>()?;
    let props = select_properties(&args.properties, |p| p.kind == Kind::Invariant)?;
    let overrides = args.shared.fields.overrides();
    let runs = plan(
        args.shared.config.as_deref(),
        &args.variants,
        &params,
        &overrides,
    )?;
    if let Some(dir) = &args.out {
        create_out_dir(dir)?;
    }
    let reports = run_all(&runs, &props, options(&args.shared), jobs(args.jobs)?, true);
    let rows = rows(&runs, &reports, args.out.as_deref())?;
    let md = markdown(&rows);
    let json = serde_json::to_string_pretty(&rows)
        .map_err(|e| InputError(format!("cannot encode the matrix: {e}")))?;
    if let Some(dir) = &args.out {
        for (name, text) in [("sweep.md", &md), ("sweep.json", &json)] {
            std::fs::write(dir.join(name), text).map_err(|e| {
                InputError(format!("cannot write {}: {e}", dir.join(name).display()))
            })?;
        }
    }
    if args.json {
        println!("{json}");
    } else {
        print!("{md}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `tcpmc minimize`: the smallest value of a parameter for which the properties hold.
pub fn minimize_command(args: &MinimizeArgs) -> Result<ExitCode, InputError> {
    let field = args.param.replace('-', "_");
    check_integer_field(&field)?;
    if args.from > args.to {
        return Err(InputError(format!(
            "--from {} is above --to {}",
            args.from, args.to
        )));
    }
    let props = select_properties(&args.properties, |p| p.kind == Kind::Invariant)?;
    let param = Param {
        field: field.clone(),
        values: (args.from..=args.to).collect(),
    };
    let variant = args.variant.clone().unwrap_or_else(|| "baseline".into());
    let overrides = args.shared.fields.overrides();
    let runs = plan(
        args.shared.config.as_deref(),
        &[variant],
        &[param],
        &overrides,
    )?;
    let reports = run_all(&runs, &props, options(&args.shared), jobs(args.jobs)?, true);
    let trials: Vec<Trial> = runs
        .iter()
        .zip(&reports)
        .map(|(r, rep)| Trial {
            value: r.params[0].1,
            holds: !rep.violated(),
        })
        .collect();
    for (t, rep) in trials.iter().zip(&reports) {
        let broken: Vec<String> = rep
            .verdicts
            .iter()
            .filter(|v| v.verdict == VerdictKind::Violated)
            .map(|v| {
                format!(
                    "{} ({})",
                    v.name,
                    v.steps.as_ref().map_or(0, |s| s.len() - 1)
                )
            })
            .collect();
        let verdict = if t.holds {
            "HOLDS".to_string()
        } else {
            format!("VIOLATED: {}", broken.join(", "))
        };
        println!("{field}={:<3} {verdict}", t.value);
    }
    let (smallest, monotone) = smallest_safe(&trials);
    if !monotone {
        let odd: Vec<String> = trials
            .iter()
            .filter(|t| t.holds && smallest.is_none_or(|s| t.value < s))
            .map(|t| t.value.to_string())
            .collect();
        println!(
            "not monotone: the properties also hold at {field}={} below the threshold",
            odd.join(",")
        );
    }
    match smallest {
        None => {
            println!(
                "no value of {field} in {}..={} makes the properties hold",
                args.from, args.to
            );
            Ok(ExitCode::from(1))
        }
        Some(v) if v == args.from => {
            println!("smallest {field}: {v} (the properties hold from the start of the range)");
            Ok(ExitCode::SUCCESS)
        }
        Some(v) => {
            println!("smallest {field}: {v}");
            let below = &reports[(v - args.from - 1) as usize];
            if let Some(viol) = below
                .verdicts
                .iter()
                .filter(|x| x.verdict == VerdictKind::Violated)
                .min_by_key(|x| x.steps.as_ref().map_or(usize::MAX, |s| s.len()))
            {
                println!(
                    "\nat {field}={}: VIOLATED {} — {}",
                    v - 1,
                    viol.name,
                    viol.description
                );
                print!(
                    "{}",
                    tcpmc_reports::text::lasso(
                        viol.steps.as_deref().unwrap_or(&[]),
                        viol.loop_start
                    )
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_parse_ranges_and_lists() {
        assert_eq!(
            parse_param("time_wait=0..3").unwrap().values,
            vec![0, 1, 2, 3]
        );
        assert_eq!(parse_param("time-wait=1,4").unwrap().values, vec![1, 4]);
        assert!(parse_param("time_wait=3..1").is_err());
        assert!(parse_param("isn=0..2")
            .unwrap_err()
            .0
            .contains("not an integer field"));
        assert!(parse_param("bogus=1")
            .unwrap_err()
            .0
            .contains("no such configuration field"));
    }

    #[test]
    fn smallest_safe_value_and_monotonicity() {
        let t = |v, h| Trial { value: v, holds: h };
        assert_eq!(
            smallest_safe(&[t(0, false), t(1, false), t(2, true), t(3, true)]),
            (Some(2), true)
        );
        assert_eq!(
            smallest_safe(&[t(0, true), t(1, false), t(2, true)]),
            (Some(2), false)
        );
        assert_eq!(smallest_safe(&[t(0, false), t(1, false)]), (None, true));
    }
}
