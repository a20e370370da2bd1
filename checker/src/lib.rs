//! `tcpmc`: the command line, the search behind it, scenario replay and the reaction table.

pub mod bench;
pub mod cli;
pub mod engine;
pub mod explore;
pub mod explorer;
pub mod graph;
pub mod liveness;
pub mod pictures;
pub mod replay;
pub mod run;
pub mod scenario_file;
pub mod settings;
pub mod sweep;
pub mod table;
pub mod variant;
