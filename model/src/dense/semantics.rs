//! The dense-time semantics of the model (issue 16): the zone graph, UPPAAL's way.
//!
//! A [`ZoneState`] is the discrete [`State`] with its time fields normalised, plus a zone over
//! [`CLOCKS`] clocks: clock 1 and 2 are A's and B's timer, clock `3 + k` the age of network slot
//! `k`. Normalised means: every segment's `age` is 0 (its age is its clock), and a running
//! timer's `ticks` holds the timer's whole duration, a constant, never a count (nothing counts
//! down: the timer's clock counts up).
//!
//! **Actions.** Every discrete action of the tick model but `Tick`, on every slot (equal segments
//! may have different ages, so each one is a separate action), plus
//! - `Fire(side)`: guard `t ≥ T` (`T` the duration): the tick model's expiry logic
//!   (`events::timers::expire`), alone;
//! - `Die(i)`: guard `a ≥ MSL − 1`: the segment leaves the network, as at the tick where its age
//!   reaches MSL. Generated only when the network does not lose segments: otherwise `Lose(i)`,
//!   unguarded, has the same discrete effect from a larger zone, so `Die` adds no behaviour.
//!
//! **Invariants.** A running timer of duration `T`: `t ≤ T` (it fires at `T`, no later). A
//! segment in flight: `a ≤ MSL − 1`. Both closed. The tick model delivers a segment in the
//! phases 0..MSL−1 after the one it was sent in and removes it at the tick into phase MSL, before
//! that tick's timers fire; with integer times as phases, that is `a ≤ MSL − 1` and death at
//! `a = MSL − 1`, after the segment's last use and before any timer firing at `a = MSL`. So every
//! run of the tick model is a run of this one (events of phase `j` at time `j`, a tick's deaths
//! at the end of phase `j − 1`, its firings, A's then B's, first at time `j`). The converse does
//! not hold: at the instant a timer is due, other events may still come before it fires (the
//! tick model fires every due timer first), and the two timers due at one instant may fire in
//! either order with events between them. Dense time has those runs more, and no fewer.
//!
//! **A step.** Guard (on the source zone), then the discrete effect, computed by the tick model's
//! own code on a state whose segments carry their slot number + 1 in `age` and whose running
//! timers carry `ticks = 0` (never a duration): afterwards a segment with age 0 is new (clock
//! reset), one with age `k + 1` came from slot `k` (a duplicate's two copies share the clock:
//! copy), and a running timer whose `ticks` is not 0 was (re)armed (clock reset); the others get
//! their duration back. Clocks of idle timers and empty slots are freed. Then time passes: `up`,
//! the invariants, extrapolation by the constants of the discrete state ([`Extrapolation`]), and
//! the equal segments' clocks are permuted to the least zone of the permutations (equal segments
//! are interchangeable, as the tick model's sort by age makes them).

use crate::dense::dbm::{Bound, Dbm};
use crate::events::timers;
use crate::state::config::{Config, MslBound, DENSE_MAX_CONST, MAX_NET};
use crate::state::ctx::Ctx;
use crate::state::endpoint::Side;
use crate::state::endpoint::{End, Endpoint, TimerKind};
use crate::state::network::Network;
use crate::state::segment::Segment;
use crate::system::{self, Action, Choice, State};
use stateright::Model;

/// Clocks: A's timer, B's timer, then one per network slot.
pub const CLOCKS: usize = 2 + MAX_NET;

/// A zone over the model's clocks.
pub type Zone = Dbm<CLOCKS>;

/// The clock of `side`'s timer (1-based, as [`Dbm`] counts).
pub fn timer_clock(side: Side) -> usize {
    1 + side.index()
}

/// The clock of network slot `i` (0-based).
pub fn slot_clock(i: usize) -> usize {
    3 + i
}

/// The entries of a canonical zone, two bytes each (`Bound::raw`; `i16::MAX` for `∞`): every
/// constant of the model is at most [`DENSE_MAX_CONST`] (the configuration's ranges) and every
/// clock is bounded by an invariant or extrapolated, so every finite entry of a reachable zone
/// has `|c| ≤ DENSE_MAX_CONST`, and `2c + 1` fits. Packing is injective: equality and hashing
/// of packed zones are those of zones.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PackedZone([i16; (CLOCKS + 1) * (CLOCKS + 1)]);

