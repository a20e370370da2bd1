//! The files of `tcpmc check --out DIR`: `report.json`, and for every violated property its trace
//! graph and message sequence chart as DOT (and SVG when Graphviz is installed).

use crate::dot::print;
use crate::msc::msc_dot;
use crate::report::{CheckReport, VerdictKind};
use crate::svg;
use crate::trace_dot::trace_dot;
use std::path::{Path, PathBuf};

/// Writes the files into `dir` (which must exist), rendering SVG with Graphviz when `svg` (i.e.
/// when `dot` is on PATH). Returns the paths written, in a fixed order. The error is one line.
pub fn write_check_files(
    report: &CheckReport,
    dir: &Path,
    svg: bool,
) -> Result<Vec<PathBuf>, String> {
    let mut written = Vec::new();
    let write = |name: &str, text: &str, written: &mut Vec<PathBuf>| -> Result<PathBuf, String> {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(path.clone());
        Ok(path)
    };
    let json = serde_json::to_string_pretty(report)
        .map_err(|e| format!("cannot encode the report: {e}"))?;
    write("report.json", &(json + "\n"), &mut written)?;
    for v in report
        .verdicts
        .iter()
        .filter(|v| v.verdict == VerdictKind::Violated)
    {
        let steps = v.steps.as_deref().unwrap_or(&[]);
        // A liveness lasso gets its back edge dashed; a safety counterexample ends in the
        // violating state.
        let pictures = [
            (
                format!("{}.trace", v.name),
                trace_dot(&v.name, steps, v.loop_start),
            ),
            (format!("{}.msc", v.name), msc_dot(&v.name, steps, true)),
        ];
        for (stem, graph) in pictures {
            let text = print(&graph);
            write(&format!("{stem}.dot"), &text, &mut written)?;
            if svg {
                let svg_file = dir.join(format!("{stem}.svg"));
                svg::render(&text, &svg_file)?;
                written.push(svg_file);
            }
        }
    }
    Ok(written)
}
