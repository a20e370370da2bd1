//! SVG through Graphviz's `dot` executable, when it is installed. Without it the DOT files are
//! still written, and one line tells the user how to render them.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The one line printed when `dot` is missing.
pub const DOT_MISSING: &str = "dot not found on PATH: render with  dot -Tsvg FILE.dot -o FILE.svg";

/// Where `dot` is on PATH, if anywhere. Looked up by hand (not by spawning it) so that a missing
/// Graphviz costs nothing and cannot be confused with a failing one.
pub fn dot_on_path() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| [dir.join("dot"), dir.join("dot.exe")])
        .find(|p| p.is_file())
}

/// Renders `dot_file` to `svg_file` with `dot -Tsvg`. The error is one line.
pub fn render(dot: &Path, dot_file: &Path, svg_file: &Path) -> Result<(), String> {
    let out = Command::new(dot)
        .arg("-Tsvg")
        .arg(dot_file)
        .arg("-o")
        .arg(svg_file)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", dot.display()))?;
    if out.status.success() {
        Ok(())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(format!(
            "dot failed on {}: {}",
            dot_file.display(),
            err.lines().next().unwrap_or("no message").trim()
        ))
    }
}
