//! Renders what a check found: the verdict table, counterexample traces readable without the
//! source, the same as JSON, and pictures (DOT, SVG through Graphviz) of traces, of the
//! per-endpoint state diagram and of the whole state space.

pub mod diagram;
pub mod dot;
pub mod files;
pub mod msc;
pub mod msc_svg;
pub mod report;
pub mod rfc_figure;
pub mod state_graph;
pub mod svg;
pub mod text;
pub mod to_dot;
pub mod trace_dot;

#[cfg(test)]
mod test_trace;

pub use report::{
    CheckReport, EndpointView, GraphStats, SegmentView, Stats, Step, Verdict, VerdictKind,
};
