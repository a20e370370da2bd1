//! Leads-to checking with fairness on an explicit graph (docs/model.md, "Liveness and fairness").
//!
//! "Whenever P, eventually Q" fails iff from some reachable P∧¬Q state a path that stays in ¬Q
//! reaches a *fair* cycle that stays in ¬Q. A state also has an implicit stutter step: staying in
//! a state forever is a cycle of length 0, fair when no fair action is enabled there (a deadlock,
//! or an application that need not act). Fairness:
//! - weak on a class (time, application close): a cycle is unfair if the class is enabled in every
//!   state of it and never taken;
//! - strong on a class (delivery): unfair if the class is enabled somewhere on it and never taken;
//! - must (a Büchi condition; under dense time, time passing): unfair unless it takes an edge of
//!   each must class. With a must class the zero-length stutter cycle is not a cycle: staying in
//!   a state forever has to be an edge too (dense time's `Pass` self-loop), so a cycle that
//!   never lets time pass (Zeno) is not a counterexample.
//!
//! Strong fairness is decided by Streett refinement: a strongly connected component that enables
//! a class but has no internal edge of it keeps a fair cycle only inside the parts that avoid the
//! states enabling it. stateright 0.31's `eventually` looks only at terminal states and so misses
//! every cyclic violation; this check exists for that reason.

use crate::search::graph::Graph;
use std::collections::{HashMap, VecDeque};

/// Which classes must be treated fairly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fairness {
    pub weak: u16,
    pub strong: u16,
    /// A fair cycle takes an edge of each of these classes (0: none required, as for ticks).
    pub must: u16,
}

/// One step of a lasso's cycle: the edge taken and the class it must be of (0: any).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CycleEdge {
    pub from: u32,
    pub to: u32,
    pub class: u16,
}

/// A counterexample to leads-to: a stem from node 0 to `stem.last()`, then a cycle back to it
/// (empty: the system stays in that state forever).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lasso {
    pub stem: Vec<u32>,
    pub cycle: Vec<CycleEdge>,
}

const UNSET: u32 = u32::MAX;

/// Scratch arrays for Tarjan's algorithm over one region, indexed by a node's place in the
/// region (`local`), so they cost bytes per region node, not per graph node.
struct Tarjan<'a> {
    local: &'a [u32],
    index: Vec<u32>,
    low: Vec<u32>,
    on_stack: Vec<bool>,
}

