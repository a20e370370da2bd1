//! Liveness under `tcpmc check --time dense` (issue 16): the leads-to check of the tick model
//! (`search::liveness`) on the zone graph with time divergence (`tcpmc_model::dense`'s note,
//! "Time divergence"). The zone graph is built with the divergence clock `z` and its silent
//! edge `Pass: z ≥ 1 → z := 0` ([`DenseModel::with_divergence`]); `Pass` edges carry the time
//! class, which a fair cycle must take (a Büchi condition, [`Fairness::must`]): a cycle that
//! never lets a whole unit pass is Zeno and no counterexample, and staying forever in a state is
//! its `Pass` self-loop, not a stutter step. Weak fairness of the applications' close and strong
//! fairness of delivery are those of the tick model, on the same classes (`graph::class_of` of
//! the inner action). A reachable zone state from which time cannot diverge is a timelock, a
//! bug of the model, reported on its own line.

use crate::commands::check::{describe_fairness, Checked, LimitReached, Options};
use crate::commands::check_dense::{check_dense_metered, timed_steps};
use crate::input::error::InputError;
use crate::progress::{Meter, Stop};
use crate::search::graph::{class, class_of, Graph};
use crate::search::liveness::{self, Fairness, Lasso};
use std::collections::HashMap;
use std::time::Instant;
use tcpmc_model::config::MAX_NET;
use tcpmc_model::dense::{DenseAction, DenseModel, ZoneState};
use tcpmc_model::{Config, Side, TcpState};
use tcpmc_properties::{Kind, PropertyDef};
use tcpmc_reports::report::SearchCounts;
use tcpmc_reports::{CheckReport, GraphStats, Stats, Verdict, VerdictKind};

/// The class of the `Pass` edge: time passes (the tick model's time class).
pub const TIME: u16 = class::TICK;

/// What the search for the dense graph is called in a report that has no safety search.
pub const GRAPH_SEARCH_NAME: &str = "bfs, dense time (zone graph with the divergence clock)";

/// The one line dense liveness is refused with when the divergence clock has no free slot.
pub fn no_free_slot() -> String {
    format!(
        "liveness under --time dense needs a free network slot for its divergence clock: --max-in-flight at most {} (got {MAX_NET})",
        MAX_NET - 1
    )
}

/// The fairness of the tick check turned into dense time's: weak fairness of time becomes time
/// divergence (the must class); the applications' close and delivery keep theirs.
pub fn dense_fairness(f: Fairness) -> Fairness {
    Fairness {
        weak: f.weak & !class::TICK,
        strong: f.strong,
        must: TIME,
    }
}

/// The fairness in words, as every dense liveness verdict states it.
pub fn describe_dense_fairness(f: Fairness) -> String {
    let ticks = describe_fairness(Fairness {
        weak: f.weak | class::TICK,
        ..f
    });
    ticks.replacen(
        "weak fairness of time (ticks and expired timers)",
        "time divergence (a fair cycle lets time pass without bound, in place of weak fairness of time; Zeno cycles are no counterexample)",
        1,
    )
}

/// The class of a dense action from `zs`: the tick model's for a discrete step, the time class
/// for `Pass`; timer firings and deaths are forced by the invariants, so no fairness reads them.
pub fn dense_class(zs: &ZoneState, a: &DenseAction) -> u16 {
    match a {
        DenseAction::Step(action) => class_of(&zs.s, action),
        DenseAction::Pass => TIME,
        DenseAction::Fire(_) | DenseAction::Die(_) => class::OTHER,
    }
}

/// The explicit zone graph with the divergence clock: node `i` is the `i`-th state in
/// breadth-first order (each level's states expanded in order, their successors numbered in
/// action order), whatever the number of threads.
pub struct ZoneGraph {
    pub graph: Graph,
    pub states: Vec<ZoneState>,
    /// Per node: a successor was outside the bound.
    pub cut_from: Vec<bool>,
    /// Successors computed, the initial state included.
    pub generated: u64,
    /// Distinct successor states outside the bound (not nodes).
    pub cut: u64,
    pub levels: usize,
    pub seconds: f64,
    pub stopped: Option<Stop>,
}

/// A successor of a state being expanded: its class and the state (outside the bound when its
/// discrete part is `cut`).
type Succ = (u16, ZoneState);

fn expand(model: &DenseModel, classes: u16, states: &[ZoneState]) -> Vec<(u16, Vec<Succ>)> {
    let mut actions = Vec::new();
    states
        .iter()
        .map(|zs| {
            actions.clear();
            model.enabled(zs, &mut actions);
            let mut en = 0u16;
            let mut out = Vec::new();
            for a in &actions {
                let Some((n, _)) = model.successor(zs, *a) else {
                    continue;
                };
                let c = dense_class(zs, a) & classes;
                en |= c;
                out.push((c, n));
            }
            (en, out)
        })
        .collect()
}

