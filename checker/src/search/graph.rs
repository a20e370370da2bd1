//! The explicit reachable state graph, for liveness (docs/model.md, "Liveness and fairness"):
//! for every (state, successor) pair the fairness classes of the actions between them, and per
//! state what the liveness properties read.
//!
//! It is lean (BENCHMARKS.md, "Lean liveness graph"): a CSR of `u32` targets built once, row by
//! row as states are expanded (no edge list to sort or copy); edge and node classes as 4- or
//! 8-bit codes into a palette, keeping only the classes fairness reads; per state one byte of
//! labels (both endpoints' RFC states) and the high half of its fingerprint, not the 82-byte
//! state. Depths are the BFS levels' boundaries, parents are found again by scanning one level,
//! and a trace's states are recomputed from the initial state, each successor recognised by its
//! fingerprint half. About 37 bytes per state on the baseline.

use crate::progress::{Meter, Stop};
use crate::search::dfs::FingerprintSet;
use crate::search::fingerprint::{fingerprint, IdMap};
use stateright::Model;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::time::Instant;
use tcpmc_model::segment::Segment;
use tcpmc_model::{Action, Side, State, TcpModel, TcpState};

/// Fairness classes of actions, as bits (an edge carries the OR of its actions' classes).
pub mod class {
    /// Time passes (timers fire inside Tick).
    pub const TICK: u16 = 1;
    /// A's application closes.
    pub const CLOSE_A: u16 = 2;
    /// B's application closes.
    pub const CLOSE_B: u16 = 4;
    /// Anything else.
    pub const OTHER: u16 = 8;
    /// Every delivery class: one per direction and kind of segment.
    pub const DELIVER_ALL: u16 = 0xfff0;
    /// The classes the default fairness reads (time, and both applications' close).
    pub const DEFAULT_FAIR: u16 = TICK | CLOSE_A | CLOSE_B;
    /// Kinds of segments, for delivery fairness.
    pub const KINDS: [&str; 6] = ["SYN", "SYN,ACK", "DATA", "FIN", "ACK", "RST"];

    /// The delivery class of a segment of `kind` (index into [`KINDS`]) sent by `from`.
    pub fn deliver(from: tcpmc_model::Side, kind: usize) -> u16 {
        1 << (4 + 6 * from.index() + kind)
    }
}

/// The kind of a segment, for delivery fairness (an index into [`class::KINDS`]).
pub fn kind_of(seg: &Segment) -> usize {
    use tcpmc_model::segment::flags::*;
    if seg.has(RST) {
        5
    } else if seg.has(SYN) {
        if seg.has(ACK) {
            1
        } else {
            0
        }
    } else if seg.has(FIN) {
        3
    } else if seg.len > 0 {
        2
    } else {
        4
    }
}

/// The fairness class of `action` taken in `state`.
pub fn class_of(state: &State, action: &Action) -> u16 {
    match *action {
        Action::Tick => class::TICK,
        Action::Deliver(i, _) => {
            let seg: Segment = state.net.get(i as usize);
            class::deliver(seg.from, kind_of(&seg))
        }
        Action::Close(Side::A) => class::CLOSE_A,
        Action::Close(Side::B) => class::CLOSE_B,
        _ => class::OTHER,
    }
}

/// `u16` values stored as small codes into a palette of the values seen: 4 bits a value while
/// at most 16 are distinct, 8 bits up to 256, else 16. Classes take few distinct values (under
/// the default fairness at most 8), so an edge's classes cost half a byte, not two.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Codes {
    bits: u32,
    data: Vec<u8>,
    len: usize,
    palette: Vec<u16>,
    /// Value → code + 1 (0: not in the palette yet), so that encoding is one lookup.
    lookup: Vec<u16>,
}

impl Codes {
    /// Codes of `bits` (4, 8 or 16) bits to start with.
    fn new(bits: u32) -> Codes {
        Codes {
            bits,
            data: Vec::new(),
            len: 0,
            palette: Vec::new(),
            lookup: vec![0; 1 << 16],
        }
    }

