//! The state's hash: every field packed into 64 bytes and hashed in one call.
//!
//! A derived `Hash` feeds the hasher about a hundred small writes (each enum as an 8-byte
//! discriminant); the checker hashes every generated state, so one write of a packed array is
//! measurably faster (BENCHMARKS.md). Packing is injective on reachable states, so `Hash` stays
//! consistent with the derived `Eq`.

use crate::config::MAX_NET;
use crate::endpoint::Endpoint;
use crate::segment::Segment;
use crate::system::State;
use std::hash::{Hash, Hasher};

/// Bytes of [`State::pack`].
pub const PACKED: usize = 2 * ENDPOINT + 1 + SEGMENT * MAX_NET + 7;
const ENDPOINT: usize = 16;
const SEGMENT: usize = 4;

fn endpoint(e: &Endpoint) -> [u8; ENDPOINT] {
    [
        e.state as u8,
        e.iss,
        e.snd_una,
        e.snd_nxt,
        e.rcv_nxt,
        e.timer.kind as u8,
        e.timer.ticks,
        e.retries,
        e.sent,
        e.unread,
        e.app,
        e.conn,
        e.end as u8,
        e.time_wait_memory.rcv_nxt,
        e.time_wait_memory.snd_nxt,
        e.time_wait_memory.conn,
    ]
}

/// Direction, flags and length share a byte, as do connection id and age: each fits its bits
/// (flags 4 bits, length 0 or 1, ids up to 7, ages below MSL ≤ 8).
fn segment(s: &Segment) -> [u8; SEGMENT] {
    debug_assert!(s.flags < 16 && s.len < 8 && s.conn < 8 && s.age < 32);
    [
        s.from as u8 | s.flags << 1 | s.len << 5,
        s.seq,
        s.ack,
        s.conn | s.age << 3,
    ]
}

impl State {
    /// Every field as bytes: equal states pack equal, and different reachable states differ.
    pub fn pack(&self) -> [u8; PACKED] {
        let mut out = [0u8; PACKED];
        out[..ENDPOINT].copy_from_slice(&endpoint(&self.ep[0]));
        out[ENDPOINT..2 * ENDPOINT].copy_from_slice(&endpoint(&self.ep[1]));
        let mut at = 2 * ENDPOINT;
        out[at] = self.net.len() as u8;
        at += 1;
        for (k, s) in self.net.all_slots().iter().enumerate() {
            out[at + k * SEGMENT..at + (k + 1) * SEGMENT].copy_from_slice(&segment(s));
        }
        at += SEGMENT * MAX_NET;
        out[at..].copy_from_slice(&[
            self.next_conn,
            self.ghost,
            self.aborted_conns,
            self.cut as u8,
            self.fault,
            self.zero[0],
            self.zero[1],
        ]);
        out
    }
}

impl Hash for State {
    fn hash<H: Hasher>(&self, h: &mut H) {
        h.write(&self.pack());
    }
}

#[cfg(test)]
mod tests {
    use crate::system::{actions, apply, State};
    use crate::Config;
    use std::collections::HashMap;

    /// The state stays small and `Copy` (BENCHMARKS.md, "Compact state").
    #[test]
    fn the_state_is_82_bytes_and_packs_into_64() {
        assert_eq!(std::mem::size_of::<State>(), 82);
        assert_eq!(super::PACKED, 64);
    }

    /// On every reachable state of a small configuration, packing is injective: two states
    /// with the same bytes are equal.
    #[test]
    fn pack_is_injective_on_reachable_states() {
        let cfg = Config {
            incarnations: 1,
            data_b: 0,
            ..Config::default()
        };
        let mut seen: HashMap<[u8; super::PACKED], State> = HashMap::new();
        let mut todo = vec![State::initial()];
        let mut acts = Vec::new();
        while let Some(s) = todo.pop() {
            if let Some(old) = seen.insert(s.pack(), s) {
                assert_eq!(old, s, "two states pack alike");
                continue;
            }
            acts.clear();
            actions(&cfg, &s, &mut acts);
            todo.extend(acts.iter().filter_map(|&a| apply(&cfg, &s, a)));
        }
        assert!(seen.len() > 10_000);
    }
}