/// Frontier states expanded per thread between two merges (and memory checks).
const LIVE_CHUNK: usize = 4096;

/// Builds the zone graph of `model` (with divergence), keeping the edge classes in `classes`.
pub fn build(model: &DenseModel, classes: u16, threads: usize, meter: &Meter) -> ZoneGraph {
    let start = Instant::now();
    let init = model.initial();
    let mut states = vec![init];
    let mut index: HashMap<ZoneState, u32> = HashMap::from([(init, 0)]);
    let mut edges: Vec<(u32, u32, u16)> = Vec::new();
    let mut enabled: Vec<u16> = Vec::new();
    let mut cut_from: Vec<bool> = Vec::new();
    let (mut generated, mut cut, mut levels) = (1u64, 0u64, 0usize);
    let mut seen_cut: std::collections::HashSet<ZoneState> = Default::default();
    let mut stopped = None;
    let mut level = 0..1usize;
    'levels: while !level.is_empty() {
        levels += 1;
        meter.set_depth(levels as u64);
        meter.set_queue(level.len() as u64);
        if let Err(stop) = meter.memory_ok(0) {
            meter.halt(stop);
            stopped = Some(stop);
            break;
        }
        let end = states.len();
        // The level in fixed chunks, so that the successors held at once stay small and the
        // memory limit is checked after each (a level of a large graph holds gigabytes).
        let mut done = level.start;
        while done < end {
            let upto = (done + LIVE_CHUNK * threads.max(1)).min(end);
            let frontier = &states[done..upto];
            let workers = threads.clamp(1, frontier.len().div_ceil(256).max(1));
            let expanded: Vec<(u16, Vec<Succ>)> = if workers == 1 {
                expand(model, classes, frontier)
            } else {
                let per = frontier.len().div_ceil(workers);
                std::thread::scope(|scope| {
                    let handles: Vec<_> = frontier
                        .chunks(per)
                        .map(|chunk| scope.spawn(move || expand(model, classes, chunk)))
                        .collect();
                    handles
                        .into_iter()
                        .flat_map(|h| h.join().expect("a zone-graph worker panicked"))
                        .collect()
                })
            };
            for (k, (en, succ)) in expanded.into_iter().enumerate() {
                let from = (done + k) as u32;
                enabled.push(en);
                let mut was_cut = false;
                for (c, n) in succ {
                    generated += 1;
                    if n.s.cut {
                        was_cut = true;
                        if seen_cut.insert(n) {
                            cut += 1;
                        }
                        continue;
                    }
                    let to = match index.get(&n) {
                        Some(&j) => j,
                        None => {
                            if let Some(stop) = meter.states_full(states.len() as u64) {
                                meter.halt(stop);
                                stopped = Some(stop);
                                cut_from.push(was_cut);
                                break 'levels;
                            }
                            let j = states.len() as u32;
                            index.insert(n, j);
                            states.push(n);
                            j
                        }
                    };
                    edges.push((from, to, c));
                }
                cut_from.push(was_cut);
            }
            meter.set_unique(states.len() as u64);
            meter.set_generated(generated);
            // The edge list is sorted into rows at the end, which takes as much again.
            let later = (edges.len() * std::mem::size_of::<(u32, u32, u16)>()) as u64;
            if let Err(stop) = meter.memory_ok(later) {
                meter.halt(stop);
                stopped = Some(stop);
                break 'levels;
            }
            done = upto;
        }
        level = end..states.len();
    }
    cut_from.resize(states.len(), false);
    // Nodes left unexpanded by a limit have no row.
    let rows = enabled.len();
    let graph = Graph::from_edges(rows, edges, enabled);
    ZoneGraph {
        graph,
        states,
        cut_from,
        generated,
        cut,
        levels,
        seconds: start.elapsed().as_secs_f64(),
        stopped,
    }
}

/// The zone graph's nodes from which time cannot diverge (timelocks), in node order. Nodes
/// with a successor outside the bound are given the benefit of the doubt.
pub fn timelocks(g: &ZoneGraph) -> Vec<u32> {
    let ok = liveness::can_reach_must_cycle(&g.graph, TIME, &|v| g.cut_from[v as usize]);
    (0..g.graph.node_count() as u32)
        .filter(|&v| !ok[v as usize])
        .collect()
}

