//! tcpmc's explicit-state search over the stateright [`Model`].
//!
//! Why not stateright's own BFS: in 0.31 it stops once every property has a discovery (so counts
//! are partial), its counterexamples are not the shortest when several properties are pending, and
//! with several threads the counterexample it reports depends on scheduling (DESIGN §5). This
//! engine is level-synchronous: each BFS level is expanded in fixed-size chunks by any number of
//! threads, and the results are merged in chunk order, so counts, parents and counterexamples are
//! the same whatever the thread count. A state's first discovery is at its BFS depth, so every
//! counterexample is a shortest one.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use stateright::Model;

/// Per-chunk work size: fixed so that the merge order does not depend on the thread count.
const CHUNK: usize = 4096;

/// 64-bit state fingerprint with fixed seeds: stable across runs and builds.
pub fn fingerprint<T: Hash>(value: &T) -> u64 {
    ahash::RandomState::with_seeds(
        0x243f_6a88_85a3_08d3,
        0x1319_8a2e_0370_7344,
        0xa409_3822_299f_31d0,
        0x082e_fa98_ec4e_6c89,
    )
    .hash_one(value)
    .max(1)
}

/// The keys are fingerprints already: hashing them again is wasted work.
#[derive(Default)]
pub struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, _: &[u8]) {
        unreachable!("only u64 keys are hashed")
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

type Visited = HashMap<u64, u64, BuildHasherDefault<IdentityHasher>>;

/// A map keyed by fingerprints.
pub type FingerprintMap<V> = HashMap<u64, V, BuildHasherDefault<IdentityHasher>>;

/// What the search is asked to decide: `discovered(i, state)` says whether `state` discovers
/// property `i` (violates invariant `i` or reaches goal `i`).
pub trait Goals<M: Model>: Sync {
    fn count(&self) -> usize;
    fn discovered(&self, model: &M, index: usize, state: &M::State) -> bool;
}

/// A path from an initial state: the states and the actions between them.
#[derive(Clone, Debug)]
pub struct Trace<M: Model> {
    pub states: Vec<M::State>,
    pub actions: Vec<M::Action>,
}

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
    let mut depth = 0;
    let mut complete = true;
    while !frontier.is_empty() {
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
                if c >= chunks.len() {
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
        let mut next = Vec::new();
        for r in results {
            let (out, cut, gen) = r.into_inner().expect("worker poisoned").unwrap_or_default();
            generated += gen;
            for fp in cut {
                cut_seen.entry(fp).or_insert(0);
            }
            for s in out {
                if let std::collections::hash_map::Entry::Vacant(v) = visited.entry(s.fp) {
                    v.insert(s.parent);
                    record(&mut first, s.mask, s.fp);
                    next.push((s.fp, s.state));
                }
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

/// A set of nonzero 64-bit fingerprints for the DFS, split by the fingerprint's low bits into
/// [`SHARDS`] independent [`Shard`]s. Each shard grows on its own, so growing never holds two
/// copies of the whole table at once: the peak is the table plus one shard's copy.
pub struct FingerprintSet {
    shards: Vec<Shard>,
}

/// Shards of a [`FingerprintSet`].
pub const SHARDS: usize = 64;

impl Default for FingerprintSet {
    fn default() -> Self {
        FingerprintSet {
            shards: (0..SHARDS).map(|_| Shard::default()).collect(),
        }
    }
}

impl FingerprintSet {
    /// Inserts `fp` (nonzero); returns true when it was not there.
    #[inline]
    pub fn insert(&mut self, fp: u64) -> bool {
        self.shards[fp as usize % SHARDS].insert(fp)
    }

    pub fn contains(&self, fp: u64) -> bool {
        self.shards[fp as usize % SHARDS].contains(fp)
    }

    pub fn len(&self) -> usize {
        self.shards.iter().map(Shard::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes held by the table.
    pub fn bytes(&self) -> usize {
        self.shards.iter().map(Shard::bytes).sum()
    }
}

/// One shard of a [`FingerprintSet`]: open addressing with linear probing in one flat `u64`
/// array (0 marks an empty slot). The capacity is not a power of two: a slot is found by
/// multiply-shift ("fastrange"), and the table grows by 1.5× when it is 85 % full, so it holds
/// between 9.4 and 14 bytes per entry (a `HashSet<u64>` holds 8 bytes plus a control byte per
/// slot at a load of 44–87 %, 10.3–20.5 bytes per entry, and doubles on growth).
pub struct Shard {
    slots: Vec<u64>,
    len: usize,
}

impl Default for Shard {
    fn default() -> Self {
        Shard::with_capacity(1 << 10)
    }
}

impl Shard {
    const LOAD: f64 = 0.85;

    pub fn with_capacity(cap: usize) -> Shard {
        Shard {
            slots: vec![0; cap.max(16)],
            len: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes held by the table.
    pub fn bytes(&self) -> usize {
        self.slots.len() * 8
    }

    #[inline]
    fn home(fp: u64, cap: usize) -> usize {
        // The fingerprint is already a good hash: mix once more so that the low-quality high
        // bits of a poor hash would not cluster, then map onto 0..cap.
        let h = fp.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        ((h as u128 * cap as u128) >> 64) as usize
    }

    /// Inserts `fp` (nonzero); returns true when it was not there.
    #[inline]
    pub fn insert(&mut self, fp: u64) -> bool {
        debug_assert!(fp != 0);
        if (self.len + 1) as f64 > self.slots.len() as f64 * Self::LOAD {
            self.grow();
        }
        let cap = self.slots.len();
        let mut i = Self::home(fp, cap);
        loop {
            let v = self.slots[i];
            if v == fp {
                return false;
            }
            if v == 0 {
                self.slots[i] = fp;
                self.len += 1;
                return true;
            }
            i += 1;
            if i == cap {
                i = 0;
            }
        }
    }

    pub fn contains(&self, fp: u64) -> bool {
        let cap = self.slots.len();
        let mut i = Self::home(fp, cap);
        loop {
            let v = self.slots[i];
            if v == fp {
                return true;
            }
            if v == 0 {
                return false;
            }
            i += 1;
            if i == cap {
                i = 0;
            }
        }
    }

    fn grow(&mut self) {
        let cap = self.slots.len() + self.slots.len() / 2;
        let old = std::mem::replace(&mut self.slots, vec![0; cap]);
        for fp in old.into_iter().filter(|&v| v != 0) {
            let mut i = Self::home(fp, cap);
            while self.slots[i] != 0 {
                i += 1;
                if i == cap {
                    i = 0;
                }
            }
            self.slots[i] = fp;
        }
    }
}

/// The result of a depth-first search: exhaustive counts and, per goal, *a* trace to a
/// discovering state (not necessarily the shortest: ask [`bfs`] for that).
pub struct DfsOutcome<M: Model> {
    pub unique: u64,
    pub generated: u64,
    pub cut: u64,
    /// The deepest DFS stack, in states (not the BFS depth).
    pub max_stack: usize,
    pub seconds: f64,
    pub complete: bool,
    pub discoveries: Vec<Option<Trace<M>>>,
    /// Bytes held by the visited and cut fingerprint tables at the end.
    pub table_bytes: u64,
}

/// A depth-first search that keeps only fingerprints of visited states (about 10–14 bytes per
/// state) plus the current path. Single-threaded. It visits exactly the states [`bfs`] visits,
/// so its counts are the same; its traces are the DFS path, not the shortest. With
/// `stop_early`, it ends once every goal has a discovery.
pub fn dfs<M, G>(model: &M, goals: &G, stop_early: bool) -> DfsOutcome<M>
where
    M: Model,
    M::State: Hash + Clone,
    M::Action: Clone,
    G: Goals<M>,
{
    struct Frame<S> {
        state: S,
        /// Range of this frame's actions in the shared action buffer: next to try, end.
        next: usize,
        end: usize,
    }
    let start = Instant::now();
    let mut visited = FingerprintSet::default();
    let mut cut_seen = FingerprintSet::default();
    let mut found: Vec<Option<Trace<M>>> = (0..goals.count()).map(|_| None).collect();
    let mut pending = goals.count();
    let mut generated = 0u64;
    let mut max_stack = 0usize;
    let mut complete = true;
    // All frames' actions live in one buffer: no allocation per state.
    let mut acts: Vec<M::Action> = Vec::new();
    let mut stack: Vec<Frame<M::State>> = Vec::new();
    let mut path_actions: Vec<M::Action> = Vec::new();

    let discover = |s: &M::State,
                    stack: &[Frame<M::State>],
                    path_actions: &[M::Action],
                    found: &mut Vec<Option<Trace<M>>>,
                    pending: &mut usize| {
        for (i, f) in found.iter_mut().enumerate() {
            if f.is_none() && goals.discovered(model, i, s) {
                let mut states: Vec<M::State> = stack.iter().map(|fr| fr.state.clone()).collect();
                states.push(s.clone());
                *f = Some(Trace {
                    states,
                    actions: path_actions.to_vec(),
                });
                *pending -= 1;
            }
        }
    };

    'outer: for s in model.init_states() {
        generated += 1;
        let fp = fingerprint(&s);
        if !model.within_boundary(&s) {
            cut_seen.insert(fp);
            continue;
        }
        if !visited.insert(fp) {
            continue;
        }
        discover(&s, &stack, &path_actions, &mut found, &mut pending);
        let begin = acts.len();
        model.actions(&s, &mut acts);
        stack.push(Frame {
            state: s,
            next: begin,
            end: acts.len(),
        });
        while let Some(top) = stack.last_mut() {
            if stop_early && pending == 0 {
                complete = false;
                break 'outer;
            }
            if top.next == top.end {
                stack.pop();
                path_actions.pop();
                // The popped frame's actions were the last in the buffer.
                let keep = stack.last().map_or(0, |f| f.end);
                acts.truncate(keep);
                continue;
            }
            let a = acts[top.next].clone();
            top.next += 1;
            let Some(n) = model.next_state(&top.state, a.clone()) else {
                continue;
            };
            generated += 1;
            let fp = fingerprint(&n);
            if !model.within_boundary(&n) {
                cut_seen.insert(fp);
                continue;
            }
            if !visited.insert(fp) {
                continue;
            }
            path_actions.push(a);
            discover(&n, &stack, &path_actions, &mut found, &mut pending);
            let begin = acts.len();
            model.actions(&n, &mut acts);
            stack.push(Frame {
                state: n,
                next: begin,
                end: acts.len(),
            });
            max_stack = max_stack.max(stack.len());
        }
    }
    DfsOutcome {
        unique: visited.len() as u64,
        generated,
        cut: cut_seen.len() as u64,
        max_stack: max_stack.max(stack.len()),
        seconds: start.elapsed().as_secs_f64(),
        complete,
        discoveries: found,
        table_bytes: (visited.bytes() + cut_seen.bytes()) as u64,
    }
}
