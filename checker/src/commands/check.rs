//! `tcpmc check`: safety and coverage by the BFS or DFS engine, liveness on the explicit graph,
//! all turned into one report.

use crate::commands::common::{count, select_properties};
use crate::commands::pictures;
use crate::input::cli::{CheckArgs, Search};
use crate::input::error::InputError;
use crate::input::output::writable_dir;
use crate::progress::{Display, Limits, Meter, Progress, Stop};
use crate::search::bfs::{self, Outcome};
use crate::search::dfs;
use crate::search::goals::{Goals, Trace};
use crate::search::graph::{self, StateGraph};
use crate::search::liveness::{self, Fairness, Lasso};
use std::process::ExitCode;
use std::sync::Arc;
use tcpmc_model::tcp_state::TcpState;
use tcpmc_model::{Action, Config, Side, State, TcpModel, Time};
use tcpmc_properties::{registry, Kind, PropertyDef};
use tcpmc_reports::report::{steps, SearchCounts};
use tcpmc_reports::{CheckReport, GraphStats, Stats, Verdict, VerdictKind};

/// The state properties of a check, as goals for the search.
pub struct Selected(pub Vec<&'static PropertyDef>);

impl Goals<TcpModel> for Selected {
    fn count(&self) -> usize {
        self.0.len()
    }

    fn discovered(&self, model: &TcpModel, index: usize, state: &State) -> bool {
        self.0[index].discovered_by(&model.cfg, state)
    }
}

/// How a check runs.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    pub threads: usize,
    pub search: Search,
    /// Stop the safety search once every state property is decided.
    pub stop_early: bool,
    pub fairness: Fairness,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            threads: 2,
            search: Search::Bfs,
            stop_early: false,
            fairness: fairness(false, true),
        }
    }
}

/// Weak fairness on time always; strong fairness on delivery and weak fairness on the
/// applications' close when asked.
pub fn fairness(delivery: bool, app: bool) -> Fairness {
    use crate::search::graph::class::*;
    Fairness {
        weak: TICK | if app { CLOSE_A | CLOSE_B } else { 0 },
        strong: if delivery { DELIVER_ALL } else { 0 },
        must: 0,
    }
}

/// The fairness in words, as every liveness verdict states it.
pub fn describe_fairness(f: Fairness) -> String {
    use crate::search::graph::class::*;
    let mut parts = vec!["weak fairness of time (ticks and expired timers)".to_string()];
    if f.strong & DELIVER_ALL != 0 {
        parts.push(
            "strong fairness of delivery for each direction and kind of segment (SYN, SYN+ACK, data, FIN, ACK, RST)"
                .into(),
        );
    }
    if f.weak & (CLOSE_A | CLOSE_B) != 0 {
        parts.push("weak fairness of the applications' close".into());
    }
    parts.join("; ")
}

