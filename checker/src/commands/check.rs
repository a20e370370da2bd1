//! `tcpmc check`: safety and coverage by the BFS or DFS engine, liveness on the explicit graph,
//! all turned into one report.

use crate::commands::common::{count, create_out_dir, select_properties};
use crate::commands::pictures;
use crate::input::cli::{CheckArgs, Search, TimeSemantics};
use crate::input::error::InputError;
use crate::search::bfs::{self, Outcome};
use crate::search::dfs;
use crate::search::goals::{Goals, Trace};
use crate::search::graph::{self, StateGraph};
use crate::search::liveness::{self, Fairness, Lasso};
use std::process::ExitCode;
use tcpmc_model::tcp_state::TcpState;
use tcpmc_model::{Action, Config, Side, State, TcpModel};
use tcpmc_properties::{registry, Kind, PropertyDef};
use tcpmc_reports::report::steps;
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

/// The shortest lasso of every liveness property in `props` (in order), or `None` where it holds.
/// Each (property, side) search is independent, so `opts.threads` workers share them; the result
/// does not depend on how they were shared.
fn liveness_lassos(
    g: &StateGraph,
    tree: &(Vec<u32>, Vec<u32>),
    props: &[&'static PropertyDef],
    opts: Options,
) -> Vec<Option<Lasso>> {
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
    let run = |&(_, side, st): &(usize, Side, TcpState)| {
        // A host that went down is frozen, not waiting: only live endpoints count.
        let inside = |v: u32| {
            let s = &g.states[v as usize];
            s.ep(side).state == st && !s.is_down(side)
        };
        liveness::check_leads_to(&g.graph, tree, &inside, &inside, opts.fairness)
    };
    let workers = opts.threads.clamp(1, jobs.len().max(1));
    let found: Vec<Option<Lasso>> = if workers == 1 {
        jobs.iter().map(run).collect()
    } else {
        let mut slots: Vec<Option<Lasso>> = vec![None; jobs.len()];
        let done: Vec<Vec<(usize, Option<Lasso>)>> = std::thread::scope(|scope| {
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
    let mut best: Vec<Option<Lasso>> = vec![None; goals.len()];
    for (&(k, _, _), l) in jobs.iter().zip(found) {
        // Side A first; B only if strictly shorter, as a sequential min_by_key would choose.
        if let Some(l) = l {
            let len = l.stem.len() + l.cycle.len();
            if best[k]
                .as_ref()
                .is_none_or(|b| len < b.stem.len() + b.cycle.len())
            {
                best[k] = Some(l);
            }
        }
    }
    best
}

/// Checks `props` with explicit options.
pub fn check_with(cfg: &Config, props: &[&'static PropertyDef], opts: Options) -> CheckReport {
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
    let g = wants_liveness.then(|| graph::build(&model, opts.threads));
    let outcome = match &g {
        Some(g) if shared => safety_from_graph(&model, g, &goals),
        _ => safety_search(&model, &goals, opts),
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
    let mut graph_stats = None;
    if let Some(g) = &g {
        let tree = liveness::bfs_tree(&g.graph);
        let lassos = liveness_lassos(g, &tree, props, opts);
        for (p, lasso) in props.iter().filter(|p| !p.is_state_property()).zip(lassos) {
            if !matches!(p.kind, Kind::Terminates(_)) {
                continue;
            }
            let fairness = Some(describe_fairness(opts.fairness));
            let v = match lasso {
                None => verdict_of(p, "liveness", VerdictKind::Holds, None, None, fairness),
                Some(l) => {
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
        let bytes = g.bytes() as u64;
        graph_stats = Some(GraphStats {
            states: g.states.len() as u64,
            edges: g.graph.edge_count() as u64,
            states_cut: g.cut,
            seconds: g.seconds,
            bytes,
            bytes_per_state: bytes as f64 / g.states.len().max(1) as f64,
        });
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
    CheckReport {
        config: cfg.clone(),
        stats: Stats {
            unique_states: outcome.unique,
            generated_states: outcome.generated,
            states_cut: outcome.cut,
            depth: outcome.depth,
            seconds,
            states_per_second: if seconds > 0.0 {
                outcome.generated as f64 / seconds
            } else {
                0.0
            },
            threads,
            search: outcome.search.to_string(),
            table_bytes: outcome.table_bytes,
        },
        graph: graph_stats,
        verdicts,
        complete: outcome.complete,
        replay: replay.join(" "),
    }
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
}

/// The safety verdicts read off the liveness graph: nodes are in breadth-first discovery order
/// and `parent` is each node's first discoverer, exactly as in the BFS engine, so the first
/// discovering node of a property and the path to it are the engine's.
fn safety_from_graph(model: &TcpModel, g: &StateGraph, goals: &Selected) -> SafetyOutcome {
    let mut first: Vec<Option<u32>> = vec![None; goals.0.len()];
    for (v, s) in g.states.iter().enumerate() {
        for (k, p) in goals.0.iter().enumerate() {
            if first[k].is_none() && p.discovered_by(&model.cfg, s) {
                first[k] = Some(v as u32);
            }
        }
        if first.iter().all(Option::is_some) {
            break;
        }
    }
    let discoveries = first
        .iter()
        .map(|d| {
            d.map(|v| {
                let mut path = vec![v];
                while g.parent[path[path.len() - 1] as usize] != u32::MAX {
                    path.push(g.parent[path[path.len() - 1] as usize]);
                }
                path.reverse();
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
        depth: g.depth.iter().max().map_or(0, |d| *d as usize + 1),
        seconds: g.seconds,
        complete: true,
        discoveries,
        search: "bfs, shared with the liveness graph",
        table_bytes: g.bytes() as u64,
    }
}

/// Runs the safety search of `opts.search`. Auto: a DFS decides every verdict with the least
/// memory; only if it discovered something (a violation, a reached goal) does a BFS, limited to
/// those properties and stopping once they are discovered, produce the shortest traces.
fn safety_search(model: &TcpModel, goals: &Selected, opts: Options) -> SafetyOutcome {
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
    };
    match opts.search {
        Search::Bfs => from_bfs(bfs::bfs(model, goals, opts.threads, opts.stop_early)),
        Search::Dfs | Search::Auto => {
            let d = dfs::dfs(model, goals, opts.stop_early);
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
            };
            if opts.search == Search::Auto {
                let found: Vec<usize> = (0..goals.0.len())
                    .filter(|&i| out.discoveries[i].is_some())
                    .collect();
                if !found.is_empty() {
                    let sub = Selected(found.iter().map(|&i| goals.0[i]).collect());
                    let mut b = bfs::bfs(model, &sub, opts.threads, true);
                    for (k, &i) in found.iter().enumerate() {
                        out.discoveries[i] = b.discoveries[k].take();
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

/// The states and actions of a lasso: the stem, then the cycle back to the stem's last state.
fn lasso_trace(model: &TcpModel, g: &StateGraph, l: &Lasso) -> (Vec<State>, Vec<Action>) {
    use stateright::Model;
    let mut states: Vec<State> = vec![g.states[l.stem[0] as usize]];
    let mut actions = Vec::new();
    let hops = l
        .stem
        .windows(2)
        .map(|w| (w[0], w[1], 0u16))
        .chain(l.cycle.iter().map(|e| (e.from, e.to, e.class)));
    for (from, to, class) in hops {
        let s = g.states[from as usize];
        let target = g.states[to as usize];
        let mut enabled = Vec::new();
        model.actions(&s, &mut enabled);
        let a = enabled
            .into_iter()
            .find(|a| {
                (class == 0 || graph::class_of(&s, a) & class != 0)
                    && model.next_state(&s, *a) == Some(target)
            })
            .expect("every graph edge has an action");
        actions.push(a);
        states.push(target);
    }
    (states, actions)
}

/// `tcpmc check`: the report on stdout (text or JSON); exit status 1 when a property is
/// violated.
pub fn check_command(args: &CheckArgs) -> Result<ExitCode, InputError> {
    if args.list {
        // The flags beside --list are still checked: a bad one is an error, not ignored.
        args.cfg.build()?;
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
    let cfg = args.cfg.build()?;
    let props = select_properties(&args.properties, |_| true)?;
    let threads = count("threads", args.threads)?;
    if args.time == TimeSemantics::Dense {
        return crate::commands::check_dense::dense_command(args, &cfg, threads);
    }
    if let Some(dir) = &args.out {
        create_out_dir(dir)?;
    }
    let opts = Options {
        threads,
        search: args.search,
        stop_early: args.stop_early,
        fairness: fairness(args.fair_delivery, args.fair_app),
    };
    let report = check_with(&cfg, &props, opts);
    if let Some(dir) = &args.out {
        pictures::write_report_files(&report, dir)?;
    }
    if args.json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| InputError(format!("cannot encode the report: {e}")))?;
        println!("{text}");
    } else {
        print!("{}", tcpmc_reports::text::render(&report));
    }
    Ok(if report.violated() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
