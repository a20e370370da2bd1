//! The `scenarios` suite: every `examples/*.scenario` (or the files given), run with the kernel as
//! A and then as B. The model's path is the scenario replayed under the conform variant, with the
//! file's own modifiers and `config` lines on top; where the file's `expect` lines are about
//! another stack and the variant's model cannot meet them, the path is replayed without them, so
//! that the kernel is held against the variant's model, not against the file's stack.

use super::difference;
use super::netns::Namespace;
use super::path::{self, Kind, PathStep};
use super::table::Outcome;
use crate::input::error::InputError;
use crate::input::scenario_file::{self, Scenario};
use crate::input::variant::{Role, VARIANTS};
use crate::progress::Meter;
use std::path::{Path, PathBuf};
use tcpmc_model::replay::replay;
use tcpmc_model::step::{SegmentRef, Step};
use tcpmc_model::{Config, Side, State};

/// A scenario read for the suite: its name, the lines before its steps, and the model's path.
pub struct Prepared {
    pub name: String,
    pub header: Vec<String>,
    pub cfg: Config,
    /// The path, or why the variant's model cannot follow the file.
    pub path: Result<Vec<PathStep>, String>,
}

/// The files of the suite: those given, else `examples/*.scenario` of the working directory or,
/// failing that, of the source tree tcpmc was built from.
pub fn files(given: &[PathBuf]) -> Result<Vec<PathBuf>, InputError> {
    if !given.is_empty() {
        return Ok(given.to_vec());
    }
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let dir = [PathBuf::from("examples"), built]
        .into_iter()
        .find(|d| d.is_dir())
        .ok_or_else(|| {
            InputError("no examples/ directory here: give scenario files as arguments".into())
        })?;
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| InputError(format!("cannot read {}: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "scenario"))
        .collect();
    out.sort();
    if out.is_empty() {
        return Err(InputError(format!(
            "no .scenario files in {}",
            dir.display()
        )));
    }
    Ok(out)
}

/// Reads a file and computes its path under `variant` (a stack, maybe with modifiers).
pub fn prepare(file: &Path, variant: &str) -> Result<Prepared, InputError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| InputError(format!("cannot read scenario file {}: {e}", file.display())))?;
    let name = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.display().to_string());
    // The file's variant line: its modifiers join the conform variant; a stack of its own must be
    // the conform variant's.
    let mut spec = variant.to_string();
    let mut rewritten = String::new();
    let mut header = Vec::new();
    for line in text.lines() {
        let t = line.split('#').next().unwrap_or("").trim();
        if let Some(v) = t.strip_prefix("variant ") {
            for part in v.trim().split(',') {
                let part = part.trim();
                let stack = VARIANTS
                    .iter()
                    .any(|x| x.name == part && x.role == Role::Base);
                if stack {
                    if !variant.split(',').any(|p| p.trim() == part) {
                        return Err(InputError(format!(
                            "{}: written for the {part} stack, not {variant}",
                            file.display()
                        )));
                    }
                } else if !spec.split(',').any(|p| p.trim() == part) {
                    spec.push(',');
                    spec.push_str(part);
                }
            }
            rewritten.push('\n');
            continue;
        }
        if t.starts_with("config ") {
            header.push(t.to_string());
        }
        rewritten.push_str(line);
        rewritten.push('\n');
    }
    header.insert(0, format!("variant {spec}"));
    let text = format!("variant {spec}\n{rewritten}");
    let at = |e: InputError| InputError(format!("{}: {}", file.display(), e.0));
    let sc: Scenario = scenario_file::parse(&text).map_err(at)?;
    let sc = Scenario {
        cfg: crate::input::settings::ticks_only(sc.cfg).map_err(at)?,
        ..sc
    };
    let path = model_path(&sc);
    Ok(Prepared {
        name,
        header,
        cfg: sc.cfg,
        path,
    })
}

/// The scenario's path in the model: as written, else without its `expect` lines. Where a step
/// names a segment the variant sends with ACK set or clear (RFC 9293's bare RST of an abort is
/// Linux's RST,ACK: the `active_rst` rule), the step names the variant's segment instead.
fn model_path(sc: &Scenario) -> Result<Vec<PathStep>, String> {
    let all: Vec<(String, Step)> = sc.lines.iter().map(|l| (l.text.clone(), l.step)).collect();
    let without: Vec<(String, Step)> = all
        .iter()
        .filter(|(_, s)| !matches!(s, Step::Expect(_)))
        .cloned()
        .collect();
    let mut last = String::new();
    for mut lines in [all, without] {
        for _ in 0..=lines.len() {
            let steps: Vec<Step> = lines.iter().map(|(_, s)| *s).collect();
            let f = match replay(&sc.cfg, &steps) {
                Ok(taken) => return Ok(path_of(&lines, taken)),
                Err(f) => f,
            };
            let text = lines.get(f.index).map(|l| l.0.as_str()).unwrap_or("");
            last = format!("the model cannot follow step '{text}' ({:?})", f.why);
            match toggled_ack(&f.state, &lines[f.index]) {
                Some(fixed) => lines[f.index] = fixed,
                None => break,
            }
        }
    }
    Err(last)
}