    /// Codes wide enough for every combination of the bits of `mask` (4 bits for up to 4).
    fn for_mask(mask: u16) -> Codes {
        Codes::new(if mask.count_ones() <= 4 { 4 } else { 8 })
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    pub fn get(&self, i: usize) -> u16 {
        let code = match self.bits {
            4 => (self.data[i / 2] >> (4 * (i % 2))) as usize & 15,
            8 => self.data[i] as usize,
            _ => u16::from_le_bytes([self.data[2 * i], self.data[2 * i + 1]]) as usize,
        };
        self.palette[code]
    }

    fn code_of(&mut self, value: u16) -> usize {
        match self.lookup[value as usize] {
            0 => {
                self.palette.push(value);
                self.lookup[value as usize] = self.palette.len() as u16;
                self.palette.len() - 1
            }
            c => c as usize - 1,
        }
    }

    fn push(&mut self, value: u16, meter: &Meter) -> Result<(), Stop> {
        let code = self.code_of(value);
        if code >= 1 << self.bits {
            self.widen(meter)?;
        }
        match self.bits {
            4 => {
                if self.len.is_multiple_of(2) {
                    meter.grow(&mut self.data, 1)?;
                    self.data.push(code as u8);
                } else {
                    let last = self.data.len() - 1;
                    self.data[last] |= (code as u8) << 4;
                }
            }
            8 => {
                meter.grow(&mut self.data, 1)?;
                self.data.push(code as u8);
            }
            _ => {
                meter.grow(&mut self.data, 2)?;
                self.data.extend_from_slice(&(code as u16).to_le_bytes());
            }
        }
        self.len += 1;
        Ok(())
    }

    /// Re-encodes with twice the bits (rare: only when a palette outgrows its codes).
    fn widen(&mut self, meter: &Meter) -> Result<(), Stop> {
        let bits = self.bits * 2;
        let mut wider = Codes::new(bits);
        wider.palette = self.palette.clone();
        wider.lookup = self.lookup.clone();
        let bytes = (self.len * bits as usize / 8 + 1) as u64;
        meter.memory_ok(bytes)?;
        wider
            .data
            .try_reserve_exact(bytes as usize)
            .map_err(|_| Stop::Refused { bytes })?;
        for i in 0..self.len {
            let v = self.get(i);
            wider.push(v, meter)?;
        }
        *self = wider;
        Ok(())
    }

    fn bytes(&self) -> usize {
        self.data.capacity() + self.palette.len() * 2 + self.lookup.len() * 2
    }

    fn shrink(&mut self) {
        self.data.shrink_to_fit();
    }
}

/// Nodes per block of row offsets: a row starts at `base[v / BLOCK] + start[v]`, so offsets
/// take 4 bytes a node and the graph may still hold more than 2³² edges.
const BLOCK: usize = 1024;

/// A directed graph with class-labelled edges and, per node, the classes of its enabled
/// actions, in compressed sparse rows. Node `v`'s successors are ascending; rows are appended
/// in node order, so a graph being built is complete for its first [`Graph::rows`] nodes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Graph {
    start: Vec<u32>,
    base: Vec<u64>,
    targets: Vec<u32>,
    classes: Codes,
    enabled: Codes,
}

impl Graph {
    /// An empty graph keeping the classes in `mask`.
    fn new(mask: u16) -> Graph {
        Graph {
            start: vec![0],
            base: vec![0],
            targets: Vec::new(),
            classes: Codes::for_mask(mask),
            enabled: Codes::for_mask(mask),
        }
    }

