//! A conformance run's result: the agreement table in Markdown or JSON, and a pcap capture of
//! each difference (pcap-file), so that a difference can be read in any packet viewer.

use super::known::{declared, declared_cause};
use super::table::{Outcome, Verdict};
use crate::input::error::InputError;
use serde::Serialize;
use std::path::Path;

/// The run: what was held against what, and every row's outcome.
#[derive(Serialize)]
pub struct Report {
    pub variant: String,
    pub suite: String,
    pub kernel: String,
    pub sysctls: Vec<(String, String)>,
    pub rows: Vec<Row>,
}

/// One row's outcome, with the reason when its difference is declared.
#[derive(Serialize)]
pub struct Row {
    #[serde(flatten)]
    pub outcome: Outcome,
    pub declared: Option<&'static str>,
}

fn kernel_release() -> String {
    std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "unknown".into())
}

impl Report {
    pub fn new(
        variant: &str,
        suite: &str,
        sysctls: Vec<(String, String)>,
        outcomes: Vec<Outcome>,
    ) -> Report {
        let rows = outcomes
            .into_iter()
            .map(|o| {
                let d = if o.verdict == Verdict::Differ {
                    match o.cause {
                        Some(c) => declared_cause(variant, c),
                        None => declared(variant, &o.state, &o.segment, &o.case),
                    }
                } else {
                    None
                };
                Row {
                    outcome: o,
                    declared: d,
                }
            })
            .collect();
        Report {
            variant: variant.to_string(),
            suite: suite.to_string(),
            kernel: kernel_release(),
            sysctls,
            rows,
        }
    }

    fn count(&self, f: impl Fn(&Row) -> bool) -> usize {
        self.rows.iter().filter(|r| f(r)).count()
    }

    pub fn agree(&self) -> usize {
        self.count(|r| r.outcome.verdict == Verdict::Agree)
    }

    pub fn undeclared(&self) -> usize {
        self.count(|r| r.outcome.verdict == Verdict::Differ && r.declared.is_none())
    }
}

