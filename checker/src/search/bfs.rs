//! tcpmc's breadth-first safety search over the stateright [`Model`]: the default engine.
//!
//! Why not stateright's own BFS: in 0.31 it stops once every property has a discovery (so counts
//! are partial), its counterexamples are not the shortest when several properties are pending, and
//! with several threads the counterexample it reports depends on scheduling (docs/model.md,
//! "Properties"). This engine is level-synchronous: each BFS level is expanded in fixed-size
//! chunks by any number of threads, and the results are merged in chunk order, so counts, parents
//! and counterexamples are the same whatever the thread count. A state's first discovery is at its
//! BFS depth, so every counterexample is a shortest one.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use stateright::Model;

use crate::progress::{Meter, Stop};
use crate::search::fingerprint::{fingerprint, IdentityHasher};
use crate::search::goals::{Goals, Trace};

/// Per-chunk work size: fixed so that the merge order does not depend on the thread count.
const CHUNK: usize = 4096;

type Visited = HashMap<u64, u64, BuildHasherDefault<IdentityHasher>>;

/// The result of a full search.
pub struct Outcome<M: Model> {
    /// States inside the boundary (what stateright calls unique states).
    pub unique: u64,
    /// Successor states computed, initial states included.
    pub generated: u64,
    /// States outside the boundary (distinct), not explored.
    pub cut: u64,
    /// Number of BFS levels: the longest shortest path, in states.
    pub depth: usize,
    pub seconds: f64,
    /// False when the search stopped early because every goal was decided.
    pub complete: bool,
    /// For each goal: the shortest trace to a discovering state, if any.
    pub discoveries: Vec<Option<Trace<M>>>,
    /// Approximate bytes of the visited and cut maps (fingerprint → parent) at the end.
    pub table_bytes: u64,
    /// Why the search stopped before the end, if a limit stopped it (then `complete` is false).
    pub stopped: Option<Stop>,
}

/// Bytes of a hashbrown map with `capacity` usable slots of `entry` bytes: the bucket count is
/// a power of two with at most 7/8 of it usable, plus one control byte per bucket.
fn map_bytes(capacity: usize, entry: usize) -> u64 {
    let buckets = (capacity * 8 / 7).next_power_of_two();
    (buckets * (entry + 1)) as u64
}

/// One successor produced by a worker: fingerprint, parent fingerprint, discoveries bit mask.
struct Succ<S> {
    fp: u64,
    parent: u64,
    mask: u64,
    state: S,
}

/// What a worker produced for one chunk: successors, fingerprints of cut states, generated count.
type ChunkResult<S> = (Vec<Succ<S>>, Vec<u64>, u64);

/// Runs a breadth-first search with `threads` workers. With `stop_early`, the search ends after
/// the first level at which every goal has a discovery (the counts are then partial).
pub fn bfs<M, G>(model: &M, goals: &G, threads: usize, stop_early: bool) -> Outcome<M>
where
    M: Model + Sync,
    M::State: Hash + Clone + Send + Sync,
    M::Action: Clone,
    G: Goals<M>,
{
    bfs_metered(model, goals, threads, stop_early, &Meter::default())
}

/// Makes room for one more entry in `map`, checking its growth (a doubling) against the limit.
fn room<V>(
    map: &mut HashMap<u64, V, BuildHasherDefault<IdentityHasher>>,
    meter: &Meter,
) -> Result<(), Stop> {
    if map.len() < map.capacity() {
        return Ok(());
    }
    let bytes = map_bytes(map.capacity().max(3) * 2, 8 + std::mem::size_of::<V>());
    meter.memory_ok(bytes)?;
    map.try_reserve(1).map_err(|_| Stop::Refused { bytes })
}

