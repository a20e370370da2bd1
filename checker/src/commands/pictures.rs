//! The picture-making commands: `check --out DIR`, `diagram` and `graph`. Each failure is one
//! line (an [`InputError`]), exit status 2.

use crate::input::cli::{DiagramArgs, GraphArgs};
use crate::input::error::InputError;
use crate::input::output::OutputFile;
use crate::progress::{Display, Meter, Progress};
use crate::search::visit::{explore_metered, TooManyStates, Visit};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use tcpmc_model::system::describe;
use tcpmc_model::{Config, TcpModel};
use tcpmc_properties::{registry, Kind};
use tcpmc_reports::diagram::Diagram;
use tcpmc_reports::dot::print;
use tcpmc_reports::files::write_check_files;
use tcpmc_reports::state_graph::StateGraph;
use tcpmc_reports::svg::{self, DOT_MISSING};
use tcpmc_reports::CheckReport;

/// `check --out DIR`: creates DIR and writes the report's files into it. Prints the one line
/// saying how to render when Graphviz is missing.
pub fn write_report_files(report: &CheckReport, dir: &Path) -> Result<Vec<PathBuf>, InputError> {
    std::fs::create_dir_all(dir).map_err(|e| {
        InputError(format!(
            "cannot create --out directory {}: {e}",
            dir.display()
        ))
    })?;
    let dot = svg::dot_on_path();
    let written = write_check_files(report, dir, dot.is_some()).map_err(InputError)?;
    if dot.is_none() && report.violated() {
        eprintln!("{DOT_MISSING}");
    }
    Ok(written)
}

/// A reporter for a picture's exploration (progress on stderr unless `quiet`).
fn progress(quiet: bool, command: &str) -> Progress {
    let display = Display::unless_quiet(quiet);
    let p = Progress::start(Arc::new(Meter::default()), display, command);
    p.meter().phase("exploring");
    p
}

/// `tcpmc diagram`: builds the configuration and draws it.
pub fn diagram_command(args: &DiagramArgs) -> Result<ExitCode, InputError> {
    let cfg = args.cfg.build()?;
    if let Some(out) = &args.out {
        check_writable(out)?;
    }
    let p = progress(args.progress.quiet, "diagram");
    let drawn = diagram_metered(&cfg, args.out.as_deref(), p.meter());
    p.finish();
    drawn?;
    Ok(ExitCode::SUCCESS)
}

/// `tcpmc graph`: builds the configuration and writes its state space.
pub fn graph_command(args: &GraphArgs) -> Result<ExitCode, InputError> {
    let cfg = args.cfg.build()?;
    check_writable(&args.out)?;
    let p = progress(args.progress.quiet, "graph");
    let written = graph_metered(&cfg, &args.out, args.max_states, p.meter());
    p.finish();
    written?;
    Ok(ExitCode::SUCCESS)
}

/// `tcpmc diagram`: explores everything and projects it onto each endpoint.
pub fn diagram(cfg: &Config, out: Option<&Path>) -> Result<(), InputError> {
    diagram_metered(cfg, out, &Meter::default())
}

/// [`diagram`], its exploration counted on `meter`.
pub fn diagram_metered(cfg: &Config, out: Option<&Path>, meter: &Meter) -> Result<(), InputError> {
    let model = TcpModel::new(cfg.clone());
    let mut d = Diagram::new();
    let states = explore_metered(&model, usize::MAX, meter, |v| match v {
        Visit::State { state, .. } => d.add_state(state),
        Visit::Edge {
            state,
            action,
            next,
            ..
        } => d.add_transition(state, action, next),
    })
    .map_err(|TooManyStates(n)| InputError(format!("more than {n} states")))?;
    let title = format!(
        "TCP state diagram of tcpmc's model ({states} states explored) against RFC 9293 §3.3.2\n{}",
        tcpmc_reports::text::config_line(cfg)
    );
    write_picture(&print(&d.to_dot(&title)), out)
}

/// `tcpmc graph`: the whole state space, refused above `max_states` before anything is written.
pub fn graph(cfg: &Config, out: &Path, max_states: usize) -> Result<(), InputError> {
    graph_metered(cfg, out, max_states, &Meter::default())
}

/// [`graph`], its exploration counted on `meter`.
pub fn graph_metered(
    cfg: &Config,
    out: &Path,
    max_states: usize,
    meter: &Meter,
) -> Result<(), InputError> {
    let model = TcpModel::new(cfg.clone());
    let invariants: Vec<_> = registry()
        .iter()
        .filter(|p| p.kind == Kind::Invariant)
        .collect();
    let mut g = StateGraph::new();
    explore_metered(&model, max_states, meter, |v| match v {
        Visit::State { id, state } => {
            let violated: Vec<&str> = invariants
                .iter()
                .filter(|p| p.discovered_by(cfg, state))
                .map(|p| p.name)
                .collect();
            g.add_state(id, state, &violated);
        }
        Visit::Edge {
            from,
            state,
            action,
            to,
            ..
        } => g.add_edge(from, to, &describe(state, action)),
    })
    .map_err(|TooManyStates(n)| {
        InputError(format!(
            "the state space has more than {n} states; raise --max-states or shrink the configuration (e.g. --incarnations 1 --data-a 0 --data-b 0)"
        ))
    })?;
    let title = format!(
        "tcpmc state space: {} states\n{}",
        g.state_count(),
        tcpmc_reports::text::config_line(cfg)
    );
    write_picture(&print(&g.to_dot(&title)), Some(out))
}

/// Opens the files a picture will be written to before the exploration, so that an unwritable
/// `--out` fails at once (a file created here and never written is removed again).
fn check_writable(out: &Path) -> Result<(), InputError> {
    OutputFile::open("--out", out)?;
    if out.extension().is_some_and(|e| e == "svg") {
        OutputFile::open("--out", &out.with_extension("dot"))?;
    }
    Ok(())
}

/// Writes DOT to `out` (stdout when None); an `.svg` path is rendered with Graphviz, or refused
/// with the one-line hint when it is missing.
fn write_picture(dot_text: &str, out: Option<&Path>) -> Result<(), InputError> {
    let Some(out) = out else {
        print!("{dot_text}");
        return Ok(());
    };
    let is_svg = out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    let dot_file = if is_svg {
        out.with_extension("dot")
    } else {
        out.to_path_buf()
    };
    std::fs::write(&dot_file, dot_text)
        .map_err(|e| InputError(format!("cannot write {}: {e}", dot_file.display())))?;
    if is_svg {
        match svg::dot_on_path() {
            Some(_) => svg::render(dot_text, out).map_err(InputError)?,
            None => eprintln!("{DOT_MISSING}"),
        }
    }
    Ok(())
}
