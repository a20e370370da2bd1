//! `tcpmc check --time dense`: the safety and coverage properties on the zone graph of the
//! dense-time semantics (`tcpmc_model::dense::semantics`), by the same breadth-first engine as
//! the tick model. Liveness is checked on the zone graph with time divergence
//! (`check_dense_live`).

use crate::commands::check::Options;
use crate::commands::check::{exit_status, render, to_json, Checked, LimitReached};
use crate::input::cli::Search;
use crate::input::error::InputError;
use crate::progress::{Display, Limits, Meter, Progress};
use crate::search::goals::Goals;
use crate::search::zone_bfs;
use std::sync::Arc;
use tcpmc_model::dense::{DenseAction, DenseModel, ZoneState};
use tcpmc_model::{Action, Config};
use tcpmc_properties::{Kind, PropertyDef};
use tcpmc_reports::report::{steps, SearchCounts};
use tcpmc_reports::{CheckReport, Stats, Verdict, VerdictKind};

/// The `search` field of the report's statistics.
pub const SEARCH_NAME: &str = "bfs, dense time (zone graph, inclusion)";

struct DenseGoals(Vec<&'static PropertyDef>);

impl Goals<DenseModel> for DenseGoals {
    fn count(&self) -> usize {
        self.0.len()
    }

    fn discovered(&self, model: &DenseModel, index: usize, state: &ZoneState) -> bool {
        self.0[index].discovered_by(&model.cfg, &state.s)
    }
}

/// The steps of a zone-graph path, each with the earliest time it can happen in a timed run of
/// the whole path (`time`, printed `[t=3]` before the action), and each state shown at that
/// time (segment ages, remaining timer ticks).
pub fn timed_steps(
    model: &DenseModel,
    states: &[ZoneState],
    actions: &[DenseAction],
) -> Vec<tcpmc_reports::Step> {
    let timeline = model.timeline(states, actions);
    let shown: Vec<tcpmc_model::State> = match &timeline {
        Some(t) => t.iter().map(|(_, s)| *s).collect(),
        None => states.iter().map(|z| z.s).collect(),
    };
    // The views of the states; the action texts are the dense ones, set below.
    let placeholder = vec![Action::Tick; actions.len()];
    let mut out = steps(&shown, &placeholder);
    for (k, step) in out.iter_mut().enumerate() {
        step.time = Some(match &timeline {
            Some(t) => t[k].0.show(&model.cfg),
            None => "?".into(),
        });
        if k > 0 {
            step.action = Some(model.describe(&states[k - 1], &actions[k - 1]));
        }
    }
    out
}

/// Checks `props` under dense time: the state properties here, the liveness ones with time
/// divergence (`check_dense_live`). Refuses a search other than BFS.
pub fn check_dense(
    cfg: &Config,
    props: &[&'static PropertyDef],
    opts: Options,
    replay_flags: Vec<String>,
) -> Result<CheckReport, InputError> {
    check_dense_metered(cfg, props, opts, replay_flags, &Meter::default()).map(|c| c.report)
}

/// [`check_dense`], its progress on `meter` and stopped at its limits: a limit leaves the
/// properties not yet violated or reached UNKNOWN, as in the tick check.
pub fn check_dense_metered(
    cfg: &Config,
    props: &[&'static PropertyDef],
    opts: Options,
    replay_flags: Vec<String>,
    meter: &Meter,
) -> Result<Checked, InputError> {
    if opts.search != Search::Bfs {
        return Err(InputError(format!(
            "--time dense searches with --search bfs only (got --search {})",
            opts.search.name()
        )));
    }
    if props.iter().any(|p| !p.is_state_property()) {
        let live = crate::commands::check_dense_live::check_live_metered;
        return live(cfg, props, opts, replay_flags, meter).map(|(c, _)| c);
    }
    let model = DenseModel::new(cfg.clone());
    let goals = DenseGoals(props.to_vec());
    let o = zone_bfs::zone_bfs(&model, &goals, opts.threads, opts.stop_early, meter);
    let verdicts: Vec<Verdict> = props
        .iter()
        .zip(&o.discoveries)
        .map(|(p, d)| {
            let verdict = match (p.kind, d.is_some()) {
                (Kind::Invariant, false) => VerdictKind::Holds,
                (Kind::Invariant, true) => VerdictKind::Violated,
                (_, true) => VerdictKind::Reached,
                (_, false) => VerdictKind::NotReached,
            };
            Verdict {
                name: p.name.to_string(),
                description: p.description.to_string(),
                kind: if p.kind == Kind::Invariant {
                    "invariant"
                } else {
                    "reachability"
                }
                .to_string(),
                verdict,
                steps: d
                    .as_ref()
                    .map(|t| timed_steps(&model, &t.states, &t.actions)),
                loop_start: None,
                fairness: None,
            }
        })
        .collect();
    let mut replay = vec!["tcpmc check".to_string()];
    // `--time dense` once, after the other flags (the configuration's own `time` field is one).
    replay.extend(replay_flags.into_iter().filter(|f| f != "--time dense"));
    replay.push("--time dense".into());
    for v in verdicts
        .iter()
        .filter(|v| v.verdict == VerdictKind::Violated)
    {
        replay.push(format!("--property {}", v.name));
    }
    let limit = o.stopped.map(|stop| LimitReached {
        stop,
        during: "the dense-time BFS",
        unique: o.unique,
        depth: o.depth,
        unknown: props
            .iter()
            .zip(&o.discoveries)
            .filter(|(_, d)| d.is_none())
            .map(|(p, _)| p.name.to_string())
            .collect(),
    });
    let report = CheckReport {
        config: cfg.clone(),
        stats: Stats::new(
            SearchCounts {
                unique: o.unique,
                generated: o.generated,
                cut: o.cut,
                depth: o.depth,
                seconds: o.seconds,
                table_bytes: o.table_bytes,
            },
            opts.threads,
            SEARCH_NAME,
        ),
        graph: None,
        verdicts,
        complete: o.complete && limit.is_none(),
        replay: replay.join(" "),
    };
    Ok(Checked { report, limit })
}

/// `tcpmc check --time dense`: with no `--property`, every property, liveness included (then
/// the report ends with the timelock line); a `--search` other than bfs is refused (exit 2).
/// `--out DIR` writes the counterexample files (`dense_out`).
pub fn dense_command(
    args: &crate::input::cli::CheckArgs,
    cfg: &Config,
    threads: usize,
) -> Result<std::process::ExitCode, InputError> {
    use crate::commands::common::select_properties;
    if let Some(dir) = &args.out {
        crate::input::output::writable_dir("--out", dir)?;
    }
    // With every network slot in use there is no clock for time divergence: the default
    // selection then leaves liveness out and says so; a liveness property named is refused.
    let no_slot = cfg.max_in_flight as usize >= tcpmc_model::config::MAX_NET;
    let skipped = no_slot && args.properties.is_empty();
    let props = select_properties(&args.properties, |p| !skipped || p.is_state_property())?;
    let opts = Options {
        threads,
        search: args.search,
        stop_early: args.stop_early,
        fairness: crate::commands::check::fairness(args.fair_delivery, args.fair_app),
    };
    if opts.search != Search::Bfs {
        return Err(InputError(format!(
            "--time dense searches with --search bfs only (got --search {})",
            opts.search.name()
        )));
    }
    let live = props.iter().any(|p| !p.is_state_property());
    let flags = crate::input::settings::flags_from_default(cfg);
    let limits = Limits::from_flags(args.limits.max_states, args.limits.max_memory);
    let meter = Arc::new(Meter::new(limits));
    let display = Display::unless_quiet(args.progress.quiet);
    let progress = Progress::start(meter.clone(), display, "check");
    let checked = if live {
        crate::commands::check_dense_live::check_live_metered(cfg, &props, opts, flags, &meter)
    } else {
        check_dense_metered(cfg, &props, opts, flags, &meter).map(|c| (c, None))
    };
    progress.finish();
    let (checked, timelocks) = checked?;
    let note = match &timelocks {
        Some(t) => Some(t.line()),
        None if skipped => Some(format!(
            "liveness: not checked ({})",
            crate::commands::check_dense_live::no_free_slot()
        )),
        None => None,
    };
    if let Some(dir) = &args.out {
        crate::commands::dense_out::write_dense_files(&checked, cfg, dir)?;
    }
    if args.json {
        println!("{}", to_json(&checked)?);
        if let Some(note) = &note {
            eprintln!("{note}");
        }
    } else {
        print!("{}", render(&checked));
        if let Some(note) = &note {
            println!("{note}");
        }
    }
    // A timelock is a bug of the model: exit 1, as for a violation.
    if timelocks.is_some_and(|t| t.count > 0) {
        return Ok(std::process::ExitCode::from(1));
    }
    Ok(exit_status(&checked))
}
