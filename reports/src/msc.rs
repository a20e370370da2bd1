//! A counterexample as a message sequence chart (DOT), like stateright Explorer's sequence
//! diagrams: A and B lifelines, one rank per step, each segment an arrow from the step that sent it
//! to the step that delivered it.
//!
//! The network is a sorted multiset without identity, so the arrows are derived by diffing
//! consecutive steps (ignoring `age`, which every tick changes): packets that appear were sent at
//! that step; packets that disappear were delivered (a `deliver` step) or lost (`lose`, or expired
//! on a `tick`). A packet that leaves is matched to the earliest unmatched send of an equal packet.

use crate::dot::{attr, attrs, defaults, digraph, edge, node, path, ActionKind, ALARM};
use crate::report::{SegmentView, Step};
use graphviz_rust::dot_structures::{Graph, Id, Stmt, Subgraph};
use std::fmt::Write;

/// A packet without its age: what identifies "the same segment" across steps.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Packet {
    from: String,
    flags: String,
    seq: Option<u8>,
    ack: Option<u8>,
    len: u8,
    connection: u8,
}

impl Packet {
    fn of(s: &SegmentView) -> Packet {
        Packet {
            from: s.from.clone(),
            flags: s.flags.clone(),
            seq: s.seq,
            ack: s.ack,
            len: s.len,
            connection: s.connection,
        }
    }

    fn label(&self) -> String {
        let mut l = match self.seq {
            Some(seq) => format!("{} seq={seq}", self.flags),
            None => format!("{} seq=0abs", self.flags),
        };
        if let Some(a) = self.ack {
            write!(l, " ack={a}").ok();
        }
        write!(l, " c{}", self.connection).ok();
        l
    }

    fn sent_by_a(&self) -> bool {
        self.from == "A"
    }
}

/// How a segment's arrow ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    Delivered,
    /// Lost by the network or expired (age reached MSL): the arrow ends in a cross.
    Lost,
    /// Still in flight after the last step: a dotted arrow to the last rank.
    InFlight,
}

/// One arrow of the chart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub from_a: bool,
    pub label: String,
    pub sent: usize,
    pub ended: usize,
    pub fate: Fate,
    /// A duplicate made by the network (`dup`), not sent by an endpoint.
    pub duplicate: bool,
    /// The segment's connection id is smaller than the receiver's when it arrives (or is lost).
    pub older_incarnation: bool,
}

/// Multiset difference `xs - ys`.
fn minus(xs: &[Packet], ys: &[Packet]) -> Vec<Packet> {
    let mut left: Vec<Option<&Packet>> = ys.iter().map(Some).collect();
    let mut out = Vec::new();
    for x in xs {
        match left.iter_mut().find(|y| y.is_some_and(|y| y == x)) {
            Some(slot) => *slot = None,
            None => out.push(x.clone()),
        }
    }
    out
}

/// Derives the arrows of a trace, in the order the segments were sent.
pub fn messages(steps: &[Step]) -> Vec<Message> {
    struct Open {
        packet: Packet,
        sent: usize,
        duplicate: bool,
        end: Option<(usize, Fate, bool)>,
    }
    let mut open: Vec<Open> = Vec::new();
    let receiver_conn = |step: &Step, p: &Packet| {
        if p.sent_by_a() {
            step.b.connection
        } else {
            step.a.connection
        }
    };
    for (i, step) in steps.iter().enumerate() {
        let now: Vec<Packet> = step.network.iter().map(Packet::of).collect();
        let before: Vec<Packet> = match i.checked_sub(1) {
            Some(p) => steps[p].network.iter().map(Packet::of).collect(),
            None => Vec::new(),
        };
        let kind = step.action.as_deref().map(ActionKind::of);
        for gone in minus(&before, &now) {
            let fate = if kind == Some(ActionKind::Deliver) {
                Fate::Delivered
            } else {
                Fate::Lost
            };
            let older = gone.connection < receiver_conn(&steps[i - 1], &gone);
            if let Some(o) = open
                .iter_mut()
                .find(|o| o.end.is_none() && o.packet == gone)
            {
                o.end = Some((i, fate, older));
            }
        }
        for new in minus(&now, &before) {
            open.push(Open {
                packet: new,
                sent: i,
                duplicate: kind == Some(ActionKind::Duplicate),
                end: None,
            });
        }
    }
    let last = steps.len().saturating_sub(1);
    open.into_iter()
        .map(|o| {
            let (ended, fate, older) = o.end.unwrap_or_else(|| {
                let older = o.packet.connection < receiver_conn(&steps[last], &o.packet);
                (last, Fate::InFlight, older)
            });
            Message {
                from_a: o.packet.sent_by_a(),
                label: o.packet.label(),
                sent: o.sent,
                ended,
                fate,
                duplicate: o.duplicate,
                older_incarnation: older,
            }
        })
        .collect()
}