impl PackedZone {
    pub fn pack(z: &Zone) -> PackedZone {
        let mut p = [0i16; (CLOCKS + 1) * (CLOCKS + 1)];
        for i in 0..=CLOCKS {
            for j in 0..=CLOCKS {
                let b = z.get(i, j);
                p[i * (CLOCKS + 1) + j] = if b.is_inf() {
                    i16::MAX
                } else {
                    match i16::try_from(b.raw()) {
                        Ok(v) if v != i16::MAX => v,
                        _ => panic!(
                            "zone bound {b} out of the packed range (constants ≤ {DENSE_MAX_CONST})"
                        ),
                    }
                };
            }
        }
        PackedZone(p)
    }

    pub fn unpack(&self) -> Zone {
        Zone::from_entries(|i, j| {
            let v = self.0[i * (CLOCKS + 1) + j];
            if v == i16::MAX {
                Bound::INF
            } else {
                Bound::from_raw(v as i32).expect("a packed bound is in range")
            }
        })
    }
}

impl std::fmt::Debug for PackedZone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.unpack())
    }
}

/// A state of the zone graph: the normalised discrete state and its zone (packed: 244 bytes in
/// all, where the zone alone is 324 as a [`Dbm`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ZoneState {
    pub s: State,
    z: PackedZone,
}

impl ZoneState {
    pub fn new(s: State, z: &Zone) -> ZoneState {
        ZoneState {
            s,
            z: PackedZone::pack(z),
        }
    }

    /// The zone.
    pub fn zone(&self) -> Zone {
        self.z.unpack()
    }

    /// Whether this state's zone is contained in `other`'s (their discrete parts are not
    /// compared): entrywise `≤` of the canonical matrices, read packed.
    pub fn zone_within(&self, other: &ZoneState) -> bool {
        self.z.0.iter().zip(other.z.0.iter()).all(|(a, b)| a <= b)
    }
}

/// An action of the dense semantics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DenseAction {
    /// A discrete action of the tick model (never `Tick`).
    Step(Action),
    /// The side's timer fires (its clock has reached the duration).
    Fire(Side),
    /// The segment in slot `i` dies of old age (only without loss; see the module note).
    Die(u8),
    /// Time divergence only ([`DenseModel::divergence`]): the divergence clock `z` has reached
    /// 1 and is reset, `z ≥ 1 → z := 0`, the discrete state unchanged. A cycle is non-Zeno iff
    /// it takes `Pass` (Tripakis; Herbreteau, Srivathsan, Walukiewicz).
    Pass,
}

/// The abstraction applied after every successor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Extrapolation {
    /// `Extra_M`, `M` the largest constant each clock is compared with in the discrete state.
    M,
    /// `Extra_LU^+`, `L` from the guards, `U` from the invariants.
    #[default]
    LuPlus,
}

/// The dense-time model of a configuration: a stateright [`Model`].
#[derive(Clone)]
pub struct DenseModel {
    pub cfg: Config,
    pub extrapolation: Extrapolation,
    /// Time divergence (for liveness): the clock of the last network slot, never occupied when
    /// `max_in_flight < MAX_NET`, is the divergence clock `z` ([`divergence_clock`]): never
    /// freed, constants `L = U = 1`, outside the equal segments' permutation, reset only by
    /// [`DenseAction::Pass`]. Off by default (safety checking is unchanged).
    pub divergence: bool,
}

/// The divergence clock `z`: the last network slot's clock.
pub fn divergence_clock() -> usize {
    slot_clock(MAX_NET - 1)
}

/// Where each clock of a successor came from: `0` reset (a new segment, a timer armed), else
/// the predecessor's clock of that number. Idle clocks' entries mean nothing.
pub type ClockMap = [usize; CLOCKS];

impl DenseModel {
    pub fn new(cfg: Config) -> DenseModel {
        DenseModel {
            cfg,
            extrapolation: Extrapolation::default(),
            divergence: false,
        }
    }

    /// The model with the divergence clock and [`DenseAction::Pass`]; `None` when the last
    /// network slot may be occupied (`max_in_flight = MAX_NET`): its clock is then not free.
    pub fn with_divergence(mut self) -> Option<DenseModel> {
        if self.cfg.max_in_flight as usize >= MAX_NET {
            return None;
        }
        self.divergence = true;
        Some(self)
    }

    pub fn with_extrapolation(mut self, e: Extrapolation) -> DenseModel {
        self.extrapolation = e;
        self
    }