impl<'a> Tarjan<'a> {
    fn new(local: &'a [u32], region: usize) -> Tarjan<'a> {
        Tarjan {
            local,
            index: vec![UNSET; region],
            low: vec![0; region],
            on_stack: vec![false; region],
        }
    }

    #[inline]
    fn at(&self, v: u32) -> usize {
        self.local[v as usize] as usize
    }

    /// Strongly connected components of the subgraph induced by `members` (iterative, so deep
    /// graphs cannot overflow the stack). Deterministic: roots and successors in ascending order.
    fn sccs(&mut self, g: &Graph, members: &[u32], inside: &dyn Fn(u32) -> bool) -> Vec<Vec<u32>> {
        let mut out = Vec::new();
        let mut counter = 0u32;
        let mut stack: Vec<u32> = Vec::new();
        let mut call: Vec<(u32, usize)> = Vec::new();
        for &root in members {
            if self.index[self.at(root)] != UNSET {
                continue;
            }
            self.open(root, &mut counter, &mut stack);
            call.push((root, 0));
            while let Some(&mut (v, ref mut pos)) = call.last_mut() {
                let succ = g.successors(v);
                if *pos < succ.len() {
                    let w = succ[*pos];
                    *pos += 1;
                    if !inside(w) {
                        continue;
                    }
                    let (wi, vi) = (self.at(w), self.at(v));
                    if self.index[wi] == UNSET {
                        self.open(w, &mut counter, &mut stack);
                        call.push((w, 0));
                    } else if self.on_stack[wi] {
                        self.low[vi] = self.low[vi].min(self.index[wi]);
                    }
                } else {
                    call.pop();
                    let vi = self.at(v);
                    if let Some(&(u, _)) = call.last() {
                        let ui = self.at(u);
                        self.low[ui] = self.low[ui].min(self.low[vi]);
                    }
                    if self.low[vi] == self.index[vi] {
                        let mut scc = Vec::new();
                        while let Some(x) = stack.pop() {
                            let xi = self.at(x);
                            self.on_stack[xi] = false;
                            scc.push(x);
                            if x == v {
                                break;
                            }
                        }
                        scc.sort_unstable();
                        out.push(scc);
                    }
                }
            }
        }
        for &m in members {
            let mi = self.at(m);
            self.index[mi] = UNSET;
        }
        out
    }

    fn open(&mut self, v: u32, counter: &mut u32, stack: &mut Vec<u32>) {
        let vi = self.at(v);
        self.index[vi] = *counter;
        self.low[vi] = *counter;
        *counter += 1;
        stack.push(v);
        self.on_stack[vi] = true;
    }
}

/// A fair cycle found inside a component: its nodes and the waypoints it must pass.
struct FairComponent {
    nodes: Vec<u32>,
    /// Edges of a required class, or nodes (as `from == to`, class 0) where a weak class is off.
    waypoints: Vec<CycleEdge>,
}

fn internal_edge(
    g: &Graph,
    comp: &[u32],
    member: &dyn Fn(u32) -> bool,
    c: u16,
) -> Option<CycleEdge> {
    for &u in comp {
        for (&v, k) in g.successors(u).iter().zip(g.classes(u)) {
            if k & c != 0 && member(v) {
                return Some(CycleEdge {
                    from: u,
                    to: v,
                    class: c,
                });
            }
        }
    }
    None
}

fn has_cycle(g: &Graph, comp: &[u32]) -> bool {
    comp.len() > 1 || g.successors(comp[0]).contains(&comp[0])
}

/// Streett refinement for strong fairness, then the weak-fairness test (module docs).
fn fair_component(g: &Graph, t: &mut Tarjan, comp: Vec<u32>, f: Fairness) -> Option<FairComponent> {
    if !has_cycle(g, &comp) {
        return None;
    }
    let set: std::collections::HashSet<u32> = comp.iter().copied().collect();
    let member = |v: u32| set.contains(&v);
    let mut waypoints = Vec::new();
    for bit in (0..16).map(|b| 1u16 << b).filter(|b| f.strong & b != 0) {
        if !comp.iter().any(|&n| g.enabled(n) & bit != 0) {
            continue;
        }
        match internal_edge(g, &comp, &member, bit) {
            Some(e) => waypoints.push(e),
            None => {
                // The class is enabled here but cannot be taken inside: keep only the states
                // that do not enable it, and look for fair cycles there.
                let rest: Vec<u32> = comp
                    .iter()
                    .copied()
                    .filter(|&n| g.enabled(n) & bit == 0)
                    .collect();
                let rest_set: std::collections::HashSet<u32> = rest.iter().copied().collect();
                for sub in t.sccs(g, &rest, &|v| rest_set.contains(&v)) {
                    if let Some(found) = fair_component(g, t, sub, f) {
                        return Some(found);
                    }
                }
                return None;
            }
        }
    }
    for bit in (0..16).map(|b| 1u16 << b).filter(|b| f.must & b != 0) {
        waypoints.push(internal_edge(g, &comp, &member, bit)?);
    }
    for bit in (0..16).map(|b| 1u16 << b).filter(|b| f.weak & b != 0) {
        if let Some(e) = internal_edge(g, &comp, &member, bit) {
            waypoints.push(e);
        } else if let Some(&n) = comp.iter().find(|&&n| g.enabled(n) & bit == 0) {
            waypoints.push(CycleEdge {
                from: n,
                to: n,
                class: 0,
            });
        } else {
            return None;
        }
    }
    Some(FairComponent {
        nodes: comp,
        waypoints,
    })
}

/// Breadth-first shortest path from `from` to a node satisfying `goal`, moving only through
/// `allowed` nodes; returns the nodes after `from`, in order.
fn path_within(
    g: &Graph,
    from: u32,
    goal: &dyn Fn(u32) -> bool,
    allowed: &dyn Fn(u32) -> bool,
) -> Option<Vec<u32>> {
    if goal(from) {
        return Some(Vec::new());
    }
    let mut parent: HashMap<u32, u32> = HashMap::new();
    let mut queue = VecDeque::from([from]);
    parent.insert(from, from);
    while let Some(u) = queue.pop_front() {
        for &v in g.successors(u) {
            if !allowed(v) || parent.contains_key(&v) {
                continue;
            }
            parent.insert(v, u);
            if goal(v) {
                let mut path = vec![v];
                let mut cur = v;
                while parent[&cur] != from {
                    cur = parent[&cur];
                    path.push(cur);
                }
                path.reverse();
                return Some(path);
            }
            queue.push_back(v);
        }
    }
    None
}

/// Shortest-path tree from node 0: parent of each node (`UNSET` if unreachable) and depth.
pub fn bfs_tree(g: &Graph) -> (Vec<u32>, Vec<u32>) {
    let n = g.node_count();
    let mut parent = vec![UNSET; n];
    let mut depth = vec![UNSET; n];
    if n == 0 {
        return (parent, depth);
    }
    depth[0] = 0;
    let mut queue = VecDeque::from([0u32]);
    while let Some(u) = queue.pop_front() {
        for &v in g.successors(u) {
            if depth[v as usize] == UNSET {
                depth[v as usize] = depth[u as usize] + 1;
                parent[v as usize] = u;
                queue.push_back(v);
            }
        }
    }
    (parent, depth)
}

/// The shortest-path tree from the initial state, as the lasso search needs it: depths to rank
/// stems, and the path to one node for the stem it finally prints.
pub trait Tree: Sync {
    fn depth(&self, v: u32) -> u32;
    /// The nodes from an initial node to `v`, both included.
    fn path_to(&self, v: u32) -> Vec<u32>;
}

/// An explicit tree: (parent, depth) per node, as [`bfs_tree`] makes it.
impl Tree for (Vec<u32>, Vec<u32>) {
    fn depth(&self, v: u32) -> u32 {
        self.1[v as usize]
    }

