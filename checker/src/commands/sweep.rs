//! `tcpmc sweep` and `tcpmc minimize`: many checks over variants and parameter values.
//!
//! Independent runs use all cores (each run single-threaded); the results are collected by run
//! index, so the matrix is the same whatever finishes first. A sweep can also be spread over
//! machines: `--plan` prints one command per cell (run), each cell writes its row to
//! `--cell-out DIR`, and `--merge DIR` prints the matrix a local sweep would have printed.

use crate::commands::check::{check_with, fairness, Options};
use crate::commands::common::{jobs, select_properties};
use crate::commands::pictures;
use crate::input::cli::{MinimizeArgs, SharedArgs, SweepArgs};
use crate::input::error::{excerpt, InputError};
use crate::input::output::{writable_dir, OutputFile};
use crate::input::settings;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use tcpmc_model::Config;
use tcpmc_properties::{Kind, PropertyDef};
use tcpmc_reports::{CheckReport, VerdictKind};

/// Most runs (cells) a sweep may plan: variants × parameter combinations. Beyond it the sweep is
/// refused before anything is built; 10,000 runs of even the reduced configuration take hours.
pub const MAX_RUNS: u64 = 10_000;

/// One integer field and the values to try.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    pub field: String,
    pub values: Vec<u8>,
}

/// Parses `time_wait=0..4` (inclusive) or `time_wait=0,2,4`; every value must lie in the
/// field's range ([`field_range`]) and be given once. Errors are one line, the input cut short.
pub fn parse_param(text: &str) -> Result<Param, InputError> {
    param_of(text).map_err(|e| InputError::bounded(e.0))
}

fn param_of(text: &str) -> Result<Param, InputError> {
    let shown = excerpt(text);
    let bad = || InputError(format!("--param {shown}: expected NAME=A..B or NAME=A,B,C"));
    let (field, range) = text.split_once('=').ok_or_else(bad)?;
    let field = field.trim().replace('-', "_");
    check_integer_field(&field, "sweep")?;
    let (lo, hi) = field_range(&field)
        .ok_or_else(|| InputError(format!("--param {field}: no value of it is valid")))?;
    let outside = || InputError(format!("--param {shown}: {field} must be in {lo}..={hi}"));
    let num = |s: &str| -> Result<u8, InputError> {
        let s = s.trim();
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        match s.parse::<u64>() {
            Ok(v) if (u64::from(lo)..=u64::from(hi)).contains(&v) => Ok(v as u8),
            _ => Err(outside()),
        }
    };
    let values: Vec<u8> = match range.split_once("..") {
        Some((a, b)) => {
            let (a, b) = (num(a)?, num(b.trim_start_matches('='))?);
            if a > b {
                return Err(InputError(format!(
                    "--param {shown}: the range is empty ({a} is above {b})"
                )));
            }
            (a..=b).collect()
        }
        None => {
            let mut seen = [false; 256];
            let mut values = Vec::new();
            for v in range.split(',') {
                let v = num(v)?;
                if std::mem::replace(&mut seen[usize::from(v)], true) {
                    return Err(InputError(format!("--param {shown}: {v} is given twice")));
                }
                values.push(v);
            }
            values
        }
    };
    Ok(Param { field, values })
}

/// Only integer fields of the configuration can be swept or minimized; `cmd` names the help
/// that lists them.
pub fn check_integer_field(field: &str, cmd: &str) -> Result<(), InputError> {
    let cfg = serde_json::to_value(Config::default()).unwrap_or(Value::Null);
    let shown = excerpt(field);
    match cfg.get(field) {
        Some(Value::Number(_)) | Some(Value::Null) => Ok(()),
        Some(_) => Err(InputError(format!("--param {shown}: not an integer field"))),
        None => {
            let near = settings::nearest_field(field)
                .map(|f| format!("; did you mean {f}?"))
                .unwrap_or_default();
            Err(InputError(format!(
                "--param {shown}: no such configuration field{near} (see tcpmc {cmd} --help)"
            )))
        }
    }
}

/// The values an integer field takes in some valid configuration: the model's own ranges, read
/// off `Config::validate` (with the largest sequence space, which bounds window and
/// isn_choices) so that they are written once.
pub fn field_range(field: &str) -> Option<(u8, u8)> {
    type Ranges = Vec<(String, Option<(u8, u8)>)>;
    static RANGES: std::sync::OnceLock<Ranges> = std::sync::OnceLock::new();
    let ranges = RANGES.get_or_init(|| {
        let roomy = Config {
            seq_space: 64,
            ..Config::default()
        };
        settings::field_names()
            .into_iter()
            .map(|f| {
                let r = allowed_range(&roomy, &f);
                (f, r)
            })
            .collect()
    });
    ranges
        .iter()
        .find(|(f, _)| f == field)
        .and_then(|(_, r)| *r)
}

