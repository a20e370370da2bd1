//! The per-endpoint TCP state-transition diagram projected from the explored state space, compared
//! with the figure of RFC 9293 §3.3.2.
//!
//! Every transition of the system is projected onto each endpoint whose RFC state it changes: the
//! event is what that endpoint received (the delivered segment's flags), the user call it made or
//! the timer that expired; the response is what it sent in the same step. Transitions that keep an
//! endpoint in its state (an ACK in ESTABLISHED, a retransmission) are left out, as in the figure.

use crate::dot::{attrs, html, quote};
use crate::rfc_figure::{figure_label, FIGURE};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use tcpmc_model::{Action, Segment, Side, State, TcpState, TimerKind};

/// Colour of a transition the model takes but the figure lacks.
pub const MODEL_ONLY: &str = "#1f5fbf";
/// Colour of a figure transition the model never takes (drawn dashed).
pub const FIGURE_ONLY: &str = "#8c959f";

/// The projected transitions of both endpoints: (from, to) → the distinct "event / response" labels.
#[derive(Clone, Debug, Default)]
pub struct Diagram {
    edges: [BTreeMap<(TcpState, TcpState), BTreeSet<String>>; 2],
    reached: [BTreeSet<TcpState>; 2],
}

impl Diagram {
    pub fn new() -> Diagram {
        Diagram::default()
    }

    /// Records a reachable state (so unreached states can be drawn as such).
    pub fn add_state(&mut self, s: &State) {
        for side in [Side::A, Side::B] {
            self.reached[side.index()].insert(s.ep(side).state);
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
                self.edges[side.index()]
                    .entry((from, to))
                    .or_default()
                    .insert(label);
            }
        }
    }

    /// The transitions of one endpoint the model takes, with their labels.
    pub fn edges(&self, side: Side) -> &BTreeMap<(TcpState, TcpState), BTreeSet<String>> {
        &self.edges[side.index()]
    }

    /// The diagram as DOT: one cluster per endpoint, then a legend.
    pub fn to_dot(&self, title: &str) -> String {
        let mut out = String::new();
        writeln!(out, "digraph \"tcp state diagram\" {{").ok();
        writeln!(
            out,
            "  graph{};",
            attrs(&[
                ("label", title),
                ("labelloc", "t"),
                ("fontname", "Helvetica"),
                ("rankdir", "TB"),
            ])
        )
        .ok();
        writeln!(
            out,
            "  node{};",
            attrs(&[
                ("shape", "box"),
                ("style", "rounded"),
                ("fontname", "Helvetica"),
                ("fontsize", "11"),
            ])
        )
        .ok();
        writeln!(
            out,
            "  edge{};",
            attrs(&[("fontname", "Helvetica"), ("fontsize", "9")])
        )
        .ok();
        for side in [Side::A, Side::B] {
            self.cluster(&mut out, side);
        }
        legend(&mut out);
        out.push_str("}\n");
        out
    }

    fn cluster(&self, out: &mut String, side: Side) {
        let i = side.index();
        writeln!(out, "  subgraph \"cluster_{side}\" {{").ok();
        writeln!(out, "    label=\"endpoint {side}\";").ok();
        for st in TcpState::ALL {
            let reached = self.reached[i].contains(&st);
            let mut a = vec![("label", st.rfc_name())];
            if !reached {
                a.push(("style", "rounded,dashed"));
                a.push(("fontcolor", FIGURE_ONLY));
                a.push(("tooltip", "never reached by the model"));
            }
            writeln!(out, "    {}{};", quote(&node_id(side, st)), attrs(&a)).ok();
        }
        let mut pairs: BTreeSet<(TcpState, TcpState)> = self.edges[i].keys().copied().collect();
        pairs.extend(FIGURE.iter().map(|(f, t, _)| (*f, *t)));
        for (from, to) in pairs {
            let model = self.edges[i].get(&(from, to));
            let figure = figure_label(from, to);
            let model_label = model
                .map(|ls| ls.iter().cloned().collect::<Vec<_>>().join("\n"))
                .unwrap_or_default();
            let (label, tooltip, class, colour, style);
            match (model, figure) {
                (Some(_), Some(f)) => {
                    label = model_label;
                    tooltip = format!("RFC 9293 figure: {f}");
                    class = "rfc-figure";
                    colour = "black";
                    style = "solid";
                }
                (Some(_), None) => {
                    label = model_label;
                    tooltip = "taken by the model, not in the RFC 9293 figure".to_string();
                    class = "model-only";
                    colour = MODEL_ONLY;
                    style = "solid";
                }
                (None, Some(f)) => {
                    label = f.to_string();
                    tooltip = "in the RFC 9293 figure, never taken by the model".to_string();
                    class = "figure-only";
                    colour = FIGURE_ONLY;
                    style = "dashed";
                }
                (None, None) => continue,
            }
            writeln!(
                out,
                "    {} -> {}{};",
                quote(&node_id(side, from)),
                quote(&node_id(side, to)),
                attrs(&[
                    ("label", &label),
                    ("class", class),
                    ("tooltip", &tooltip),
                    ("color", colour),
                    ("fontcolor", colour),
                    ("style", style),
                ])
            )
            .ok();
        }
        writeln!(out, "  }}").ok();
    }
}

fn node_id(side: Side, st: TcpState) -> String {
    format!("{side}/{}", st.rfc_name())
}

fn legend(out: &mut String) {
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
    writeln!(out, "  \"legend\" [shape=\"plaintext\" label=<{t}>];").ok();
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
    use crate::test_trace::parses;
    use tcpmc_model::system::apply;
    use tcpmc_model::Config;

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
        let dot = d.to_dot("test");
        assert!(dot.contains(
            "\"A/CLOSED\" -> \"A/SYN-SENT\" [label=\"active OPEN / snd SYN\" class=\"rfc-figure\""
        ));
        assert!(dot.contains("\"B/SYN-SENT\" -> \"B/SYN-RECEIVED\" [label=\"rcv SYN / snd SYN,ACK\" class=\"figure-only\""));
        parses(&dot);
    }
}
