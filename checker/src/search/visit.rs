//! A plain single-threaded BFS that hands every reachable state and every transition to a
//! visitor: what the pictures (`tcpmc diagram`, `tcpmc graph`) need and the counting search
//! ([`super::bfs::bfs`]) does not keep. States are numbered in discovery order, which is
//! fixed by the model's action order, so the pictures are the same on every run.

use crate::progress::Meter;
use crate::search::fingerprint::fingerprint;
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

use stateright::Model;

/// What the visitor sees.
pub enum Visit<'a, M: Model> {
    /// A state reached for the first time, with its number (the initial state is 0).
    State { id: usize, state: &'a M::State },
    /// A transition between two states inside the boundary (the target is visited first).
    Edge {
        from: usize,
        state: &'a M::State,
        action: &'a M::Action,
        to: usize,
        next: &'a M::State,
    },
}

/// The search found more than the allowed number of states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManyStates(pub usize);

/// Visits every state inside the model's boundary and every transition between them, breadth
/// first. States outside the boundary (network overflow, `network_full = cut`) are skipped, as
/// the check skips them. Stops with an error as soon as more than `max_states` states are found.
/// Returns the number of states.
pub fn explore<M, F>(model: &M, max_states: usize, visit: F) -> Result<usize, TooManyStates>
where
    M: Model,
    M::State: Hash,
    M::Action: Clone,
    F: FnMut(Visit<'_, M>),
{
    explore_metered(model, max_states, &Meter::default(), visit)
}

/// [`explore`], reporting its counts to `meter` every few thousand states.
pub fn explore_metered<M, F>(
    model: &M,
    max_states: usize,
    meter: &Meter,
    mut visit: F,
) -> Result<usize, TooManyStates>
where
    M: Model,
    M::State: Hash,
    M::Action: Clone,
    F: FnMut(Visit<'_, M>),
{
    let mut ids: HashMap<u64, usize> = HashMap::new();
    let mut queue: VecDeque<(usize, M::State)> = VecDeque::new();
    let admit = |s: &M::State,
                 ids: &mut HashMap<u64, usize>,
                 visit: &mut F|
     -> Result<(usize, bool), TooManyStates> {
        let fp = fingerprint(s);
        if let Some(&id) = ids.get(&fp) {
            return Ok((id, false));
        }
        let id = ids.len();
        if id >= max_states {
            return Err(TooManyStates(max_states));
        }
        ids.insert(fp, id);
        visit(Visit::State { id, state: s });
        Ok((id, true))
    };
    for s in model.init_states() {
        if !model.within_boundary(&s) {
            continue;
        }
        let (id, new) = admit(&s, &mut ids, &mut visit)?;
        if new {
            queue.push_back((id, s));
        }
    }
    let mut actions = Vec::new();
    let mut generated = 0u64;
    let mut expanded = 0u64;
    while let Some((from, s)) = queue.pop_front() {
        expanded += 1;
        if expanded.is_multiple_of(4096) {
            meter.set_unique(ids.len() as u64);
            meter.set_generated(generated);
            meter.set_queue(queue.len() as u64);
        }
        actions.clear();
        model.actions(&s, &mut actions);
        for a in actions.drain(..) {
            let Some(n) = model.next_state(&s, a.clone()) else {
                continue;
            };
            generated += 1;
            if !model.within_boundary(&n) {
                continue;
            }
            let (to, new) = admit(&n, &mut ids, &mut visit)?;
            visit(Visit::Edge {
                from,
                state: &s,
                action: &a,
                to,
                next: &n,
            });
            if new {
                queue.push_back((to, n));
            }
        }
    }
    Ok(ids.len())
}
