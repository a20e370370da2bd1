//! Shared DOT helpers. Every picture is a graphviz-rust AST (`dot_structures::Graph`) printed by
//! graphviz-rust's printer, so the pictures are values the tests can compare and the text always
//! follows the grammar graphviz-rust parses back. The AST leaves quoting to its user: the printer
//! writes every `Id` verbatim, so an `Id::Escaped` carries its own quotes and escapes, and an
//! `Id::Html` label its own `<` `>`. Those conventions live here, with the colour of each kind of
//! action.

use graphviz_rust::dot_structures::{
    Attribute, Edge, EdgeTy, Graph, GraphAttributes, Id, Node, NodeId, Stmt, Vertex,
};
use graphviz_rust::printer::{DotPrinter, PrinterContext};

/// A DOT double-quoted string: `"` and `\` escaped, newlines as `\n` (centred lines).
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text inside an HTML-like label: the XML specials escaped. A raw `>` would also end the label
/// early for graphviz-rust's parser, so escaping is required, not cosmetic.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// A quoted id, as the parser reads `"..."` back: the quotes are part of the value.
pub fn esc(text: &str) -> Id {
    Id::Escaped(quote(text))
}

/// An HTML-like label from its markup (already escaped with [`html`]); the outer `<` `>` are part
/// of the value, as the parser reads them back.
pub fn html_label(markup: &str) -> Id {
    Id::Html(format!("<{markup}>"))
}

/// `key=value` with the value quoted.
pub fn attr(key: &str, value: &str) -> Attribute {
    Attribute(Id::Plain(key.to_string()), esc(value))
}

/// `key=<markup>`: an HTML-like label (markup already escaped with [`html`]).
pub fn html_attr(key: &str, markup: &str) -> Attribute {
    Attribute(Id::Plain(key.to_string()), html_label(markup))
}

/// Quoted attributes in the given order: the printer keeps it, so the text is stable.
pub fn attrs(pairs: &[(&str, &str)]) -> Vec<Attribute> {
    pairs.iter().map(|(k, v)| attr(k, v)).collect()
}

fn vertex(id: &str) -> Vertex {
    Vertex::N(NodeId(esc(id), None))
}

/// A node statement; ids are always quoted, whatever they contain.
pub fn node(id: &str, attributes: Vec<Attribute>) -> Stmt {
    Stmt::Node(Node::new(NodeId(esc(id), None), attributes))
}

/// An edge statement `from -> to`.
pub fn edge(from: &str, to: &str, attributes: Vec<Attribute>) -> Stmt {
    Stmt::Edge(Edge {
        ty: EdgeTy::Pair(vertex(from), vertex(to)),
        attributes,
    })
}

/// `a -> b -> c …` as one statement, shaped as the parser reads it back: a pair for two nodes, a
/// chain for more, a node statement for one (what `"a" [attrs]` is in DOT), nothing for none.
pub fn path(ids: &[String], attributes: Vec<Attribute>) -> Option<Stmt> {
    match ids {
        [] => None,
        [one] => Some(node(one, attributes)),
        [from, to] => Some(edge(from, to, attributes)),
        _ => Some(Stmt::Edge(Edge {
            ty: EdgeTy::Chain(ids.iter().map(|id| vertex(id)).collect()),
            attributes,
        })),
    }
}

/// The `graph [...]`, `node [...]` and `edge [...]` defaults every picture starts with. An empty
/// list is left out: printed bare, `node` would read back as a node named "node".
pub fn defaults(graph: &[(&str, &str)], node: &[(&str, &str)], edge: &[(&str, &str)]) -> Vec<Stmt> {
    [
        GraphAttributes::Graph(attrs(graph)),
        GraphAttributes::Node(attrs(node)),
        GraphAttributes::Edge(attrs(edge)),
    ]
    .into_iter()
    .filter(|d| match d {
        GraphAttributes::Graph(a) | GraphAttributes::Node(a) | GraphAttributes::Edge(a) => {
            !a.is_empty()
        }
    })
    .map(Stmt::GAttribute)
    .collect()
}

/// A directed graph with a quoted name.
pub fn digraph(name: &str, stmts: Vec<Stmt>) -> Graph {
    Graph::DiGraph {
        id: esc(name),
        strict: false,
        stmts,
    }
}

