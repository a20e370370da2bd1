//! Breadth-first search of the zone graph with inclusion (UPPAAL's passed list): a zone state
//! is kept only when no kept state with the same discrete part has a zone that contains it, and
//! a kept state whose zone a newer one contains is not expanded. Safety and coverage are
//! properties of the discrete part, and the zone graph is monotone (a larger zone has larger
//! successors, extrapolation included), so inclusion reaches every discrete state equality
//! does, with far fewer zones where time constants are large (README, "Dense time").
//!
//! Shortest counterexamples: a kept state is left unexpanded only when the state that covers it
//! is no deeper, so every zone-graph state at depth `d` is covered by an expanded state at depth
//! at most `d`, and a discrete state's first discovery is at its shortest depth. A level is
//! expanded in fixed chunks by any number of threads and merged in chunk order: counts, paths
//! and counterexamples do not depend on the thread count.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::time::Instant;

use stateright::Model;

use crate::progress::{Meter, Stop};
use crate::search::bfs::Outcome;
use crate::search::fingerprint::{fingerprint, IdentityHasher};
use crate::search::goals::{Goals, Trace};
use tcpmc_model::dense::{DenseAction, DenseModel, ZoneState};

/// Per-chunk work size: fixed so that the merge order does not depend on the thread count.
const CHUNK: usize = 2048;

/// A kept zone state, with the edge it was reached by.
struct Node {
    zs: ZoneState,
    parent: u32,
    action: DenseAction,
    depth: u32,
}

const ROOT: u32 = u32::MAX;

/// Discrete-state fingerprint → the kept nodes with that fingerprint (all of one discrete
/// state, unless two collide: nodes are compared by state too).
type Passed = HashMap<u64, Vec<u32>, BuildHasherDefault<IdentityHasher>>;

/// What expanding one node produced: its successors inside the boundary, the fingerprints of
/// those outside it, and how many were generated.
type Expansion = (Vec<(ZoneState, DenseAction)>, Vec<u64>, u64);

fn expand(model: &DenseModel, zs: &ZoneState, actions: &mut Vec<DenseAction>) -> Expansion {
    actions.clear();
    model.actions(zs, actions);
    let mut inside = Vec::with_capacity(actions.len());
    let mut cut = Vec::new();
    let mut generated = 0;
    for &a in actions.iter() {
        let Some(next) = model.next_state(zs, a) else {
            continue;
        };
        generated += 1;
        if model.within_boundary(&next) {
            inside.push((next, a));
        } else {
            cut.push(fingerprint(&next));
        }
    }
    (inside, cut, generated)
}