/// The states and actions along node path `nodes` (each hop by the first enabled action whose
/// successor is the next node, of `classes[k]` when not 0).
fn path_trace(
    model: &DenseModel,
    g: &ZoneGraph,
    hops: &[(u32, u16)],
    first: u32,
) -> (Vec<ZoneState>, Vec<DenseAction>) {
    let mut states = vec![g.states[first as usize]];
    let mut actions = Vec::new();
    let mut enabled = Vec::new();
    for &(to, class) in hops {
        let s = states[states.len() - 1];
        let want = g.states[to as usize];
        enabled.clear();
        model.enabled(&s, &mut enabled);
        let a = enabled
            .iter()
            .copied()
            .filter(|a| class == 0 || dense_class(&s, a) & class != 0)
            .find(|a| model.successor(&s, *a).is_some_and(|(n, _)| n == want))
            .expect("every graph edge has an action");
        actions.push(a);
        states.push(want);
    }
    (states, actions)
}

fn lasso_trace(model: &DenseModel, g: &ZoneGraph, l: &Lasso) -> (Vec<ZoneState>, Vec<DenseAction>) {
    let hops: Vec<(u32, u16)> = l.stem[1..]
        .iter()
        .map(|&v| (v, 0u16))
        .chain(l.cycle.iter().map(|e| (e.to, e.class)))
        .collect();
    path_trace(model, g, &hops, l.stem[0])
}