/// Checks `props` against the model of `cfg` (safety search with `threads` workers; the
/// search stops early only when asked, and then the counts are partial).
pub fn check(
    cfg: &Config,
    props: &[&'static PropertyDef],
    threads: usize,
    stop_early: bool,
) -> CheckReport {
    check_with(
        cfg,
        props,
        Options {
            threads,
            stop_early,
            ..Options::default()
        },
    )
}

/// The shortest lasso of every liveness property in `props` (in order): `Some(None)` where it
/// holds, `Some(lasso)` where it is violated, `None` where a limit left it undecided. Each
/// (property, side) search is independent, so `opts.threads` workers share them; the result
/// does not depend on how they were shared. Before each search the memory limit must allow its
/// scratch arrays (about 8 bytes per state).
fn liveness_lassos(
    g: &StateGraph,
    props: &[&'static PropertyDef],
    opts: Options,
    meter: &Meter,
) -> Vec<Option<Option<Lasso>>> {
    let goals: Vec<Option<TcpState>> = props
        .iter()
        .filter(|p| !p.is_state_property())
        .map(|p| match p.kind {
            Kind::Terminates(st) => Some(st),
            _ => None,
        })
        .collect();
    let jobs: Vec<(usize, Side, TcpState)> = goals
        .iter()
        .enumerate()
        .filter_map(|(k, st)| st.map(|st| (k, st)))
        .flat_map(|(k, st)| [(k, Side::A, st), (k, Side::B, st)])
        .collect();
    meter.set_items(0, jobs.len() as u64);
    let scratch = g.states.len() as u64 * 8;
    let run = |&(_, side, st): &(usize, Side, TcpState)| -> Option<Option<Lasso>> {
        if meter.halted() {
            return None;
        }
        if let Err(e) = meter.memory_ok(scratch) {
            meter.halt(e);
            return None;
        }
        // A host that went down is frozen, not waiting: only live endpoints count.
        let inside = |v: u32| g.states.in_state(v, side, st);
        let found = liveness::check_leads_to(&g.graph, g, &inside, &inside, opts.fairness);
        meter.item_done();
        Some(found)
    };
    let workers = opts.threads.clamp(1, jobs.len().max(1));
    let found: Vec<Option<Option<Lasso>>> = if workers == 1 {
        jobs.iter().map(run).collect()
    } else {
        let mut slots: Vec<Option<Option<Lasso>>> = vec![None; jobs.len()];
        let done: Vec<Vec<(usize, Option<Option<Lasso>>)>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers)
                .map(|w| {
                    let (jobs, run) = (&jobs, &run);
                    scope.spawn(move || {
                        (w..jobs.len())
                            .step_by(workers)
                            .map(|j| (j, run(&jobs[j])))
                            .collect()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("a liveness worker panicked"))
                .collect()
        });
        for (j, l) in done.into_iter().flatten() {
            slots[j] = l;
        }
        slots
    };
    let mut best: Vec<Option<Option<Lasso>>> = vec![Some(None); goals.len()];
    for (&(k, _, _), l) in jobs.iter().zip(found) {
        match (l, &mut best[k]) {
            // Undecided on one side: undecided, unless the other side found a lasso.
            (None, b) => {
                if !matches!(b, Some(Some(_))) {
                    *b = None;
                }
            }
            (Some(None), _) => {}
            // Side A first; B only if strictly shorter, as a sequential min_by_key would choose.
            (Some(Some(l)), b) => {
                let len = l.stem.len() + l.cycle.len();
                let shorter = match b {
                    Some(Some(prev)) => len < prev.stem.len() + prev.cycle.len(),
                    _ => true,
                };
                if shorter {
                    *b = Some(Some(l));
                }
            }
        }
    }
    best
}

/// A check that a limit stopped before the end: which limit, where, how far it got, and which
/// verdicts are therefore not final (a violation found stays a violation; a property not yet
/// violated, or a goal not yet reached, is unknown).
#[derive(Clone, Debug)]
pub struct LimitReached {
    pub stop: Stop,
    /// The search the limit stopped (`the liveness graph build`, `the BFS safety search`, …).
    pub during: &'static str,
    pub unique: u64,
    pub depth: usize,
    /// Names of the properties whose verdicts are unknown.
    pub unknown: Vec<String>,
}

/// The report of a check and, when a limit stopped it, what the limit left undecided. In the
/// report the undecided verdicts read HOLDS or NOT REACHED (their kinds have no "unknown"):
/// [`render`] and [`to_json`] print them as UNKNOWN.
pub struct Checked {
    pub report: CheckReport,
    pub limit: Option<LimitReached>,
}

/// Checks `props` with explicit options, with no limit and no progress.
pub fn check_with(cfg: &Config, props: &[&'static PropertyDef], opts: Options) -> CheckReport {
    check_run(cfg, props, opts, &Meter::default()).report
}

/// Checks `props`, reporting progress to `meter` and stopping at its limits.
pub fn check_run(
    cfg: &Config,
    props: &[&'static PropertyDef],
    opts: Options,
    meter: &Meter,
) -> Checked {
    let model = TcpModel::new(cfg.clone());
    let state_props: Vec<&'static PropertyDef> = props
        .iter()
        .copied()
        .filter(|p| p.is_state_property())
        .collect();
    let goals = Selected(state_props.clone());
    let wants_liveness = props.iter().any(|p| !p.is_state_property());
    // With liveness the graph is explored anyway; a breadth-first safety search over the same
    // states in the same order would find the same verdicts and traces, so it reuses the graph.
    let shared = wants_liveness && opts.search == Search::Bfs && !opts.stop_early;
    assert!(goals.0.len() <= 64, "at most 64 goals per search");
    let discovered = |s: &State, pending: u64| {
        let mut mask = 0u64;
        for (k, p) in goals.0.iter().enumerate() {
            if pending & 1 << k != 0 && p.discovered_by(&model.cfg, s) {
                mask |= 1 << k;
            }
        }
        mask
    };
    let spec = graph::Spec {
        classes: opts.fairness.weak | opts.fairness.strong,
        goals: if shared { &discovered } else { &|_, _| 0 },
        goal_count: if shared { goals.0.len() } else { 0 },
    };
    // A safety search of its own runs first, so that its memory is free before the graph's.
    let own = (!shared).then(|| safety_search(&model, &goals, opts, meter));
    let g = wants_liveness.then(|| {
        meter.phase("liveness graph");
        graph::build_with(&model, opts.threads, &spec, meter)
    });
    let outcome = match (own, &g) {
        (Some(o), _) => o,
        (None, Some(g)) => safety_from_graph(&model, g, &goals),
        (None, None) => unreachable!("a shared search has a graph"),
    };
    let mut by_name = std::collections::HashMap::new();
    for (p, d) in state_props.iter().zip(&outcome.discoveries) {
        let verdict = match (p.kind, d.is_some()) {
            (Kind::Invariant, false) => VerdictKind::Holds,
            (Kind::Invariant, true) => VerdictKind::Violated,
            (_, true) => VerdictKind::Reached,
            (_, false) => VerdictKind::NotReached,
        };
        let kind = if p.kind == Kind::Invariant {
            "invariant"
        } else {
            "reachability"
        };
        let steps = d.as_ref().map(|t| steps(&t.states, &t.actions));
        by_name.insert(p.name, verdict_of(p, kind, verdict, steps, None, None));
    }
    // Undecided safety verdicts: none if the search completed, else every one not discovered.
    let mut unknown: Vec<String> = Vec::new();
    if outcome.stopped.is_some() {
        for (p, d) in state_props.iter().zip(&outcome.discoveries) {
            if d.is_none() {
                unknown.push(p.name.to_string());
            }
        }
    }
    let mut limit = outcome.stopped.map(|stop| LimitReached {
        stop,
        during: outcome.during,
        unique: outcome.unique,
        depth: outcome.depth,
        unknown: Vec::new(),
    });
    let mut graph_stats = None;
    if let Some(g) = &g {
        let lassos = match g.stopped {
            None => {
                meter.phase("liveness");
                let l = liveness_lassos(g, props, opts, meter);
                if let Some(stop) = meter.stopped() {
                    limit = limit.or(Some(LimitReached {
                        stop,
                        during: "the liveness searches",
                        unique: g.states.len() as u64,
                        depth: g.levels(),
                        unknown: Vec::new(),
                    }));
                }
                l
            }
            Some(stop) => {
                limit = limit.or(Some(LimitReached {
                    stop,
                    during: "the liveness graph build",
                    unique: g.states.len() as u64,
                    depth: g.levels(),
                    unknown: Vec::new(),
                }));
                vec![None; props.iter().filter(|p| !p.is_state_property()).count()]
            }
        };
        meter.phase("traces");
        for (p, lasso) in props.iter().filter(|p| !p.is_state_property()).zip(lassos) {
            if !matches!(p.kind, Kind::Terminates(_)) {
                continue;
            }
            let fairness = Some(describe_fairness(opts.fairness));
            let v = match lasso {
                None => {
                    unknown.push(p.name.to_string());
                    verdict_of(p, "liveness", VerdictKind::Holds, None, None, None)
                }
                Some(None) => verdict_of(p, "liveness", VerdictKind::Holds, None, None, fairness),
                Some(Some(l)) => {
                    let (states, actions) = lasso_trace(&model, g, &l);
                    let loop_start = Some(l.stem.len() - 1);
                    let st = Some(steps(&states, &actions));
                    verdict_of(
                        p,
                        "liveness",
                        VerdictKind::Violated,
                        st,
                        loop_start,
                        fairness,
                    )
                }
            };
            by_name.insert(p.name, v);
        }
        graph_stats = Some(GraphStats::new(
            g.states.len() as u64,
            g.graph.edge_count() as u64,
            g.cut,
            g.seconds,
            g.bytes() as u64,
        ));
    }
    let verdicts: Vec<Verdict> = props
        .iter()
        .filter_map(|p| by_name.remove(p.name))
        .collect();
    let mut replay = vec!["tcpmc check".to_string()];
    replay.extend(crate::input::settings::flags_from_default(cfg));
    if opts.fairness.strong != 0 {
        replay.push("--fair-delivery".into());
    }
    if opts.fairness.weak & !graph::class::TICK == 0 {
        replay.push("--fair-app false".into());
    }
    for v in verdicts
        .iter()
        .filter(|v| v.verdict == VerdictKind::Violated)
    {
        replay.push(format!("--property {}", v.name));
    }
    let seconds = outcome.seconds;
    // The BFS engine and the graph build both use every thread; the DFS uses one.
    let threads = if opts.search == Search::Bfs {
        opts.threads
    } else {
        1
    };
    if let Some(l) = &mut limit {
        // In the order of the report.
        l.unknown = props
            .iter()
            .filter(|p| unknown.iter().any(|u| u == p.name))
            .map(|p| p.name.to_string())
            .collect();
    }
    let report = CheckReport {
        config: cfg.clone(),
        stats: Stats::new(
            SearchCounts {
                unique: outcome.unique,
                generated: outcome.generated,
                cut: outcome.cut,
                depth: outcome.depth,
                seconds,
                table_bytes: outcome.table_bytes,
            },
            threads,
            outcome.search,
        ),
        graph: graph_stats,
        verdicts,
        complete: outcome.complete && limit.is_none(),
        replay: replay.join(" "),
    };
    Checked { report, limit }
}

/// What the safety search found, whichever way it ran.
struct SafetyOutcome {
    unique: u64,
    generated: u64,
    cut: u64,
    depth: usize,
    seconds: f64,
    complete: bool,
    discoveries: Vec<Option<Trace<TcpModel>>>,
    search: &'static str,
    table_bytes: u64,
    /// The limit that stopped the search, and which search it was.
    stopped: Option<Stop>,
    during: &'static str,
}

/// The safety verdicts read off the liveness graph: nodes are in breadth-first discovery order
/// and the build recorded each goal's first discovering node, exactly as the BFS engine does,
/// and the tree path to it is the engine's parent chain, so the traces are the engine's.
fn safety_from_graph(model: &TcpModel, g: &StateGraph, goals: &Selected) -> SafetyOutcome {
    let targets: Vec<u32> = g.discoveries.iter().flatten().copied().collect();
    let mut paths = g.tree_paths(&targets).into_iter();
    let discoveries = g
        .discoveries
        .iter()
        .take(goals.0.len())
        .map(|d| {
            d.map(|_| {
                let path = paths.next().expect("a path per discovery");
                let l = Lasso {
                    stem: path,
                    cycle: Vec::new(),
                };
                let (states, actions) = lasso_trace(model, g, &l);
                Trace { states, actions }
            })
        })
        .collect();
    SafetyOutcome {
        unique: g.states.len() as u64,
        generated: g.generated,
        cut: g.cut,
        depth: g.levels(),
        seconds: g.seconds,
        complete: g.stopped.is_none(),
        discoveries,
        search: "bfs, shared with the liveness graph",
        table_bytes: g.bytes() as u64,
        stopped: g.stopped,
        during: "the liveness graph build",
    }
}

/// Runs the safety search of `opts.search`. Auto: a DFS decides every verdict with the least
/// memory; only if it discovered something (a violation, a reached goal) does a BFS, limited to
/// those properties and stopping once they are discovered, produce the shortest traces.
fn safety_search(
    model: &TcpModel,
    goals: &Selected,
    opts: Options,
    meter: &Meter,
) -> SafetyOutcome {
    let from_bfs = |o: Outcome<TcpModel>| SafetyOutcome {
        unique: o.unique,
        generated: o.generated,
        cut: o.cut,
        depth: o.depth,
        seconds: o.seconds,
        complete: o.complete,
        discoveries: o.discoveries,
        search: "bfs",
        table_bytes: o.table_bytes,
        stopped: o.stopped,
        during: "the BFS safety search",
    };
    match opts.search {
        Search::Bfs => {
            meter.phase("bfs");
            from_bfs(bfs::bfs_metered(
                model,
                goals,
                opts.threads,
                opts.stop_early,
                meter,
            ))
        }
        Search::Dfs | Search::Auto => {
            meter.phase("dfs");
            let d = dfs::dfs_metered(model, goals, opts.stop_early, meter);
            let mut out = SafetyOutcome {
                unique: d.unique,
                generated: d.generated,
                cut: d.cut,
                depth: d.max_stack,
                seconds: d.seconds,
                complete: d.complete,
                discoveries: d.discoveries,
                search: "dfs",
                table_bytes: d.table_bytes,
                stopped: d.stopped,
                during: "the DFS safety search",
            };
            if opts.search == Search::Auto {
                let found: Vec<usize> = (0..goals.0.len())
                    .filter(|&i| out.discoveries[i].is_some())
                    .collect();
                if !found.is_empty() {
                    let sub = Selected(found.iter().map(|&i| goals.0[i]).collect());
                    meter.phase("bfs (shortest traces)");
                    let mut b = bfs::bfs_metered(model, &sub, opts.threads, true, meter);
                    for (k, &i) in found.iter().enumerate() {
                        // A limit may stop this BFS too: then the DFS's trace stays.
                        if let Some(t) = b.discoveries[k].take() {
                            out.discoveries[i] = Some(t);
                        }
                    }
                    out.seconds += b.seconds;
                    out.search = "dfs+bfs";
                }
            }
            out
        }
    }
}

fn verdict_of(
    p: &PropertyDef,
    kind: &str,
    verdict: VerdictKind,
    steps: Option<Vec<tcpmc_reports::Step>>,
    loop_start: Option<usize>,
    fairness: Option<String>,
) -> Verdict {
    Verdict {
        name: p.name.to_string(),
        description: p.description.to_string(),
        kind: kind.to_string(),
        verdict,
        steps,
        loop_start,
        fairness,
    }
}

/// The states and actions of a lasso: the stem, then the cycle back to the stem's last state,
/// replayed in the model from the initial state.
fn lasso_trace(model: &TcpModel, g: &StateGraph, l: &Lasso) -> (Vec<State>, Vec<Action>) {
    let hops: Vec<(u32, u16)> = l.stem[1..]
        .iter()
        .map(|&v| (v, 0u16))
        .chain(l.cycle.iter().map(|e| (e.to, e.class)))
        .collect();
    g.replay(model, l.stem[0], &hops)
}

/// The text report: tcpmc_reports' own, and where a limit stopped the search, with a `limit:`
/// line and each undecided verdict printed as UNKNOWN (final ones are as in a complete check).
pub fn render(c: &Checked) -> String {
    let Some(limit) = &c.limit else {
        return tcpmc_reports::text::render(&c.report);
    };
    let unknown = |name: &str| limit.unknown.iter().any(|u| u == name);
    // Rendered as if complete (no `partial:` line), then the undecided lines are rewritten.
    let shown = CheckReport {
        complete: true,
        ..c.report.clone()
    };
    let text = tcpmc_reports::text::render(&shown);
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let header_end = lines.iter().position(|l| l.is_empty()).unwrap_or(0);
    let table = header_end + 1..header_end + 1 + c.report.verdicts.len();
    for (k, v) in table.clone().zip(&c.report.verdicts) {
        if unknown(&v.name) {
            lines[k] = format!("{:<12}{:<33}{}", "UNKNOWN", v.name, "(search incomplete)");
        }
    }
    let properties = |kind: bool| {
        c.report
            .verdicts
            .iter()
            .filter(move |v| (v.kind == "reachability") == kind)
    };
    let checked = properties(false).count();
    let violated = properties(false)
        .filter(|v| v.verdict == VerdictKind::Violated)
        .count();
    let open = properties(false).filter(|v| unknown(&v.name)).count();
    let goals = properties(true).count();
    let reached = properties(true)
        .filter(|v| v.verdict == VerdictKind::Reached)
        .count();
    let open_goals = properties(true).filter(|v| unknown(&v.name)).count();
    for l in lines.iter_mut().skip(table.end) {
        if l.starts_with("result: ") {
            let holding = checked - violated - open;
            let hold = if holding > 0 {
                format!(", {holding} hold")
            } else {
                String::new()
            };
            *l = if violated > 0 {
                format!(
                    "result: {violated} of {checked} properties VIOLATED, {open} unknown (search incomplete){hold}"
                )
            } else {
                format!(
                    "result: search incomplete: {open} of {checked} properties unknown, none violated{hold}"
                )
            };
        } else if l.starts_with("coverage: ") && open_goals > 0 {
            *l = format!("coverage: {reached} of {goals} goals reached, {open_goals} unknown");
        }
    }
    let says = format!(
        "limit: {} during {}, at {} unique states, depth {}: verdicts not yet decided are UNKNOWN",
        limit.stop.describe(),
        limit.during,
        limit.unique,
        limit.depth
    );
    lines.insert(header_end, says);
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// The JSON report; where a limit stopped the search, `complete` is false, each undecided
/// verdict is `UNKNOWN` (without steps or fairness) and `limit` says which limit, where, and
/// how far the search got.
pub fn to_json(c: &Checked) -> Result<String, InputError> {
    let encode = |e: serde_json::Error| InputError(format!("cannot encode the report: {e}"));
    let mut v = serde_json::to_value(&c.report).map_err(encode)?;
    if let (Some(limit), Some(obj)) = (&c.limit, v.as_object_mut()) {
        obj.insert("complete".into(), false.into());
        if let Some(verdicts) = obj.get_mut("verdicts").and_then(|x| x.as_array_mut()) {
            for verdict in verdicts.iter_mut().filter_map(|x| x.as_object_mut()) {
                let name = verdict.get("name").and_then(|n| n.as_str()).unwrap_or("");
                if limit.unknown.iter().any(|u| u == name) {
                    verdict.insert("verdict".into(), "UNKNOWN".into());
                    for k in ["steps", "loop_start", "fairness"] {
                        verdict.remove(k);
                    }
                }
            }
        }
        // The limit's value; a refused allocation has none (it came below the limit).
        let value = match limit.stop {
            Stop::States { limit } | Stop::Memory { limit, .. } => Some(limit),
            Stop::Refused { .. } => None,
        };
        let flag = limit.stop.flag();
        obj.insert(
            "limit".into(),
            serde_json::json!({
                "flag": flag,
                "value": value,
                "reason": limit.stop.describe(),
                "during": limit.during,
                "unique_states": limit.unique,
                "depth": limit.depth,
                "unknown": limit.unknown,
            }),
        );
    }
    serde_json::to_string_pretty(&v).map_err(encode)
}

/// The exit status of a check: 1 a violation was found (final even when a limit stopped the
/// search), else 3 a limit stopped it, else 0.
pub fn exit_status(c: &Checked) -> ExitCode {
    if c.report.violated() {
        ExitCode::from(1)
    } else if c.limit.is_some() {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    }
}

/// `tcpmc check`: the report on stdout (text or JSON), progress on stderr; exit status 1 when a
/// property is violated, 3 when a limit stopped the search first.
pub fn check_command(args: &CheckArgs) -> Result<ExitCode, InputError> {
    if args.list {
        // The flags beside --list are still checked: a bad one is an error, not ignored.
        args.cfg.build_with_time(args.time)?;
        select_properties(&args.properties, |_| true)?;
        for p in registry() {
            let kind = match p.kind {
                Kind::Invariant => "invariant",
                Kind::Reachability => "coverage",
                Kind::Terminates(_) => "liveness",
            };
            println!("{:<32} {:<10} {}", p.name, kind, p.description);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let cfg = args.cfg.build_with_time(args.time)?;
    let props = select_properties(&args.properties, |_| true)?;
    let threads = count("threads", args.threads)?;
    if cfg.time == Time::Dense {
        return crate::commands::check_dense::dense_command(args, &cfg, threads);
    }
    if let Some(dir) = &args.out {
        writable_dir("--out", dir)?;
    }
    let opts = Options {
        threads,
        search: args.search,
        stop_early: args.stop_early,
        fairness: fairness(args.fair_delivery, args.fair_app),
    };
    let limits = Limits::from_flags(args.limits.max_states, args.limits.max_memory);
    let meter = Arc::new(Meter::new(limits));
    let display = Display::unless_quiet(args.progress.quiet);
    let progress = Progress::start(meter.clone(), display, "check");
    let checked = check_run(&cfg, &props, opts, &meter);
    progress.finish();
    if let Some(dir) = &args.out {
        pictures::write_report_files(&checked.report, dir)?;
        if checked.limit.is_some() {
            let path = dir.join("report.json");
            std::fs::write(&path, to_json(&checked)? + "\n")
                .map_err(|e| InputError(format!("cannot write {}: {e}", path.display())))?;
        }
    }
    if args.json {
        println!("{}", to_json(&checked)?);
    } else {
        print!("{}", render(&checked));
    }
    Ok(exit_status(&checked))
}
