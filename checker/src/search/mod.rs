//! The search engines: safety by BFS or DFS, the explicit graph and leads-to checking for
//! liveness, a visiting BFS for the pictures, and the zone-graph BFS with inclusion for dense
//! time. Nothing here knows the command line.

pub mod bfs;
pub mod dfs;
pub mod fingerprint;
pub mod goals;
pub mod graph;
pub mod liveness;
pub mod visit;
pub mod zone_bfs;
