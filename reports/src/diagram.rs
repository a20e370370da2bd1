//! The per-endpoint TCP state-transition diagram projected from the explored state space, compared
//! with the figure of RFC 9293 §3.3.2.
//!
//! Every transition of the system is projected onto each endpoint whose RFC state it changes: the
//! event is what that endpoint received (the delivered segment's flags), the user call it made or
//! the timer that expired; the response is what it sent in the same step. Transitions that keep an
//! endpoint in its state (an ACK in ESTABLISHED, a retransmission) are left out, as in the figure.

use crate::dot::{attr, attrs, defaults, digraph, esc, html, html_attr, node};
use crate::rfc_figure::FIGURE;
use crate::to_dot::{self, EdgeOrder};
use graphviz_rust::dot_structures::{Attribute, Graph, Stmt, Subgraph};
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use tcpmc_model::{Action, Segment, Side, State, TcpState, TimerKind};

/// Colour of a transition the model takes but the figure lacks.
pub const MODEL_ONLY: &str = "#1f5fbf";
/// Colour of a figure transition the model never takes (drawn dashed).
pub const FIGURE_ONLY: &str = "#8c959f";

/// A state of one endpoint's diagram.
#[derive(Clone, Debug)]
struct Place {
    state: TcpState,
    /// Some reachable system state has the endpoint in this state.
    reached: bool,
}

/// A transition between two states of one endpoint: what the model did and what the figure says.
#[derive(Clone, Debug)]
struct Transition {
    /// The distinct "event / response" labels of the model's steps; empty if it never took it.
    model: BTreeSet<String>,
    /// The figure's label, if the figure has this transition.
    figure: Option<&'static str>,
}

/// The diagram of each endpoint, compared with the RFC figure: one petgraph per endpoint whose
/// nodes are the eleven states (node index = position in [`TcpState::ALL`]) and whose edges are
/// the figure's transitions and those the model takes, one edge per (from, to) pair.
#[derive(Clone, Debug)]
pub struct Diagram {
    sides: [DiGraph<Place, Transition>; 2],
}

impl Default for Diagram {
    fn default() -> Diagram {
        Diagram::new()
    }
}

/// The node of `st`: states are added in [`TcpState::ALL`] order, which is declaration order.
fn place(st: TcpState) -> NodeIndex {
    NodeIndex::new(st as usize)
}

/// The eleven states, none reached yet, and the figure's transitions, none taken yet.
fn figure_graph() -> DiGraph<Place, Transition> {
    let mut g = DiGraph::with_capacity(TcpState::ALL.len(), FIGURE.len() + 16);
    for state in TcpState::ALL {
        g.add_node(Place {
            state,
            reached: false,
        });
    }
    for &(from, to, label) in FIGURE {
        g.add_edge(
            place(from),
            place(to),
            Transition {
                model: BTreeSet::new(),
                figure: Some(label),
            },
        );
    }
    g
}

impl Diagram {
    pub fn new() -> Diagram {
        Diagram {
            sides: [figure_graph(), figure_graph()],
        }
    }

    /// Records a reachable state (so unreached states can be drawn as such).
    pub fn add_state(&mut self, s: &State) {
        for side in [Side::A, Side::B] {
            self.sides[side.index()][place(s.ep(side).state)].reached = true;
        }
    }

    /// Records the transition `before --action--> after` for each endpoint whose state it changes.
    pub fn add_transition(&mut self, before: &State, action: &Action, after: &State) {
        for side in [Side::A, Side::B] {
            let (from, to) = (before.ep(side).state, after.ep(side).state);
            if from == to {
                continue;
            }
            if let Some(label) = project(side, before, action, after) {
                let g = &mut self.sides[side.index()];
                match g.find_edge(place(from), place(to)) {
                    Some(e) => {
                        g[e].model.insert(label);
                    }
                    None => {
                        g.add_edge(
                            place(from),
                            place(to),
                            Transition {
                                model: BTreeSet::from([label]),
                                figure: None,
                            },
                        );
                    }
                }
            }
        }
    }