/// [`bfs`], reporting to `meter` once per chunk and stopping at its limits: the states limit
/// where a state would be admitted, memory once per chunk (workers too) and before the visited
/// map grows. A stopped search has `stopped` set; its discoveries so far are shortest traces.
pub fn bfs_metered<M, G>(
    model: &M,
    goals: &G,
    threads: usize,
    stop_early: bool,
    meter: &Meter,
) -> Outcome<M>
where
    M: Model + Sync,
    M::State: Hash + Clone + Send + Sync,
    M::Action: Clone,
    G: Goals<M>,
{
    assert!(goals.count() <= 64, "at most 64 goals per search");
    let start = Instant::now();
    let threads = threads.max(1);
    let mut visited: Visited = HashMap::default();
    let mut cut_seen: Visited = HashMap::default();
    let mut first: Vec<Option<u64>> = vec![None; goals.count()];
    let mut generated = 0u64;

    let mask_of = |s: &M::State| -> u64 {
        let mut m = 0u64;
        for i in 0..goals.count() {
            if goals.discovered(model, i, s) {
                m |= 1 << i;
            }
        }
        m
    };

    let mut frontier: Vec<(u64, M::State)> = Vec::new();
    for s in model.init_states() {
        generated += 1;
        let fp = fingerprint(&s);
        if !model.within_boundary(&s) {
            cut_seen.insert(fp, 0);
            continue;
        }
        if visited.insert(fp, 0).is_none() {
            record(&mut first, mask_of(&s), fp);
            frontier.push((fp, s));
        }
    }
    meter.add_generated(generated);
    let mut depth = 0;
    let mut complete = true;
    let mut stopped: Option<Stop> = None;
    'levels: while !frontier.is_empty() {
        if stop_early && first.iter().all(Option::is_some) {
            complete = false;
            break;
        }
        depth += 1;
        let chunks: Vec<&[(u64, M::State)]> = frontier.chunks(CHUNK).collect();
        let results: Vec<Mutex<Option<ChunkResult<M::State>>>> =
            chunks.iter().map(|_| Mutex::new(None)).collect();
        let next_chunk = AtomicUsize::new(0);
        let work = || {
            let mut actions = Vec::new();
            loop {
                let c = next_chunk.fetch_add(1, Ordering::Relaxed);
                if c >= chunks.len() || meter.halted() {
                    break;
                }
                // A level's successors are all held until it is merged: watch memory here too.
                if let Err(e) = meter.memory_ok(0) {
                    meter.halt(e);
                    break;
                }
                let mut out = Vec::with_capacity(chunks[c].len() * 4);
                let mut cut = Vec::new();
                let mut gen = 0u64;
                for (pfp, s) in chunks[c] {
                    actions.clear();
                    model.actions(s, &mut actions);
                    for a in actions.drain(..) {
                        if let Some(n) = model.next_state(s, a) {
                            gen += 1;
                            let fp = fingerprint(&n);
                            if !model.within_boundary(&n) {
                                cut.push(fp);
                                continue;
                            }
                            let mask = mask_of(&n);
                            out.push(Succ {
                                fp,
                                parent: *pfp,
                                mask,
                                state: n,
                            });
                        }
                    }
                }
                meter.add_generated(gen);
                *results[c].lock().expect("worker poisoned") = Some((out, cut, gen));
            }
        };
        if threads == 1 || chunks.len() == 1 {
            work();
        } else {
            std::thread::scope(|scope| {
                for _ in 0..threads {
                    scope.spawn(work);
                }
            });
        }
        if let Some(e) = meter.stopped() {
            stopped = Some(e);
            complete = false;
            break;
        }
        let mut next = Vec::new();
        for r in results {
            let (out, cut, gen) = r.into_inner().expect("worker poisoned").unwrap_or_default();
            generated += gen;
            let merged = (|| -> Result<(), Stop> {
                for fp in cut {
                    room(&mut cut_seen, meter)?;
                    cut_seen.entry(fp).or_insert(0);
                }
                for s in out {
                    if let Some(e) = meter.states_full(visited.len() as u64) {
                        if !visited.contains_key(&s.fp) {
                            return Err(e);
                        }
                    }
                    room(&mut visited, meter)?;
                    if let std::collections::hash_map::Entry::Vacant(v) = visited.entry(s.fp) {
                        v.insert(s.parent);
                        record(&mut first, s.mask, s.fp);
                        meter.grow(&mut next, 1)?;
                        next.push((s.fp, s.state));
                    }
                }
                // (The workers count the generated states as they go.)
                meter.merged(visited.len() as u64, depth as u64, next.len() as u64)
            })();
            if let Err(e) = merged {
                meter.halt(e);
                stopped = Some(e);
                complete = false;
                break 'levels;
            }
        }
        frontier = next;
    }
    let discoveries = first
        .iter()
        .map(|d| d.map(|fp| reconstruct(model, &visited, fp)))
        .collect();
    Outcome {
        unique: visited.len() as u64,
        generated,
        cut: cut_seen.len() as u64,
        depth,
        seconds: start.elapsed().as_secs_f64(),
        complete,
        discoveries,
        table_bytes: map_bytes(visited.capacity(), 16) + map_bytes(cut_seen.capacity(), 16),
        stopped,
    }
}

fn record(first: &mut [Option<u64>], mask: u64, fp: u64) {
    if mask == 0 {
        return;
    }
    for (i, f) in first.iter_mut().enumerate() {
        if f.is_none() && mask & (1 << i) != 0 {
            *f = Some(fp);
        }
    }
}

/// Walks parent fingerprints back to an initial state, then replays forward, choosing at each
/// step the first enabled action whose successor has the next fingerprint.
fn reconstruct<M>(model: &M, visited: &Visited, target: u64) -> Trace<M>
where
    M: Model,
    M::State: Hash + Clone,
    M::Action: Clone,
{
    let mut fps = vec![target];
    let mut cur = target;
    while let Some(&p) = visited.get(&cur) {
        if p == 0 {
            break;
        }
        fps.push(p);
        cur = p;
    }
    fps.reverse();
    let mut states = Vec::new();
    let mut actions = Vec::new();
    let init = model
        .init_states()
        .into_iter()
        .find(|s| fingerprint(s) == fps[0])
        .expect("a trace starts at an initial state");
    states.push(init);
    let mut buf = Vec::new();
    for &want in &fps[1..] {
        let last = states.last().expect("non-empty").clone();
        buf.clear();
        model.actions(&last, &mut buf);
        let (a, n) = buf
            .iter()
            .find_map(|a| {
                let n = model.next_state(&last, a.clone())?;
                (fingerprint(&n) == want).then(|| (a.clone(), n))
            })
            .expect("every recorded parent has an action to its child");
        actions.push(a);
        states.push(n);
    }
    Trace { states, actions }
}
