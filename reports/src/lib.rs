//! Renders what a check found: the verdict table, counterexample traces readable without the
//! source, and the same as JSON.

pub mod report;
pub mod text;

pub use report::{
    CheckReport, EndpointView, GraphStats, SegmentView, Stats, Step, Verdict, VerdictKind,
};