    /// Builds from edges `(from, to, classes)` in any order; parallel edges merge their classes.
    pub fn from_edges(nodes: usize, mut edges: Vec<(u32, u32, u16)>, enabled: Vec<u16>) -> Graph {
        edges.sort_unstable_by_key(|&(a, b, _)| (a, b));
        let mut g = Graph::new(u16::MAX);
        let meter = Meter::default();
        let mut row: Vec<(u32, u16)> = Vec::new();
        let mut e = edges.into_iter().peekable();
        for v in 0..nodes as u32 {
            row.clear();
            while let Some(&(a, b, c)) = e.peek() {
                if a != v {
                    break;
                }
                match row.last_mut() {
                    Some(last) if last.0 == b => last.1 |= c,
                    _ => row.push((b, c)),
                }
                e.next();
            }
            let en = enabled.get(v as usize).copied().unwrap_or(0);
            g.push_row(&row, en, &meter)
                .expect("no limit on a hand-built graph");
        }
        g
    }

    /// Appends the next node's row: its successors (ascending, distinct) with their classes.
    fn push_row(&mut self, row: &[(u32, u16)], enabled: u16, meter: &Meter) -> Result<(), Stop> {
        meter.grow(&mut self.targets, row.len())?;
        for &(t, c) in row {
            self.targets.push(t);
            self.classes.push(c, meter)?;
        }
        self.enabled.push(enabled, meter)?;
        let end = self.targets.len() as u64;
        let v = self.start.len();
        meter.grow(&mut self.start, 1)?;
        if v.is_multiple_of(BLOCK) {
            meter.grow(&mut self.base, 1)?;
            self.base.push(end);
        }
        let rel = end - self.base[v / BLOCK];
        debug_assert!(rel <= u32::MAX as u64, "a block's rows fit 32-bit offsets");
        self.start.push(rel as u32);
        Ok(())
    }

    #[inline]
    fn pos(&self, v: usize) -> usize {
        (self.base[v / BLOCK] + self.start[v] as u64) as usize
    }

    /// Nodes whose rows are in the graph (all of them once the build is complete).
    pub fn rows(&self) -> usize {
        self.start.len() - 1
    }

    pub fn node_count(&self) -> usize {
        self.rows()
    }

    /// Successors of `n`, ascending (none for a node without a row).
    #[inline]
    pub fn successors(&self, n: u32) -> &[u32] {
        let v = n as usize;
        if v >= self.rows() {
            return &[];
        }
        &self.targets[self.pos(v)..self.pos(v + 1)]
    }

    /// The classes of the edges to [`Graph::successors`], in the same order.
    pub fn classes(&self, n: u32) -> impl Iterator<Item = u16> + '_ {
        let v = n as usize;
        let range = if v >= self.rows() {
            0..0
        } else {
            self.pos(v)..self.pos(v + 1)
        };
        range.map(|e| self.classes.get(e))
    }

    /// Classes enabled at `n` (including actions whose successor is outside the bound).
    #[inline]
    pub fn enabled(&self, n: u32) -> u16 {
        if (n as usize) < self.enabled.len() {
            self.enabled.get(n as usize)
        } else {
            0
        }
    }

    pub fn edge_count(&self) -> usize {
        self.targets.len()
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.start.capacity() * 4
            + self.base.capacity() * 8
            + self.targets.capacity() * 4
            + self.classes.bytes()
            + self.enabled.bytes()
    }

    fn shrink(&mut self) {
        self.start.shrink_to_fit();
        self.base.shrink_to_fit();
        self.targets.shrink_to_fit();
        self.classes.shrink();
        self.enabled.shrink();
    }
}

/// What the graph keeps of each state instead of the state: one byte of labels (what the
/// liveness properties read) and the high half of its fingerprint (to recognise it again when
/// a trace is replayed from the initial state).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Nodes {
    labels: Vec<u8>,
    check: Vec<u32>,
}

impl Nodes {
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// `side`'s endpoint in node `v` is in `st` and its host is not down.
    #[inline]
    pub fn in_state(&self, v: u32, side: Side, st: TcpState) -> bool {
        let code = (self.labels[v as usize] >> (4 * side.index())) & 15;
        code == st as u8
    }

    fn push(&mut self, s: &State, fp: u64, meter: &Meter) -> Result<(), Stop> {
        meter.grow(&mut self.labels, 1)?;
        meter.grow(&mut self.check, 1)?;
        self.labels.push(label_of(s));
        self.check.push(check_of(fp));
        Ok(())
    }