/// The values of `field` that `base` accepts with only that field changed.
pub fn allowed_range(base: &Config, field: &str) -> Option<(u8, u8)> {
    let ok: Vec<u8> = (0..=255u8)
        .filter(|&v| {
            settings::merge(base.clone(), &[(field, Value::from(v))])
                .is_ok_and(|c| c.validate().map_or_else(|e| e.field != field, |()| true))
        })
        .collect();
    Some((*ok.first()?, *ok.last()?))
}

/// How many runs a sweep plans, computed before any is built (saturating, so never overflows).
pub fn run_count(variants: usize, params: &[Param]) -> u64 {
    params.iter().fold(variants as u64, |n, p| {
        n.saturating_mul(p.values.len() as u64)
    })
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
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Cell {
    pub property: String,
    #[serde(deserialize_with = "verdict_kind")]
    pub verdict: VerdictKind,
    /// Steps of the counterexample (for a lasso: stem + cycle).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steps: Option<usize>,
    /// Where the counterexample was written (with --out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// A verdict as a report writes it (`HOLDS`, `NOT_REACHED`): read back by `--merge`.
fn verdict_kind<'de, D: Deserializer<'de>>(d: D) -> Result<VerdictKind, D::Error> {
    let text = String::deserialize(d)?;
    [
        VerdictKind::Holds,
        VerdictKind::Violated,
        VerdictKind::Reached,
        VerdictKind::NotReached,
    ]
    .into_iter()
    .find(|k| {
        serde_json::to_value(k)
            .ok()
            .as_ref()
            .and_then(Value::as_str)
            == Some(&text)
    })
    .ok_or_else(|| serde::de::Error::custom(format!("unknown verdict '{}'", excerpt(&text))))
}

/// A row: the run and its verdicts.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Row {
    pub run: String,
    pub variant: String,
    pub params: Vec<(String, u8)>,
    pub unique_states: u64,
    pub cells: Vec<Cell>,
}

/// The runs of a sweep: every variant list × every combination of parameter values, the first
/// parameter varying slowest. Refused, before anything is built, when a parameter or variant is
/// given twice or there are more than [`MAX_RUNS`] runs.
pub fn plan(
    file: Option<&Path>,
    variants: &[String],
    params: &[Param],
    overrides: &[(&str, Value)],
) -> Result<Vec<Run>, InputError> {
    for (i, p) in params.iter().enumerate() {
        if params[..i].iter().any(|q| q.field == p.field) {
            return Err(InputError(format!("--param {} is given twice", p.field)));
        }
    }
    for (i, v) in variants.iter().enumerate() {
        if variants[..i].contains(v) {
            return Err(InputError::bounded(format!(
                "--variants: '{}' is given twice",
                excerpt(v)
            )));
        }
    }
    let n = run_count(variants.len(), params);
    if n > MAX_RUNS {
        let mut sizes = vec![format!(
            "{} variant{}",
            variants.len(),
            if variants.len() == 1 { "" } else { "s" }
        )];
        sizes.extend(
            params
                .iter()
                .map(|p| format!("{} {}", p.values.len(), p.field)),
        );
        return Err(InputError(format!(
            "the sweep has {n} runs ({}), more than the {MAX_RUNS} a sweep may have: narrow a --param range or split the sweep",
            sizes.join(" × ")
        )));
    }
    let base = match file {
        Some(path) => settings::load_file(path)?,
        None => Config::default(),
    };
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
        let with_variant = settings::apply_variants(base.clone(), &spec)
            .map_err(|e| InputError(format!("--variants {variant}: {e}")))?;
        for combo in &combos {
            let mut all: Vec<(&str, Value)> = overrides.to_vec();
            for (f, v) in combo {
                all.push((f.as_str(), Value::from(*v)));
            }
            let config = settings::merge(with_variant.clone(), &all)?;
            let run = Run {
                variant: spec.clone(),
                params: combo.clone(),
                config,
            };
            // A combination can be invalid where each value alone is not (window and seq_space).
            run.config.validate().map_err(|e| {
                let from = if combo.iter().any(|(f, _)| f == e.field) {
                    format!("--param {}", e.field)
                } else {
                    format!("flag --{}", e.field.replace('_', "-"))
                };
                InputError(format!("run '{}': {e} ({from})", run.label()))
            })?;
            settings::ticks_only(run.config.clone())
                .map_err(|e| InputError(format!("run '{}': {e}", run.label())))?;
            runs.push(run);
        }
    }
    Ok(runs)
}

