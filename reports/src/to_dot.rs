//! petgraph → graphviz-rust. The state space and the state diagram are graphs first (petgraph) and
//! pictures second; this is the one place that turns such a graph into DOT statements: nodes in
//! index (insertion) order, then edges in a chosen deterministic order. The text then depends only
//! on what was added, never on hashing.

use crate::dot::{edge, node};
use graphviz_rust::dot_structures::{Attribute, Stmt};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

/// The order of the edge statements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeOrder {
    /// As added: the state space's BFS order.
    Insertion,
    /// By (source, target) node index, parallel edges as added: for a graph whose edges were
    /// found in an order that says nothing, like the state diagram's.
    Endpoints,
}

/// The node and edge statements of `g`. `node_style` gives a node's DOT id and attributes;
/// `edge_style` an edge's attributes, or None to leave it out.
pub fn stmts<N, E>(
    g: &DiGraph<N, E>,
    order: EdgeOrder,
    mut node_style: impl FnMut(NodeIndex, &N) -> (String, Vec<Attribute>),
    mut edge_style: impl FnMut(&E) -> Option<Vec<Attribute>>,
) -> Vec<Stmt> {
    let mut out = Vec::with_capacity(g.node_count() + g.edge_count());
    let mut ids = Vec::with_capacity(g.node_count());
    for i in g.node_indices() {
        let (id, attributes) = node_style(i, &g[i]);
        out.push(node(&id, attributes));
        ids.push(id);
    }
    // Edge indices are insertion order; the sort is stable, so parallel edges keep theirs.
    let mut edges: Vec<_> = g.edge_references().collect();
    if order == EdgeOrder::Endpoints {
        edges.sort_by_key(|e| (e.source(), e.target()));
    }
    for e in edges {
        if let Some(attributes) = edge_style(e.weight()) {
            out.push(edge(
                &ids[e.source().index()],
                &ids[e.target().index()],
                attributes,
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dot::{attrs, digraph, print};

    fn sample() -> DiGraph<&'static str, &'static str> {
        let mut g = DiGraph::new();
        let (a, b, c) = (g.add_node("a"), g.add_node("b"), g.add_node("c"));
        g.add_edge(b, a, "b-a");
        g.add_edge(a, c, "a-c");
        g.add_edge(a, b, "a-b 1");
        g.add_edge(c, a, "hidden");
        g.add_edge(a, b, "a-b 2");
        g
    }

    fn printed(order: EdgeOrder) -> String {
        let s = stmts(
            &sample(),
            order,
            |_, n| (n.to_string(), vec![]),
            |e| (*e != "hidden").then(|| attrs(&[("label", e)])),
        );
        print(&digraph("t", s))
    }

    #[test]
    fn nodes_in_order_then_edges_as_added() {
        assert_eq!(
            printed(EdgeOrder::Insertion),
            "digraph \"t\" {\n  \"a\";\n  \"b\";\n  \"c\";\n  \"b\" -> \"a\" [label=\"b-a\"];\n  \"a\" -> \"c\" [label=\"a-c\"];\n  \"a\" -> \"b\" [label=\"a-b 1\"];\n  \"a\" -> \"b\" [label=\"a-b 2\"];\n}\n"
        );
    }

    #[test]
    fn nodes_in_order_then_edges_by_source_and_target() {
        assert_eq!(
            printed(EdgeOrder::Endpoints),
            "digraph \"t\" {\n  \"a\";\n  \"b\";\n  \"c\";\n  \"a\" -> \"b\" [label=\"a-b 1\"];\n  \"a\" -> \"b\" [label=\"a-b 2\"];\n  \"a\" -> \"c\" [label=\"a-c\"];\n  \"b\" -> \"a\" [label=\"b-a\"];\n}\n"
        );
    }
}
