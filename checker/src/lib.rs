//! `tcpmc`: the command line and the search behind it.

pub mod cli;
pub mod engine;
pub mod graph;
pub mod liveness;
pub mod run;
pub mod settings;