    fn bytes(&self) -> usize {
        self.labels.capacity() + self.check.capacity() * 4
    }

    fn shrink(&mut self) {
        self.labels.shrink_to_fit();
        self.check.shrink_to_fit();
    }
}

/// Both endpoints' RFC states in a byte, 15 for a host that is down (which no state matches).
fn label_of(s: &State) -> u8 {
    let code = |side: Side| {
        if s.is_down(side) {
            15
        } else {
            s.ep(side).state as u8
        }
    };
    code(Side::A) | code(Side::B) << 4
}

#[inline]
fn check_of(fp: u64) -> u32 {
    (fp >> 32) as u32
}

/// The reachable graph of a model: node `i` is the `i`-th state in BFS order (node 0 is initial).
pub struct StateGraph {
    pub graph: Graph,
    /// Per node: labels and fingerprint half (the states themselves are not kept).
    pub states: Nodes,
    /// The first node of each BFS level (level 0 holds the initial states).
    levels: Vec<u32>,
    /// The initial states inside the boundary, in node order (nodes 0, 1, …).
    init: Vec<State>,
    /// Per goal of the build's [`Spec`]: the first node, in BFS order, that discovers it.
    pub discoveries: Vec<Option<u32>>,
    /// Successor states computed, the initial state included.
    pub generated: u64,
    /// Distinct successor states outside the bound (not nodes).
    pub cut: u64,
    pub seconds: f64,
    /// Why the build stopped early (then only the first [`Graph::rows`] nodes have their edges).
    pub stopped: Option<Stop>,
}

/// What a build keeps and looks for besides the graph.
pub struct Spec<'a> {
    /// The classes kept on edges and nodes: those the fairness reads (the rest is dropped).
    pub classes: u16,
    /// Goals (at most 64) as a bit mask per state, asked only about the goals still undiscovered
    /// (the second argument, a mask): the build records each one's first node.
    pub goals: &'a (dyn Fn(&State, u64) -> u64 + Sync),
    pub goal_count: usize,
}

impl StateGraph {
    /// Bytes held: the graph and the per-node data.
    pub fn bytes(&self) -> usize {
        self.graph.bytes() + self.states.bytes() + self.levels.capacity() * 4
    }

    /// Number of BFS levels (the engine's depth).
    pub fn levels(&self) -> usize {
        self.levels.len()
    }

    /// Breadth-first depth of node `v`.
    pub fn depth(&self, v: u32) -> u32 {
        (self.levels.partition_point(|&s| s <= v) - 1) as u32
    }

    fn level_range(&self, d: usize) -> std::ops::Range<u32> {
        let end = self
            .levels
            .get(d + 1)
            .copied()
            .unwrap_or(self.states.len() as u32);
        self.levels[d]..end
    }

    /// The shortest-path tree's path from an initial node to each of `targets`: each node's
    /// parent is its first discoverer, the smallest node of the level above with an edge to it
    /// (the engine's parent), found by scanning that level once for all the targets in it.
    pub fn tree_paths(&self, targets: &[u32]) -> Vec<Vec<u32>> {
        let mut parent: HashMap<u32, u32> = HashMap::new();
        let mut want: BTreeMap<u32, HashSet<u32>> = BTreeMap::new();
        for &t in targets {
            let d = self.depth(t);
            if d > 0 {
                want.entry(d).or_default().insert(t);
            }
        }
        while let Some((d, mut need)) = want.pop_last() {
            need.retain(|v| !parent.contains_key(v));
            for u in self.level_range(d as usize - 1) {
                if need.is_empty() {
                    break;
                }
                for w in self.graph.successors(u) {
                    if need.remove(w) {
                        parent.insert(*w, u);
                        if d > 1 {
                            want.entry(d - 1).or_default().insert(u);
                        }
                    }
                }
            }
        }
        targets
            .iter()
            .map(|&t| {
                let mut path = vec![t];
                while let Some(&p) = parent.get(&path[path.len() - 1]) {
                    path.push(p);
                }
                path.reverse();
                path
            })
            .collect()
    }

