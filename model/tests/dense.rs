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

fn small(msl: u16) -> Config {
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

/// The shortest path (BFS) to the first state satisfying `goal`.
fn path_to(
    m: &DenseModel,
    mut goal: impl FnMut(&ZoneState) -> bool,
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
fn every_tick_state_is_reached_under_dense_time() {
    // (configuration, tick states, zone states, untimed states only dense time reaches);
    // states counted with the cut ones.
    let rows = [
        (small(1), 7_180, 8_676, 262),
        // Without loss a segment leaves only by delivery or `Die`. At MSL 1 `Die` (a ≥ 0) is
        // loss by another name, hence the same zone graph as with loss; the tick model kills
        // every segment in flight at once at the tick, dense time one by one, with other events
        // of the same instant in between (1 670 untimed states more).
        (
            Config {
                loss: false,
                ..small(1)
            },
            5_584,
            8_676,
            1_670,
        ),
        (
            Config {
                duplication: true,
                ..small(1)
            },
            49_951,
            58_801,
            2_894,
        ),
        (
            Config {
                rto: 2,
                time_wait: Some(3),
                ..small(1)
            },
            7_868,
            8_222,
            236,
        ),
        (small(2), 123_851, 267_425, 15_249),
    ];
    for (cfg, ticks_n, zones_n, only_n) in rows {
        let c = compare(&cfg, Extrapolation::LuPlus);
        assert_eq!(
            (c.tick_states, c.zone_states, c.only_dense.len()),
            (ticks_n, zones_n, only_n),
            "{cfg:?}"
        );
    }
}

#[test]
fn extra_m_and_lu_plus_reach_the_same_discrete_states() {
    let cfg = small(2);
    let m = reachable(&DenseModel::new(cfg.clone()).with_extrapolation(Extrapolation::M));
    let lu = reachable(&DenseModel::new(cfg).with_extrapolation(Extrapolation::LuPlus));
    let um: HashSet<State> = m.iter().map(|z| z.s).collect();
    let ulu: HashSet<State> = lu.iter().map(|z| z.s).collect();
    assert_eq!(um, ulu);
    // LU+ forgets the segments' lower bounds (no guard reads them while loss is on).
    assert_eq!((m.len(), lu.len()), (376_111, 267_425));
}

#[test]
fn the_first_state_only_dense_time_reaches_lies_between_two_due_timers() {
    // MSL 1: both ends' SYN retransmission timers are due at t = 1. The tick model fires both
    // in one tick; dense time lets A fire first and stops there, with B's timer due (0 left).
    let cfg = small(1);
    let ticks: HashSet<State> = reachable(&TcpModel::new(cfg.clone()))
        .iter()
        .map(untimed)
        .collect();
    let m = DenseModel::new(cfg);
    let (states, actions) = path_to(&m, |z| !ticks.contains(&untimed(&z.s))).expect("a difference");
    let times = m.timeline(&states, &actions).expect("a timed run");
    let steps: Vec<String> = (1..states.len())
        .map(|k| {
            format!(
                "[t={}] {}",
                times[k].0,
                m.describe(&states[k - 1], &actions[k - 1])
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            "[t=0] A connect (ISS=0)",
            "[t=0] B listen",
            "[t=0] deliver A->B SYN (ISS=0)",
            "[t=0] lose B->A SYN,ACK",
            "[t=1] A rexmt timer fires",
        ]
    );
    let last = times.last().expect("non-empty").1;
    assert_eq!(last.ep[1].timer.ticks, 0, "B's timer is due:\n{last}");
    assert_eq!(last.ep[0].retries, 1);
}

#[test]
fn every_path_of_the_zone_graph_has_a_timed_run() {
    // The shortest paths to many states, timed: a solution exists (zone-graph paths are
    // realisable), its times never decrease, and with closed guards they are whole ticks.
    let cfg = Config {
        duplication: true,
        ..small(2)
    };
    let m = DenseModel::new(cfg);
    let mut n = 0;
    let mut latest = 0;
    let _ = path_to(&m, |z| {
        n += 1;
        if n % 97 == 0 {
            let (states, actions) = path_to(&m, |y| y == z).expect("reachable");
            let t = m.timeline(&states, &actions).expect("a timed run");
            assert!(t.windows(2).all(|w| w[0].0 <= w[1].0));
            assert!(
                t.iter().all(|(m, _)| m.den == 1),
                "closed guards: whole ticks"
            );
            latest = latest.max(t.last().expect("non-empty").0.num);
        }
        n >= 5_000
    });
    assert!(latest >= 3, "paths with time passing were timed");
}

#[test]
fn a_zone_state_is_small_and_fixed_size() {
    // The 82-byte discrete state and the 9 × 9 matrix of bounds, two bytes each (README, "Dense
    // time").
    assert_eq!(std::mem::size_of::<ZoneState>(), 244);
    // Packing a zone and unpacking it gives it back, canonical (every reachable zone of MSL 2).
    for z in reachable(&DenseModel::new(small(2))) {
        let zone = z.zone();
        assert!(zone.is_canonical() && !zone.is_empty());
        assert_eq!(ZoneState::new(z.s, &zone), z);
    }
}

#[test]
fn a_timers_length_is_read_from_what_set_it() {
    // Dense time reads a timer's length from its kind, the retransmission count and how the
    // connection ended (`dense::duration`); the tick model writes it as it arms the timer.
    // They agree on every arming of every reachable state, backoff, orphan retries, the quiet
    // time and the passive closer's wait included.
    let cfg = Config {
        backoff: true,
        retries: 2,
        orphan_retries: Some(1),
        passive_close_wait: 3,
        quiet_time: Some(2),
        fin_wait_2_timeout: 3,
        host_fault: tcpmc_model::config::HostFault::Crash,
        ..small(1)
    };
    let m = TcpModel::new(cfg.clone());
    let mut armed = 0;
    let mut buf = Vec::new();
    for s in reachable(&m) {
        if !m.within_boundary(&s) {
            continue;
        }
        buf.clear();
        m.actions(&s, &mut buf);
        for &a in &buf {
            let Some(n) = m.next_state(&s, a) else {
                continue;
            };
            for side in 0..2 {
                let (before, after) = (s.ep[side].timer, n.ep[side].timer);
                let counted_down = match a {
                    tcpmc_model::Action::Tick => before.ticks.saturating_sub(1),
                    _ => before.ticks,
                };
                let rearmed =
                    after.running() && (after.kind != before.kind || after.ticks != counted_down);
                if rearmed {
                    armed += 1;
                    assert_eq!(
                        tcpmc_model::dense::duration(&cfg, &n.ep[side]),
                        Some(after.ticks as i32),
                        "{a:?} from\n{s}\nto\n{n}"
                    );
                }
            }
        }
    }
    assert!(armed > 1000, "{armed} armings checked");
}
