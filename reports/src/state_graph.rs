//! The whole reachable state space as DOT (for small configurations): one node per state with a
//! short label, the initial state marked, states that violate an invariant red, and edges
//! labelled with the action in replay syntax and coloured by its kind.

use crate::dot::{attrs, defaults, digraph, ActionKind, ALARM};
use crate::to_dot::{self, EdgeOrder};
use graphviz_rust::dot_structures::{Attribute, Graph};
use petgraph::graph::{DiGraph, NodeIndex};
use tcpmc_model::State;

/// What a node shows of its state.
#[derive(Clone, Debug)]
struct StateNode {
    label: String,
    /// The whole state, for the tooltip.
    full: String,
    /// The invariants it breaks.
    violated: Vec<String>,
}

/// The state space being built: node index = state id, in discovery (BFS) order; an edge's weight
/// is its action in replay syntax.
#[derive(Clone, Debug, Default)]
pub struct StateGraph {
    graph: DiGraph<StateNode, String>,
}

/// The short node label: both endpoint states and the number of segments in flight.
pub fn short_label(s: &State) -> String {
    format!(
        "A {}\nB {}\nnet {}",
        s.ep[0].state.rfc_name(),
        s.ep[1].state.rfc_name(),
        s.net.len()
    )
}

impl StateGraph {
    pub fn new() -> StateGraph {
        StateGraph::default()
    }

    /// Adds state number `id` (ids must come in order 0, 1, 2, …). `violated` names the
    /// invariants it breaks.
    pub fn add_state(&mut self, id: usize, s: &State, violated: &[&str]) {
        debug_assert_eq!(id, self.graph.node_count());
        let full = s
            .to_string()
            .lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n");
        self.graph.add_node(StateNode {
            label: short_label(s),
            full,
            violated: violated.iter().map(|v| v.to_string()).collect(),
        });
    }

    /// Adds the transition `from --action--> to` (the action in replay syntax). Both states must
    /// have been added; an edge to an unknown state is left out rather than drawn to nowhere.
    pub fn add_edge(&mut self, from: usize, to: usize, action: &str) {
        let n = self.graph.node_count();
        debug_assert!(from < n && to < n, "edge {from} -> {to} with {n} states");
        if from < n && to < n {
            self.graph
                .add_edge(NodeIndex::new(from), NodeIndex::new(to), action.to_string());
        }
    }

    pub fn state_count(&self) -> usize {
        self.graph.node_count()
    }

    /// The picture: nodes in id order, then edges in the order they were added (BFS order).
    pub fn to_dot(&self, title: &str) -> Graph {
        let mut stmts = defaults(
            &[
                ("label", title),
                ("labelloc", "t"),
                ("fontname", "Helvetica"),
            ],
            &[
                ("shape", "box"),
                ("fontname", "Helvetica"),
                ("fontsize", "9"),
            ],
            &[("fontname", "Helvetica"), ("fontsize", "8")],
        );
        stmts.extend(to_dot::stmts(
            &self.graph,
            EdgeOrder::Insertion,
            node_style,
            |action| {
                let colour = ActionKind::of(action).colour();
                Some(attrs(&[
                    ("label", action),
                    ("color", colour),
                    ("fontcolor", colour),
                ]))
            },
        ));
        digraph("state space", stmts)
    }
}

/// The initial state double-bordered, a violating state filled red and named.
fn node_style(i: NodeIndex, n: &StateNode) -> (String, Vec<Attribute>) {
    let violates = format!("violates {}", n.violated.join(", "));
    let mut a: Vec<(&str, &str)> = vec![("label", &n.label), ("tooltip", &n.full)];
    if i.index() == 0 {
        a.extend([("peripheries", "2"), ("penwidth", "2")]);
        if n.violated.is_empty() {
            a.push(("xlabel", "initial"));
        }
    }
    if !n.violated.is_empty() {
        a.extend([
            ("style", "filled"),
            ("fillcolor", "#ffd7d5"),
            ("color", ALARM),
            ("xlabel", &violates),
        ]);
    }
    (format!("s{}", i.index()), attrs(&a))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dot::print;
    use crate::test_trace::{parses, round_trips};
    use tcpmc_model::system::{apply, describe};
    use tcpmc_model::{Action, Config, Side};

    #[test]
    fn initial_marked_violations_red_edges_coloured() {
        let cfg = Config::default();
        let s0 = State::initial();
        let a = Action::Connect(Side::A, 0);
        let s1 = apply(&cfg, &s0, a).expect("enabled");
        let mut g = StateGraph::new();
        g.add_state(0, &s0, &[]);
        g.add_state(1, &s1, &["no-deadlock"]);
        g.add_edge(0, 1, &describe(&s0, &a));
        let graph = g.to_dot("tiny");
        round_trips(&graph);
        let dot = print(&graph);
        assert!(dot.contains("peripheries=\"2\""));
        assert!(dot.contains("xlabel=\"violates no-deadlock\""));
        assert!(dot.contains(
            "\"s0\" -> \"s1\" [label=\"A connect (ISS=0)\" color=\"#1f5fbf\" fontcolor=\"#1f5fbf\"];"
        ));
        parses(&dot);
    }
}
