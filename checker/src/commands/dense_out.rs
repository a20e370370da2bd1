//! `tcpmc check --time dense --out DIR`: the files of the tick check's `--out` (`report.json`,
//! and per violated property its trace graph and sequence chart, DOT and SVG), each step of a
//! counterexample with its time (the steps' `time`, drawn by `tcpmc_reports`), and beside them
//! `<property>.scenario`: the counterexample as a timed scenario for `tcpmc replay` (`config
//! time=dense` and the configuration's other fields, then `[t=TIME] STEP` per step).

use crate::commands::check::{to_json, Checked};
use crate::commands::pictures;
use crate::input::error::InputError;
use crate::input::scenario_file::replay_defaults;
use serde_json::Value;
use std::path::{Path, PathBuf};
use tcpmc_model::Config;
use tcpmc_reports::{Verdict, VerdictKind};

/// Writes the files into `dir` (created if need be); returns the paths written, in order.
pub fn write_dense_files(
    checked: &Checked,
    cfg: &Config,
    dir: &Path,
) -> Result<Vec<PathBuf>, InputError> {
    let mut written = pictures::write_report_files(&checked.report, dir)?;
    let write = |path: PathBuf, text: &str| -> Result<PathBuf, InputError> {
        std::fs::write(&path, text)
            .map_err(|e| InputError(format!("cannot write {}: {e}", path.display())))?;
        Ok(path)
    };
    if checked.limit.is_some() {
        // The report with its limit, in place of the one written above.
        write(dir.join("report.json"), &(to_json(checked)? + "\n"))?;
    }
    for v in checked
        .report
        .verdicts
        .iter()
        .filter(|v| v.verdict == VerdictKind::Violated)
    {
        let text = scenario(v, cfg, &checked.report.replay);
        written.push(write(dir.join(format!("{}.scenario", v.name)), &text)?);
    }
    Ok(written)
}

/// The `config key=value` lines that turn the replay defaults into `cfg`, in field order,
/// `time=dense` among them.
pub fn config_lines(cfg: &Config) -> Vec<String> {
    let d = serde_json::to_value(replay_defaults()).unwrap_or(Value::Null);
    let c = serde_json::to_value(cfg).unwrap_or(Value::Null);
    let mut out = Vec::new();
    if let (Some(d), Some(c)) = (d.as_object(), c.as_object()) {
        for (k, v) in c {
            if d.get(k) != Some(v) {
                let shown = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                out.push(format!("config {k}={shown}"));
            }
        }
    }
    out
}

/// The counterexample of `v` as a timed scenario: every step at the time the report gives it.
pub fn scenario(v: &Verdict, cfg: &Config, reproduce: &str) -> String {
    let mut out = format!(
        "# {}: counterexample under dense time, written by tcpmc check --out.\n\
         # {}\n\
         # Found by: {reproduce}\n\
         # Each step at its earliest time in a timed run of the whole path; the last one violates\n\
         # the property. Replay it with: tcpmc replay {}.scenario\n\n",
        v.name, v.description, v.name
    );
    for line in config_lines(cfg) {
        out.push_str(&line);
        out.push('\n');
    }
    out.push('\n');
    for step in v.steps.iter().flatten().skip(1) {
        let action = step.action.as_deref().unwrap_or("?");
        match step.time.as_deref() {
            Some(t) if t != "?" => out.push_str(&format!("[t={t}] {action}\n")),
            _ => out.push_str(&format!("{action}\n")),
        }
    }
    out
}
