//! What a command reads: the command line (clap), configuration files, named variants and
//! scenario files, each turned into a validated `Config` or a one-line [`error::InputError`];
//! and the outputs it names, opened before any work ([`output`]).

pub mod cli;
pub mod error;
pub mod output;
pub mod scenario_file;
pub mod settings;
pub mod variant;