    /// The transitions of one endpoint the model takes, with their labels.
    pub fn edges(&self, side: Side) -> BTreeMap<(TcpState, TcpState), BTreeSet<String>> {
        let g = &self.sides[side.index()];
        g.edge_indices()
            .filter_map(|e| {
                let (from, to) = g.edge_endpoints(e)?;
                let t = &g[e];
                (!t.model.is_empty()).then(|| ((g[from].state, g[to].state), t.model.clone()))
            })
            .collect()
    }

    /// The diagram as DOT: one cluster per endpoint, then a legend.
    pub fn to_dot(&self, title: &str) -> Graph {
        let mut stmts = defaults(
            &[
                ("label", title),
                ("labelloc", "t"),
                ("fontname", "Helvetica"),
                ("rankdir", "TB"),
            ],
            &[
                ("shape", "box"),
                ("style", "rounded"),
                ("fontname", "Helvetica"),
                ("fontsize", "11"),
            ],
            &[("fontname", "Helvetica"), ("fontsize", "9")],
        );
        for side in [Side::A, Side::B] {
            stmts.push(self.cluster(side));
        }
        stmts.push(legend());
        digraph("tcp state diagram", stmts)
    }

    /// One endpoint's states and transitions, nodes in state order and edges by (from, to).
    fn cluster(&self, side: Side) -> Stmt {
        let mut stmts = vec![Stmt::Attribute(attr("label", &format!("endpoint {side}")))];
        stmts.extend(to_dot::stmts(
            &self.sides[side.index()],
            EdgeOrder::Endpoints,
            |_, p| (node_id(side, p.state), place_attrs(p)),
            transition_attrs,
        ));
        Stmt::Subgraph(Subgraph {
            id: esc(&format!("cluster_{side}")),
            stmts,
        })
    }
}

/// A state never reached is dashed and greyed.
fn place_attrs(p: &Place) -> Vec<Attribute> {
    let mut a = vec![("label", p.state.rfc_name())];
    if !p.reached {
        a.push(("style", "rounded,dashed"));
        a.push(("fontcolor", FIGURE_ONLY));
        a.push(("tooltip", "never reached by the model"));
    }
    attrs(&a)
}

/// Black when the model and the figure agree, blue when only the model takes it, dashed grey
/// when only the figure has it. The model's labels are shown when it takes the transition.
fn transition_attrs(t: &Transition) -> Option<Vec<Attribute>> {
    let model_label = t.model.iter().cloned().collect::<Vec<_>>().join("\n");
    let (label, tooltip, class, colour, style) = match (t.model.is_empty(), t.figure) {
        (false, Some(f)) => (
            model_label,
            format!("RFC 9293 figure: {f}"),
            "rfc-figure",
            "black",
            "solid",
        ),
        (false, None) => (
            model_label,
            "taken by the model, not in the RFC 9293 figure".to_string(),
            "model-only",
            MODEL_ONLY,
            "solid",
        ),
        (true, Some(f)) => (
            f.to_string(),
            "in the RFC 9293 figure, never taken by the model".to_string(),
            "figure-only",
            FIGURE_ONLY,
            "dashed",
        ),
        (true, None) => return None,
    };
    Some(attrs(&[
        ("label", &label),
        ("class", class),
        ("tooltip", &tooltip),
        ("color", colour),
        ("fontcolor", colour),
        ("style", style),
    ]))
}

fn node_id(side: Side, st: TcpState) -> String {
    format!("{side}/{}", st.rfc_name())
}

fn legend() -> Stmt {
    let rows = [
        (
            "black",
            "solid",
            "in the RFC 9293 §3.3.2 figure and taken by the model",
        ),
        (MODEL_ONLY, "solid", "taken by the model, not in the figure"),
        (
            FIGURE_ONLY,
            "dashed",
            "in the figure, never taken by the model",
        ),
    ];
    let mut t = String::from(
        "<table border=\"0\" cellborder=\"0\" cellspacing=\"2\"><tr><td colspan=\"2\"><b>legend</b></td></tr>",
    );
    for (colour, style, text) in rows {
        let line = if style == "dashed" {
            "- - - -"
        } else {
            "———"
        };
        write!(
            t,
            "<tr><td><font color=\"{colour}\">{}</font></td><td align=\"left\">{}</td></tr>",
            html(line),
            html(text)
        )
        .ok();
    }
    write!(
        t,
        "<tr><td colspan=\"2\" align=\"left\">{}</td></tr></table>",
        html("edges: event / response; transitions that keep the state are left out")
    )
    .ok();
    node(
        "legend",
        vec![attr("shape", "plaintext"), html_attr("label", &t)],
    )
}

