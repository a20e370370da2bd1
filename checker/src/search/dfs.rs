//! The depth-first safety search: the same states as [`super::bfs`] in far less memory, since
//! it keeps only fingerprints (in its own compact table) and the current path.

use std::hash::Hash;
use std::time::Instant;

use stateright::Model;

use crate::search::fingerprint::fingerprint;
use crate::search::goals::{Goals, Trace};

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
}

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
