//! The explicit reachable state graph, for liveness (docs/model.md, "Liveness and fairness"):
//! every state, and for every (state, successor) pair the fairness classes of the actions between
//! them, in a petgraph `Csr`.

use crate::search::fingerprint::{fingerprint, FingerprintMap};
use petgraph::csr::Csr;
use petgraph::Directed;
use stateright::Model;
use std::time::Instant;
use tcpmc_model::segment::Segment;
use tcpmc_model::{Action, Side, State, TcpModel};

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

/// A directed graph with class-labelled edges and, per node, the classes of its enabled actions.
pub struct Graph {
    pub csr: Csr<(), u16, Directed, u32>,
    /// Classes enabled at each node (including actions whose successor is outside the bound).
    pub enabled: Vec<u16>,
}

impl Graph {
    /// Builds from edges `(from, to, classes)` in any order; parallel edges merge their classes.
    pub fn from_edges(nodes: usize, mut edges: Vec<(u32, u32, u16)>, enabled: Vec<u16>) -> Graph {
        if edges
            .windows(2)
            .all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1))
        {
            // Sorted and merged already (as `build` makes them).
            return Graph::from_merged(nodes, &edges, enabled);
        }
        edges.sort_unstable_by_key(|&(a, b, _)| (a, b));
        let mut merged: Vec<(u32, u32, u16)> = Vec::with_capacity(edges.len());
        for (a, b, c) in edges {
            match merged.last_mut() {
                Some(last) if last.0 == a && last.1 == b => last.2 |= c,
                _ => merged.push((a, b, c)),
            }
        }
        Graph::from_merged(nodes, &merged, enabled)
    }

    /// From edges sorted by (source, target) with no two alike.
    fn from_merged(nodes: usize, merged: &[(u32, u32, u16)], enabled: Vec<u16>) -> Graph {
        let mut csr: Csr<(), u16, Directed, u32> =
            Csr::from_sorted_edges(merged).expect("edges are sorted and unique");
        while csr.node_count() < nodes {
            csr.add_node(());
        }
        Graph { csr, enabled }
    }

    pub fn node_count(&self) -> usize {
        self.csr.node_count()
    }

    /// Successors of `n` (ascending) and the classes of the edges to them.
    pub fn successors(&self, n: u32) -> (&[u32], &[u16]) {
        (self.csr.neighbors_slice(n), self.csr.edges_slice(n))
    }

    pub fn edge_count(&self) -> usize {
        self.csr.edge_count()
    }
}

/// The reachable graph of a model: node `i` is the `i`-th state in BFS order (node 0 is initial).
pub struct StateGraph {
    pub graph: Graph,
    pub states: Vec<State>,
    /// The first node that discovered each node (`u32::MAX` for the initial one): the same
    /// shortest-path tree the safety search keeps, so its traces are the same.
    pub parent: Vec<u32>,
    /// Breadth-first depth of each node (the initial state is 0).
    pub depth: Vec<u32>,
    /// Successor states computed, the initial state included.
    pub generated: u64,
    /// Distinct successor states outside the bound (not nodes).
    pub cut: u64,
    pub seconds: f64,
}

impl StateGraph {
    /// Approximate bytes held: states, edges, per-node data.
    pub fn bytes(&self) -> usize {
        let n = self.states.len();
        n * std::mem::size_of::<State>() + n * (2 + 4 + 4 + 4) + self.graph.edge_count() * 6
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
    new: Vec<State>,
}

/// A successor not numbered yet when its round began.
const NEW: u32 = u32::MAX;
/// A successor outside the bound.
const CUT: u32 = u32::MAX - 1;

/// Successors of `states`, in action order, with the classes of every enabled action per state.
fn expand(model: &TcpModel, index: &FingerprintMap<u32>, states: &[State]) -> Expanded {
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
            let c = class_of(s, &a);
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
            match index.get(&fp) {
                Some(&j) => x.succ.push((c, j, fp)),
                None => {
                    x.succ.push((c, NEW, fp));
                    x.new.push(n);
                }
            }
        }
        x.enabled.push(en);
        x.count.push((x.succ.len() - before) as u32);
    }
    x
}

/// Enumerates the reachable graph breadth-first. `threads` workers compute successors and
/// fingerprints of consecutive chunks; one thread numbers the new states in state and action
/// order, so the graph is the same for every thread count.
pub fn build(model: &TcpModel, threads: usize) -> StateGraph {
    let start = Instant::now();
    let threads = threads.max(1);
    let mut index: FingerprintMap<u32> = FingerprintMap::default();
    let mut cut: FingerprintMap<()> = FingerprintMap::default();
    let mut states: Vec<State> = Vec::new();
    let mut parent: Vec<u32> = Vec::new();
    let mut depth: Vec<u32> = Vec::new();
    let mut generated = 0u64;
    // Edges grouped by source in ascending order, each group sorted by target and merged.
    let mut edges: Vec<(u32, u32, u16)> = Vec::new();
    let mut enabled: Vec<u16> = Vec::new();
    for s in model.init_states() {
        generated += 1;
        if model.within_boundary(&s) && index.insert(fingerprint(&s), states.len() as u32).is_none()
        {
            states.push(s);
            parent.push(u32::MAX);
            depth.push(0);
        }
    }
    let mut out: Vec<(u32, u16)> = Vec::new();
    let mut i = 0;
    while i < states.len() {
        // The next states to expand, split into chunks, one batch of chunks per round.
        let end = states.len().min(i + CHUNK * threads);
        let batch: Vec<Expanded> = if threads == 1 || end - i <= CHUNK {
            vec![expand(model, &index, &states[i..end])]
        } else {
            let slice = &states[i..end];
            let index = &index;
            std::thread::scope(|scope| {
                let handles: Vec<_> = slice
                    .chunks(CHUNK)
                    .map(|chunk| scope.spawn(move || expand(model, index, chunk)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("a graph worker panicked"))
                    .collect()
            })
        };
        for x in batch {
            let mut succ = x.succ.iter();
            let mut new = x.new.into_iter();
            for (en, count) in x.enabled.into_iter().zip(x.count) {
                out.clear();
                for &(c, known, fp) in succ.by_ref().take(count as usize) {
                    generated += 1;
                    let j = match known {
                        CUT => {
                            cut.insert(fp, ());
                            continue;
                        }
                        NEW => {
                            let n = new.next().expect("a new state per NEW successor");
                            let next = states.len() as u32;
                            let j = *index.entry(fp).or_insert(next);
                            if j == next {
                                states.push(n);
                                parent.push(i as u32);
                                depth.push(depth[i] + 1);
                            }
                            j
                        }
                        j => j,
                    };
                    out.push((j, c));
                }
                out.sort_unstable_by_key(|&(j, _)| j);
                for &(j, c) in &out {
                    match edges.last_mut() {
                        Some(last) if last.0 == i as u32 && last.1 == j => last.2 |= c,
                        _ => edges.push((i as u32, j, c)),
                    }
                }
                enabled.push(en);
                i += 1;
            }
        }
    }
    let graph = Graph::from_edges(states.len(), edges, enabled);
    StateGraph {
        graph,
        states,
        parent,
        depth,
        generated,
        cut: cut.len() as u64,
        seconds: start.elapsed().as_secs_f64(),
    }
}