    /// A segment's invariant: the largest age it reaches in flight (MSL − 1 closed, MSL open;
    /// an open segment of age MSL can no longer be used, only die).
    fn lifetime(&self) -> i32 {
        match self.cfg.msl_bound {
            MslBound::Closed => self.cfg.msl as i32 - 1,
            MslBound::Open => self.cfg.msl as i32,
        }
    }

    /// The guard of a delivery or duplication of a segment of age `a`: `a < MSL` under the open
    /// bound; none under the closed one (the invariant `a ≤ MSL − 1` is the guard).
    fn use_guard(&self) -> Option<Bound> {
        (self.cfg.msl_bound == MslBound::Open).then(|| Bound::lt(self.cfg.msl as i32))
    }

    /// The initial state: nothing in motion, every clock idle.
    pub fn initial(&self) -> ZoneState {
        let s = State::initial();
        let mut z = Zone::zero();
        self.settle(&s, &mut z);
        ZoneState::new(s, &z)
    }

    /// The clocks in use and their invariant bound (a running timer's duration, a segment's
    /// largest age), or `None` for an idle clock.
    pub fn bounds(&self, s: &State) -> [Option<i32>; CLOCKS] {
        let mut b = [None; CLOCKS];
        for side in [Side::A, Side::B] {
            if let Some(d) = duration(&self.cfg, s.ep(side)) {
                b[timer_clock(side) - 1] = Some(d);
            }
        }
        for i in 0..s.net.len() {
            b[slot_clock(i) - 1] = Some(self.lifetime());
        }
        b
    }

    /// The slot a delivery or duplication uses, if `a` is one.
    fn used_slot(a: DenseAction) -> Option<usize> {
        match a {
            DenseAction::Step(Action::Deliver(i, _)) | DenseAction::Step(Action::Duplicate(i)) => {
                Some(i as usize)
            }
            _ => None,
        }
    }

    /// Frees the idle clocks, lets time pass under the invariants, extrapolates.
    fn settle(&self, s: &State, z: &mut Zone) {
        let bounds = self.bounds(s);
        let zc = self.divergence.then(divergence_clock);
        for (k, b) in bounds.iter().enumerate() {
            if b.is_none() && zc != Some(k + 1) {
                z.free(k + 1);
            }
        }
        z.up();
        for (k, b) in bounds.iter().enumerate() {
            if let Some(c) = b {
                z.at_most(k + 1, *c);
            }
        }
        let mut upper: [i32; CLOCKS] = bounds.map(|b| b.unwrap_or(-1));
        if let Some(c) = zc {
            upper[c - 1] = 1;
        }
        match self.extrapolation {
            Extrapolation::M => z.extrapolate_m(&upper),
            Extrapolation::LuPlus => {
                // Lower-bound guards: the timers' `t ≥ T`; `Die`'s `a ≥ MSL − 1` when generated.
                let mut lower = upper;
                if self.cfg.loss {
                    for l in lower.iter_mut().skip(2) {
                        *l = -1;
                    }
                }
                if let Some(c) = zc {
                    lower[c - 1] = 1;
                }
                z.extrapolate_lu_plus(&lower, &upper);
            }
        }
    }