/// The shortest lasso per `Terminates` property of `props` (side A's, B's when strictly
/// shorter, as the tick check chooses): `None` where it holds.
fn lassos(g: &ZoneGraph, props: &[&'static PropertyDef], f: Fairness) -> Vec<Option<Lasso>> {
    let tree = liveness::bfs_tree(&g.graph);
    props
        .iter()
        .map(|p| {
            let Kind::Terminates(st) = p.kind else {
                return None;
            };
            let mut best: Option<Lasso> = None;
            for side in [Side::A, Side::B] {
                let inside = |v: u32| in_state(&g.states[v as usize], side, st);
                if let Some(l) = liveness::check_leads_to(&g.graph, &tree, &inside, &inside, f) {
                    let len = l.stem.len() + l.cycle.len();
                    if best
                        .as_ref()
                        .is_none_or(|b| len < b.stem.len() + b.cycle.len())
                    {
                        best = Some(l);
                    }
                }
            }
            best
        })
        .collect()
}

/// `side`'s endpoint is in `st` and its host is not down (a host that went down is frozen).
fn in_state(zs: &ZoneState, side: Side, st: TcpState) -> bool {
    !zs.s.is_down(side) && zs.s.ep(side).state == st
}

/// What the liveness part of a dense check found besides the verdicts: the timelocks.
pub struct Timelocks {
    pub count: usize,
    /// The steps to the first timelock, in node order.
    pub first: Option<Vec<tcpmc_reports::Step>>,
}

impl Timelocks {
    /// The one-line finding.
    pub fn line(&self) -> String {
        match (&self.first, self.count) {
            (_, 0) => "timelocks: none (time can diverge from every reachable zone state)".into(),
            (Some(steps), n) => format!(
                "timelocks: {n} reachable zone states from which time cannot diverge (a model bug), the first after {} steps, ending: {}",
                steps.len() - 1,
                steps
                    .last()
                    .and_then(|s| s.action.clone())
                    .unwrap_or_else(|| "(initial state)".into())
            ),
            (None, n) => format!(
                "timelocks: {n} reachable zone states from which time cannot diverge (a model bug)"
            ),
        }
    }
}

/// A dense check with liveness: the state properties of `props` by the dense safety search
/// (unchanged), the liveness ones on the zone graph with time divergence, under
/// `opts.fairness` turned into dense time's ([`dense_fairness`]). Also returns the timelocks
/// (`None` when a limit stopped the graph build).
pub fn check_live_metered(
    cfg: &Config,
    props: &[&'static PropertyDef],
    opts: Options,
    replay_flags: Vec<String>,
    meter: &Meter,
) -> Result<(Checked, Option<Timelocks>), InputError> {
    let model = DenseModel::new(cfg.clone())
        .with_divergence()
        .ok_or_else(|| InputError(no_free_slot()))?;
    let state_props: Vec<&'static PropertyDef> = props
        .iter()
        .copied()
        .filter(|p| p.is_state_property())
        .collect();
    let live: Vec<&'static PropertyDef> = props
        .iter()
        .copied()
        .filter(|p| !p.is_state_property())
        .collect();
    let safety = if state_props.is_empty() {
        None
    } else {
        meter.phase("bfs");
        Some(check_dense_metered(
            cfg,
            &state_props,
            opts,
            replay_flags.clone(),
            meter,
        )?)
    };
    let f = dense_fairness(opts.fairness);
    let mut limit = safety.as_ref().and_then(|s| s.limit.clone());
    let mut by_name: HashMap<&str, Verdict> = HashMap::new();
    if let Some(s) = &safety {
        for v in &s.report.verdicts {
            let name = props
                .iter()
                .find(|p| p.name == v.name)
                .map(|p| p.name)
                .unwrap_or_default();
            by_name.insert(name, v.clone());
        }
    }
    let mut unknown: Vec<String> = limit
        .as_ref()
        .map(|l| l.unknown.clone())
        .unwrap_or_default();
    let mut graph_stats = None;
    let mut found_timelocks = None;
    let mut built = None;
    if limit.is_none() {
        meter.phase("zone graph (time divergence)");
        let g = build(&model, f.weak | f.strong | f.must, opts.threads, meter);
        let bytes = (g.graph.bytes() + g.states.len() * std::mem::size_of::<ZoneState>()) as u64;
        graph_stats = Some(GraphStats::new(
            g.states.len() as u64,
            g.graph.edge_count() as u64,
            g.cut,
            g.seconds,
            bytes,
        ));
        if let Some(stop) = g.stopped {
            limit = Some(LimitReached {
                stop,
                during: "the dense liveness graph build",
                unique: g.states.len() as u64,
                depth: g.levels,
                unknown: Vec::new(),
            });
        } else {
            meter.phase("liveness");
            let fairness = Some(describe_dense_fairness(f));
            for (p, l) in live.iter().zip(lassos(&g, &live, f)) {
                let (verdict, steps, loop_start) = match l {
                    None => (VerdictKind::Holds, None, None),
                    Some(l) => {
                        let (states, actions) = lasso_trace(&model, &g, &l);
                        let steps = timed_steps(&model, &states, &actions);
                        (VerdictKind::Violated, Some(steps), Some(l.stem.len() - 1))
                    }
                };
                by_name.insert(
                    p.name,
                    Verdict {
                        name: p.name.to_string(),
                        description: p.description.to_string(),
                        kind: "liveness".into(),
                        verdict,
                        steps,
                        loop_start,
                        fairness: fairness.clone(),
                    },
                );
            }
            let locks = timelocks(&g);
            let first = locks.first().map(|&v| {
                let tree = liveness::bfs_tree(&g.graph);
                let path = liveness::Tree::path_to(&tree, v);
                let hops: Vec<(u32, u16)> = path[1..].iter().map(|&v| (v, 0)).collect();
                let (states, actions) = path_trace(&model, &g, &hops, path[0]);
                timed_steps(&model, &states, &actions)
            });
            found_timelocks = Some(Timelocks {
                count: locks.len(),
                first,
            });
        }
        built = Some(g);
    }
    for p in &live {
        if !by_name.contains_key(p.name) {
            unknown.push(p.name.to_string());
            by_name.insert(
                p.name,
                Verdict {
                    name: p.name.to_string(),
                    description: p.description.to_string(),
                    kind: "liveness".into(),
                    verdict: VerdictKind::Holds,
                    steps: None,
                    loop_start: None,
                    fairness: None,
                },
            );
        }
    }
    let verdicts: Vec<Verdict> = props
        .iter()
        .filter_map(|p| by_name.remove(p.name))
        .collect();
    let mut replay = vec!["tcpmc check".to_string()];
    replay.extend(replay_flags.into_iter().filter(|f| f != "--time dense"));
    replay.push("--time dense".into());
    if f.strong != 0 {
        replay.push("--fair-delivery".into());
    }
    if f.weak == 0 {
        replay.push("--fair-app false".into());
    }
    for v in verdicts
        .iter()
        .filter(|v| v.verdict == VerdictKind::Violated)
    {
        replay.push(format!("--property {}", v.name));
    }
    if let Some(l) = &mut limit {
        l.unknown = props
            .iter()
            .filter(|p| unknown.iter().any(|u| u == p.name))
            .map(|p| p.name.to_string())
            .collect();
    }
    let stats = match (&safety, &built) {
        (Some(s), _) => s.report.stats.clone(),
        (None, Some(g)) => Stats::new(
            SearchCounts {
                unique: g.states.len() as u64,
                generated: g.generated,
                cut: g.cut,
                depth: g.levels,
                seconds: g.seconds,
                table_bytes: graph_stats.as_ref().map_or(0, |s| s.bytes),
            },
            opts.threads,
            GRAPH_SEARCH_NAME,
        ),
        (None, None) => unreachable!("without a safety search the graph is built"),
    };
    let complete = safety.as_ref().is_none_or(|s| s.report.complete) && limit.is_none();
    let report = CheckReport {
        config: cfg.clone(),
        stats,
        graph: graph_stats,
        verdicts,
        complete,
        replay: replay.join(" "),
    };
    Ok((Checked { report, limit }, found_timelocks))
}