/// Runs the search with `threads` workers; with `stop_early`, it ends after the first level at
/// which every goal has a discovery. `unique` counts the zone states kept (a state later
/// covered by a larger zone included), `generated` every successor computed.
pub fn zone_bfs<G: Goals<DenseModel>>(
    model: &DenseModel,
    goals: &G,
    threads: usize,
    stop_early: bool,
    meter: &Meter,
) -> Outcome<DenseModel> {
    let start = Instant::now();
    meter.phase("dense zone graph");
    let n_goals = goals.count();
    let mut nodes: Vec<Node> = Vec::new();
    let mut live: Vec<bool> = Vec::new();
    let mut passed: Passed = HashMap::default();
    let mut cut_seen: HashSet<u64, BuildHasherDefault<IdentityHasher>> = HashSet::default();
    let mut found: Vec<Option<u32>> = vec![None; n_goals];
    let mut generated = 0u64;
    let mut stopped: Option<Stop> = None;

    // Admits `zs` unless a kept zone contains it; returns its node id.
    let admit = |nodes: &mut Vec<Node>,
                 live: &mut Vec<bool>,
                 passed: &mut Passed,
                 zs: ZoneState,
                 parent: u32,
                 action: DenseAction,
                 depth: u32|
     -> Result<Option<u32>, Stop> {
        let key = fingerprint(&zs.s);
        let list = passed.entry(key).or_default();
        if list
            .iter()
            .any(|&k| nodes[k as usize].zs.s == zs.s && zs.zone_within(&nodes[k as usize].zs))
        {
            return Ok(None);
        }
        if let Some(e) = meter.states_full(nodes.len() as u64) {
            return Err(e);
        }
        meter.grow(nodes, 1)?;
        let id = nodes.len() as u32;
        // Kept states this one contains leave the list; one no deeper is not expanded.
        list.retain(|&k| {
            let old = &nodes[k as usize];
            let covered = old.zs.s == zs.s && old.zs.zone_within(&zs);
            if covered && old.depth >= depth {
                live[k as usize] = false;
            }
            !covered
        });
        list.push(id);
        nodes.push(Node {
            zs,
            parent,
            action,
            depth,
        });
        live.push(true);
        Ok(Some(id))
    };

    let discover = |nodes: &Vec<Node>, found: &mut Vec<Option<u32>>, id: u32| {
        for (g, f) in found.iter_mut().enumerate() {
            if f.is_none() && goals.discovered(model, g, &nodes[id as usize].zs) {
                *f = Some(id);
            }
        }
    };

    let mut frontier: Vec<u32> = Vec::new();
    for zs in model.init_states() {
        generated += 1;
        if !model.within_boundary(&zs) {
            cut_seen.insert(fingerprint(&zs));
            continue;
        }
        let placeholder = DenseAction::Fire(tcpmc_model::Side::A);
        match admit(&mut nodes, &mut live, &mut passed, zs, ROOT, placeholder, 0) {
            Ok(Some(id)) => {
                discover(&nodes, &mut found, id);
                frontier.push(id);
            }
            Ok(None) => {}
            Err(e) => stopped = Some(e),
        }
    }
    meter.add_generated(generated);
    let mut depth = usize::from(!frontier.is_empty());
    let threads = threads.max(1);
    while !frontier.is_empty() && stopped.is_none() {
        if stop_early && found.iter().all(Option::is_some) {
            break;
        }
        let todo: Vec<u32> = frontier
            .iter()
            .copied()
            .filter(|&k| live[k as usize])
            .collect();
        let mut next: Vec<u32> = Vec::new();
        for batch in todo.chunks(CHUNK * threads) {
            // Expand the batch's chunks in parallel; merge in chunk order.
            let chunks: Vec<&[u32]> = batch.chunks(CHUNK).collect();
            let results: Vec<Vec<(u32, Expansion)>> = std::thread::scope(|scope| {
                let handles: Vec<_> = chunks
                    .iter()
                    .map(|chunk| {
                        let nodes = &nodes;
                        scope.spawn(move || {
                            let mut actions = Vec::new();
                            chunk
                                .iter()
                                .map(|&k| (k, expand(model, &nodes[k as usize].zs, &mut actions)))
                                .collect::<Vec<_>>()
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_default())
                    .collect()
            });
            let merged = (|| -> Result<(), Stop> {
                for (parent, (inside, cut, gen)) in results.into_iter().flatten() {
                    generated += gen;
                    meter.add_generated(gen);
                    for fp in cut {
                        cut_seen.insert(fp);
                    }
                    for (zs, a) in inside {
                        if let Some(id) = admit(
                            &mut nodes,
                            &mut live,
                            &mut passed,
                            zs,
                            parent,
                            a,
                            depth as u32,
                        )? {
                            discover(&nodes, &mut found, id);
                            next.push(id);
                        }
                    }
                }
                meter.merged(nodes.len() as u64, depth as u64, next.len() as u64)
            })();
            if let Err(e) = merged {
                meter.halt(e);
                stopped = Some(e);
                break;
            }
        }
        if !next.is_empty() && stopped.is_none() {
            depth += 1;
        }
        frontier = next;
    }
    let complete = stopped.is_none() && frontier.is_empty();
    let trace = |id: u32| {
        let mut states = Vec::new();
        let mut actions = Vec::new();
        let mut cur = id;
        loop {
            let n = &nodes[cur as usize];
            states.push(n.zs);
            if n.parent == ROOT {
                break;
            }
            actions.push(n.action);
            cur = n.parent;
        }
        states.reverse();
        actions.reverse();
        Trace::<DenseModel> { states, actions }
    };
    let discoveries = found.iter().map(|f| f.map(trace)).collect();
    let bytes = nodes.capacity() * std::mem::size_of::<Node>()
        + passed.capacity() * (8 + std::mem::size_of::<Vec<u32>>() + 1)
        + nodes.len() * 4;
    Outcome {
        unique: nodes.len() as u64,
        generated,
        cut: cut_seen.len() as u64,
        depth,
        seconds: start.elapsed().as_secs_f64(),
        complete,
        discoveries,
        table_bytes: bytes as u64,
        stopped,
    }
}