    /// The successor by `a`, with the clock map from the source's clocks to the successor's.
    pub fn successor(&self, from: &ZoneState, a: DenseAction) -> Option<(ZoneState, ClockMap)> {
        let cfg = &self.cfg;
        let mut z = from.zone();
        // Guards.
        match a {
            DenseAction::Step(Action::Tick) => return None,
            DenseAction::Step(_) => {
                if let (Some(i), Some(g)) = (Self::used_slot(a), self.use_guard()) {
                    if i >= from.s.net.len() || !z.constrain(slot_clock(i), 0, g) {
                        return None;
                    }
                }
            }
            DenseAction::Fire(side) => match duration(cfg, from.s.ep(side)) {
                Some(d) if z.at_least(timer_clock(side), d) => {}
                _ => return None,
            },
            DenseAction::Die(i) => {
                if cfg.loss
                    || i as usize >= from.s.net.len()
                    || !z.at_least(slot_clock(i as usize), self.lifetime())
                {
                    return None;
                }
            }
            DenseAction::Pass => {
                if !self.divergence || !z.at_least(divergence_clock(), 1) {
                    return None;
                }
            }
        }
        // The tagged state: segments carry slot + 1, running timers 0.
        let mut tagged = from.s;
        let mut net = Network::default();
        for (k, seg) in from.s.net.segments().iter().enumerate() {
            net.push_ordered(
                Segment {
                    age: k as u8 + 1,
                    ..*seg
                },
                MAX_NET,
                false,
            );
        }
        tagged.net = net;
        for e in tagged.ep.iter_mut() {
            if e.timer.running() {
                e.timer.ticks = 0;
            }
        }
        let mut n = match a {
            DenseAction::Step(action) => system::apply(cfg, &tagged, action)?,
            DenseAction::Fire(side) => {
                let mut s = tagged;
                let mut ctx = Ctx {
                    cfg,
                    s: &mut s,
                    choice: Choice::None,
                };
                timers::expire(&mut ctx, side);
                s
            }
            DenseAction::Die(i) => {
                let mut s = tagged;
                s.net.remove(i as usize);
                s
            }
            DenseAction::Pass => tagged,
        };
        // Where each clock comes from; restore the durations and zero the ages.
        let mut src: ClockMap = [0; CLOCKS];
        for side in [Side::A, Side::B] {
            let c = timer_clock(side);
            let t = &mut n.ep[side.index()].timer;
            if t.running() {
                if t.ticks == 0 {
                    t.ticks = from.s.ep(side).timer.ticks;
                    src[c - 1] = c;
                } else {
                    src[c - 1] = 0;
                }
            }
        }
        let mut net = Network::default();
        for (j, seg) in n.net.segments().iter().enumerate() {
            src[slot_clock(j) - 1] = if seg.age == 0 {
                0
            } else {
                slot_clock(seg.age as usize - 1)
            };
            net.push_ordered(Segment { age: 0, ..*seg }, MAX_NET, false);
        }
        n.net = net;
        if self.divergence {
            debug_assert!(
                n.net.len() < MAX_NET,
                "the divergence clock's slot stays empty"
            );
            let c = divergence_clock();
            src[c - 1] = if a == DenseAction::Pass { 0 } else { c };
        }
        z.rename(&src);
        self.settle(&n, &mut z);
        if z.is_empty() {
            return None;
        }
        let perm = least_permutation(&n, &mut z);
        let map: ClockMap = std::array::from_fn(|k| src[perm[k] - 1]);
        Some((ZoneState::new(n, &z), map))
    }

    /// The enabled actions (`Fire` and `Die` only where their guard can hold).
    pub fn enabled(&self, zs: &ZoneState, out: &mut Vec<DenseAction>) {
        let mut discrete = Vec::new();
        system::actions(&self.cfg, &zs.s, &mut discrete);
        let net = zs.s.net.segments();
        let zone = zs.zone();
        // Every slot of the run of equal segments that starts at `i`.
        let run = |i: u8| (i as usize..net.len()).take_while(move |&j| net[j] == net[i as usize]);
        // Under the open bound, a segment may be used only while it is younger than MSL.
        let usable = |j: usize| match self.use_guard() {
            Some(g) => zone.allows(slot_clock(j), 0, g),
            None => true,
        };
        for a in discrete {
            match a {
                Action::Tick => {}
                Action::Deliver(i, c) => out.extend(
                    run(i)
                        .filter(|&j| usable(j))
                        .map(|j| DenseAction::Step(Action::Deliver(j as u8, c))),
                ),
                Action::Lose(i) => {
                    out.extend(run(i).map(|j| DenseAction::Step(Action::Lose(j as u8))))
                }
                Action::Duplicate(i) => out.extend(
                    run(i)
                        .filter(|&j| usable(j))
                        .map(|j| DenseAction::Step(Action::Duplicate(j as u8))),
                ),
                other => out.push(DenseAction::Step(other)),
            }
        }
        for side in [Side::A, Side::B] {
            if let Some(d) = duration(&self.cfg, zs.s.ep(side)) {
                if zone.allows(0, timer_clock(side), Bound::le(-d)) {
                    out.push(DenseAction::Fire(side));
                }
            }
        }
        if !self.cfg.loss {
            for i in 0..net.len() {
                if zone.allows(0, slot_clock(i), Bound::le(-self.lifetime())) {
                    out.push(DenseAction::Die(i as u8));
                }
            }
        }
        if self.divergence && zone.allows(0, divergence_clock(), Bound::le(-1)) {
            out.push(DenseAction::Pass);
        }
    }

