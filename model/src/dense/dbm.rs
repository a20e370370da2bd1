//! Difference-bound matrices over `N` clocks plus the reference clock 0.
//!
//! Why a module of our own rather than a crate: of the DBM crates on crates.io, `clock-zones`
//! (0.4.1) keeps its matrix on the heap (`Box<[B]>`, so a zone is not `Copy` and every clone
//! allocates), sizes it at run time, pulls `ordered-float` by default and has no extrapolation,
//! no `free` and no valuation; `clock-dbm` is documented on docs.rs but is not in the crates.io
//! index this project builds from. A state of the model is cloned and hashed millions of times,
//! so the zone must be a fixed-size `Copy` value; the classic operations fit in one file.
//!
//! # Encoding
//!
//! Entry `m[i][j]` bounds `x_i - x_j`; `x_0` is the reference clock, always 0, so `m[i][0]` is
//! the upper bound of `x_i` and `m[0][i]` minus its lower bound. A [`Bound`] `(c, ≺)` is one `i32`,
//! `(c << 1) | weak`: `(c, <)` is `2c`, `(c, ≤)` is `2c + 1`, and `∞` is `i32::MAX`. The integer
//! order is the order of bounds (tighter is smaller), so `min` is intersection, and the sum of
//! two bounds adds the constants and is weak only when both are.
//!
//! # Invariants
//!
//! Every public operation takes and returns a canonical DBM: every entry is the tightest bound
//! implied by the others (shortest paths, Floyd–Warshall), every diagonal entry is `(0, ≤)`,
//! every `m[0][i] ≤ (0, ≤)` (clocks are non-negative). An empty zone has one representation,
//! every entry `(0, <)`, so the derived `Eq` and `Hash` are equality and hashing of zones.
//!
//! Constants are limited to `|c| ≤` [`MAX_CONST`] and clocks to [`MAX_CLOCKS`], so that no sum
//! formed by the closure overflows (a canonical entry is a simple path of at most `N + 1` edges,
//! and the closure stops at the first negative cycle).

use std::fmt;

/// The largest constant a bound may carry.
pub const MAX_CONST: i32 = 1 << 20;
/// The largest number of clocks (besides the reference clock) a [`Dbm`] may have.
pub const MAX_CLOCKS: usize = 32;

/// A bound `(c, ≺)` on a clock difference, `≺` one of `<`, `≤`; or `∞` (no bound).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bound(i32);

impl Bound {
    /// No bound.
    pub const INF: Bound = Bound(i32::MAX);
    /// `(0, ≤)`: the diagonal, and the identity of [`Bound::add`].
    pub const LE_ZERO: Bound = Bound(1);
    /// `(0, <)`: the entry of every cell of the empty zone.
    pub const LT_ZERO: Bound = Bound(0);

    /// `(c, ≤)`.
    pub const fn le(c: i32) -> Bound {
        assert!(
            -MAX_CONST <= c && c <= MAX_CONST,
            "bound constant out of range"
        );
        Bound((c << 1) | 1)
    }

    /// `(c, <)`.
    pub const fn lt(c: i32) -> Bound {
        assert!(
            -MAX_CONST <= c && c <= MAX_CONST,
            "bound constant out of range"
        );
        Bound(c << 1)
    }

    /// `(c, ≤)` when `weak`, else `(c, <)`.
    pub const fn new(c: i32, weak: bool) -> Bound {
        if weak {
            Bound::le(c)
        } else {
            Bound::lt(c)
        }
    }

    /// The encoded value, `(c << 1) | weak`, or `i32::MAX` for `∞`.
    pub const fn raw(self) -> i32 {
        self.0
    }

    /// The bound of an encoded value ([`Bound::raw`]); `None` when its constant is out of range.
    pub const fn from_raw(raw: i32) -> Option<Bound> {
        if raw == i32::MAX || (-(MAX_CONST << 1) <= raw && raw <= (MAX_CONST << 1) | 1) {
            Some(Bound(raw))
        } else {
            None
        }
    }

    pub const fn is_inf(self) -> bool {
        self.0 == i32::MAX
    }

    /// The constant `c` (meaningless for `∞`).
    pub const fn constant(self) -> i32 {
        self.0 >> 1
    }

    /// True for `≤` (and for `∞`).
    pub const fn is_weak(self) -> bool {
        self.0 & 1 == 1
    }

    /// `(c1, ≺1) + (c2, ≺2) = (c1 + c2, ≺)`, `≺` weak only if both are; `∞` absorbs.
    #[inline]
    pub const fn add(self, other: Bound) -> Bound {
        if self.is_inf() || other.is_inf() {
            return Bound::INF;
        }
        Bound(((self.0 & !1) + (other.0 & !1)) | (self.0 & other.0 & 1))
    }

    /// Whether the bound holds of the difference `num / den` (`den > 0`).
    pub fn holds(self, num: i64, den: i64) -> bool {
        if self.is_inf() {
            return true;
        }
        let c = self.constant() as i64 * den;
        if self.is_weak() {
            num <= c
        } else {
            num < c
        }
    }
}

impl fmt::Debug for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_inf() {
            f.write_str("<∞")
        } else {
            let rel = if self.is_weak() { "≤" } else { "<" };
            write!(f, "{rel}{}", self.constant())
        }
    }
}

/// A zone over clocks `1..=N` (index 0 is the reference clock) as a canonical DBM.
///
/// The `(N+1)²` matrix is kept in four fixed-size parts (stable Rust has no `[_; N + 1]`):
/// `m[0][0]`, row 0, column 0 and the `N × N` block of clock differences. Read it with
/// [`Dbm::get`].
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Dbm<const N: usize> {
    origin: Bound,
    /// `lower[i - 1] = m[0][i]`: `0 - x_i ≺ c`.
    lower: [Bound; N],
    /// `upper[i - 1] = m[i][0]`: `x_i ≺ c`.
    upper: [Bound; N],
    /// `diff[i - 1][j - 1] = m[i][j]`.
    diff: [[Bound; N]; N],
}

/// A point of a zone: clock `i` (1-based) is `num[i - 1] / den`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Valuation<const N: usize> {
    pub num: [i64; N],
    pub den: i64,
}

impl<const N: usize> Valuation<N> {
    /// Clock `i` (1-based) as a reduced fraction `(numerator, denominator)`.
    pub fn get(&self, i: usize) -> (i64, i64) {
        let (n, d) = (self.num[i - 1], self.den);
        let g = gcd(n.unsigned_abs(), d.unsigned_abs()).max(1) as i64;
        (n / g, d / g)
    }
}