    /// Replays a path through the graph in the model: from initial node `first`, each hop
    /// `(to, class)` takes the first enabled action (of `class`, when not 0) whose successor is
    /// node `to`. Returns the states and the actions.
    pub fn replay(
        &self,
        model: &TcpModel,
        first: u32,
        hops: &[(u32, u16)],
    ) -> (Vec<State>, Vec<Action>) {
        let mut states = vec![self.init[first as usize]];
        let mut actions = Vec::new();
        let mut enabled = Vec::new();
        for &(to, class) in hops {
            let s = states[states.len() - 1];
            enabled.clear();
            model.actions(&s, &mut enabled);
            // Candidates: successors carrying `to`'s fingerprint half, in action order.
            let want = self.states.check[to as usize];
            let candidates: Vec<(Action, State, u64)> = enabled
                .iter()
                .filter(|a| class == 0 || class_of(&s, a) & class != 0)
                .filter_map(|&a| {
                    let n = model.next_state(&s, a)?;
                    if !model.within_boundary(&n) {
                        return None;
                    }
                    let fp = fingerprint(&n);
                    (check_of(fp) == want).then_some((a, n, fp))
                })
                .collect();
            let chosen = if candidates.iter().all(|c| c.2 == candidates[0].2) {
                candidates.first()
            } else {
                // Two successors share the half (about one hop in 10⁸): the one whose own
                // successors carry the halves of `to`'s successors is `to`.
                candidates
                    .iter()
                    .find(|c| self.looks_like(model, &c.1, to))
                    .or(candidates.first())
            };
            let (a, n, _) = chosen.expect("every graph edge has an action");
            actions.push(*a);
            states.push(*n);
        }
        (states, actions)
    }

    /// Whether state `s` has node `v`'s labels and the fingerprint halves of its successors.
    fn looks_like(&self, model: &TcpModel, s: &State, v: u32) -> bool {
        if label_of(s) != self.states.labels[v as usize] {
            return false;
        }
        if v as usize >= self.graph.rows() {
            return true;
        }
        let mut acts = Vec::new();
        model.actions(s, &mut acts);
        let mut got: Vec<u32> = acts
            .into_iter()
            .filter_map(|a| model.next_state(s, a))
            .filter(|n| model.within_boundary(n))
            .map(|n| check_of(fingerprint(&n)))
            .collect();
        got.sort_unstable();
        got.dedup();
        let mut want: Vec<u32> = self
            .graph
            .successors(v)
            .iter()
            .map(|&w| self.states.check[w as usize])
            .collect();
        want.sort_unstable();
        want.dedup();
        got == want
    }
}

/// States whose successors one worker computes in one go.
const CHUNK: usize = 2048;

/// What a worker computed for a chunk of states, in flat buffers (no allocation per state).
#[derive(Default)]
struct Expanded {
    /// Per state: the classes of its enabled actions, and how many successors it has.
    enabled: Vec<u16>,
    count: Vec<u32>,
    /// Per successor, in state and action order: class, fingerprint, and its node if it was
    /// numbered when the round began, else [`NEW`] (then the state is next in `new`) or [`CUT`].
    succ: Vec<(u16, u32, u64)>,
    /// New states with their goal masks.
    new: Vec<(State, u64)>,
}

/// A successor not numbered yet when its round began.
const NEW: u32 = u32::MAX;
/// A successor outside the bound.
const CUT: u32 = u32::MAX - 1;

