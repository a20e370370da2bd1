//! A trace as a message sequence chart drawn directly as SVG (no Graphviz): the same arrows as
//! [`crate::msc`]'s DOT chart ([`messages`]), laid out on a fixed grid. stateright's Explorer
//! shows it for the path clicked so far.
//!
//! Layout: the step column on the left, then A's and B's lifelines; one row per step. A state is
//! written beside its lifeline where it changes. Each segment is an arrow from the row that sent
//! it to the row that delivered it; a lost or expired one ends in a red X halfway, one still in
//! flight is dashed to the last row, and one of an older incarnation is red.

use crate::dot::ALARM;
use crate::msc::{messages, Fate};
use crate::report::Step;
use std::fmt::Write;

const ROW: usize = 30;
const TOP: usize = 56;
const X_A: usize = 330;
const X_B: usize = 650;
const WIDTH: usize = 780;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn row_y(i: usize) -> usize {
    TOP + i * ROW
}

/// Renders the chart of `steps` (step 0 is the initial state). The last step is outlined.
pub fn msc_svg(steps: &[Step]) -> String {
    let msgs = messages(steps);
    let rows = steps.len().max(1);
    let height = row_y(rows - 1) + ROW;
    let mut out = String::new();
    writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tcpmc-msc\" width=\"{WIDTH}\" \
         height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\" font-family=\"Helvetica, Arial, \
         sans-serif\" font-size=\"11\">"
    )
    .ok();
    writeln!(
        out,
        "<defs><marker id=\"tcpmc-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" \
         markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 \
         5 L 0 10 z\" fill=\"context-stroke\"/></marker></defs>"
    )
    .ok();
    // A white sheet: the Explorer's panel is dark.
    writeln!(
        out,
        "<rect width=\"{WIDTH}\" height=\"{height}\" fill=\"white\"/>"
    )
    .ok();
    // Heads and lifelines.
    writeln!(
        out,
        "<text x=\"8\" y=\"24\" font-weight=\"bold\">step</text>"
    )
    .ok();
    for (name, x) in [("A", X_A), ("B", X_B)] {
        writeln!(
            out,
            "<rect x=\"{}\" y=\"8\" width=\"40\" height=\"22\" fill=\"white\" stroke=\"black\" \
             stroke-width=\"2\"/><text class=\"lifeline\" x=\"{x}\" y=\"24\" \
             text-anchor=\"middle\" font-weight=\"bold\" font-size=\"13\">{name}</text>",
            x - 20
        )
        .ok();
        writeln!(
            out,
            "<line x1=\"{x}\" y1=\"30\" x2=\"{x}\" y2=\"{height}\" stroke=\"gray\"/>"
        )
        .ok();
    }
    let last = steps.len().saturating_sub(1);
    for (i, step) in steps.iter().enumerate() {
        let y = row_y(i);
        if i == last && i > 0 {
            writeln!(
                out,
                "<rect x=\"2\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#fff6d5\" \
                 stroke=\"#d0a000\"/>",
                y - ROW / 2 - 1,
                WIDTH - 4,
                ROW - 2
            )
            .ok();
        }
        let action = step.action.as_deref().unwrap_or("initial state");
        let action = match &step.time {
            Some(t) => format!("[t={t}] {action}"),
            None => action.to_string(),
        };
        writeln!(
            out,
            "<text class=\"step\" x=\"8\" y=\"{}\">{i}. {}</text>",
            y + 4,
            escape(&action)
        )
        .ok();
        for (e, prev, x, anchor, dx) in [
            (
                &step.a,
                i.checked_sub(1).map(|p| &steps[p].a),
                X_A,
                "end",
                -6i64,
            ),
            (
                &step.b,
                i.checked_sub(1).map(|p| &steps[p].b),
                X_B,
                "start",
                6,
            ),
        ] {
            if prev.is_none_or(|p| p.state != e.state) {
                writeln!(
                    out,
                    "<text class=\"state\" x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" \
                     font-size=\"10\" fill=\"#1f4e9e\">{}</text>",
                    x as i64 + dx,
                    y + 4,
                    escape(&e.state)
                )
                .ok();
            }
            writeln!(out, "<circle cx=\"{x}\" cy=\"{y}\" r=\"2\" fill=\"gray\"/>").ok();
        }
    }
    for m in &msgs {
        let (x1, x2) = if m.from_a { (X_A, X_B) } else { (X_B, X_A) };
        let (y1, y2) = (row_y(m.sent), row_y(m.ended));
        let colour = if m.older_incarnation { ALARM } else { "black" };
        let mut label = m.label.clone();
        if m.duplicate {
            label.push_str(" (dup)");
        }
        let (xe, ye) = match m.fate {
            Fate::Lost => ((x1 + x2) / 2, (y1 + y2) / 2),
            _ => (x2, y2),
        };
        let style = match m.fate {
            Fate::Delivered => " marker-end=\"url(#tcpmc-arrow)\"",
            Fate::Lost => "",
            Fate::InFlight => " stroke-dasharray=\"4 3\" marker-end=\"url(#tcpmc-arrow)\"",
        };
        writeln!(
            out,
            "<line class=\"segment\" x1=\"{x1}\" y1=\"{y1}\" x2=\"{xe}\" y2=\"{ye}\" \
             stroke=\"{colour}\"{style}/>"
        )
        .ok();
        if m.fate == Fate::Lost {
            writeln!(
                out,
                "<text x=\"{xe}\" y=\"{}\" text-anchor=\"middle\" font-size=\"14\" \
                 fill=\"{ALARM}\" font-weight=\"bold\">X</text>",
                ye + 5
            )
            .ok();
        }
        // The label sits on the first third of the arrow, near its sender.
        let (lx, ly) = ((2 * x1 + xe) / 3, (2 * y1 + ye) / 3);
        writeln!(
            out,
            "<text class=\"segment-label\" x=\"{lx}\" y=\"{}\" text-anchor=\"middle\" \
             font-size=\"9\" fill=\"{colour}\">{}</text>",
            ly.saturating_sub(4),
            escape(&label)
        )
        .ok();
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_trace::small_trace;

    #[test]
    fn lifelines_rows_and_one_arrow_per_message() {
        let steps = small_trace();
        let svg = msc_svg(&steps);
        assert!(svg.starts_with("<svg "));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains(">A</text>") && svg.contains(">B</text>"));
        assert_eq!(
            svg.matches("class=\"segment\"").count(),
            messages(&steps).len()
        );
        assert_eq!(svg.matches("class=\"step\"").count(), steps.len());
        assert!(svg.contains("SYN seq=0 c1"));
        // Deterministic.
        assert_eq!(svg, msc_svg(&steps));
    }

    #[test]
    fn escapes_text() {
        assert_eq!(
            escape("deliver A->B <x> & \"y\""),
            "deliver A-&gt;B &lt;x&gt; &amp; &quot;y&quot;"
        );
    }

    #[test]
    fn the_initial_state_alone() {
        let steps = &small_trace()[..1];
        let svg = msc_svg(steps);
        assert!(svg.contains("0. initial state"));
        assert!(!svg.contains("class=\"segment\""));
    }
}