impl<const N: usize> fmt::Display for Valuation<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for i in 1..=N {
            let (n, d) = self.get(i);
            if i > 1 {
                f.write_str(" ")?;
            }
            if d == 1 {
                write!(f, "x{i}={n}")?;
            } else {
                write!(f, "x{i}={n}/{d}")?;
            }
        }
        Ok(())
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl<const N: usize> Dbm<N> {
    const SIZE_OK: () = assert!(N <= MAX_CLOCKS, "too many clocks for a Dbm");

    const fn filled(b: Bound, origin: Bound) -> Dbm<N> {
        let () = Self::SIZE_OK;
        Dbm {
            origin,
            lower: [b; N],
            upper: [b; N],
            diff: [[b; N]; N],
        }
    }

    /// The zone where every clock is 0 (the initial zone, before time passes).
    pub const fn zero() -> Dbm<N> {
        Self::filled(Bound::LE_ZERO, Bound::LE_ZERO)
    }

    /// Every valuation of non-negative clocks.
    pub fn unconstrained() -> Dbm<N> {
        let mut d = Self::filled(Bound::INF, Bound::LE_ZERO);
        d.lower = [Bound::LE_ZERO; N];
        for i in 0..N {
            d.diff[i][i] = Bound::LE_ZERO;
        }
        d
    }

    /// The empty zone (its one representation).
    pub const fn empty() -> Dbm<N> {
        Self::filled(Bound::LT_ZERO, Bound::LT_ZERO)
    }

    /// The zone of the conjunction of `x_i - x_j ≺ c` for each `(i, j, (c, ≺))`, over
    /// non-negative clocks; canonical.
    pub fn from_constraints(cs: &[(usize, usize, Bound)]) -> Dbm<N> {
        let mut d = Self::unconstrained();
        for &(i, j, b) in cs {
            if b < d.get(i, j) {
                d.set(i, j, b);
            }
        }
        d.canonicalise();
        d
    }

    /// The DBM whose entry `m[i][j]` is `entry(i, j)`, for `i, j` in `0..=N`: the inverse of
    /// [`Dbm::get`] over every entry, for compact copies of canonical DBMs. The entries must be
    /// those of a canonical DBM (checked in debug builds).
    pub fn from_entries(entry: impl Fn(usize, usize) -> Bound) -> Dbm<N> {
        let mut d = Self::empty();
        for i in 0..=N {
            for j in 0..=N {
                d.set(i, j, entry(i, j));
            }
        }
        debug_assert!(d.is_canonical(), "from_entries: not canonical");
        d
    }

    /// The number of clocks, the reference clock excluded.
    pub const fn clocks(&self) -> usize {
        N
    }

    /// `m[i][j]`, the bound on `x_i - x_j`, for `i, j` in `0..=N`.
    #[inline]
    pub fn get(&self, i: usize, j: usize) -> Bound {
        match (i, j) {
            (0, 0) => self.origin,
            (0, j) => self.lower[j - 1],
            (i, 0) => self.upper[i - 1],
            (i, j) => self.diff[i - 1][j - 1],
        }
    }

    #[inline]
    fn set(&mut self, i: usize, j: usize, b: Bound) {
        match (i, j) {
            (0, 0) => self.origin = b,
            (0, j) => self.lower[j - 1] = b,
            (i, 0) => self.upper[i - 1] = b,
            (i, j) => self.diff[i - 1][j - 1] = b,
        }
    }

    /// The upper bound of clock `i` (`∞` if none).
    pub fn upper_bound(&self, i: usize) -> Bound {
        self.get(i, 0)
    }

    /// The lower bound of clock `i` as `m[0][i] = (-c, ≺)`, meaning `x_i ≻ c`.
    pub fn lower_bound(&self, i: usize) -> Bound {
        self.get(0, i)
    }

    pub fn is_empty(&self) -> bool {
        self.origin < Bound::LE_ZERO
    }

    fn make_empty(&mut self) {
        *self = Self::empty();
    }

    /// Floyd–Warshall closure: tightens every entry to its shortest path. Detects a negative
    /// cycle (an empty zone) after each pivot and then stops, so no sum can overflow.
    /// A no-op on a canonical DBM.
    pub fn canonicalise(&mut self) {
        if self.is_empty() {
            return;
        }
        // On a flat copy: the split representation's `get`/`set` branch on every access.
        let mut m = [[Bound::INF; MAX_CLOCKS + 1]; MAX_CLOCKS + 1];
        for (i, row) in m.iter_mut().enumerate().take(N + 1) {
            for (j, e) in row.iter_mut().enumerate().take(N + 1) {
                *e = self.get(i, j);
            }
        }
        for k in 0..=N {
            let mk = m[k];
            for row in m.iter_mut().take(N + 1) {
                let ik = row[k];
                if ik.is_inf() {
                    continue;
                }
                for j in 0..=N {
                    let via = ik.add(mk[j]);
                    if via < row[j] {
                        row[j] = via;
                    }
                }
            }
            if (0..=N).any(|i| m[i][i] < Bound::LE_ZERO) {
                self.make_empty();
                return;
            }
        }
        for (i, row) in m.iter().enumerate().take(N + 1) {
            for (j, e) in row.iter().enumerate().take(N + 1) {
                self.set(i, j, *e);
            }
        }
    }

    /// Whether the DBM is closed: no entry can be tightened, and it is not empty with
    /// another representation than [`Dbm::empty`].
    pub fn is_canonical(&self) -> bool {
        if self.is_empty() {
            return *self == Self::empty();
        }
        let idx = 0..=N;
        idx.clone()
            .all(|i| self.get(i, i) == Bound::LE_ZERO && self.get(0, i) <= Bound::LE_ZERO)
            && idx.clone().all(|i| {
                idx.clone().all(|j| {
                    idx.clone()
                        .all(|k| self.get(i, j) <= self.get(i, k).add(self.get(k, j)))
                })
            })
    }

    /// Incremental closure after `m[x][y]` was tightened on a canonical DBM whose cycle through
    /// `x` and `y` stays non-negative: `O(N²)`.
    fn close_through(&mut self, x: usize, y: usize) {
        let xy = self.get(x, y);
        for i in 0..=N {
            let ix = self.get(i, x);
            if ix.is_inf() {
                continue;
            }
            let ixy = ix.add(xy);
            for j in 0..=N {
                let via = ixy.add(self.get(y, j));
                if via < self.get(i, j) {
                    self.set(i, j, via);
                }
            }
        }
    }

    /// Intersects with `x_i - x_j ≺ c`; returns whether the zone is still non-empty.
    pub fn constrain(&mut self, i: usize, j: usize, b: Bound) -> bool {
        if self.is_empty() {
            return false;
        }
        if b >= self.get(i, j) {
            return true;
        }
        if b.add(self.get(j, i)) < Bound::LE_ZERO {
            self.make_empty();
            return false;
        }
        self.set(i, j, b);
        self.close_through(i, j);
        true
    }

    /// `x_i ≤ c`.
    pub fn at_most(&mut self, i: usize, c: i32) -> bool {
        self.constrain(i, 0, Bound::le(c))
    }

    /// `x_i < c`.
    pub fn below(&mut self, i: usize, c: i32) -> bool {
        self.constrain(i, 0, Bound::lt(c))
    }

    /// `x_i ≥ c`.
    pub fn at_least(&mut self, i: usize, c: i32) -> bool {
        self.constrain(0, i, Bound::le(-c))
    }

    /// `x_i > c`.
    pub fn above(&mut self, i: usize, c: i32) -> bool {
        self.constrain(0, i, Bound::lt(-c))
    }

    /// Whether every valuation of the zone satisfies `x_i - x_j ≺ c` (true of the empty zone).
    pub fn entails(&self, i: usize, j: usize, b: Bound) -> bool {
        self.is_empty() || self.get(i, j) <= b
    }

    /// Whether some valuation of the zone satisfies `x_i - x_j ≺ c`.
    pub fn allows(&self, i: usize, j: usize, b: Bound) -> bool {
        !self.is_empty() && b.add(self.get(j, i)) >= Bound::LE_ZERO
    }

    /// Delay (the future, `↑`): every valuation `v + d`, `d ≥ 0`, of a valuation `v` of the
    /// zone. Removes the clocks' upper bounds; stays canonical. Time passing under invariants
    /// is `up` followed by `constrain` with each invariant (all of them upper bounds).
    pub fn up(&mut self) {
        if !self.is_empty() {
            self.upper = [Bound::INF; N];
        }
    }

    /// `x_i := c` (`c ≥ 0`). Stays canonical.
    pub fn reset(&mut self, i: usize, c: i32) {
        debug_assert!(i >= 1 && c >= 0);
        if self.is_empty() {
            return;
        }
        let pos = Bound::le(c);
        let neg = Bound::le(-c);
        for j in 0..=N {
            if j != i {
                self.set(i, j, pos.add(self.get(0, j)));
                self.set(j, i, self.get(j, 0).add(neg));
            }
        }
        self.set(i, i, Bound::LE_ZERO);
    }

    /// `x_i := x_j` (a copied clock: a duplicated segment keeps its age). Stays canonical.
    pub fn copy(&mut self, i: usize, j: usize) {
        debug_assert!(i >= 1);
        if self.is_empty() || i == j {
            return;
        }
        for k in 0..=N {
            if k != i {
                self.set(i, k, self.get(j, k));
                self.set(k, i, self.get(k, j));
            }
        }
        // With k = j the loop set m[i][j] = m[j][i] = m[j][j] = (0, ≤); m[i][i] is untouched.
    }

    /// Forgets every constraint on clock `i` but `x_i ≥ 0` (an unused clock). Stays canonical.
    pub fn free(&mut self, i: usize) {
        debug_assert!(i >= 1);
        if self.is_empty() {
            return;
        }
        for j in 0..=N {
            if j != i {
                self.set(i, j, Bound::INF);
                self.set(j, i, self.get(j, 0));
            }
        }
    }

    /// Exchanges clocks `i` and `j` (renaming: a permutation of the network's slots).
    pub fn swap(&mut self, i: usize, j: usize) {
        debug_assert!(i >= 1 && j >= 1);
        if i == j || self.is_empty() {
            return;
        }
        for k in 0..=N {
            let (a, b) = (self.get(i, k), self.get(j, k));
            self.set(i, k, b);
            self.set(j, k, a);
        }
        for k in 0..=N {
            let (a, b) = (self.get(k, i), self.get(k, j));
            self.set(k, i, b);
            self.set(k, j, a);
        }
    }

    /// Renames clocks: the new clock `i` (1-based) takes the old clock `src[i - 1]`, where `0`
    /// is the reference clock (`x_i := 0`, a reset). Several new clocks may take the same old
    /// one (copies); old clocks nobody takes are dropped. This is one pass of the composition
    /// of [`Dbm::copy`], [`Dbm::swap`] and [`Dbm::reset`] that a permutation of the network's
    /// slots, a duplicate and a send make at once. Stays canonical (every entry of the result
    /// is an entry of the canonical input, or `(0, ≤)` between two copies).
    pub fn rename(&mut self, src: &[usize; N]) {
        if self.is_empty() {
            return;
        }
        let old = *self;
        let s = |i: usize| if i == 0 { 0 } else { src[i - 1] };
        for i in 0..=N {
            for j in 0..=N {
                if i != j {
                    self.set(i, j, old.get(s(i), s(j)));
                }
            }
        }
    }

    /// Intersection; returns whether it is non-empty.
    pub fn intersect(&mut self, other: &Dbm<N>) -> bool {
        if self.is_empty() {
            return false;
        }
        if other.is_empty() {
            self.make_empty();
            return false;
        }
        let mut changed = false;
        for i in 0..=N {
            for j in 0..=N {
                let b = other.get(i, j);
                if b < self.get(i, j) {
                    self.set(i, j, b);
                    changed = true;
                }
            }
        }
        if changed {
            self.canonicalise();
        }
        !self.is_empty()
    }

    /// Inclusion `self ⊆ other` (both canonical): entrywise `≤`.
    pub fn is_subset_of(&self, other: &Dbm<N>) -> bool {
        if self.is_empty() {
            return true;
        }
        if other.is_empty() {
            return false;
        }
        (0..=N).all(|i| (0..=N).all(|j| self.get(i, j) <= other.get(i, j)))
    }

    /// Whether the valuation `num / den` (clock `i` is `num[i - 1] / den`, `den > 0`) is in the
    /// zone.
    pub fn contains(&self, num: &[i64; N], den: i64) -> bool {
        let v = |i: usize| if i == 0 { 0 } else { num[i - 1] };
        !self.is_empty()
            && num.iter().all(|&x| x >= 0)
            && (0..=N).all(|i| (0..=N).all(|j| self.get(i, j).holds(v(i) - v(j), den)))
    }

    /// Classic `Extra_M` (Behrmann, Bouyer, Larsen, Pelánek 2006; UPPAAL's
    /// `dbm_extrapolateMaxBounds`): `max[i - 1]` is the largest constant clock `i` is compared
    /// with; a negative constant means never compared (`-∞`), which frees the clock. Every
    /// `m[i][j]` whose constant exceeds `M(x_i)` becomes `∞`, every one below `-M(x_j)` becomes
    /// `(-M(x_j), <)`; then the DBM is closed again. The result contains the zone and lies in
    /// its closure under `M`-regions, and only finitely many zones are such results.
    pub fn extrapolate_m(&mut self, max: &[i32; N]) {
        if self.is_empty() {
            return;
        }
        let m = |i: usize| if i == 0 { 0 } else { max[i - 1] };
        for i in 0..=N {
            for j in 0..=N {
                if i == j {
                    continue;
                }
                let b = self.get(i, j);
                if b.is_inf() {
                    continue;
                }
                if m(i) < 0 || b > Bound::le(m(i)) {
                    self.set(i, j, Bound::INF);
                } else if m(j) < 0 || b < Bound::lt(-m(j)) {
                    self.set(i, j, Self::lowered(i, m(j)));
                }
            }
        }
        self.canonicalise();
    }

    /// `Extra_LU^+` (Behrmann, Bouyer, Larsen, Pelánek 2006): `lower[i - 1]` (`L`) is the
    /// largest constant in a lower-bound guard of clock `i` (`x ≥ c`, `x > c`), `upper[i - 1]`
    /// (`U`) the largest in an upper-bound guard or invariant (`x ≤ c`, `x < c`); negative means
    /// none (`-∞`). Coarser than [`Dbm::extrapolate_m`] with `M = max(L, U)`, and sound for
    /// reachability in diagonal-free timed automata.
    pub fn extrapolate_lu_plus(&mut self, lower: &[i32; N], upper: &[i32; N]) {
        if self.is_empty() {
            return;
        }
        let l = |i: usize| if i == 0 { 0 } else { lower[i - 1] };
        let u = |i: usize| if i == 0 { 0 } else { upper[i - 1] };
        // `-c_0i > K` (the lower bound of x_i exceeds K), K = -∞ when negative.
        let orig = *self;
        let low_exceeds = |i: usize, k: i32| k < 0 || orig.get(0, i) < Bound::lt(-k);
        for i in 0..=N {
            for j in 0..=N {
                if i == j {
                    continue;
                }
                let b = orig.get(i, j);
                if b.is_inf() {
                    continue;
                }
                if i != 0 && (l(i) < 0 || b > Bound::le(l(i)) || low_exceeds(i, l(i))) {
                    self.set(i, j, Bound::INF);
                } else if j != 0 && low_exceeds(j, u(j)) {
                    if i == 0 {
                        self.set(i, j, Self::lowered(0, u(j)));
                    } else {
                        self.set(i, j, Bound::INF);
                    }
                }
            }
        }
        self.canonicalise();
    }

    /// The relaxed lower bound `(-K, <)` of an entry of column `j`; in row 0 with `K = -∞`,
    /// `(0, ≤)`: clocks stay non-negative. Elsewhere `K = -∞` gives `∞`.
    fn lowered(i: usize, k: i32) -> Bound {
        match (k < 0, i == 0) {
            (false, _) => Bound::lt(-k),
            (true, true) => Bound::LE_ZERO,
            (true, false) => Bound::INF,
        }
    }

    /// The earliest point of the zone, clock by clock: clock 1 takes its least value, then each
    /// clock its least value given the ones already chosen (a canonical DBM is decomposable, so
    /// a choice that satisfies the constraints among the chosen clocks always extends). Where
    /// that least value is excluded by a strict bound, the clock takes it plus half the current
    /// grid step: in units of `1 / 2^N` of a time unit (a tick), exact, the `k`-th clock lands on
    /// a multiple of `2^(N - k)`. `None` for the empty zone.
    pub fn earliest(&self) -> Option<Valuation<N>> {
        if self.is_empty() {
            return None;
        }
        let den: i64 = 1 << N;
        let mut num = [0i64; N];
        for k in 1..=N {
            let val = |j: usize| if j == 0 { 0 } else { num[j - 1] };
            // The greatest lower bound: x_k ≻ v_j - c for m[j][k] = (c, ≺); strict wins ties
            // (defensive: on a canonical DBM a weak and a strict candidate never tie).
            let mut lo = (i64::MIN, false);
            // The least upper bound, for the debug check: x_k ≺ v_j + c for m[k][j] = (c, ≺).
            let mut hi = (i64::MAX, true);
            for j in 0..k {
                let b = self.get(j, k);
                if !b.is_inf() {
                    let cand = (val(j) - b.constant() as i64 * den, !b.is_weak());
                    if cand.0 > lo.0 || (cand.0 == lo.0 && cand.1) {
                        lo = cand;
                    }
                }
                let b = self.get(k, j);
                if !b.is_inf() {
                    let cand = (val(j) + b.constant() as i64 * den, b.is_weak());
                    if cand.0 < hi.0 || (cand.0 == hi.0 && !cand.1) {
                        hi = cand;
                    }
                }
            }
            let v = if lo.1 { lo.0 + (1 << (N - k)) } else { lo.0 };
            debug_assert!(
                v < hi.0 || (v == hi.0 && hi.1),
                "earliest: no room for x{k}"
            );
            num[k - 1] = v;
        }
        debug_assert!(self.contains(&num, den));
        Some(Valuation { num, den })
    }
}