/// The DOT text of `graph`, by graphviz-rust's printer: two-space indentation, one statement per
/// line ending in `;`, and a final newline so the file is a proper text file. The text depends
/// only on the statements and their order.
pub fn print(graph: &Graph) -> String {
    let mut ctx = PrinterContext::default();
    ctx.with_semi();
    let mut text = graph.print(&mut ctx);
    text.push('\n');
    text
}

/// What an action does, from its replay syntax: the key of its colour (TLC's `colorize`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ActionKind {
    /// An application call: connect, listen, send, read, close, shutdown, abort.
    User,
    Deliver,
    Lose,
    Duplicate,
    Tick,
}

impl ActionKind {
    pub const ALL: [ActionKind; 5] = [
        ActionKind::User,
        ActionKind::Deliver,
        ActionKind::Lose,
        ActionKind::Duplicate,
        ActionKind::Tick,
    ];

    /// Classifies an action written in replay syntax (`deliver A->B SYN`, `A close`, `tick`).
    pub fn of(action: &str) -> ActionKind {
        match action.split_whitespace().next().unwrap_or("") {
            "deliver" => ActionKind::Deliver,
            "lose" => ActionKind::Lose,
            "dup" => ActionKind::Duplicate,
            "tick" => ActionKind::Tick,
            _ => ActionKind::User,
        }
    }

    /// One colour per kind, distinguishable in print and for most colour-blind readers.
    pub fn colour(self) -> &'static str {
        match self {
            ActionKind::User => "#1f5fbf",
            ActionKind::Deliver => "#1a7f37",
            ActionKind::Lose => "#cf222e",
            ActionKind::Duplicate => "#bc4c00",
            ActionKind::Tick => "#6e7781",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ActionKind::User => "application call",
            ActionKind::Deliver => "deliver",
            ActionKind::Lose => "lose",
            ActionKind::Duplicate => "duplicate",
            ActionKind::Tick => "tick",
        }
    }
}

/// Colour of a segment of an older incarnation, and of the violating step.
pub const ALARM: &str = "#cf222e";
/// Background of a field that changed in this step.
pub const CHANGED: &str = "#fff3b0";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_escapes_quotes_backslashes_and_newlines() {
        assert_eq!(quote("a \"b\" \\ c\nd"), "\"a \\\"b\\\" \\\\ c\\nd\"");
        assert_eq!(
            html("A->B <x> & \"y\""),
            "A-&gt;B &lt;x&gt; &amp; &quot;y&quot;"
        );
    }

    #[test]
    fn action_kinds_follow_the_replay_syntax() {
        assert_eq!(ActionKind::of("deliver A->B FIN,ACK"), ActionKind::Deliver);
        assert_eq!(ActionKind::of("lose B->A SYN"), ActionKind::Lose);
        assert_eq!(ActionKind::of("dup A->B ACK #2"), ActionKind::Duplicate);
        assert_eq!(ActionKind::of("tick"), ActionKind::Tick);
        assert_eq!(ActionKind::of("A connect (ISS=0)"), ActionKind::User);
    }

    #[test]
    fn printed_with_quotes_semicolons_and_attributes_in_order() {
        let mut stmts = defaults(&[("label", "t")], &[], &[("fontsize", "9")]);
        stmts.push(node("a b", attrs(&[("label", "x\"y"), ("color", "red")])));
        stmts.push(node("c", vec![html_attr("label", "<b>c</b>")]));
        stmts.extend(path(
            &["a b".into(), "c".into()],
            attrs(&[("style", "dashed")]),
        ));
        stmts.extend(path(&["a b".into(), "c".into(), "d".into()], vec![]));
        let text = print(&digraph("g", stmts));
        assert_eq!(
            text,
            "digraph \"g\" {\n  graph[label=\"t\"];\n  edge[fontsize=\"9\"];\n  \"a b\"[label=\"x\\\"y\" color=\"red\"];\n  \"c\"[label=<<b>c</b>>];\n  \"a b\" -> \"c\" [style=\"dashed\"];\n  \"a b\" -> \"c\" -> \"d\";\n}\n"
        );
    }
}
