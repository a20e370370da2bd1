//! Progress of a long run on stderr, and the limits that end a search cleanly (README,
//! "Progress, limits and exit statuses").
//!
//! A search owns nothing here but a shared [`Meter`]: it stores its counts into relaxed atomics
//! once per batch of states (a few stores per thousand states, so the engine does not slow
//! down) and asks [`Meter::check`] whether a limit is reached. A [`Progress`] reporter thread
//! reads the meter and draws a live line on a terminal, or prints a plain line every few seconds
//! otherwise. stdout is never touched. Any command can use it: start a [`Progress`], hand its
//! meter to the search, set a phase per stage, and [`Progress::finish`] before printing.

pub mod limits;
mod reporter;

pub use limits::{parse_size, Limits, Stop};
pub use reporter::{Display, Progress};

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;

/// Counts a search shares with the reporter and the limits it must respect.
pub struct Meter {
    limits: Limits,
    phase: Mutex<String>,
    unique: AtomicU64,
    generated: AtomicU64,
    depth: AtomicU64,
    queue: AtomicU64,
    /// Items of a phase made of items (liveness searches, runs of a sweep): done and total.
    done: AtomicU64,
    total: AtomicU64,
    halted: AtomicBool,
    stop: Mutex<Option<Stop>>,
}

/// What the reporter reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub phase: String,
    pub unique: u64,
    pub generated: u64,
    pub depth: u64,
    pub queue: u64,
    pub done: u64,
    pub total: u64,
}

impl Default for Meter {
    fn default() -> Self {
        Meter::new(Limits::NONE)
    }
}

impl Meter {
    pub fn new(limits: Limits) -> Meter {
        Meter {
            limits,
            phase: Mutex::new(String::new()),
            unique: AtomicU64::new(0),
            generated: AtomicU64::new(0),
            depth: AtomicU64::new(0),
            queue: AtomicU64::new(0),
            done: AtomicU64::new(0),
            total: AtomicU64::new(0),
            halted: AtomicBool::new(false),
            stop: Mutex::new(None),
        }
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Starts a stage (`bfs`, `graph`, `liveness`, …): its counts start from zero, and a stop
    /// recorded by an earlier stage is forgotten (that stage has reported it).
    pub fn phase(&self, name: &str) {
        *self.phase.lock().unwrap_or_else(|e| e.into_inner()) = name.to_string();
        for c in [
            &self.unique,
            &self.generated,
            &self.depth,
            &self.queue,
            &self.done,
            &self.total,
        ] {
            c.store(0, Relaxed);
        }
        self.halted.store(false, Relaxed);
        *self.stop.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// Batch updates from the search (relaxed: the reporter only needs a recent value).
    pub fn set_unique(&self, n: u64) {
        self.unique.store(n, Relaxed);
    }
    pub fn add_generated(&self, n: u64) {
        self.generated.fetch_add(n, Relaxed);
    }
    pub fn set_generated(&self, n: u64) {
        self.generated.store(n, Relaxed);
    }
    pub fn set_depth(&self, d: u64) {
        self.depth.store(d, Relaxed);
    }
    pub fn set_queue(&self, q: u64) {
        self.queue.store(q, Relaxed);
    }
    pub fn set_items(&self, done: u64, total: u64) {
        self.done.store(done, Relaxed);
        self.total.store(total, Relaxed);
    }
    pub fn item_done(&self) {
        self.done.fetch_add(1, Relaxed);
    }

    /// After a search merged a batch: the counts it shows, then the memory limit checked.
    pub fn merged(&self, unique: u64, depth: u64, queue: u64) -> Result<(), Stop> {
        self.set_unique(unique);
        self.set_depth(depth);
        self.set_queue(queue);
        self.memory_ok(0)
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            phase: self.phase.lock().unwrap_or_else(|e| e.into_inner()).clone(),
            unique: self.unique.load(Relaxed),
            generated: self.generated.load(Relaxed),
            depth: self.depth.load(Relaxed),
            queue: self.queue.load(Relaxed),
            done: self.done.load(Relaxed),
            total: self.total.load(Relaxed),
        }
    }

    /// The states limit, checked where a search holding `unique` states is about to admit a
    /// new one (one comparison): a search may hold `max_states`, not one more.
    #[inline]
    pub fn states_full(&self, unique: u64) -> Option<Stop> {
        match self.limits.max_states {
            Some(limit) if unique >= limit => Some(Stop::States { limit }),
            _ => None,
        }
    }

    /// The memory limit: resident memory now plus `wanted` bytes about to be allocated. Called
    /// once per batch and before every large allocation.
    pub fn memory_ok(&self, wanted: u64) -> Result<(), Stop> {
        let Some(limit) = self.limits.max_memory else {
            return Ok(());
        };
        let in_use = limits::resident_bytes().unwrap_or(0);
        if in_use.saturating_add(wanted) > limit {
            return Err(Stop::Memory {
                limit,
                in_use,
                wanted,
            });
        }
        Ok(())
    }

    /// Records why the search stops (the first reason wins) and tells every worker.
    pub fn halt(&self, stop: Stop) {
        let mut s = self.stop.lock().unwrap_or_else(|e| e.into_inner());
        if s.is_none() {
            *s = Some(stop);
        }
        self.halted.store(true, Relaxed);
    }

    /// Some worker halted the search: the others stop at their next batch.
    #[inline]
    pub fn halted(&self) -> bool {
        self.halted.load(Relaxed)
    }

    /// Why the current stage stopped, if it did.
    pub fn stopped(&self) -> Option<Stop> {
        *self.stop.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Makes room for `additional` more elements in `v`, first checking that the memory limit
    /// allows the new capacity: a growth the limit forbids, or the system refuses, is a [`Stop`],
    /// never an abort.
    pub fn grow<T>(&self, v: &mut Vec<T>, additional: usize) -> Result<(), Stop> {
        if v.capacity() - v.len() >= additional {
            return Ok(());
        }
        // Grow by a quarter (at least `additional`): big vectors are reallocated in place by
        // the allocator (mremap), so small steps cost no copy and waste little capacity.
        let step = additional.max(v.capacity() / 4).max(1024);
        let bytes = (step * std::mem::size_of::<T>()) as u64;
        self.memory_ok(bytes)?;
        v.try_reserve_exact(step)
            .map_err(|_| Stop::Refused { bytes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_phases() {
        let m = Meter::new(Limits {
            max_states: Some(10),
            max_memory: Some(1),
        });
        assert_eq!(m.states_full(9), None);
        assert_eq!(m.states_full(10), Some(Stop::States { limit: 10 }));
        assert!(matches!(m.memory_ok(0), Err(Stop::Memory { limit: 1, .. })));
        m.halt(Stop::States { limit: 10 });
        m.halt(Stop::Refused { bytes: 1 });
        assert!(m.halted());
        assert_eq!(m.stopped(), Some(Stop::States { limit: 10 }));
        m.phase("next");
        assert!(!m.halted());
        assert_eq!(m.stopped(), None);
        let mut v: Vec<u64> = Vec::new();
        assert!(
            m.grow(&mut v, 10).is_err(),
            "1 byte of memory allows nothing"
        );
        assert!(Meter::default().grow(&mut v, 10).is_ok());
        assert!(v.capacity() >= 10);
    }
}