/// One row of the chart: `ids` side by side (an anonymous `rank=same` subgraph), kept in column
/// order by an invisible chain.
fn row(ids: &[String], out: &mut Vec<Stmt>) {
    let mut stmts = vec![Stmt::Attribute(attr("rank", "same"))];
    stmts.extend(ids.iter().map(|id| node(id, vec![])));
    out.push(Stmt::Subgraph(Subgraph {
        id: Id::Anonymous(String::new()),
        stmts,
    }));
    out.extend(path(ids, attrs(&[("style", "invis")])));
}

/// Renders the chart. With `violating`, the last step is marked as the one that violates
/// `property` (false for a liveness lasso, where no single step does).
pub fn msc_dot(property: &str, steps: &[Step], violating: bool) -> Graph {
    let mut out = defaults(
        &[
            ("label", &format!("{property}: message sequence chart")),
            ("labelloc", "t"),
            ("fontname", "Helvetica"),
            ("rankdir", "TB"),
            ("nodesep", "1.6"),
            ("ranksep", "0.35"),
            // Straight arrows, as in a sequence chart; external labels so they do not bend them.
            ("splines", "false"),
            ("forcelabels", "true"),
        ],
        &[("fontname", "Helvetica"), ("fontsize", "10")],
        &[("fontname", "Helvetica"), ("fontsize", "9")],
    );
    let msgs = messages(steps);
    let last = steps.len().saturating_sub(1);
    // Column heads.
    // Under dense time each row starts with its step's time.
    let timed = steps.iter().any(|s| s.time.is_some());
    out.push(node(
        "head_t",
        attrs(&[
            ("label", if timed { "step [time]" } else { "step" }),
            ("shape", "plaintext"),
        ]),
    ));
    out.push(node(
        "head_a",
        attrs(&[("label", "A"), ("shape", "box"), ("style", "bold")]),
    ));
    out.push(node(
        "head_m",
        attrs(&[("label", "network"), ("shape", "plaintext")]),
    ));
    out.push(node(
        "head_b",
        attrs(&[("label", "B"), ("shape", "box"), ("style", "bold")]),
    ));
    row(
        &["head_t", "head_a", "head_m", "head_b"].map(String::from),
        &mut out,
    );
    for (i, step) in steps.iter().enumerate() {
        let marked = violating && i == last && i > 0;
        let action = step.action.as_deref().unwrap_or("initial state");
        let text = match &step.time {
            Some(t) => format!("{i}. [t={t}] {action}"),
            None => format!("{i}. {action}"),
        };
        let a = if marked {
            attrs(&[
                ("label", &format!("{text}\nviolates {property}")),
                ("shape", "box"),
                ("color", ALARM),
                ("fontcolor", ALARM),
                ("style", "bold"),
            ])
        } else {
            attrs(&[("label", &text), ("shape", "plaintext")])
        };
        out.push(node(&format!("t{i}"), a));
        for (col, e, prev) in [
            ("a", &step.a, i.checked_sub(1).map(|p| &steps[p].a)),
            ("b", &step.b, i.checked_sub(1).map(|p| &steps[p].b)),
        ] {
            let a = if prev.is_none_or(|p| p.state != e.state) {
                attrs(&[
                    ("label", &e.state),
                    ("shape", "box"),
                    ("style", "rounded"),
                    ("fontsize", "8"),
                    ("margin", "0.03"),
                    ("height", "0.2"),
                ])
            } else {
                attrs(&[("shape", "point"), ("width", "0.04"), ("color", "gray40")])
            };
            out.push(node(&format!("{col}{i}"), a));
        }
        let lost_here = msgs.iter().any(|m| m.fate == Fate::Lost && m.ended == i);
        let a = if lost_here {
            attrs(&[
                ("label", "X"),
                ("shape", "plaintext"),
                ("fontcolor", ALARM),
                ("fontsize", "14"),
            ])
        } else {
            attrs(&[("shape", "point"), ("style", "invis"), ("width", "0")])
        };
        out.push(node(&format!("m{i}"), a));
        row(&["t", "a", "m", "b"].map(|c| format!("{c}{i}")), &mut out);
    }
    // Lifelines and the invisible spines that keep one rank per step.
    for (col, style) in [
        ("t", &[("style", "invis")][..]),
        ("a", &[("arrowhead", "none"), ("color", "gray40")][..]),
        ("m", &[("style", "invis")][..]),
        ("b", &[("arrowhead", "none"), ("color", "gray40")][..]),
    ] {
        let mut chain = vec![format!("head_{col}")];
        chain.extend((0..steps.len()).map(|i| format!("{col}{i}")));
        out.extend(path(&chain, attrs(style)));
    }
    for m in &msgs {
        let (src, dst) = if m.from_a { ("a", "b") } else { ("b", "a") };
        let target = match m.fate {
            Fate::Lost => format!("m{}", m.ended),
            _ => format!("{dst}{}", m.ended),
        };
        let mut label = m.label.clone();
        if m.duplicate {
            label.push_str(" (dup)");
        }
        let colour = if m.older_incarnation { ALARM } else { "black" };
        let mut a: Vec<(&str, &str)> = vec![
            ("xlabel", &label),
            ("color", colour),
            ("fontcolor", colour),
            ("constraint", "false"),
        ];
        match m.fate {
            Fate::Delivered => {}
            Fate::Lost => a.push(("arrowhead", "none")),
            Fate::InFlight => a.push(("style", "dotted")),
        }
        out.push(edge(&format!("{src}{}", m.sent), &target, attrs(&a)));
    }
    digraph(&format!("{property} msc"), out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dot::print;
    use crate::test_trace::{parses, round_trips, small_trace, snapshot};

    #[test]
    fn snapshot_of_a_small_trace() {
        let dot = print(&msc_dot("demo", &small_trace(), true));
        snapshot("demo.msc.dot", &dot);
        parses(&dot);
    }

    #[test]
    fn the_printed_graph_reads_back_as_built() {
        round_trips(&msc_dot("demo", &small_trace(), true));
        round_trips(&msc_dot("demo", &small_trace(), false));
        round_trips(&msc_dot("empty", &[], true));
    }

    #[test]
    fn sends_deliveries_losses_and_segments_in_flight() {
        let steps = small_trace();
        let msgs = messages(&steps);
        let syn = &msgs[0];
        assert_eq!((syn.label.as_str(), syn.from_a), ("SYN seq=0 c1", true));
        assert_eq!((syn.sent, syn.ended, syn.fate), (1, 3, Fate::Delivered));
        assert!(msgs.iter().any(|m| m.fate == Fate::Lost));
        assert!(msgs.iter().all(|m| !m.older_incarnation));
    }

    #[test]
    fn a_timed_trace_shows_each_step_time_on_its_row() {
        let mut steps = small_trace();
        for (k, s) in steps.iter_mut().enumerate() {
            s.time = Some(format!("{k}"));
        }
        let dot = print(&msc_dot("demo", &steps, true));
        assert!(
            dot.contains("label=\"1. [t=1] A connect (ISS=0)\""),
            "{dot}"
        );
        assert!(dot.contains("label=\"step [time]\""), "{dot}");
        // The deliveries are still told from the losses: the kind is read off the action.
        assert_eq!(messages(&steps), messages(&small_trace()));
        parses(&dot);
    }

    #[test]
    fn a_segment_of_an_older_connection_is_red() {
        let mut steps = small_trace();
        // Pretend B had moved on to connection 2 before A's SYN of connection 1 arrived.
        for s in &mut steps[2..] {
            s.b.connection = 2;
        }
        let msgs = messages(&steps);
        assert!(msgs[0].older_incarnation);
        let dot = print(&msc_dot("demo", &steps, true));
        assert!(dot.contains(&format!(
            "\"a1\" -> \"b3\" [xlabel=\"SYN seq=0 c1\" color=\"{ALARM}\""
        )));
        parses(&dot);
    }
}
