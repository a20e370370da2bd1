//! `tcpmc`: the command line, the search behind it, scenario replay and the reaction table.
//!
//! Three layers, each using only those below it: [`commands`] (one module per subcommand) uses
//! [`input`] (command line, configuration, variants, scenario files) and [`search`] (the BFS,
//! DFS and liveness engines, which know nothing of the command line).

pub mod commands;
pub mod input;
pub mod search;
