//! The whole reachable state space as DOT (for small configurations): one node per state with a
//! short label, the initial state marked, states that violate an invariant red, and edges
//! labelled with the action in replay syntax and coloured by its kind.

use crate::dot::{attrs, quote, ActionKind, ALARM};
use std::fmt::Write;
use tcpmc_model::State;

/// A state graph being built; nodes are numbered in discovery (BFS) order.
#[derive(Clone, Debug, Default)]
pub struct StateGraph {
    nodes: Vec<String>,
    edges: Vec<String>,
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
        debug_assert_eq!(id, self.nodes.len());
        let label = short_label(s);
        let full = s
            .to_string()
            .lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n");
        let mut a: Vec<(&str, String)> = vec![("label", label), ("tooltip", full)];
        if id == 0 {
            a.push(("peripheries", "2".into()));
            a.push(("penwidth", "2".into()));
            if violated.is_empty() {
                a.push(("xlabel", "initial".into()));
            }
        }
        if !violated.is_empty() {
            a.push(("style", "filled".into()));
            a.push(("fillcolor", "#ffd7d5".into()));
            a.push(("color", ALARM.into()));
            a.push(("xlabel", format!("violates {}", violated.join(", "))));
        }
        let a: Vec<(&str, &str)> = a.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.nodes
            .push(format!("  {}{};", quote(&format!("s{id}")), attrs(&a)));
    }

    /// Adds the transition `from --action--> to` (the action in replay syntax).
    pub fn add_edge(&mut self, from: usize, to: usize, action: &str) {
        let colour = ActionKind::of(action).colour();
        self.edges.push(format!(
            "  {} -> {}{};",
            quote(&format!("s{from}")),
            quote(&format!("s{to}")),
            attrs(&[("label", action), ("color", colour), ("fontcolor", colour)])
        ));
    }

    pub fn state_count(&self) -> usize {
        self.nodes.len()
    }

    pub fn to_dot(&self, title: &str) -> String {
        let mut out = String::new();
        writeln!(out, "digraph \"state space\" {{").ok();
        writeln!(
            out,
            "  graph{};",
            attrs(&[
                ("label", title),
                ("labelloc", "t"),
                ("fontname", "Helvetica")
            ])
        )
        .ok();
        writeln!(
            out,
            "  node{};",
            attrs(&[
                ("shape", "box"),
                ("fontname", "Helvetica"),
                ("fontsize", "9")
            ])
        )
        .ok();
        writeln!(
            out,
            "  edge{};",
            attrs(&[("fontname", "Helvetica"), ("fontsize", "8")])
        )
        .ok();
        for n in &self.nodes {
            writeln!(out, "{n}").ok();
        }
        for e in &self.edges {
            writeln!(out, "{e}").ok();
        }
        out.push_str("}\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_trace::parses;
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
        let dot = g.to_dot("tiny");
        assert!(dot.contains("peripheries=\"2\""));
        assert!(dot.contains("xlabel=\"violates no-deadlock\""));
        assert!(dot.contains(
            "\"s0\" -> \"s1\" [label=\"A connect (ISS=0)\" color=\"#1f5fbf\" fontcolor=\"#1f5fbf\"];"
        ));
        parses(&dot);
    }
}