/// Successors of `states`, in action order, with the classes of every enabled action per state.
fn expand(
    model: &TcpModel,
    spec: &Spec,
    pending: u64,
    index: &IdMap,
    states: &[State],
) -> Expanded {
    let mut actions = Vec::new();
    let mut x = Expanded {
        enabled: Vec::with_capacity(states.len()),
        count: Vec::with_capacity(states.len()),
        succ: Vec::with_capacity(states.len() * 8),
        new: Vec::new(),
    };
    for s in states {
        actions.clear();
        model.actions(s, &mut actions);
        let mut en = 0u16;
        let before = x.succ.len();
        for a in actions.drain(..) {
            let c = class_of(s, &a) & spec.classes;
            let Some(n) = model.next_state(s, a) else {
                continue;
            };
            en |= c;
            let fp = fingerprint(&n);
            if !model.within_boundary(&n) {
                x.succ.push((c, CUT, fp));
                continue;
            }
            // Most successors were seen before: look them up here, in parallel, and leave only
            // the new ones to the numbering thread.
            match index.get(fp) {
                Some(j) => x.succ.push((c, j, fp)),
                None => {
                    x.succ.push((c, NEW, fp));
                    let mask = if pending == 0 {
                        0
                    } else {
                        (spec.goals)(&n, pending)
                    };
                    x.new.push((n, mask));
                }
            }
        }
        x.enabled.push(en);
        x.count.push((x.succ.len() - before) as u32);
    }
    x
}

/// States numbered but not expanded yet, in blocks that are freed once expanded: the graph
/// keeps no states, so only the BFS frontier is held whole.
struct Queue {
    blocks: VecDeque<Vec<State>>,
    head: usize,
}

/// States per block of the [`Queue`] (a multiple of [`CHUNK`]: chunks never straddle blocks).
const QUEUE_BLOCK: usize = CHUNK * 16;

impl Queue {
    fn push(&mut self, s: State, meter: &Meter) -> Result<(), Stop> {
        if self.blocks.back().is_none_or(|b| b.len() == QUEUE_BLOCK) {
            let mut b = Vec::new();
            meter.grow(&mut b, QUEUE_BLOCK)?;
            self.blocks.push_back(b);
        }
        if let Some(b) = self.blocks.back_mut() {
            b.push(s);
        }
        Ok(())
    }

    fn len(&self) -> usize {
        self.blocks.iter().map(Vec::len).sum::<usize>() - self.head
    }

    /// Up to `max` chunks of at most [`CHUNK`] states from the head, in order.
    fn chunks(&self, max: usize) -> Vec<&[State]> {
        let mut out = Vec::new();
        let mut skip = self.head;
        for b in &self.blocks {
            for c in b[skip..].chunks(CHUNK) {
                if out.len() == max {
                    return out;
                }
                out.push(c);
            }
            skip = 0;
        }
        out
    }

    /// Drops the first `n` states.
    fn pop(&mut self, mut n: usize) {
        while n > 0 {
            let Some(front) = self.blocks.front() else {
                return;
            };
            let left = front.len() - self.head;
            if n < left || front.len() < QUEUE_BLOCK {
                self.head += n.min(left);
                if self.head == QUEUE_BLOCK {
                    self.blocks.pop_front();
                    self.head = 0;
                }
                return;
            }
            n -= left;
            self.blocks.pop_front();
            self.head = 0;
        }
    }
}

/// Enumerates the reachable graph breadth-first with the default fairness's classes, no goals
/// and no limits.
pub fn build(model: &TcpModel, threads: usize) -> StateGraph {
    let spec = Spec {
        classes: class::DEFAULT_FAIR,
        goals: &|_, _| 0,
        goal_count: 0,
    };
    build_with(model, threads, &spec, &Meter::default())
}

