//! State fingerprints and fingerprint-keyed maps: how every search in this folder names a state.

use crate::progress::{Meter, Stop};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// 64-bit state fingerprint with fixed seeds: stable across runs and builds.
pub fn fingerprint<T: Hash>(value: &T) -> u64 {
    ahash::RandomState::with_seeds(
        0x243f_6a88_85a3_08d3,
        0x1319_8a2e_0370_7344,
        0xa409_3822_299f_31d0,
        0x082e_fa98_ec4e_6c89,
    )
    .hash_one(value)
    .max(1)
}

/// The keys are fingerprints already: hashing them again is wasted work.
#[derive(Default)]
pub struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, _: &[u8]) {
        unreachable!("only u64 keys are hashed")
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

/// A map keyed by fingerprints.
pub type FingerprintMap<V> = HashMap<u64, V, BuildHasherDefault<IdentityHasher>>;

/// Fingerprint → node id, for the graph build: 12 bytes a slot (fingerprint and id packed as
/// three `u32`s, where a `HashMap<u64, u32>` pads each entry to 16 and adds a control byte), in
/// [`ID_SHARDS`] shards of open addressing with linear probing. Each shard grows by 1.5× when
/// 80 % full, on its own, so the table holds 15–23 bytes per state and growing never holds two
/// copies of the whole table; a growth is checked against the memory limit first.
pub struct IdMap {
    shards: Vec<IdShard>,
}

/// Shards of an [`IdMap`].
pub const ID_SHARDS: usize = 64;

struct IdShard {
    /// `[low half, high half, id]`; a zero fingerprint marks an empty slot (fingerprints are ≥ 1).
    slots: Vec<[u32; 3]>,
    len: usize,
}

impl Default for IdMap {
    fn default() -> Self {
        IdMap {
            shards: (0..ID_SHARDS)
                .map(|_| IdShard {
                    slots: vec![[0; 3]; 256],
                    len: 0,
                })
                .collect(),
        }
    }
}

#[inline]
fn split(fp: u64) -> (u32, u32) {
    (fp as u32, (fp >> 32) as u32)
}

#[inline]
fn home(fp: u64, cap: usize) -> usize {
    let h = fp.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    ((h as u128 * cap as u128) >> 64) as usize
}

impl IdMap {
    /// The id of `fp`, if it has one.
    #[inline]
    pub fn get(&self, fp: u64) -> Option<u32> {
        let shard = &self.shards[fp as usize % ID_SHARDS];
        let (lo, hi) = split(fp);
        let cap = shard.slots.len();
        let mut i = home(fp, cap);
        loop {
            let s = shard.slots[i];
            if s[0] == lo && s[1] == hi {
                return Some(s[2]);
            }
            if s[0] == 0 && s[1] == 0 {
                return None;
            }
            i += 1;
            if i == cap {
                i = 0;
            }
        }
    }

    /// The id of `fp`, giving it `id` if it had none: `(its id, whether it was new)`.
    pub fn get_or_insert(&mut self, fp: u64, id: u32, meter: &Meter) -> Result<(u32, bool), Stop> {
        let shard = &mut self.shards[fp as usize % ID_SHARDS];
        if (shard.len + 1) * 5 > shard.slots.len() * 4 {
            shard.grow(meter)?;
        }
        let (lo, hi) = split(fp);
        let cap = shard.slots.len();
        let mut i = home(fp, cap);
        loop {
            let s = shard.slots[i];
            if s[0] == lo && s[1] == hi {
                return Ok((s[2], false));
            }
            if s[0] == 0 && s[1] == 0 {
                shard.slots[i] = [lo, hi, id];
                shard.len += 1;
                return Ok((id, true));
            }
            i += 1;
            if i == cap {
                i = 0;
            }
        }
    }

    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.shards.iter().map(|s| s.slots.len() * 12).sum()
    }
}

impl IdShard {
    fn grow(&mut self, meter: &Meter) -> Result<(), Stop> {
        let cap = self.slots.len() + self.slots.len() / 2;
        let bytes = (cap * 12) as u64;
        meter.memory_ok(bytes)?;
        let mut fresh: Vec<[u32; 3]> = Vec::new();
        fresh
            .try_reserve_exact(cap)
            .map_err(|_| Stop::Refused { bytes })?;
        fresh.resize(cap, [0; 3]);
        for s in std::mem::replace(&mut self.slots, fresh) {
            if s[0] == 0 && s[1] == 0 {
                continue;
            }
            let fp = s[0] as u64 | (s[1] as u64) << 32;
            let mut i = home(fp, cap);
            while self.slots[i] != [0; 3] {
                i += 1;
                if i == cap {
                    i = 0;
                }
            }
            self.slots[i] = s;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_map_keeps_every_id_through_growth() {
        let meter = Meter::default();
        let mut m = IdMap::default();
        let fp = |i: u64| fingerprint(&i);
        for i in 0..200_000u64 {
            assert_eq!(
                m.get_or_insert(fp(i), i as u32, &meter),
                Ok((i as u32, true))
            );
        }
        assert_eq!(m.len(), 200_000);
        for i in 0..200_000u64 {
            assert_eq!(m.get(fp(i)), Some(i as u32));
            assert_eq!(m.get_or_insert(fp(i), 7, &meter), Ok((i as u32, false)));
        }
        assert_eq!(m.get(fp(1 << 40)), None);
        assert!(m.bytes() < 200_000 * 24, "at most 24 bytes an entry");
    }

    #[test]
    fn id_map_growth_obeys_the_memory_limit() {
        let tight = Meter::new(crate::progress::Limits {
            max_states: None,
            max_memory: Some(1),
        });
        let mut m = IdMap::default();
        let grown = (0..100_000u64).try_for_each(|i| {
            m.get_or_insert(fingerprint(&i), i as u32, &tight)
                .map(|_| ())
        });
        assert!(matches!(grown, Err(Stop::Memory { .. })));
    }
}