    /// The action in the replay syntax of the tick model, `A fires` / `die A->B SYN` for the
    /// dense ones.
    pub fn describe(&self, from: &ZoneState, a: &DenseAction) -> String {
        match *a {
            DenseAction::Step(action) => system::describe(&from.s, &action),
            DenseAction::Fire(side) => {
                let kind = match from.s.ep(side).timer.kind {
                    crate::TimerKind::Off => "timer",
                    crate::TimerKind::Retransmit => "rexmt",
                    crate::TimerKind::TimeWait => "2msl",
                    crate::TimerKind::Quiet => "quiet",
                    crate::TimerKind::FinWait2 => "fw2",
                };
                format!("{side} {kind} timer fires")
            }
            DenseAction::Die(i) => {
                let age = match self.cfg.msl_bound {
                    MslBound::Closed => "die (age MSL-1)",
                    MslBound::Open => "die (age MSL)",
                };
                system::describe(&from.s, &Action::Lose(i)).replacen("lose", age, 1)
            }
            DenseAction::Pass => "time passes (1 unit)".to_string(),
        }
    }

    /// The earliest time of every step of a path (`states[0]` the initial state, `actions[k]`
    /// from `states[k]` to `states[k + 1]`), over all timed runs that follow the whole path: the
    /// path's guards and invariants are difference constraints between the step times, solved
    /// exactly (all-pairs shortest paths; the backward propagation a forward zone lacks). The
    /// earliest times together are one run (the least solution of difference constraints is a
    /// solution). With closed guards they are whole units; a strict constraint (`a < MSL`) is
    /// met by a margin of one [`Moment`] step, `1/den` of a unit with `den` a power of ten above
    /// the path's length (enough: a feasible strict system of `n` integer constraints stays
    /// feasible with every strict bound tightened by less than `1/n`). Returns, per state, its
    /// time and the discrete state shown at that time (segment ages and remaining timer ticks,
    /// in whole units, rounded down), or `None` when the path has no timed run (a bug:
    /// zone-graph paths are realisable).
    pub fn timeline(
        &self,
        states: &[ZoneState],
        actions: &[DenseAction],
    ) -> Option<Vec<(Moment, State)>> {
        self.timeline_at(states, actions, &vec![None; states.len()])
            .ok()
    }
}

/// A time of a timed run: `num / den` units of the configuration (`den` a power of ten).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moment {
    pub num: i64,
    pub den: i64,
}

impl Moment {
    /// In the configuration's units: seconds when `time_unit_ms` is set (`51.2s`), else ticks
    /// (`3`, `2.99`); exact, trailing zeros dropped.
    pub fn show(&self, cfg: &Config) -> String {
        if cfg.time_unit_ms > 0 {
            // num · unit_ms / den milliseconds = num · unit_ms / (1000 · den) seconds.
            let mut s = decimal(self.num * cfg.time_unit_ms as i64, self.den * 1000);
            s.push('s');
            s
        } else {
            decimal(self.num, self.den)
        }
    }
}

impl std::fmt::Display for Moment {
    /// In units, without a unit (`3`, `2.99`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&decimal(self.num, self.den))
    }
}