/// Enumerates the reachable graph breadth-first. `threads` workers compute successors and
/// fingerprints of consecutive chunks; one thread numbers the new states in state and action
/// order, so the graph is the same for every thread count. Counts go to `meter` once per chunk,
/// and its limits are checked there (states: exactly, at each new state); a limit ends the
/// build with `stopped` set and the graph complete for the nodes expanded so far.
pub fn build_with(model: &TcpModel, threads: usize, spec: &Spec, meter: &Meter) -> StateGraph {
    let start = Instant::now();
    let threads = threads.max(1);
    let mut index = IdMap::default();
    let mut cut = FingerprintSet::default();
    let mut nodes = Nodes::default();
    let mut levels: Vec<u32> = vec![0];
    let mut graph = Graph::new(spec.classes);
    let mut discoveries: Vec<Option<u32>> = vec![None; spec.goal_count];
    let mut generated = 0u64;
    let mut queue = Queue {
        blocks: VecDeque::new(),
        head: 0,
    };
    let mut init = Vec::new();
    let mut stopped: Option<Stop> = None;
    let record = |discoveries: &mut [Option<u32>], mask: u64, j: u32| {
        if mask != 0 {
            for (k, d) in discoveries.iter_mut().enumerate() {
                if d.is_none() && mask & (1 << k) != 0 {
                    *d = Some(j);
                }
            }
        }
    };
    let number = |s: State,
                  fp: u64,
                  index: &mut IdMap,
                  nodes: &mut Nodes,
                  queue: &mut Queue|
     -> Result<(u32, bool), Stop> {
        let next = nodes.len() as u32;
        let (j, new) = index.get_or_insert(fp, next, meter)?;
        if new {
            // The state limit: a new state beyond it ends the build, unnumbered.
            if let Some(e) = meter.states_full(next as u64) {
                return Err(e);
            }
            nodes.push(&s, fp, meter)?;
            queue.push(s, meter)?;
        }
        Ok((j, new))
    };
    let init_states = model.init_states();
    for s in init_states {
        generated += 1;
        if !model.within_boundary(&s) {
            continue;
        }
        match number(s, fingerprint(&s), &mut index, &mut nodes, &mut queue) {
            Ok((j, true)) => {
                init.push(s);
                record(&mut discoveries, (spec.goals)(&s, u64::MAX), j);
            }
            Ok(_) => {}
            Err(e) => stopped = Some(e),
        }
    }
    let mut out: Vec<(u32, u16)> = Vec::new();
    let mut i = 0usize;
    // The level of node `i` (the next to expand).
    let mut level = 0usize;
    'build: while stopped.is_none() && queue.len() > 0 {
        let chunks = queue.chunks(threads);
        let taken: usize = chunks.iter().map(|c| c.len()).sum();
        // Goals discovered in an earlier round are not asked again (their first node is known).
        let pending = discoveries
            .iter()
            .enumerate()
            .filter(|(_, d)| d.is_none())
            .fold(0u64, |m, (k, _)| m | 1 << k);
        let batch: Vec<Expanded> = if chunks.len() == 1 {
            vec![expand(model, spec, pending, &index, chunks[0])]
        } else {
            let index = &index;
            std::thread::scope(|scope| {
                let handles: Vec<_> = chunks
                    .iter()
                    .map(|&chunk| scope.spawn(move || expand(model, spec, pending, index, chunk)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("a graph worker panicked"))
                    .collect()
            })
        };
        queue.pop(taken);
        for x in batch {
            let mut succ = x.succ.iter();
            let mut new = x.new.into_iter();
            for (en, count) in x.enabled.into_iter().zip(x.count) {
                if levels.get(level + 1).is_some_and(|&s| i as u32 >= s) {
                    level += 1;
                }
                out.clear();
                for &(c, known, fp) in succ.by_ref().take(count as usize) {
                    generated += 1;
                    let j = match known {
                        CUT => {
                            if let Err(e) = cut.try_insert(fp, meter) {
                                stopped = Some(e);
                                break 'build;
                            }
                            continue;
                        }
                        NEW => {
                            let (n, mask) = new.next().expect("a new state per NEW successor");
                            match number(n, fp, &mut index, &mut nodes, &mut queue) {
                                Ok((j, true)) => {
                                    if levels.len() == level + 1 {
                                        levels.push(j);
                                    }
                                    record(&mut discoveries, mask, j);
                                    j
                                }
                                Ok((j, false)) => j,
                                Err(e) => {
                                    stopped = Some(e);
                                    break 'build;
                                }
                            }
                        }
                        j => j,
                    };
                    out.push((j, c));
                }
                out.sort_unstable_by_key(|&(j, _)| j);
                out.dedup_by(|later, kept| {
                    // Parallel edges: one edge with the classes of both.
                    later.0 == kept.0 && {
                        kept.1 |= later.1;
                        true
                    }
                });
                if let Err(e) = graph.push_row(&out, en, meter) {
                    stopped = Some(e);
                    break 'build;
                }
                i += 1;
            }
            meter.set_unique(nodes.len() as u64);
            meter.set_generated(generated);
            meter.set_depth(level as u64);
            meter.set_queue((nodes.len() - i) as u64);
            if let Err(e) = meter.memory_ok(0) {
                stopped = Some(e);
                break 'build;
            }
        }
    }
    drop(index);
    drop(queue);
    graph.shrink();
    nodes.shrink();
    if let Some(s) = stopped {
        meter.halt(s);
    }
    StateGraph {
        graph,
        states: nodes,
        levels,
        init,
        discoveries,
        generated,
        cut: cut.len() as u64,
        seconds: start.elapsed().as_secs_f64(),
        stopped,
    }
}

