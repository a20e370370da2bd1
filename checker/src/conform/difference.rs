//! A difference of a path suite written as a `tcpmc replay` scenario of what the kernel did: the
//! path up to the step where the kernel parted from the model, then the kernel's state as an
//! `expect` line and its first unexpected segment as a `deliver` line, so that replaying the
//! file stops exactly where the model disagrees with the kernel and lists what the model does
//! instead.

use super::packet::Wire;
use super::path::{PathRun, PathStep};
use tcpmc_model::Side;

/// The scenario text. `header` holds the lines before the first step (`variant`, `config`).
pub fn scenario(
    title: &str,
    header: &[String],
    path: &[PathStep],
    run: &PathRun,
    kernel: Side,
) -> Option<String> {
    let at = run.stopped_at?;
    let peer = kernel.peer();
    let mut out = format!(
        "# {title}\n# Written by tcpmc conform: the kernel was endpoint {kernel}, tcpmc endpoint {peer} and the\n\
         # network. The steps below are the model's path up to the step where the kernel differed\n\
         # ({}); the lines after it are what the kernel did. `tcpmc replay` on this file stops there.\n\n",
        run.note
    );
    for h in header {
        out.push_str(h);
        out.push('\n');
    }
    for s in &path[..=at] {
        out.push_str(&s.text);
        out.push('\n');
    }
    out.push_str(&format!(
        "# the model's {kernel} sent {}; the kernel sent {}\n",
        run.model_reply,
        describe_wires(&run.kernel_segments)
    ));
    if run.kernel_reply != run.model_reply {
        if let Some(w) = run.kernel_segments.first() {
            out.push_str(&format!("deliver {kernel}->{peer} {}\n", w.flag_names()));
        }
    }
    if !run.kernel_next.is_empty() && run.kernel_next != run.model_next {
        out.push_str(&format!("expect {kernel} {}\n", run.kernel_next));
    }
    Some(out)
}

fn describe_wires(ws: &[Wire]) -> String {
    if ws.is_empty() {
        return "nothing".into();
    }
    ws.iter()
        .map(|w| format!("{} seq={} ack={}", w.flag_names(), w.seq, w.ack))
        .collect::<Vec<_>>()
        .join(", ")
}