impl PartialOrd for Moment {
    fn partial_cmp(&self, other: &Moment) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Moment {
    fn cmp(&self, other: &Moment) -> std::cmp::Ordering {
        (self.num as i128 * other.den as i128).cmp(&(other.num as i128 * self.den as i128))
    }
}

/// `num / den` in decimal, `den` a power of ten; no trailing zeros.
fn decimal(num: i64, den: i64) -> String {
    let sign = if num < 0 { "-" } else { "" };
    let (q, r) = (num.abs() / den, num.abs() % den);
    if r == 0 {
        return format!("{sign}{q}");
    }
    let digits = den.ilog10() as usize;
    let frac = format!("{r:0digits$}");
    format!("{sign}{q}.{}", frac.trim_end_matches('0'))
}

/// The length of `e`'s running timer, in the configuration's units, or `None` when it is off.
/// The tick model keeps a count that goes down (and saturates at a byte); here the clock goes
/// up and the length is read from what set the timer: the kind, the retransmission count (the
/// backed-off RTO), and for the quiet time how the connection ended (after a normal LAST-ACK,
/// the passive closer's wait; after an abnormal end or a crash, the quiet time).
pub fn duration(cfg: &Config, e: &Endpoint) -> Option<i32> {
    let d = match e.timer.kind {
        TimerKind::Off => return None,
        TimerKind::Retransmit => cfg.rto_after(e.retries),
        TimerKind::TimeWait => cfg.time_wait_ticks(),
        TimerKind::FinWait2 => cfg.fin_wait_2_timeout,
        TimerKind::Quiet if e.end == End::Normal => cfg.passive_close_wait,
        TimerKind::Quiet => cfg.quiet_ticks(),
    };
    Some(d as i32)
}

/// Permutes the clocks of each run of equal segments to the least zone of all such
/// permutations (entrywise order of the matrix), the canonical representative of the states
/// that differ only in which of two equal segments is which. Returns the permutation applied:
/// the new clock `k + 1` is the old clock `perm[k]`.
fn least_permutation(s: &State, z: &mut Zone) -> ClockMap {
    let identity: ClockMap = std::array::from_fn(|k| k + 1);
    let net = s.net.segments();
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < net.len() {
        let mut j = i + 1;
        while j < net.len() && net[j] == net[i] {
            j += 1;
        }
        if j - i > 1 {
            runs.push((i, j - i));
        }
        i = j;
    }
    if runs.is_empty() {
        return identity;
    }
    let mut best = *z;
    let mut best_perm = identity;
    let mut perm = identity;
    let base = *z;
    permute_runs(&runs, 0, &mut perm, &mut |p| {
        let mut c = base;
        c.rename(p);
        if less(&c, &best) {
            best = c;
            best_perm = *p;
        }
    });
    *z = best;
    best_perm
}

/// Calls `visit` with every permutation that permutes clocks only within the runs.
fn permute_runs(
    runs: &[(usize, usize)],
    r: usize,
    perm: &mut ClockMap,
    visit: &mut dyn FnMut(&ClockMap),
) {
    if r == runs.len() {
        visit(perm);
        return;
    }
    let (start, len) = runs[r];
    let base = slot_clock(start) - 1;
    heap_permute(len, base, perm, &mut |p| {
        permute_runs(runs, r + 1, p, visit)
    });
}

/// Heap's algorithm over `perm[base..base + k]`.
fn heap_permute(k: usize, base: usize, perm: &mut ClockMap, visit: &mut dyn FnMut(&mut ClockMap)) {
    if k <= 1 {
        visit(perm);
        return;
    }
    for i in 0..k - 1 {
        heap_permute(k - 1, base, perm, visit);
        if k.is_multiple_of(2) {
            perm.swap(base + i, base + k - 1);
        } else {
            perm.swap(base, base + k - 1);
        }
    }
    heap_permute(k - 1, base, perm, visit);
}

/// Entrywise lexicographic order of two zones' matrices.
fn less(a: &Zone, b: &Zone) -> bool {
    for i in 0..=CLOCKS {
        for j in 0..=CLOCKS {
            let (x, y) = (a.get(i, j).raw(), b.get(i, j).raw());
            if x != y {
                return x < y;
            }
        }
    }
    false
}

impl Model for DenseModel {
    type State = ZoneState;
    type Action = DenseAction;

    fn init_states(&self) -> Vec<ZoneState> {
        vec![self.initial()]
    }

    fn actions(&self, state: &ZoneState, actions: &mut Vec<DenseAction>) {
        self.enabled(state, actions);
    }

    fn next_state(&self, state: &ZoneState, action: DenseAction) -> Option<ZoneState> {
        self.successor(state, action).map(|(n, _)| n)
    }

    fn format_action(&self, action: &DenseAction) -> String {
        format!("{action:?}")
    }

    fn within_boundary(&self, state: &ZoneState) -> bool {
        !state.s.cut
    }
}

/// Why a path has no timed run with the times asked for ([`DenseModel::timeline_at`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Untimed {
    /// `states[k]` is not the successor of `states[k - 1]` by `actions[k - 1]`.
    NotAPath(usize),
    /// The path has no timed run at all (a bug: zone-graph paths are realisable).
    NoRun,
    /// The time fixed for step `step` contradicts the path and the times fixed before it: given
    /// those, the step can happen from `earliest` to `latest` (`None`: no upper bound). Under a
    /// strict bound the ends are the nearest times one [`Moment`] step inside it.
    Infeasible {
        step: usize,
        earliest: Moment,
        latest: Option<Moment>,
    },
}

/// Difference constraints `tau_a - tau_b ≤ c` (`< c` when the flag is set) between step times.
type PathConstraints = Vec<(usize, usize, i64, bool)>;