/// The packets a step added to the network from `side`, ignoring age (a tick ages them all).
fn sent_by(side: Side, before: &State, after: &State) -> Vec<Segment> {
    let young = |s: &Segment| Segment { age: 0, ..*s };
    let mut old: Vec<Option<Segment>> = before
        .net
        .segments()
        .iter()
        .map(|s| Some(young(s)))
        .collect();
    let mut out = Vec::new();
    for s in after.net.segments().iter().map(young) {
        match old.iter_mut().find(|o| **o == Some(s)) {
            Some(slot) => *slot = None,
            None => {
                if s.from == side {
                    out.push(s);
                }
            }
        }
    }
    out
}

/// "event / response" for `side` in this step, or None when the step is not `side`'s event.
fn project(side: Side, before: &State, action: &Action, after: &State) -> Option<String> {
    let user = |s: Side, name: &str| (s == side).then(|| name.to_string());
    let event = match *action {
        Action::Connect(s, _) => user(s, "active OPEN"),
        Action::Listen(s) => user(s, "passive OPEN"),
        Action::Send(s) => user(s, "SEND"),
        Action::Read(s) => user(s, "RECEIVE"),
        Action::Close(s) => user(s, "CLOSE"),
        Action::Shutdown(s) => user(s, "SHUTDOWN"),
        Action::Abort(s) => user(s, "ABORT"),
        Action::Crash(s) => user(s, "host crash"),
        Action::Down(s) => user(s, "host down"),
        Action::Deliver(i, _) => {
            let seg = before.net.segments().get(i as usize)?;
            (seg.from != side).then(|| format!("rcv {}", seg.flag_names()))
        }
        Action::Lose(_) | Action::Duplicate(_) => None,
        Action::Tick => match before.ep(side).timer.kind {
            TimerKind::Off => None,
            TimerKind::Retransmit => Some("timeout=RTO, retries exhausted".to_string()),
            TimerKind::TimeWait => Some("timeout=2MSL".to_string()),
            TimerKind::Quiet => Some("quiet time over".to_string()),
            TimerKind::FinWait2 => Some("timeout=FIN-WAIT-2".to_string()),
        },
    }?;
    let sent: Vec<String> = sent_by(side, before, after)
        .iter()
        .map(Segment::flag_names)
        .collect();
    Some(if sent.is_empty() {
        event
    } else {
        format!("{event} / snd {}", sent.join(" + "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dot::print;
    use crate::test_trace::{parses, round_trips};
    use tcpmc_model::system::apply;
    use tcpmc_model::Config;

    #[test]
    fn node_index_is_the_position_in_all() {
        for (i, st) in TcpState::ALL.into_iter().enumerate() {
            assert_eq!(place(st).index(), i);
            assert_eq!(figure_graph()[place(st)].state, st);
        }
    }

    #[test]
    fn an_active_open_projects_onto_the_connecting_side_only() {
        let cfg = Config::default();
        let s0 = State::initial();
        let a = Action::Connect(Side::A, 0);
        let s1 = apply(&cfg, &s0, a).expect("enabled");
        let mut d = Diagram::new();
        d.add_state(&s0);
        d.add_state(&s1);
        d.add_transition(&s0, &a, &s1);
        let labels = &d.edges(Side::A)[&(TcpState::Closed, TcpState::SynSent)];
        assert_eq!(labels.iter().collect::<Vec<_>>(), ["active OPEN / snd SYN"]);
        assert!(d.edges(Side::B).is_empty());
        let graph = d.to_dot("test");
        round_trips(&graph);
        let dot = print(&graph);
        assert!(dot.contains(
            "\"A/CLOSED\" -> \"A/SYN-SENT\" [label=\"active OPEN / snd SYN\" class=\"rfc-figure\""
        ));
        assert!(dot.contains("\"B/SYN-SENT\" -> \"B/SYN-RECEIVED\" [label=\"rcv SYN / snd SYN,ACK\" class=\"figure-only\""));
        parses(&dot);
    }
}
