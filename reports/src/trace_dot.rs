//! A counterexample as a state graph (DOT): one node per step with both endpoints and the segments
//! in flight, the fields that changed in that step highlighted, edges labelled with the action and
//! coloured by its kind. Like TLC's `-dump dot,actionlabels,colorize`, but for one trace, so each
//! node can afford the whole state.

use crate::dot::{
    attrs, defaults, digraph, edge, html, html_attr, node, ActionKind, ALARM, CHANGED,
};
use crate::report::{EndpointView, Step};
use graphviz_rust::dot_structures::Graph;
use std::fmt::Write;

/// Renders `steps` (step 0 = initial state) as a DOT digraph named after the property.
///
/// `loop_start` is for liveness lassos: the trace then ends by returning to that step, drawn as a
/// dashed back edge from the last step. Without it, the last step is the violating state and is
/// outlined in red.
pub fn trace_dot(property: &str, steps: &[Step], loop_start: Option<usize>) -> Graph {
    let title = match loop_start {
        Some(k) => format!(
            "{property}: counterexample, {} steps, then back to step {k}",
            steps.len().saturating_sub(1)
        ),
        None => format!(
            "{property}: shortest counterexample, {} steps",
            steps.len().saturating_sub(1)
        ),
    };
    let mut stmts = defaults(
        &[
            ("label", &title),
            ("labelloc", "t"),
            ("fontname", "Helvetica"),
            ("rankdir", "TB"),
        ],
        &[
            ("shape", "plaintext"),
            ("fontname", "Helvetica"),
            ("fontsize", "10"),
        ],
        &[("fontname", "Helvetica"), ("fontsize", "10")],
    );
    let last = steps.len().saturating_sub(1);
    for (i, step) in steps.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| &steps[p]);
        let violating = loop_start.is_none() && i == last && i > 0;
        stmts.push(node(
            &node_id(i),
            vec![html_attr("label", &node_label(step, prev, violating))],
        ));
    }
    for (i, step) in steps.iter().enumerate().skip(1) {
        let action = step.action.as_deref().unwrap_or("?");
        let colour = ActionKind::of(action).colour();
        let label = match &step.time {
            Some(t) => format!(" [t={t}] {action} "),
            None => format!(" {action} "),
        };
        stmts.push(edge(
            &node_id(i - 1),
            &node_id(i),
            attrs(&[("label", &label), ("color", colour), ("fontcolor", colour)]),
        ));
    }
    if let Some(k) = loop_start.filter(|&k| k <= last && !steps.is_empty()) {
        stmts.push(edge(
            &node_id(last),
            &node_id(k),
            attrs(&[
                ("label", &format!(" back to step {k} ")),
                ("style", "dashed"),
                ("constraint", "false"),
            ]),
        ));
    }
    digraph(&format!("{property} trace"), stmts)
}

fn node_id(i: usize) -> String {
    format!("step{i}")
}

/// One table cell, highlighted when `changed`.
fn cell(text: &str, changed: bool) -> String {
    if changed {
        format!("<td bgcolor=\"{CHANGED}\"><b>{}</b></td>", html(text))
    } else {
        format!("<td>{}</td>", html(text))
    }
}

fn endpoint_row(side: &str, e: &EndpointView, before: Option<&EndpointView>) -> String {
    let ch = |f: fn(&EndpointView) -> String| before.is_some_and(|b| f(b) != f(e));
    let mut row = format!("<tr><td><b>{side}</b></td>");
    row.push_str(&cell(&e.state, ch(|x| x.state.clone())));
    row.push_str(&cell(&e.snd_una.to_string(), ch(|x| x.snd_una.to_string())));
    row.push_str(&cell(&e.snd_nxt.to_string(), ch(|x| x.snd_nxt.to_string())));
    row.push_str(&cell(&e.rcv_nxt.to_string(), ch(|x| x.rcv_nxt.to_string())));
    row.push_str(&cell(&e.timer, ch(|x| x.timer.clone())));
    row.push_str(&cell(
        &format!("c{}", e.connection),
        ch(|x| x.connection.to_string()),
    ));
    row.push_str("</tr>");
    row
}