impl DenseModel {
    /// [`DenseModel::timeline`] with some step times given: `fixed[k]` (when `Some`) is the
    /// time of step `k` (state `k`, reached by `actions[k - 1]`; step 0, the initial state, is
    /// at 0), a constraint `tau_k = fixed[k]` beside the path's guards and invariants. The
    /// fixed times are added in step order, and the first one that contradicts the path and the
    /// ones before it is the error, with the times that step could have instead. Otherwise
    /// every step not fixed is as early as the path and the fixed times allow; each state is
    /// shown at its time, as in [`DenseModel::timeline`].
    pub fn timeline_at(
        &self,
        states: &[ZoneState],
        actions: &[DenseAction],
        fixed: &[Option<Moment>],
    ) -> Result<Vec<(Moment, State)>, Untimed> {
        const INF: i64 = i64::MAX / 4;
        let n = states.len();
        let (cs, resets) = self.path_constraints(states, actions)?;
        let margin: i64 = if cs.iter().any(|c| c.3) {
            let mut d = 10;
            while d <= n as i64 {
                d *= 10;
            }
            d
        } else {
            1
        };
        // Every den is a power of ten, so the largest is a multiple of the others.
        let fixed_den = fixed
            .iter()
            .flatten()
            .map(|m| m.den.max(1))
            .max()
            .unwrap_or(1);
        let den = margin * fixed_den;
        let mut m = vec![vec![INF; n]; n];
        for (k, row) in m.iter_mut().enumerate() {
            row[k] = 0;
        }
        for &(a, b, c, lt) in &cs {
            let w = c * den - lt as i64;
            if w < m[a][b] {
                m[a][b] = w;
            }
        }
        for v in 0..n {
            for a in 0..n {
                if m[a][v] >= INF {
                    continue;
                }
                for b in 0..n {
                    if m[v][b] < INF && m[a][v] + m[v][b] < m[a][b] {
                        m[a][b] = m[a][v] + m[v][b];
                    }
                }
            }
        }
        if (0..n).any(|k| m[k][k] < 0) {
            return Err(Untimed::NoRun);
        }
        // Adds `tau_a - tau_b ≤ w` to the closed matrix, keeping it closed.
        let add = |m: &mut Vec<Vec<i64>>, a: usize, b: usize, w: i64| {
            for x in 0..n {
                if m[x][a] >= INF {
                    continue;
                }
                for y in 0..n {
                    if m[b][y] < INF && m[x][a] + w + m[b][y] < m[x][y] {
                        m[x][y] = m[x][a] + w + m[b][y];
                    }
                }
            }
        };
        for (k, t) in fixed.iter().enumerate().take(n) {
            let Some(t) = t else { continue };
            let v = t.num * (den / t.den.max(1));
            let earliest = -m[0][k];
            let latest = (m[k][0] < INF).then_some(m[k][0]);
            if v < earliest || latest.is_some_and(|l| v > l) {
                return Err(Untimed::Infeasible {
                    step: k,
                    earliest: Moment { num: earliest, den }.reduced(),
                    latest: latest.map(|l| Moment { num: l, den }.reduced()),
                });
            }
            add(&mut m, k, 0, v);
            add(&mut m, 0, k, -v);
        }
        let tau: Vec<i64> = (0..n).map(|k| -m[0][k]).collect();
        Ok(self.shown_at(states, &resets, &tau, den))
    }

    /// The guards and invariants of a path as difference constraints between its step times,
    /// and per step the step at which each clock was last reset (as in
    /// [`DenseModel::timeline`]). The error is the first step that does not follow.
    fn path_constraints(
        &self,
        states: &[ZoneState],
        actions: &[DenseAction],
    ) -> Result<(PathConstraints, Vec<[usize; CLOCKS]>), Untimed> {
        let mut cs: PathConstraints = Vec::new();
        let mut reset = [0usize; CLOCKS];
        let mut resets = vec![reset];
        if actions.len() + 1 != states.len() {
            return Err(Untimed::NotAPath(states.len().min(actions.len() + 1)));
        }
        for k in 1..states.len() {
            let (prev, a) = (&states[k - 1], actions[k - 1]);
            cs.push((k - 1, k, 0, false));
            for (c, b) in self.bounds(&prev.s).iter().enumerate() {
                if let Some(u) = b {
                    cs.push((k, reset[c], *u as i64, false));
                }
            }
            match a {
                DenseAction::Fire(side) => {
                    let c = timer_clock(side) - 1;
                    let t = duration(&self.cfg, prev.s.ep(side)).ok_or(Untimed::NotAPath(k))?;
                    cs.push((reset[c], k, -(t as i64), false));
                }
                DenseAction::Die(i) => {
                    let c = slot_clock(i as usize) - 1;
                    cs.push((reset[c], k, -(self.lifetime() as i64), false));
                }
                DenseAction::Pass => {
                    let c = divergence_clock() - 1;
                    cs.push((reset[c], k, -1, false));
                }
                DenseAction::Step(_) => {
                    if let (Some(i), Some(g)) = (Self::used_slot(a), self.use_guard()) {
                        let c = slot_clock(i) - 1;
                        cs.push((k, reset[c], g.constant() as i64, !g.is_weak()));
                    }
                }
            }
            let (next, map) = self.successor(prev, a).ok_or(Untimed::NotAPath(k))?;
            if next != states[k] {
                return Err(Untimed::NotAPath(k));
            }
            reset = std::array::from_fn(|c| if map[c] == 0 { k } else { reset[map[c] - 1] });
            resets.push(reset);
        }
        Ok((cs, resets))
    }

