//! `tcpmc`: the command line and the search behind it.

pub mod cli;
pub mod engine;
pub mod explore;
pub mod pictures;
pub mod run;
pub mod settings;