/// Runs checks in parallel (`jobs` at a time), returning reports in run order. With `progress`
/// (the command's name), a line on stderr counts the runs.
pub fn run_all(
    runs: &[Run],
    props: &[&'static PropertyDef],
    opts: Options,
    jobs: usize,
    progress: Option<&str>,
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
                if let Some(name) = progress {
                    let line =
                        format!("{name}: {n}/{} runs done ({})", runs.len(), runs[i].label());
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

/// `tcpmc sweep`: the matrix variant × property; or, with `--plan`, `--cell` or `--merge`, one
/// step of a sweep spread over machines.
pub fn sweep_command(args: &SweepArgs) -> Result<ExitCode, InputError> {
    if let Some(dir) = &args.merge {
        return merge_command(args, dir);
    }
    if args.cell_out.is_some() && !args.plan && args.cell.is_none() {
        return Err(InputError(
            "--cell-out goes with --plan or --cell (see tcpmc sweep --help)".into(),
        ));
    }
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
    if args.plan {
        print_plan(args, &params, &runs);
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(i) = args.cell {
        return run_cell(args, &params, &props, &runs, i);
    }
    // Every output is opened before the first run.
    let files = match &args.out {
        Some(dir) => Some(matrix_files(dir)?),
        None => None,
    };
    let reports = run_all(
        &runs,
        &props,
        options(&args.shared),
        jobs(args.jobs)?,
        Some("sweep"),
    );
    let rows = rows(&runs, &reports, args.out.as_deref())?;
    emit(&rows, args.json, files)
}

/// `DIR/sweep.md` and `DIR/sweep.json`, opened (DIR created) before the work.
fn matrix_files(dir: &Path) -> Result<(OutputFile, OutputFile), InputError> {
    writable_dir("--out", dir)?;
    Ok((
        OutputFile::open("--out", &dir.join("sweep.md"))?,
        OutputFile::open("--out", &dir.join("sweep.json"))?,
    ))
}

/// Prints the matrix (Markdown, or JSON with `json`) and writes it to `files`: the same bytes
/// for a local sweep and a merged one.
fn emit(
    rows: &[Row],
    json: bool,
    files: Option<(OutputFile, OutputFile)>,
) -> Result<ExitCode, InputError> {
    let md = markdown(rows);
    let text = serde_json::to_string_pretty(rows)
        .map_err(|e| InputError(format!("cannot encode the matrix: {e}")))?;
    if let Some((md_file, json_file)) = files {
        md_file.write(&md)?;
        json_file.write(&text)?;
    }
    if json {
        println!("{text}");
    } else {
        print!("{md}");
    }
    Ok(ExitCode::SUCCESS)
}

impl Param {
    /// The values as `--param` takes them back: `A..B` for a run of consecutive values.
    pub fn spec(&self) -> String {
        let consecutive = self.values.windows(2).all(|w| w[1] == w[0].wrapping_add(1));
        match (self.values.first(), self.values.last()) {
            (Some(a), Some(b)) if consecutive && self.values.len() > 1 => {
                format!("{}={a}..{b}", self.field)
            }
            _ => {
                let list: Vec<String> = self.values.iter().map(u8::to_string).collect();
                format!("{}={}", self.field, list.join(","))
            }
        }
    }
}

/// What a cell writes to `--cell-out DIR/cell-I.json`: its row and the sweep it belongs to.
#[derive(Debug, Serialize, Deserialize)]
pub struct CellFile {
    /// [`CELL_FORMAT`]: a file of anything else is not a cell.
    pub format: String,
    /// The sweep's arguments (without `--cell`): every cell of one sweep carries the same.
    pub plan: String,
    pub cell: u64,
    pub cells: u64,
    pub row: Row,
}

/// The `format` of a cell file.
pub const CELL_FORMAT: &str = "tcpmc sweep cell 1";

/// The arguments that make the sweep, in a fixed order and without `--cell`, `--cell-out`,
/// `--plan`, `--json` and `--jobs`: what every cell runs, and the identity `--merge` checks.
pub fn plan_args(args: &SweepArgs, params: &[Param]) -> Vec<String> {
    let mut a: Vec<String> = vec!["sweep".into(), "--variants".into(), args.variants.join(",")];
    for p in params {
        a.extend(["--param".into(), p.spec()]);
    }
    for p in &args.properties {
        a.extend(["--property".into(), p.clone()]);
    }
    if let Some(c) = &args.shared.config {
        a.extend(["--config".into(), c.display().to_string()]);
    }
    if args.shared.fair_delivery {
        a.push("--fair-delivery".into());
    }
    if !args.shared.fair_app {
        a.extend(["--fair-app".into(), "false".into()]);
    }
    for (f, v) in args.shared.fields.overrides() {
        let v = match v {
            Value::String(s) => s,
            other => other.to_string(),
        };
        a.extend([format!("--{}", f.replace('_', "-")), v]);
    }
    if let Some(o) = &args.out {
        a.extend(["--out".into(), o.display().to_string()]);
    }
    a
}

/// `word` as a POSIX shell reads it back: bare when plain, else in single quotes.
pub fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./=,+:@%".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

fn shell_line(words: &[String]) -> String {
    words
        .iter()
        .map(|w| shell_word(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `--plan`: one command per cell on stdout (with `--json`, one JSON object per line).
fn print_plan(args: &SweepArgs, params: &[Param], runs: &[Run]) {
    let Some(dir) = &args.cell_out else { return };
    let base = plan_args(args, params);
    let mut out = std::io::stdout().lock();
    for (i, run) in runs.iter().enumerate() {
        let mut argv: Vec<String> = vec!["tcpmc".into()];
        argv.extend(base.iter().cloned());
        argv.extend([
            "--cell".into(),
            i.to_string(),
            "--cell-out".into(),
            dir.display().to_string(),
        ]);
        if let Some(j) = args.jobs {
            argv.extend(["--jobs".into(), j.to_string()]);
        }
        let line = if args.json {
            serde_json::json!({
                "cell": i,
                "cells": runs.len(),
                "run": run.label(),
                "out": dir.join(format!("cell-{i}.json")).display().to_string(),
                "argv": argv,
            })
            .to_string()
        } else {
            shell_line(&argv)
        };
        let _ = writeln!(out, "{line}");
    }
}

/// `--cell I`: runs one cell (its check with `--jobs` threads, default 1, since the cells run
/// side by side) and writes `DIR/cell-I.json`, through a temporary file so that a killed job
/// leaves no half-written cell.
fn run_cell(
    args: &SweepArgs,
    params: &[Param],
    props: &[&'static PropertyDef],
    runs: &[Run],
    i: u64,
) -> Result<ExitCode, InputError> {
    let n = runs.len() as u64;
    let run = usize::try_from(i)
        .ok()
        .and_then(|i| runs.get(i))
        .ok_or_else(|| {
            InputError(format!(
                "--cell {i}: the sweep's cells are 0..={}",
                n.saturating_sub(1)
            ))
        })?;
    let Some(dir) = &args.cell_out else {
        return Err(InputError("--cell needs --cell-out DIR".into()));
    };
    writable_dir("--cell-out", dir)?;
    if let Some(out) = &args.out {
        writable_dir("--out", out)?;
    }
    let path = dir.join(format!("cell-{i}.json"));
    let tmp = dir.join(format!(".cell-{i}.json.{}.tmp", std::process::id()));
    let file = OutputFile::open("--cell-out", &tmp)?;
    let opts = Options {
        threads: jobs(Some(args.jobs.unwrap_or(1)))?,
        ..options(&args.shared)
    };
    let report = check_with(&run.config, props, opts);
    let row = rows(
        std::slice::from_ref(run),
        std::slice::from_ref(&report),
        args.out.as_deref(),
    )?
    .remove(0);
    let cell = CellFile {
        format: CELL_FORMAT.into(),
        plan: shell_line(&plan_args(args, params)),
        cell: i,
        cells: n,
        row,
    };
    let text = serde_json::to_string_pretty(&cell)
        .map_err(|e| InputError(format!("cannot encode the cell: {e}")))?;
    file.write(&text)?;
    std::fs::rename(&tmp, &path)
        .map_err(|e| InputError(format!("cannot write {}: {e}", path.display())))?;
    eprintln!(
        "sweep: cell {i} of {n} done ({}): {}",
        run.label(),
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `--merge DIR`: the matrix from the cells in DIR, refused when one is missing or belongs to
/// another sweep.
fn merge_command(args: &SweepArgs, dir: &Path) -> Result<ExitCode, InputError> {
    let s = &args.shared;
    if s.config.is_some() || s.fair_delivery || !s.fair_app || !s.fields.overrides().is_empty() {
        return Err(InputError(
            "--merge takes only --json and --out: the cells carry the sweep's flags".into(),
        ));
    }
    let files = match &args.out {
        Some(out) => Some(matrix_files(out)?),
        None => None,
    };
    let shown = dir.display();
    let entries = std::fs::read_dir(dir)
        .map_err(|e| InputError::bounded(format!("cannot read --merge directory {shown}: {e}")))?;
    let mut cells: Vec<(u64, PathBuf, CellFile)> = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| {
                InputError::bounded(format!("cannot read --merge directory {shown}: {e}"))
            })?
            .path();
        let Some(index) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_prefix("cell-")?.strip_suffix(".json"))
            .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|n| n.parse::<u64>().ok())
        else {
            continue;
        };
        let text = std::fs::read_to_string(&path)
            .map_err(|e| InputError::bounded(format!("cannot read {}: {e}", path.display())))?;
        let cell: CellFile = serde_json::from_str(&text)
            .ok()
            .filter(|c: &CellFile| c.format == CELL_FORMAT && c.cell == index)
            .ok_or_else(|| {
                InputError::bounded(format!(
                    "{}: not a cell of tcpmc sweep --cell {index}",
                    path.display()
                ))
            })?;
        cells.push((index, path, cell));
    }
    cells.sort_by_key(|(i, _, _)| *i);
    let Some((_, first_path, first)) = cells.first() else {
        return Err(InputError::bounded(format!(
            "no sweep cells (cell-I.json, written by tcpmc sweep --cell I) in {shown}"
        )));
    };
    for (_, path, c) in &cells {
        if c.plan != first.plan || c.cells != first.cells {
            return Err(InputError::bounded(format!(
                "{} and {} are cells of different sweeps",
                first_path.display(),
                path.display()
            )));
        }
        if c.cell >= c.cells {
            return Err(InputError::bounded(format!(
                "{}: cell {} of a sweep of {} cells",
                path.display(),
                c.cell,
                c.cells
            )));
        }
    }
    let missing: Vec<u64> = (0..first.cells)
        .filter(|i| cells.binary_search_by_key(i, |(j, _, _)| *j).is_err())
        .collect();
    if let Some(m) = missing.first() {
        let list: Vec<String> = missing.iter().take(5).map(u64::to_string).collect();
        let more = if missing.len() > 5 { ", …" } else { "" };
        return Err(InputError::bounded(format!(
            "cells missing in {shown}: {}{more} ({} of {}; run them again, e.g. tcpmc {} --cell {m} --cell-out {})",
            list.join(", "),
            missing.len(),
            first.cells,
            first.plan,
            shell_word(&shown.to_string()),
        )));
    }
    let rows: Vec<Row> = cells.into_iter().map(|(_, _, c)| c.row).collect();
    emit(&rows, args.json, files)
}

/// `tcpmc minimize`: the smallest value of a parameter for which the properties hold.
pub fn minimize_command(args: &MinimizeArgs) -> Result<ExitCode, InputError> {
    let field = args.param.replace('-', "_");
    check_integer_field(&field, "minimize")?;
    let props = select_properties(&args.properties, |p| p.kind == Kind::Invariant)?;
    let variant = args.variant.clone().unwrap_or_else(|| "baseline".into());
    let overrides = args.shared.fields.overrides();
    // The range starts at the field's own minimum in this configuration (1 for rto and msl).
    let base = settings::ticks_only(settings::build(
        args.shared.config.as_deref(),
        Some(&variant),
        &overrides,
    )?)?;
    let (lo, hi) = allowed_range(&base, &field).ok_or_else(|| {
        InputError(format!(
            "--param {field}: no value of it is valid in this configuration"
        ))
    })?;
    let from = args.from.unwrap_or(lo);
    let to = args.to.unwrap_or_else(|| hi.min(from.max(8)));
    for (flag, v) in [("--from", from), ("--to", to)] {
        if !(lo..=hi).contains(&v) {
            return Err(InputError(format!(
                "{flag} {v}: {field} must be in {lo}..={hi}"
            )));
        }
    }
    if from > to {
        return Err(InputError(format!("--from {from} is above --to {to}")));
    }
    let param = Param {
        field: field.clone(),
        values: (from..=to).collect(),
    };
    let runs = plan(
        args.shared.config.as_deref(),
        &[variant],
        &[param],
        &overrides,
    )?;
    let reports = run_all(
        &runs,
        &props,
        options(&args.shared),
        jobs(args.jobs)?,
        Some("minimize"),
    );
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
            println!("no value of {field} in {from}..={to} makes the properties hold");
            Ok(ExitCode::from(1))
        }
        Some(v) if v == from => {
            println!("smallest {field}: {v} (the properties hold from the start of the range)");
            Ok(ExitCode::SUCCESS)
        }
        Some(v) => {
            println!("smallest {field}: {v}");
            let below = &reports[usize::from(v - from - 1)];
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
        assert!(parse_param("msl=0..255")
            .unwrap_err()
            .0
            .contains("msl must be in 1..=8"));
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