    /// Each state at its time `tau[k] / den`: segment ages (rounded down) and remaining timer
    /// ticks (rounded up), from the steps at which the clocks were last reset.
    fn shown_at(
        &self,
        states: &[ZoneState],
        resets: &[[usize; CLOCKS]],
        tau: &[i64],
        den: i64,
    ) -> Vec<(Moment, State)> {
        states
            .iter()
            .enumerate()
            .map(|(k, zs)| {
                let mut s = zs.s;
                let r = &resets[k];
                let byte = |v: i64| v.clamp(0, u8::MAX as i64) as u8;
                for side in [Side::A, Side::B] {
                    let d = duration(&self.cfg, s.ep(side));
                    let t = &mut s.ep[side.index()].timer;
                    if let Some(d) = d {
                        let left = d as i64 * den - (tau[k] - tau[r[timer_clock(side) - 1]]);
                        t.ticks = byte((left + den - 1).div_euclid(den));
                    }
                }
                let mut net = Network::default();
                for (j, seg) in zs.s.net.segments().iter().enumerate() {
                    let age = (tau[k] - tau[r[slot_clock(j) - 1]]).div_euclid(den);
                    let seg = Segment {
                        age: byte(age),
                        ..*seg
                    };
                    net.push_ordered(seg, MAX_NET, false);
                }
                s.net = net;
                (Moment { num: tau[k], den }.reduced(), s)
            })
            .collect()
    }
}

impl Moment {
    /// The same time with the least power-of-ten denominator.
    pub fn reduced(self) -> Moment {
        let mut m = self;
        while m.den > 1 && m.den % 10 == 0 && m.num % 10 == 0 {
            m.num /= 10;
            m.den /= 10;
        }
        m
    }

    /// Reads a time as [`Moment::show`] writes it: units (`3`, `2.99`), or seconds with an `s`
    /// (`51.2s`), which need a unit of time (`time_unit_ms`). Non-negative, at most six
    /// decimals, below 10⁶ units. A time in seconds that is not a whole number of a power of
    /// ten's fraction of a unit (a unit of 3 ms, `0.001s`) is refused. The error is a phrase.
    pub fn parse(text: &str, cfg: &Config) -> Result<Moment, String> {
        let (digits, seconds) = match text.strip_suffix('s') {
            Some(d) => (d, true),
            None => (text, false),
        };
        let bad = || {
            format!("malformed time '{text}' (use a number of units such as 3 or 2.5, or seconds such as 51.2s)")
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty()
            || whole.len() > 6
            || frac.len() > 6
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || (digits.contains('.') && frac.is_empty())
        {
            return Err(bad());
        }
        let scale = 10i128.pow(frac.len() as u32);
        let num: i128 = format!("{whole}{frac}").parse().map_err(|_| bad())?;
        if !seconds {
            let m = Moment {
                num: num as i64,
                den: scale as i64,
            };
            return Ok(m.reduced());
        }
        if cfg.time_unit_ms == 0 {
            return Err(format!(
                "time '{text}' is in seconds, and the configuration has no unit of time (config time_unit_ms=N)"
            ));
        }
        // units = seconds · 1000 / unit_ms = num · 1000 / (scale · unit_ms).
        let (top, bottom) = (num * 1000, scale * cfg.time_unit_ms as i128);
        let mut den = 1i128;
        while (top * den) % bottom != 0 {
            den *= 10;
            if den > 1_000_000 {
                return Err(format!(
                    "time '{text}' is not a decimal number of units (time_unit_ms={})",
                    cfg.time_unit_ms
                ));
            }
        }
        let units = top * den / bottom;
        if units / den >= 1_000_000 {
            return Err(bad());
        }
        Ok(Moment {
            num: units as i64,
            den: den as i64,
        }
        .reduced())
    }
}