fn node_label(step: &Step, prev: Option<&Step>, violating: bool) -> String {
    let border = if violating {
        format!("border=\"3\" color=\"{ALARM}\"")
    } else {
        "border=\"1\"".to_string()
    };
    let mut t = format!("<table {border} cellborder=\"1\" cellspacing=\"0\" cellpadding=\"3\">");
    // Under dense time, the step's time: `step 3, t=1.5`.
    let at = step
        .time
        .as_ref()
        .map(|t| format!(", t={t}"))
        .unwrap_or_default();
    let header = if violating {
        format!("step {}{at}: the property is violated", step.index)
    } else {
        format!("step {}{at}", step.index)
    };
    let header_colour = if violating { ALARM } else { "black" };
    write!(
        t,
        "<tr><td colspan=\"7\"><font color=\"{header_colour}\"><b>{}</b></font></td></tr>",
        html(&header)
    )
    .ok();
    t.push_str(
        "<tr><td></td><td>state</td><td>SND.UNA</td><td>SND.NXT</td><td>RCV.NXT</td><td>timer</td><td>conn</td></tr>",
    );
    t.push_str(&endpoint_row("A", &step.a, prev.map(|p| &p.a)));
    t.push_str(&endpoint_row("B", &step.b, prev.map(|p| &p.b)));
    let texts: Vec<&str> = step.network.iter().map(|s| s.text.as_str()).collect();
    let net_changed = prev.is_some_and(|p| {
        p.network
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            != texts
    });
    let net = if texts.is_empty() {
        "net: empty".to_string()
    } else {
        texts
            .iter()
            .map(|s| html(&format!("[{s}]")))
            .collect::<Vec<_>>()
            .join("<br/>")
    };
    let bg = if net_changed {
        format!(" bgcolor=\"{CHANGED}\"")
    } else {
        String::new()
    };
    write!(t, "<tr><td colspan=\"7\"{bg}>{net}</td></tr>").ok();
    t.push_str("</table>");
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dot::print;
    use crate::test_trace::{parses, round_trips, small_trace, snapshot};

    #[test]
    fn snapshot_of_a_small_trace() {
        let dot = print(&trace_dot("demo", &small_trace(), None));
        snapshot("demo.trace.dot", &dot);
        parses(&dot);
    }

    #[test]
    fn the_printed_graph_reads_back_as_built() {
        round_trips(&trace_dot("demo", &small_trace(), None));
        round_trips(&trace_dot("lasso", &small_trace(), Some(1)));
    }

    #[test]
    fn changed_fields_are_highlighted_and_the_last_step_marked() {
        let dot = print(&trace_dot("demo", &small_trace(), None));
        // Step 1: A leaves CLOSED for SYN-SENT.
        assert!(dot.contains(&format!("<td bgcolor=\"{CHANGED}\"><b>SYN-SENT</b></td>")));
        assert!(dot.contains("the property is violated"));
        assert!(dot.contains("label=\" A connect (ISS=0) \""));
    }

    #[test]
    fn a_timed_trace_shows_each_step_time_on_its_edge_and_node() {
        let mut steps = small_trace();
        for (k, s) in steps.iter_mut().enumerate() {
            s.time = Some(format!("{k}.5s"));
        }
        let dot = print(&trace_dot("demo", &steps, None));
        assert!(
            dot.contains("label=\" [t=1.5s] A connect (ISS=0) \""),
            "{dot}"
        );
        assert!(dot.contains("step 1, t=1.5s"), "{dot}");
        parses(&dot);
    }

    #[test]
    fn a_lasso_gets_a_dashed_back_edge() {
        let steps = small_trace();
        let dot = print(&trace_dot("lasso", &steps, Some(1)));
        let last = steps.len() - 1;
        assert!(dot.contains(&format!(
            "\"step{last}\" -> \"step1\" [label=\" back to step 1 \" style=\"dashed\" constraint=\"false\"];"
        )));
        assert!(!dot.contains("the property is violated"));
        parses(&dot);
    }
}
