//! The search engines: safety by BFS or DFS, the explicit graph and leads-to checking for
//! liveness, and a visiting BFS for the pictures. Nothing here knows the command line.

pub mod bfs;
pub mod dfs;
pub mod fingerprint;
pub mod goals;
pub mod graph;
pub mod liveness;
pub mod visit;
