//! SVG through Graphviz's `dot` executable, run by graphviz-rust, when it is installed. Without it
//! the DOT files are still written, and one line tells the user how to render them.

use graphviz_rust::cmd::{CommandArg, Format};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// The one line printed when `dot` is missing.
pub const DOT_MISSING: &str = "dot not found on PATH: render with  dot -Tsvg FILE.dot -o FILE.svg";

/// Where `dot` is on PATH, if anywhere. Looked up by hand (not by spawning it) so that a missing
/// Graphviz costs nothing and cannot be confused with a failing one. graphviz-rust runs the `dot`
/// of the same PATH.
pub fn dot_on_path() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| [dir.join("dot"), dir.join("dot.exe")])
        .find(|p| p.is_file())
}

/// Renders the DOT text `dot_text` (as written to a `.dot` file, so the SVG shows exactly that
/// file) to `svg_file` with `dot -Tsvg`. The error is one line.
pub fn render(dot_text: &str, svg_file: &Path) -> Result<(), String> {
    let svg = graphviz_rust::exec_dot(dot_text.to_string(), vec![CommandArg::Format(Format::Svg)])
        .map_err(|e| {
            // graphviz-rust reports a failing `dot` as `Other` with dot's stderr as the message;
            // any other kind means it could not be run (or its input not written) at all.
            if e.kind() == ErrorKind::Other {
                let message = e.to_string();
                format!(
                    "dot failed rendering {}: {}",
                    svg_file.display(),
                    message
                        .lines()
                        .map(str::trim)
                        .find(|l| !l.is_empty())
                        .unwrap_or("no message")
                )
            } else {
                format!("cannot run dot: {e}")
            }
        })?;
    std::fs::write(svg_file, svg).map_err(|e| format!("cannot write {}: {e}", svg_file.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_svg_or_fails_in_one_line() {
        if dot_on_path().is_none() {
            eprintln!("dot not installed: rendering not checked");
            return;
        }
        let dir = std::env::temp_dir().join(format!("tcpmc-svg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let svg = dir.join("ok.svg");
        render("digraph \"g\" {\n  \"a\" -> \"b\";\n}\n", &svg).expect("renders");
        let text = std::fs::read_to_string(&svg).expect("svg written");
        assert!(text.contains("<svg"));
        let err = render("digraph {", &dir.join("bad.svg")).expect_err("syntax error");
        assert!(err.starts_with("dot failed rendering "), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(!dir.join("bad.svg").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
