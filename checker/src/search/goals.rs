//! What a safety search is asked ([`Goals`]) and what it answers with ([`Trace`]), shared by
//! [`super::bfs`] and [`super::dfs`].

use stateright::Model;

/// What the search is asked to decide: `discovered(i, state)` says whether `state` discovers
/// property `i` (violates invariant `i` or reaches goal `i`).
pub trait Goals<M: Model>: Sync {
    fn count(&self) -> usize;
    fn discovered(&self, model: &M, index: usize, state: &M::State) -> bool;
}

/// A path from an initial state: the states and the actions between them.
#[derive(Clone, Debug)]
pub struct Trace<M: Model> {
    pub states: Vec<M::State>,
    pub actions: Vec<M::Action>,
}
