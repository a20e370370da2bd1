//! `tcpmc`: the command line, the search behind it, scenario replay and the reaction table.
//!
//! Layers, each using only those below it: [`commands`] (one module per subcommand) uses
//! [`input`] (command line, configuration, variants, scenario files), [`search`] (the BFS,
//! DFS and liveness engines, which know nothing of the command line) and, on Linux, `conform`
//! (the live kernel in a private network namespace, which knows nothing of the command line
//! either). [`progress`] is what a long run shows on stderr and the limits that stop a search;
//! `search` reports to it, and only the commands decide whether it is shown.

pub mod commands;
#[cfg(target_os = "linux")]
pub mod conform;
pub mod input;
pub mod progress;
pub mod search;