/// The graph's own shortest-path tree, for the lasso search: depths from the levels, paths by
/// [`StateGraph::tree_paths`].
impl crate::search::liveness::Tree for StateGraph {
    fn depth(&self, v: u32) -> u32 {
        StateGraph::depth(self, v)
    }

    fn path_to(&self, v: u32) -> Vec<u32> {
        self.tree_paths(&[v]).pop().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_widen_when_the_palette_outgrows_them() {
        let meter = Meter::default();
        let mut c = Codes::new(4);
        let values: Vec<u16> = (0..300u16).map(|v| v.wrapping_mul(97)).collect();
        for &v in &values {
            c.push(v, &meter).expect("no limit");
        }
        assert_eq!(c.bits, 16, "300 distinct values need 16-bit codes");
        assert!((0..values.len()).all(|i| c.get(i) == values[i]));
        let mut small = Codes::for_mask(class::DEFAULT_FAIR);
        for i in 0..1001u16 {
            small.push(i % 8, &meter).expect("no limit");
        }
        assert_eq!((small.bits, small.data.len()), (4, 501), "two codes a byte");
        assert!((0..1001).all(|i| small.get(i) == i as u16 % 8));
    }

    #[test]
    fn rows_cross_offset_blocks() {
        // More nodes than a block of offsets, with rows of varying length.
        let n = 3 * BLOCK + 5;
        let mut edges = Vec::new();
        for v in 0..n as u32 {
            for k in 0..(v % 4) {
                edges.push((v, (v + k + 1) % n as u32, 1 << k));
            }
        }
        let g = Graph::from_edges(n, edges, vec![0; n]);
        assert_eq!(g.node_count(), n);
        for v in 0..n as u32 {
            let mut want: Vec<(u32, u16)> = (0..(v % 4))
                .map(|k| ((v + k + 1) % n as u32, 1 << k))
                .collect();
            want.sort_unstable();
            let got: Vec<(u32, u16)> = g.successors(v).iter().copied().zip(g.classes(v)).collect();
            assert_eq!(got, want, "node {v}");
        }
        assert!(
            g.successors(n as u32).is_empty(),
            "no row beyond the last node"
        );
    }

    #[test]
    fn the_queue_hands_out_chunks_in_order_and_frees_blocks() {
        let meter = Meter::default();
        let mut q = Queue {
            blocks: VecDeque::new(),
            head: 0,
        };
        let total = QUEUE_BLOCK * 2 + 100;
        let mut s = State::initial();
        for i in 0..total {
            s.ghost = (i % 200) as u8;
            q.push(s, &meter).expect("no limit");
        }
        let mut seen = 0;
        while q.len() > 0 {
            let chunks = q.chunks(3);
            let taken: usize = chunks.iter().map(|c| c.len()).sum();
            for c in &chunks {
                assert!(c.len() <= CHUNK);
                for st in c.iter() {
                    assert_eq!(st.ghost, (seen % 200) as u8);
                    seen += 1;
                }
            }
            q.pop(taken);
            assert!(q.blocks.len() <= 3);
        }
        assert_eq!(seen, total);
    }
}