impl<const N: usize> fmt::Debug for Dbm<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The non-trivial constraints, e.g. `x1≤3 x2-x1<2`, or `false`, or `true`.
impl<const N: usize> fmt::Display for Dbm<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("false");
        }
        let mut first = true;
        for i in 0..=N {
            for j in 0..=N {
                let b = self.get(i, j);
                let trivial = i == j || b.is_inf() || (i == 0 && b == Bound::LE_ZERO);
                if trivial {
                    continue;
                }
                if !first {
                    f.write_str(" ")?;
                }
                first = false;
                let rel = if b.is_weak() { "≤" } else { "<" };
                match (i, j) {
                    (0, j) => {
                        let rel = if b.is_weak() { "≥" } else { ">" };
                        write!(f, "x{j}{rel}{}", -b.constant())?
                    }
                    (i, 0) => write!(f, "x{i}{rel}{}", b.constant())?,
                    (i, j) => write!(f, "x{i}-x{j}{rel}{}", b.constant())?,
                }
            }
        }
        if first {
            f.write_str("true")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    // A seeded generator (splitmix64), so failures reproduce.
    use crate::rng::SplitMix64 as SplitMix;

    // ---- brute force: constraint lists evaluated on a rational grid ----

    /// The grid denominator: every point of the grid is a multiple of 1/4 (integers and
    /// half-integers included). Any non-empty zone with integer constants over at most 3
    /// clocks contains a region, and every region a point with fractional parts in {0, 1/4,
    /// 2/4, 3/4}: so on the grid, emptiness and inclusion of such zones (inside a box) are exact.
    const GRID: i64 = 4;
    /// The denominator the brute force computes in (existential witnesses need half a grid
    /// step: an open interval between two grid points has a witness at its middle).
    const DEN: i64 = 8;
    /// Every random zone lies in the box `[0, BOX]^N`.
    const BOX: i32 = 4;

    type Cs = Vec<(usize, usize, Bound)>;

    fn sat(cs: &[(usize, usize, Bound)], v: &[i64]) -> bool {
        let val = |i: usize| if i == 0 { 0 } else { v[i - 1] };
        v.iter().all(|&x| x >= 0) && cs.iter().all(|&(i, j, b)| b.holds(val(i) - val(j), DEN))
    }

    /// Every grid point of `[0, hi]^n`, in units of `1 / DEN`.
    fn grid(n: usize, hi: i32) -> Vec<Vec<i64>> {
        let step = DEN / GRID;
        let top = hi as i64 * DEN;
        let mut out = vec![vec![]];
        for _ in 0..n {
            let mut next = vec![];
            for p in &out {
                let mut t = 0;
                while t <= top {
                    let mut q = p.clone();
                    q.push(t);
                    next.push(q);
                    t += step;
                }
            }
            out = next;
        }
        out
    }

    fn arr<const N: usize>(v: &[i64]) -> [i64; N] {
        let mut a = [0; N];
        a.copy_from_slice(v);
        a
    }

    /// A random constraint on `n` clocks: a bound in `0..=BOX` or a difference in `-3..=3`,
    /// strict or weak at random.
    fn random_constraint(r: &mut SplitMix, n: usize) -> (usize, usize, Bound) {
        let i = r.below(n + 1);
        let mut j = r.below(n + 1);
        while j == i {
            j = r.below(n + 1);
        }
        let c = if i == 0 || j == 0 {
            let c = r.range(0, BOX);
            if i == 0 {
                -c
            } else {
                c
            }
        } else {
            r.range(-3, 3)
        };
        (i, j, Bound::new(c, r.coin()))
    }

    /// 0–4 random constraints plus the box.
    fn random_zone(r: &mut SplitMix, n: usize) -> Cs {
        let mut cs: Cs = (1..=n).map(|i| (i, 0, Bound::le(BOX))).collect();
        for _ in 0..r.below(5) {
            cs.push(random_constraint(r, n));
        }
        cs
    }

    fn dbm_of<const N: usize>(cs: &[(usize, usize, Bound)]) -> Dbm<N> {
        Dbm::<N>::from_constraints(cs)
    }

    /// The same zone built the incremental way: constraint by constraint from "all clocks ≥ 0".
    fn dbm_incremental<const N: usize>(cs: &[(usize, usize, Bound)]) -> Dbm<N> {
        let mut d = Dbm::<N>::unconstrained();
        for &(i, j, b) in cs {
            d.constrain(i, j, b);
        }
        d
    }

    /// The DBM agrees with `pred` on every grid point of `[0, hi]^N`.
    fn agrees<const N: usize>(d: &Dbm<N>, hi: i32, pred: impl Fn(&[i64]) -> bool) -> bool {
        grid(N, hi)
            .iter()
            .all(|p| d.contains(&arr::<N>(p), DEN) == pred(p))
    }

    /// Some `t` on the half grid in `0..=hi` for which `f(t)` holds.
    fn exists_t(hi: i32, f: impl Fn(i64) -> bool) -> bool {
        (0..=hi as i64 * DEN)
            .step_by((DEN / GRID / 2) as usize)
            .any(f)
    }

    // ---- unit tests ----

    #[test]
    fn bound_encoding_orders_strict_below_weak() {
        assert!(Bound::lt(2) < Bound::le(2));
        assert!(Bound::le(2) < Bound::lt(3));
        assert!(Bound::le(-1) < Bound::LT_ZERO);
        assert!(Bound::le(MAX_CONST) < Bound::INF);
        assert_eq!(Bound::le(2).add(Bound::lt(-2)), Bound::LT_ZERO);
        assert_eq!(Bound::le(2).add(Bound::le(-2)), Bound::LE_ZERO);
        assert_eq!(Bound::le(-3).add(Bound::INF), Bound::INF);
        assert_eq!(Bound::lt(-3).constant(), -3);
        assert!(!Bound::lt(-3).is_weak() && Bound::le(-3).is_weak());
    }

    #[test]
    fn zone_is_copy_and_hashes_by_value() {
        let mut a = Dbm::<3>::zero();
        a.up();
        let b = a;
        let set: HashSet<Dbm<3>> = [a, b].into_iter().collect();
        assert_eq!(set.len(), 1);
    }

    #[test]
    fn canonical_form_is_idempotent() {
        let mut r = SplitMix(1);
        for _ in 0..500 {
            let cs = random_zone(&mut r, 3);
            let mut d = Dbm::<3>::unconstrained();
            for &(i, j, b) in &cs {
                if b < d.get(i, j) {
                    d.set(i, j, b);
                }
            }
            d.canonicalise();
            assert!(d.is_canonical(), "{cs:?}");
            let once = d;
            d.canonicalise();
            assert_eq!(d, once);
        }
    }

    #[test]
    fn incremental_constrain_equals_full_closure() {
        let mut r = SplitMix(2);
        for _ in 0..500 {
            let cs = random_zone(&mut r, 3);
            let full = dbm_of::<3>(&cs);
            let inc = dbm_incremental::<3>(&cs);
            assert_eq!(full, inc, "{cs:?}");
            assert!(inc.is_canonical());
        }
    }

    #[test]
    fn up_then_constrain_bounds_the_delay() {
        // x1 = x2 = 0, delay, invariant x1 ≤ 3: both clocks in [0, 3], equal.
        let mut d = Dbm::<2>::zero();
        d.up();
        assert_eq!(d.upper_bound(1), Bound::INF);
        assert!(d.at_most(1, 3));
        assert_eq!(d.upper_bound(2), Bound::le(3));
        assert!(d.entails(1, 2, Bound::LE_ZERO) && d.entails(2, 1, Bound::LE_ZERO));
        // Guard x2 ≥ 2: x1 ∈ [2, 3].
        assert!(d.at_least(2, 2));
        assert_eq!(d.lower_bound(1), Bound::le(-2));
        assert!(d.is_canonical());
        assert_eq!(d.to_string(), "x1≥2 x2≥2 x1≤3 x1-x2≤0 x2≤3 x2-x1≤0");
    }

    #[test]
    fn reset_sets_a_clock_and_keeps_the_differences_of_the_others() {
        let mut d = Dbm::<2>::zero();
        d.up();
        d.at_least(1, 2);
        d.at_most(1, 3);
        d.reset(1, 0);
        // x1 = 0, x2 ∈ [2, 3], x2 - x1 ∈ [2, 3].
        assert_eq!(d.upper_bound(1), Bound::LE_ZERO);
        assert_eq!(d.get(2, 1), Bound::le(3));
        assert_eq!(d.get(1, 2), Bound::le(-2));
        assert!(d.is_canonical());
        d.reset(2, 5);
        assert_eq!(d.upper_bound(2), Bound::le(5));
        assert_eq!(d.lower_bound(2), Bound::le(-5));
        assert_eq!(d.get(2, 1), Bound::le(5));
        assert!(d.is_canonical());
    }

    #[test]
    fn strict_and_weak_bounds_meet_at_the_boundary() {
        // x < 2 ∧ x ≥ 2 is empty; x ≤ 2 ∧ x ≥ 2 is the point 2.
        let mut open = Dbm::<1>::unconstrained();
        assert!(open.below(1, 2));
        assert!(!open.at_least(1, 2));
        assert!(open.is_empty());
        assert_eq!(open, Dbm::empty());

        let mut closed = Dbm::<1>::unconstrained();
        assert!(closed.at_most(1, 2) && closed.at_least(1, 2));
        assert!(!closed.is_empty());
        assert_eq!(closed.earliest().unwrap().get(1), (2, 1));

        // The same through a difference: x1 - x2 < 1, x2 - x1 ≤ -1.
        let d = Dbm::<2>::from_constraints(&[(1, 2, Bound::lt(1)), (2, 1, Bound::le(-1))]);
        assert!(d.is_empty());
        let d = Dbm::<2>::from_constraints(&[(1, 2, Bound::le(1)), (2, 1, Bound::le(-1))]);
        assert!(!d.is_empty());
    }

    #[test]
    fn empty_zone_has_one_representation() {
        let mut a = Dbm::<2>::zero();
        a.above(1, 0);
        let b = Dbm::<2>::from_constraints(&[(1, 0, Bound::lt(1)), (0, 1, Bound::le(-5))]);
        assert!(a.is_empty() && b.is_empty());
        assert_eq!(a, b);
        assert_eq!(a.to_string(), "false");
        // Every operation leaves the empty zone empty.
        let mut c = a;
        c.up();
        c.reset(1, 3);
        c.free(2);
        c.extrapolate_m(&[1, 1]);
        assert_eq!(c, Dbm::empty());
        assert!(c.is_subset_of(&Dbm::zero()) && !Dbm::<2>::zero().is_subset_of(&c));
    }

    #[test]
    fn inclusion_is_reflexive_and_antisymmetric_on_canonical_forms() {
        let mut r = SplitMix(3);
        let zones: Vec<Dbm<3>> = (0..150)
            .map(|_| dbm_of::<3>(&random_zone(&mut r, 3)))
            .collect();
        for a in &zones {
            assert!(a.is_subset_of(a));
            for b in &zones {
                if a.is_subset_of(b) && b.is_subset_of(a) {
                    assert_eq!(a, b);
                }
            }
        }
    }

    #[test]
    fn free_copy_and_swap() {
        let mut d = Dbm::<3>::zero();
        d.up();
        d.at_least(1, 1);
        d.reset(2, 0);
        // x1 = x3 ≥ 1, x2 = 0.
        let mut f = d;
        f.free(1);
        assert_eq!(f.upper_bound(1), Bound::INF);
        assert_eq!(f.lower_bound(1), Bound::LE_ZERO);
        assert_eq!(f.get(3, 2), d.get(3, 2));
        assert!(f.is_canonical() && d.is_subset_of(&f));

        let mut c = f;
        c.copy(1, 2);
        assert!(c.entails(1, 2, Bound::LE_ZERO) && c.entails(2, 1, Bound::LE_ZERO));
        assert_eq!(c.upper_bound(1), Bound::LE_ZERO);
        assert!(c.is_canonical());

        let mut s = d;
        s.swap(1, 2);
        assert_eq!(s.upper_bound(1), Bound::LE_ZERO);
        assert_eq!(s.lower_bound(2), Bound::le(-1));
        assert!(s.is_canonical());
        s.swap(2, 1);
        assert_eq!(s, d);
    }

    #[test]
    fn rename_is_the_composition_of_swap_copy_and_reset() {
        let mut r = SplitMix(16);
        for _ in 0..500 {
            let cs = random_zone(&mut r, 3);
            let d = dbm_of::<3>(&cs);
            // A permutation: rename by (2, 3, 1) is two swaps.
            let mut by_swaps = d;
            by_swaps.swap(1, 2);
            by_swaps.swap(2, 3);
            let mut renamed = d;
            renamed.rename(&[2, 3, 1]);
            assert_eq!(renamed, by_swaps, "{d}");
            // A duplicate and a reset: x1 := x3, x2 := x2, x3 := 0.
            let mut by_ops = d;
            by_ops.copy(1, 3);
            by_ops.reset(3, 0);
            let mut renamed = d;
            renamed.rename(&[3, 2, 0]);
            assert_eq!(renamed, by_ops, "{d}");
            assert!(renamed.is_canonical() || renamed.is_empty());
        }
    }

    #[test]
    fn earliest_valuation_is_in_the_zone_and_minimal_where_bounds_are_weak() {
        let mut d = Dbm::<2>::zero();
        d.up();
        d.above(1, 2);
        // x1 = x2 > 2: x1 = 2 + 1/2 (half of the first grid step, one tick), x2 = x1.
        let v = d.earliest().unwrap();
        assert_eq!((v.get(1), v.get(2)), ((5, 2), (5, 2)));
        assert_eq!(v.to_string(), "x1=5/2 x2=5/2");

        let mut r = SplitMix(4);
        for _ in 0..500 {
            let cs = random_zone(&mut r, 3);
            let d = dbm_of::<3>(&cs);
            match d.earliest() {
                None => assert!(d.is_empty()),
                Some(v) => {
                    assert!(d.contains(&v.num, v.den));
                    // Clock 1 comes first: with a weak lower bound it sits on it.
                    let lo = d.lower_bound(1);
                    if lo.is_weak() {
                        assert_eq!(v.num[0], -lo.constant() as i64 * v.den);
                    }
                }
            }
        }
    }

    #[test]
    fn extrapolation_makes_a_growing_zone_sequence_finite() {
        // Repeatedly: delay, guard x1 ≥ 1, reset x1. Without extrapolation x2 - x1 ≥ k grows
        // for ever; with M = (1, 2) the sequence reaches a fixpoint.
        let step = |d: &mut Dbm<2>| {
            d.up();
            d.at_least(1, 1);
            d.reset(1, 0);
        };
        let mut plain = Dbm::<2>::zero();
        let mut seen = HashSet::new();
        for _ in 0..50 {
            step(&mut plain);
            assert!(seen.insert(plain), "plain zones never repeat");
        }
        assert_eq!(plain.get(1, 2), Bound::le(-50));

        let mut d = Dbm::<2>::zero();
        let mut rounds = 0;
        loop {
            let before = d;
            step(&mut d);
            d.extrapolate_m(&[1, 2]);
            rounds += 1;
            if d == before {
                break;
            }
            assert!(rounds < 10, "no fixpoint: {d}");
        }
        assert_eq!(d.get(1, 2), Bound::lt(-2));
        // A reset-only clock under no guard: inactive (-∞), freed.
        let mut e = Dbm::<2>::zero();
        step(&mut e);
        e.extrapolate_m(&[1, -1]);
        assert_eq!(
            (e.upper_bound(2), e.lower_bound(2)),
            (Bound::INF, Bound::LE_ZERO)
        );
    }

    #[test]
    fn lu_extrapolation_keeps_only_what_the_guards_can_see() {
        // 1 ≤ x1 ≤ 3, x2 = 0.
        let mut z = Dbm::<2>::zero();
        z.up();
        z.at_least(1, 1);
        z.at_most(1, 3);
        z.reset(2, 0);
        // M = 2: x1 ≤ 3 goes (3 > 2), x1 ≥ 1 stays.
        let mut m = z;
        m.extrapolate_m(&[2, 0]);
        assert_eq!(
            (m.lower_bound(1), m.upper_bound(1)),
            (Bound::le(-1), Bound::INF)
        );
        // Only lower-bound guards on x1 (L = 2, U = -∞): a larger x1 does all a smaller one
        // does, so the lower bound goes too.
        let mut l = z;
        l.extrapolate_lu_plus(&[2, 0], &[-1, 0]);
        assert_eq!(
            (l.lower_bound(1), l.upper_bound(1)),
            (Bound::LE_ZERO, Bound::INF)
        );
        // Only upper-bound guards (L = -∞, U = 2): the upper bound goes, x1 ≥ 1 stays.
        let mut u = z;
        u.extrapolate_lu_plus(&[-1, 0], &[2, 0]);
        assert_eq!(
            (u.lower_bound(1), u.upper_bound(1)),
            (Bound::le(-1), Bound::INF)
        );
        // U = 0 < 1: the lower bound is relaxed to x1 > 0.
        let mut u0 = z;
        u0.extrapolate_lu_plus(&[-1, 0], &[0, 0]);
        assert_eq!(u0.lower_bound(1), Bound::LT_ZERO);
        for e in [m, l, u, u0] {
            assert!(z.is_subset_of(&e) && e.is_canonical());
            assert_eq!(e.upper_bound(2), Bound::LE_ZERO);
        }
    }

    /// A zone graph of one location with invariant `x1 ≤ 1` and two edges, `x1 ≥ 1` resetting
    /// `x1` and `x2 ≥ 2` resetting `x2`, delay after each: without extrapolation the zones
    /// `x2 - x1 = k` never repeat nor include one another; with `Extra_M` (`M = (1, 2)`) or
    /// `Extra_LU^+` (`L = (1, 2)`, `U = (1, -∞)`) and inclusion the exploration terminates.
    #[test]
    fn zone_graph_exploration_terminates_with_extrapolation() {
        let edges: [(usize, i32); 2] = [(1, 1), (2, 2)];
        let explore = |extra: &dyn Fn(&mut Dbm<2>), cap: usize| -> Option<usize> {
            let delay = |z: &mut Dbm<2>| {
                z.up();
                z.at_most(1, 1);
                extra(z);
            };
            let mut init = Dbm::<2>::zero();
            delay(&mut init);
            let mut seen = vec![init];
            let mut todo = vec![init];
            while let Some(z) = todo.pop() {
                for &(clock, c) in &edges {
                    let mut n = z;
                    if !n.at_least(clock, c) {
                        continue;
                    }
                    n.reset(clock, 0);
                    delay(&mut n);
                    if seen.iter().any(|s| n.is_subset_of(s)) {
                        continue;
                    }
                    seen.push(n);
                    todo.push(n);
                    if seen.len() > cap {
                        return None;
                    }
                }
            }
            Some(seen.len())
        };
        assert_eq!(explore(&|_| {}, 500), None);
        let m = explore(&|z| z.extrapolate_m(&[1, 2]), 500).expect("Extra_M terminates");
        let lu = explore(&|z| z.extrapolate_lu_plus(&[1, 2], &[1, -1]), 500)
            .expect("Extra_LU+ terminates");
        assert!(lu <= m, "LU ({lu} zones) is no finer than M ({m})");
    }

    // ---- property-based tests against brute force ----

    #[test]
    fn random_zones_agree_with_brute_force_membership_and_emptiness() {
        let mut r = SplitMix(5);
        let (mut empty, mut nonempty) = (0, 0);
        for case in 0..400 {
            let n = 2 + case % 2;
            let cs = random_zone(&mut r, n);
            let brute_empty;
            if n == 2 {
                let d = dbm_of::<2>(&cs);
                assert!(agrees(&d, BOX, |p| sat(&cs, p)), "{cs:?} → {d}");
                brute_empty = !grid(2, BOX).iter().any(|p| sat(&cs, p));
                assert_eq!(d.is_empty(), brute_empty, "{cs:?}");
                assert_eq!(dbm_incremental::<2>(&cs), d);
            } else {
                let d = dbm_of::<3>(&cs);
                assert!(agrees(&d, BOX, |p| sat(&cs, p)), "{cs:?} → {d}");
                brute_empty = !grid(3, BOX).iter().any(|p| sat(&cs, p));
                assert_eq!(d.is_empty(), brute_empty, "{cs:?}");
                assert_eq!(dbm_incremental::<3>(&cs), d);
            }
            if brute_empty {
                empty += 1;
            } else {
                nonempty += 1;
            }
        }
        assert!(empty > 40 && nonempty > 40, "{empty} empty, {nonempty} not");
    }

    fn inclusion_case<const N: usize>(r: &mut SplitMix) -> bool {
        let a = random_zone(r, N);
        // b: a random subset of a's constraints (the box kept), sometimes one more.
        let mut b: Cs = a
            .iter()
            .enumerate()
            .filter(|&(k, _)| k < N || r.coin())
            .map(|(_, &c)| c)
            .collect();
        if r.below(3) == 0 {
            b.push(random_constraint(r, N));
        }
        let (da, db) = (dbm_of::<N>(&a), dbm_of::<N>(&b));
        let brute = grid(N, BOX).iter().all(|p| !sat(&a, p) || sat(&b, p));
        assert_eq!(da.is_subset_of(&db), brute, "{a:?} ⊆ {b:?}");
        let both = grid(N, BOX).iter().all(|p| sat(&a, p) == sat(&b, p));
        assert_eq!(da == db, both, "{a:?} = {b:?}");
        brute
    }

    #[test]
    fn random_inclusion_agrees_with_brute_force() {
        let mut r = SplitMix(6);
        let mut yes = 0;
        for case in 0..400 {
            let sub = if case % 2 == 0 {
                inclusion_case::<2>(&mut r)
            } else {
                inclusion_case::<3>(&mut r)
            };
            yes += sub as usize;
        }
        assert!(yes > 50 && yes < 350, "{yes} of 400 included");
    }

    fn operations_case<const N: usize>(r: &mut SplitMix) {
        let cs = random_zone(r, N);
        let d = dbm_of::<N>(&cs);
        let x = 1 + r.below(N);
        let y = 1 + (x % N);
        // Up: v ∈ ↑Z iff v - t ∈ Z for some t ≥ 0 (checked in a larger box: ↑Z is unbounded).
        let mut up = d;
        up.up();
        assert!(up.is_canonical());
        let hi = BOX + 2;
        assert!(
            agrees(&up, hi, |p| exists_t(hi, |t| {
                let mut q = [0i64; 3];
                for (k, &v) in p.iter().enumerate() {
                    q[k] = v - t;
                }
                sat(&cs, &q[..N])
            })),
            "up {cs:?}"
        );
        // Reset to c: v ∈ Z[x:=c] iff v_x = c and v[x:=t] ∈ Z for some t.
        let c = r.range(0, 2);
        let mut rs = d;
        rs.reset(x, c);
        assert!(rs.is_canonical());
        let with = |p: &[i64], t: i64| {
            let mut q = [0i64; 3];
            q[..N].copy_from_slice(p);
            q[x - 1] = t;
            q
        };
        assert!(
            agrees(&rs, BOX, |p| p[x - 1] == c as i64 * DEN
                && exists_t(BOX, |t| sat(&cs, &with(p, t)[..N]))),
            "reset x{x}:={c} {cs:?}"
        );
        // Free: v ∈ free_x(Z) iff v[x:=t] ∈ Z for some t.
        let mut fr = d;
        fr.free(x);
        assert!(fr.is_canonical());
        assert!(
            agrees(&fr, BOX, |p| exists_t(BOX, |t| sat(&cs, &with(p, t)[..N]))),
            "free x{x} {cs:?}"
        );
        // Copy: v ∈ Z[x:=y] iff v_x = v_y and v[x:=t] ∈ Z for some t.
        let mut cp = d;
        cp.copy(x, y);
        assert!(cp.is_canonical());
        assert!(
            agrees(&cp, BOX, |p| p[x - 1] == p[y - 1]
                && exists_t(BOX, |t| sat(&cs, &with(p, t)[..N]))),
            "copy x{x}:=x{y} {cs:?}"
        );
        // Swap: v ∈ swap(Z) iff v with x, y exchanged ∈ Z.
        let mut sw = d;
        sw.swap(x, y);
        assert!(sw.is_canonical());
        assert!(agrees(&sw, BOX, |p| {
            let mut q = p.to_vec();
            q.swap(x - 1, y - 1);
            sat(&cs, &q)
        }));
        // Intersection with another random zone.
        let cs2 = random_zone(r, N);
        let mut both = d;
        let nonempty = both.intersect(&dbm_of::<N>(&cs2));
        assert!(both.is_canonical());
        assert_eq!(nonempty, !both.is_empty());
        assert!(agrees(&both, BOX, |p| sat(&cs, p) && sat(&cs2, p)));
        // Entailment and satisfiability of one more constraint.
        let (i, j, b) = random_constraint(r, N);
        let pts: Vec<_> = grid(N, BOX).into_iter().filter(|p| sat(&cs, p)).collect();
        let extra = [(i, j, b)];
        assert_eq!(d.entails(i, j, b), pts.iter().all(|p| sat(&extra, p)));
        assert_eq!(d.allows(i, j, b), pts.iter().any(|p| sat(&extra, p)));
    }

    #[test]
    fn random_operations_agree_with_brute_force() {
        let mut r = SplitMix(7);
        for case in 0..200 {
            if case % 2 == 0 {
                operations_case::<2>(&mut r);
            } else {
                operations_case::<3>(&mut r);
            }
        }
    }

    /// The classic region of a valuation under `M` (Alur–Dill, diagonal-free): per clock its
    /// integer part and whether it is an integer, or "beyond M"; the order of the fractional
    /// parts of the clocks not beyond M.
    fn region(p: &[i64], m: &[i32]) -> Vec<i64> {
        let mut sig = vec![];
        for (k, &v) in p.iter().enumerate() {
            if m[k] < 0 || v > m[k] as i64 * DEN {
                sig.extend([-1, -1]);
            } else {
                sig.extend([v / DEN, (v % DEN == 0) as i64]);
            }
        }
        for a in 0..p.len() {
            for b in 0..p.len() {
                let small = |k: usize| m[k] >= 0 && p[k] <= m[k] as i64 * DEN;
                if a < b && small(a) && small(b) {
                    sig.push(((p[a] % DEN).cmp(&(p[b] % DEN))) as i64);
                }
            }
        }
        sig
    }

    fn extrapolation_case<const N: usize>(r: &mut SplitMix) {
        let cs = random_zone(r, N);
        let d = dbm_of::<N>(&cs);
        let mut m = [0i32; N];
        let (mut l, mut u) = ([0i32; N], [0i32; N]);
        for k in 0..N {
            m[k] = r.range(-1, 3);
            l[k] = r.range(-1, m[k]);
            u[k] = if l[k] == m[k] {
                r.range(-1, m[k])
            } else {
                m[k]
            };
        }
        let mut em = d;
        em.extrapolate_m(&m);
        let mut emp = d;
        emp.extrapolate_lu_plus(&m, &m);
        let mut elu = d;
        elu.extrapolate_lu_plus(&l, &u);
        for e in [&em, &emp, &elu] {
            assert!(e.is_canonical());
            assert!(d.is_subset_of(e), "{d} ⊄ {e}");
            // Every finite constant is a sum of at most N constants within the maximal ones
            // (a simple path of the closure), so only finitely many zones can result.
            for i in 0..=N {
                for j in 0..=N {
                    let b = e.get(i, j);
                    assert!(b.is_inf() || b.constant().abs() <= 3 * N as i32, "{e}");
                }
            }
        }
        // Extra_M ⊆ Extra_M^+ (= Extra_LU^+ with L = U = M) ⊆ Extra_LU^+ with L, U ≤ M.
        assert!(
            em.is_subset_of(&emp) && emp.is_subset_of(&elu),
            "{d}: {em} {emp} {elu}"
        );
        // Extra_M^+(Z) lies in the closure of Z under M-regions: every point of it has a point
        // of Z in its region. (Points of Z: the grid of the box; Z lies in the box.)
        let regions: HashSet<Vec<i64>> = grid(N, BOX)
            .iter()
            .filter(|p| sat(&cs, p))
            .map(|p| region(p, &m))
            .collect();
        for p in grid(N, BOX + 2) {
            if emp.contains(&arr::<N>(&p), DEN) {
                assert!(
                    regions.contains(&region(&p, &m)),
                    "{cs:?} M={m:?}: {emp} at {p:?}"
                );
            }
        }
    }

    #[test]
    fn random_extrapolation_is_sound_bounded_and_within_the_region_closure() {
        let mut r = SplitMix(8);
        for case in 0..300 {
            if case % 2 == 0 {
                extrapolation_case::<2>(&mut r);
            } else {
                extrapolation_case::<3>(&mut r);
            }
        }
    }
}