/// The step with its segment's ACK flag toggled, if that names a segment in flight in `s`.
fn toggled_ack(s: &State, line: &(String, Step)) -> Option<(String, Step)> {
    use tcpmc_model::segment::flags::ACK;
    let turn = |r: SegmentRef| SegmentRef {
        flags: r.flags ^ ACK,
        ..r
    };
    let step = match line.1 {
        Step::Deliver(r, c) => Step::Deliver(turn(r), c),
        Step::Lose(r) => Step::Lose(turn(r)),
        Step::Dup(r) => Step::Dup(turn(r)),
        _ => return None,
    };
    let r = match step {
        Step::Deliver(r, _) | Step::Lose(r) | Step::Dup(r) => r,
        _ => return None,
    };
    r.find(s)?;
    let probe = tcpmc_model::Segment {
        flags: r.flags,
        len: u8::from(r.data),
        ..Default::default()
    };
    let verb = line.0.split_whitespace().next().unwrap_or("deliver");
    let k = if r.k > 1 {
        format!(" #{}", r.k)
    } else {
        String::new()
    };
    let text = format!(
        "{verb} {}->{} {}{k}",
        r.from,
        r.from.peer(),
        probe.flag_names()
    );
    Some((text, step))
}

fn path_of(lines: &[(String, Step)], taken: Vec<tcpmc_model::replay::Taken>) -> Vec<PathStep> {
    let mut before = State::initial();
    let mut out = Vec::new();
    for t in taken {
        let (text, step) = &lines[t.index];
        let kind = kind_of(&before, step);
        let chose = match (step, t.chose) {
            (Step::Connect(_, None) | Step::Deliver(_, None), Some(c)) => pin(text, step, c),
            _ => text.clone(),
        };
        out.push(PathStep {
            text: chose,
            kind,
            before,
            after: t.state,
        });
        before = t.state;
    }
    out
}

/// The step with the choice the replay made pinned, so that a written scenario replays the same.
fn pin(text: &str, step: &Step, chose: u8) -> String {
    use tcpmc_model::system::Choice;
    match (step, Choice::of(chose)) {
        (Step::Connect(..), Choice::Iss(iss)) | (Step::Deliver(..), Choice::Iss(iss)) => {
            format!("{text} (ISS={iss})")
        }
        (Step::Deliver(..), Choice::Zero(z)) => format!("{text} (zero={z})"),
        _ => text.to_string(),
    }
}

fn kind_of(before: &State, step: &Step) -> Kind {
    use super::path::Call;
    match *step {
        Step::Connect(s, _) => Kind::Call(s, Call::Connect),
        Step::Call(a) => Kind::of(before, &a),
        Step::Deliver(r, _) => r
            .find(before)
            .map(|i| Kind::Deliver(before.net.get(i)))
            .unwrap_or(Kind::ModelOnly),
        Step::Lose(_) | Step::Dup(_) | Step::Expect(_) => Kind::ModelOnly,
        Step::Tick(_) => Kind::Tick,
    }
}

/// Runs every prepared scenario with the kernel as A, then as B.
pub fn run(ns: &Namespace, prepared: &[Prepared], slow: bool, meter: &Meter) -> Vec<Outcome> {
    let mut out = Vec::new();
    meter.set_items(0, 2 * prepared.len() as u64);
    for (i, p) in prepared.iter().enumerate() {
        for (j, kernel) in [Side::A, Side::B].into_iter().enumerate() {
            let k = (2 * i + j) as u16;
            match &p.path {
                Err(why) => {
                    let run = path::PathRun::not_runnable(why.clone());
                    out.push(path::outcome(&p.name, kernel, 0, run));
                }
                Ok(steps) => {
                    let run = path::run(ns, &p.cfg, kernel, steps, (20000 + k, 50000 + k), slow);
                    let title = format!("{} with the kernel as {kernel}", p.name);
                    let text = difference::scenario(&title, &p.header, steps, &run, kernel);
                    let mut o = path::outcome(&p.name, kernel, steps.len(), run);
                    if o.verdict == super::table::Verdict::Differ {
                        o.replay = text;
                    }
                    out.push(o);
                }
            }
            meter.item_done();
        }
    }
    out
}
