//! Dense time (issue 16): zones as difference-bound matrices ([`Dbm`]) and, on them, the
//! dense-time semantics of the model ([`semantics`]: the zone graph that `tcpmc check --time
//! dense` searches). This note is the plan; `semantics` says where the implementation settled
//! (the invariant `a ≤ MSL − 1`, `Die` only without loss, the equal segments' symmetry).
//!
//! **Clocks.** `N = 2 + MAX_NET` (8): clocks 1 and 2 are A's and B's timer (one timer per endpoint,
//! its kind stays in the discrete state); clock `3 + k` is the age of network slot `k`. A clock
//! counts up from 0: a timer's clock is reset when the timer is set or restarted, a slot's when
//! a segment is sent into it; a duplicate copies the original's clock (`copy`); keeping the
//! network sorted permutes slot clocks with it (`swap`). An idle clock (timer off, slot empty)
//! is freed (`free`) and given the constant −∞, so it never splits states.
//!
//! **Invariants, guards, resets.** A running timer of length `T` (`rto`, `time_wait`,
//! `quiet_time`, `fin_wait_2_timeout`, `passive_close_wait`, by kind) has invariant `t ≤ T` and
//! its expiry edge guard `t ≥ T`: it fires at `T` exactly, no later. A segment in flight has
//! invariant `a ≤ MSL` (or `a < MSL`, see below), and its delivery and duplication the same bound
//! as a guard; loss stays unguarded, and death at MSL is the loss the invariant forces. User
//! calls are unguarded. Time passing from a zone `Z` is `up(Z)` intersected with the invariants
//! of the running timers and occupied slots: all upper bounds, so `up` then `constrain` is exact,
//! and a state at rest delays for ever, as the present rule "tick only while in motion" intends.
//!
//! **Extrapolation.** Maximal constants per clock: a timer clock's is the largest timer length
//! of the configuration (or, with `Extra_LU^+`, `L = U = T` of the timer kind the discrete state
//! holds, `-∞` when off); a slot clock's is MSL. Extrapolate after every successor and compare
//! states by zone inclusion (or, for a hashed visited set such as stateright's, by equality of
//! the extrapolated canonical zone: more states than inclusion, the same answers). A zone is 81
//! `i32`s (324 bytes), `Copy` and hashable; beside the discrete state it is stored packed, a
//! byte per bound (`semantics::PackedZone`: every constant of the model is at most 32).
//!
//! **Time divergence.** Liveness today assumes weak fairness of ticks. With zones a lasso may be
//! Zeno (infinitely many steps in bounded time). The standard check (Tripakis; Herbreteau,
//! Srivathsan, Walukiewicz) adds one clock `z` with constant 1 and a silent edge `z ≥ 1 → z := 0`;
//! a fair cycle must take that edge infinitely often, the dense counterpart of "ticks cannot be
//! postponed". A cycle that can never do so is Zeno and is not a counterexample; a reachable zone
//! whose invariants stop time with no edge enabled is a timelock, to be reported as a model bug.
//!
//! **Digitisation.** Henzinger, Manna and Pnueli (ICALP 1992): when every guard and invariant is
//! closed (`≤`, `≥`), each dense run has an integer-time run with the same sequence of events, so
//! reachability and untimed safety agree between dense time and integer time. The present tick
//! model is that integer-time semantics, with a segment deliverable at integer ages `0..MSL-1`:
//! the digitisation of the closed dense model `a ≤ MSL-1`, timers firing at `t = T` (the tick
//! model fires a timer before the other events of the same instant, a dense run may not). TCP's
//! rule is "lives less than MSL", `a < MSL`: open, so not digitisable; it has runs at fractional
//! times the tick model lacks, which is where the README's "artefacts of counting whole ticks"
//! (TIME-WAIT of MSL being enough) live. Checking the dense model twice, once with `a ≤ MSL-1`
//! against the tick model (the same verdicts: a cross-check of both) and once with `a < MSL`,
//! measures those artefacts.
//!
//! **Counterexamples.** [`Dbm::earliest`] picks one point of a zone, clock by clock, exactly in
//! units of `1/2^N` tick. Timing a whole trace needs the zones backwards (each step's zone
//! intersected with the predecessor of the next); [`semantics::DenseModel::timeline`] gets the
//! same answer without zones, by solving the path's guards and invariants as difference
//! constraints between the step times.
//!
//! **Where it stands.** Done: the closed model (`a ≤ MSL − 1`, timers at `t = T`) and the open
//! one (`msl_bound = open`: used while `a < MSL`, gone at `a = MSL`), checked for safety and
//! coverage by `tcpmc check --time dense` with inclusion of zones (the checker's `zone_bfs`);
//! the time-divergence check and so liveness (`DenseModel::divergence`, the checker's
//! `check_dense_live`, on the zone graph with equality); timer lengths read from what set them
//! ([`duration`]), so that backed-off RTOs and constants up to
//! [`crate::config::DENSE_MAX_CONST`] cost what small ones cost; timed replay ([`replay`]).

pub mod dbm;
pub mod replay;
pub mod semantics;

pub use dbm::{Bound, Dbm, Valuation};
pub use semantics::{
    duration, DenseAction, DenseModel, Extrapolation, Moment, Untimed, ZoneState, CLOCKS,
};