/// The agreement table: one line per state, then every difference and every row that could not
/// run, then the totals.
pub fn render_markdown(r: &Report) -> String {
    let mut out = format!(
        "conform: suite {}, variant {}, Linux {}, {} rows\nsysctls: {}\n\n",
        r.suite,
        r.variant,
        r.kernel,
        r.rows.len(),
        r.sysctls
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let label = match r.suite.as_str() {
        "scenarios" => "scenario",
        "walks" => "kernel",
        _ => "state",
    };
    out.push_str(&format!(
        "| {label} | rows | agree | differ, declared | differ | not runnable |\n"
    ));
    out.push_str("|---|--:|--:|--:|--:|--:|\n");
    let mut states: Vec<&str> = Vec::new();
    for row in &r.rows {
        if !states.contains(&row.outcome.state.as_str()) {
            states.push(&row.outcome.state);
        }
    }
    for st in states {
        let of: Vec<&Row> = r.rows.iter().filter(|x| x.outcome.state == st).collect();
        let n = |f: &dyn Fn(&Row) -> bool| of.iter().filter(|x| f(x)).count();
        out.push_str(&format!(
            "| {st} | {} | {} | {} | {} | {} |\n",
            of.len(),
            n(&|x| x.outcome.verdict == Verdict::Agree),
            n(&|x| x.outcome.verdict == Verdict::Differ && x.declared.is_some()),
            n(&|x| x.outcome.verdict == Verdict::Differ && x.declared.is_none()),
            n(&|x| x.outcome.verdict == Verdict::NotRunnable),
        ));
    }
    // Every row that is not a plain agreement: differences, rows that could not run, and paths
    // that agree as far as they were run but stopped early (a `note` says where).
    let others: Vec<&Row> = r
        .rows
        .iter()
        .filter(|x| x.outcome.verdict != Verdict::Agree || !x.outcome.note.is_empty())
        .collect();
    if !others.is_empty() {
        let (seg, case) = match label {
            "state" => ("segment", "case"),
            "kernel" => ("walk", "steps"),
            _ => ("kernel", "steps"),
        };
        out.push_str(&format!(
            "\n| {label} | {seg} | {case} | model | kernel | verdict |\n|---|---|---|---|---|---|\n"
        ));
        for x in others {
            let o = &x.outcome;
            let verdict = match (&o.verdict, x.declared) {
                (Verdict::Differ, Some(why)) => format!("declared: {why}"),
                (Verdict::Differ, None) => format!("DIFFERS: {}", o.note),
                (Verdict::Agree, _) => format!("agree, stopped: {}", o.note),
                (_, _) => format!("not runnable: {}", o.note),
            };
            out.push_str(&format!(
                "| {} | {} | {} | {} → {} | {} → {} | {} |\n",
                o.state,
                o.segment,
                o.case,
                o.model_reply,
                o.model_next,
                o.kernel_reply,
                o.kernel_next,
                verdict.replace('|', "\\|")
            ));
        }
    }
    let total = r.rows.len().max(1);
    out.push_str(&format!(
        "\nresult: {} of {} rows agree ({:.1} %), {} differ as declared, {} differ undeclared, {} not runnable\n",
        r.agree(),
        r.rows.len(),
        100.0 * r.agree() as f64 / total as f64,
        r.count(|x| x.outcome.verdict == Verdict::Differ && x.declared.is_some()),
        r.undeclared(),
        r.count(|x| x.outcome.verdict == Verdict::NotRunnable),
    ));
    out
}

pub fn render_json(r: &Report) -> Result<String, InputError> {
    let mut s = serde_json::to_string_pretty(r)
        .map_err(|e| InputError(format!("cannot encode the report: {e}")))?;
    s.push('\n');
    Ok(s)
}

/// A file name for row `i`: its index and labels, with anything but letters, digits and `-`
/// replaced.
fn slug(i: usize, o: &Outcome) -> String {
    format!("{i:03}-{}-{}-{}", o.state, o.segment, o.case)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Beside each capture of a path suite's difference, the `tcpmc replay` scenario of what the
/// kernel did (same name, `.scenario`).
pub fn write_replays(r: &Report, dir: &Path) -> Result<(), InputError> {
    for (i, x) in r.rows.iter().enumerate() {
        if let (Verdict::Differ, Some(text)) = (&x.outcome.verdict, &x.outcome.replay) {
            let path = dir.join(format!("{}.scenario", slug(i, &x.outcome)));
            std::fs::write(&path, text)
                .map_err(|e| InputError(format!("cannot write {}: {e}", path.display())))?;
        }
    }
    Ok(())
}

/// One pcap file per row that differs, named by its index and labels, with every segment of
/// its exchange (raw IPv4, so no link-layer header is invented).
pub fn write_captures(r: &Report, dir: &Path) -> Result<(), InputError> {
    use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
    use pcap_file::DataLink;
    for (i, x) in r.rows.iter().enumerate() {
        if x.outcome.verdict != Verdict::Differ {
            continue;
        }
        let o = &x.outcome;
        let path = dir.join(format!("{}.pcap", slug(i, o)));
        let bad =
            |e: &dyn std::fmt::Display| InputError(format!("cannot write {}: {e}", path.display()));
        let file = std::fs::File::create(&path).map_err(|e| bad(&e))?;
        let header = PcapHeader {
            datalink: DataLink::IPV4,
            ..Default::default()
        };
        let mut w = PcapWriter::with_header(file, header).map_err(|e| bad(&e))?;
        for (k, seg) in o.exchange.iter().enumerate() {
            let bytes = seg.to_bytes();
            // Timestamps are the segments' order in milliseconds: the run's real timing is not
            // part of the comparison.
            let ts = std::time::Duration::from_millis(k as u64);
            w.write_packet(&PcapPacket::new(ts, bytes.len() as u32, &bytes))
                .map_err(|e| bad(&e))?;
        }
    }
    Ok(())
}
