//! The depth-first safety search: the same states as [`super::bfs`] in far less memory, since
//! it keeps only fingerprints (in its own compact table) and the current path.

use std::hash::Hash;
use std::time::Instant;

use stateright::Model;

use crate::progress::{Meter, Stop};
use crate::search::fingerprint::fingerprint;
use crate::search::goals::{Goals, Trace};

/// A set of nonzero 64-bit fingerprints for the DFS, split by the fingerprint's low bits into
/// [`SHARDS`] independent [`Shard`]s. Each shard grows on its own, so growing never holds two
/// copies of the whole table at once: the peak is the table plus one shard's copy.
pub struct FingerprintSet {
    shards: Vec<Shard>,
    /// Entries in all shards (kept, so that `len` is one load).
    len: usize,
}

/// Shards of a [`FingerprintSet`].
pub const SHARDS: usize = 64;

impl Default for FingerprintSet {
    fn default() -> Self {
        FingerprintSet {
            shards: (0..SHARDS).map(|_| Shard::default()).collect(),
            len: 0,
        }
    }
}

impl FingerprintSet {
    /// Inserts `fp` (nonzero); returns true when it was not there.
    #[inline]
    pub fn insert(&mut self, fp: u64) -> bool {
        let new = self.shards[fp as usize % SHARDS].insert(fp);
        self.len += new as usize;
        new
    }

    /// [`FingerprintSet::insert`], but a growth the memory limit forbids (or the system
    /// refuses) is a [`Stop`] instead of an abort.
    #[inline]
    pub fn try_insert(&mut self, fp: u64, meter: &Meter) -> Result<bool, Stop> {
        let shard = &mut self.shards[fp as usize % SHARDS];
        if shard.is_full() {
            shard.try_grow(meter)?;
        }
        let new = shard.insert(fp);
        self.len += new as usize;
        Ok(new)
    }

    pub fn contains(&self, fp: u64) -> bool {
        self.shards[fp as usize % SHARDS].contains(fp)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
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

    /// The next insertion grows the table.
    #[inline]
    fn is_full(&self) -> bool {
        (self.len + 1) as f64 > self.slots.len() as f64 * Self::LOAD
    }

    /// Inserts `fp` (nonzero); returns true when it was not there.
    #[inline]
    pub fn insert(&mut self, fp: u64) -> bool {
        debug_assert!(fp != 0);
        if self.is_full() {
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
        self.rehash(vec![0; cap]);
    }

    /// [`Shard::grow`] after checking the memory limit, with a fallible allocation.
    fn try_grow(&mut self, meter: &Meter) -> Result<(), Stop> {
        let cap = self.slots.len() + self.slots.len() / 2;
        let bytes = (cap * 8) as u64;
        meter.memory_ok(bytes)?;
        let mut fresh = Vec::new();
        fresh
            .try_reserve_exact(cap)
            .map_err(|_| Stop::Refused { bytes })?;
        fresh.resize(cap, 0);
        self.rehash(fresh);
        Ok(())
    }

    fn rehash(&mut self, fresh: Vec<u64>) {
        let cap = fresh.len();
        let old = std::mem::replace(&mut self.slots, fresh);
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
/// discovering state (not necessarily the shortest: ask [`super::bfs::bfs`] for that).
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
    /// Why the search stopped before the end, if a limit stopped it (then `complete` is false).
    pub stopped: Option<Stop>,
}

/// Generated states between two reports to the meter (and memory checks).
const BATCH: u64 = 1 << 16;

/// A depth-first search that keeps only fingerprints of visited states (about 10–14 bytes per
/// state) plus the current path. Single-threaded. It visits exactly the states
/// [`super::bfs::bfs`] visits, so its counts are the same; its traces are the DFS path, not the
/// shortest. With `stop_early`, it ends once every goal has a discovery.
pub fn dfs<M, G>(model: &M, goals: &G, stop_early: bool) -> DfsOutcome<M>
where
    M: Model,
    M::State: Hash + Clone,
    M::Action: Clone,
    G: Goals<M>,
{
    dfs_metered(model, goals, stop_early, &Meter::default())
}

/// [`dfs`], reporting to `meter` every [`BATCH`] generated states and stopping at its limits:
/// the states limit where a state would be admitted, memory once per batch and before a table
/// grows.
pub fn dfs_metered<M, G>(model: &M, goals: &G, stop_early: bool, meter: &Meter) -> DfsOutcome<M>
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
    let mut stopped: Option<Stop> = None;
    let mut next_report = BATCH;
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
        let admitted = admit(model, &s, fp, &mut visited, &mut cut_seen, meter);
        match admitted {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                stopped = Some(e);
                break 'outer;
            }
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
            if generated >= next_report {
                next_report += BATCH;
                meter.set_generated(generated);
                meter.set_unique(visited.len() as u64);
                meter.set_depth(stack.len() as u64);
                if let Err(e) = meter.memory_ok(0) {
                    stopped = Some(e);
                    break 'outer;
                }
            }
            let fp = fingerprint(&n);
            match admit(model, &n, fp, &mut visited, &mut cut_seen, meter) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(e) => {
                    stopped = Some(e);
                    break 'outer;
                }
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
    if let Some(e) = stopped {
        meter.halt(e);
        complete = false;
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
        stopped,
    }
}

/// Whether `s` (fingerprint `fp`) is a new state inside the boundary, recording it as visited
/// or cut; a new state beyond the states limit, or a table growth beyond the memory limit, is
/// a [`Stop`].
#[inline]
fn admit<M: Model>(
    model: &M,
    s: &M::State,
    fp: u64,
    visited: &mut FingerprintSet,
    cut_seen: &mut FingerprintSet,
    meter: &Meter,
) -> Result<bool, Stop> {
    if !model.within_boundary(s) {
        cut_seen.try_insert(fp, meter)?;
        return Ok(false);
    }
    if let Some(e) = meter.states_full(visited.len() as u64) {
        if !visited.contains(fp) {
            return Err(e);
        }
    }
    visited.try_insert(fp, meter)
}