    fn path_to(&self, v: u32) -> Vec<u32> {
        let mut path = vec![v];
        let mut up = self.0[v as usize];
        while up != UNSET {
            path.push(up);
            up = self.0[up as usize];
        }
        path.reverse();
        path
    }
}

/// Checks "whenever P, eventually Q" where `p_not_q` marks P∧¬Q nodes and `not_q` marks ¬Q
/// nodes. Returns the lasso with the shortest stem, or None when the property holds.
pub fn check_leads_to(
    g: &Graph,
    tree: &dyn Tree,
    p_not_q: &dyn Fn(u32) -> bool,
    not_q: &dyn Fn(u32) -> bool,
    f: Fairness,
) -> Option<Lasso> {
    let n = g.node_count();
    // The region: ¬Q nodes reachable from a P∧¬Q node through ¬Q nodes, found breadth-first
    // from the P∧¬Q nodes nearest to the initial state first. `local` gives each region node its
    // place in `found` (discovery order), where `root` remembers which P∧¬Q node reached it and
    // `from` its predecessor on the way.
    let mut sources: Vec<u32> = (0..n as u32).filter(|&v| p_not_q(v)).collect();
    sources.sort_by_key(|&v| (tree.depth(v), v));
    let mut local = vec![UNSET; n];
    let mut found: Vec<u32> = Vec::with_capacity(sources.len());
    let mut root: Vec<u32> = Vec::with_capacity(sources.len());
    let mut from: Vec<u32> = Vec::with_capacity(sources.len());
    for &s in &sources {
        local[s as usize] = found.len() as u32;
        found.push(s);
        root.push(s);
        from.push(UNSET);
    }
    drop(sources);
    let mut head = 0;
    while head < found.len() {
        let u = found[head];
        let ru = root[head];
        head += 1;
        for &v in g.successors(u) {
            if local[v as usize] == UNSET && not_q(v) {
                local[v as usize] = found.len() as u32;
                found.push(v);
                root.push(ru);
                from.push(u);
            }
        }
    }
    let mut region = found.clone();
    region.sort_unstable();
    let in_region = |v: u32| local[v as usize] != UNSET;
    let root_of = |v: u32| root[local[v as usize] as usize];
    // Stems are ranked by the depth of their region root, then by the entry node.
    let stem_len = |v: u32| (tree.depth(root_of(v)), v);

    // Candidates: (entry node, cycle). Stuttering forever is fair where no fair class is enabled
    // and no class must be taken.
    let fair_classes = f.weak | f.strong;
    let mut best: Option<(u32, Vec<CycleEdge>)> = None;
    let better = |entry: u32, best: &Option<(u32, Vec<CycleEdge>)>| match best {
        None => true,
        Some((b, _)) => stem_len(entry) < stem_len(*b),
    };
    for &v in region.iter().filter(|_| f.must == 0) {
        if g.enabled(v) & fair_classes == 0 && better(v, &best) {
            best = Some((v, Vec::new()));
        }
    }
    let mut tarjan = Tarjan::new(&local, found.len());
    for comp in tarjan.sccs(g, &region, &in_region) {
        let Some(fc) = fair_component(g, &mut tarjan, comp, f) else {
            continue;
        };
        let entry = *fc
            .nodes
            .iter()
            .min_by_key(|&&v| (stem_len(v), v))
            .expect("non-empty component");
        if better(entry, &best) {
            best = Some((entry, cycle_through(g, &fc, entry)));
        }
    }
    let (entry, cycle) = best?;
    // The stem: the tree path to the entry's region root, then the region path to the entry.
    let mut inside = vec![entry];
    let mut cur = entry;
    while from[local[cur as usize] as usize] != UNSET {
        cur = from[local[cur as usize] as usize];
        inside.push(cur);
    }
    debug_assert_eq!(cur, root_of(entry));
    inside.pop();
    inside.reverse();
    let mut stem = tree.path_to(cur);
    stem.extend(inside);
    Some(Lasso { stem, cycle })
}

/// Per node, whether a cycle taking an edge of each class of `must` is reachable from it, or a
/// node where `escape` holds (one whose successors the bound cut, say). Under dense time with
/// `must` the time class, a node without is a timelock: time cannot diverge from it.
pub fn can_reach_must_cycle(g: &Graph, must: u16, escape: &dyn Fn(u32) -> bool) -> Vec<bool> {
    let n = g.node_count();
    let local: Vec<u32> = (0..n as u32).collect();
    let all = local.clone();
    let mut t = Tarjan::new(&local, n);
    let mut good = vec![false; n];
    for comp in t.sccs(g, &all, &|_| true) {
        let set: std::collections::HashSet<u32> = comp.iter().copied().collect();
        let member = |v: u32| set.contains(&v);
        let fair = (0..16)
            .map(|b| 1u16 << b)
            .filter(|b| must & b != 0)
            .all(|bit| internal_edge(g, &comp, &member, bit).is_some());
        if has_cycle(g, &comp) && fair {
            for &v in &comp {
                good[v as usize] = true;
            }
        }
    }
    for (v, ok) in good.iter_mut().enumerate() {
        *ok |= escape(v as u32);
    }
    // Backwards from the good nodes.
    let mut preds: Vec<Vec<u32>> = vec![Vec::new(); n];
    for u in 0..n as u32 {
        for &v in g.successors(u) {
            preds[v as usize].push(u);
        }
    }
    let mut queue: VecDeque<u32> = (0..n as u32).filter(|&v| good[v as usize]).collect();
    while let Some(v) = queue.pop_front() {
        for &u in &preds[v as usize] {
            if !good[u as usize] {
                good[u as usize] = true;
                queue.push_back(u);
            }
        }
    }
    good
}

/// A cycle from `entry` through every waypoint of the component and back.
fn cycle_through(g: &Graph, fc: &FairComponent, entry: u32) -> Vec<CycleEdge> {
    let set: std::collections::HashSet<u32> = fc.nodes.iter().copied().collect();
    let allowed = |v: u32| set.contains(&v);
    let mut cycle = Vec::new();
    let mut cur = entry;
    let walk = |cur: &mut u32, target: u32, cycle: &mut Vec<CycleEdge>| {
        let path = path_within(g, *cur, &|v| v == target, &allowed).expect("strongly connected");
        for v in path {
            cycle.push(CycleEdge {
                from: *cur,
                to: v,
                class: 0,
            });
            *cur = v;
        }
    };
    for w in &fc.waypoints {
        walk(&mut cur, w.from, &mut cycle);
        if w.class != 0 {
            cycle.push(*w);
            cur = w.to;
        }
    }
    if cycle.is_empty() {
        // No waypoint: leave the entry by its first internal edge, then come back.
        let first = *g
            .successors(entry)
            .iter()
            .find(|&&v| allowed(v))
            .expect("has a cycle");
        cycle.push(CycleEdge {
            from: entry,
            to: first,
            class: 0,
        });
        cur = first;
    }
    walk(&mut cur, entry, &mut cycle);
    cycle
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::graph::class::*;

    /// A hand-built graph: edges (from, to, class); `enabled` derived from the edges plus `extra`.
    fn graph(n: usize, edges: &[(u32, u32, u16)], extra: &[(u32, u16)]) -> Graph {
        let mut enabled = vec![0u16; n];
        for &(a, _, c) in edges {
            enabled[a as usize] |= c;
        }
        for &(v, c) in extra {
            enabled[v as usize] |= c;
        }
        Graph::from_edges(n, edges.to_vec(), enabled)
    }

    const WEAK_TIME: Fairness = Fairness {
        weak: TICK,
        strong: 0,
        must: 0,
    };

    fn data_ab() -> u16 {
        deliver(tcpmc_model::Side::A, 2)
    }

    /// "Whenever in `p`, eventually out of it" (P = ¬Q, as in the -terminates properties).
    fn terminates(g: &Graph, p: &[u32], f: Fairness) -> Option<Lasso> {
        let tree = bfs_tree(g);
        let inp = |v: u32| p.contains(&v);
        check_leads_to(g, &tree, &inp, &inp, f)
    }

    fn edge(from: u32, to: u32) -> CycleEdge {
        CycleEdge { from, to, class: 0 }
    }

    #[test]
    fn cycle_inside_p_with_time_passing_is_a_violation() {
        // 0 -> 1 <-> 2 (ticks), 2 -> 3 (leave). P = {1, 2}.
        let g = graph(
            4,
            &[(0, 1, OTHER), (1, 2, TICK), (2, 1, TICK), (2, 3, OTHER)],
            &[],
        );
        let l = terminates(&g, &[1, 2], WEAK_TIME).expect("violated");
        assert_eq!(l.stem, vec![0, 1]);
        assert_eq!(
            l.cycle,
            vec![
                CycleEdge {
                    from: 1,
                    to: 2,
                    class: TICK
                },
                edge(2, 1)
            ]
        );
    }

    #[test]
    fn self_loop_is_a_cycle() {
        let g = graph(3, &[(0, 1, OTHER), (1, 1, TICK), (1, 2, OTHER)], &[]);
        let l = terminates(&g, &[1], WEAK_TIME).expect("violated");
        assert_eq!(
            (l.stem, l.cycle),
            (
                vec![0, 1],
                vec![CycleEdge {
                    from: 1,
                    to: 1,
                    class: TICK
                }]
            )
        );
    }

    #[test]
    fn lasso_has_the_shortest_stem() {
        // Two violating loops: one behind a long stem (0-1-2-3<->4), one near (0-5<->6).
        let g = graph(
            7,
            &[
                (0, 1, OTHER),
                (1, 2, OTHER),
                (2, 3, OTHER),
                (3, 4, TICK),
                (4, 3, TICK),
                (0, 5, OTHER),
                (5, 6, TICK),
                (6, 5, TICK),
            ],
            &[],
        );
        let l = terminates(&g, &[3, 4, 5, 6], WEAK_TIME).expect("violated");
        assert_eq!(l.stem, vec![0, 5]);
        assert_eq!(l.cycle.len(), 2);
    }

    #[test]
    fn dag_join_without_cycle_holds() {
        // 0 -> 1 -> 3, 0 -> 2 -> 3 -> 4: every path leaves P = {1, 2, 3} and 4 is outside P.
        let g = graph(
            5,
            &[
                (0, 1, TICK),
                (0, 2, TICK),
                (1, 3, TICK),
                (2, 3, TICK),
                (3, 4, TICK),
            ],
            &[],
        );
        assert_eq!(terminates(&g, &[1, 2, 3], WEAK_TIME), None);
    }

    #[test]
    fn terminal_state_counts_as_a_cycle_of_length_0() {
        let g = graph(3, &[(0, 1, OTHER), (0, 2, OTHER)], &[]);
        let l = terminates(&g, &[2], WEAK_TIME).expect("violated");
        assert_eq!((l.stem, l.cycle), (vec![0, 2], vec![]));
    }

    #[test]
    fn unfair_cycle_is_ignored() {
        // 1 <-> 2 by application actions while a Tick (1 -> 3, 2 -> 3) is always enabled and
        // never taken: weakly unfair to time, so no violation.
        let g = graph(
            4,
            &[
                (0, 1, OTHER),
                (1, 2, OTHER),
                (2, 1, OTHER),
                (1, 3, TICK),
                (2, 3, TICK),
            ],
            &[],
        );
        assert_eq!(terminates(&g, &[1, 2], WEAK_TIME), None);
        // Without fairness the same cycle is a violation.
        let none = Fairness {
            weak: 0,
            strong: 0,
            must: 0,
        };
        assert!(terminates(&g, &[1, 2], none).is_some());
    }

    #[test]
    fn strong_delivery_fairness_needs_the_delivery_taken() {
        // 1 -(tick)-> 2 -(tick)-> 1 loses forever; 2 also enables a delivery that leaves P.
        let g = graph(
            4,
            &[(0, 1, OTHER), (1, 2, TICK), (2, 1, TICK), (2, 3, data_ab())],
            &[],
        );
        assert!(
            terminates(&g, &[1, 2], WEAK_TIME).is_some(),
            "lossy without delivery fairness"
        );
        let fair = Fairness {
            weak: TICK,
            strong: data_ab(),
            must: 0,
        };
        assert_eq!(terminates(&g, &[1, 2], fair), None);
    }

    /// Under dense time: time passing (class `TICK` as the must class) on a cycle.
    const DIVERGENT: Fairness = Fairness {
        weak: 0,
        strong: 0,
        must: TICK,
    };

    #[test]
    fn a_zeno_cycle_is_not_a_counterexample() {
        // 1 <-> 2 duplicates and loses a segment forever at one instant (no time edge); from 2
        // time may pass only by leaving P (2 -> 3, then 3 -> 3 forever). The old check (no
        // must class) calls the cycle a violation; with time divergence required it holds.
        let g = graph(
            4,
            &[
                (0, 1, OTHER),
                (1, 2, OTHER),
                (2, 1, OTHER),
                (2, 3, OTHER),
                (3, 3, TICK),
            ],
            &[],
        );
        let none = Fairness {
            weak: 0,
            strong: 0,
            must: 0,
        };
        assert!(terminates(&g, &[1, 2], none).is_some());
        assert_eq!(terminates(&g, &[1, 2], DIVERGENT), None);
        // The same cycle with time passing on it is a violation, and the lasso takes the edge.
        let timed = graph(
            4,
            &[
                (0, 1, OTHER),
                (1, 2, OTHER),
                (2, 1, TICK),
                (2, 3, OTHER),
                (3, 3, TICK),
            ],
            &[],
        );
        let l = terminates(&timed, &[1, 2], DIVERGENT).expect("violated");
        assert_eq!(l.stem, vec![0, 1]);
        assert!(l.cycle.iter().any(|e| e.class == TICK), "{l:?}");
    }

    #[test]
    fn with_a_must_class_a_terminal_state_is_no_stutter_cycle() {
        // Under ticks a deadlock in P is a violation (it stays forever); under dense time
        // staying is the time self-loop, so a node without one stops time: not a lasso.
        let g = graph(3, &[(0, 1, OTHER), (0, 2, OTHER)], &[]);
        assert!(terminates(&g, &[2], WEAK_TIME).is_some());
        assert_eq!(terminates(&g, &[2], DIVERGENT), None);
        let g = graph(3, &[(0, 1, OTHER), (0, 2, OTHER), (2, 2, TICK)], &[]);
        let l = terminates(&g, &[2], DIVERGENT).expect("time passes forever in 2");
        assert_eq!((l.stem, l.cycle.len()), (vec![0, 2], 1));
    }

    #[test]
    fn timelocks_are_the_nodes_from_which_time_cannot_diverge() {
        // 0 -> 1 <-> 2 (no time), 0 -> 3 -(time)-> 3, 0 -> 4 (dead end), 5 -> 4 with 5 cut.
        let g = graph(
            6,
            &[
                (0, 1, OTHER),
                (1, 2, OTHER),
                (2, 1, OTHER),
                (0, 3, OTHER),
                (3, 3, TICK),
                (0, 4, OTHER),
                (0, 5, OTHER),
                (5, 4, OTHER),
            ],
            &[],
        );
        let ok = can_reach_must_cycle(&g, TICK, &|v| v == 5);
        assert_eq!(ok, vec![true, false, false, true, false, true]);
    }

    #[test]
    fn streett_refinement_keeps_a_fair_sub_cycle() {
        // Component {1, 2, 3}: 3 enables a delivery that leaves; the sub-cycle 1 <-> 2 never
        // enables it, so it stays fair under strong delivery fairness.
        let g = graph(
            5,
            &[
                (0, 1, OTHER),
                (1, 2, TICK),
                (2, 1, TICK),
                (2, 3, TICK),
                (3, 1, TICK),
                (3, 4, data_ab()),
            ],
            &[],
        );
        let fair = Fairness {
            weak: TICK,
            strong: data_ab(),
            must: 0,
        };
        let l = terminates(&g, &[1, 2, 3], fair).expect("violated");
        assert!(l.cycle.iter().all(|e| e.from != 3 && e.to != 3), "{l:?}");
    }
}
